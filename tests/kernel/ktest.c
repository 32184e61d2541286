/*
 * The test framework tests itself. The hidden suite _ktest_demo has cases
 * that kt_pass, fail an EXPECT, fail an ASSERT and skip; the ktest cases run
 * it with a nested umk_ktest_run() and check what the runner reported and
 * which code ran.
 */
#include <umk/ktest.h>
#include <umk/string.h>
#include <umk/task.h>

static struct {
	int pass_runs;
	int after_expect;  /* reached past two failed EXPECTs */
	int after_assert;  /* must stay 0: ASSERT ends the case */
	int after_skip;    /* must stay 0: skip ends the case */
	struct umk_task *case_task;
} kt_demo;

static void kt_pass(struct umk_ktest *t)
{
	UMK_EXPECT_EQ(t, 1 + 1, 2);
	kt_demo.pass_runs++;
	kt_demo.case_task = umk_current();
}

static void kt_expect_fail(struct umk_ktest *t)
{
	UMK_EXPECT_EQ(t, 1, 2);
	UMK_EXPECT_TRUE(t, 0);
	kt_demo.after_expect++;
}

static void kt_assert_fail(struct umk_ktest *t)
{
	UMK_ASSERT_NOT_NULL(t, (void *)0);
	kt_demo.after_assert++;
}

static void kt_skipped(struct umk_ktest *t)
{
	umk_ktest_skip(t, "demonstrating skip");
	kt_demo.after_skip++;
}

static const struct umk_ktest_case kt_demo_cases[] = {
	UMK_KTEST_CASE(kt_pass),
	UMK_KTEST_CASE(kt_expect_fail),
	UMK_KTEST_CASE(kt_assert_fail),
	UMK_KTEST_CASE(kt_skipped),
};
UMK_KTEST_SUITE(_ktest_demo, kt_demo_cases);

static void kt_nested_run_counts_failures(struct umk_ktest *t)
{
	umk_memset(&kt_demo, 0, sizeof(kt_demo));
	UMK_EXPECT_EQ(t, umk_ktest_run("_ktest_demo"), 2);
	UMK_EXPECT_EQ(t, kt_demo.pass_runs, 1);
	UMK_EXPECT_EQ(t, kt_demo.after_expect, 1);
	UMK_EXPECT_EQ(t, kt_demo.after_assert, 0);
	UMK_EXPECT_EQ(t, kt_demo.after_skip, 0);
}

static void kt_each_case_has_its_own_task(struct umk_ktest *t)
{
	struct umk_task *me = umk_current();

	umk_memset(&kt_demo, 0, sizeof(kt_demo));
	UMK_ASSERT_EQ(t, umk_ktest_run("_ktest_demo.kt_pass"), 0);
	UMK_ASSERT_NOT_NULL(t, kt_demo.case_task);
	UMK_EXPECT_TRUE(t, kt_demo.case_task != me);
	/* This case's own task carries the case name (truncated). */
	UMK_EXPECT_EQ(t, umk_strncmp(umk_task_name(me), "kt_each_case_ha", 15), 0);
}

static void kt_filter_selects_cases(struct umk_ktest *t)
{
	umk_memset(&kt_demo, 0, sizeof(kt_demo));
	UMK_EXPECT_EQ(t, umk_ktest_run("_ktest_demo.kt_pa*"), 0);
	UMK_EXPECT_EQ(t, kt_demo.pass_runs, 1);
	UMK_EXPECT_EQ(t, kt_demo.after_expect, 0);
	UMK_EXPECT_EQ(t, umk_ktest_run("_ktest_demo.kt_expect_fail,_ktest_demo.kt_pass"), 1);
	UMK_EXPECT_EQ(t, kt_demo.pass_runs, 2);
	UMK_EXPECT_EQ(t, kt_demo.after_expect, 1);
	/* Only kt_skipped: no failure. */
	UMK_EXPECT_EQ(t, umk_ktest_run("_ktest_demo.kt_skipped"), 0);
}

static void kt_hidden_suite_needs_its_name(struct umk_ktest *t)
{
	umk_memset(&kt_demo, 0, sizeof(kt_demo));
	/* A glob matches no hidden suite: nothing runs, which is an error. */
	UMK_EXPECT_EQ(t, umk_ktest_run("_ktest_d*"), 1);
	UMK_EXPECT_EQ(t, kt_demo.pass_runs, 0);
}

static void kt_unknown_filter_is_an_error(struct umk_ktest *t)
{
	UMK_EXPECT_EQ(t, umk_ktest_run("no_such_suite_xyz"), 1);
}

static void kt_passing_checks_pass(struct umk_ktest *t)
{
	UMK_EXPECT_TRUE(t, 1);
	UMK_EXPECT_FALSE(t, 0);
	UMK_EXPECT_EQ(t, -1, -1);
	UMK_EXPECT_NE(t, 1, 2);
	UMK_EXPECT_LT(t, 1, 2);
	UMK_EXPECT_LE(t, 2, 2);
	UMK_EXPECT_GT(t, 3, 2);
	UMK_EXPECT_GE(t, 3, 3);
	UMK_EXPECT_STREQ(t, "abc", "abc");
	UMK_ASSERT_TRUE(t, 1);
	UMK_ASSERT_EQ(t, 0x7fffffffffffffffLL, 0x7fffffffffffffffLL);
	UMK_ASSERT_STREQ(t, "", "");
}

static const struct umk_ktest_case kt_ktest_cases[] = {
	UMK_KTEST_CASE(kt_nested_run_counts_failures),
	UMK_KTEST_CASE(kt_each_case_has_its_own_task),
	UMK_KTEST_CASE(kt_filter_selects_cases),
	UMK_KTEST_CASE(kt_hidden_suite_needs_its_name),
	UMK_KTEST_CASE(kt_unknown_filter_is_an_error),
	UMK_KTEST_CASE(kt_passing_checks_pass),
};
UMK_KTEST_SUITE(ktest, kt_ktest_cases);
