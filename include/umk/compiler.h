/* Compiler glue shared by every umk header: no host headers here. */
#ifndef UMK_COMPILER_H
#define UMK_COMPILER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Functions and variables shared between files of the core but not part
 * of the public API. The amalgamation (configgen emit) defines this as
 * "static" so they vanish from umk.o's symbol table, as SQLITE_PRIVATE does.
 */
#ifndef UMK_INTERNAL
#define UMK_INTERNAL
#endif
/* Declaration of internal data defined in another file. */
#ifndef UMK_INTERNAL_DECL
#define UMK_INTERNAL_DECL extern
#endif

#define umk_likely(x) __builtin_expect(!!(x), 1)
#define umk_unlikely(x) __builtin_expect(!!(x), 0)
#define UMK_NORETURN __attribute__((noreturn))
#define UMK_WEAK __attribute__((weak))
#define UMK_USED __attribute__((used))
#define UMK_UNUSED __attribute__((unused))
#define UMK_NOINLINE __attribute__((noinline))
#define UMK_HIDDEN __attribute__((visibility("hidden")))
#define UMK_ALIGNED(n) __attribute__((aligned(n)))
#define UMK_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define UMK_CACHELINE 64

/*
 * Code the preemption tick must not leave mid-way (arch/um/preempt.c
 * refuses a pc inside it): short functions that read the thread pointer
 * and then use it, which a move to another CPU's host thread in between
 * would leave pointing at the old thread's TLS. Their own section, named
 * as a C identifier so the linker brackets it with __start_umk_nopreempt
 * and __stop_umk_nopreempt, in libumk.a and the amalgamation alike. Never
 * inlined or cloned, or the code would run outside the section.
 */
#if defined(__clang__)
#define UMK_NOPREEMPT __attribute__((section("umk_nopreempt"), noinline))
#else
#define UMK_NOPREEMPT __attribute__((section("umk_nopreempt"), noipa))
#endif

#define UMK_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define umk_container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#define UMK_ALIGN_UP(x, a) (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define UMK_MIN(a, b) ((a) < (b) ? (a) : (b))
#define UMK_MAX(a, b) ((a) > (b) ? (a) : (b))

#define umk_barrier() __asm__ __volatile__("" ::: "memory")
/*
 * A load or store that may race with another CPU's on purpose (a flag
 * polled without the lock, a statistic): one untorn access the compiler
 * may not merge, split or invent. Relaxed atomics, which compile to plain
 * moves, rather than volatile: ThreadSanitizer then knows the race is
 * intended, while a plain access racing with it is still reported. They
 * order nothing: data published through them needs __ATOMIC_RELEASE and
 * __ATOMIC_ACQUIRE.
 */
#define UMK_READ_ONCE(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define UMK_WRITE_ONCE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

/* ThreadSanitizer builds (gcc and clang spell it differently). */
#if defined(__SANITIZE_THREAD__)
#define UMK_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define UMK_TSAN 1
#endif
#endif
#ifndef UMK_TSAN
#define UMK_TSAN 0
#endif

#define UMK_STATIC_ASSERT(c, msg) _Static_assert(c, msg)

#endif
