/*
 * Suite sched_fair (CONFIG_SCHED_STATS): busy fair tasks at different nice
 * levels share one CPU in proportion to their weights (Linux's table),
 * within 5 %, over about a second of run time measured with the
 * scheduler's own statistics. With CONFIG_PREEMPT the tasks never yield;
 * without it they yield after every small chunk of work.
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

#define FAIR_TASKS 3
#define FAIR_WARMUP_NS (100 * UMK_NSEC_PER_MSEC)
#define FAIR_MEASURE_NS (1500 * UMK_NSEC_PER_MSEC)

static const int fair_nice[FAIR_TASKS] = { 0, 1, 3 };
static const unsigned int fair_weight[FAIR_TASKS] = { 1024, 820, 526 };
/* Preemption may be configured but unavailable (ThreadSanitizer builds). */
static bool fair_preemptive(void)
{
#ifdef CONFIG_PREEMPT
	return umk_arch_preempt_available();
#else
	return false;
#endif
}

static volatile int fair_stop;

static int fair_worker_fn(void *arg)
{
	volatile unsigned long i;

	(void)arg;
	while (!__atomic_load_n(&fair_stop, __ATOMIC_RELAXED)) {
		for (i = 0; i < 5000; i++)
			;
		if (!fair_preemptive())
			umk_yield();
	}
	return 0;
}

static void fair_shares_follow_nice(struct umk_ktest *t)
{
	struct umk_task *c[FAIR_TASKS];
	struct umk_sched_stats s0[FAIR_TASKS], s1[FAIR_TASKS];
	unsigned long long d[FAIR_TASKS], total = 0, wsum = 0;
	long long share_pm, expect_pm;
	int i;

	fair_stop = 0;
	UMK_ASSERT_EQ(t, umk_set_cpus_allowed(umk_current(),
					      1ULL << umk_task_cpu(umk_current())), 0);
	for (i = 0; i < FAIR_TASKS; i++) {
		c[i] = umk_task_create(fair_worker_fn, NULL, "fair-busy");
		UMK_ASSERT_NOT_NULL(t, c[i]);
		UMK_ASSERT_EQ(t, umk_set_user_nice(c[i], fair_nice[i]), 0);
		UMK_EXPECT_EQ(t, umk_task_nice(c[i]), fair_nice[i]);
	}
	umk_sleep_ns(FAIR_WARMUP_NS);
	for (i = 0; i < FAIR_TASKS; i++)
		umk_sched_task_stats(c[i], &s0[i]);
	umk_sleep_ns(FAIR_MEASURE_NS);
	for (i = 0; i < FAIR_TASKS; i++)
		umk_sched_task_stats(c[i], &s1[i]);
	__atomic_store_n(&fair_stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < FAIR_TASKS; i++)
		UMK_EXPECT_EQ(t, umk_task_join(c[i], NULL), 0);

	for (i = 0; i < FAIR_TASKS; i++) {
		d[i] = s1[i].run_ns - s0[i].run_ns;
		total += d[i];
		wsum += fair_weight[i];
	}
	UMK_ASSERT_GT(t, total, FAIR_MEASURE_NS / 4);
	for (i = 0; i < FAIR_TASKS; i++) {
		/* Shares in per mille; within 5 % of the expected share. */
		share_pm = (long long)(d[i] * 1000 / total);
		expect_pm = (long long)(fair_weight[i] * 1000ULL / wsum);
		UMK_EXPECT_LE(t, share_pm - expect_pm, expect_pm / 20);
		UMK_EXPECT_LE(t, expect_pm - share_pm, expect_pm / 20);
	}
}

/* Equal nice levels get equal shares, and the statistics add up. */
static void fair_stats_count(struct umk_ktest *t)
{
	struct umk_sched_stats st, cpu;
	struct umk_task *c;

	fair_stop = 0;
	c = umk_task_create(fair_worker_fn, NULL, "fair-busy");
	UMK_ASSERT_NOT_NULL(t, c);
	umk_sleep_ns(50 * UMK_NSEC_PER_MSEC);
	__atomic_store_n(&fair_stop, 1, __ATOMIC_RELAXED);
	UMK_ASSERT_EQ(t, umk_sched_task_stats(c, &st), 0);
	UMK_EXPECT_GT(t, st.run_ns, 0);
	UMK_EXPECT_GT(t, st.switches, 0);
	UMK_EXPECT_EQ(t, umk_task_join(c, NULL), 0);
	UMK_ASSERT_EQ(t, umk_sched_cpu_stats(0, &cpu), 0);
	UMK_EXPECT_GT(t, cpu.switches, 0);
	UMK_EXPECT_EQ(t, umk_sched_cpu_stats(-1, &cpu), -UMK_EINVAL);
}

static const struct umk_ktest_case sched_fair_cases[] = {
	UMK_KTEST_CASE(fair_shares_follow_nice),
	UMK_KTEST_CASE(fair_stats_count),
};
UMK_KTEST_SUITE(sched_fair, sched_fair_cases);
