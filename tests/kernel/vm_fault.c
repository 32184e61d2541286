/*
 * Suite vm_fault: bad accesses are the task's errors, not the kernel's
 * (CONFIG_VM). Inside umk_vm_try() a write to a read-only mapping, a
 * touch of a guard region or of an unmapped address ends the protected
 * function with -EACCES / -EFAULT and the task goes on; umk_vm_try()
 * nests; outside it, the faulting task is ended with -EFAULT while the
 * kernel keeps running.
 */
#include <umk/errno.h>
#include <umk/ktest.h>
#include <umk/mm.h>
#include <umk/task.h>
#include <umk/vm.h>

#define VMFAULT_RW (UMK_PROT_READ | UMK_PROT_WRITE)

static int vmfault_write(void *arg)
{
	*(volatile unsigned long *)arg = 1;
	return 7;
}

static int vmfault_read(void *arg)
{
	return (int)*(volatile unsigned long *)arg;
}

static void vmfault_write_to_readonly(struct umk_ktest *t)
{
	struct umk_mm *mm = umk_mm_create();
	struct umk_mm_stats st;
	struct umk_vm_fault f;
	unsigned long *p;

	UMK_ASSERT_NOT_NULL(t, mm);
	p = umk_mmap(mm, NULL, 2 * UMK_PAGE_SIZE, UMK_PROT_READ, 0);
	UMK_ASSERT_TRUE(t, !umk_vm_failed(p));
	UMK_EXPECT_EQ(t, umk_vm_try(vmfault_read, p, &f), 0); /* reads: fine */
	UMK_EXPECT_EQ(t, f.error, 0);
	UMK_EXPECT_EQ(t, umk_vm_try(vmfault_write, p + 3, &f), -UMK_EACCES);
	UMK_EXPECT_TRUE(t, f.addr == (void *)(p + 3));
	UMK_EXPECT_TRUE(t, f.write);
	UMK_EXPECT_EQ(t, f.error, -UMK_EACCES);
	umk_mm_stats(mm, &st);
	UMK_EXPECT_EQ(t, st.bad_faults, 1);
	/* mprotect lifts it; the same write now succeeds. */
	UMK_EXPECT_EQ(t, umk_mprotect(mm, p, UMK_PAGE_SIZE, VMFAULT_RW), 0);
	UMK_EXPECT_EQ(t, umk_vm_try(vmfault_write, p + 3, &f), 7);
	UMK_EXPECT_EQ(t, p[3], 1);
	/* And taking it away again faults again, keeping the data. */
	UMK_EXPECT_EQ(t, umk_mprotect(mm, p, UMK_PAGE_SIZE, UMK_PROT_READ), 0);
	UMK_EXPECT_EQ(t, umk_vm_try(vmfault_write, p, NULL), -UMK_EACCES);
	UMK_EXPECT_EQ(t, umk_vm_try(vmfault_read, p + 3, NULL), 1);
	umk_mm_destroy(mm);
}

static void vmfault_guard_and_unmapped(struct umk_ktest *t)
{
	struct umk_mm *mm = umk_mm_create();
	struct umk_vm_fault f;
	char *g, *hole;

	UMK_ASSERT_NOT_NULL(t, mm);
	g = umk_mmap(mm, NULL, 3 * UMK_PAGE_SIZE, UMK_PROT_NONE, 0);
	UMK_ASSERT_TRUE(t, !umk_vm_failed(g));
	UMK_EXPECT_EQ(t, umk_vm_try(vmfault_read, g + UMK_PAGE_SIZE, &f),
		      -UMK_EACCES);
	UMK_EXPECT_TRUE(t, !f.write);
	hole = g - 16 * UMK_PAGE_SIZE; /* inside the window, not mapped */
	UMK_EXPECT_TRUE(t, umk_mm_contains(mm, hole, 1));
	UMK_EXPECT_EQ(t, umk_vm_try(vmfault_write, hole, &f), -UMK_EFAULT);
	UMK_EXPECT_TRUE(t, f.addr == (void *)hole);
	UMK_EXPECT_EQ(t, umk_copy_from_mm(mm, &f, g, 8), -UMK_EACCES);
	UMK_EXPECT_EQ(t, umk_vm_touch(mm, hole, 1, false), -UMK_EFAULT);
	umk_mm_destroy(mm);
	/* A stale pointer into a destroyed mm's window faults too. */
	UMK_EXPECT_EQ(t, umk_vm_try(vmfault_read, hole, &f), -UMK_EFAULT);
}

static void vmfault_prot_none_keeps_data(struct umk_ktest *t)
{
	struct umk_mm *mm = umk_mm_create();
	unsigned long *p;

	UMK_ASSERT_NOT_NULL(t, mm);
	p = umk_mmap(mm, NULL, 2 * UMK_PAGE_SIZE, VMFAULT_RW, 0);
	UMK_ASSERT_TRUE(t, !umk_vm_failed(p));
	UMK_EXPECT_EQ(t, umk_vm_try(vmfault_write, p, NULL), 7);
	UMK_EXPECT_EQ(t, umk_mprotect(mm, p, 2 * UMK_PAGE_SIZE, UMK_PROT_NONE), 0);
	UMK_EXPECT_EQ(t, umk_vm_try(vmfault_read, p, NULL), -UMK_EACCES);
	UMK_EXPECT_EQ(t, umk_vm_try(vmfault_write, p + 600, NULL), -UMK_EACCES);
	UMK_EXPECT_EQ(t, umk_mprotect(mm, p, 2 * UMK_PAGE_SIZE, UMK_PROT_READ), 0);
	UMK_EXPECT_EQ(t, umk_vm_try(vmfault_read, p, NULL), 1); /* kept */
	UMK_EXPECT_EQ(t, umk_vm_try(vmfault_write, p, NULL), -UMK_EACCES);
	umk_mm_destroy(mm);
}

struct vmfault_nest {
	unsigned long *bad;
	int inner;
};

static int vmfault_outer(void *arg)
{
	struct vmfault_nest *n = arg;

	n->inner = umk_vm_try(vmfault_write, n->bad, NULL);
	vmfault_write(n->bad); /* caught by the outer umk_vm_try */
	return 0;
}

static void vmfault_nested(struct umk_ktest *t)
{
	struct umk_mm *mm = umk_mm_create();
	struct vmfault_nest n;

	UMK_ASSERT_NOT_NULL(t, mm);
	n.bad = umk_mmap(mm, NULL, UMK_PAGE_SIZE, UMK_PROT_READ, 0);
	UMK_ASSERT_TRUE(t, !umk_vm_failed(n.bad));
	n.inner = 0;
	UMK_EXPECT_EQ(t, umk_vm_try(vmfault_outer, &n, NULL), -UMK_EACCES);
	UMK_EXPECT_EQ(t, n.inner, -UMK_EACCES);
	umk_mm_destroy(mm);
}

static int vmfault_uncaught_task(void *arg)
{
	*(volatile unsigned long *)arg = 5; /* ends this task */
	return 0;
}

static void vmfault_uncaught_ends_task(struct umk_ktest *t)
{
	struct umk_mm *mm = umk_mm_create();
	struct umk_task *task;
	unsigned long *p;
	int code = 0;

	UMK_ASSERT_NOT_NULL(t, mm);
	p = umk_mmap(mm, NULL, UMK_PAGE_SIZE, UMK_PROT_READ, 0);
	UMK_ASSERT_TRUE(t, !umk_vm_failed(p));
	task = umk_task_create(vmfault_uncaught_task, p, "vm-bad-write");
	UMK_ASSERT_NOT_NULL(t, task);
	UMK_EXPECT_EQ(t, umk_task_join(task, &code), 0);
	UMK_EXPECT_EQ(t, code, -UMK_EFAULT);
	UMK_EXPECT_EQ(t, p[0], 0);
	umk_mm_destroy(mm);
}

static const struct umk_ktest_case vmfault_cases[] = {
	UMK_KTEST_CASE(vmfault_write_to_readonly),
	UMK_KTEST_CASE(vmfault_guard_and_unmapped),
	UMK_KTEST_CASE(vmfault_prot_none_keeps_data),
	UMK_KTEST_CASE(vmfault_nested),
	UMK_KTEST_CASE(vmfault_uncaught_ends_task),
};

UMK_KTEST_SUITE(vm_fault, vmfault_cases);
