/*
 * In-kernel unit tests in the spirit of Linux's KUnit. A suite is a named
 * array of cases; each case runs in a task of its own inside the booted
 * kernel, so a failed assertion ends that case (its task exits) and the
 * suite goes on. umk-boot --selftest[=SUITE] runs them and prints one line
 * per case and a closing "N passed, N failed".
 *
 * By convention the suite defined in tests/kernel/NAME.c is named NAME; the
 * build registers one ctest test per suite file from that convention.
 * A suite named with a leading '_' is hidden: it runs only when a filter
 * names it exactly (the framework's own tests use one).
 */
#ifndef UMK_KTEST_H
#define UMK_KTEST_H

#include <umk/compiler.h>

struct umk_ktest;

struct umk_ktest_case {
	const char *name;
	void (*run)(struct umk_ktest *t);
};

struct umk_ktest_suite {
	const char *name;
	const struct umk_ktest_case *cases;
	unsigned int nr_cases;
	int (*init)(void); /* optional: non-zero skips the suite */
	void (*exit)(void);
};

#define UMK_KTEST_CASE(fn) { #fn, fn }

/*
 * The section holds a pointer per suite, not the suite itself: pointers
 * stay a plain array even when a sanitizer pads global objects (the
 * runner skips NULL padding).
 */
#define UMK_KTEST_SUITE(sname, case_array)                                     \
	static const struct umk_ktest_suite umk__ktest_suite_##sname = {       \
		.name = #sname,                                                 \
		.cases = case_array,                                            \
		.nr_cases = UMK_ARRAY_SIZE(case_array),                         \
	};                                                                      \
	static const struct umk_ktest_suite *const umk__ktest_ptr_##sname       \
		UMK_USED __attribute__((section("umk_ktest"), aligned(8))) =    \
			&umk__ktest_suite_##sname

/* The same with suite init (non-zero return skips the suite) and exit. */
#define UMK_KTEST_SUITE_INIT(sname, case_array, init_fn, exit_fn)              \
	static const struct umk_ktest_suite umk__ktest_suite_##sname = {       \
		.name = #sname,                                                 \
		.cases = case_array,                                            \
		.nr_cases = UMK_ARRAY_SIZE(case_array),                         \
		.init = init_fn,                                                \
		.exit = exit_fn,                                                \
	};                                                                      \
	static const struct umk_ktest_suite *const umk__ktest_ptr_##sname       \
		UMK_USED __attribute__((section("umk_ktest"), aligned(8))) =    \
			&umk__ktest_suite_##sname

/*
 * Record a failure (printed at once with file:line); the case goes on
 * (EXPECT) or ends now (ASSERT: umk_ktest_abort ends the calling task, so
 * assert only in the case's own task). A case fails if any check failed.
 */
void umk_ktest_fail(struct umk_ktest *t, const char *file, int line,
		    const char *fmt, ...) UMK_PRINTF(4, 5);
void umk_ktest_abort(struct umk_ktest *t) UMK_NORETURN;
/* Mark the case skipped with a reason (it ends now). */
void umk_ktest_skip(struct umk_ktest *t, const char *reason) UMK_NORETURN;

#define UMK__KCHECK(t, cond, abort, ...)                                    \
	do {                                                                \
		if (umk_unlikely(!(cond))) {                                \
			umk_ktest_fail(t, __FILE__, __LINE__, __VA_ARGS__); \
			if (abort)                                          \
				umk_ktest_abort(t);                         \
		}                                                           \
	} while (0)

#define UMK__KCMP(t, a, op, b, abort)                                        \
	do {                                                                 \
		long long umk__a = (long long)(a), umk__b = (long long)(b);   \
		UMK__KCHECK(t, umk__a op umk__b, abort,                      \
			    "expected %s %s %s (%lld %s %lld)", #a, #op, #b, \
			    umk__a, #op, umk__b);                            \
	} while (0)

#define UMK_EXPECT_TRUE(t, c) UMK__KCHECK(t, c, 0, "expected %s", #c)
#define UMK_ASSERT_TRUE(t, c) UMK__KCHECK(t, c, 1, "expected %s", #c)
#define UMK_EXPECT_EQ(t, a, b) UMK__KCMP(t, a, ==, b, 0)
#define UMK_ASSERT_EQ(t, a, b) UMK__KCMP(t, a, ==, b, 1)
#define UMK_EXPECT_NE(t, a, b) UMK__KCMP(t, a, !=, b, 0)
#define UMK_ASSERT_NE(t, a, b) UMK__KCMP(t, a, !=, b, 1)
#define UMK_EXPECT_LT(t, a, b) UMK__KCMP(t, a, <, b, 0)
#define UMK_EXPECT_LE(t, a, b) UMK__KCMP(t, a, <=, b, 0)
#define UMK_EXPECT_GT(t, a, b) UMK__KCMP(t, a, >, b, 0)
#define UMK_EXPECT_GE(t, a, b) UMK__KCMP(t, a, >=, b, 0)
#define UMK_ASSERT_NOT_NULL(t, p) UMK__KCHECK(t, (p) != NULL, 1, "%s is NULL", #p)
#define UMK_EXPECT_NOT_NULL(t, p) UMK__KCHECK(t, (p) != NULL, 0, "%s is NULL", #p)
#define UMK_ASSERT_LT(t, a, b) UMK__KCMP(t, a, <, b, 1)
#define UMK_ASSERT_LE(t, a, b) UMK__KCMP(t, a, <=, b, 1)
#define UMK_ASSERT_GT(t, a, b) UMK__KCMP(t, a, >, b, 1)
#define UMK_ASSERT_GE(t, a, b) UMK__KCMP(t, a, >=, b, 1)
#define UMK_EXPECT_FALSE(t, c) UMK__KCHECK(t, !(c), 0, "expected !(%s)", #c)
#define UMK_ASSERT_FALSE(t, c) UMK__KCHECK(t, !(c), 1, "expected !(%s)", #c)
/* Strings, compared with umk_strcmp (include <umk/string.h>). */
#define UMK__KSTR(t, a, b, abort)                                            \
	do {                                                                 \
		const char *umk__sa = (a), *umk__sb = (b);                   \
		UMK__KCHECK(t, umk__sa && umk__sb &&                         \
				       umk_strcmp(umk__sa, umk__sb) == 0,     \
			    abort, "expected %s == %s (\"%s\" vs \"%s\")", #a, \
			    #b, umk__sa ? umk__sa : "(null)",                \
			    umk__sb ? umk__sb : "(null)");                   \
	} while (0)
#define UMK_EXPECT_STREQ(t, a, b) UMK__KSTR(t, a, b, 0)
#define UMK_ASSERT_STREQ(t, a, b) UMK__KSTR(t, a, b, 1)

/* Print "    # file:line: message"-style notes under the current case. */
void umk_ktest_log(struct umk_ktest *t, const char *fmt, ...) UMK_PRINTF(2, 3);

/*
 * Run the matching suites, one task per case, printing "ok N suite.case"
 * or "not ok N suite.case" per case and the closing line
 * "N passed, N failed" (", N skipped" appended when any were skipped).
 * filter: NULL for all, else a comma-separated list of glob patterns,
 * each matching a suite name ("sync", "ti*") or, with a dot, suite and
 * case ("sync.mutex_*"). Returns the number of failed cases, or 1 when
 * filter matches no test at all.
 */
int umk_ktest_run(const char *filter);
/* Print the names of the built-in suites, one per line. */
void umk_ktest_list(void);

#endif
