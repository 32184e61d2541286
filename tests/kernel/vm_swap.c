/*
 * Suite vm_swap: swapping to a host file (CONFIG_VM_SWAP). Under pressure
 * private dirty pages leave memory for the swap file and come back intact
 * on the next touch, read or write; a fork child shares its parent's
 * swapped pages and each side's later writes stay its own; unmapping and
 * destroying give the slots back.
 */
#include <umk/ktest.h>
#include <umk/mm.h>
#include <umk/vm.h>

#define VMSWAP_RW (UMK_PROT_READ | UMK_PROT_WRITE)
#define VMSWAP_WORDS (UMK_PAGE_SIZE / sizeof(long))
#define VMSWAP_ALL (1UL << 30)
#define VMSWAP_PAGES 64

static struct umk_mm_stats vmswap_stats(struct umk_mm *mm)
{
	struct umk_mm_stats st;

	umk_mm_stats(mm, &st);
	return st;
}

static unsigned long vmswap_pattern(unsigned long page, unsigned long word)
{
	return (page + 1) * 0x9e3779b97f4a7c15UL ^ word;
}

static volatile unsigned long *vmswap_filled(struct umk_ktest *t,
					     struct umk_mm **mm)
{
	volatile unsigned long *p;
	unsigned long i, w;

	*mm = umk_mm_create();
	UMK_ASSERT_NOT_NULL(t, *mm);
	p = umk_mmap(*mm, NULL, VMSWAP_PAGES * UMK_PAGE_SIZE, VMSWAP_RW, 0);
	UMK_ASSERT_TRUE(t, !umk_vm_failed((void *)p));
	for (i = 0; i < VMSWAP_PAGES; i++)
		for (w = 0; w < VMSWAP_WORDS; w += 61)
			p[i * VMSWAP_WORDS + w] = vmswap_pattern(i, w);
	return p;
}

static bool vmswap_intact(volatile unsigned long *p, unsigned long i)
{
	unsigned long w;

	for (w = 0; w < VMSWAP_WORDS; w += 61)
		if (p[i * VMSWAP_WORDS + w] != vmswap_pattern(i, w))
			return false;
	return true;
}

static void vmswap_out_and_back(struct umk_ktest *t)
{
	struct umk_mm *mm;
	volatile unsigned long *p = vmswap_filled(t, &mm);
	unsigned long i;

	umk_shrink_memory(VMSWAP_ALL);
	UMK_EXPECT_EQ(t, vmswap_stats(mm).resident_pages, 0);
	UMK_EXPECT_EQ(t, vmswap_stats(mm).swapped_pages, VMSWAP_PAGES);
	for (i = 0; i < VMSWAP_PAGES; i += 2) /* reads bring pages back */
		UMK_EXPECT_TRUE(t, vmswap_intact(p, i));
	for (i = 1; i < VMSWAP_PAGES; i += 2) /* and so do writes */
		p[i * VMSWAP_WORDS + 1] = vmswap_pattern(i, 1);
	for (i = 0; i < VMSWAP_PAGES; i++)
		UMK_EXPECT_TRUE(t, vmswap_intact(p, i));
	UMK_EXPECT_EQ(t, vmswap_stats(mm).resident_pages, VMSWAP_PAGES);
	UMK_EXPECT_EQ(t, vmswap_stats(mm).swapped_pages, 0);
	/* Out again, then unmapped while in swap: the slots go back. */
	umk_shrink_memory(VMSWAP_ALL);
	UMK_EXPECT_EQ(t, vmswap_stats(mm).swapped_pages, VMSWAP_PAGES);
	UMK_EXPECT_EQ(t, umk_munmap(mm, (void *)p, VMSWAP_PAGES * UMK_PAGE_SIZE), 0);
	UMK_EXPECT_EQ(t, vmswap_stats(mm).swapped_pages, 0);
	umk_mm_destroy(mm);
}

static void vmswap_fork_shares_swap(struct umk_ktest *t)
{
	struct umk_mm *mm, *child;
	volatile unsigned long *p = vmswap_filled(t, &mm), *c;
	unsigned long i;

	umk_shrink_memory(VMSWAP_ALL);
	UMK_ASSERT_EQ(t, vmswap_stats(mm).swapped_pages, VMSWAP_PAGES);
	UMK_ASSERT_EQ(t, umk_mm_fork(mm, &child), 0);
	UMK_EXPECT_EQ(t, vmswap_stats(child).swapped_pages, VMSWAP_PAGES);
	c = umk_mm_translate(child, mm, (const void *)p);
	p[0] = 1;                 /* the parent's page 0 comes back, changed */
	UMK_EXPECT_TRUE(t, vmswap_intact(c, 0));
	c[VMSWAP_WORDS] = 2;      /* the child's page 1 likewise */
	UMK_EXPECT_TRUE(t, vmswap_intact(p, 1));
	UMK_EXPECT_EQ(t, p[0], 1);
	UMK_EXPECT_EQ(t, c[VMSWAP_WORDS], 2);
	umk_mm_destroy(mm);       /* the child still reads every page */
	for (i = 2; i < VMSWAP_PAGES; i++)
		UMK_EXPECT_TRUE(t, vmswap_intact(c, i));
	umk_mm_destroy(child);
}

static const struct umk_ktest_case vmswap_cases[] = {
	UMK_KTEST_CASE(vmswap_out_and_back),
	UMK_KTEST_CASE(vmswap_fork_shares_swap),
};

UMK_KTEST_SUITE(vm_swap, vmswap_cases);
