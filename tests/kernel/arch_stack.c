/*
 * Suite arch_stack: the task stack pool of arch/um. Overflowing into a
 * guard page ends the kernel, so that case runs only when asked for with
 * --selftest-crash=stack-overflow, from tests/arch/stack_overflow.sh,
 * which checks the exit status and that the panic names the task.
 */
#include <umk/config.h>
#include <umk/init.h>
#include <umk/ktest.h>
#include <umk/sched.h>
#include <umk/string.h>
#include <umk/task.h>
#include "arch/um/arch.h"

#define ST_MANY 96
#define ST_PAGE 4096UL

static void *st_stacks[ST_MANY + CONFIG_STACK_POOL_SIZE + 8];

static void stack_size_and_access(struct umk_ktest *t)
{
	unsigned long size = 0;
	volatile char *s = umk_arch_stack_alloc(&size);

	UMK_ASSERT_NOT_NULL(t, s);
	UMK_EXPECT_GE(t, size, (unsigned long)CONFIG_STACK_SIZE_KB * 1024);
	UMK_EXPECT_EQ(t, (unsigned long)s % ST_PAGE, 0);
	UMK_EXPECT_EQ(t, size % ST_PAGE, 0);
	s[0] = 1;
	s[size - 1] = 2;
	UMK_EXPECT_EQ(t, s[0] + s[size - 1], 3);
	umk_arch_stack_free((void *)s);
}

static void freed_stack_is_reused(struct umk_ktest *t)
{
	unsigned long size;
	void *a, *b;

	if (CONFIG_STACK_POOL_SIZE == 0)
		umk_ktest_skip(t, "CONFIG_STACK_POOL_SIZE is 0");
	/* Freed stacks are kept per CPU first: stay on this one. */
	umk_set_cpus_allowed(umk_current(), 1ULL << umk_task_cpu(umk_current()));
	a = umk_arch_stack_alloc(&size);
	UMK_ASSERT_NOT_NULL(t, a);
	umk_arch_stack_free(a);
	b = umk_arch_stack_alloc(&size);
	UMK_EXPECT_TRUE(t, a == b);
	umk_arch_stack_free(b);
}

/* Live stacks never overlap and a guard page lies between any two. */
static void stacks_disjoint_with_gaps(struct umk_ktest *t)
{
	unsigned long size = 0;
	int i, j, n = 0;

	for (i = 0; i < ST_MANY; i++) {
		st_stacks[i] = umk_arch_stack_alloc(&size);
		if (!st_stacks[i])
			break;
		n++;
		((volatile char *)st_stacks[i])[size - 1] = (char)i;
	}
	UMK_EXPECT_EQ(t, n, ST_MANY);
	for (i = 0; i < n; i++) {
		unsigned long a = (unsigned long)st_stacks[i];

		UMK_EXPECT_EQ(t, ((volatile char *)st_stacks[i])[size - 1],
			      (char)i);
		for (j = i + 1; j < n; j++) {
			unsigned long b = (unsigned long)st_stacks[j];
			bool apart = b >= a + size + ST_PAGE ||
				     a >= b + size + ST_PAGE;

			if (!apart) {
				UMK_EXPECT_TRUE(t, apart);
				break;
			}
		}
	}
	for (i = 0; i < n; i++)
		umk_arch_stack_free(st_stacks[i]);
}

/*
 * Free more stacks than the pool keeps: the rest go back to the host
 * (their memory dropped) and must still be usable when handed out again.
 */
static void overflowing_the_pool(struct umk_ktest *t)
{
	int n = CONFIG_STACK_POOL_SIZE + 8, i;
	unsigned long size = 0;

	for (i = 0; i < n; i++) {
		st_stacks[i] = umk_arch_stack_alloc(&size);
		UMK_ASSERT_NOT_NULL(t, st_stacks[i]);
		umk_memset(st_stacks[i], 0x5a, size);
	}
	for (i = 0; i < n; i++)
		umk_arch_stack_free(st_stacks[i]);
	for (i = 0; i < n; i++) {
		volatile char *s = umk_arch_stack_alloc(&size);

		UMK_ASSERT_NOT_NULL(t, s);
		s[size / 2] = 7;
		UMK_EXPECT_EQ(t, s[size / 2], 7);
		st_stacks[i] = (void *)s;
	}
	for (i = 0; i < n; i++)
		umk_arch_stack_free(st_stacks[i]);
}

/* ---- Deliberate overflow (separate process, see the header) ---- */

static volatile int st_depth_limit = 1 << 30;

static UMK_NOINLINE int st_recurse(int depth)
{
	volatile char pad[512];

	pad[0] = (char)depth;
	if (depth > st_depth_limit)
		return pad[0];
	return st_recurse(depth + 1) + pad[0];
}

static int st_overflow(void *arg)
{
	(void)arg;
	return st_recurse(0);
}

static void guard_overflow_panics(struct umk_ktest *t)
{
	const char *v = umk_cmdline_get("selftest-crash");
	struct umk_task *o;
	int code = 0;

	if (!v || umk_strcmp(v, "stack-overflow"))
		umk_ktest_skip(t, "needs --selftest-crash=stack-overflow "
				  "(tests/arch/stack_overflow.sh)");
	o = umk_task_create(st_overflow, NULL, "overflow");
	UMK_ASSERT_NOT_NULL(t, o);
	umk_task_join(o, &code);
	/* Only reached if the overflow went unnoticed. */
	UMK_EXPECT_TRUE(t, !"stack overflow was not caught");
}

static const struct umk_ktest_case arch_stack_cases[] = {
	UMK_KTEST_CASE(stack_size_and_access),
	UMK_KTEST_CASE(freed_stack_is_reused),
	UMK_KTEST_CASE(stacks_disjoint_with_gaps),
	UMK_KTEST_CASE(overflowing_the_pool),
	UMK_KTEST_CASE(guard_overflow_panics),
};

UMK_KTEST_SUITE(arch_stack, arch_stack_cases);
