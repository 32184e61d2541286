/*
 * Tasks: create, exit codes, join, detach and reaping, names, per-task
 * data, states, many tasks at once.
 */
#include <umk/ktest.h>
#include <umk/errno.h>
#include <umk/sched.h>
#include <umk/slab.h>
#include <umk/string.h>
#include <umk/sync.h>
#include <umk/task.h>
#include <umk/time.h>

/*
 * Tasks alive at the same time. Under ThreadSanitizer each live task is a
 * TSan thread whose first creation costs about 10 ms (its trace is
 * mapped and cleared): there, a few hundred make the same races possible.
 */
#define TT_MANY (UMK_TSAN ? 300 : 3000)
#define TT_ROUNDS 3    /* ... created and joined this many times */

static int tt_return_arg(void *arg)
{
	return (int)(long)arg;
}

static int tt_exit_early(void *arg)
{
	umk_task_exit((int)(long)arg + 1);
	return -1; /* not reached */
}

/* Wait (yielding) until t is dead; false after ~1 s. */
static bool tt_wait_dead(struct umk_task *t)
{
	int i;

	for (i = 0; i < 1000; i++) {
		if (umk_task_state(t) == UMK_TASK_DEAD)
			return true;
		umk_sleep_ns(UMK_NSEC_PER_MSEC);
	}
	return false;
}

static void tt_exit_codes(struct umk_ktest *t)
{
	struct umk_task *a = umk_task_create(tt_return_arg, (void *)42L, "ret42");
	struct umk_task *b = umk_task_create(tt_exit_early, (void *)6L, "exit7");
	struct umk_task *c = umk_task_create(tt_return_arg, (void *)-3L, "neg");
	int code = 0;

	UMK_ASSERT_NOT_NULL(t, a);
	UMK_ASSERT_NOT_NULL(t, b);
	UMK_ASSERT_NOT_NULL(t, c);
	UMK_EXPECT_EQ(t, umk_task_join(a, &code), 0);
	UMK_EXPECT_EQ(t, code, 42);
	UMK_EXPECT_EQ(t, umk_task_join(b, &code), 0);
	UMK_EXPECT_EQ(t, code, 7);
	UMK_EXPECT_EQ(t, umk_task_join(c, NULL), 0); /* code may be NULL */
}

static void tt_thousands_created_and_joined(struct umk_ktest *t)
{
	struct umk_task **tasks = umk_kmalloc(sizeof(*tasks) * TT_MANY);
	unsigned int before = umk_nr_tasks();
	int round, i;

	UMK_ASSERT_NOT_NULL(t, tasks);
	for (round = 0; round < TT_ROUNDS; round++) {
		for (i = 0; i < TT_MANY; i++) {
			tasks[i] = umk_task_create(tt_return_arg,
						   (void *)(long)(i * 7 + round), "many");
			UMK_ASSERT_NOT_NULL(t, tasks[i]);
		}
		UMK_EXPECT_EQ(t, umk_nr_tasks(), before + TT_MANY);
		/* Join in an order unrelated to creation. */
		for (i = 0; i < TT_MANY; i++) {
			int k = (i * 7919) % TT_MANY, code = -1;

			UMK_ASSERT_EQ(t, umk_task_join(tasks[k], &code), 0);
			UMK_EXPECT_EQ(t, code, k * 7 + round);
		}
		UMK_EXPECT_EQ(t, umk_nr_tasks(), before);
	}
	umk_kfree(tasks);
}

static int tt_detached_done;

static int tt_detached_fn(void *arg)
{
	(void)arg;
	umk_yield();
	__atomic_fetch_add(&tt_detached_done, 1, __ATOMIC_RELAXED);
	return 0;
}

static void tt_detached_tasks_are_reaped(struct umk_ktest *t)
{
	unsigned int before = umk_nr_tasks();
	int i, n = 500;

	tt_detached_done = 0;
	for (i = 0; i < n; i++) {
		struct umk_task *c = umk_task_create(tt_detached_fn, NULL, "detached");

		UMK_ASSERT_NOT_NULL(t, c);
		umk_task_detach(c);
	}
	/* Every one runs, exits and is freed without a join. */
	for (i = 0; i < 5000 && umk_nr_tasks() != before; i++)
		umk_sleep_ns(UMK_NSEC_PER_MSEC);
	UMK_EXPECT_EQ(t, __atomic_load_n(&tt_detached_done, __ATOMIC_RELAXED), n);
	UMK_EXPECT_EQ(t, umk_nr_tasks(), before);
}

static void tt_detach_after_exit_reaps_at_once(struct umk_ktest *t)
{
	unsigned int before = umk_nr_tasks();
	struct umk_task *c = umk_task_create(tt_return_arg, (void *)5L, "quick");

	UMK_ASSERT_NOT_NULL(t, c);
	UMK_ASSERT_TRUE(t, tt_wait_dead(c));
	UMK_EXPECT_EQ(t, umk_nr_tasks(), before + 1); /* dead, not reaped */
	umk_task_detach(c);
	UMK_EXPECT_EQ(t, umk_nr_tasks(), before);
}

/* Tasks that block until their test lets them go, then return code. */
struct tt_waiter {
	struct umk_completion go;
	int code;
};

static int tt_wait_go(void *arg)
{
	struct tt_waiter *w = arg;

	umk_wait_for_completion(&w->go);
	return w->code;
}

/* Static: a detached waiter may outlive the case that made it. */
static struct tt_waiter tt_w_states = { .code = 9 }, tt_w_join, tt_w_timeout = { .code = 11 },
	tt_w_names;

static void tt_states(struct umk_ktest *t)
{
	struct umk_task *c;
	int code = 0;

	umk_completion_init(&tt_w_states.go);
	UMK_EXPECT_EQ(t, umk_task_state(umk_current()), UMK_TASK_RUNNING);
	c = umk_task_create(tt_wait_go, &tt_w_states, "sleeper");
	UMK_ASSERT_NOT_NULL(t, c);
	/*
	 * Not dead yet; it may already sleep: an idle CPU steals new tasks,
	 * and a new task may preempt its creator.
	 */
	UMK_EXPECT_TRUE(t, umk_task_state(c) == UMK_TASK_RUNNABLE ||
				   umk_task_state(c) == UMK_TASK_RUNNING ||
				   umk_task_state(c) == UMK_TASK_SLEEPING);
	/* Let it block on the completion. */
	while (umk_task_state(c) != UMK_TASK_SLEEPING)
		umk_sleep_ns(UMK_NSEC_PER_MSEC / 10);
	UMK_EXPECT_EQ(t, umk_task_state(c), UMK_TASK_SLEEPING);
	umk_complete(&tt_w_states.go);
	UMK_EXPECT_TRUE(t, tt_wait_dead(c));
	UMK_EXPECT_EQ(t, umk_task_join(c, &code), 0);
	UMK_EXPECT_EQ(t, code, 9);
	UMK_EXPECT_STREQ(t, umk_task_state_name(UMK_TASK_RUNNING), "running");
	UMK_EXPECT_STREQ(t, umk_task_state_name(UMK_TASK_RUNNABLE), "runnable");
	UMK_EXPECT_STREQ(t, umk_task_state_name(UMK_TASK_SLEEPING), "sleeping");
	UMK_EXPECT_STREQ(t, umk_task_state_name(UMK_TASK_DEAD), "dead");
}

static void tt_join_errors(struct umk_ktest *t)
{
	struct umk_task *c;
	int code = 0;

	UMK_EXPECT_EQ(t, umk_task_join(umk_current(), &code), -UMK_EDEADLK);
	UMK_EXPECT_EQ(t, umk_task_join(NULL, &code), -UMK_EINVAL);
	umk_completion_init(&tt_w_join.go);
	c = umk_task_create(tt_wait_go, &tt_w_join, "detachme");
	UMK_ASSERT_NOT_NULL(t, c);
	umk_task_detach(c);
	/* Still alive (waiting for its go), so c is valid, but not joinable. */
	UMK_EXPECT_EQ(t, umk_task_join(c, &code), -UMK_EINVAL);
	umk_complete(&tt_w_join.go);
}

static void tt_join_timeout(struct umk_ktest *t)
{
	struct umk_task *c;
	int code = 0;

	umk_completion_init(&tt_w_timeout.go);
	c = umk_task_create(tt_wait_go, &tt_w_timeout, "slow");
	UMK_ASSERT_NOT_NULL(t, c);
	UMK_EXPECT_EQ(t, umk_task_join_timeout(c, &code, 2 * UMK_NSEC_PER_MSEC),
		      -UMK_ETIMEDOUT);
	UMK_EXPECT_EQ(t, umk_task_join_timeout(c, &code, 0), -UMK_ETIMEDOUT);
	umk_complete(&tt_w_timeout.go);
	/* Still joinable after the time-outs. */
	UMK_EXPECT_EQ(t, umk_task_join_timeout(c, &code, 10 * UMK_NSEC_PER_SEC), 0);
	UMK_EXPECT_EQ(t, code, 11);
}

static void tt_names(struct umk_ktest *t)
{
	struct umk_task *c;

	umk_completion_init(&tt_w_names.go);
	c = umk_task_create(tt_wait_go, &tt_w_names, "a-very-long-task-name-indeed");
	UMK_ASSERT_NOT_NULL(t, c);
	UMK_EXPECT_EQ(t, umk_strlen(umk_task_name(c)), UMK_TASK_NAME_LEN - 1);
	UMK_EXPECT_EQ(t, umk_strncmp(umk_task_name(c), "a-very-long-task", 15), 0);
	umk_task_set_name(c, "short");
	UMK_EXPECT_STREQ(t, umk_task_name(c), "short");
	umk_complete(&tt_w_names.go);
	UMK_EXPECT_EQ(t, umk_task_join(c, NULL), 0);
	c = umk_task_create(tt_return_arg, NULL, NULL);
	UMK_ASSERT_NOT_NULL(t, c);
	UMK_EXPECT_STREQ(t, umk_task_name(c), "task");
	UMK_EXPECT_EQ(t, umk_task_join(c, NULL), 0);
}

/* Set before the children may look: on SMP they start at once. */
static struct umk_completion tt_data_go;

static int tt_data_fn(void *arg)
{
	int *slot;

	(void)arg;
	umk_wait_for_completion(&tt_data_go);
	slot = umk_task_get_data(umk_current());
	if (!slot)
		return -1;
	*slot += 1;
	umk_task_set_data(umk_current(), slot + 1);
	return *slot;
}

static void tt_per_task_data(struct umk_ktest *t)
{
	int slots[8] = { 0 };
	struct umk_task *c[8];
	int i, code;

	umk_completion_init(&tt_data_go);
	UMK_EXPECT_TRUE(t, umk_task_get_data(umk_current()) == NULL);
	for (i = 0; i < 8; i++) {
		slots[i] = i * 10;
		c[i] = umk_task_create(tt_data_fn, NULL, "data");
		UMK_ASSERT_NOT_NULL(t, c[i]);
		umk_task_set_data(c[i], &slots[i]);
	}
	umk_complete_all(&tt_data_go);
	for (i = 0; i < 8; i++) {
		UMK_EXPECT_EQ(t, umk_task_join(c[i], &code), 0);
		UMK_EXPECT_EQ(t, code, i * 10 + 1);
		UMK_EXPECT_EQ(t, slots[i], i * 10 + 1);
	}
}

struct tt_walk {
	struct umk_task *want;
	int found, total;
};

static int tt_walk_fn(struct umk_task *task, void *arg)
{
	struct tt_walk *w = arg;

	w->total++;
	if (task == w->want)
		w->found++;
	return 0;
}

static int tt_stop_at_first(struct umk_task *task, void *arg)
{
	(void)task;
	++*(int *)arg;
	return 1;
}

static void tt_ids_and_walk(struct umk_ktest *t)
{
	struct tt_walk w = { umk_current(), 0, 0 };
	struct umk_task *a = umk_task_create(tt_return_arg, NULL, "ida");
	struct umk_task *b = umk_task_create(tt_return_arg, NULL, "idb");
	int n = 0;

	UMK_ASSERT_NOT_NULL(t, a);
	UMK_ASSERT_NOT_NULL(t, b);
	UMK_EXPECT_NE(t, umk_task_id(a), umk_task_id(b));
	UMK_EXPECT_NE(t, umk_task_id(a), umk_task_id(umk_current()));
	UMK_EXPECT_GE(t, umk_task_cpu(umk_current()), 0);
	UMK_EXPECT_LT(t, umk_task_cpu(umk_current()), umk_nr_cpus_online());
	umk_task_for_each(tt_walk_fn, &w);
	UMK_EXPECT_EQ(t, w.found, 1);
	UMK_EXPECT_EQ(t, w.total, (int)umk_nr_tasks());
	umk_task_for_each(tt_stop_at_first, &n);
	UMK_EXPECT_EQ(t, n, 1);
	UMK_EXPECT_EQ(t, umk_task_join(a, NULL), 0);
	UMK_EXPECT_EQ(t, umk_task_join(b, NULL), 0);
}

/* Children creating children: joins across generations. */
static int tt_tree_fn(void *arg)
{
	long depth = (long)arg;
	struct umk_task *l, *r;
	int a = 0, b = 0;

	if (depth == 0)
		return 1;
	l = umk_task_create(tt_tree_fn, (void *)(depth - 1), "tree");
	r = umk_task_create(tt_tree_fn, (void *)(depth - 1), "tree");
	if (!l || !r)
		return -1000000;
	umk_task_join(l, &a);
	umk_task_join(r, &b);
	return a + b + 1;
}

static void tt_task_tree(struct umk_ktest *t)
{
	struct umk_task *root = umk_task_create(tt_tree_fn, (void *)8L, "root");
	int code = 0;

	UMK_ASSERT_NOT_NULL(t, root);
	UMK_EXPECT_EQ(t, umk_task_join(root, &code), 0);
	UMK_EXPECT_EQ(t, code, (1 << 9) - 1); /* nodes of a full tree of depth 8 */
}

static const struct umk_ktest_case tt_cases[] = {
	UMK_KTEST_CASE(tt_exit_codes),
	UMK_KTEST_CASE(tt_thousands_created_and_joined),
	UMK_KTEST_CASE(tt_detached_tasks_are_reaped),
	UMK_KTEST_CASE(tt_detach_after_exit_reaps_at_once),
	UMK_KTEST_CASE(tt_states),
	UMK_KTEST_CASE(tt_join_errors),
	UMK_KTEST_CASE(tt_join_timeout),
	UMK_KTEST_CASE(tt_names),
	UMK_KTEST_CASE(tt_per_task_data),
	UMK_KTEST_CASE(tt_ids_and_walk),
	UMK_KTEST_CASE(tt_task_tree),
};
UMK_KTEST_SUITE(task, tt_cases);
