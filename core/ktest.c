/*
 * The in-kernel test runner (<umk/ktest.h>). Suites are collected from
 * the linker section umk_ktest; each case runs in a task of its own, so
 * a failed assertion ends the case (its task exits) and the run goes on,
 * and a case sees the kernel as any task does: it can sleep, create
 * tasks, take mutexes.
 *
 * Output, on the console whatever the log level, one line per case:
 *
 *   # suite: sync (12 cases)
 *       # sync.c:88: expected n == 10 (9 == 10)
 *   not ok 7 sync.mutex_contention
 *   ok 8 sync.sem_basic
 *   ok 9 sync.sem_timeout # SKIP why
 *   41 passed, 1 failed, 1 skipped
 *
 * The last line is what ctest and scripts look for.
 *
 * A suite whose name begins with '_' is hidden: it runs only when the
 * filter names it exactly, and --list-tests does not show it. The
 * framework's own tests use one, running it with a nested
 * umk_ktest_run(); a nested run prints its lines as "    # | ..." notes
 * and no closing line, so the outer run's output stays unambiguous.
 */
#include <umk/ktest.h>
#include <umk/printk.h>
#include <umk/string.h>
#include <umk/task.h>
#include "core/task.h"

struct umk_ktest {
	const struct umk_ktest_suite *suite;
	const struct umk_ktest_case *tcase;
	unsigned int failures;
	bool skipped;
	const char *skip_reason;
};

struct ktest_totals {
	unsigned int run, passed, failed, skipped;
};

/* umk_ktest_run() calls in progress: > 1 inside a test case. */
static unsigned int ktest_depth;

extern const struct umk_ktest_suite *const __start_umk_ktest[] UMK_WEAK;
extern const struct umk_ktest_suite *const __stop_umk_ktest[] UMK_WEAK;

#define ktest_for_each_suite(pp)                                       \
	for (pp = __start_umk_ktest; pp && pp < __stop_umk_ktest; pp++) \
		if (*pp)

/* __FILE__ is whatever path the build used; the last part is enough. */
static const char *ktest_basename(const char *file)
{
	const char *p, *base = file;

	for (p = file; *p; p++)
		if (*p == '/')
			base = p + 1;
	return base;
}

/* A line of runner output, marked as a note inside a nested run. */
static void ktest_out(const char *fmt, ...) UMK_PRINTF(1, 2);
static void ktest_out(const char *fmt, ...)
{
	char line[384];
	va_list ap;

	va_start(ap, fmt);
	umk_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (UMK_READ_ONCE(ktest_depth) > 1)
		umk_console_printf("    # | %s", line);
	else
		umk_console_printf("%s", line);
}

void umk_ktest_fail(struct umk_ktest *t, const char *file, int line,
		    const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	umk_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	__atomic_fetch_add(&t->failures, 1, __ATOMIC_RELAXED);
	ktest_out("    # %s:%d: %s\n", ktest_basename(file), line, msg);
}

void umk_ktest_log(struct umk_ktest *t, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	(void)t;
	va_start(ap, fmt);
	umk_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ktest_out("    # %s\n", msg);
}

void umk_ktest_abort(struct umk_ktest *t)
{
	(void)t;
	umk_task_exit(1);
}

void umk_ktest_skip(struct umk_ktest *t, const char *reason)
{
	t->skipped = true;
	t->skip_reason = reason;
	umk_task_exit(0);
}

/* One glob of the filter, given as [p, p + n), against suite and case. */
static bool ktest_pattern_match(const char *p, size_t n,
				const struct umk_ktest_suite *s,
				const struct umk_ktest_case *c)
{
	size_t dot;

	for (dot = 0; dot < n && p[dot] != '.'; dot++)
		;
	if (!umk_glob_match(p, dot, s->name, umk_strlen(s->name)))
		return false;
	if (dot == n || !c)
		return true; /* no case part, or asking about the suite */
	return umk_glob_match(p + dot + 1, n - dot - 1, c->name,
			      umk_strlen(c->name));
}

/* Hidden suites ('_' first) run only when a pattern is their exact name. */
static bool ktest_hidden_named(const char *filter, const char *name)
{
	size_t n = umk_strlen(name);
	const char *p = filter;

	while (p && *p) {
		if (!umk_strncmp(p, name, n) &&
		    (p[n] == '\0' || p[n] == ',' || p[n] == '.'))
			return true;
		p = umk_strchr(p, ',');
		if (p)
			p++;
	}
	return false;
}

/* Does the filter select case c of suite s? */
static bool ktest_selected(const char *filter, const struct umk_ktest_suite *s,
			   const struct umk_ktest_case *c)
{
	const char *p = filter;

	if (s->name[0] == '_' && !ktest_hidden_named(filter, s->name))
		return false;
	if (!filter)
		return true;
	while (*p) {
		const char *end = umk_strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : umk_strlen(p);

		if (n && ktest_pattern_match(p, n, s, c))
			return true;
		p += n + (end ? 1 : 0);
	}
	return false;
}

static int ktest_case_task(void *arg)
{
	struct umk_ktest *t = arg;

	umk_current_task()->ktest = t;
	t->tcase->run(t);
	return 0;
}

static void ktest_run_case(struct ktest_totals *tot,
			   const struct umk_ktest_suite *s,
			   const struct umk_ktest_case *c)
{
	struct umk_ktest t = { .suite = s, .tcase = c };
	struct umk_task *task;
	int code = 0, err;

	task = umk_task_create(ktest_case_task, &t, c->name);
	if (!task) {
		ktest_out("    # cannot create a task for the case\n");
		t.failures++;
	} else if ((err = umk_task_join(task, &code))) {
		ktest_out("    # join failed: %s\n", umk_strerror(err));
		t.failures++;
	}
	tot->run++;
	if (t.failures) {
		tot->failed++;
		ktest_out("not ok %u %s.%s\n", tot->run, s->name, c->name);
	} else if (t.skipped) {
		tot->skipped++;
		ktest_out("ok %u %s.%s # SKIP %s\n", tot->run, s->name,
				   c->name, t.skip_reason ? t.skip_reason : "");
	} else {
		tot->passed++;
		ktest_out("ok %u %s.%s\n", tot->run, s->name, c->name);
	}
}

static void ktest_run_suite(struct ktest_totals *tot, const char *filter,
			    const struct umk_ktest_suite *s)
{
	unsigned int i, n = 0;

	for (i = 0; i < s->nr_cases; i++)
		n += ktest_selected(filter, s, &s->cases[i]);
	if (!n)
		return;
	ktest_out("# suite: %s (%u case%s)\n", s->name, n,
			   n == 1 ? "" : "s");
	if (s->init && s->init()) {
		for (i = 0; i < s->nr_cases; i++) {
			if (!ktest_selected(filter, s, &s->cases[i]))
				continue;
			tot->run++;
			tot->skipped++;
			ktest_out("ok %u %s.%s # SKIP suite init failed\n",
					   tot->run, s->name, s->cases[i].name);
		}
		return;
	}
	for (i = 0; i < s->nr_cases; i++)
		if (ktest_selected(filter, s, &s->cases[i]))
			ktest_run_case(tot, s, &s->cases[i]);
	if (s->exit)
		s->exit();
}

int umk_ktest_run(const char *filter)
{
	const struct umk_ktest_suite *const *pp;
	struct ktest_totals tot = { 0, 0, 0, 0 };
	bool any = false;

	__atomic_fetch_add(&ktest_depth, 1, __ATOMIC_RELAXED);
	ktest_for_each_suite(pp) {
		any = true;
		ktest_run_suite(&tot, filter, *pp);
	}
	if (!any)
		ktest_out("# no tests are built in (CONFIG_SELFTEST=n)\n");
	else if (filter && !tot.run)
		ktest_out("# no test matches '%s'\n", filter);
	if (ktest_depth > 1)
		ktest_out("(nested run: %u passed, %u failing, %u skipped)\n",
			  tot.passed, tot.failed, tot.skipped);
	else if (tot.skipped)
		ktest_out("%u passed, %u failed, %u skipped\n", tot.passed,
			  tot.failed, tot.skipped);
	else
		ktest_out("%u passed, %u failed\n", tot.passed, tot.failed);
	__atomic_fetch_sub(&ktest_depth, 1, __ATOMIC_RELAXED);
	if (filter && !tot.run)
		return 1;
	return (int)tot.failed;
}

void umk_ktest_list(void)
{
	const struct umk_ktest_suite *const *pp;

	ktest_for_each_suite(pp)
		if ((*pp)->name[0] != '_')
			umk_console_printf("%s\n", (*pp)->name);
}
