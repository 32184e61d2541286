/*
 * Suite sched_rt (CONFIG_SCHED_RT): real-time tasks run before fair ones,
 * higher priorities first, FIFO order within a priority, round-robin
 * rotation at the time slice. All on one CPU (affinity is inherited), with
 * the test task at a higher RT priority while it sets up, so nothing runs
 * until it blocks.
 */
#include <umk/config.h>
#include <umk/errno.h>
#include <umk/ktest.h>
#include <umk/sched.h>
#include <umk/task.h>
#include <umk/time.h>
#ifdef CONFIG_PREEMPT
#include "arch/um/preempt.h"
#endif

#define RT_MAX_LOG 64

static volatile int rt_log[RT_MAX_LOG];
static volatile int rt_pos;

static int rt_logger_fn(void *arg)
{
	int pos = __atomic_fetch_add(&rt_pos, 1, __ATOMIC_SEQ_CST);

	if (pos < RT_MAX_LOG)
		rt_log[pos] = (int)(long)arg;
	return 0;
}

/* Pin to our CPU and rise above everything the test creates. */
static void rt_setup(struct umk_ktest *t)
{
	rt_pos = 0;
	UMK_ASSERT_EQ(t, umk_set_cpus_allowed(umk_current(),
					      1ULL << umk_task_cpu(umk_current())), 0);
	UMK_ASSERT_EQ(t, umk_sched_setscheduler(umk_current(), UMK_SCHED_FIFO, 90), 0);
}

static struct umk_task *rt_spawn(struct umk_ktest *t, int id, int policy,
				 int prio)
{
	struct umk_task *c = umk_task_create(rt_logger_fn, (void *)(long)id, "rt-log");

	UMK_ASSERT_NOT_NULL(t, c);
	UMK_ASSERT_EQ(t, umk_sched_setscheduler(c, policy, prio), 0);
	return c;
}

static void rt_join_all(struct umk_ktest *t, struct umk_task **c, int n)
{
	int i;

	for (i = 0; i < n; i++)
		UMK_EXPECT_EQ(t, umk_task_join(c[i], NULL), 0);
	umk_sched_setscheduler(umk_current(), UMK_SCHED_NORMAL, 0);
}

static void rt_before_fair(struct umk_ktest *t)
{
	struct umk_task *c[4];

	rt_setup(t);
	c[0] = rt_spawn(t, 0, UMK_SCHED_NORMAL, 0);
	c[1] = rt_spawn(t, 1, UMK_SCHED_FIFO, 10);
	c[2] = rt_spawn(t, 2, UMK_SCHED_IDLE, 0);
	c[3] = rt_spawn(t, 3, UMK_SCHED_RR, 50);
	rt_join_all(t, c, 4);
	UMK_ASSERT_EQ(t, rt_pos, 4);
	UMK_EXPECT_EQ(t, rt_log[0], 3); /* RR 50 */
	UMK_EXPECT_EQ(t, rt_log[1], 1); /* FIFO 10 */
	UMK_EXPECT_EQ(t, rt_log[2], 0); /* fair */
	UMK_EXPECT_EQ(t, rt_log[3], 2); /* idle class */
}

static void rt_fifo_order(struct umk_ktest *t)
{
	struct umk_task *c[8];
	int i;

	rt_setup(t);
	for (i = 0; i < 8; i++)
		c[i] = rt_spawn(t, i, UMK_SCHED_FIFO, 20);
	rt_join_all(t, c, 8);
	UMK_ASSERT_EQ(t, rt_pos, 8);
	for (i = 0; i < 8; i++)
		UMK_EXPECT_EQ(t, rt_log[i], i);
}

static void rt_priority_change(struct umk_ktest *t)
{
	struct umk_task *c[3];

	rt_setup(t);
	c[0] = rt_spawn(t, 0, UMK_SCHED_FIFO, 10);
	c[1] = rt_spawn(t, 1, UMK_SCHED_FIFO, 20);
	c[2] = rt_spawn(t, 2, UMK_SCHED_FIFO, 30);
	/* Reverse them while they wait: 0 first, 2 last. */
	UMK_EXPECT_EQ(t, umk_sched_setscheduler(c[0], UMK_SCHED_FIFO, 40), 0);
	UMK_EXPECT_EQ(t, umk_sched_setscheduler(c[2], UMK_SCHED_NORMAL, 0), 0);
	UMK_EXPECT_EQ(t, umk_sched_getscheduler(c[2]), UMK_SCHED_NORMAL);
	rt_join_all(t, c, 3);
	UMK_ASSERT_EQ(t, rt_pos, 3);
	UMK_EXPECT_EQ(t, rt_log[0], 0);
	UMK_EXPECT_EQ(t, rt_log[1], 1);
	UMK_EXPECT_EQ(t, rt_log[2], 2);
}

static void rt_bad_arguments(struct umk_ktest *t)
{
	UMK_EXPECT_EQ(t, umk_sched_setscheduler(umk_current(), UMK_SCHED_FIFO, 0), -UMK_EINVAL);
	UMK_EXPECT_EQ(t, umk_sched_setscheduler(umk_current(), UMK_SCHED_RR, 100), -UMK_EINVAL);
	UMK_EXPECT_EQ(t, umk_sched_setscheduler(umk_current(), 42, 1), -UMK_EINVAL);
	UMK_EXPECT_EQ(t, umk_sched_setscheduler(umk_current(), UMK_SCHED_NORMAL, 3), -UMK_EINVAL);
	UMK_EXPECT_EQ(t, umk_set_user_nice(umk_current(), 20), -UMK_EINVAL);
	UMK_EXPECT_EQ(t, umk_set_user_nice(umk_current(), -21), -UMK_EINVAL);
}

/* ---- Round-robin: two busy RR tasks of one priority alternate ---- */

/*
 * The spinners stop after RR_TURNS turns, or at the deadline: FIFO would
 * give 2 turns however long they spin. A generous deadline, not a fixed
 * run time: a loaded host deschedules the CPU's thread for tens of ms,
 * and slices are wall-clock time.
 */
#define RR_RUN_NS (5 * UMK_NSEC_PER_SEC)
#define RR_TURNS 12

static volatile int rr_last = -1;
static volatile int rr_changes;

static int rr_spinner_fn(void *arg)
{
	int me = (int)(long)arg;
	unsigned long long end = umk_time_ns_exact() + RR_RUN_NS;
	volatile unsigned long i;

	while (umk_time_ns_exact() < end && rr_changes < RR_TURNS) {
		if (rr_last != me) {
			rr_last = me;
			rr_changes++;
		}
		for (i = 0; i < 20000; i++)
			;
	}
	return 0;
}

static void rt_round_robin_rotates(struct umk_ktest *t)
{
	struct umk_task *c[2];
	int i;

#ifdef CONFIG_PREEMPT
	if (!umk_arch_preempt_available())
		umk_ktest_skip(t, "preemption signals unavailable here");
#else
	umk_ktest_skip(t, "round-robin needs CONFIG_PREEMPT");
#endif
	rt_setup(t);
	rr_last = -1;
	rr_changes = 0;
	for (i = 0; i < 2; i++) {
		c[i] = umk_task_create(rr_spinner_fn, (void *)(long)i, "rr-spin");
		UMK_ASSERT_NOT_NULL(t, c[i]);
		UMK_ASSERT_EQ(t, umk_sched_setscheduler(c[i], UMK_SCHED_RR, 10), 0);
	}
	rt_join_all(t, c, 2);
	/* At a 4 ms slice RR_TURNS turns take about 50 ms. */
	UMK_EXPECT_GE(t, rr_changes, RR_TURNS);
}

static const struct umk_ktest_case sched_rt_cases[] = {
	UMK_KTEST_CASE(rt_before_fair),
	UMK_KTEST_CASE(rt_fifo_order),
	UMK_KTEST_CASE(rt_priority_change),
	UMK_KTEST_CASE(rt_bad_arguments),
	UMK_KTEST_CASE(rt_round_robin_rotates),
};
UMK_KTEST_SUITE(sched_rt, sched_rt_cases);
