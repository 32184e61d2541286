/*
 * The arch interface: what the generic core asks of the host layer. Only
 * arch/um/ implements it, and only arch/um/ includes host headers. The
 * core sees physical memory, CPUs, a clock, IRQs and stacks; it never
 * learns that they are a memfd, host threads, timerfd/epoll and mmap.
 */
#ifndef UMK_ARCH_H
#define UMK_ARCH_H

#include <umk/config.h>
#include <umk/compiler.h>

struct umk_task;

/* Saved context of a task that is not running. */
struct umk_arch_context {
	void *sp;   /* SWITCH_ASM: stack pointer holding callee-saved regs */
	void *uctx; /* SWITCH_UCONTEXT: the task's ucontext_t (on its stack) */
};

/*
 * Save the callee-saved registers of the running task into from, load
 * those of to, and continue where to left off (or at its entry point).
 * from and to are the ctx members of struct umk_task (the sanitizer
 * hooks find the task's stack from them). Not UMK_INTERNAL: these two
 * are defined in assembly, so they cannot become static in the
 * amalgamation.
 */
void umk_arch_switch(struct umk_arch_context *from,
		     struct umk_arch_context *to);
/*
 * Prepare ctx so that the first switch to it calls entry() on the stack
 * [stack, stack + size). entry must not return.
 */
void umk_arch_context_init(struct umk_arch_context *ctx, void *stack,
			   unsigned long size, void (*entry)(void));

/*
 * Task stacks: from a pool mapped once, CONFIG_STACK_SIZE_KB each, with
 * a guard page below. Returns the lowest usable address or NULL.
 */
UMK_INTERNAL void *umk_arch_stack_alloc(unsigned long *size);
UMK_INTERNAL void umk_arch_stack_free(void *stack);
/*
 * Announce the task about to run on its stack. Nothing to do in any build,
 * so it is inline and compiles to nothing: the fault handler names the
 * task from cpu->curr, and sanitizer builds announce the switch inside
 * umk_arch_switch() (fiber.c), where both sides of it are known.
 */
static inline void umk_arch_stack_switch_hint(struct umk_task *to)
{
	(void)to;
}

/* Physical memory: one shared host mapping of a memfd of mem= bytes. */
UMK_INTERNAL void *umk_arch_phys_base(void);
UMK_INTERNAL unsigned long umk_arch_phys_size(void);
/* The memfd, for optional/vm to map pages at virtual addresses. */
UMK_INTERNAL int umk_arch_phys_fd(void);

/* Monotonic host clock in ns, read now (one host call at most). */
UMK_INTERNAL unsigned long long umk_arch_clock_read(void);
/*
 * CPU time the calling host thread (this CPU) has really run, in ns: the
 * monotonic clock minus what the host took away. Tests use it to see how
 * much of a window the host stole. A real system call: not for hot paths.
 */
UMK_INTERNAL unsigned long long umk_arch_thread_cpu_ns(void);
/* Program the one-shot clock event of this CPU; 0 disarms it. */
UMK_INTERNAL void umk_arch_clock_program(unsigned long long deadline_ns);

/*
 * Wait for host events: block this CPU's host thread until an event
 * arrives or deadline_ns passes (0: no deadline), then dispatch each
 * event as an IRQ through umk_do_irq(). umk_arch_irq_poll() is the same
 * without blocking; it does nothing while IRQs are masked, and it may be
 * called where the task can be preempted (it masks them itself).
 */
UMK_INTERNAL void umk_arch_idle(unsigned long long deadline_ns);
UMK_INTERNAL void umk_arch_irq_poll(void);

/* CPUs are host threads. */
UMK_INTERNAL int umk_arch_nr_cpus(void);  /* CPUs to bring up at boot */
UMK_INTERNAL int umk_arch_cpu_start(unsigned int cpu, void (*fn)(void));
UMK_INTERNAL void umk_arch_cpu_kick(unsigned int cpu); /* IPI: UMK_IRQ_KICK */

/* Console output, unbuffered. */
UMK_INTERNAL void umk_arch_console_write(const char *s, unsigned long n);

/* Leave the host process with status. */
UMK_INTERNAL void umk_arch_halt(int status) UMK_NORETURN;

/* Return addresses of a task's stack (the current one when t is running). */
UMK_INTERNAL int umk_arch_backtrace(struct umk_task *t, unsigned long *pcs,
				    int max);

/*
 * The application's arguments for umk_main(argc, argv): argv[0] is the
 * program name, then the host arguments the kernel command line did not
 * consume (see umk-boot --help). The kernel parameters themselves are
 * read with umk_cmdline_get().
 */
UMK_INTERNAL int umk_arch_argc(void);
UMK_INTERNAL char **umk_arch_argv(void);

/*
 * Host page faults that are not stack overflows go to this hook first
 * (optional/vm sets it for demand paging and copy-on-write). It runs in
 * signal context on the faulting CPU, on an alternate signal stack; write
 * is 1 for a write access, 0 for a read, -1 if the host did not say.
 * Return 0 when the fault is resolved (the access is retried), non-zero
 * to report a crash. NULL (the default): every such fault is a crash.
 */
UMK_INTERNAL_DECL int (*umk_arch_fault_hook)(void *addr, int write);

/* ---- Calls from the arch layer into the core ---- */

/* Boot entry on CPU 0, after physical memory is mapped. */
UMK_INTERNAL void umk_start_kernel(void) UMK_NORETURN;
/* Secondary CPU entry (CONFIG_SMP), on that CPU's host thread. */
UMK_INTERNAL void umk_secondary_start(unsigned int cpu) UMK_NORETURN;
/* Deliver an IRQ line on this CPU. */
UMK_INTERNAL void umk_do_irq(unsigned int irq);

#endif
