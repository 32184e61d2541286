/*
 * Suite sched_block: what every blocking primitive of the core needs from
 * a scheduler, run against whichever one this build has (the cooperative
 * stub or the full scheduler). Wake-ups must never be lost, including
 * one that arrives between "I am going to sleep" and umk_schedule(); a
 * wake-up must come back with the right answer; yield must let the others
 * run; and thousands of tasks sleeping and waking at random must all
 * finish.
 */
#include <umk/config.h>
#include <umk/ktest.h>
#include <umk/sched.h>
#include <umk/string.h>
#include <umk/sync.h>
#include <umk/task.h>
#include <umk/time.h>
#include <umk/wait.h>
#include <umk/printk.h>
#include "core/task.h"

/* Long: on a loaded host, CPUs are threads that get descheduled. */
#define SB_TIMEOUT_NS (60 * UMK_NSEC_PER_SEC)

static unsigned int sb_rand(unsigned int *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* A wake-up between setting SLEEPING and umk_schedule() is not lost. */
static void sb_wake_before_schedule(struct umk_ktest *t)
{
	struct umk_task *me = umk_current();
	int i;

	for (i = 0; i < 1000; i++) {
		__atomic_store_n(&me->state, UMK_TASK_SLEEPING, __ATOMIC_SEQ_CST);
		UMK_EXPECT_TRUE(t, umk_wake_up_process(me));
		umk_schedule(); /* must come back: we are runnable */
		UMK_ASSERT_EQ(t, umk_task_state(me), UMK_TASK_RUNNING);
	}
	/* Waking a running task is not a wake-up. */
	UMK_EXPECT_TRUE(t, !umk_wake_up_process(me));
}

/* ---- Sleep and wake by hand, the way wait queues do it ---- */

struct sb_pair {
	struct umk_task *sleeper;
	volatile int flag;
	volatile int woken;
	int rounds;
};

static int sb_sleeper_fn(void *arg)
{
	struct sb_pair *p = arg;
	struct umk_task *me = umk_current();
	int i;

	for (i = 0; i < p->rounds; i++) {
		for (;;) {
			__atomic_store_n(&me->state, UMK_TASK_SLEEPING,
					 __ATOMIC_SEQ_CST);
			if (__atomic_load_n(&p->flag, __ATOMIC_SEQ_CST))
				break;
			umk_schedule();
		}
		__atomic_store_n(&me->state, UMK_TASK_RUNNING, __ATOMIC_SEQ_CST);
		__atomic_store_n(&p->flag, 0, __ATOMIC_SEQ_CST);
		__atomic_fetch_add(&p->woken, 1, __ATOMIC_SEQ_CST);
	}
	return 0;
}

static void sb_sleep_wake_raw(struct umk_ktest *t)
{
	struct sb_pair p = { .rounds = 5000 };
	struct umk_task *s;
	int i, spins;

	s = umk_task_create(sb_sleeper_fn, &p, "sb-sleeper");
	UMK_ASSERT_NOT_NULL(t, s);
	p.sleeper = s;
	for (i = 0; i < p.rounds; i++) {
		__atomic_store_n(&p.flag, 1, __ATOMIC_SEQ_CST);
		umk_wake_up_process(s);
		/* Wait for it to consume the flag, yielding meanwhile. */
		for (spins = 0; __atomic_load_n(&p.woken, __ATOMIC_SEQ_CST) <= i;
		     spins++) {
			umk_yield();
			UMK_ASSERT_TRUE(t, spins < 10000000);
		}
	}
	UMK_EXPECT_EQ(t, umk_task_join(s, NULL), 0);
	UMK_EXPECT_EQ(t, p.woken, p.rounds);
}

/* ---- Ping-pong through wait queues ---- */

struct sb_pingpong {
	struct umk_wait_queue_head wq[2];
	volatile int turn;
	int rounds;
	int failed;
};

struct sb_player {
	struct sb_pingpong *pp;
	int me;
};

static int sb_player_fn(void *arg)
{
	struct sb_player *pl = arg;
	struct sb_pingpong *pp = pl->pp;
	int i;

	for (i = 0; i < pp->rounds; i++) {
		if (umk_wait_event_timeout(pp->wq[pl->me],
					   __atomic_load_n(&pp->turn,
							   __ATOMIC_SEQ_CST) ==
						   pl->me,
					   SB_TIMEOUT_NS)) {
			pp->failed = 1;
			return 1;
		}
		__atomic_store_n(&pp->turn, !pl->me, __ATOMIC_SEQ_CST);
		umk_wake_up(&pp->wq[!pl->me]);
	}
	return 0;
}

static void sb_ping_pong(struct umk_ktest *t)
{
	struct sb_pingpong pp = { .rounds = 1000 };
	struct sb_player pl[2] = { { &pp, 0 }, { &pp, 1 } };
	struct umk_task *a, *b;
	int ca = -1, cb = -1;

	umk_wait_queue_init(&pp.wq[0]);
	umk_wait_queue_init(&pp.wq[1]);
	a = umk_task_create(sb_player_fn, &pl[0], "sb-ping");
	b = umk_task_create(sb_player_fn, &pl[1], "sb-pong");
	UMK_ASSERT_NOT_NULL(t, a);
	UMK_ASSERT_NOT_NULL(t, b);
	UMK_EXPECT_EQ(t, umk_task_join(a, &ca), 0);
	UMK_EXPECT_EQ(t, umk_task_join(b, &cb), 0);
	UMK_EXPECT_EQ(t, ca, 0);
	UMK_EXPECT_EQ(t, cb, 0);
	UMK_EXPECT_EQ(t, pp.failed, 0);
}

/* ---- Wake-up from IRQ context (a timer) ---- */

struct sb_irq_wake {
	struct umk_timer timer;
	struct umk_task *task;
	volatile int fired;
	volatile bool woke;
};

static void sb_irq_wake_fn(struct umk_timer *tm)
{
	struct sb_irq_wake *w = tm->data;

	__atomic_store_n(&w->fired, 1, __ATOMIC_SEQ_CST);
	w->woke = umk_wake_up_process(w->task);
}

static void sb_wake_from_irq(struct umk_ktest *t)
{
	struct sb_irq_wake w = { .task = umk_current() };
	unsigned long long deadline;
	int i;

	for (i = 0; i < 20; i++) {
		w.fired = 0;
		umk_timer_init(&w.timer, sb_irq_wake_fn, &w);
		umk_timer_arm(&w.timer, umk_time_ns_exact() + 200 * UMK_NSEC_PER_USEC);
		deadline = umk_time_ns_exact() + SB_TIMEOUT_NS;
		for (;;) {
			__atomic_store_n(&w.task->state, UMK_TASK_SLEEPING,
					 __ATOMIC_SEQ_CST);
			if (__atomic_load_n(&w.fired, __ATOMIC_SEQ_CST))
				break;
			umk_schedule();
			UMK_ASSERT_TRUE(t, umk_time_ns_exact() < deadline);
		}
		__atomic_store_n(&w.task->state, UMK_TASK_RUNNING,
				 __ATOMIC_SEQ_CST);
		UMK_EXPECT_TRUE(t, w.woke);
	}
}

/* ---- Timers fire while every runnable task only yields ---- */

struct sb_busy {
	struct umk_timer timer;
	volatile int fired;
};

static void sb_busy_timer_fn(struct umk_timer *tm)
{
	struct sb_busy *b = tm->data;

	__atomic_store_n(&b->fired, 1, __ATOMIC_SEQ_CST);
}

/* Yields until the timer fires; 1 if it never does. */
static int sb_busy_yielder_fn(void *arg)
{
	struct sb_busy *b = arg;
	unsigned long long deadline = umk_time_ns_exact() + SB_TIMEOUT_NS;
	long n = 0;

	while (!__atomic_load_n(&b->fired, __ATOMIC_SEQ_CST)) {
		umk_yield();
		/* Reads the host clock; it does not deliver timers. */
		if (!(++n & 1023) && umk_time_ns_exact() > deadline)
			return 1;
	}
	return 0;
}

/*
 * The CPU never goes idle while two tasks yield to each other, so the
 * host events (timers here, I/O alike) must come from the scheduler's own
 * polling: without it both tasks spin until the deadline.
 */
static void sb_timer_while_yielding(struct umk_ktest *t)
{
	static struct sb_busy b;
	struct umk_task *a, *c;
	int ca = -1, cc = -1;

	b.fired = 0;
	/* Children inherit the affinity: all on the timer's CPU. */
	umk_set_cpus_allowed(umk_current(), 1ULL << umk_task_cpu(umk_current()));
	umk_timer_init(&b.timer, sb_busy_timer_fn, &b);
	a = umk_task_create(sb_busy_yielder_fn, &b, "sb-busy");
	c = umk_task_create(sb_busy_yielder_fn, &b, "sb-busy");
	UMK_ASSERT_NOT_NULL(t, a);
	UMK_ASSERT_NOT_NULL(t, c);
	umk_timer_arm(&b.timer, umk_time_ns_exact() + UMK_NSEC_PER_MSEC);
	UMK_EXPECT_EQ(t, umk_task_join(a, &ca), 0);
	UMK_EXPECT_EQ(t, umk_task_join(c, &cc), 0);
	UMK_EXPECT_EQ(t, ca, 0);
	UMK_EXPECT_EQ(t, cc, 0);
	UMK_EXPECT_TRUE(t, b.fired);
	umk_set_cpus_allowed(umk_current(), ~0ULL);
}

/* ---- Yield order ---- */

#define SB_YIELDERS 4
#define SB_YIELD_ROUNDS 200
/* The turn at which, in sb_yield_after_leave, a task leaves the class. */
#define SB_LEAVE_AT 40

struct sb_yield {
	volatile int log[SB_YIELDERS * SB_YIELD_ROUNDS];
	volatile int pos;
	int leave_at;      /* 0: nobody leaves */
	volatile int left; /* who left the class at turn leave_at */
	struct umk_task *tasks[SB_YIELDERS];
};

struct sb_yielder {
	struct sb_yield *y;
	struct umk_completion *go;
	int id;
};

static void sb_spin(unsigned long long ns)
{
	unsigned long long end = umk_time_ns_exact() + ns;

	while (umk_time_ns_exact() < end)
		;
}

/*
 * Only the yields may reorder the tasks: a preemption tick, which comes
 * by host time, puts the preempted task back by its vruntime (the fair
 * class) rather than behind everyone, so the yielders keep it off.
 */
static int sb_yielder_fn(void *arg)
{
	struct sb_yielder *me = arg;
	struct sb_yield *y = me->y;
	int i, pos;

	umk_wait_for_completion(me->go);
	umk_preempt_disable();
	for (i = 0; i < SB_YIELD_ROUNDS; i++) {
		pos = __atomic_fetch_add(&y->pos, 1, __ATOMIC_SEQ_CST);
		y->log[pos] = me->id;
		if (y->leave_at && pos == y->leave_at - 2)
			sb_spin(UMK_NSEC_PER_MSEC);
		if (y->leave_at && pos == y->leave_at - 1)
			sb_spin(2 * UMK_NSEC_PER_MSEC);
		if (y->leave_at && pos == y->leave_at) {
			/* The task that yielded last: the largest vruntime. */
			y->left = y->log[pos - 1];
			umk_sched_setscheduler(y->tasks[y->left],
					       UMK_SCHED_IDLE, 0);
		}
		umk_yield();
	}
	umk_preempt_enable();
	return 0;
}

/* Turn from on: each by the task that had the turn period before. */
static void sb_expect_rotation(struct umk_ktest *t, const struct sb_yield *y,
			       int from, int to, int period)
{
	int i;

	for (i = from; i < to; i++)
		if (y->log[i] != y->log[i - period]) {
			UMK_EXPECT_EQ(t, y->log[i], y->log[i - period]);
			umk_pr_err("sb_yield: turn %d went to %d, not %d\n", i,
				   y->log[i], y->log[i - period]);
			return;
		}
}

/* SB_YIELDERS tasks of the caller's policy and affinity yield in turn. */
static void sb_yield_run(struct umk_ktest *t, struct sb_yield *y,
			 int leave_at)
{
	static struct umk_completion go;
	struct sb_yielder ys[SB_YIELDERS];
	int i;

	umk_memset((void *)y, 0, sizeof(*y));
	y->leave_at = leave_at;
	y->left = -1;
	/* All start together: a fair task created first would otherwise
	 * run ahead while the others are still being created. */
	umk_completion_init(&go);
	for (i = 0; i < SB_YIELDERS; i++) {
		ys[i].y = y;
		ys[i].go = &go;
		ys[i].id = i;
		y->tasks[i] = umk_task_create(sb_yielder_fn, &ys[i], "sb-yield");
		UMK_ASSERT_NOT_NULL(t, y->tasks[i]);
	}
	umk_complete_all(&go);
	for (i = 0; i < SB_YIELDERS; i++)
		UMK_EXPECT_EQ(t, umk_task_join(y->tasks[i], NULL), 0);
	UMK_ASSERT_EQ(t, y->pos, SB_YIELDERS * SB_YIELD_ROUNDS);
}

/*
 * Equal tasks that only yield run in strict rotation, whatever the
 * policy: a yielder goes behind every other runnable task of its class
 * on its CPU (the stub's ring; SCHED_FIFO's tail of its priority; the
 * fair class puts it after the largest queued vruntime). Under FIFO the
 * rotation follows the wake-up order, 0 1 2 3; the fair class starts
 * them by their vruntimes, so there only the rotation itself is checked:
 * each turn is taken by the task that had the turn SB_YIELDERS before.
 * The order does not depend on host time: run time the host steals from
 * one task moves its vruntime, but a yielder is put behind everyone.
 */
static void sb_yield_rotation(struct umk_ktest *t, bool fifo)
{
	static struct sb_yield y;
	int i, j;

	sb_yield_run(t, &y, 0);
	for (i = 0; i < SB_YIELDERS; i++) {
		if (fifo)
			UMK_EXPECT_EQ(t, y.log[i], i);
		for (j = 0; j < i; j++)
			UMK_EXPECT_NE(t, y.log[i], y.log[j]);
	}
	sb_expect_rotation(t, &y, SB_YIELDERS, y.pos, SB_YIELDERS);
}

/* The stub's ring; with the full scheduler SCHED_FIFO, then the fair class. */
static void sb_yield_order(struct umk_ktest *t)
{
	umk_set_cpus_allowed(umk_current(), 1ULL << umk_task_cpu(umk_current()));
	if (!UMK_IS_ENABLED(CONFIG_SCHED)) {
		sb_yield_rotation(t, true);
		return;
	}
	if (umk_sched_setscheduler(umk_current(), UMK_SCHED_FIFO, 10) == 0) {
		sb_yield_rotation(t, true);
		umk_sched_setscheduler(umk_current(), UMK_SCHED_NORMAL, 0);
	}
	sb_yield_rotation(t, false);
	umk_set_cpus_allowed(umk_current(), ~0ULL);
}

/*
 * Fair class: the queued task with the largest vruntime leaves the class
 * at turn SB_LEAVE_AT, and the other three go on in strict rotation. The
 * two turns before it spin 1 and 2 ms, so the vruntimes are spread by
 * more than a turn: the one who spun 2 ms (the largest) leaves, and the
 * next yielder must go behind the one who spun 1 ms. That needs the
 * class to find its largest vruntime again when a task leaves from the
 * middle of its heap; had it taken a smaller one, the yielder would come
 * round again before that task. The task that left (now SCHED_IDLE)
 * finishes alone.
 */
static void sb_yield_after_leave(struct umk_ktest *t)
{
	static struct sb_yield y;
	int i;

	if (!UMK_IS_ENABLED(CONFIG_SCHED))
		umk_ktest_skip(t, "no scheduling classes in the stub");
	umk_set_cpus_allowed(umk_current(), 1ULL << umk_task_cpu(umk_current()));
	sb_yield_run(t, &y, SB_LEAVE_AT);
	umk_set_cpus_allowed(umk_current(), ~0ULL);
	UMK_ASSERT_GE(t, y.left, 0);
	/* The others have over 150 rounds each left after the leave. */
	for (i = SB_LEAVE_AT + 1; i < SB_LEAVE_AT + 3 * 150; i++)
		if (y.log[i] == y.left) {
			UMK_EXPECT_NE(t, y.log[i], y.left);
			break;
		}
	sb_expect_rotation(t, &y, SB_LEAVE_AT + 3, SB_LEAVE_AT + 3 * 150, 3);
}

/* ---- Thousands of tasks sleeping and waking at random ---- */

/*
 * Under ThreadSanitizer every live task is a TSan thread whose creation
 * costs ~10 ms: fewer tasks there, each doing more rounds.
 */
#define SB_STRESS_TASKS (UMK_TSAN ? 300 : 2000)
#define SB_STRESS_ROUNDS (UMK_TSAN ? 16 : 4)
#define SB_STRESS_QUEUES 16

struct sb_stress {
	struct umk_wait_queue_head wq[SB_STRESS_QUEUES];
	volatile int tokens[SB_STRESS_QUEUES];
	volatile int consumed;
	volatile int produced;
	volatile int timeouts;
	volatile int done;
};

struct sb_stress_arg {
	struct sb_stress *s;
	unsigned int seed;
};

static bool sb_take_token(struct sb_stress *s, int q)
{
	int n = __atomic_load_n(&s->tokens[q], __ATOMIC_SEQ_CST);

	while (n > 0)
		if (__atomic_compare_exchange_n(&s->tokens[q], &n, n - 1, false,
						__ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST))
			return true;
	return false;
}

static int sb_stress_fn(void *arg)
{
	struct sb_stress_arg *a = arg;
	struct sb_stress *s = a->s;
	unsigned int seed = a->seed;
	int i, q;

	for (i = 0; i < SB_STRESS_ROUNDS; i++) {
		q = (int)(sb_rand(&seed) % SB_STRESS_QUEUES);
		switch (sb_rand(&seed) % 4) {
		case 0: /* sleep a little on the clock */
			umk_sleep_ns(sb_rand(&seed) % (200 * UMK_NSEC_PER_USEC));
			break;
		case 1: /* yield */
			umk_yield();
			break;
		case 2: /* produce a token and wake one waiter */
			__atomic_fetch_add(&s->tokens[q], 1, __ATOMIC_SEQ_CST);
			__atomic_fetch_add(&s->produced, 1, __ATOMIC_SEQ_CST);
			umk_wake_up_one(&s->wq[q]);
			break;
		default: /* consume one, waiting for a producer */
			if (umk_wait_event_timeout(s->wq[q], sb_take_token(s, q),
						   SB_TIMEOUT_NS))
				__atomic_fetch_add(&s->timeouts, 1,
						   __ATOMIC_SEQ_CST);
			else
				__atomic_fetch_add(&s->consumed, 1,
						   __ATOMIC_SEQ_CST);
			break;
		}
	}
	__atomic_fetch_add(&s->done, 1, __ATOMIC_SEQ_CST);
	return 0;
}

static void sb_stress(struct umk_ktest *t)
{
	static struct sb_stress s;
	static struct sb_stress_arg args[SB_STRESS_TASKS];
	static struct umk_task *tasks[SB_STRESS_TASKS];
	int i, q, n = 0;

	umk_memset((void *)&s, 0, sizeof(s));
	for (q = 0; q < SB_STRESS_QUEUES; q++) {
		umk_wait_queue_init(&s.wq[q]);
		s.tokens[q] = 1; /* a consumer per queue can always start */
	}
	for (i = 0; i < SB_STRESS_TASKS; i++) {
		args[i].s = &s;
		args[i].seed = 2463534242u + (unsigned int)i * 7919u;
		tasks[i] = umk_task_create(sb_stress_fn, &args[i], "sb-stress");
		if (!tasks[i])
			break;
		n++;
	}
	UMK_EXPECT_GE(t, n, SB_STRESS_TASKS / 2);
	/* Feed consumers that outnumber producers until everyone is done. */
	while (__atomic_load_n(&s.done, __ATOMIC_SEQ_CST) < n) {
		for (q = 0; q < SB_STRESS_QUEUES; q++) {
			__atomic_fetch_add(&s.tokens[q], 1, __ATOMIC_SEQ_CST);
			umk_wake_up_one(&s.wq[q]);
		}
		umk_sleep_ns(UMK_NSEC_PER_MSEC);
	}
	for (i = 0; i < n; i++)
		UMK_EXPECT_EQ(t, umk_task_join(tasks[i], NULL), 0);
	UMK_EXPECT_EQ(t, s.done, n);
	UMK_EXPECT_EQ(t, s.timeouts, 0);
}

/* ---- Preemption control nests ---- */

static void sb_preempt_nesting(struct umk_ktest *t)
{
	struct umk_task *me = umk_current();
	int base = me->preempt_count;

	umk_preempt_disable();
	umk_preempt_disable();
	UMK_EXPECT_EQ(t, me->preempt_count, base + 2);
	umk_preempt_enable();
	umk_preempt_enable();
	UMK_EXPECT_EQ(t, me->preempt_count, base);
	umk_yield();
	UMK_EXPECT_EQ(t, me->preempt_count, base);
}

static const struct umk_ktest_case sched_block_cases[] = {
	UMK_KTEST_CASE(sb_wake_before_schedule),
	UMK_KTEST_CASE(sb_sleep_wake_raw),
	UMK_KTEST_CASE(sb_ping_pong),
	UMK_KTEST_CASE(sb_wake_from_irq),
	UMK_KTEST_CASE(sb_timer_while_yielding),
	UMK_KTEST_CASE(sb_yield_order),
	UMK_KTEST_CASE(sb_yield_after_leave),
	UMK_KTEST_CASE(sb_stress),
	UMK_KTEST_CASE(sb_preempt_nesting),
};
UMK_KTEST_SUITE(sched_block, sched_block_cases);
