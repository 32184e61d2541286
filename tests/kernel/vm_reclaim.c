/*
 * Suite vm_reclaim: the vm's shrinker (CONFIG_VM). Under pressure it
 * drops pages that were only read and pages that hold zeros again, keeps
 * the data of the others (in memory, or in swap: see vm_swap) and pages
 * shared after fork, and a dropped page comes back as a zero page on the
 * next touch.
 */
#include <umk/ktest.h>
#include <umk/mm.h>
#include <umk/vm.h>

#define VMRECLAIM_RW (UMK_PROT_READ | UMK_PROT_WRITE)
#define VMRECLAIM_WORDS (UMK_PAGE_SIZE / sizeof(long))
#define VMRECLAIM_ALL (1UL << 30) /* ask every shrinker for everything */

static struct umk_mm_stats vmreclaim_stats(struct umk_mm *mm)
{
	struct umk_mm_stats st;

	umk_mm_stats(mm, &st);
	return st;
}

static void vmreclaim_drops_clean_zero_pages(struct umk_ktest *t)
{
	struct umk_mm *mm = umk_mm_create();
	volatile unsigned long *p;
	unsigned long i, sum = 0;

	UMK_ASSERT_NOT_NULL(t, mm);
	p = umk_mmap(mm, NULL, 32 * UMK_PAGE_SIZE, VMRECLAIM_RW, 0);
	UMK_ASSERT_TRUE(t, !umk_vm_failed((void *)p));
	for (i = 0; i < 16; i++)          /* pages 0-15: read only */
		sum += p[i * VMRECLAIM_WORDS];
	for (i = 16; i < 24; i++)         /* 16-23: data */
		p[i * VMRECLAIM_WORDS + 1] = i;
	for (i = 24; i < 32; i++) {       /* 24-31: written, zero again */
		p[i * VMRECLAIM_WORDS] = i;
		p[i * VMRECLAIM_WORDS] = 0;
	}
	UMK_EXPECT_EQ(t, sum, 0);
	UMK_EXPECT_EQ(t, vmreclaim_stats(mm).resident_pages, 32);
	UMK_EXPECT_GE(t, umk_shrink_memory(VMRECLAIM_ALL), 24);
	/* The data pages stay, in memory or (CONFIG_VM_SWAP) in swap. */
	UMK_EXPECT_EQ(t, vmreclaim_stats(mm).resident_pages +
				 vmreclaim_stats(mm).swapped_pages, 8);
	UMK_EXPECT_EQ(t, vmreclaim_stats(mm).reclaimed, 24);
	for (i = 16; i < 24; i++)
		UMK_EXPECT_EQ(t, p[i * VMRECLAIM_WORDS + 1], i);
	for (i = 0; i < 32; i++)
		if (i < 16 || i >= 24)
			UMK_EXPECT_EQ(t, p[i * VMRECLAIM_WORDS], 0);
	/* The reads above brought 24 zero pages back, on demand. */
	UMK_EXPECT_EQ(t, vmreclaim_stats(mm).resident_pages, 32);
	/* A page sealed by the shrinker still takes writes. */
	p[25 * VMRECLAIM_WORDS] = 7;
	UMK_EXPECT_EQ(t, p[25 * VMRECLAIM_WORDS], 7);
	umk_mm_destroy(mm);
}

static void vmreclaim_keeps_shared_pages(struct umk_ktest *t)
{
	struct umk_mm *mm = umk_mm_create(), *child;
	volatile unsigned long *p;
	unsigned long i, sum = 0;

	UMK_ASSERT_NOT_NULL(t, mm);
	p = umk_mmap(mm, NULL, 8 * UMK_PAGE_SIZE, VMRECLAIM_RW, 0);
	UMK_ASSERT_TRUE(t, !umk_vm_failed((void *)p));
	for (i = 0; i < 8; i++)
		sum += p[i * VMRECLAIM_WORDS];
	UMK_ASSERT_EQ(t, umk_mm_fork(mm, &child), 0);
	umk_shrink_memory(VMRECLAIM_ALL);
	UMK_EXPECT_EQ(t, vmreclaim_stats(mm).resident_pages, 8);
	UMK_EXPECT_EQ(t, vmreclaim_stats(child).resident_pages, 8);
	umk_mm_destroy(child);
	umk_shrink_memory(VMRECLAIM_ALL);
	UMK_EXPECT_EQ(t, vmreclaim_stats(mm).resident_pages, 0);
	UMK_EXPECT_EQ(t, sum, 0);
	umk_mm_destroy(mm);
}

static const struct umk_ktest_case vmreclaim_cases[] = {
	UMK_KTEST_CASE(vmreclaim_drops_clean_zero_pages),
	UMK_KTEST_CASE(vmreclaim_keeps_shared_pages),
};

UMK_KTEST_SUITE(vm_reclaim, vmreclaim_cases);
