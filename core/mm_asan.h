/*
 * Telling AddressSanitizer about the allocators (SANITIZE=address builds).
 * ASan only knows the host's malloc; to it physical memory is one big
 * mapping. So free slab objects and free pages are marked poisoned, and
 * handed-out ones unpoisoned: a use after free or an overrun into a free
 * neighbour is then reported by ASan with a backtrace. Without ASan these
 * are empty inlines.
 */
#ifndef UMK_CORE_MM_ASAN_H
#define UMK_CORE_MM_ASAN_H

#include <umk/compiler.h>

#if defined(__SANITIZE_ADDRESS__)
#define UMK_MM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UMK_MM_ASAN 1
#endif
#endif

#ifdef UMK_MM_ASAN
/* The ASan runtime's interface (sanitizer/asan_interface.h, a host header). */
void __asan_poison_memory_region(void const volatile *addr, size_t size);
void __asan_unpoison_memory_region(void const volatile *addr, size_t size);

static inline void umk_mm_poison(const void *addr, size_t size)
{
	__asan_poison_memory_region(addr, size);
}

static inline void umk_mm_unpoison(const void *addr, size_t size)
{
	__asan_unpoison_memory_region(addr, size);
}
#else
static inline void umk_mm_poison(const void *addr, size_t size)
{
	(void)addr;
	(void)size;
}

static inline void umk_mm_unpoison(const void *addr, size_t size)
{
	(void)addr;
	(void)size;
}
#endif

#endif
