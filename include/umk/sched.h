/*
 * The scheduler interface. Core uses only these functions, implemented by
 * optional/sched/: the full scheduler (CONFIG_SCHED=y, sched_*.c) or the
 * cooperative FIFO stub (CONFIG_SCHED=n, stub.c).
 */
#ifndef UMK_SCHED_H
#define UMK_SCHED_H

#include <umk/config.h>
#include <umk/compiler.h>

struct umk_task;

/* Give up the CPU to the next runnable task; returns when chosen again. */
void umk_schedule(void);
/* Let other runnable tasks run first; the caller stays runnable. */
void umk_yield(void);
/*
 * Make a sleeping task runnable. Returns true if it was sleeping. Callable
 * from tasks and IRQ context, on any CPU.
 */
bool umk_wake_up_process(struct umk_task *t);

/*
 * Scheduling policies. The stub accepts only NORMAL with nice 0 and
 * returns -UMK_ENOSYS for anything else.
 */
#define UMK_SCHED_NORMAL 0
#define UMK_SCHED_FIFO 1
#define UMK_SCHED_RR 2
#define UMK_SCHED_IDLE 5

int umk_sched_setscheduler(struct umk_task *t, int policy, int prio);
int umk_sched_getscheduler(const struct umk_task *t);
int umk_set_user_nice(struct umk_task *t, int nice);
int umk_task_nice(const struct umk_task *t);
/* Restrict t to CPUs in mask (bit n = CPU n); -EINVAL if none is online. */
int umk_set_cpus_allowed(struct umk_task *t, unsigned long long mask);
int umk_nr_cpus_online(void);

/* Preemption control (counted; no-ops without CONFIG_PREEMPT). */
void umk_preempt_disable(void);
void umk_preempt_enable(void);

struct umk_sched_stats {
	unsigned long long run_ns;     /* time on a CPU */
	unsigned long long switches;   /* times switched in */
	unsigned long long migrations; /* moves between CPUs */
};
/* Per-task statistics (zero without CONFIG_SCHED_STATS). */
int umk_sched_task_stats(const struct umk_task *t, struct umk_sched_stats *s);
/* Per-CPU statistics: run_ns is time not idle. */
int umk_sched_cpu_stats(int cpu, struct umk_sched_stats *s);

/*
 * ---- Hooks for the core (kernel-internal, not for applications) ----
 *
 * Task life cycle as the scheduler sees it:
 *   umk_task_create: umk_sched_task_init(t), umk_arch_context_init(...,
 *                    umk_task_entry), then umk_sched_wake_new(t).
 *   umk_task_entry:  calls umk_schedule_tail() before anything else: it
 *                    finishes the switch that brought the new task in.
 *   sleeping:        t->state = UMK_TASK_SLEEPING, then umk_schedule();
 *                    a wake-up in between makes umk_schedule() return
 *                    soon instead of sleeping (no lost wake-ups).
 *   exit:            t->state = UMK_TASK_DEAD, then umk_schedule(), which
 *                    never returns; the next task calls umk_task_dead(t)
 *                    once it runs on its own stack.
 *   free:            umk_sched_task_free(t) before t's memory goes: the
 *                    CPU that queued t may still hold t's locks while t
 *                    already ran, exited and was joined on another.
 *   idle loop:       while (!umk_sched_has_runnable()) { expire timers;
 *                    umk_arch_idle(deadline); } umk_schedule();
 */
UMK_INTERNAL void umk_sched_task_init(struct umk_task *t);
UMK_INTERNAL void umk_sched_wake_new(struct umk_task *t);
UMK_INTERNAL void umk_schedule_tail(void);
UMK_INTERNAL bool umk_sched_has_runnable(void);
#ifdef CONFIG_SCHED
UMK_INTERNAL void umk_sched_task_free(struct umk_task *t);
#else /* one CPU, nobody else holds t */
static inline void umk_sched_task_free(struct umk_task *t) { (void)t; }
#endif

#endif
