/*
 * The idle class: tasks with policy UMK_SCHED_IDLE run only when no
 * real-time or fair task wants the CPU, in FIFO order, rotating at each
 * preemption. Below them is each CPU's idle task, which is on no queue.
 */
#include "optional/sched/sched.h"

UMK_INTERNAL void umk_idlec_enqueue(struct umk_rq *rq, struct umk_task *t)
{
	umk_list_add_tail(&t->se.run_node, &rq->idleq.queue);
	rq->idleq.nr++;
}

UMK_INTERNAL void umk_idlec_dequeue(struct umk_rq *rq, struct umk_task *t)
{
	umk_list_del(&t->se.run_node);
	rq->idleq.nr--;
}

UMK_INTERNAL struct umk_task *umk_idlec_pick(struct umk_rq *rq)
{
	struct umk_task *t;

	if (umk_list_empty(&rq->idleq.queue))
		return NULL;
	t = umk_list_first_entry(&rq->idleq.queue, struct umk_task,
				 se.run_node);
	umk_idlec_dequeue(rq, t);
	return t;
}

UMK_INTERNAL struct umk_task *umk_idlec_steal_candidate(struct umk_rq *rq,
							 unsigned int cpu)
{
	struct umk_task *t;

	umk_list_for_each_entry(t, &rq->idleq.queue, se.run_node)
		if (t->se.cpus_allowed & (1ULL << cpu))
			return t;
	return NULL;
}
