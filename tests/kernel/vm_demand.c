/*
 * Suite vm_demand: demand paging (CONFIG_VM). A mapping costs no memory
 * until touched; each touched page costs exactly one page and one fault,
 * a read first maps read-only and a later write upgrades it; populate
 * faults everything in up front; unmapping and destroying give every page
 * back.
 */
#include <umk/errno.h>
#include <umk/ktest.h>
#include <umk/mm.h>
#include <umk/task.h>
#include <umk/vm.h>
#include "core/page.h"

#define VMDEMAND_RW (UMK_PROT_READ | UMK_PROT_WRITE)
#define VMDEMAND_WORDS (UMK_PAGE_SIZE / sizeof(long))

static struct umk_mm_stats vmdemand_stats(struct umk_mm *mm)
{
	struct umk_mm_stats st;

	umk_mm_stats(mm, &st);
	return st;
}

static void vmdemand_counts_touched_pages(struct umk_ktest *t)
{
	static const int touched[] = { 0, 5, 17, 63, 31 };
	struct umk_mm *mm = umk_mm_create();
	volatile unsigned long *p;
	unsigned long per;
	unsigned int i;

	UMK_ASSERT_NOT_NULL(t, mm);
	p = umk_mmap(mm, NULL, 64 * UMK_PAGE_SIZE, VMDEMAND_RW, 0);
	UMK_ASSERT_TRUE(t, !umk_vm_failed((void *)p));
	UMK_EXPECT_EQ(t, vmdemand_stats(mm).mapped_pages, 64);
	UMK_EXPECT_EQ(t, vmdemand_stats(mm).resident_pages, 0);
	p[touched[0] * VMDEMAND_WORDS + 3] = 1;
	/*
	 * One fault per first write, or two where the host does not say
	 * which access faulted (aarch64 under qemu-user): read, upgrade.
	 */
	per = vmdemand_stats(mm).faults;
	UMK_EXPECT_TRUE(t, per == 1 || per == 2);
	for (i = 0; i < UMK_ARRAY_SIZE(touched); i++) {
		p[touched[i] * VMDEMAND_WORDS + 3] = i + 1;
		UMK_EXPECT_EQ(t, vmdemand_stats(mm).resident_pages, i + 1);
		UMK_EXPECT_EQ(t, vmdemand_stats(mm).faults, (i + 1) * per);
	}
	/* Touching them again costs nothing. */
	for (i = 0; i < UMK_ARRAY_SIZE(touched); i++) {
		UMK_EXPECT_EQ(t, p[touched[i] * VMDEMAND_WORDS + 3], i + 1);
		p[touched[i] * VMDEMAND_WORDS + 100] = 9;
	}
	UMK_EXPECT_EQ(t, vmdemand_stats(mm).resident_pages, 5);
	UMK_EXPECT_EQ(t, vmdemand_stats(mm).faults, 5 * per);
	/* A read of a new page counts too, and reads zero. */
	UMK_EXPECT_EQ(t, p[40 * VMDEMAND_WORDS], 0);
	UMK_EXPECT_EQ(t, vmdemand_stats(mm).resident_pages, 6);
	umk_mm_destroy(mm);
}

static void vmdemand_read_then_write(struct umk_ktest *t)
{
	struct umk_mm *mm = umk_mm_create();
	volatile unsigned long *p;

	UMK_ASSERT_NOT_NULL(t, mm);
	p = umk_mmap(mm, NULL, UMK_PAGE_SIZE, VMDEMAND_RW, 0);
	UMK_ASSERT_TRUE(t, !umk_vm_failed((void *)p));
	UMK_EXPECT_EQ(t, p[1], 0);
	UMK_EXPECT_EQ(t, vmdemand_stats(mm).faults, 1);
	p[1] = 77; /* read-only until now: one upgrade fault, no new page */
	UMK_EXPECT_EQ(t, vmdemand_stats(mm).faults, 2);
	UMK_EXPECT_EQ(t, vmdemand_stats(mm).resident_pages, 1);
	UMK_EXPECT_EQ(t, vmdemand_stats(mm).cow_copies, 0);
	p[2] = 78;
	UMK_EXPECT_EQ(t, vmdemand_stats(mm).faults, 2);
	UMK_EXPECT_EQ(t, p[1] + p[2], 155);
	umk_mm_destroy(mm);
}

static void vmdemand_populate(struct umk_ktest *t)
{
	struct umk_mm *mm = umk_mm_create();
	volatile unsigned long *p;
	unsigned long faults, i;

	UMK_ASSERT_NOT_NULL(t, mm);
	p = umk_mmap(mm, NULL, 16 * UMK_PAGE_SIZE, VMDEMAND_RW,
		     UMK_MAP_POPULATE);
	UMK_ASSERT_TRUE(t, !umk_vm_failed((void *)p));
	UMK_EXPECT_EQ(t, vmdemand_stats(mm).resident_pages, 16);
	faults = vmdemand_stats(mm).faults;
	for (i = 0; i < 16; i++)
		p[i * VMDEMAND_WORDS] = i;
	UMK_EXPECT_EQ(t, vmdemand_stats(mm).faults, faults);
	umk_mm_destroy(mm);
}

static void vmdemand_unmap_gives_back(struct umk_ktest *t)
{
	struct umk_mm *mm;
	volatile unsigned long *p;
	unsigned long before, i;
	int round;

	/* Round 0 warms the caches (VMA slab, page-table leaves). */
	for (round = 0; round < 2; round++) {
		before = umk_page_nr_free();
		mm = umk_mm_create();
		UMK_ASSERT_NOT_NULL(t, mm);
		p = umk_mmap(mm, NULL, 32 * UMK_PAGE_SIZE, VMDEMAND_RW, 0);
		UMK_ASSERT_TRUE(t, !umk_vm_failed((void *)p));
		for (i = 0; i < 32; i++)
			p[i * VMDEMAND_WORDS] = i;
		UMK_EXPECT_LE(t, umk_page_nr_free() + 32, before);
		UMK_EXPECT_EQ(t, umk_munmap(mm, (void *)p, 32 * UMK_PAGE_SIZE), 0);
		UMK_EXPECT_EQ(t, vmdemand_stats(mm).resident_pages, 0);
		p = umk_mmap(mm, NULL, 8 * UMK_PAGE_SIZE, VMDEMAND_RW, 0);
		UMK_ASSERT_TRUE(t, !umk_vm_failed((void *)p));
		for (i = 0; i < 8; i++)
			p[i * VMDEMAND_WORDS] = i;
		umk_mm_destroy(mm);
		if (round)
			UMK_EXPECT_EQ(t, umk_page_nr_free(), before);
	}
}

static void vmdemand_fresh_after_unmap(struct umk_ktest *t)
{
	struct umk_mm *mm = umk_mm_create();
	volatile unsigned long *p, *q;

	UMK_ASSERT_NOT_NULL(t, mm);
	p = umk_mmap(mm, NULL, UMK_PAGE_SIZE, VMDEMAND_RW, 0);
	UMK_ASSERT_TRUE(t, !umk_vm_failed((void *)p));
	p[0] = 0xdead;
	UMK_EXPECT_EQ(t, umk_munmap(mm, (void *)p, UMK_PAGE_SIZE), 0);
	q = umk_mmap(mm, (void *)p, UMK_PAGE_SIZE, VMDEMAND_RW, 0);
	UMK_ASSERT_TRUE(t, q == p); /* the hint is free again */
	UMK_EXPECT_EQ(t, q[0], 0);  /* and the old data is gone */
	umk_mm_destroy(mm);
}

static int vmdemand_owner(void *arg)
{
	struct umk_mm *mm = arg;
	volatile unsigned long *p;

	umk_task_set_mm(umk_current(), mm);
	p = umk_mmap(mm, NULL, UMK_PAGE_SIZE, VMDEMAND_RW, 0);
	if (umk_vm_failed((void *)p))
		return 1;
	p[0] = 1;
	return 0; /* exits holding the mm */
}

static int vmdemand_read(void *arg)
{
	return (int)*(volatile unsigned long *)arg;
}

static void vmdemand_task_exit_drops_mm(struct umk_ktest *t)
{
	struct umk_mm *mm = umk_mm_create();
	struct umk_task *task;
	unsigned long p;
	int code = -1;

	UMK_ASSERT_NOT_NULL(t, mm);
	task = umk_task_create(vmdemand_owner, mm, "vm-owner");
	UMK_ASSERT_NOT_NULL(t, task);
	UMK_ASSERT_EQ(t, umk_task_join(task, &code), 0);
	UMK_ASSERT_EQ(t, code, 0);
	UMK_ASSERT_EQ(t, vmdemand_stats(mm).resident_pages, 1);
	p = (unsigned long)umk_mmap(mm, NULL, UMK_PAGE_SIZE, VMDEMAND_RW, 0);
	umk_mm_destroy(mm); /* the last reference, if exit dropped the task's */
	UMK_EXPECT_EQ(t, umk_vm_try(vmdemand_read, (void *)p, NULL),
		      -UMK_EFAULT);
}

static const struct umk_ktest_case vmdemand_cases[] = {
	UMK_KTEST_CASE(vmdemand_counts_touched_pages),
	UMK_KTEST_CASE(vmdemand_read_then_write),
	UMK_KTEST_CASE(vmdemand_populate),
	UMK_KTEST_CASE(vmdemand_unmap_gives_back),
	UMK_KTEST_CASE(vmdemand_fresh_after_unmap),
	UMK_KTEST_CASE(vmdemand_task_exit_drops_mm),
};

UMK_KTEST_SUITE(vm_demand, vmdemand_cases);
