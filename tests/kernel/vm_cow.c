/*
 * Suite vm_cow: copy-on-write fork (CONFIG_VM). Parent and child see the
 * same data at fork, then each side's writes stay its own; untouched pages
 * stay shared (counted by the statistics); the last user of a page writes
 * in place without a copy; a child outlives its parent; forks chain.
 */
#include <umk/ktest.h>
#include <umk/mm.h>
#include <umk/vm.h>

#define VMCOW_RW (UMK_PROT_READ | UMK_PROT_WRITE)
#define VMCOW_WORDS (UMK_PAGE_SIZE / sizeof(long))
#define VMCOW_PAGES 16

static struct umk_mm_stats vmcow_stats(struct umk_mm *mm)
{
	struct umk_mm_stats st;

	umk_mm_stats(mm, &st);
	return st;
}

/* A parent with VMCOW_PAGES written pages: word 0 of page i holds i + 1. */
static volatile unsigned long *vmcow_parent(struct umk_ktest *t,
					    struct umk_mm **mm)
{
	volatile unsigned long *p;
	unsigned long i;

	*mm = umk_mm_create();
	UMK_ASSERT_NOT_NULL(t, *mm);
	p = umk_mmap(*mm, NULL, VMCOW_PAGES * UMK_PAGE_SIZE, VMCOW_RW, 0);
	UMK_ASSERT_TRUE(t, !umk_vm_failed((void *)p));
	for (i = 0; i < VMCOW_PAGES; i++)
		p[i * VMCOW_WORDS] = i + 1;
	return p;
}

static void vmcow_independent_writes(struct umk_ktest *t)
{
	struct umk_mm *parent, *child;
	volatile unsigned long *p = vmcow_parent(t, &parent), *c;
	unsigned long i;

	UMK_ASSERT_EQ(t, umk_mm_fork(parent, &child), 0);
	c = umk_mm_translate(child, parent, (void *)p);
	UMK_ASSERT_NOT_NULL(t, c);
	UMK_EXPECT_TRUE(t, c != p);
	for (i = 0; i < VMCOW_PAGES; i++)
		UMK_EXPECT_EQ(t, c[i * VMCOW_WORDS], i + 1);
	UMK_EXPECT_EQ(t, vmcow_stats(parent).shared_pages, VMCOW_PAGES);
	UMK_EXPECT_EQ(t, vmcow_stats(child).shared_pages, VMCOW_PAGES);
	UMK_EXPECT_EQ(t, vmcow_stats(child).resident_pages, VMCOW_PAGES);

	p[0] = 100;                /* parent writes page 0 */
	c[1 * VMCOW_WORDS] = 200;  /* child writes page 1 */
	UMK_EXPECT_EQ(t, p[0], 100);
	UMK_EXPECT_EQ(t, c[0], 1);
	UMK_EXPECT_EQ(t, p[1 * VMCOW_WORDS], 2);
	UMK_EXPECT_EQ(t, c[1 * VMCOW_WORDS], 200);
	UMK_EXPECT_EQ(t, vmcow_stats(parent).cow_copies, 1);
	UMK_EXPECT_EQ(t, vmcow_stats(child).cow_copies, 1);
	/* Page 0 and 1 are private now; the others are still shared. */
	UMK_EXPECT_EQ(t, vmcow_stats(parent).shared_pages, VMCOW_PAGES - 2);
	UMK_EXPECT_EQ(t, vmcow_stats(child).shared_pages, VMCOW_PAGES - 2);
	for (i = 2; i < VMCOW_PAGES; i++)
		UMK_EXPECT_EQ(t, p[i * VMCOW_WORDS], c[i * VMCOW_WORDS]);
	umk_mm_destroy(child);
	umk_mm_destroy(parent);
}

static void vmcow_last_user_writes_in_place(struct umk_ktest *t)
{
	struct umk_mm *parent, *child;
	volatile unsigned long *p = vmcow_parent(t, &parent), *c;

	UMK_ASSERT_EQ(t, umk_mm_fork(parent, &child), 0);
	c = umk_mm_translate(child, parent, (void *)p);
	c[3 * VMCOW_WORDS] = 33;  /* child copies page 3 */
	p[3 * VMCOW_WORDS] = 44;  /* the parent is its only user now */
	UMK_EXPECT_EQ(t, vmcow_stats(child).cow_copies, 1);
	UMK_EXPECT_EQ(t, vmcow_stats(parent).cow_copies, 0);
	UMK_EXPECT_EQ(t, c[3 * VMCOW_WORDS], 33);
	UMK_EXPECT_EQ(t, p[3 * VMCOW_WORDS], 44);
	/* Once the child is gone, every parent page is its own again. */
	umk_mm_destroy(child);
	UMK_EXPECT_EQ(t, vmcow_stats(parent).shared_pages, 0);
	p[5 * VMCOW_WORDS] = 55;
	UMK_EXPECT_EQ(t, vmcow_stats(parent).cow_copies, 0);
	umk_mm_destroy(parent);
}

static void vmcow_untouched_pages_not_shared(struct umk_ktest *t)
{
	struct umk_mm *parent = umk_mm_create(), *child;
	volatile unsigned long *p, *c;

	UMK_ASSERT_NOT_NULL(t, parent);
	p = umk_mmap(parent, NULL, 8 * UMK_PAGE_SIZE, VMCOW_RW, 0);
	UMK_ASSERT_TRUE(t, !umk_vm_failed((void *)p));
	p[0] = 1;
	UMK_ASSERT_EQ(t, umk_mm_fork(parent, &child), 0);
	c = umk_mm_translate(child, parent, (void *)p);
	UMK_EXPECT_EQ(t, vmcow_stats(child).resident_pages, 1);
	UMK_EXPECT_EQ(t, vmcow_stats(child).mapped_pages, 8);
	c[4 * VMCOW_WORDS] = 4; /* demand paging in the child: no copy */
	UMK_EXPECT_EQ(t, vmcow_stats(child).resident_pages, 2);
	UMK_EXPECT_EQ(t, vmcow_stats(child).cow_copies, 0);
	UMK_EXPECT_EQ(t, p[4 * VMCOW_WORDS], 0);
	umk_mm_destroy(parent);
	umk_mm_destroy(child);
}

static void vmcow_child_outlives_parent(struct umk_ktest *t)
{
	struct umk_mm *parent, *child;
	volatile unsigned long *p = vmcow_parent(t, &parent), *c;
	unsigned long i;

	UMK_ASSERT_EQ(t, umk_mm_fork(parent, &child), 0);
	c = umk_mm_translate(child, parent, (void *)p);
	umk_mm_destroy(parent);
	for (i = 0; i < VMCOW_PAGES; i++)
		UMK_EXPECT_EQ(t, c[i * VMCOW_WORDS], i + 1);
	UMK_EXPECT_EQ(t, vmcow_stats(child).shared_pages, 0);
	c[0] = 9; /* sole user: no copy */
	UMK_EXPECT_EQ(t, vmcow_stats(child).cow_copies, 0);
	umk_mm_destroy(child);
}

static void vmcow_chain_and_heap(struct umk_ktest *t)
{
	struct umk_mm *a = umk_mm_create(), *b, *c;
	volatile unsigned long *ha, *hb, *hc;

	UMK_ASSERT_NOT_NULL(t, a);
	ha = umk_sbrk(a, 2 * UMK_PAGE_SIZE);
	UMK_ASSERT_TRUE(t, !umk_vm_failed((void *)ha));
	ha[0] = 1;
	UMK_ASSERT_EQ(t, umk_mm_fork(a, &b), 0);
	hb = umk_mm_translate(b, a, (void *)ha);
	hb[0] = 2;
	UMK_ASSERT_EQ(t, umk_mm_fork(b, &c), 0);
	hc = umk_mm_translate(c, b, (void *)hb);
	hc[0] = 3;
	UMK_EXPECT_EQ(t, ha[0] * 100 + hb[0] * 10 + hc[0], 123);
	/* The heap came along and keeps growing where it was. */
	UMK_EXPECT_EQ(t, (unsigned long)umk_sbrk(c, UMK_PAGE_SIZE),
		      (unsigned long)(hc + 2 * VMCOW_WORDS));
	umk_mm_destroy(a);
	umk_mm_destroy(b);
	umk_mm_destroy(c);
}

static const struct umk_ktest_case vmcow_cases[] = {
	UMK_KTEST_CASE(vmcow_independent_writes),
	UMK_KTEST_CASE(vmcow_last_user_writes_in_place),
	UMK_KTEST_CASE(vmcow_untouched_pages_not_shared),
	UMK_KTEST_CASE(vmcow_child_outlives_parent),
	UMK_KTEST_CASE(vmcow_chain_and_heap),
};

UMK_KTEST_SUITE(vm_cow, vmcow_cases);
