/*
 * Suite vm_nommu: the no-MMU stub's own contract (CONFIG_VM_NOMMU):
 * mappings are physically contiguous and present at once, fork is refused
 * with -ENOSYS, mprotect only records, munmap takes whole mappings only,
 * and there is no placement (MAP_FIXED) without translation.
 */
#include <umk/errno.h>
#include <umk/ktest.h>
#include <umk/mm.h>
#include <umk/vm.h>
#include "core/page.h"

#define VMNOMMU_RW (UMK_PROT_READ | UMK_PROT_WRITE)

static void vmnommu_contiguous_and_present(struct umk_ktest *t)
{
	struct umk_mm *mm = umk_mm_create();
	struct umk_mm_stats st;
	char *p;
	unsigned long i, phys;

	UMK_ASSERT_NOT_NULL(t, mm);
	p = umk_mmap(mm, NULL, 5 * UMK_PAGE_SIZE, VMNOMMU_RW, 0);
	UMK_ASSERT_TRUE(t, !umk_vm_failed(p));
	UMK_ASSERT_TRUE(t, umk_virt_addr_valid(p));
	phys = umk_virt_to_phys(p);
	for (i = 0; i < 5; i++)
		UMK_EXPECT_EQ(t, umk_virt_to_phys(p + i * UMK_PAGE_SIZE),
			      phys + i * UMK_PAGE_SIZE);
	umk_mm_stats(mm, &st);
	UMK_EXPECT_EQ(t, st.mapped_pages, 5);
	UMK_EXPECT_GE(t, st.resident_pages, 5); /* rounded up to 8 */
	UMK_EXPECT_EQ(t, st.faults, 0);
	umk_mm_destroy(mm);
}

static void vmnommu_fork_refused(struct umk_ktest *t)
{
	struct umk_mm *mm = umk_mm_create(), *child = (void *)1;

	UMK_ASSERT_NOT_NULL(t, mm);
	UMK_EXPECT_EQ(t, umk_mm_fork(mm, &child), -UMK_ENOSYS);
	UMK_EXPECT_TRUE(t, child == NULL);
	umk_mm_destroy(mm);
}

static void vmnommu_mprotect_records(struct umk_ktest *t)
{
	struct umk_mm *mm = umk_mm_create();
	volatile char *p;

	UMK_ASSERT_NOT_NULL(t, mm);
	p = umk_mmap(mm, NULL, 2 * UMK_PAGE_SIZE, VMNOMMU_RW, 0);
	UMK_ASSERT_TRUE(t, !umk_vm_failed((void *)p));
	UMK_EXPECT_EQ(t, umk_mprotect(mm, (void *)p, 2 * UMK_PAGE_SIZE,
				      UMK_PROT_READ), 0);
	p[0] = 42; /* recorded only: nothing enforces it without an MMU */
	UMK_EXPECT_EQ(t, p[0], 42);
	UMK_EXPECT_EQ(t, umk_mprotect(mm, (void *)(p + UMK_PAGE_SIZE * 64),
				      UMK_PAGE_SIZE, UMK_PROT_READ),
		      -UMK_ENOMEM);
	umk_mm_destroy(mm);
}

static void vmnommu_whole_mappings_only(struct umk_ktest *t)
{
	struct umk_mm *mm = umk_mm_create();
	char *p;

	UMK_ASSERT_NOT_NULL(t, mm);
	p = umk_mmap(mm, NULL, 4 * UMK_PAGE_SIZE, VMNOMMU_RW, 0);
	UMK_ASSERT_TRUE(t, !umk_vm_failed(p));
	UMK_EXPECT_EQ(t, umk_munmap(mm, p + UMK_PAGE_SIZE, UMK_PAGE_SIZE),
		      -UMK_EINVAL);
	UMK_EXPECT_EQ(t, umk_munmap(mm, p, UMK_PAGE_SIZE), -UMK_EINVAL);
	UMK_EXPECT_EQ(t, umk_vm_error(umk_mmap(mm, p, UMK_PAGE_SIZE, VMNOMMU_RW,
					       UMK_MAP_FIXED)),
		      -UMK_EINVAL);
	UMK_EXPECT_EQ(t, umk_munmap(mm, p, 4 * UMK_PAGE_SIZE), 0);
	umk_mm_destroy(mm);
}

static const struct umk_ktest_case vmnommu_cases[] = {
	UMK_KTEST_CASE(vmnommu_contiguous_and_present),
	UMK_KTEST_CASE(vmnommu_fork_refused),
	UMK_KTEST_CASE(vmnommu_mprotect_records),
	UMK_KTEST_CASE(vmnommu_whole_mappings_only),
};

UMK_KTEST_SUITE(vm_nommu, vmnommu_cases);
