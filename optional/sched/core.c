/*
 * The full scheduler (CONFIG_SCHED): umk_schedule(), wake-ups, the
 * per-CPU run queues, preemption control and statistics. The policies
 * live in their classes (rt.c, fair.c, idle_class.c), asked in that
 * order; CPUs and migration in smp.c; the preemption timer in tick.c.
 *
 * Task states as the scheduler keeps them:
 *   RUNNING   rq->curr of t->cpu (se.on_cpu), on no class queue;
 *   RUNNABLE  on the class queue of t->cpu (se.on_rq), or in flight
 *             between two CPUs with its pi_lock held;
 *   SLEEPING  on no queue; a wake-up makes it RUNNABLE. A task preempted
 *             between setting SLEEPING and calling umk_schedule() stays
 *             queued and SLEEPING, like Linux's PREEMPT_ACTIVE;
 *   DEAD      switched away from for good, handed to umk_task_dead().
 */
#include <umk/init.h>
#include "optional/sched/sched.h"

/*
 * Busy tasks that never go idle still see host events this often. A count
 * of switches, where the stub limits by time: a full switch takes about
 * 13-17 ns, so this polls about every 15 us. A limit by time (50 us, as
 * the stub) polled at nearly every switch under valgrind's slowed clock,
 * and the `make bench CALLGRIND=1` counts varied 2x from run to run.
 */
#define SCHED_POLL_INTERVAL 1024

UMK_INTERNAL struct umk_rq umk_runqueues[UMK_NR_CPUS];

/*
 * umk_this_cpu() after a switch: the task may now run on another host
 * thread, and a compiler may keep the TLS address from before the switch.
 * A call it cannot see through forces a fresh read.
 */
static UMK_NOINLINE struct umk_cpu *sched_cpu_reload(void)
{
	__asm__ __volatile__("" ::: "memory");
	return umk_this_cpu();
}

static bool sched_is_idle_task(const struct umk_task *t)
{
	return t == umk_cpus[UMK_READ_ONCE(t->cpu)].idle;
}

/* rq's CPU runs its idle task (rq locked): a remote wake-up must kick it. */
static bool sched_rq_idle(const struct umk_rq *rq)
{
	return !rq->curr || rq->curr == umk_cpus[rq->cpu].idle;
}

static void sched_set_policy_fields(struct umk_task *t, int policy, int prio)
{
	t->se.policy = policy;
	t->se.prio = prio;
	if (policy == UMK_SCHED_FIFO || policy == UMK_SCHED_RR)
		t->se.sched_class = SCHED_CLASS_RT;
	else if (policy == UMK_SCHED_IDLE)
		t->se.sched_class = SCHED_CLASS_IDLE;
	else
		t->se.sched_class = SCHED_CLASS_FAIR;
}

/* ---- Class dispatch ---- */

UMK_INTERNAL const struct umk_sched_class *const
	umk_sched_classes[SCHED_CLASS_IDLE + 1] = {
#ifdef CONFIG_SCHED_RT
	[SCHED_CLASS_RT] = &umk_rt_sched_class,
#endif
	[SCHED_CLASS_FAIR] = &umk_fair_sched_class,
	[SCHED_CLASS_IDLE] = &umk_idle_sched_class,
};

UMK_INTERNAL void umk_sched_enqueue(struct umk_rq *rq, struct umk_task *t)
{
	sched_class_of(t)->enqueue(rq, t);
	t->se.on_rq = true;
}

UMK_INTERNAL void umk_sched_dequeue(struct umk_rq *rq, struct umk_task *t)
{
	sched_class_of(t)->dequeue(rq, t);
	t->se.on_rq = false;
}

/* The first class in order with a task to run takes it off its queue. */
static struct umk_task *sched_pick_next(struct umk_rq *rq)
{
	const struct umk_sched_class *class;
	struct umk_task *t;
	unsigned int id;

	for (id = 0; id < UMK_ARRAY_SIZE(umk_sched_classes); id++) {
		class = umk_sched_classes[id];
		if (class && (t = class->pick_next(rq))) {
			t->se.on_rq = false;
			return t;
		}
	}
	return NULL;
}

/* The running task leaves the CPU but stays runnable here. */
static void sched_put_prev(struct umk_rq *rq, struct umk_task *t,
			   unsigned long long now)
{
	sched_class_of(t)->put_prev(rq, t, now);
	t->se.on_rq = true;
	t->se.yielded = false;
}

/* t joins rq: counted, placed in virtual time, queued. rq locked. */
UMK_INTERNAL void umk_sched_activate(struct umk_rq *rq, struct umk_task *t)
{
	const struct umk_sched_class *class = sched_class_of(t);

	__atomic_store_n(&rq->nr_running, rq->nr_running + 1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&t->cpu, (int)rq->cpu, __ATOMIC_RELAXED);
	if (class->place)
		class->place(rq, t);
	umk_sched_enqueue(rq, t);
}

/* t leaves rq (queued or running); its vruntime becomes relative. */
UMK_INTERNAL void umk_sched_deactivate(struct umk_rq *rq, struct umk_task *t)
{
	const struct umk_sched_class *class = sched_class_of(t);

	if (t->se.on_rq)
		umk_sched_dequeue(rq, t);
	if (class->unplace)
		class->unplace(rq, t);
	/*
	 * Not SEQ_CST like the increment (an xchg on x86): a CPU that reads
	 * the old count a little longer only arms a tick or looks busy, and
	 * the tick and idle protocols order against increments only.
	 */
	__atomic_store_n(&rq->nr_running, rq->nr_running - 1, __ATOMIC_RELEASE);
}

/* Classes in order: a higher class always wins; the same asks the class. */
UMK_INTERNAL bool umk_sched_should_preempt(struct umk_rq *rq,
					   struct umk_task *t)
{
	struct umk_task *curr = rq->curr;

	if (!curr || !curr->se.on_cpu)
		return true; /* the CPU runs its idle task */
	if (t->se.sched_class != curr->se.sched_class)
		return t->se.sched_class < curr->se.sched_class;
	return sched_class_of(t)->wakeup_preempts(curr, t);
}

UMK_INTERNAL void umk_sched_resched_cpu(unsigned int cpu)
{
	__atomic_store_n(&umk_cpus[cpu].need_resched, 1, __ATOMIC_RELAXED);
}

/* ---- Accounting ---- */

static void sched_update_curr(struct umk_rq *rq, struct umk_task *curr,
			      unsigned long long now)
{
	unsigned long long delta;

	if (!curr->se.on_cpu)
		return; /* the idle task is not accounted */
	delta = now > curr->se.exec_start ? now - curr->se.exec_start : 0;
	__atomic_store_n(&curr->se.exec_start, now, __ATOMIC_RELAXED);
	sched_stat_add(&curr->se.run_ns, delta);
	sched_stat_add(&rq->run_ns, delta);
	if (sched_class_of(curr)->charge)
		sched_class_of(curr)->charge(rq, curr, delta);
}

static void sched_account_switch_in(struct umk_rq *rq, struct umk_task *next,
				    unsigned long long now)
{
	__atomic_store_n(&next->se.exec_start, now, __ATOMIC_RELAXED);
	if (next->se.policy == UMK_SCHED_RR && !next->se.slice_end)
		next->se.slice_end = now + UMK_SCHED_SLICE_NS;
	sched_stat_add(&next->se.switches, 1);
	sched_stat_add(&rq->switches, 1);
	if (next->se.last_cpu != (int)rq->cpu) {
		if (next->se.last_cpu >= 0) {
			sched_stat_add(&next->se.migrations, 1);
			sched_stat_add(&rq->migrations, 1);
		}
		next->se.last_cpu = (int)rq->cpu;
	}
}

/* ---- Switching ---- */

/* Picked to run: RUNNABLE becomes RUNNING (SLEEPING stays, see top). */
static void sched_set_running(struct umk_task *t)
{
	if (__atomic_load_n(&t->state, __ATOMIC_RELAXED) == UMK_TASK_RUNNABLE)
		__atomic_store_n(&t->state, UMK_TASK_RUNNING, __ATOMIC_RELAXED);
}

/* Runs on the next task's stack right after a switch: rq->lock is held. */
static void sched_finish_switch(void)
{
	struct umk_rq *rq = sched_rq(sched_cpu_reload()->id);
	struct umk_task *prev = rq->prev;
	bool migrate = rq->migrate_prev;
	int offload = rq->offload;
	bool dead = __atomic_load_n(&prev->state, __ATOMIC_RELAXED) ==
		    UMK_TASK_DEAD;

	rq->prev = NULL;
	rq->migrate_prev = false;
	rq->offload = -1;
	umk_raw_spin_unlock(&rq->lock);
	umk_sched_offload(offload);
	if (migrate)
		umk_sched_migrate_away(prev);
	else if (dead)
		umk_task_dead(prev);
}

/*
 * Whether this schedule polls host events first (IRQs masked, so cpu is
 * the CPU we run on). The poll itself runs unmasked, after which the
 * caller must mask again and take umk_this_cpu() anew: preemption may
 * move the task in between.
 */
static bool sched_poll_due(struct umk_cpu *cpu, unsigned long flags)
{
	struct umk_rq *rq = sched_rq(cpu->id);

	return !(++rq->nr_polls & (SCHED_POLL_INTERVAL - 1)) && !flags &&
	       !cpu->in_irq && cpu->curr != cpu->idle;
}

/* prev leaves the CPU: back on the queue, off the CPU or elsewhere. */
static void sched_release_prev(struct umk_rq *rq, struct umk_task *prev,
			       bool preempt, unsigned long long now)
{
	int state = __atomic_load_n(&prev->state, __ATOMIC_ACQUIRE);

	if (state == UMK_TASK_DEAD ||
	    (state == UMK_TASK_SLEEPING && !preempt)) {
		umk_sched_deactivate(rq, prev);
		prev->se.yielded = false;
		return;
	}
	if (state == UMK_TASK_RUNNING)
		__atomic_store_n(&prev->state, UMK_TASK_RUNNABLE,
				 __ATOMIC_RELAXED);
	if (!(prev->se.cpus_allowed & (1ULL << rq->cpu)) &&
	    state != UMK_TASK_DEAD) {
		/* Affinity changed: finished on another CPU after the switch. */
		umk_sched_deactivate(rq, prev);
		prev->se.yielded = false;
		rq->migrate_prev = true;
		return;
	}
	sched_put_prev(rq, prev, now);
}

/*
 * Until IRQs are masked the tick may preempt the caller and move it to
 * another CPU, so the CPU is read only after masking them.
 */
UMK_INTERNAL void umk_sched_schedule(bool preempt)
{
	unsigned long flags = umk_local_irq_save();
	struct umk_cpu *cpu = umk_this_cpu();
	struct umk_task *prev, *next;
	struct umk_rq *rq;
	unsigned long long now;
	int offload;

	if (umk_unlikely(sched_poll_due(cpu, flags))) {
		umk_local_irq_restore(flags);
		umk_arch_irq_poll();
		flags = umk_local_irq_save();
		cpu = umk_this_cpu();
	}
	prev = cpu->curr;
	rq = sched_rq(cpu->id);
	umk_raw_spin_lock(&rq->lock);
	__atomic_store_n(&cpu->need_resched, 0, __ATOMIC_RELAXED);
	now = sched_clock();
	sched_update_curr(rq, prev, now);
	if (prev->se.on_cpu)
		sched_release_prev(rq, prev, preempt, now);
	next = sched_pick_next(rq);
	if (!next)
		next = cpu->idle;
	if (next == prev) {
		/* Kept the CPU: still counted, back to RUNNING. */
		if (!prev->se.on_cpu && prev != cpu->idle)
			umk_panic("sched: picked \"%s\" twice", prev->name);
		sched_set_running(prev);
		offload = umk_sched_overloaded(rq, now);
		umk_raw_spin_unlock(&rq->lock);
		umk_sched_offload(offload);
		umk_local_irq_restore(flags);
		return;
	}
	rq->offload = umk_sched_overloaded(rq, now);
	__atomic_store_n(&prev->se.on_cpu, false, __ATOMIC_RELAXED);
	__atomic_store_n(&next->se.on_cpu, next != cpu->idle, __ATOMIC_RELEASE);
	sched_set_running(next);
	if (next->se.on_cpu)
		sched_account_switch_in(rq, next, now);
	rq->prev = prev;
	rq->curr = next;
	__atomic_store_n(&rq->curr_since, now, __ATOMIC_RELAXED);
	UMK_WRITE_ONCE(cpu->curr, next); /* read by other CPUs' backtraces */
	umk_curr_self_set(next);
	umk_sched_tick_update(rq);
	umk_arch_stack_switch_hint(next);
	umk_arch_switch(&prev->ctx, &next->ctx);
	sched_finish_switch();
	umk_barrier();
	sched_cpu_reload()->irqs_off = (int)flags;
}

/*
 * Keeping prev's flag in sched_release_prev on a kept CPU: sched_put_prev
 * queued prev and the pick returned it, so on_cpu is still true there.
 */

void umk_schedule(void)
{
	umk_sched_schedule(false);
}

void umk_yield(void)
{
	struct umk_task *curr = umk_current_task();

	curr->se.yielded = true;
	umk_sched_schedule(false);
}

void umk_schedule_tail(void)
{
	sched_finish_switch();
	sched_cpu_reload()->irqs_off = 0;
}

/* ---- Wake-ups ---- */

/* Lock the run queue t is on; t->cpu may change until we hold it. */
static struct umk_rq *sched_lock_task_rq(struct umk_task *t)
{
	struct umk_rq *rq;

	for (;;) {
		rq = sched_rq((unsigned int)__atomic_load_n(&t->cpu,
							    __ATOMIC_RELAXED));
		umk_raw_spin_lock(&rq->lock);
		if ((int)rq->cpu == __atomic_load_n(&t->cpu, __ATOMIC_RELAXED))
			return rq;
		umk_raw_spin_unlock(&rq->lock);
	}
}

/*
 * Queue a runnable task that is on no queue on a CPU of its choice.
 * held: a run queue the caller has locked (the one t last ran on), kept
 * if t goes there and let go of otherwise, or NULL.
 */
static void sched_place_task(struct umk_task *t, bool fork, struct umk_rq *held)
{
	unsigned int cpu = umk_sched_select_cpu(t, fork);
	struct umk_rq *rq = sched_rq(cpu);
	bool resched, idle;

	if (held != rq) {
		if (held)
			umk_raw_spin_unlock(&held->lock);
		umk_raw_spin_lock(&rq->lock);
	}
	umk_sched_activate(rq, t);
	resched = umk_sched_should_preempt(rq, t);
	if (resched)
		umk_sched_resched_cpu(cpu);
	umk_sched_tick_update(rq);
	idle = sched_rq_idle(rq);
	umk_raw_spin_unlock(&rq->lock);
	umk_sched_kick_after_enqueue(cpu, resched, idle);
}

bool umk_wake_up_process(struct umk_task *t)
{
	unsigned long flags = umk_local_irq_save();
	struct umk_rq *rq;

	umk_raw_spin_lock(&t->se.pi_lock);
	if (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) != UMK_TASK_SLEEPING) {
		umk_raw_spin_unlock(&t->se.pi_lock);
		umk_local_irq_restore(flags);
		return false;
	}
	rq = sched_lock_task_rq(t);
	if (t->se.on_cpu || t->se.on_rq) {
		/* Not yet gone to sleep: umk_schedule() will keep it. */
		__atomic_store_n(&t->state, t->se.on_cpu ? UMK_TASK_RUNNING :
			       UMK_TASK_RUNNABLE, __ATOMIC_RELEASE);
		umk_raw_spin_unlock(&rq->lock);
	} else {
		__atomic_store_n(&t->state, UMK_TASK_RUNNABLE, __ATOMIC_RELEASE);
		sched_place_task(t, false, rq);
	}
	umk_raw_spin_unlock(&t->se.pi_lock);
	umk_local_irq_restore(flags);
	umk_sched_preempt_point();
	return true;
}

/*
 * No pi_lock: until it is queued nobody else knows t (its creator gets
 * it back from us), and once it is, we no longer touch it.
 */
void umk_sched_wake_new(struct umk_task *t)
{
	unsigned long flags = umk_local_irq_save();

	__atomic_store_n(&t->state, UMK_TASK_RUNNABLE, __ATOMIC_RELAXED);
	t->se.vruntime = 0; /* lag 0: starts at the queue's min_vruntime */
	sched_place_task(t, true, NULL);
	umk_local_irq_restore(flags);
	umk_sched_preempt_point();
}

/*
 * Wakers and migrators release t->se.pi_lock after queueing t, so t may
 * run, exit and be joined on another CPU before they let go: wait them
 * out before t's memory is reused. No new one can come: t is gone.
 */
UMK_INTERNAL void umk_sched_task_free(struct umk_task *t)
{
	umk_spin_unlock_wait(&t->se.pi_lock);
}

#ifdef CONFIG_SMP /* one CPU: the inline no-op in sched.h */
UMK_INTERNAL void umk_sched_migrate_away(struct umk_task *t)
{
	unsigned long flags = umk_local_irq_save();

	umk_raw_spin_lock(&t->se.pi_lock);
	sched_place_task(t, false, NULL);
	umk_raw_spin_unlock(&t->se.pi_lock);
	umk_local_irq_restore(flags);
}
#endif

/* ---- Task set-up ---- */

void umk_sched_task_init(struct umk_task *t)
{
	struct umk_task *parent = umk_current_task();

	umk_list_init(&t->se.run_node);
	umk_spin_lock_init(&t->se.pi_lock);
	t->se.on_rq = false;
	t->se.on_cpu = false;
	t->se.yielded = false;
	t->se.last_cpu = -1;
	t->se.vruntime = 0;
	t->se.slice_end = 0;
	t->se.cpus_allowed = ~0ULL;
	t->se.run_ns = t->se.switches = t->se.migrations = 0;
	t->preempt_count = 0;
	/* Like fork: policy, priority, nice and affinity are inherited. */
	if (parent && parent->se.on_cpu) {
		sched_set_policy_fields(t, parent->se.policy, parent->se.prio);
		umk_fair_set_nice(t, parent->se.nice);
		t->se.cpus_allowed = parent->se.cpus_allowed;
	} else {
		sched_set_policy_fields(t, UMK_SCHED_NORMAL, 0);
		umk_fair_set_nice(t, 0);
	}
}

bool umk_sched_has_runnable(void)
{
	struct umk_rq *rq = sched_this_rq();

	umk_sched_cpu_online(rq->cpu);
	if (sched_nr_running(rq))
		return true;
	return umk_sched_steal(rq);
}

static int sched_init(void)
{
	unsigned int cpu;

	umk_sched_clock_init();
	for (cpu = 0; cpu < UMK_NR_CPUS; cpu++) {
		struct umk_rq *rq = sched_rq(cpu);

		umk_spin_lock_init(&rq->lock);
		rq->cpu = cpu;
		rq->offload = -1;
		umk_list_init(&rq->idleq.queue);
#ifdef CONFIG_SCHED_RT
		umk_rt_init_rq(rq);
#endif
		umk_cpus[cpu].rq = rq;
	}
	return 0;
}
umk_early_initcall(sched_init);

/* ---- Preemption control ---- */

void umk_preempt_disable(void)
{
	struct umk_task *curr = umk_current_task();

	if (umk_likely(curr))
		curr->preempt_count++;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

void umk_preempt_enable(void)
{
	struct umk_task *curr = umk_current_task();

	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (umk_likely(curr) && --curr->preempt_count == 0)
		umk_sched_preempt_point();
}

UMK_INTERNAL void umk_sched_preempt_point(void)
{
#ifdef CONFIG_PREEMPT
	struct umk_cpu *cpu = umk_this_cpu();
	struct umk_task *curr = cpu->curr;

	if (umk_unlikely(__atomic_load_n(&cpu->need_resched,
					 __ATOMIC_RELAXED)) &&
	    !cpu->irqs_off && !cpu->in_irq && curr && !curr->preempt_count &&
	    curr != cpu->idle)
		umk_sched_schedule(true);
#endif
}

/* ---- Policy, priority, nice, affinity ---- */

/*
 * Change t's scheduling parameters with change() under its locks: a
 * queued task is taken off and put back so it lands in the right queue.
 */
static int sched_change(struct umk_task *t, int policy, int prio, int nice,
			unsigned long long mask)
{
	unsigned long flags = umk_local_irq_save();
	struct umk_rq *rq;
	bool queued, running, idle, moved = false;

	umk_raw_spin_lock(&t->se.pi_lock);
	rq = sched_lock_task_rq(t);
	queued = t->se.on_rq;
	running = t->se.on_cpu;
	if (queued)
		umk_sched_dequeue(rq, t);
	if (running)
		sched_update_curr(rq, t, sched_clock());
	if ((t->se.sched_class == SCHED_CLASS_FAIR) !=
	    (policy == UMK_SCHED_NORMAL) && (queued || running))
		t->se.vruntime = rq->fair.min_vruntime;
	sched_set_policy_fields(t, policy, prio);
	umk_fair_set_nice(t, nice);
	t->se.cpus_allowed = mask;
	if (queued && !(mask & (1ULL << rq->cpu))) {
		umk_sched_enqueue(rq, t);
		umk_sched_deactivate(rq, t);
		moved = true;
	} else if (queued) {
		umk_sched_enqueue(rq, t);
	}
	if (running || queued)
		umk_sched_resched_cpu(rq->cpu);
	idle = sched_rq_idle(rq);
	umk_raw_spin_unlock(&rq->lock);
	if (moved)
		sched_place_task(t, false, NULL);
	else if ((running || queued) && rq->cpu != umk_smp_processor_id())
		umk_sched_kick_after_enqueue(rq->cpu, true, idle);
	umk_raw_spin_unlock(&t->se.pi_lock);
	umk_local_irq_restore(flags);
	if (t == umk_current_task() && !(mask & (1ULL << t->cpu)))
		umk_yield(); /* moves us: sched_release_prev sees the mask */
	else
		umk_sched_preempt_point();
	return 0;
}

int umk_sched_setscheduler(struct umk_task *t, int policy, int prio)
{
	switch (policy) {
	case UMK_SCHED_NORMAL:
	case UMK_SCHED_IDLE:
		if (prio != 0)
			return -UMK_EINVAL;
		break;
	case UMK_SCHED_FIFO:
	case UMK_SCHED_RR:
		if (!UMK_IS_ENABLED(CONFIG_SCHED_RT))
			return -UMK_ENOSYS;
		if (prio < 1 || prio > UMK_SCHED_RT_PRIO_MAX)
			return -UMK_EINVAL;
		break;
	default:
		return -UMK_EINVAL;
	}
	if (!t || sched_is_idle_task(t))
		return -UMK_EINVAL;
	return sched_change(t, policy, prio, t->se.nice, t->se.cpus_allowed);
}

int umk_sched_getscheduler(const struct umk_task *t)
{
	return t->se.policy;
}

int umk_set_user_nice(struct umk_task *t, int nice)
{
	if (!t || sched_is_idle_task(t) || nice < UMK_SCHED_NICE_MIN ||
	    nice > UMK_SCHED_NICE_MAX)
		return -UMK_EINVAL;
	return sched_change(t, t->se.policy, t->se.prio, nice,
			    t->se.cpus_allowed);
}

int umk_task_nice(const struct umk_task *t)
{
	return t->se.nice;
}

int umk_set_cpus_allowed(struct umk_task *t, unsigned long long mask)
{
	if (!t || sched_is_idle_task(t) || !(mask & umk_sched_online_mask()))
		return -UMK_EINVAL;
	return sched_change(t, t->se.policy, t->se.prio, t->se.nice, mask);
}

int umk_nr_cpus_online(void)
{
	return __builtin_popcountll(umk_sched_online_mask());
}

/* ---- Statistics ---- */

static unsigned long long sched_stat_read(const unsigned long long *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

/* Time the running task has run since it was last charged, if it runs. */
static unsigned long long sched_running_delta(const struct umk_task *t)
{
	unsigned long long start, now;

	if (!__atomic_load_n(&t->se.on_cpu, __ATOMIC_ACQUIRE))
		return 0;
	start = __atomic_load_n(&t->se.exec_start, __ATOMIC_RELAXED);
	now = sched_clock();
	return now > start ? now - start : 0;
}

int umk_sched_task_stats(const struct umk_task *t, struct umk_sched_stats *s)
{
	if (!t)
		return -UMK_EINVAL;
	s->run_ns = sched_stat_read(&t->se.run_ns);
	if (UMK_IS_ENABLED(CONFIG_SCHED_STATS))
		s->run_ns += sched_running_delta(t);
	s->switches = sched_stat_read(&t->se.switches);
	s->migrations = sched_stat_read(&t->se.migrations);
	return 0;
}

int umk_sched_cpu_stats(int cpu, struct umk_sched_stats *s)
{
	if (cpu < 0 || cpu >= UMK_NR_CPUS)
		return -UMK_EINVAL;
	s->run_ns = sched_stat_read(&sched_rq((unsigned int)cpu)->run_ns);
	s->switches = sched_stat_read(&sched_rq((unsigned int)cpu)->switches);
	s->migrations =
		sched_stat_read(&sched_rq((unsigned int)cpu)->migrations);
	return 0;
}
