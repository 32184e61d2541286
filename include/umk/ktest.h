/*
 * In-kernel unit tests in the spirit of Linux's KUnit. A suite is a named
 * array of cases; each case runs in a task of its own inside the booted
 * kernel, so a failed assertion ends that case (its task exits) and the
 * suite goes on. umk-boot --selftest[=SUITE] runs them and prints one line
 * per case and a closing "N passed, N failed".
 *
 * By convention the suite defined in tests/kernel/NAME.c is named NAME; the
 * build registers one ctest test per suite file from that convention.
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

#define UMK_KTEST_SUITE(sname, case_array)                                     \
	static const struct umk_ktest_suite umk__ktest_suite_##sname UMK_USED   \
		__attribute__((section("umk_ktest"), aligned(8))) = {           \
			.name = #sname,                                         \
			.cases = case_array,                                    \
			.nr_cases = UMK_ARRAY_SIZE(case_array),                 \
		}

/* Record a failure; the case goes on (EXPECT) or ends now (ASSERT). */
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

/* Run the suites whose name matches filter (NULL: all); returns failures. */
int umk_ktest_run(const char *filter);
/* Print the names of the built-in suites, one per line. */
void umk_ktest_list(void);

#endif
