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
#include <umk/time.h>
#include "optional/sched/sched.h"

/* How long a task may run with another queued behind it before idle CPUs
 * take the queued one. */
#define SMP_STEAL_DELAY_NS (50 * UMK_NSEC_PER_USEC)

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
 * Placement. Here a cross-CPU wake-up is a kick: an eventfd write (a
 * ~1 us system call for the waker) and a host thread woken on the other
 * CPU (~10 us before the woken task runs). A local wake-up is a queue
 * insert. So a task goes where the waking or creating task runs unless
 * that CPU is clearly busy:
 *
 *   fork: the creator's CPU if the creator runs there alone (spawn, then
 *         join or wait, is the common pattern);
 *   wake: the waker's CPU if it is idle (an IRQ taken in the idle loop)
 *         or runs only the waker. Like Linux's wake_affine for WF_SYNC
 *         wake-ups, but for every wake-up, as we cannot tell whether the
 *         waker is about to block: a completion or wait-queue hand-off
 *         and a join almost always are.
 *
 * Being wrong costs little: a woken task that is owed CPU time preempts
 * the waker (fair wake-up preemption), and a task queued behind one that
 * runs on for SMP_STEAL_DELAY_NS is stolen by an idle CPU
 * (umk_sched_overloaded). Otherwise, as before: the CPU the task
 * last ran on if it is idle, any idle CPU, then the least loaded one
 * (keeping t where it was on a tie). Affinity is always obeyed.
 */
UMK_INTERNAL unsigned int umk_sched_select_cpu(struct umk_task *t, bool fork)
{
	unsigned int self = umk_smp_processor_id();
	unsigned long long online, mask;
	unsigned int prev, cpu, best, best_nr = ~0U, nr;

	/* The common case first: our own CPU is online by definition. */
	if ((t->se.cpus_allowed & (1ULL << self)) &&
	    sched_nr_running(sched_rq(self)) <= 1)
		return self;
	online = umk_sched_online_mask();
	mask = t->se.cpus_allowed & online;
	prev = (unsigned int)__atomic_load_n(&t->cpu, __ATOMIC_RELAXED);
	if (!mask)
		mask = online; /* affinity to CPUs that went away */
	if (fork && (mask & (1ULL << self)))
		prev = self; /* the tie-break below keeps it here */
	if ((mask & (1ULL << prev)) && smp_cpu_idle(prev))
		return prev;
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

/* The first queued task of src, by class order, that may run on cpu. */
static struct umk_task *smp_steal_candidate(struct umk_rq *src,
					    unsigned int cpu)
{
	const struct umk_sched_class *class;
	struct umk_task *t;
	unsigned int id;

	for (id = 0; id < UMK_ARRAY_SIZE(umk_sched_classes); id++) {
		class = umk_sched_classes[id];
		if (class && (t = class->steal_candidate(src, cpu)))
			return t;
	}
	return NULL;
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

/*
 * Whether an idle CPU may take a task from src: src has two tasks waiting
 * behind the running one, or one, and the running one has held the CPU
 * for SMP_STEAL_DELAY_NS (so the queued one has waited at most that
 * long, and its waker or creator is not about to block). A task queued by
 * a task that then blocks or joins at once would run there soon anyway:
 * stealing it costs a migration and, for the next hand-off, a cross-CPU
 * wake-up.
 */
static bool smp_may_steal_from(struct umk_rq *src)
{
	unsigned int nr = sched_nr_running(src);

	if (nr >= 3)
		return true;
	return nr == 2 && (long long)(sched_clock() -
				       __atomic_load_n(&src->curr_since,
						       __ATOMIC_RELAXED)) >=
				      (long long)SMP_STEAL_DELAY_NS;
}

/* An idle CPU takes a queued task from a busy one (see above). */
UMK_INTERNAL bool umk_sched_steal(struct umk_rq *rq)
{
	unsigned long flags = umk_local_irq_save();
	unsigned int i, cpu;
	bool stolen = false;

	for (i = 1; i < UMK_NR_CPUS && !stolen; i++) {
		cpu = (rq->cpu + i) % UMK_NR_CPUS;
		if (smp_may_steal_from(sched_rq(cpu)))
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

/* Wake an idle CPU other than busy and ourselves, to steal from busy. */
static void smp_kick_idle_cpu(unsigned int busy)
{
	unsigned long long online = umk_sched_online_mask();
	unsigned int self = umk_smp_processor_id(), other;

	for (other = 0; other < UMK_NR_CPUS; other++) {
		if (other == busy || other == self ||
		    !(online & (1ULL << other)))
			continue;
		if (smp_cpu_idle(other)) {
			umk_arch_cpu_kick(other);
			return;
		}
	}
}

/*
 * After queueing a task on cpu, whose idle task was running (idle) or
 * not, as read under its run queue lock. Only an idle CPU is kicked: one
 * that runs a task takes the run queue lock in its next umk_schedule()
 * and finds the new task; it gets the preemption signal instead if the
 * new task must preempt. Kicks are batched by the arch: one undelivered
 * kick absorbs the next ones. A queue with two tasks waiting is clearly
 * overloaded, and an idle CPU is kicked to steal at once; with one, only
 * after SMP_STEAL_DELAY_NS (umk_sched_overloaded, at the next switch).
 */
UMK_INTERNAL void umk_sched_kick_after_enqueue(unsigned int cpu, bool resched,
					       bool idle)
{
	if (cpu != umk_smp_processor_id()) {
		if (idle)
			umk_arch_cpu_kick(cpu);
		else if (resched)
			umk_sched_tick_kick(cpu);
	}
	if (sched_nr_running(sched_rq(cpu)) >= 3)
		smp_kick_idle_cpu(cpu);
}

/*
 * At a switch on rq's CPU (rq locked, now: the switch's clock): if a task
 * is queued and the one leaving ran for SMP_STEAL_DELAY_NS, an idle CPU
 * that may run it, to be kicked (umk_sched_offload) once the lock is
 * dropped; at most once per delay. Else -1. The preemption tick balances
 * busy CPUs.
 */
UMK_INTERNAL int umk_sched_overloaded(struct umk_rq *rq, unsigned long long now)
{
	long long delay = (long long)SMP_STEAL_DELAY_NS;
	unsigned long long online;
	unsigned int cpu;

	if (rq->nr_running < 2 || (long long)(now - rq->curr_since) < delay ||
	    (long long)(now - rq->offload_at) < delay)
		return -1;
	rq->offload_at = now;
	online = umk_sched_online_mask();
	for (cpu = 0; cpu < UMK_NR_CPUS; cpu++)
		if (cpu != rq->cpu && (online & (1ULL << cpu)) &&
		    smp_cpu_idle(cpu) && smp_steal_candidate(rq, cpu))
			return (int)cpu;
	return -1;
}

UMK_INTERNAL void umk_sched_offload(int cpu)
{
	if (cpu >= 0)
		umk_arch_cpu_kick((unsigned int)cpu);
}
