/*
 * Glue between the host files of arch/um (boot, stacks, IRQs, clock,
 * CPUs). Not seen by the core: it talks to arch/um through arch.h and
 * hostirq.h only.
 */
#ifndef UMK_ARCH_UM_HOST_H
#define UMK_ARCH_UM_HOST_H

#include <umk/compiler.h>
#include "arch/um/arch.h"

/* Sanitizer and valgrind detection (gcc and clang spell it differently). */
#if defined(__SANITIZE_ADDRESS__)
#define UMK_UM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UMK_UM_ASAN 1
#endif
#endif
#ifndef UMK_UM_ASAN
#define UMK_UM_ASAN 0
#endif
#define UMK_UM_TSAN UMK_TSAN
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#define UMK_UM_VALGRIND 1
#endif
#endif
#ifndef UMK_UM_VALGRIND
#define UMK_UM_VALGRIND 0
#endif

/*
 * Per-CPU host resources. umk_um_cpu_prepare() creates the CPU's epoll,
 * kick eventfd and clock timerfd and may run on any thread (so that other
 * CPUs can kick a CPU as soon as it exists); umk_um_cpu_enter() runs on
 * the CPU's own host thread and binds the thread to it (TLS, alternate
 * signal stack). Both return 0 or a negative UMK errno.
 */
UMK_INTERNAL int umk_um_cpu_prepare(unsigned int cpu);
UMK_INTERNAL int umk_um_cpu_enter(unsigned int cpu);

UMK_INTERNAL int umk_um_irq_cpu_init(unsigned int cpu);	  /* irq.c */
UMK_INTERNAL int umk_um_clock_cpu_init(unsigned int cpu); /* clock.c */
UMK_INTERNAL void umk_um_clock_boot(void);		  /* clock.c */
UMK_INTERNAL unsigned long long umk_um_clock_armed(void); /* clock.c */
UMK_INTERNAL int umk_um_fault_cpu_init(unsigned int cpu); /* fault.c */
UMK_INTERNAL void umk_um_fault_init(void);		  /* fault.c */
UMK_INTERNAL int umk_um_fiber_cpu_init(unsigned int cpu); /* fiber.c */
UMK_INTERNAL int umk_um_physmem_init(unsigned long long bytes);

/*
 * Where addr lies in the stack pool: 0 outside it, 1 in a guard page, 2
 * in a stack (whose usable range is then [*lo, *hi)). Signal-safe.
 */
UMK_INTERNAL int umk_um_stack_find(unsigned long addr, unsigned long *lo,
				   unsigned long *hi);

/* cpus= from the command line, 0 when absent (boot.c). */
UMK_INTERNAL unsigned int umk_um_cmdline_cpus(void);

/* Write a whole string to the console (async-signal-safe). */
UMK_INTERNAL void umk_um_console_puts(const char *s);

/*
 * The stack t runs on: its pool stack, or for an idle task its CPU's
 * host thread stack (the main stack for CPU 0, found by
 * umk_um_backtrace_cpu_init; the others' as umk_arch_cpu_start mapped
 * them, reported with umk_um_backtrace_set_stack); 0, 0 when unknown.
 */
UMK_INTERNAL int umk_um_backtrace_cpu_init(unsigned int cpu);
UMK_INTERNAL void umk_um_backtrace_set_stack(unsigned int cpu, void *lo,
					     unsigned long size);
UMK_INTERNAL void umk_um_task_stack_bounds(const struct umk_task *t,
					   unsigned long *lo,
					   unsigned long *hi);

/*
 * Frame-pointer walk from fp, accepting frames inside [lo, hi) only
 * (lo == hi: no bounds but monotonic growth). Stores up to max return
 * addresses into pcs and returns how many.
 */
UMK_INTERNAL int umk_um_backtrace_fp(unsigned long fp, unsigned long lo,
				     unsigned long hi, unsigned long *pcs,
				     int max);

/*
 * The first C code a new task runs (called by the asm trampoline or the
 * ucontext start function): completes the sanitizer hand-over, then
 * calls entry. Its definition is marked used: in the amalgamation only
 * the top-level assembly block refers to it.
 */
UMK_INTERNAL void umk_arch_task_first(void (*entry)(void)) UMK_NORETURN;

/*
 * ThreadSanitizer builds give every task stack a TSan fiber, created when
 * the stack is handed out and kept in its chunk's header (stack.c): TSan
 * then orders memory accesses per task, not per host thread.
 */
#if UMK_UM_TSAN
UMK_INTERNAL void *umk_um_stack_fiber(void *stack);
#endif

/*
 * Sanitizer announcements around a switch (no-ops in ordinary builds):
 * call umk_um_fiber_leave() before switching from -> to and
 * umk_um_fiber_arrive() on return (the cookie is the one leave gave).
 */
UMK_INTERNAL void *umk_um_fiber_leave(struct umk_arch_context *from,
				      struct umk_arch_context *to);
UMK_INTERNAL void umk_um_fiber_arrive(void *cookie);

#endif
