/*
 * Mutexes, semaphores and completions: ownership, contention among many
 * tasks, FIFO hand-off, time-outs, and the IRQ-safe halves (up, complete)
 * called from timer callbacks.
 */
#include <umk/ktest.h>
#include <umk/sched.h>
#include <umk/slab.h>
#include <umk/sync.h>
#include <umk/task.h>
#include <umk/time.h>

/* Wait until t sleeps (it is queued on whatever it blocks on). */
static void sy_until_sleeping(struct umk_task *t)
{
	while (umk_task_state(t) != UMK_TASK_SLEEPING)
		umk_sleep_ns(UMK_NSEC_PER_MSEC / 10);
}

/* Create n tasks running fn(arg); join them all; returns failures. */
static int sy_run_tasks(int n, umk_task_fn fn, void *arg, const char *name)
{
	struct umk_task **c = umk_kmalloc((size_t)n * sizeof(*c));
	int i, bad = 0, code;

	if (!c)
		return n;
	for (i = 0; i < n; i++) {
		c[i] = umk_task_create(fn, arg, name);
		bad += !c[i];
	}
	for (i = 0; i < n; i++) {
		if (!c[i])
			continue;
		code = -1;
		bad += umk_task_join(c[i], &code) != 0 || code != 0;
	}
	umk_kfree(c);
	return bad;
}

/* ---- mutex ---- */

static void sy_mutex_basics(struct umk_ktest *t)
{
	struct umk_mutex m;

	umk_mutex_init(&m);
	UMK_EXPECT_FALSE(t, umk_mutex_is_locked(&m));
	UMK_EXPECT_TRUE(t, umk_mutex_owner(&m) == NULL);
	umk_mutex_lock(&m);
	UMK_EXPECT_TRUE(t, umk_mutex_is_locked(&m));
	UMK_EXPECT_TRUE(t, umk_mutex_owner(&m) == umk_current());
	UMK_EXPECT_FALSE(t, umk_mutex_trylock(&m));
	umk_mutex_unlock(&m);
	UMK_EXPECT_FALSE(t, umk_mutex_is_locked(&m));
	UMK_EXPECT_TRUE(t, umk_mutex_trylock(&m));
	umk_mutex_unlock(&m);
	UMK_EXPECT_EQ(t, umk_mutex_lock_timeout(&m, 0), 0);
	umk_mutex_unlock(&m);
}

#define SY_WORKERS 50
#define SY_ITERS 200

static struct umk_mutex sy_m = UMK_MUTEX_INIT(sy_m);
static long sy_counter;
static int sy_inside, sy_errors;

static int sy_mutex_worker(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < SY_ITERS; i++) {
		long v;

		umk_mutex_lock(&sy_m);
		if (umk_mutex_owner(&sy_m) != umk_current())
			__atomic_fetch_add(&sy_errors, 1, __ATOMIC_RELAXED);
		if (__atomic_fetch_add(&sy_inside, 1, __ATOMIC_ACQ_REL) != 0)
			__atomic_fetch_add(&sy_errors, 1, __ATOMIC_RELAXED);
		v = sy_counter;
		if (i % 7 == 0)
			umk_yield(); /* others pile up on the mutex meanwhile */
		sy_counter = v + 1;
		__atomic_fetch_sub(&sy_inside, 1, __ATOMIC_ACQ_REL);
		umk_mutex_unlock(&sy_m);
		if (i % 3 == 0)
			umk_yield();
	}
	return 0;
}

static void sy_mutex_contention(struct umk_ktest *t)
{
	sy_counter = 0;
	sy_inside = sy_errors = 0;
	UMK_EXPECT_EQ(t, sy_run_tasks(SY_WORKERS, sy_mutex_worker, NULL, "mutex"), 0);
	UMK_EXPECT_EQ(t, sy_counter, (long)SY_WORKERS * SY_ITERS);
	UMK_EXPECT_EQ(t, sy_errors, 0);
	UMK_EXPECT_FALSE(t, umk_mutex_is_locked(&sy_m));
}

static int sy_order[8], sy_norder;

static int sy_ordered_locker(void *arg)
{
	umk_mutex_lock(&sy_m);
	sy_order[sy_norder++] = (int)(long)arg;
	umk_mutex_unlock(&sy_m);
	return 0;
}

static void sy_mutex_fifo_handoff(struct umk_ktest *t)
{
	struct umk_task *c[4];
	int i;

	sy_norder = 0;
	umk_mutex_lock(&sy_m);
	for (i = 0; i < 4; i++) {
		c[i] = umk_task_create(sy_ordered_locker, (void *)(long)i, "fifo");
		UMK_ASSERT_NOT_NULL(t, c[i]);
		sy_until_sleeping(c[i]); /* queued behind the previous one */
	}
	umk_mutex_unlock(&sy_m);
	for (i = 0; i < 4; i++)
		UMK_EXPECT_EQ(t, umk_task_join(c[i], NULL), 0);
	UMK_ASSERT_EQ(t, sy_norder, 4);
	for (i = 0; i < 4; i++)
		UMK_EXPECT_EQ(t, sy_order[i], i);
}

static int sy_timed_locker(void *arg)
{
	long long timeout = (long long)(long)arg;
	int ret = umk_mutex_lock_timeout(&sy_m, timeout);

	if (ret == 0)
		umk_mutex_unlock(&sy_m);
	return ret;
}

static void sy_mutex_timeout(struct umk_ktest *t)
{
	struct umk_task *c;
	int code = 0;

	umk_mutex_lock(&sy_m);
	c = umk_task_create(sy_timed_locker, (void *)(long)(2 * UMK_NSEC_PER_MSEC), "timed");
	UMK_ASSERT_NOT_NULL(t, c);
	UMK_EXPECT_EQ(t, umk_task_join(c, &code), 0);
	UMK_EXPECT_EQ(t, code, -UMK_ETIMEDOUT);
	c = umk_task_create(sy_timed_locker, (void *)0L, "timed0");
	UMK_ASSERT_NOT_NULL(t, c);
	UMK_EXPECT_EQ(t, umk_task_join(c, &code), 0);
	UMK_EXPECT_EQ(t, code, -UMK_ETIMEDOUT);
	/* The timed-out waiters left the queue: unlock leaves it free. */
	umk_mutex_unlock(&sy_m);
	UMK_EXPECT_FALSE(t, umk_mutex_is_locked(&sy_m));
	/* A long timeout is satisfied by an unlock. */
	umk_mutex_lock(&sy_m);
	c = umk_task_create(sy_timed_locker, (void *)(long)(60 * UMK_NSEC_PER_SEC), "timed60");
	UMK_ASSERT_NOT_NULL(t, c);
	sy_until_sleeping(c);
	umk_mutex_unlock(&sy_m);
	UMK_EXPECT_EQ(t, umk_task_join(c, &code), 0);
	UMK_EXPECT_EQ(t, code, 0);
}

/* ---- semaphore ---- */

static void sy_sem_basics(struct umk_ktest *t)
{
	struct umk_semaphore s;

	umk_sem_init(&s, 2);
	UMK_EXPECT_TRUE(t, umk_sem_trydown(&s));
	UMK_EXPECT_TRUE(t, umk_sem_trydown(&s));
	UMK_EXPECT_FALSE(t, umk_sem_trydown(&s));
	UMK_EXPECT_EQ(t, umk_sem_count(&s), 0);
	UMK_EXPECT_EQ(t, umk_sem_down_timeout(&s, 2 * UMK_NSEC_PER_MSEC), -UMK_ETIMEDOUT);
	umk_sem_up(&s);
	UMK_EXPECT_EQ(t, umk_sem_count(&s), 1);
	UMK_EXPECT_EQ(t, umk_sem_down_timeout(&s, 0), 0);
	UMK_EXPECT_EQ(t, umk_sem_count(&s), 0);
}

static struct umk_semaphore sy_sem;
static int sy_active, sy_max_active;

static int sy_limited_worker(void *arg)
{
	int i, now, max;

	(void)arg;
	for (i = 0; i < 20; i++) {
		umk_sem_down(&sy_sem);
		now = __atomic_add_fetch(&sy_active, 1, __ATOMIC_ACQ_REL);
		max = __atomic_load_n(&sy_max_active, __ATOMIC_RELAXED);
		while (now > max && !__atomic_compare_exchange_n(
				&sy_max_active, &max, now, false,
				__ATOMIC_RELAXED, __ATOMIC_RELAXED))
			;
		umk_yield();
		__atomic_sub_fetch(&sy_active, 1, __ATOMIC_ACQ_REL);
		umk_sem_up(&sy_sem);
	}
	return 0;
}

static void sy_sem_limits_concurrency(struct umk_ktest *t)
{
	umk_sem_init(&sy_sem, 3);
	sy_active = sy_max_active = 0;
	UMK_EXPECT_EQ(t, sy_run_tasks(30, sy_limited_worker, NULL, "limited"), 0);
	UMK_EXPECT_LE(t, sy_max_active, 3);
	UMK_EXPECT_GE(t, sy_max_active, 1);
	UMK_EXPECT_EQ(t, umk_sem_count(&sy_sem), 3);
}

#define SY_CONSUMERS 10
#define SY_ITEMS 100

static long sy_consumed;

static int sy_consumer(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < SY_ITEMS; i++) {
		if (umk_sem_down_timeout(&sy_sem, 60 * UMK_NSEC_PER_SEC))
			return 1;
		__atomic_fetch_add(&sy_consumed, 1, __ATOMIC_RELAXED);
	}
	return 0;
}

static void sy_sem_producer_consumers(struct umk_ktest *t)
{
	struct umk_task *c[SY_CONSUMERS];
	int i, code;

	umk_sem_init(&sy_sem, 0);
	sy_consumed = 0;
	for (i = 0; i < SY_CONSUMERS; i++) {
		c[i] = umk_task_create(sy_consumer, NULL, "consumer");
		UMK_ASSERT_NOT_NULL(t, c[i]);
	}
	for (i = 0; i < SY_CONSUMERS * SY_ITEMS; i++) {
		umk_sem_up(&sy_sem);
		if (i % 16 == 0)
			umk_yield();
	}
	for (i = 0; i < SY_CONSUMERS; i++) {
		UMK_EXPECT_EQ(t, umk_task_join(c[i], &code), 0);
		UMK_EXPECT_EQ(t, code, 0);
	}
	UMK_EXPECT_EQ(t, sy_consumed, SY_CONSUMERS * SY_ITEMS);
	UMK_EXPECT_EQ(t, umk_sem_count(&sy_sem), 0);
}

static void sy_sem_up_cb(struct umk_timer *tm)
{
	umk_sem_up(tm->data);
}

static void sy_sem_up_from_irq(struct umk_ktest *t)
{
	struct umk_timer tm;

	umk_sem_init(&sy_sem, 0);
	umk_timer_init(&tm, sy_sem_up_cb, &sy_sem);
	umk_timer_arm(&tm, umk_time_ns_exact() + UMK_NSEC_PER_MSEC);
	UMK_EXPECT_EQ(t, umk_sem_down_timeout(&sy_sem, 60 * UMK_NSEC_PER_SEC), 0);
	umk_timer_cancel(&tm);
}

/* ---- completion ---- */

static struct umk_completion sy_done;
static int sy_waiters_passed;

static int sy_completion_waiter(void *arg)
{
	(void)arg;
	umk_wait_for_completion(&sy_done);
	__atomic_fetch_add(&sy_waiters_passed, 1, __ATOMIC_RELAXED);
	return 0;
}

static void sy_completion_wait_then_complete(struct umk_ktest *t)
{
	struct umk_task *c;

	umk_completion_init(&sy_done);
	sy_waiters_passed = 0;
	c = umk_task_create(sy_completion_waiter, NULL, "waiter");
	UMK_ASSERT_NOT_NULL(t, c);
	sy_until_sleeping(c);
	UMK_EXPECT_EQ(t, sy_waiters_passed, 0);
	umk_complete(&sy_done);
	UMK_EXPECT_EQ(t, umk_task_join(c, NULL), 0);
	UMK_EXPECT_EQ(t, sy_waiters_passed, 1);
	UMK_EXPECT_FALSE(t, umk_completion_done(&sy_done)); /* consumed */
}

static void sy_completion_counts(struct umk_ktest *t)
{
	struct umk_completion c;

	umk_completion_init(&c);
	umk_complete(&c);
	umk_complete(&c);
	UMK_EXPECT_TRUE(t, umk_completion_done(&c));
	UMK_EXPECT_EQ(t, umk_wait_for_completion_timeout(&c, 0), 0);
	UMK_EXPECT_TRUE(t, umk_try_wait_for_completion(&c));
	UMK_EXPECT_FALSE(t, umk_try_wait_for_completion(&c));
	UMK_EXPECT_EQ(t, umk_wait_for_completion_timeout(&c, 2 * UMK_NSEC_PER_MSEC),
		      -UMK_ETIMEDOUT);
}

static void sy_completion_all(struct umk_ktest *t)
{
	enum { N = 50 };
	struct umk_task *c[N];
	int i;

	umk_completion_init(&sy_done);
	sy_waiters_passed = 0;
	for (i = 0; i < N; i++) {
		c[i] = umk_task_create(sy_completion_waiter, NULL, "all");
		UMK_ASSERT_NOT_NULL(t, c[i]);
	}
	umk_sleep_ns(UMK_NSEC_PER_MSEC);
	umk_complete_all(&sy_done);
	for (i = 0; i < N; i++)
		UMK_EXPECT_EQ(t, umk_task_join(c[i], NULL), 0);
	UMK_EXPECT_EQ(t, sy_waiters_passed, N);
	/* Later waits pass too, until re-initialised. */
	UMK_EXPECT_EQ(t, umk_wait_for_completion_timeout(&sy_done, 0), 0);
	UMK_EXPECT_EQ(t, umk_wait_for_completion_timeout(&sy_done, 0), 0);
	umk_reinit_completion(&sy_done);
	UMK_EXPECT_FALSE(t, umk_completion_done(&sy_done));
	UMK_EXPECT_EQ(t, umk_wait_for_completion_timeout(&sy_done, 0), -UMK_ETIMEDOUT);
}

static void sy_complete_cb(struct umk_timer *tm)
{
	umk_complete(tm->data);
}

static void sy_completion_from_irq(struct umk_ktest *t)
{
	struct umk_completion c;
	struct umk_timer tm;

	umk_completion_init(&c);
	umk_timer_init(&tm, sy_complete_cb, &c);
	umk_timer_arm(&tm, umk_time_ns_exact() + UMK_NSEC_PER_MSEC);
	UMK_EXPECT_EQ(t, umk_wait_for_completion_timeout(&c, 60 * UMK_NSEC_PER_SEC), 0);
	umk_timer_cancel(&tm);
}

static const struct umk_ktest_case sy_cases[] = {
	UMK_KTEST_CASE(sy_mutex_basics),
	UMK_KTEST_CASE(sy_mutex_contention),
	UMK_KTEST_CASE(sy_mutex_fifo_handoff),
	UMK_KTEST_CASE(sy_mutex_timeout),
	UMK_KTEST_CASE(sy_sem_basics),
	UMK_KTEST_CASE(sy_sem_limits_concurrency),
	UMK_KTEST_CASE(sy_sem_producer_consumers),
	UMK_KTEST_CASE(sy_sem_up_from_irq),
	UMK_KTEST_CASE(sy_completion_wait_then_complete),
	UMK_KTEST_CASE(sy_completion_counts),
	UMK_KTEST_CASE(sy_completion_all),
	UMK_KTEST_CASE(sy_completion_from_irq),
};
UMK_KTEST_SUITE(sync, sy_cases);
