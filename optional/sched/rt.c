/*
 * The real-time class (CONFIG_SCHED_RT): priorities 1-99, higher first,
 * always before the fair class. SCHED_FIFO runs until it blocks, yields
 * or is preempted by a higher priority (it then stays at the head of its
 * list); SCHED_RR does the same but goes to the tail of its priority's
 * list once it has used a time slice (CONFIG_SCHED_TIMESLICE_US).
 * One list per priority and a bitmap of the non-empty ones: O(1) pick.
 */
#include "optional/sched/sched.h"

static void rt_bitmap_set(struct umk_rt_rq *rt, int prio)
{
	rt->bitmap[prio / 64] |= 1ULL << (prio % 64);
}

static void rt_bitmap_clear_if_empty(struct umk_rt_rq *rt, int prio)
{
	if (umk_list_empty(&rt->queue[prio]))
		rt->bitmap[prio / 64] &= ~(1ULL << (prio % 64));
}

static int rt_highest_prio(const struct umk_rt_rq *rt)
{
	if (rt->bitmap[1])
		return 64 + 63 - __builtin_clzll(rt->bitmap[1]);
	if (rt->bitmap[0])
		return 63 - __builtin_clzll(rt->bitmap[0]);
	return -1;
}

UMK_INTERNAL void umk_rt_init_rq(struct umk_rq *rq)
{
	unsigned int i;

	for (i = 0; i < UMK_ARRAY_SIZE(rq->rt.queue); i++)
		umk_list_init(&rq->rt.queue[i]);
}

static void rt_enqueue_at(struct umk_rq *rq, struct umk_task *t, bool head)
{
	struct umk_list_head *q = &rq->rt.queue[t->se.prio];

	if (head)
		umk_list_add(&t->se.run_node, q);
	else
		umk_list_add_tail(&t->se.run_node, q);
	rt_bitmap_set(&rq->rt, t->se.prio);
	rq->rt.nr++;
}

static void rt_enqueue(struct umk_rq *rq, struct umk_task *t)
{
	rt_enqueue_at(rq, t, false);
}

static void rt_dequeue(struct umk_rq *rq, struct umk_task *t)
{
	umk_list_del(&t->se.run_node);
	rt_bitmap_clear_if_empty(&rq->rt, t->se.prio);
	rq->rt.nr--;
}

static struct umk_task *rt_pick_next(struct umk_rq *rq)
{
	int prio;
	struct umk_task *t;

	if (!rq->rt.nr)
		return NULL;
	prio = rt_highest_prio(&rq->rt);
	if (prio < 0)
		return NULL;
	t = umk_list_first_entry(&rq->rt.queue[prio], struct umk_task,
				 se.run_node);
	rt_dequeue(rq, t);
	return t;
}

/*
 * The running task leaves the CPU still runnable: a preempted task keeps
 * its place at the head; a yield, or an RR task whose slice is used up,
 * goes to the tail (RR with a fresh slice).
 */
static void rt_put_prev(struct umk_rq *rq, struct umk_task *t,
			unsigned long long now)
{
	bool tail = t->se.yielded;

	if (t->se.policy == UMK_SCHED_RR && now >= t->se.slice_end) {
		tail = true;
		t->se.slice_end = 0;
	}
	rt_enqueue_at(rq, t, !tail);
}

static struct umk_task *rt_steal_candidate(struct umk_rq *rq,
					   unsigned int cpu)
{
	struct umk_task *t;
	int prio;

	for (prio = UMK_SCHED_RT_PRIO_MAX; prio > 0; prio--)
		umk_list_for_each_entry(t, &rq->rt.queue[prio], se.run_node)
			if (t->se.cpus_allowed & (1ULL << cpu))
				return t;
	return NULL;
}

static bool rt_wakeup_preempts(struct umk_task *curr, struct umk_task *t)
{
	return t->se.prio > curr->se.prio;
}

UMK_INTERNAL const struct umk_sched_class umk_rt_sched_class = {
	.enqueue = rt_enqueue,
	.dequeue = rt_dequeue,
	.pick_next = rt_pick_next,
	.put_prev = rt_put_prev,
	.wakeup_preempts = rt_wakeup_preempts,
	.steal_candidate = rt_steal_candidate,
};
