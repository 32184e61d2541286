/*
 * The cooperative scheduler stub (CONFIG_SCHED=n): one CPU, one FIFO run
 * queue, run to completion. A task runs until it sleeps, yields or exits;
 * there are no priorities, no preemption and no statistics. Everything
 * else in the core (wait queues, timers, I/O) works on top of it because
 * they only need umk_schedule() and umk_wake_up_process().
 *
 * IRQs are polled, never asynchronous: they run inside umk_arch_idle()
 * and umk_arch_irq_poll(), so the run queue needs no lock, only care about
 * the order of operations around those calls.
 */
#include <umk/sched.h>
#include <umk/cpu.h>
#include <umk/errno.h>
#include <umk/printk.h>
#include "core/task.h"

/*
 * A busy cooperative workload never goes idle, so schedule() itself
 * polls host events (timers, I/O, kicks) every so many switches. A power
 * of two: the check is a mask.
 */
#define STUB_POLL_INTERVAL 1024

static UMK_LIST_HEAD(stub_runq);
static unsigned int stub_nr_switches;
/* The task just switched away from, finished by whoever runs next. */
static struct umk_task *stub_prev;

static void stub_enqueue(struct umk_task *t)
{
	t->state = UMK_TASK_RUNNABLE;
	t->se.on_rq = true;
	umk_list_add_tail(&t->se.run_node, &stub_runq);
}

static struct umk_task *stub_dequeue_first(void)
{
	struct umk_task *t;

	if (umk_list_empty(&stub_runq))
		return NULL;
	t = umk_list_first_entry(&stub_runq, struct umk_task, se.run_node);
	umk_list_del(&t->se.run_node);
	t->se.on_rq = false;
	return t;
}

/* Runs on the next task's stack right after the switch. */
static void stub_finish_switch(void)
{
	struct umk_task *prev = stub_prev;

	stub_prev = NULL;
	if (prev && prev->state == UMK_TASK_DEAD)
		umk_task_dead(prev);
}

void umk_sched_task_init(struct umk_task *t)
{
	umk_list_init(&t->se.run_node);
	t->se.on_rq = false;
	t->preempt_count = 0;
}

void umk_sched_wake_new(struct umk_task *t)
{
	unsigned long flags = umk_local_irq_save();

	stub_enqueue(t);
	umk_local_irq_restore(flags);
}

void umk_schedule_tail(void)
{
	stub_finish_switch();
	umk_this_cpu()->irqs_off = 0;
}

bool umk_sched_has_runnable(void)
{
	return !umk_list_empty(&stub_runq);
}

void umk_schedule(void)
{
	struct umk_cpu *cpu = umk_this_cpu();
	struct umk_task *prev = cpu->curr, *next;
	unsigned long flags;

	if (!(++stub_nr_switches & (STUB_POLL_INTERVAL - 1)) &&
	    !cpu->irqs_off && prev != cpu->idle)
		umk_arch_irq_poll();

	flags = umk_local_irq_save();
	/*
	 * Still running (a yield), or woken between setting SLEEPING and
	 * getting here: back to the tail of the queue.
	 */
	if ((prev->state == UMK_TASK_RUNNING ||
	     prev->state == UMK_TASK_RUNNABLE) &&
	    prev != cpu->idle && !prev->se.on_rq)
		stub_enqueue(prev);

	next = stub_dequeue_first();
	if (!next)
		next = cpu->idle;
	next->state = UMK_TASK_RUNNING;
	if (next != prev) {
		cpu->curr = next;
		stub_prev = prev;
		umk_arch_stack_switch_hint(next);
		umk_arch_switch(&prev->ctx, &next->ctx);
		stub_finish_switch();
	}
	umk_local_irq_restore(flags);
}

void umk_yield(void)
{
	umk_schedule();
}

bool umk_wake_up_process(struct umk_task *t)
{
	unsigned long flags = umk_local_irq_save();
	bool woken = false;

	if (t->state == UMK_TASK_SLEEPING) {
		woken = true;
		/* The current task is re-queued by its own umk_schedule(). */
		if (t == umk_this_cpu()->curr)
			t->state = UMK_TASK_RUNNING;
		else
			stub_enqueue(t);
	}
	umk_local_irq_restore(flags);
	return woken;
}

/* Counted so that code written for PREEMPT=y keeps its nesting checks. */
void umk_preempt_disable(void)
{
	struct umk_task *curr = umk_this_cpu()->curr;

	if (umk_likely(curr))
		curr->preempt_count++;
}

void umk_preempt_enable(void)
{
	struct umk_task *curr = umk_this_cpu()->curr;

	if (umk_likely(curr))
		curr->preempt_count--;
}

/* Only the behaviour the stub already has can be asked for. */
int umk_sched_setscheduler(struct umk_task *t, int policy, int prio)
{
	(void)t;
	if (policy == UMK_SCHED_NORMAL && prio == 0)
		return 0;
	return -UMK_ENOSYS;
}

int umk_sched_getscheduler(const struct umk_task *t)
{
	(void)t;
	return UMK_SCHED_NORMAL;
}

int umk_set_user_nice(struct umk_task *t, int nice)
{
	(void)t;
	return nice == 0 ? 0 : -UMK_ENOSYS;
}

int umk_task_nice(const struct umk_task *t)
{
	(void)t;
	return 0;
}

int umk_set_cpus_allowed(struct umk_task *t, unsigned long long mask)
{
	(void)t;
	return (mask & 1) ? 0 : -UMK_EINVAL;
}

int umk_nr_cpus_online(void)
{
	return 1;
}

int umk_sched_task_stats(const struct umk_task *t, struct umk_sched_stats *s)
{
	(void)t;
	*s = (struct umk_sched_stats){ 0 };
	return 0;
}

int umk_sched_cpu_stats(int cpu, struct umk_sched_stats *s)
{
	if (cpu != 0)
		return -UMK_EINVAL;
	*s = (struct umk_sched_stats){ 0 };
	return 0;
}
