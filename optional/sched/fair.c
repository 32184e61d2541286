/*
 * The fair class: CPU time shared in proportion to weights derived from
 * nice (-20..19, Linux's table: each step is about 10% of CPU), by
 * virtual run time. A task's vruntime grows by its run time scaled by
 * NICE_0_WEIGHT / weight; the task with the smallest vruntime runs next.
 *
 * Latency is bounded: a waking task is placed no further back than half a
 * time slice before the queue's min_vruntime (it cannot hoard credit by
 * sleeping), so it waits at most about nr_running slices.
 *
 * Yield puts the yielder behind every other task queued on its CPU: its
 * vruntime moves just past the largest queued one (it gives up whatever
 * credit it had), so equal tasks that only yield take turns strictly, as
 * under FIFO. Charging alone would not do it: a yielder charged a few
 * hundred nanoseconds is still the smallest when the others' vruntimes
 * are spread by more than that (they woke with different lags, or the
 * host stole time from one), and it would run again at once.
 *
 * The queue is a pairing heap: O(1) insert, O(log n) amortised removal of
 * the minimum or of any node, and a few dozen lines. The largest key is
 * kept beside it: raised on insert, still right when the minimum leaves
 * (the rest is no smaller), found again by a walk only when a task leaves
 * from the middle (migrated or changed) holding it.
 */
#include "optional/sched/sched.h"

/* Nice -20..19 to weight, Linux's table (five a line). */
#define FAIR_NICE_WEIGHTS(X)                                               \
	X(88761) X(71755) X(56483) X(46273) X(36291)                       \
	X(29154) X(23254) X(18705) X(14949) X(11916)                       \
	X(9548) X(7620) X(6100) X(4904) X(3906)                            \
	X(3121) X(2501) X(1991) X(1586) X(1277)                            \
	X(1024) X(820) X(655) X(526) X(423)                                \
	X(335) X(272) X(215) X(172) X(137)                                 \
	X(110) X(87) X(70) X(56) X(45)                                     \
	X(36) X(29) X(23) X(18) X(15)
#define FAIR_WEIGHT(w) w,
/* Charging multiplies by NICE_0_WEIGHT / weight, in 32.32 fixed point. */
#define FAIR_INV_WEIGHT(w) (UMK_SCHED_NICE_0_WEIGHT << 32) / (w),

static const unsigned int fair_nice_weight[40] = {
	FAIR_NICE_WEIGHTS(FAIR_WEIGHT)
};
/* Computed by the compiler: no division when a task is made. */
static const unsigned long long fair_nice_inv_weight[40] = {
	FAIR_NICE_WEIGHTS(FAIR_INV_WEIGHT)
};

/* A finished wake-up must beat the running task by this much to preempt. */
#define FAIR_WAKEUP_GRAN_NS (UMK_SCHED_SLICE_NS / 4)

typedef struct umk_sched_heap_node fair_node;

static long long fair_key(const fair_node *n)
{
	return umk_container_of(n, struct umk_sched_entity, heap_node)->vruntime;
}

/* Join two heap roots; ties keep the older root first (FIFO-ish). */
static fair_node *fair_meld(fair_node *a, fair_node *b)
{
	fair_node *t;

	if (!a)
		return b;
	if (!b)
		return a;
	if (fair_key(b) < fair_key(a)) {
		t = a;
		a = b;
		b = t;
	}
	b->next = a->child;
	if (a->child)
		a->child->prev = b;
	b->prev = a;
	a->child = b;
	return a;
}

/* The pairing heap's two-pass merge of a list of siblings. */
static fair_node *fair_merge_pairs(fair_node *first)
{
	fair_node *pairs = NULL, *root = NULL, *a, *b;

	while (first) {
		a = first;
		b = a->next;
		first = b ? b->next : NULL;
		a->next = a->prev = NULL;
		if (b) {
			b->next = b->prev = NULL;
			a = fair_meld(a, b);
		}
		a->next = pairs;
		pairs = a;
	}
	while (pairs) {
		a = pairs;
		pairs = a->next;
		a->next = NULL;
		root = fair_meld(root, a);
	}
	return root;
}

static void fair_heap_remove(struct umk_fair_rq *f, fair_node *n)
{
	fair_node *sub;

	if (n == f->root) {
		f->root = fair_merge_pairs(n->child);
		if (f->root)
			f->root->prev = NULL;
	} else {
		if (n->prev->child == n)
			n->prev->child = n->next;
		else
			n->prev->next = n->next;
		if (n->next)
			n->next->prev = n->prev;
		sub = fair_merge_pairs(n->child);
		if (sub)
			sub->prev = NULL;
		f->root = fair_meld(f->root, sub);
	}
	n->child = n->next = n->prev = NULL;
}

/* The parent of n, which is not the root. */
static const fair_node *fair_parent(const fair_node *n)
{
	while (n->prev->child != n)
		n = n->prev;
	return n->prev;
}

/* The largest key: a walk of the whole heap, without recursion. */
static long long fair_heap_max(const fair_node *root)
{
	const fair_node *n = root;
	long long max = fair_key(root);

	for (;;) {
		if (fair_key(n) > max)
			max = fair_key(n);
		if (n->child) {
			n = n->child;
			continue;
		}
		while (n != root && !n->next)
			n = fair_parent(n);
		if (n == root)
			return max;
		n = n->next;
	}
}

static void fair_update_min_vruntime(struct umk_fair_rq *f,
				     const struct umk_task *curr)
{
	long long v = f->min_vruntime;
	bool have = false;

	if (curr && curr->se.sched_class == SCHED_CLASS_FAIR &&
	    curr->se.on_cpu) {
		v = curr->se.vruntime;
		have = true;
	}
	if (f->root && (!have || fair_key(f->root) < v))
		v = fair_key(f->root);
	if (v > f->min_vruntime)
		f->min_vruntime = v;
}

UMK_INTERNAL void umk_fair_set_nice(struct umk_task *t, int nice)
{
	int i = nice - UMK_SCHED_NICE_MIN;

	t->se.nice = nice;
	t->se.weight = fair_nice_weight[i];
	t->se.inv_weight = fair_nice_inv_weight[i];
}

static void fair_charge(struct umk_rq *rq, struct umk_task *t,
			unsigned long long delta_ns)
{
	long long dv;

	if (t->se.weight == UMK_SCHED_NICE_0_WEIGHT)
		dv = (long long)delta_ns;
	else
		dv = (long long)(((unsigned __int128)delta_ns *
				  t->se.inv_weight) >> 32);
	t->se.vruntime += dv;
	fair_update_min_vruntime(&rq->fair, t);
}

static void fair_enqueue(struct umk_rq *rq, struct umk_task *t)
{
	struct umk_fair_rq *f = &rq->fair;
	fair_node *n = &t->se.heap_node;

	n->child = n->next = n->prev = NULL;
	f->root = fair_meld(f->root, n);
	if (!f->nr || t->se.vruntime > f->max_vruntime)
		f->max_vruntime = t->se.vruntime;
	f->nr++;
}

static void fair_dequeue(struct umk_rq *rq, struct umk_task *t)
{
	struct umk_fair_rq *f = &rq->fair;
	fair_node *n = &t->se.heap_node;
	bool was_min = n == f->root;

	fair_heap_remove(f, n);
	f->nr--;
	if (!was_min && t->se.vruntime >= f->max_vruntime)
		f->max_vruntime = fair_heap_max(f->root);
}

static struct umk_task *fair_task(fair_node *n);

static struct umk_task *fair_pick_next(struct umk_rq *rq)
{
	fair_node *n = rq->fair.root;
	struct umk_task *t;

	if (!n)
		return NULL;
	t = fair_task(n);
	fair_dequeue(rq, t);
	return t;
}

/* From lag (relative to the queue) to an absolute vruntime on rq. */
static void fair_place(struct umk_rq *rq, struct umk_task *t)
{
	long long lag = t->se.vruntime;
	long long credit = -(long long)(UMK_SCHED_SLICE_NS / 2);

	fair_update_min_vruntime(&rq->fair, rq->curr);
	if (lag < credit)
		lag = credit;
	t->se.vruntime = rq->fair.min_vruntime + lag;
}

/* The reverse, when t leaves rq (sleeps or migrates). */
static void fair_unplace(struct umk_rq *rq, struct umk_task *t)
{
	t->se.vruntime -= rq->fair.min_vruntime;
}

static bool fair_wakeup_preempts(struct umk_task *curr, struct umk_task *t)
{
	return t->se.vruntime + (long long)FAIR_WAKEUP_GRAN_NS <
	       curr->se.vruntime;
}

/*
 * A queued task that may run on cpu: the next one to run here if it may,
 * else one of the root's children (tasks due soon after it).
 */
static struct umk_task *fair_task(fair_node *n)
{
	return sched_task_of(umk_container_of(n, struct umk_sched_entity,
					      heap_node));
}

static struct umk_task *fair_steal_candidate(struct umk_rq *rq,
					     unsigned int cpu)
{
	fair_node *n = rq->fair.root;

	if (!n)
		return NULL;
	if (fair_task(n)->se.cpus_allowed & (1ULL << cpu))
		return fair_task(n);
	for (n = n->child; n; n = n->next)
		if (fair_task(n)->se.cpus_allowed & (1ULL << cpu))
			return fair_task(n);
	return NULL;
}

/*
 * The running task goes back on the heap, by its vruntime; a yielder
 * first goes past every queued task (see the top of the file).
 */
static void fair_put_prev(struct umk_rq *rq, struct umk_task *t,
			  unsigned long long now)
{
	(void)now;
	if (t->se.yielded && rq->fair.nr &&
	    t->se.vruntime <= rq->fair.max_vruntime)
		t->se.vruntime = rq->fair.max_vruntime + 1;
	fair_enqueue(rq, t);
}

UMK_INTERNAL const struct umk_sched_class umk_fair_sched_class = {
	.enqueue = fair_enqueue,
	.dequeue = fair_dequeue,
	.pick_next = fair_pick_next,
	.put_prev = fair_put_prev,
	.wakeup_preempts = fair_wakeup_preempts,
	.steal_candidate = fair_steal_candidate,
	.place = fair_place,
	.unplace = fair_unplace,
	.charge = fair_charge,
};
