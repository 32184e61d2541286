/*
 * Internals of the full scheduler (CONFIG_SCHED): run queues, scheduling
 * classes and the clock. Shared by core.c, fair.c, rt.c, idle_class.c,
 * smp.c, tick.c and clock.c; nothing outside optional/sched sees it.
 *
 * Locking, in the order they nest:
 *   t->se.pi_lock   serialises wake-ups and setters of one task;
 *   rq->lock        everything on a run queue, including which task is
 *                   its curr. umk_schedule() takes it and the task that
 *                   runs next releases it (sched_finish_switch), so a
 *                   switch is atomic for anyone else holding it. Two run
 *                   queues are locked in CPU order (sched_double_lock).
 * IRQs are polled, never asynchronous, and the preemption signal only
 * reads, so nothing here runs inside a critical section of itself.
 */
#ifndef UMK_OPTIONAL_SCHED_H
#define UMK_OPTIONAL_SCHED_H

#include <umk/sched.h>
#include <umk/cpu.h>
#include <umk/errno.h>
#include <umk/printk.h>
#include <umk/spinlock.h>
#include "core/task.h"

/* Classes in the order they are asked for a task to run. */
enum sched_class_id {
	SCHED_CLASS_RT,
	SCHED_CLASS_FAIR,
	SCHED_CLASS_IDLE,
};

#define UMK_SCHED_RT_PRIO_MAX 99
#define UMK_SCHED_NICE_MIN (-20)
#define UMK_SCHED_NICE_MAX 19
#define UMK_SCHED_NICE_0_WEIGHT 1024ULL
#define UMK_SCHED_SLICE_NS (CONFIG_SCHED_TIMESLICE_US * 1000ULL)

struct umk_fair_rq {
	struct umk_sched_heap_node *root; /* smallest vruntime first */
	unsigned int nr;
	long long min_vruntime;           /* never decreases */
	long long max_vruntime;           /* the largest queued, if nr */
};

struct umk_rt_rq {
	unsigned long long bitmap[2];     /* bit p: queue[p] not empty */
	struct umk_list_head queue[UMK_SCHED_RT_PRIO_MAX + 1];
	unsigned int nr;
};

struct umk_idle_rq {
	struct umk_list_head queue;       /* SCHED_IDLE tasks, FIFO */
	unsigned int nr;
};

struct umk_rq {
	umk_spinlock_t lock;
	unsigned int cpu;
	/* Non-idle tasks queued here or running here (atomic for readers). */
	unsigned int nr_running;
	struct umk_task *curr;            /* as umk_cpus[cpu].curr */
	struct umk_task *prev;            /* switched away from, not finished */
	bool migrate_prev;                /* prev may not stay on this CPU */
	int offload;                      /* after the switch: kick it (-1) */
	int tick_armed;                   /* preemption timer runs (atomic) */
	int tick_ready;                   /* 1: timer exists, -1: none */
	/*
	 * sched_clock() when curr began to run (atomic): a task queued now
	 * has waited behind it at most that long (smp.c's patience). Taken
	 * at the switch, which reads the clock anyway; a clock read per
	 * wake-up would cost more than the rest of a local wake-up.
	 */
	unsigned long long curr_since;
	unsigned long long offload_at;    /* last kick to steal from here */
	unsigned int nr_polls;
	struct umk_fair_rq fair;
#ifdef CONFIG_SCHED_RT
	struct umk_rt_rq rt;
#endif
	struct umk_idle_rq idleq;
	/* Statistics: non-idle time, switches in, tasks migrated in. */
	unsigned long long run_ns;
	unsigned long long switches;
	unsigned long long migrations;
} UMK_ALIGNED(UMK_CACHELINE);

UMK_INTERNAL_DECL struct umk_rq umk_runqueues[UMK_NR_CPUS];

static inline struct umk_rq *sched_rq(unsigned int cpu)
{
	return &umk_runqueues[cpu];
}

static inline struct umk_rq *sched_this_rq(void)
{
	return sched_rq(umk_smp_processor_id());
}

static inline struct umk_task *sched_task_of(struct umk_sched_entity *se)
{
	return umk_container_of(se, struct umk_task, se);
}

static inline unsigned int sched_nr_running(const struct umk_rq *rq)
{
	return __atomic_load_n(&rq->nr_running, __ATOMIC_SEQ_CST);
}

/* Statistics counters: written by one CPU, read by any. */
static inline void sched_stat_add(unsigned long long *c, unsigned long long v)
{
#ifdef CONFIG_SCHED_STATS
	__atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + v,
			 __ATOMIC_RELAXED);
#else
	(void)c;
	(void)v;
#endif
}

/* ---- clock.c: a cheap monotonic clock in ns (TSC / CNTVCT based) ---- */
struct umk_sched_clock_data {
	unsigned long long cyc0; /* counter at calibration */
	unsigned long long mult; /* ns per count, 32.32 fixed point */
};
UMK_INTERNAL_DECL struct umk_sched_clock_data umk_sched_clock_data;
UMK_INTERNAL void umk_sched_clock_init(void);

/* The raw counter; 0 where there is none (then the host clock is used). */
static inline unsigned long long sched_clock_cycles(void)
{
	unsigned long long cyc = 0;
#if defined(__x86_64__)
	unsigned int lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	cyc = ((unsigned long long)hi << 32) | lo;
#elif defined(__aarch64__)
	__asm__ __volatile__("mrs %0, cntvct_el0" : "=r"(cyc));
#endif
	return cyc;
}

static inline unsigned long long sched_clock(void)
{
#if defined(__x86_64__) || defined(__aarch64__)
	unsigned long long cyc = sched_clock_cycles() - umk_sched_clock_data.cyc0;

	return (unsigned long long)(((unsigned __int128)cyc *
				     umk_sched_clock_data.mult) >> 32);
#else
	return umk_arch_clock_read();
#endif
}

/*
 * ---- Scheduling classes (rt.c, fair.c, idle_class.c) ----
 * Each class's policy behind one table, like Linux's struct sched_class;
 * core.c asks them in enum order. All run with rq->lock held. NULL hooks
 * mean "nothing to do" (only the fair class keeps virtual time).
 */
struct umk_sched_class {
	void (*enqueue)(struct umk_rq *rq, struct umk_task *t);
	void (*dequeue)(struct umk_rq *rq, struct umk_task *t);
	/* Take the next task off the queue, or NULL. */
	struct umk_task *(*pick_next)(struct umk_rq *rq);
	/* The running task leaves the CPU still runnable: queue it again. */
	void (*put_prev)(struct umk_rq *rq, struct umk_task *t,
			 unsigned long long now);
	/* Whether waking t (same class as curr) takes the CPU from curr. */
	bool (*wakeup_preempts)(struct umk_task *curr, struct umk_task *t);
	/* A queued task of rq that may run on cpu, for an idle CPU. */
	struct umk_task *(*steal_candidate)(struct umk_rq *rq, unsigned int cpu);
	/* t joins rq / leaves it: its lag becomes absolute / relative. */
	void (*place)(struct umk_rq *rq, struct umk_task *t);
	void (*unplace)(struct umk_rq *rq, struct umk_task *t);
	/* The running task t ran delta_ns more. */
	void (*charge)(struct umk_rq *rq, struct umk_task *t,
		       unsigned long long delta_ns);
};

#ifdef CONFIG_SCHED_RT
UMK_INTERNAL_DECL const struct umk_sched_class umk_rt_sched_class;
UMK_INTERNAL void umk_rt_init_rq(struct umk_rq *rq);
#endif
UMK_INTERNAL_DECL const struct umk_sched_class umk_fair_sched_class;
UMK_INTERNAL void umk_fair_set_nice(struct umk_task *t, int nice);
UMK_INTERNAL_DECL const struct umk_sched_class umk_idle_sched_class;

/* The class of t (by its policy); NULL for RT without CONFIG_SCHED_RT. */
UMK_INTERNAL_DECL const struct umk_sched_class *const
	umk_sched_classes[SCHED_CLASS_IDLE + 1];

static inline const struct umk_sched_class *sched_class_of(
	const struct umk_task *t)
{
	return umk_sched_classes[t->se.sched_class];
}

/* ---- core.c ---- */
/* Move a queued or woken task onto rq (rq locked) / off it. */
UMK_INTERNAL void umk_sched_activate(struct umk_rq *rq, struct umk_task *t);
UMK_INTERNAL void umk_sched_deactivate(struct umk_rq *rq, struct umk_task *t);
UMK_INTERNAL void umk_sched_enqueue(struct umk_rq *rq, struct umk_task *t);
UMK_INTERNAL void umk_sched_dequeue(struct umk_rq *rq, struct umk_task *t);
/* Whether t, just queued on rq, should take the CPU from rq's curr. */
UMK_INTERNAL bool umk_sched_should_preempt(struct umk_rq *rq,
					   struct umk_task *t);
/* Ask cpu to reschedule: sets its need_resched, kicks it if remote. */
UMK_INTERNAL void umk_sched_resched_cpu(unsigned int cpu);
/* Reschedule now if something asked for it and preemption is allowed. */
UMK_INTERNAL void umk_sched_preempt_point(void);
/* The scheduler proper; preempt keeps a task that is about to sleep. */
UMK_INTERNAL void umk_sched_schedule(bool preempt);

/* ---- smp.c (CONFIG_SMP) or trivial versions ---- */
#ifdef CONFIG_SMP
UMK_INTERNAL unsigned long long umk_sched_online_mask(void);
UMK_INTERNAL void umk_sched_cpu_online(unsigned int cpu);
UMK_INTERNAL unsigned int umk_sched_select_cpu(struct umk_task *t, bool fork);
UMK_INTERNAL bool umk_sched_steal(struct umk_rq *rq);
UMK_INTERNAL void umk_sched_balance(struct umk_rq *rq);
/* After queueing on cpu (idle: it ran its idle task): kick what needs it. */
UMK_INTERNAL void umk_sched_kick_after_enqueue(unsigned int cpu, bool resched,
					       bool idle);
/* An idle CPU to steal a task waiting on rq for a while (rq locked), or -1. */
UMK_INTERNAL int umk_sched_overloaded(struct umk_rq *rq, unsigned long long now);
/* Kick that CPU (-1: none), with no run queue lock held. */
UMK_INTERNAL void umk_sched_offload(int cpu);
/* Put a runnable task that is on no queue on a CPU it may run on. */
UMK_INTERNAL void umk_sched_migrate_away(struct umk_task *t);
#else
static inline unsigned long long umk_sched_online_mask(void) { return 1; }
static inline void umk_sched_cpu_online(unsigned int cpu) { (void)cpu; }
static inline unsigned int umk_sched_select_cpu(struct umk_task *t, bool fork)
{
	(void)t;
	(void)fork;
	return 0;
}
static inline bool umk_sched_steal(struct umk_rq *rq)
{
	(void)rq;
	return false;
}
static inline void umk_sched_balance(struct umk_rq *rq) { (void)rq; }
static inline void umk_sched_kick_after_enqueue(unsigned int cpu, bool r,
						bool idle)
{
	(void)cpu;
	(void)r;
	(void)idle;
}
static inline int umk_sched_overloaded(struct umk_rq *rq,
				       unsigned long long now)
{
	(void)rq;
	(void)now;
	return -1;
}
static inline void umk_sched_offload(int cpu) { (void)cpu; }
static inline void umk_sched_migrate_away(struct umk_task *t) { (void)t; }
#endif

/* ---- tick.c (CONFIG_PREEMPT): the tickless preemption timer ---- */
#ifdef CONFIG_PREEMPT
/* Arm the timer if rq has become busy (rq locked). */
UMK_INTERNAL void umk_sched_tick_update(struct umk_rq *rq);
/* On cpu's own host thread, before it runs tasks. */
UMK_INTERNAL void umk_sched_tick_cpu_init(unsigned int cpu);
/* Preempt cpu's running task now if it may be (a resched IPI). */
UMK_INTERNAL void umk_sched_tick_kick(unsigned int cpu);
#else
static inline void umk_sched_tick_update(struct umk_rq *rq) { (void)rq; }
static inline void umk_sched_tick_cpu_init(unsigned int cpu) { (void)cpu; }
static inline void umk_sched_tick_kick(unsigned int cpu) { (void)cpu; }
#endif

#endif
