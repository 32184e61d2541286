/*
 * Suite vm_api: the contract of <umk/vm.h> that holds with and without an
 * MMU (the full vm and the no-MMU stub run the same cases): mappings are
 * zeroed and usable, argument errors, per-mm limits refuse growth with
 * -ENOMEM, many address spaces at once, copies to and from an mm, the
 * heap, and a task's mm.
 */
#include <umk/errno.h>
#include <umk/ktest.h>
#include <umk/mm.h>
#include <umk/string.h>
#include <umk/task.h>
#include <umk/vm.h>

#define VMAPI_PAGE UMK_PAGE_SIZE
#define VMAPI_RW (UMK_PROT_READ | UMK_PROT_WRITE)
#define VMAPI_MANY 48

static void vmapi_zeroed_and_usable(struct umk_ktest *t)
{
	struct umk_mm *mm = umk_mm_create();
	struct umk_mm_stats st;
	volatile unsigned long *p;
	unsigned long i, n = 16 * VMAPI_PAGE / sizeof(*p);

	UMK_ASSERT_NOT_NULL(t, mm);
	p = umk_mmap(mm, NULL, 16 * VMAPI_PAGE, VMAPI_RW, UMK_MAP_PRIVATE);
	UMK_ASSERT_TRUE(t, !umk_vm_failed((void *)p));
	UMK_EXPECT_TRUE(t, umk_mm_contains(mm, (void *)p, 16 * VMAPI_PAGE));
	for (i = 0; i < n; i++)
		UMK_ASSERT_EQ(t, p[i], 0);
	for (i = 0; i < n; i++)
		p[i] = i * 7 + 1;
	for (i = 0; i < n; i++)
		UMK_ASSERT_EQ(t, p[i], i * 7 + 1);
	umk_mm_stats(mm, &st);
	UMK_EXPECT_EQ(t, st.mapped_pages, 16);
	UMK_EXPECT_GE(t, st.resident_pages, 16);
	UMK_EXPECT_EQ(t, umk_munmap(mm, (void *)p, 16 * VMAPI_PAGE), 0);
	umk_mm_stats(mm, &st);
	UMK_EXPECT_EQ(t, st.mapped_pages, 0);
	UMK_EXPECT_EQ(t, st.resident_pages, 0);
	umk_mm_destroy(mm);
}

static void vmapi_bad_arguments(struct umk_ktest *t)
{
	struct umk_mm *mm = umk_mm_create();
	void *p;

	UMK_ASSERT_NOT_NULL(t, mm);
	UMK_EXPECT_EQ(t, umk_vm_error(umk_mmap(mm, NULL, 0, VMAPI_RW, 0)),
		      -UMK_EINVAL);
	UMK_EXPECT_EQ(t, umk_vm_error(umk_mmap(mm, NULL, VMAPI_PAGE, 0x40, 0)),
		      -UMK_EINVAL);
	UMK_EXPECT_EQ(t, umk_vm_error(umk_mmap(mm, NULL, VMAPI_PAGE, VMAPI_RW,
					       0x4000)),
		      -UMK_EINVAL);
	p = umk_mmap(mm, NULL, VMAPI_PAGE, VMAPI_RW, 0);
	UMK_ASSERT_TRUE(t, !umk_vm_failed(p));
	UMK_EXPECT_EQ(t, umk_mprotect(mm, p, VMAPI_PAGE, 0x40), -UMK_EINVAL);
	UMK_EXPECT_EQ(t, umk_mprotect(mm, p, VMAPI_PAGE, UMK_PROT_READ), 0);
	umk_mm_destroy(mm);
}

static void vmapi_limit_refuses_growth(struct umk_ktest *t)
{
	struct umk_mm *mm = umk_mm_create();
	struct umk_mm_stats st;
	void *a, *b, *h;

	UMK_ASSERT_NOT_NULL(t, mm);
	UMK_EXPECT_EQ(t, umk_mm_set_limit(mm, 16), 0);
	a = umk_mmap(mm, NULL, 8 * VMAPI_PAGE, VMAPI_RW, 0);
	UMK_ASSERT_TRUE(t, !umk_vm_failed(a));
	b = umk_mmap(mm, NULL, 9 * VMAPI_PAGE, VMAPI_RW, 0);
	UMK_EXPECT_EQ(t, umk_vm_error(b), -UMK_ENOMEM);
	h = umk_sbrk(mm, 4 * VMAPI_PAGE);
	UMK_EXPECT_TRUE(t, !umk_vm_failed(h));
	UMK_EXPECT_EQ(t, umk_vm_error(umk_sbrk(mm, 64 * VMAPI_PAGE)),
		      -UMK_ENOMEM);
	umk_mm_stats(mm, &st);
	UMK_EXPECT_EQ(t, st.limit_pages, 16);
	UMK_EXPECT_LE(t, st.mapped_pages, 16);
	/* Giving memory back makes room again. */
	UMK_EXPECT_EQ(t, umk_munmap(mm, a, 8 * VMAPI_PAGE), 0);
	b = umk_mmap(mm, NULL, 8 * VMAPI_PAGE, VMAPI_RW, 0);
	UMK_EXPECT_TRUE(t, !umk_vm_failed(b));
	/* No limit: growth succeeds. */
	umk_mm_set_limit(mm, 0);
	b = umk_mmap(mm, NULL, 64 * VMAPI_PAGE, VMAPI_RW, 0);
	UMK_EXPECT_TRUE(t, !umk_vm_failed(b));
	umk_mm_destroy(mm);
}

static void vmapi_many_address_spaces(struct umk_ktest *t)
{
	static struct umk_mm *mms[VMAPI_MANY];
	static volatile unsigned long *bufs[VMAPI_MANY];
	int i, j;

	for (i = 0; i < VMAPI_MANY; i++) {
		mms[i] = umk_mm_create();
		UMK_ASSERT_NOT_NULL(t, mms[i]);
		bufs[i] = umk_mmap(mms[i], NULL, 4 * VMAPI_PAGE, VMAPI_RW, 0);
		UMK_ASSERT_TRUE(t, !umk_vm_failed((void *)bufs[i]));
		for (j = 0; j < 4; j++)
			bufs[i][j * VMAPI_PAGE / sizeof(long)] =
				(unsigned long)i * 100 + (unsigned long)j;
	}
	for (i = 0; i < VMAPI_MANY; i++) {
		for (j = 0; j < i; j++)
			UMK_EXPECT_TRUE(t, !umk_mm_contains(mms[j], (void *)bufs[i],
							   VMAPI_PAGE));
		for (j = 0; j < 4; j++)
			UMK_EXPECT_EQ(t, bufs[i][j * VMAPI_PAGE / sizeof(long)],
				      (unsigned long)i * 100 + (unsigned long)j);
	}
	for (i = 0; i < VMAPI_MANY; i++)
		umk_mm_destroy(mms[i]);
}

static void vmapi_copy_to_and_from(struct umk_ktest *t)
{
	struct umk_mm *mm = umk_mm_create();
	char in[100], out[100] = { 0 }; /* copied into: starts unlike in[] */
	char *p;
	int i;

	UMK_ASSERT_NOT_NULL(t, mm);
	p = umk_mmap(mm, NULL, 2 * VMAPI_PAGE, VMAPI_RW, 0);
	UMK_ASSERT_TRUE(t, !umk_vm_failed(p));
	for (i = 0; i < 100; i++)
		in[i] = (char)(i * 3);
	/* Across the page boundary. */
	UMK_EXPECT_EQ(t, umk_copy_to_mm(mm, p + VMAPI_PAGE - 50, in, 100), 0);
	UMK_EXPECT_EQ(t, umk_copy_from_mm(mm, out, p + VMAPI_PAGE - 50, 100), 0);
	UMK_EXPECT_EQ(t, umk_memcmp(in, out, 100), 0);
	/* Kernel memory is not in any mm. */
	UMK_EXPECT_EQ(t, umk_copy_from_mm(mm, out, in, 10), -UMK_EFAULT);
	UMK_EXPECT_EQ(t, umk_copy_to_mm(mm, in, out, 10), -UMK_EFAULT);
	UMK_EXPECT_EQ(t, umk_vm_touch(mm, p, 2 * VMAPI_PAGE, true), 0);
	UMK_EXPECT_EQ(t, umk_vm_touch(mm, in, 1, false), -UMK_EFAULT);
	umk_mm_destroy(mm);
}

static void vmapi_heap(struct umk_ktest *t)
{
	struct umk_mm *mm = umk_mm_create();
	volatile char *a, *b;

	UMK_ASSERT_NOT_NULL(t, mm);
	a = umk_sbrk(mm, 2 * VMAPI_PAGE);
	UMK_ASSERT_TRUE(t, !umk_vm_failed((void *)a));
	b = umk_sbrk(mm, VMAPI_PAGE);
	UMK_ASSERT_TRUE(t, !umk_vm_failed((void *)b));
	UMK_EXPECT_EQ(t, (unsigned long)b, (unsigned long)(a + 2 * VMAPI_PAGE));
	a[0] = 1;
	b[VMAPI_PAGE - 1] = 2;
	UMK_EXPECT_EQ(t, a[0] + b[VMAPI_PAGE - 1], 3);
	UMK_EXPECT_EQ(t, umk_vm_error(umk_sbrk(mm, -(long)VMAPI_PAGE)), 0);
	UMK_EXPECT_EQ(t, umk_brk(mm, (void *)(a + 2 * VMAPI_PAGE)), 0);
	/* The heap is umk_sbrk's: munmap may not cut into it. */
	UMK_EXPECT_EQ(t, umk_munmap(mm, (void *)a, VMAPI_PAGE), -UMK_EINVAL);
	UMK_EXPECT_EQ(t, a[0], 1);
	umk_mm_destroy(mm);
}

static void vmapi_task_mm(struct umk_ktest *t)
{
	struct umk_mm *mm = umk_mm_create();
	struct umk_task *me = umk_current();

	UMK_ASSERT_NOT_NULL(t, mm);
	UMK_EXPECT_TRUE(t, umk_task_mm(me) == NULL);
	UMK_EXPECT_EQ(t, umk_task_set_mm(me, mm), 0);
	UMK_EXPECT_TRUE(t, umk_current_mm() == mm);
	umk_mm_destroy(mm); /* the task's reference keeps it */
	UMK_EXPECT_TRUE(t, !umk_vm_failed(umk_mmap(mm, NULL, VMAPI_PAGE,
						   VMAPI_RW, 0)));
	UMK_EXPECT_EQ(t, umk_task_set_mm(me, NULL), 0);
	UMK_EXPECT_TRUE(t, umk_current_mm() == NULL);
}

static const struct umk_ktest_case vmapi_cases[] = {
	UMK_KTEST_CASE(vmapi_zeroed_and_usable),
	UMK_KTEST_CASE(vmapi_bad_arguments),
	UMK_KTEST_CASE(vmapi_limit_refuses_growth),
	UMK_KTEST_CASE(vmapi_many_address_spaces),
	UMK_KTEST_CASE(vmapi_copy_to_and_from),
	UMK_KTEST_CASE(vmapi_heap),
	UMK_KTEST_CASE(vmapi_task_mm),
};

UMK_KTEST_SUITE(vm_api, vmapi_cases);
