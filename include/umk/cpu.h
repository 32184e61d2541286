/*
 * Per-CPU state. A CPU is a host thread; without CONFIG_SMP there is one
 * and umk_this_cpu() is a constant.
 */
#ifndef UMK_CPU_H
#define UMK_CPU_H

#include <umk/config.h>
#include <umk/compiler.h>

struct umk_task;

struct umk_cpu {
	unsigned int id;
	struct umk_task *curr;  /* running task */
	struct umk_task *idle;  /* this CPU's idle task */
	int irqs_off;           /* "interrupts disabled": a flag, not a syscall */
	int in_irq;             /* dispatching an IRQ handler now */
	int need_resched;       /* set by wake-ups and the preemption timer */
	bool online;
	void *rq;               /* the scheduler's run queue for this CPU */
	unsigned long long now_ns; /* cached monotonic clock (see umk_time_ns) */
} UMK_ALIGNED(UMK_CACHELINE);

extern struct umk_cpu umk_cpus[UMK_NR_CPUS];

#ifdef CONFIG_SMP
/* The arch layer keeps the calling host thread's CPU in TLS. */
extern __thread struct umk_cpu *umk_cpu_self;
/*
 * A task may sleep on one host thread and wake on another, but compilers
 * take the thread pointer as fixed within a function. On x86-64 the access
 * itself is fresh (%fs-relative), yet ThreadSanitizer is handed an address
 * computed once and kept across the switch: it would check the old
 * thread's TLS and report races that do not happen. On aarch64 the
 * thread pointer (tpidr_el0) is read once and kept in a register across
 * calls, so the access itself is stale: after a switch or a migration the
 * task would read and write the CPU it started the function on. Out of
 * line, every call computes the address anew. The helpers are
 * UMK_NOPREEMPT: the tick never moves the task between reading the thread
 * pointer and using it. What umk_this_cpu() returns is still only this
 * CPU until the task can next be preempted (a pointer kept past that may
 * name another CPU, on any arch): use it with IRQs masked or preemption
 * disabled, or where a stale CPU does no harm.
 */
#if UMK_TSAN || !defined(__x86_64__)
#define UMK_TLS_OUT_OF_LINE 1
#else
#define UMK_TLS_OUT_OF_LINE 0
#endif
#if UMK_TLS_OUT_OF_LINE
struct umk_cpu *umk__this_cpu_tls(void);
static inline struct umk_cpu *umk_this_cpu(void) { return umk__this_cpu_tls(); }
#else
static inline struct umk_cpu *umk_this_cpu(void) { return umk_cpu_self; }
#endif
#else
static inline struct umk_cpu *umk_this_cpu(void) { return &umk_cpus[0]; }
#endif

static inline unsigned int umk_smp_processor_id(void)
{
	return umk_this_cpu()->id;
}

#if defined(CONFIG_PREEMPT) && defined(CONFIG_SMP)
/*
 * Set while umk_local_irq_save is between reading umk_cpu_self and
 * writing that CPU's flag. The preemption tick leaves the task alone
 * then: otherwise it could move the task to another CPU in that window,
 * and the task would set the old CPU's flag. The store itself must be
 * one step to the tick, which reads the flag of the thread it interrupts:
 * inline (x86-64) it is one %fs-relative instruction; out of line
 * (aarch64, TSan) it reads the thread pointer, then stores through it,
 * and the helper is UMK_NOPREEMPT so the task cannot move in between.
 * Either way the signal sees the flag set or not, on the right thread.
 */
extern __thread int umk_irq_flag_busy;
#if UMK_TLS_OUT_OF_LINE
void umk__irq_flag_busy_set(int v); /* out of line: see above */
#define UMK__IRQ_FLAG_BUSY(v) umk__irq_flag_busy_set(v)
#else
#define UMK__IRQ_FLAG_BUSY(v)                               \
	do {                                                \
		__atomic_signal_fence(__ATOMIC_SEQ_CST);    \
		umk_irq_flag_busy = (v);                    \
		__atomic_signal_fence(__ATOMIC_SEQ_CST);    \
	} while (0)
#endif
#else
#define UMK__IRQ_FLAG_BUSY(v) do { } while (0)
#endif

/* Interrupt masking: a per-CPU flag that IRQ dispatch and preemption honour. */
static inline unsigned long umk_local_irq_save(void)
{
	struct umk_cpu *c;
	unsigned long flags;

	UMK__IRQ_FLAG_BUSY(1);
	c = umk_this_cpu();
	flags = (unsigned long)c->irqs_off;
	c->irqs_off = 1;
	UMK__IRQ_FLAG_BUSY(0);
	umk_barrier();
	return flags;
}

/*
 * No umk_irq_flag_busy here: until the store below, this CPU's flag is
 * set (restore follows a save, here or on the CPU the scheduler moved the
 * task to), so the preemption tick cannot move the task in between.
 */
static inline void umk_local_irq_restore(unsigned long flags)
{
	umk_barrier();
	umk_this_cpu()->irqs_off = (int)flags;
}

/*
 * Masked while it looks: unmasked, the tick could move the task between
 * reading the CPU and its flag, and the old CPU may be in an IRQ by then.
 */
static inline bool umk_in_irq(void)
{
	unsigned long flags = umk_local_irq_save();
	bool in = umk_this_cpu()->in_irq != 0;

	umk_local_irq_restore(flags);
	return in;
}

#endif
