/*
 * The clock and the timer wheel: timers fire in deadline order and never
 * early, cancelled timers never fire, re-arming moves a timer, deadlines
 * far apart (several wheel levels, cascades), far-future and overdue
 * timers, callbacks that re-arm, sleeping.
 */
#include <umk/ktest.h>
#include <umk/cpu.h>
#include <umk/irq.h>
#include <umk/slab.h>
#include <umk/sync.h>
#include <umk/task.h>
#include <umk/time.h>

/* xorshift64*: deterministic pseudo-random deadlines. */
static unsigned long long tm_rand_state;

static unsigned long long tm_rand(void)
{
	unsigned long long x = tm_rand_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	tm_rand_state = x;
	return x * 2685821657736338717ULL;
}

struct tm_probe {
	struct umk_timer timer;
	unsigned long long fired_at; /* umk_time_ns() in the callback */
	int fired;                   /* times the callback ran */
	int seq;                     /* global firing order, from 1 */
	bool was_irq;
};

static int tm_seq;
static int tm_fired_total, tm_expected;
static struct umk_completion tm_all_fired;

static void tm_probe_fn(struct umk_timer *timer)
{
	struct tm_probe *p = umk_container_of(timer, struct tm_probe, timer);

	p->fired++;
	p->fired_at = umk_time_ns();
	p->seq = ++tm_seq;
	p->was_irq = umk_in_irq();
	if (++tm_fired_total == tm_expected)
		umk_complete(&tm_all_fired);
}

static struct tm_probe *tm_probes_new(int n, unsigned long long seed)
{
	struct tm_probe *p = umk_kzalloc((size_t)n * sizeof(*p));
	int i;

	if (!p)
		return NULL;
	for (i = 0; i < n; i++)
		umk_timer_init(&p[i].timer, tm_probe_fn, NULL);
	tm_rand_state = seed;
	tm_seq = tm_fired_total = 0;
	umk_completion_init(&tm_all_fired);
	return p;
}

/*
 * Arm n timers at now + random(0..span). Callers mask IRQs around it
 * (timers fire from the clock IRQ, on this CPU): the order and cancel
 * checks are about timers that are all pending together. With IRQs on,
 * a clock IRQ amid the batch (a preemption tick polls it; a slow or
 * loaded host makes one likely) fires the early timers before the rest
 * are armed: a timer armed after that, already overdue, rightly fires
 * after a later deadline that went first, and a timer to be cancelled
 * may have fired already.
 */
static void tm_arm_random(struct tm_probe *p, int n, unsigned long long span)
{
	unsigned long long now = umk_time_ns_exact();
	int i;

	for (i = 0; i < n; i++)
		umk_timer_arm(&p[i].timer, now + tm_rand() % span);
}

static void tm_check_order(struct umk_ktest *t, struct tm_probe *p, int n)
{
	int i, j, bad_order = 0, early = 0, not_irq = 0;

	for (i = 0; i < n; i++) {
		if (!p[i].fired)
			continue;
		early += p[i].fired_at < p[i].timer.expires;
		not_irq += !p[i].was_irq;
		for (j = 0; j < n; j++)
			if (p[j].fired && p[j].seq > p[i].seq &&
			    p[j].timer.expires < p[i].timer.expires)
				bad_order++;
	}
	UMK_EXPECT_EQ(t, bad_order, 0);
	UMK_EXPECT_EQ(t, early, 0);
	UMK_EXPECT_EQ(t, not_irq, 0);
}

static void tm_fire_in_order(struct umk_ktest *t)
{
	enum { N = 600 };
	struct tm_probe *p = tm_probes_new(N, 0x9e3779b97f4a7c15ULL);
	unsigned long irqs;
	int i;

	UMK_ASSERT_NOT_NULL(t, p);
	tm_expected = N;
	irqs = umk_local_irq_save();
	tm_arm_random(p, N, 30 * UMK_NSEC_PER_MSEC);
	umk_local_irq_restore(irqs);
	UMK_EXPECT_EQ(t, umk_wait_for_completion_timeout(&tm_all_fired,
							 60 * UMK_NSEC_PER_SEC), 0);
	for (i = 0; i < N; i++)
		UMK_EXPECT_EQ(t, p[i].fired, 1);
	tm_check_order(t, p, N);
	umk_kfree(p);
}

/* 0..300 ms: level-0, level-1 and level-2 slots, with cascades. */
static void tm_fire_in_order_across_levels(struct umk_ktest *t)
{
	enum { N = 400 };
	struct tm_probe *p = tm_probes_new(N, 12345);
	unsigned long long now;
	unsigned long irqs;
	int i;

	UMK_ASSERT_NOT_NULL(t, p);
	tm_expected = N;
	irqs = umk_local_irq_save(); /* all pending together: see tm_arm_random */
	now = umk_time_ns_exact();
	for (i = 0; i < N; i++) {
		/* Spread over magnitudes: 10 us .. 300 ms. */
		unsigned long long span = 10000ULL << (tm_rand() % 15);

		if (span > 300 * UMK_NSEC_PER_MSEC)
			span = 300 * UMK_NSEC_PER_MSEC;
		umk_timer_arm(&p[i].timer, now + tm_rand() % span);
	}
	umk_local_irq_restore(irqs);
	UMK_EXPECT_EQ(t, umk_wait_for_completion_timeout(&tm_all_fired,
							 60 * UMK_NSEC_PER_SEC), 0);
	for (i = 0; i < N; i++)
		UMK_EXPECT_EQ(t, p[i].fired, 1);
	tm_check_order(t, p, N);
	umk_kfree(p);
}

static void tm_cancelled_never_fire(struct umk_ktest *t)
{
	enum { N = 400 };
	struct tm_probe *p = tm_probes_new(N, 777);
	unsigned long irqs;
	int i, pending = 0, cancelled_ok = 0;

	UMK_ASSERT_NOT_NULL(t, p);
	tm_expected = N / 2;
	/* Cancel while pending: no deadline may pass unserved before. */
	irqs = umk_local_irq_save();
	tm_arm_random(p, N, 20 * UMK_NSEC_PER_MSEC);
	for (i = 0; i < N; i++)
		pending += umk_timer_pending(&p[i].timer);
	for (i = 0; i < N; i += 2)
		cancelled_ok += umk_timer_cancel(&p[i].timer);
	umk_local_irq_restore(irqs);
	UMK_EXPECT_EQ(t, pending, N);
	UMK_EXPECT_EQ(t, cancelled_ok, N / 2);
	UMK_EXPECT_EQ(t, umk_wait_for_completion_timeout(&tm_all_fired,
							 60 * UMK_NSEC_PER_SEC), 0);
	/* Past every deadline: the cancelled half stays silent. */
	umk_sleep_ns(25 * UMK_NSEC_PER_MSEC);
	for (i = 0; i < N; i++) {
		UMK_EXPECT_EQ(t, p[i].fired, i % 2);
		UMK_EXPECT_FALSE(t, umk_timer_pending(&p[i].timer));
		UMK_EXPECT_FALSE(t, umk_timer_cancel(&p[i].timer));
	}
	tm_check_order(t, p, N);
	umk_kfree(p);
}

static void tm_rearm_moves_deadline(struct umk_ktest *t)
{
	struct tm_probe *p = tm_probes_new(2, 1);
	unsigned long long now;
	unsigned long irqs;

	UMK_ASSERT_NOT_NULL(t, p);
	tm_expected = 2;
	/* Re-armed while pending: p[1]'s first deadline must not pass first. */
	irqs = umk_local_irq_save();
	now = umk_time_ns_exact();
	umk_timer_arm(&p[0].timer, now + 3600 * UMK_NSEC_PER_SEC);
	umk_timer_arm(&p[1].timer, now + 1 * UMK_NSEC_PER_MSEC);
	/* Earlier: fires soon. Later: p[1] first... swap by re-arming. */
	umk_timer_arm(&p[0].timer, now + 2 * UMK_NSEC_PER_MSEC);
	umk_timer_arm(&p[1].timer, now + 4 * UMK_NSEC_PER_MSEC);
	umk_local_irq_restore(irqs);
	UMK_EXPECT_EQ(t, umk_wait_for_completion_timeout(&tm_all_fired,
							 60 * UMK_NSEC_PER_SEC), 0);
	UMK_EXPECT_EQ(t, p[0].fired, 1);
	UMK_EXPECT_EQ(t, p[1].fired, 1);
	UMK_EXPECT_LT(t, p[0].seq, p[1].seq);
	UMK_EXPECT_GE(t, p[1].fired_at, now + 4 * UMK_NSEC_PER_MSEC);
	umk_kfree(p);
}

static void tm_far_future_and_overdue(struct umk_ktest *t)
{
	struct tm_probe *p = tm_probes_new(4, 2);
	unsigned long long now = umk_time_ns_exact();

	UMK_ASSERT_NOT_NULL(t, p);
	tm_expected = 2;
	umk_timer_arm(&p[0].timer, now + 3600 * UMK_NSEC_PER_SEC);
	umk_timer_arm(&p[1].timer, ~0ULL);               /* the end of time */
	umk_timer_arm(&p[2].timer, 0);                   /* long overdue */
	umk_timer_arm(&p[3].timer, now + UMK_NSEC_PER_MSEC);
	UMK_EXPECT_EQ(t, umk_wait_for_completion_timeout(&tm_all_fired,
							 60 * UMK_NSEC_PER_SEC), 0);
	UMK_EXPECT_EQ(t, p[2].fired, 1);
	UMK_EXPECT_EQ(t, p[3].fired, 1);
	UMK_EXPECT_LT(t, p[2].seq, p[3].seq);
	UMK_EXPECT_EQ(t, p[0].fired, 0);
	UMK_EXPECT_EQ(t, p[1].fired, 0);
	UMK_EXPECT_TRUE(t, umk_timer_cancel(&p[0].timer));
	UMK_EXPECT_TRUE(t, umk_timer_cancel(&p[1].timer));
	umk_kfree(p);
}

/* A callback that re-arms its own timer until it has run 10 times. */
static int tm_chain_runs;
static struct umk_completion tm_chain_done;

static void tm_chain_fn(struct umk_timer *timer)
{
	if (++tm_chain_runs < 10)
		umk_timer_arm(timer, umk_time_ns() + 200 * UMK_NSEC_PER_USEC);
	else
		umk_complete(&tm_chain_done);
}

static void tm_callback_rearms(struct umk_ktest *t)
{
	struct umk_timer timer;

	tm_chain_runs = 0;
	umk_completion_init(&tm_chain_done);
	umk_timer_init(&timer, tm_chain_fn, NULL);
	umk_timer_arm(&timer, umk_time_ns_exact() + 100 * UMK_NSEC_PER_USEC);
	UMK_EXPECT_EQ(t, umk_wait_for_completion_timeout(&tm_chain_done,
							 60 * UMK_NSEC_PER_SEC), 0);
	UMK_EXPECT_EQ(t, tm_chain_runs, 10);
	UMK_EXPECT_FALSE(t, umk_timer_pending(&timer));
}

static void tm_sleep_never_short(struct umk_ktest *t)
{
	static const unsigned long long lengths[] = {
		0, 1, 1000, 100 * UMK_NSEC_PER_USEC, UMK_NSEC_PER_MSEC,
		5 * UMK_NSEC_PER_MSEC,
	};
	unsigned long long irqs = umk_irq_count(UMK_IRQ_CLOCK);
	unsigned int i;

	for (i = 0; i < UMK_ARRAY_SIZE(lengths); i++) {
		unsigned long long start = umk_time_ns_exact();

		umk_sleep_ns(lengths[i]);
		UMK_EXPECT_GE(t, umk_time_ns_exact() - start, lengths[i]);
	}
	/* Sleeping ended by clock events. */
	UMK_EXPECT_GT(t, umk_irq_count(UMK_IRQ_CLOCK), irqs);
}

static void tm_clock_monotonic(struct umk_ktest *t)
{
	unsigned long long prev = umk_time_ns_exact(), now, cached;
	int i, back = 0;

	for (i = 0; i < 10000; i++) {
		now = umk_time_ns_exact();
		back += now < prev;
		prev = now;
	}
	cached = umk_time_ns();
	UMK_EXPECT_EQ(t, back, 0);
	UMK_EXPECT_LE(t, cached, umk_time_ns_exact());
	UMK_EXPECT_GE(t, cached, prev);
}

/* Many sleepers with overlapping deadlines all wake (timeouts per task). */
static int tm_sleeper(void *arg)
{
	unsigned long long ns = (unsigned long long)(long)arg, start = umk_time_ns_exact();

	umk_sleep_ns(ns);
	return umk_time_ns_exact() - start >= ns ? 0 : 1;
}

static void tm_many_sleepers(struct umk_ktest *t)
{
	enum { N = 300 };
	struct umk_task **c = umk_kmalloc(N * sizeof(*c));
	int i, code, bad = 0;

	UMK_ASSERT_NOT_NULL(t, c);
	tm_rand_state = 99;
	for (i = 0; i < N; i++) {
		c[i] = umk_task_create(tm_sleeper,
				       (void *)(long)(tm_rand() % (10 * UMK_NSEC_PER_MSEC)),
				       "sleeper");
		UMK_ASSERT_NOT_NULL(t, c[i]);
	}
	for (i = 0; i < N; i++) {
		code = -1;
		UMK_EXPECT_EQ(t, umk_task_join(c[i], &code), 0);
		bad += code != 0;
	}
	UMK_EXPECT_EQ(t, bad, 0);
	umk_kfree(c);
}

static const struct umk_ktest_case tm_cases[] = {
	UMK_KTEST_CASE(tm_fire_in_order),
	UMK_KTEST_CASE(tm_fire_in_order_across_levels),
	UMK_KTEST_CASE(tm_cancelled_never_fire),
	UMK_KTEST_CASE(tm_rearm_moves_deadline),
	UMK_KTEST_CASE(tm_far_future_and_overdue),
	UMK_KTEST_CASE(tm_callback_rearms),
	UMK_KTEST_CASE(tm_sleep_never_short),
	UMK_KTEST_CASE(tm_clock_monotonic),
	UMK_KTEST_CASE(tm_many_sleepers),
};
UMK_KTEST_SUITE(timer, tm_cases);
