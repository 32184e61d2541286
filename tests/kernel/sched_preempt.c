/*
 * Suite sched_preempt (CONFIG_PREEMPT): a task that never yields, never
 * blocks and never calls into the kernel is still preempted at the end
 * of its time slice, and preemption stays off while it is disabled.
 */
#include <umk/config.h>
#include <umk/cpu.h>
#include <umk/ktest.h>
#include <umk/sched.h>
#include <umk/task.h>
#include <umk/time.h>
#include "arch/um/preempt.h"
#include "core/task.h"

/* Generous: on a loaded host our CPU thread may get little real CPU. */
#define SP_SPIN_NS (3 * UMK_NSEC_PER_SEC)

static volatile unsigned long sp_counter;
static volatile int sp_stop;

static int sp_spinner_fn(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&sp_stop, __ATOMIC_RELAXED))
		__atomic_store_n(&sp_counter, sp_counter + 1, __ATOMIC_RELAXED);
	return 0;
}

/*
 * Busy for a while in our own code: the preemption signal only redirects
 * code of the executable (not the vDSO that reads the clock), so most of
 * the time must be spent here, not in umk_time_ns_exact().
 */
static void sp_burn(void)
{
	volatile unsigned long i;

	for (i = 0; i < 100000; i++)
		;
}

/* Start a spinner on our CPU and get the CPU back without yielding. */
static struct umk_task *sp_start_spinner(struct umk_ktest *t)
{
	struct umk_task *s;

	if (!umk_arch_preempt_available())
		umk_ktest_skip(t, "preemption signals unavailable here");
	umk_set_cpus_allowed(umk_current(), 1ULL << umk_task_cpu(umk_current()));
	sp_counter = 0;
	sp_stop = 0;
	s = umk_task_create(sp_spinner_fn, NULL, "sp-spin");
	UMK_ASSERT_NOT_NULL(t, s);
	return s;
}

/* We busy-loop too: the spinner can only run if we are preempted. */
static void sp_busy_loop_is_preempted(struct umk_ktest *t)
{
	struct umk_task *s = sp_start_spinner(t);
	unsigned long long end = umk_time_ns_exact() + SP_SPIN_NS;

	while (umk_time_ns_exact() < end &&
	       __atomic_load_n(&sp_counter, __ATOMIC_RELAXED) == 0)
		sp_burn();
	UMK_EXPECT_GT(t, sp_counter, 0);
	__atomic_store_n(&sp_stop, 1, __ATOMIC_RELAXED);
	UMK_EXPECT_EQ(t, umk_task_join(s, NULL), 0);
}

/* With preemption disabled the spinner must not run, then it must. */
static void sp_preempt_disable_holds(struct umk_ktest *t)
{
	struct umk_task *s = sp_start_spinner(t);
	unsigned long long end = umk_time_ns_exact() + 50 * UMK_NSEC_PER_MSEC;
	unsigned long seen;

	umk_preempt_disable();
	while (umk_time_ns_exact() < end)
		sp_burn();
	seen = __atomic_load_n(&sp_counter, __ATOMIC_RELAXED);
	umk_preempt_enable();
	UMK_EXPECT_EQ(t, seen, 0);
	end = umk_time_ns_exact() + SP_SPIN_NS;
	while (umk_time_ns_exact() < end &&
	       __atomic_load_n(&sp_counter, __ATOMIC_RELAXED) == 0)
		sp_burn();
	UMK_EXPECT_GT(t, sp_counter, 0);
	__atomic_store_n(&sp_stop, 1, __ATOMIC_RELAXED);
	UMK_EXPECT_EQ(t, umk_task_join(s, NULL), 0);
}

/* A preempted task's registers, FP included, survive the trampoline. */
static void sp_registers_survive(struct umk_ktest *t)
{
	struct umk_task *s = sp_start_spinner(t);
	unsigned long long end = umk_time_ns_exact() + SP_SPIN_NS;
	volatile double acc = 0;
	double x = 1.0;
	unsigned long i, n = 0;

	while (umk_time_ns_exact() < end &&
	       __atomic_load_n(&sp_counter, __ATOMIC_RELAXED) == 0) {
		for (i = 0; i < 100000; i++)
			x = x * 1.0000001 + 0.5;
		n += 100000;
	}
	acc = x;
	UMK_EXPECT_GT(t, sp_counter, 0);
	/* Recompute without preemption: the same sequence, the same value. */
	__atomic_store_n(&sp_stop, 1, __ATOMIC_RELAXED);
	UMK_EXPECT_EQ(t, umk_task_join(s, NULL), 0);
	x = 1.0;
	umk_preempt_disable();
	for (i = 0; i < n; i++)
		x = x * 1.0000001 + 0.5;
	umk_preempt_enable();
	UMK_EXPECT_TRUE(t, x == acc);
}

/*
 * An address just past a function's first instruction: inside it, where
 * a helper that stores through the thread pointer has already read it.
 */
#define SP_INSIDE(fn) ((unsigned long)(fn) + 4)

/*
 * The tick never sends a task to the trampoline from inside the
 * trampoline, nor from code that holds a host thread's TLS address in a
 * register (UMK_NOPREEMPT): moved to another CPU's host thread there,
 * the task would write the old thread's variable.
 */
static void sp_unsafe_text_refused(struct umk_ktest *t)
{
	unsigned long tramp = (unsigned long)umk_arch_preempt_trampoline;
	unsigned long tramp_end =
		(unsigned long)umk_arch_preempt_trampoline_end;

	UMK_EXPECT_TRUE(t, umk_arch_preempt_text_ok(SP_INSIDE(sp_burn)));
	UMK_EXPECT_FALSE(t, umk_arch_preempt_text_ok(tramp));
	UMK_EXPECT_FALSE(t, umk_arch_preempt_text_ok(tramp_end - 1));
	UMK_EXPECT_FALSE(
		t, umk_arch_preempt_text_ok(SP_INSIDE(umk_arch_preempt_entry)));
#if defined(CONFIG_SMP) && UMK_TLS_OUT_OF_LINE
	UMK_EXPECT_FALSE(
		t, umk_arch_preempt_text_ok(SP_INSIDE(umk__irq_flag_busy_set)));
	UMK_EXPECT_FALSE(
		t, umk_arch_preempt_text_ok(SP_INSIDE(umk__this_cpu_tls)));
	UMK_EXPECT_FALSE(
		t, umk_arch_preempt_text_ok(SP_INSIDE(umk__curr_self_get)));
#endif
}

static const struct umk_ktest_case sched_preempt_cases[] = {
	UMK_KTEST_CASE(sp_busy_loop_is_preempted),
	UMK_KTEST_CASE(sp_preempt_disable_holds),
	UMK_KTEST_CASE(sp_registers_survive),
	UMK_KTEST_CASE(sp_unsafe_text_refused),
};
UMK_KTEST_SUITE(sched_preempt, sched_preempt_cases);
