/*
 * Suite sched_fair (CONFIG_SCHED_STATS): busy fair tasks at different nice
 * levels share one CPU in proportion to their weights (Linux's table),
 * within 5 %, over more than a second of run time as the scheduler's own
 * statistics count it (see fair_shares_follow_nice). With CONFIG_PREEMPT
 * the tasks never give up the CPU; without it they call umk_schedule()
 * after every small chunk of work (a preemption point: the class picks
 * who runs next by vruntime). Not umk_yield(): a yielder goes behind
 * every other task, so tasks that only yield take equal turns.
 */
#include <umk/config.h>
#include <umk/errno.h>
#include <umk/ktest.h>
#include <umk/printk.h>
#include <umk/sched.h>
#include <umk/task.h>
#include <umk/time.h>
#include "arch/um/arch.h"
#include "core/task.h"
#ifdef CONFIG_PREEMPT
#include "arch/um/preempt.h"
#endif

#define FAIR_TASKS 3
#define FAIR_WARMUP_NS (100 * UMK_NSEC_PER_MSEC)
/* Samples this far apart; the window's ends are in the first and last
 * quarters, so it spans at least half of them (1 s). */
#define FAIR_SAMPLE_NS (10 * UMK_NSEC_PER_MSEC)
#define FAIR_SAMPLES 200
/* A window the host stole at most 1/FAIR_STEAL_DIV of is "clean". */
#define FAIR_STEAL_DIV 100

static const int fair_nice[FAIR_TASKS] = { 0, 1, 3 };
/* Linux's weights for those nice levels: the table under test is not
 * read, so a wrong entry there fails the check. */
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
			umk_schedule();
	}
	return 0;
}

/* What the class had charged each task at one moment, and the host's view. */
struct fair_sample {
	unsigned long long run_ns[FAIR_TASKS];
	long long vruntime[FAIR_TASKS];
	unsigned long long wall_ns, cpu_ns;
};

static struct fair_sample fair_samples[FAIR_SAMPLES];

/* Taken while the tasks wait on this CPU: their vruntimes stand still. */
static void fair_sample(struct umk_task *const c[FAIR_TASKS],
			struct fair_sample *s)
{
	struct umk_sched_stats st;
	int i;

	s->wall_ns = umk_time_ns_exact();
	s->cpu_ns = umk_arch_thread_cpu_ns();
	for (i = 0; i < FAIR_TASKS; i++) {
		umk_sched_task_stats(c[i], &st);
		s->run_ns[i] = st.run_ns;
		s->vruntime[i] = __atomic_load_n(&c[i]->se.vruntime,
						 __ATOMIC_RELAXED);
	}
}

/* How far apart the class's books had the tasks' vruntimes. */
static long long fair_spread(const struct fair_sample *s)
{
	long long lo = s->vruntime[0], hi = s->vruntime[0];
	int i;

	for (i = 1; i < FAIR_TASKS; i++) {
		if (s->vruntime[i] < lo)
			lo = s->vruntime[i];
		if (s->vruntime[i] > hi)
			hi = s->vruntime[i];
	}
	return hi - lo;
}

/* The sample in [from, to) where the vruntimes were closest. */
static int fair_most_balanced(int from, int to)
{
	int best = from, k;

	for (k = from + 1; k < to; k++)
		if (fair_spread(&fair_samples[k]) <
		    fair_spread(&fair_samples[best]))
			best = k;
	return best;
}

/*
 * The share each task got is the run time the class charged it
 * (se.run_ns), read between two moments when the class's books were
 * balanced: the sample with the closest vruntimes in the first quarter
 * and the one in the last quarter. The charges come from the CPU's cycle
 * counter, which runs on while the host has this CPU's thread
 * descheduled: a task running then is charged the stolen time. That is
 * not noise in the scheduler's decisions, it is an input to them: the
 * class pays it back (the others run until their vruntimes catch up), so
 * between balanced moments the charged shares follow the weights however
 * much the host stole, and the check never depends on the host being
 * quiet. A charge-free clock (the thread's CPU time) would be a host
 * call per switch, 1 us against a switch of tens of nanoseconds.
 *
 * What the charges cannot show is the real CPU each task got when the
 * host stole time; the real shares differ from the charged ones by at
 * most the stolen time. So the log line says how much the host stole in
 * the window; when it was at most 1/FAIR_STEAL_DIV ("clean") the check
 * below is also a check of the real CPU shares.
 *
 * A wrong weight in the class's table (tried: nice 1 at 1024 instead of
 * 820) moves the shares by 10-20 % and fails; so does a class that does
 * not run the smallest vruntime, whose books never balance.
 */
static void fair_shares_follow_nice(struct umk_ktest *t)
{
	struct umk_task *c[FAIR_TASKS];
	const struct fair_sample *a, *b;
	unsigned long long d[FAIR_TASKS], total = 0, wsum = 0, wall, stolen;
	long long share_pm, expect_pm;
	int i, k;

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
	for (k = 0; k < FAIR_SAMPLES; k++) {
		fair_sample(c, &fair_samples[k]);
		umk_sleep_ns(FAIR_SAMPLE_NS);
	}
	__atomic_store_n(&fair_stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < FAIR_TASKS; i++)
		UMK_EXPECT_EQ(t, umk_task_join(c[i], NULL), 0);
	umk_set_cpus_allowed(umk_current(), ~0ULL);

	a = &fair_samples[fair_most_balanced(0, FAIR_SAMPLES / 4)];
	b = &fair_samples[fair_most_balanced(FAIR_SAMPLES * 3 / 4,
					     FAIR_SAMPLES)];
	for (i = 0; i < FAIR_TASKS; i++) {
		d[i] = b->run_ns[i] - a->run_ns[i];
		total += d[i];
		wsum += fair_weight[i];
	}
	wall = b->wall_ns - a->wall_ns;
	stolen = wall > b->cpu_ns - a->cpu_ns ? wall - (b->cpu_ns - a->cpu_ns) : 0;
	umk_ktest_log(t, "%llu ms charged in a %llu ms window (host stole %llu ms%s), "
		      "vruntimes %lld/%lld us apart at its ends; per mille:",
		      total / UMK_NSEC_PER_MSEC, wall / UMK_NSEC_PER_MSEC,
		      stolen / UMK_NSEC_PER_MSEC,
		      stolen * FAIR_STEAL_DIV <= wall ? ", clean" : "",
		      fair_spread(a) / 1000, fair_spread(b) / 1000);
	UMK_ASSERT_GT(t, total, UMK_NSEC_PER_SEC / 4);
	for (i = 0; i < FAIR_TASKS; i++) {
		/* Shares in per mille; within 5 % of the expected share. */
		share_pm = (long long)(d[i] * 1000 / total);
		expect_pm = (long long)(fair_weight[i] * 1000ULL / wsum);
		umk_ktest_log(t, "  nice %d: %lld, expected %lld", fair_nice[i],
			      share_pm, expect_pm);
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
