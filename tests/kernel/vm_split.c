/*
 * Suite vm_split: mappings split and merge (CONFIG_VM). munmap in the
 * middle of a mapping leaves two, with the pages around the hole intact
 * and the hole faulting; mprotect of a middle part splits in three and
 * merges back when the protection is restored; touching mappings merge;
 * MAP_FIXED replaces what was there.
 */
#include <umk/errno.h>
#include <umk/ktest.h>
#include <umk/mm.h>
#include <umk/vm.h>

#define VMSPLIT_RW (UMK_PROT_READ | UMK_PROT_WRITE)
#define VMSPLIT_WORDS (UMK_PAGE_SIZE / sizeof(long))

static struct umk_mm_stats vmsplit_stats(struct umk_mm *mm)
{
	struct umk_mm_stats st;

	umk_mm_stats(mm, &st);
	return st;
}

static int vmsplit_read(void *arg)
{
	return (int)*(volatile unsigned long *)arg;
}

static void vmsplit_munmap_middle(struct umk_ktest *t)
{
	struct umk_mm *mm = umk_mm_create();
	volatile unsigned long *p;
	unsigned long i;

	UMK_ASSERT_NOT_NULL(t, mm);
	p = umk_mmap(mm, NULL, 8 * UMK_PAGE_SIZE, VMSPLIT_RW, 0);
	UMK_ASSERT_TRUE(t, !umk_vm_failed((void *)p));
	for (i = 0; i < 8; i++)
		p[i * VMSPLIT_WORDS] = i + 10;
	UMK_EXPECT_EQ(t, vmsplit_stats(mm).nr_vmas, 1);
	UMK_EXPECT_EQ(t, umk_munmap(mm, (void *)(p + 3 * VMSPLIT_WORDS),
				    2 * UMK_PAGE_SIZE), 0);
	UMK_EXPECT_EQ(t, vmsplit_stats(mm).nr_vmas, 2);
	UMK_EXPECT_EQ(t, vmsplit_stats(mm).mapped_pages, 6);
	UMK_EXPECT_EQ(t, vmsplit_stats(mm).resident_pages, 6);
	for (i = 0; i < 8; i++) {
		if (i == 3 || i == 4)
			UMK_EXPECT_EQ(t, umk_vm_try(vmsplit_read,
						    (void *)(p + i * VMSPLIT_WORDS),
						    NULL),
				      -UMK_EFAULT);
		else
			UMK_EXPECT_EQ(t, p[i * VMSPLIT_WORDS], i + 10);
	}
	/* Unmapping the pieces one by one empties the mm. */
	UMK_EXPECT_EQ(t, umk_munmap(mm, (void *)p, 3 * UMK_PAGE_SIZE), 0);
	UMK_EXPECT_EQ(t, umk_munmap(mm, (void *)(p + 5 * VMSPLIT_WORDS),
				    3 * UMK_PAGE_SIZE), 0);
	UMK_EXPECT_EQ(t, vmsplit_stats(mm).nr_vmas, 0);
	UMK_EXPECT_EQ(t, vmsplit_stats(mm).resident_pages, 0);
	umk_mm_destroy(mm);
}

static void vmsplit_mprotect_split_and_merge(struct umk_ktest *t)
{
	struct umk_mm *mm = umk_mm_create();
	volatile unsigned long *p;

	UMK_ASSERT_NOT_NULL(t, mm);
	p = umk_mmap(mm, NULL, 8 * UMK_PAGE_SIZE, VMSPLIT_RW, 0);
	UMK_ASSERT_TRUE(t, !umk_vm_failed((void *)p));
	p[2 * VMSPLIT_WORDS] = 2;
	UMK_EXPECT_EQ(t, umk_mprotect(mm, (void *)(p + 2 * VMSPLIT_WORDS),
				      2 * UMK_PAGE_SIZE, UMK_PROT_READ), 0);
	UMK_EXPECT_EQ(t, vmsplit_stats(mm).nr_vmas, 3);
	UMK_EXPECT_EQ(t, vmsplit_stats(mm).mapped_pages, 8);
	UMK_EXPECT_EQ(t, p[2 * VMSPLIT_WORDS], 2);
	UMK_EXPECT_EQ(t, umk_mprotect(mm, (void *)p, 8 * UMK_PAGE_SIZE,
				      VMSPLIT_RW), 0);
	UMK_EXPECT_EQ(t, vmsplit_stats(mm).nr_vmas, 1);
	p[2 * VMSPLIT_WORDS] = 3;
	UMK_EXPECT_EQ(t, p[2 * VMSPLIT_WORDS], 3);
	/* A hole in the range: mprotect refuses, as mprotect(2) does. */
	UMK_EXPECT_EQ(t, umk_munmap(mm, (void *)(p + 4 * VMSPLIT_WORDS),
				    UMK_PAGE_SIZE), 0);
	UMK_EXPECT_EQ(t, umk_mprotect(mm, (void *)p, 8 * UMK_PAGE_SIZE,
				      UMK_PROT_READ), -UMK_ENOMEM);
	umk_mm_destroy(mm);
}

static void vmsplit_touching_mappings_merge(struct umk_ktest *t)
{
	struct umk_mm *mm = umk_mm_create();
	char *a, *b, *c;

	UMK_ASSERT_NOT_NULL(t, mm);
	a = umk_mmap(mm, NULL, 4 * UMK_PAGE_SIZE, VMSPLIT_RW, 0);
	UMK_ASSERT_TRUE(t, !umk_vm_failed(a));
	b = umk_mmap(mm, a - 2 * UMK_PAGE_SIZE, 2 * UMK_PAGE_SIZE, VMSPLIT_RW, 0);
	UMK_ASSERT_TRUE(t, b == a - 2 * UMK_PAGE_SIZE);
	UMK_EXPECT_EQ(t, vmsplit_stats(mm).nr_vmas, 1);
	c = umk_mmap(mm, b - UMK_PAGE_SIZE, UMK_PAGE_SIZE, UMK_PROT_READ, 0);
	UMK_ASSERT_TRUE(t, c == b - UMK_PAGE_SIZE);
	UMK_EXPECT_EQ(t, vmsplit_stats(mm).nr_vmas, 2); /* other protection */
	/* The hint is taken: the next one goes elsewhere. */
	c = umk_mmap(mm, a, UMK_PAGE_SIZE, VMSPLIT_RW, 0);
	UMK_ASSERT_TRUE(t, !umk_vm_failed(c));
	UMK_EXPECT_TRUE(t, c != a);
	umk_mm_destroy(mm);
}

static void vmsplit_fixed_replaces(struct umk_ktest *t)
{
	struct umk_mm *mm = umk_mm_create();
	volatile unsigned long *p, *q;
	unsigned long i;

	UMK_ASSERT_NOT_NULL(t, mm);
	p = umk_mmap(mm, NULL, 4 * UMK_PAGE_SIZE, VMSPLIT_RW, 0);
	UMK_ASSERT_TRUE(t, !umk_vm_failed((void *)p));
	for (i = 0; i < 4; i++)
		p[i * VMSPLIT_WORDS] = 50 + i;
	q = umk_mmap(mm, (void *)(p + VMSPLIT_WORDS), UMK_PAGE_SIZE,
		     UMK_PROT_READ, UMK_MAP_FIXED);
	UMK_ASSERT_TRUE(t, q == p + VMSPLIT_WORDS);
	UMK_EXPECT_EQ(t, q[0], 0); /* a new zero page */
	UMK_EXPECT_EQ(t, p[0], 50);
	UMK_EXPECT_EQ(t, p[2 * VMSPLIT_WORDS], 52);
	UMK_EXPECT_EQ(t, vmsplit_stats(mm).nr_vmas, 3);
	UMK_EXPECT_EQ(t, vmsplit_stats(mm).mapped_pages, 4);
	UMK_EXPECT_EQ(t, umk_vm_error(umk_mmap(mm, (void *)3, UMK_PAGE_SIZE,
					       VMSPLIT_RW, UMK_MAP_FIXED)),
		      -UMK_EINVAL);
	umk_mm_destroy(mm);
}

static const struct umk_ktest_case vmsplit_cases[] = {
	UMK_KTEST_CASE(vmsplit_munmap_middle),
	UMK_KTEST_CASE(vmsplit_mprotect_split_and_merge),
	UMK_KTEST_CASE(vmsplit_touching_mappings_merge),
	UMK_KTEST_CASE(vmsplit_fixed_replaces),
};

UMK_KTEST_SUITE(vm_split, vmsplit_cases);
