/*
 * Suite sched_fair (CONFIG_SCHED_STATS): busy fair tasks at different nice
 * levels share one CPU in proportion to their weights (Linux's table),
 * within 5 %, over about a second of run time measured with the
 * scheduler's own statistics, in a window the host did not steal from
 * (see fair_shares_follow_nice). With CONFIG_PREEMPT the tasks never
 * yield; without it they yield after every small chunk of work.
 */
#include <umk/config.h>
#include <umk/errno.h>
#include <umk/ktest.h>
#include <umk/printk.h>
#include <umk/sched.h>
#include <umk/task.h>
#include <umk/time.h>
#include "arch/um/arch.h"
#ifdef CONFIG_PREEMPT
#include "arch/um/preempt.h"
#endif

#define FAIR_TASKS 3
#define FAIR_WARMUP_NS (100 * UMK_NSEC_PER_MSEC)
#define FAIR_MEASURE_NS (1500 * UMK_NSEC_PER_MSEC)
/* Windows tried before skipping; a clean one lost <= 1/FAIR_STEAL_DIV. */
#define FAIR_WINDOWS 4
#define FAIR_STEAL_DIV 100

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

/* One measuring window: run_ns of each task and what the host stole. */
struct fair_window {
	unsigned long long d[FAIR_TASKS];
	unsigned long long wall_ns, stolen_ns;
};

static void fair_measure(struct umk_task *const c[FAIR_TASKS],
			 struct fair_window *w)
{
	struct umk_sched_stats s0[FAIR_TASKS], s1[FAIR_TASKS];
	unsigned long long wall0, cpu0, cpu_ns;
	int i;

	wall0 = umk_time_ns_exact();
	cpu0 = umk_arch_thread_cpu_ns();
	for (i = 0; i < FAIR_TASKS; i++)
		umk_sched_task_stats(c[i], &s0[i]);
	umk_sleep_ns(FAIR_MEASURE_NS);
	for (i = 0; i < FAIR_TASKS; i++)
		umk_sched_task_stats(c[i], &s1[i]);
	cpu_ns = umk_arch_thread_cpu_ns() - cpu0;
	w->wall_ns = umk_time_ns_exact() - wall0;
	w->stolen_ns = w->wall_ns > cpu_ns ? w->wall_ns - cpu_ns : 0;
	for (i = 0; i < FAIR_TASKS; i++)
		w->d[i] = s1[i].run_ns - s0[i].run_ns;
}

/*
 * Run time is charged from the host's monotonic clock: when the host
 * deschedules this CPU's thread, the task that was running is charged
 * the gap, and one big charge moves the shares by up to its size (the
 * fair class pays it back only over later slices). A window is clean if
 * the host took at most 1/FAIR_STEAL_DIV of it; the shares are checked on
 * the first clean window, and if none was clean the case is skipped,
 * saying how much the host stole.
 */
static void fair_shares_follow_nice(struct umk_ktest *t)
{
	static char skip_reason[128];
	struct umk_task *c[FAIR_TASKS];
	struct fair_window w;
	unsigned long long total = 0, wsum = 0, least_stolen = ~0ULL;
	long long share_pm, expect_pm;
	int i, n;
	bool clean = false;

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
	for (n = 0; n < FAIR_WINDOWS && !clean; n++) {
		fair_measure(c, &w);
		clean = w.stolen_ns * FAIR_STEAL_DIV <= w.wall_ns;
		if (w.stolen_ns < least_stolen)
			least_stolen = w.stolen_ns;
	}
	__atomic_store_n(&fair_stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < FAIR_TASKS; i++)
		UMK_EXPECT_EQ(t, umk_task_join(c[i], NULL), 0);
	if (!clean) {
		umk_snprintf(skip_reason, sizeof(skip_reason),
			     "host stole >= %llu ms of each %llu ms window "
			     "(%d windows; clean: <= 1/%d)",
			     least_stolen / UMK_NSEC_PER_MSEC,
			     FAIR_MEASURE_NS / UMK_NSEC_PER_MSEC, FAIR_WINDOWS,
			     FAIR_STEAL_DIV);
		umk_ktest_skip(t, skip_reason);
	}

	for (i = 0; i < FAIR_TASKS; i++) {
		total += w.d[i];
		wsum += fair_weight[i];
	}
	UMK_ASSERT_GT(t, total, FAIR_MEASURE_NS / 4);
	for (i = 0; i < FAIR_TASKS; i++) {
		/* Shares in per mille; within 5 % of the expected share. */
		share_pm = (long long)(w.d[i] * 1000 / total);
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
