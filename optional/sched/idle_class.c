/*
 * The idle class: tasks with policy UMK_SCHED_IDLE run only when no
 * real-time or fair task wants the CPU, in FIFO order, rotating at each
 * preemption. Below them is each CPU's idle task, which is on no queue.
 */
#include "optional/sched/sched.h"

static void idlec_enqueue(struct umk_rq *rq, struct umk_task *t)
{
	umk_list_add_tail(&t->se.run_node, &rq->idleq.queue);
	rq->idleq.nr++;
}

static void idlec_dequeue(struct umk_rq *rq, struct umk_task *t)
{
	umk_list_del(&t->se.run_node);
	rq->idleq.nr--;
}

static struct umk_task *idlec_pick_next(struct umk_rq *rq)
{
	struct umk_task *t;

	if (umk_list_empty(&rq->idleq.queue))
		return NULL;
	t = umk_list_first_entry(&rq->idleq.queue, struct umk_task,
				 se.run_node);
	idlec_dequeue(rq, t);
	return t;
}

static struct umk_task *idlec_steal_candidate(struct umk_rq *rq,
					      unsigned int cpu)
{
	struct umk_task *t;

	umk_list_for_each_entry(t, &rq->idleq.queue, se.run_node)
		if (t->se.cpus_allowed & (1ULL << cpu))
			return t;
	return NULL;
}

/* Preempted or yielding: to the back, so SCHED_IDLE tasks rotate. */
static void idlec_put_prev(struct umk_rq *rq, struct umk_task *t,
			   unsigned long long now)
{
	(void)now;
	idlec_enqueue(rq, t);
}

static bool idlec_wakeup_preempts(struct umk_task *curr, struct umk_task *t)
{
	(void)curr;
	(void)t;
	return false;
}

UMK_INTERNAL const struct umk_sched_class umk_idle_sched_class = {
	.enqueue = idlec_enqueue,
	.dequeue = idlec_dequeue,
	.pick_next = idlec_pick_next,
	.put_prev = idlec_put_prev,
	.wakeup_preempts = idlec_wakeup_preempts,
	.steal_candidate = idlec_steal_candidate,
};
