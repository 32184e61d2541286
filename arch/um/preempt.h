/*
 * Asynchronous preemption by host timer signals (CONFIG_PREEMPT): the
 * arch half (arch/um/preempt.c, preempt_$(SRCARCH).S) and the calls it
 * makes into the scheduler (optional/sched/tick.c).
 */
#ifndef UMK_ARCH_UM_PREEMPT_H
#define UMK_ARCH_UM_PREEMPT_H

#include <umk/compiler.h>

/*
 * On cpu's own host thread: create its timer, aimed at this thread.
 * Returns false when preemption cannot work in this build or host (for
 * instance under ThreadSanitizer, which defers signal handlers and so
 * cannot redirect the interrupted context); tasks then switch only at
 * scheduling points.
 */
UMK_INTERNAL bool umk_arch_preempt_cpu_init(unsigned int cpu);
/* Deliver the preemption signal to cpu every period_ns; 0 stops it. */
UMK_INTERNAL void umk_arch_preempt_timer(unsigned int cpu,
					 unsigned long long period_ns);
/* Deliver it once, now (a resched IPI). */
UMK_INTERNAL void umk_arch_preempt_kick(unsigned int cpu);
/*
 * Whether this CPU's clock event is armed: a busy task alone on a CPU
 * still needs the signal then, or the CPU would never see its timers.
 */
UMK_INTERNAL bool umk_arch_preempt_timer_pending(void);
/* Whether preemption signals work (after cpu_init on CPU 0). */
UMK_INTERNAL bool umk_arch_preempt_available(void);
/*
 * Whether the tick may leave the code at pc mid-way for the trampoline:
 * the executable's own text, minus the trampoline and its C half and
 * minus UMK_NOPREEMPT code (<umk/compiler.h>). The stack is checked apart.
 */
UMK_INTERNAL bool umk_arch_preempt_text_ok(unsigned long pc);
/*
 * The trampoline (preempt_$(SRCARCH).S), where the handler sends a task
 * it preempts. Hidden, so addressed PC-relative rather than through the
 * GOT: in the amalgamation these are local labels of a top-level asm
 * block, and the aarch64 assembler turns a GOT reference to a local label
 * into one to the start of its section (umk_arch_switch there): preempted
 * tasks were sent into the middle of the context switch.
 */
extern char umk_arch_preempt_trampoline[] UMK_HIDDEN;
extern char umk_arch_preempt_trampoline_end[] UMK_HIDDEN;
/*
 * The trampoline's C half (arch/um/preempt.c), called by the asm half
 * with the interrupted registers saved at frame. Internal: static in the
 * amalgamation, where the trampoline is a top-level asm block of the same
 * file; "used" keeps it there under this name.
 */
UMK_INTERNAL UMK_USED void umk_arch_preempt_entry(void *frame);

/* ---- Calls into the scheduler ---- */
#define UMK_SCHED_TICK_IGNORE 0  /* leave the task alone */
#define UMK_SCHED_TICK_PREEMPT 1 /* redirect it to the trampoline */
/*
 * From the signal handler: pc_preemptible says the task was interrupted
 * in code that may be left mid-way (not in libc, not in the trampoline,
 * on a task stack with room). Async-signal-safe: it only reads state and
 * sets need_resched.
 */
UMK_INTERNAL int umk_sched_tick(bool pc_preemptible);
/* From the trampoline, in task context, all registers saved. */
UMK_INTERNAL void umk_sched_preempt_irq(void);

#endif
