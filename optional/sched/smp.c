/*
 * SMP placement (CONFIG_SMP): which CPU a waking task goes to, work
 * stealing by idle CPUs, a little balancing at the preemption tick, and
 * kicks. Each CPU has its own run queue; nothing here holds two run queue
 * locks except sched_steal_from(), which takes them in CPU order.
 *
 * An idle CPU blocks its host thread in umk_arch_idle(); a kick
 * (umk_arch_cpu_kick, an eventfd) wakes it, and its idle loop then finds
 * the queued task or steals one through umk_sched_has_runnable().
 */
#include "optional/sched/sched.h"

UMK_INTERNAL unsigned long long umk_sched_online_mask(void)
{
	unsigned long long mask = 1;
	unsigned int cpu;

	for (cpu = 1; cpu < UMK_NR_CPUS; cpu++)
		if (__atomic_load_n(&umk_cpus[cpu].online, __ATOMIC_ACQUIRE))
			mask |= 1ULL << cpu;
	return mask;
}

/* The first scheduler call on a CPU's own host thread. */
UMK_INTERNAL void umk_sched_cpu_online(unsigned int cpu)
{
	umk_sched_tick_cpu_init(cpu);
}

static bool smp_cpu_idle(unsigned int cpu)
{
	return sched_nr_running(sched_rq(cpu)) == 0;
}

/*
 * A new task starts on its creator's CPU: spawn-then-join is the common
 * pattern and runs without a cross-CPU wake-up (25 us here, against
 * 0.5 us locally); when the creator keeps running instead, an idle CPU is
 * kicked and steals the new task (umk_sched_kick_after_enqueue).
 *
 * A waking task prefers, in order: the CPU it last ran on if it is idle (its cache is
 * warm), the waker's CPU if it is idle (a wake-up from the idle loop's
 * IRQs), any idle CPU, then the least loaded CPU, keeping t where it was
 * on a tie.
 */
UMK_INTERNAL unsigned int umk_sched_select_cpu(struct umk_task *t, bool fork)
{
	unsigned long long online = umk_sched_online_mask();
	unsigned long long mask = t->se.cpus_allowed & online;
	unsigned int prev = (unsigned int)__atomic_load_n(&t->cpu,
							   __ATOMIC_RELAXED);
	unsigned int self = umk_smp_processor_id();
	unsigned int cpu, best, best_nr = ~0U, nr;

	if (!mask)
		mask = online; /* affinity to CPUs that went away */
	if (fork && (mask & (1ULL << self)))
		return self;
	if ((mask & (1ULL << prev)) && smp_cpu_idle(prev))
		return prev;
	if ((mask & (1ULL << self)) && smp_cpu_idle(self))
		return self;
	best = (mask & (1ULL << prev)) ? prev : (unsigned int)__builtin_ctzll(mask);
	for (cpu = 0; cpu < UMK_NR_CPUS; cpu++) {
		if (!(mask & (1ULL << cpu)))
			continue;
		nr = sched_nr_running(sched_rq(cpu));
		if (nr == 0)
			return cpu;
		if (nr < best_nr || (nr == best_nr && cpu == prev)) {
			best = cpu;
			best_nr = nr;
		}
	}
	return best;
}

static void smp_double_lock(struct umk_rq *a, struct umk_rq *b)
{
	if (a->cpu < b->cpu) {
		umk_raw_spin_lock(&a->lock);
		umk_raw_spin_lock(&b->lock);
	} else {
		umk_raw_spin_lock(&b->lock);
		umk_raw_spin_lock(&a->lock);
	}
}

static struct umk_task *smp_steal_candidate(struct umk_rq *src,
					    unsigned int cpu)
{
	struct umk_task *t = NULL;

#ifdef CONFIG_SCHED_RT
	t = umk_rt_steal_candidate(src, cpu);
#endif
	if (!t)
		t = umk_fair_steal_candidate(src, cpu);
	if (!t)
		t = umk_idlec_steal_candidate(src, cpu);
	return t;
}

/* Move one queued task from src to dst if src has one to spare. */
static bool smp_pull_one(struct umk_rq *dst, struct umk_rq *src,
			 unsigned int min_src_running)
{
	struct umk_task *t;
	bool moved = false;

	if (sched_nr_running(src) < min_src_running)
		return false;
	smp_double_lock(dst, src);
	if (src->nr_running >= min_src_running &&
	    (t = smp_steal_candidate(src, dst->cpu))) {
		umk_sched_deactivate(src, t);
		umk_sched_activate(dst, t);
		umk_sched_tick_update(dst);
		moved = true;
	}
	umk_raw_spin_unlock(&src->lock);
	umk_raw_spin_unlock(&dst->lock);
	return moved;
}

/* An idle CPU takes a queued task from a busy one (one running, >0 queued). */
UMK_INTERNAL bool umk_sched_steal(struct umk_rq *rq)
{
	unsigned long flags = umk_local_irq_save();
	unsigned int i, cpu;
	bool stolen = false;

	for (i = 1; i < UMK_NR_CPUS && !stolen; i++) {
		cpu = (rq->cpu + i) % UMK_NR_CPUS;
		stolen = smp_pull_one(rq, sched_rq(cpu), 2);
	}
	umk_local_irq_restore(flags);
	return stolen;
}

/*
 * At the preemption tick of a busy CPU: if another CPU runs at least two
 * tasks fewer, hand it one of ours, so N busy tasks end up on N CPUs even
 * when no CPU ever goes idle.
 */
UMK_INTERNAL void umk_sched_balance(struct umk_rq *rq)
{
	unsigned long flags = umk_local_irq_save();
	unsigned long long online = umk_sched_online_mask();
	unsigned int cpu, least = rq->cpu, least_nr = sched_nr_running(rq), nr;

	for (cpu = 0; cpu < UMK_NR_CPUS; cpu++) {
		if (!(online & (1ULL << cpu)))
			continue;
		nr = sched_nr_running(sched_rq(cpu));
		if (nr < least_nr) {
			least = cpu;
			least_nr = nr;
		}
	}
	if (least != rq->cpu &&
	    smp_pull_one(sched_rq(least), rq, least_nr + 2)) {
		umk_sched_resched_cpu(least);
		umk_arch_cpu_kick(least);
		umk_sched_tick_kick(least);
	}
	umk_local_irq_restore(flags);
}

/*
 * After queueing a task on cpu. A remote CPU is always kicked (the kick
 * is skipped by the arch while one is pending, so this is cheap): an
 * idle CPU must look at its queue, a busy one polls the kick at its next
 * scheduling point; one that must preempt also gets the preemption
 * signal. If cpu has more work
 * than it can run, an idle CPU is kicked to steal it.
 */
UMK_INTERNAL void umk_sched_kick_after_enqueue(unsigned int cpu, bool resched)
{
	unsigned int self = umk_smp_processor_id(), other;
	unsigned long long online;

	if (cpu != self) {
		umk_arch_cpu_kick(cpu);
		if (resched)
			umk_sched_tick_kick(cpu);
	}
	if (sched_nr_running(sched_rq(cpu)) < 2)
		return;
	online = umk_sched_online_mask();
	for (other = 0; other < UMK_NR_CPUS; other++) {
		if (other == cpu || other == self || !(online & (1ULL << other)))
			continue;
		if (smp_cpu_idle(other)) {
			umk_arch_cpu_kick(other);
			return;
		}
	}
}
