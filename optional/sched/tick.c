/*
 * Preemption (CONFIG_PREEMPT), the scheduler's half. Each CPU has a host
 * timer that delivers a signal every time slice, armed only while more
 * than one task is runnable on that CPU (tickless otherwise). The arch's
 * signal handler (arch/um/preempt.c) asks umk_sched_tick() what to do:
 * it never switches stacks itself. When the interrupted task may be
 * preempted, the handler redirects it to a trampoline that saves every
 * register and calls umk_sched_preempt_irq() here, in task context, the
 * way Go preempts goroutines asynchronously. Otherwise need_resched is
 * left set and the next umk_preempt_enable() or scheduling point acts.
 *
 * IRQs are polled, so the same signal also keeps timers alive under a
 * busy task: while a CPU runs one task and has its clock event armed,
 * the tick keeps running, and each one polls host events from the
 * trampoline (without a reschedule) so the timer IRQ is taken.
 */
#include "optional/sched/sched.h"
#include "arch/um/preempt.h"

UMK_INTERNAL void umk_sched_tick_cpu_init(unsigned int cpu)
{
	struct umk_rq *rq = sched_rq(cpu);
	unsigned long flags;
	int ready;

	if (__atomic_load_n(&rq->tick_ready, __ATOMIC_RELAXED))
		return;
	ready = umk_arch_preempt_cpu_init(cpu) ? 1 : -1;
	flags = umk_local_irq_save();
	umk_raw_spin_lock(&rq->lock);
	__atomic_store_n(&rq->tick_ready, ready, __ATOMIC_RELAXED);
	umk_sched_tick_update(rq);
	umk_raw_spin_unlock(&rq->lock);
	umk_local_irq_restore(flags);
}

static void tick_arm(struct umk_rq *rq)
{
	if (!__atomic_exchange_n(&rq->tick_armed, 1, __ATOMIC_SEQ_CST))
		umk_arch_preempt_timer(rq->cpu, UMK_SCHED_SLICE_NS);
}

/* One task alone needs the tick only for the timers of its own CPU. */
static bool tick_needed(struct umk_rq *rq, bool local)
{
	unsigned int nr = sched_nr_running(rq);

	return nr > 1 || (nr == 1 && local && umk_arch_preempt_timer_pending());
}

UMK_INTERNAL void umk_sched_tick_update(struct umk_rq *rq)
{
	if (__atomic_load_n(&rq->tick_ready, __ATOMIC_RELAXED) > 0 &&
	    !__atomic_load_n(&rq->tick_armed, __ATOMIC_RELAXED) &&
	    tick_needed(rq, rq->cpu == umk_smp_processor_id()))
		tick_arm(rq);
}

UMK_INTERNAL void umk_sched_tick_kick(unsigned int cpu)
{
	struct umk_rq *rq = sched_rq(cpu);

	if (__atomic_load_n(&rq->tick_ready, __ATOMIC_RELAXED) > 0 &&
	    sched_nr_running(rq) > 1)
		umk_arch_preempt_kick(cpu);
}

/*
 * Stop the timer of a CPU with one task left. A CPU that queues a second
 * task meanwhile sees tick_armed clear and re-arms, or we see its count.
 */
static void tick_stop(struct umk_rq *rq)
{
	umk_arch_preempt_timer(rq->cpu, 0);
	__atomic_store_n(&rq->tick_armed, 0, __ATOMIC_SEQ_CST);
	if (tick_needed(rq, true))
		tick_arm(rq);
}

/* In signal context, on the CPU that took the signal. Only reads. */
UMK_INTERNAL int umk_sched_tick(bool pc_preemptible)
{
	struct umk_cpu *cpu = umk_this_cpu();
	struct umk_rq *rq;
	struct umk_task *curr;

	if (!cpu)
		return UMK_SCHED_TICK_IGNORE;
	rq = sched_rq(cpu->id);
	if (!tick_needed(rq, true)) {
		tick_stop(rq);
		return UMK_SCHED_TICK_IGNORE;
	}
	if (sched_nr_running(rq) > 1)
		umk_sched_resched_cpu(cpu->id); /* else: only to take IRQs */
	curr = cpu->curr;
	if (!pc_preemptible || cpu->irqs_off || cpu->in_irq || !curr ||
	    curr == cpu->idle || curr->preempt_count)
		return UMK_SCHED_TICK_IGNORE;
#ifdef CONFIG_SMP
	if (umk_irq_flag_busy) /* mid umk_local_irq_save: see <umk/cpu.h> */
		return UMK_SCHED_TICK_IGNORE;
#endif
	return UMK_SCHED_TICK_PREEMPT;
}

/*
 * The trampoline's C half, on the preempted task's stack with all its
 * registers saved. Busy tasks also poll host events here, once a slice,
 * so timers and I/O are served while nobody goes idle.
 */
UMK_INTERNAL void umk_sched_preempt_irq(void)
{
	struct umk_task *curr = umk_current_task();
	struct umk_cpu *cpu;

	curr->preempt_count++;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	cpu = umk_this_cpu(); /* after the count: no tick moves us now */
	umk_arch_irq_poll();
	umk_sched_balance(sched_rq(cpu->id));
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	curr->preempt_count--;
	cpu = umk_this_cpu();
	if (__atomic_load_n(&cpu->need_resched, __ATOMIC_RELAXED) &&
	    !cpu->irqs_off)
		umk_sched_schedule(true);
}
