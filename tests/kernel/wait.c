/*
 * Wait queues: wait_event with and without timeouts, wake one / all,
 * wake-ups from IRQ context (timer callbacks), the low-level protocol.
 */
#include <umk/ktest.h>
#include <umk/sched.h>
#include <umk/slab.h>
#include <umk/task.h>
#include <umk/time.h>
#include <umk/wait.h>

static UMK_WAIT_QUEUE_HEAD(wt_wq);
static int wt_flag;

static int wt_set_flag(void *arg)
{
	(void)arg;
	umk_sleep_ns(UMK_NSEC_PER_MSEC);
	UMK_WRITE_ONCE(wt_flag, 1);
	umk_wake_up_all(&wt_wq);
	return 0;
}

static void wt_wait_event_wakes(struct umk_ktest *t)
{
	struct umk_task *c;

	wt_flag = 0;
	c = umk_task_create(wt_set_flag, NULL, "setter");
	UMK_ASSERT_NOT_NULL(t, c);
	umk_wait_event(wt_wq, UMK_READ_ONCE(wt_flag));
	UMK_EXPECT_EQ(t, wt_flag, 1);
	UMK_EXPECT_EQ(t, umk_task_join(c, NULL), 0);
	UMK_EXPECT_FALSE(t, umk_waitqueue_active(&wt_wq));
}

static void wt_timeout_expires(struct umk_ktest *t)
{
	unsigned long long start = umk_time_ns_exact(), waited;
	int ret;

	wt_flag = 0;
	ret = umk_wait_event_timeout(wt_wq, UMK_READ_ONCE(wt_flag),
				     3 * UMK_NSEC_PER_MSEC);
	waited = umk_time_ns_exact() - start;
	UMK_EXPECT_EQ(t, ret, -UMK_ETIMEDOUT);
	/* Never early (a correctness bound, not a speed check). */
	UMK_EXPECT_GE(t, waited, 3 * UMK_NSEC_PER_MSEC);
	UMK_EXPECT_FALSE(t, umk_waitqueue_active(&wt_wq));
}

static void wt_timeout_zero_and_true_condition(struct umk_ktest *t)
{
	wt_flag = 0;
	UMK_EXPECT_EQ(t, umk_wait_event_timeout(wt_wq, wt_flag, 0), -UMK_ETIMEDOUT);
	wt_flag = 1;
	UMK_EXPECT_EQ(t, umk_wait_event_timeout(wt_wq, wt_flag, 0), 0);
	UMK_EXPECT_EQ(t, umk_wait_event_timeout(wt_wq, wt_flag, -1), 0);
	UMK_EXPECT_EQ(t, umk_wait_event_timeout(wt_wq, wt_flag, UMK_TIMEOUT_MAX), 0);
	UMK_EXPECT_EQ(t, umk_task_state(umk_current()), UMK_TASK_RUNNING);
}

static void wt_woken_before_timeout(struct umk_ktest *t)
{
	struct umk_task *c;

	wt_flag = 0;
	c = umk_task_create(wt_set_flag, NULL, "setter");
	UMK_ASSERT_NOT_NULL(t, c);
	UMK_EXPECT_EQ(t, umk_wait_event_timeout(wt_wq, UMK_READ_ONCE(wt_flag),
						 60 * UMK_NSEC_PER_SEC), 0);
	UMK_EXPECT_EQ(t, umk_task_join(c, NULL), 0);
}

/* Tokens handed out one per wake_up_one. */
static UMK_WAIT_QUEUE_HEAD(wt_token_wq);
static int wt_tokens, wt_taken;

static bool wt_take_token(void)
{
	int n = __atomic_load_n(&wt_tokens, __ATOMIC_RELAXED);

	while (n > 0)
		if (__atomic_compare_exchange_n(&wt_tokens, &n, n - 1, false,
						__ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			return true;
	return false;
}

static int wt_token_waiter(void *arg)
{
	(void)arg;
	umk_wait_event(wt_token_wq, wt_take_token());
	__atomic_fetch_add(&wt_taken, 1, __ATOMIC_RELAXED);
	return 0;
}

static void wt_wake_one_per_token(struct umk_ktest *t)
{
	enum { N = 64 };
	struct umk_task **c = umk_kmalloc(N * sizeof(*c));
	int i, spins;

	UMK_ASSERT_NOT_NULL(t, c);
	wt_tokens = wt_taken = 0;
	for (i = 0; i < N; i++) {
		c[i] = umk_task_create(wt_token_waiter, NULL, "token");
		UMK_ASSERT_NOT_NULL(t, c[i]);
	}
	for (i = 0; i < N; i++) {
		umk_sleep_ns(UMK_NSEC_PER_MSEC / 10);
		__atomic_fetch_add(&wt_tokens, 1, __ATOMIC_RELEASE);
		umk_wake_up_one(&wt_token_wq);
		/* No more than the tokens given out may have passed. */
		UMK_EXPECT_LE(t, __atomic_load_n(&wt_taken, __ATOMIC_RELAXED), i + 1);
	}
	for (i = 0; i < N; i++)
		UMK_EXPECT_EQ(t, umk_task_join(c[i], NULL), 0);
	UMK_EXPECT_EQ(t, wt_taken, N);
	UMK_EXPECT_EQ(t, wt_tokens, 0);
	for (spins = 0; spins < 3 && umk_waitqueue_active(&wt_token_wq); spins++)
		umk_yield();
	UMK_EXPECT_FALSE(t, umk_waitqueue_active(&wt_token_wq));
	umk_kfree(c);
}

static int wt_gate_open;
static int wt_passed;

static int wt_gate_waiter(void *arg)
{
	(void)arg;
	umk_wait_event(wt_wq, UMK_READ_ONCE(wt_gate_open));
	__atomic_fetch_add(&wt_passed, 1, __ATOMIC_RELAXED);
	return 0;
}

static void wt_wake_all_releases_everyone(struct umk_ktest *t)
{
	enum { N = 200 };
	struct umk_task **c = umk_kmalloc(N * sizeof(*c));
	int i;

	UMK_ASSERT_NOT_NULL(t, c);
	wt_gate_open = wt_passed = 0;
	for (i = 0; i < N; i++) {
		c[i] = umk_task_create(wt_gate_waiter, NULL, "gate");
		UMK_ASSERT_NOT_NULL(t, c[i]);
	}
	umk_sleep_ns(2 * UMK_NSEC_PER_MSEC);
	UMK_EXPECT_EQ(t, wt_passed, 0);
	/* A spurious wake-up lets nobody through. */
	umk_wake_up_all(&wt_wq);
	umk_sleep_ns(UMK_NSEC_PER_MSEC);
	UMK_EXPECT_EQ(t, wt_passed, 0);
	UMK_WRITE_ONCE(wt_gate_open, 1);
	umk_wake_up_all(&wt_wq);
	for (i = 0; i < N; i++)
		UMK_EXPECT_EQ(t, umk_task_join(c[i], NULL), 0);
	UMK_EXPECT_EQ(t, wt_passed, N);
	umk_kfree(c);
}

/* A timer callback (IRQ context) sets the condition and wakes. */
static void wt_timer_wake(struct umk_timer *tm)
{
	UMK_WRITE_ONCE(wt_flag, 2);
	umk_wake_up_one(tm->data);
}

static void wt_wake_from_irq_context(struct umk_ktest *t)
{
	struct umk_timer tm;

	wt_flag = 0;
	umk_timer_init(&tm, wt_timer_wake, &wt_wq);
	umk_timer_arm(&tm, umk_time_ns_exact() + UMK_NSEC_PER_MSEC);
	UMK_EXPECT_EQ(t, umk_wait_event_timeout(wt_wq, UMK_READ_ONCE(wt_flag) == 2,
						 60 * UMK_NSEC_PER_SEC), 0);
	UMK_EXPECT_FALSE(t, umk_timer_cancel(&tm)); /* it fired */
}

static void wt_low_level_protocol(struct umk_ktest *t)
{
	struct umk_wait_entry w = UMK_WAIT_ENTRY_INIT;
	int ret;

	/* Nobody wakes us: schedule_timeout times out. */
	umk_prepare_to_wait(&wt_wq, &w);
	UMK_EXPECT_EQ(t, umk_task_state(umk_current()), UMK_TASK_SLEEPING);
	UMK_EXPECT_TRUE(t, umk_waitqueue_active(&wt_wq));
	ret = umk_schedule_timeout(UMK_NSEC_PER_MSEC);
	UMK_EXPECT_EQ(t, ret, -UMK_ETIMEDOUT);
	umk_finish_wait(&wt_wq, &w);
	UMK_EXPECT_EQ(t, umk_task_state(umk_current()), UMK_TASK_RUNNING);
	UMK_EXPECT_FALSE(t, umk_waitqueue_active(&wt_wq));

	/* A wake-up between prepare and schedule is not lost. */
	umk_prepare_to_wait(&wt_wq, &w);
	umk_wake_up_all(&wt_wq);
	UMK_EXPECT_EQ(t, umk_task_state(umk_current()), UMK_TASK_RUNNING);
	UMK_EXPECT_FALSE(t, umk_waitqueue_active(&wt_wq)); /* dequeued by the wake */
	ret = umk_schedule_timeout(60 * UMK_NSEC_PER_SEC);
	UMK_EXPECT_EQ(t, ret, 0);
	umk_finish_wait(&wt_wq, &w);
}

static const struct umk_ktest_case wt_cases[] = {
	UMK_KTEST_CASE(wt_wait_event_wakes),
	UMK_KTEST_CASE(wt_timeout_expires),
	UMK_KTEST_CASE(wt_timeout_zero_and_true_condition),
	UMK_KTEST_CASE(wt_woken_before_timeout),
	UMK_KTEST_CASE(wt_wake_one_per_token),
	UMK_KTEST_CASE(wt_wake_all_releases_everyone),
	UMK_KTEST_CASE(wt_wake_from_irq_context),
	UMK_KTEST_CASE(wt_low_level_protocol),
};
UMK_KTEST_SUITE(wait, wt_cases);
