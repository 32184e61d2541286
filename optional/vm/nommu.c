/*
 * The no-MMU stub (CONFIG_VM_NOMMU), after Linux's mm/nommu.c: there is no
 * translation, so an "address space" is only a list of blocks handed out
 * by the buddy allocator. umk_mmap allocates and zeroes physically
 * contiguous pages at once (rounded up to a power of two), mprotect only
 * records the protection, fork is refused, and there are no faults: a bad
 * access is whatever the host makes of it.
 *
 * munmap, like Linux's nommu, works on whole mappings only.
 */
#include <umk/vm.h>
#include <umk/errno.h>
#include <umk/mm.h>
#include <umk/printk.h>
#include <umk/slab.h>
#include <umk/spinlock.h>
#include <umk/string.h>
#include "core/task.h"

struct nommu_region {
	struct nommu_region *next;
	char *start;
	unsigned long pages;  /* asked for */
	unsigned int order;   /* block allocated: 2^order pages */
	int prot;             /* recorded, not enforced */
};

struct umk_mm {
	umk_spinlock_t lock;
	int refs;
	struct nommu_region *regions;
	struct nommu_region *heap;  /* sbrk grows inside this block */
	unsigned long brk_pages;    /* heap pages in use */
	unsigned long limit_pages;
	unsigned long mapped_pages;
	unsigned long resident_pages;
};

static unsigned int nommu_order(unsigned long pages)
{
	unsigned int order = 0;

	while ((1UL << order) < pages)
		order++;
	return order;
}

struct umk_mm *umk_mm_create(void)
{
	struct umk_mm *mm = umk_kzalloc(sizeof(*mm));

	if (!mm)
		return NULL;
	umk_spin_lock_init(&mm->lock);
	mm->refs = 1;
	return mm;
}

void umk_mm_get(struct umk_mm *mm)
{
	__atomic_add_fetch(&mm->refs, 1, __ATOMIC_RELAXED);
}

static void nommu_region_free(struct nommu_region *r)
{
	umk_free_pages(r->start, r->order);
	umk_kfree(r);
}

void umk_mm_put(struct umk_mm *mm)
{
	struct nommu_region *r, *next;

	if (!mm || __atomic_sub_fetch(&mm->refs, 1, __ATOMIC_ACQ_REL))
		return;
	for (r = mm->regions; r; r = next) {
		next = r->next;
		nommu_region_free(r);
	}
	umk_kfree(mm);
}

void umk_mm_destroy(struct umk_mm *mm)
{
	umk_mm_put(mm);
}

static bool nommu_over_limit(struct umk_mm *mm, unsigned long pages)
{
	return mm->limit_pages && mm->mapped_pages + pages > mm->limit_pages;
}

/* A new region of pages, linked into mm; NULL if refused or no memory. */
static struct nommu_region *nommu_region_new(struct umk_mm *mm,
					     unsigned long pages, int prot)
{
	unsigned int order = nommu_order(pages);
	struct nommu_region *r;

	if (order >= UMK_MAX_ORDER)
		return NULL;
	r = umk_kmalloc(sizeof(*r));
	if (!r)
		return NULL;
	r->start = umk_alloc_pages(order);
	if (!r->start) {
		umk_kfree(r);
		return NULL;
	}
	umk_memset(r->start, 0, UMK_PAGE_SIZE << order);
	r->pages = pages;
	r->order = order;
	r->prot = prot;
	umk_spin_lock(&mm->lock);
	r->next = mm->regions;
	mm->regions = r;
	mm->mapped_pages += pages;
	mm->resident_pages += 1UL << order;
	umk_spin_unlock(&mm->lock);
	return r;
}

void *umk_mmap(struct umk_mm *mm, void *addr, size_t len, int prot, int flags)
{
	unsigned long pages = UMK_ALIGN_UP(len, UMK_PAGE_SIZE) >> UMK_PAGE_SHIFT;
	struct nommu_region *r;

	(void)addr; /* a hint cannot be honoured without translation */
	if (!mm || !len || (prot & ~7) || (flags & UMK_MAP_FIXED) ||
	    (flags & ~(UMK_MAP_PRIVATE | UMK_MAP_POPULATE)))
		return (void *)(long)-UMK_EINVAL;
	if (nommu_over_limit(mm, pages))
		return (void *)(long)-UMK_ENOMEM;
	r = nommu_region_new(mm, pages, prot);
	return r ? r->start : (void *)(long)-UMK_ENOMEM;
}

/* The link pointing at the region starting at addr, or NULL. */
static struct nommu_region **nommu_find(struct umk_mm *mm, const void *addr)
{
	struct nommu_region **pp;

	for (pp = &mm->regions; *pp; pp = &(*pp)->next)
		if ((*pp)->start == addr)
			return pp;
	return NULL;
}

int umk_munmap(struct umk_mm *mm, void *addr, size_t len)
{
	unsigned long pages = UMK_ALIGN_UP(len, UMK_PAGE_SIZE) >> UMK_PAGE_SHIFT;
	struct nommu_region **pp, *r;

	umk_spin_lock(&mm->lock);
	pp = nommu_find(mm, addr);
	if (!pp || (*pp)->pages != pages || *pp == mm->heap) {
		umk_spin_unlock(&mm->lock);
		return -UMK_EINVAL; /* whole mappings only, as Linux's nommu */
	}
	r = *pp;
	*pp = r->next;
	mm->mapped_pages -= r->pages;
	mm->resident_pages -= 1UL << r->order;
	umk_spin_unlock(&mm->lock);
	nommu_region_free(r);
	return 0;
}

int umk_mprotect(struct umk_mm *mm, void *addr, size_t len, int prot)
{
	unsigned long pages = UMK_ALIGN_UP(len, UMK_PAGE_SIZE) >> UMK_PAGE_SHIFT;
	struct nommu_region **pp;
	int err = 0;

	if (prot & ~7)
		return -UMK_EINVAL;
	umk_spin_lock(&mm->lock);
	pp = nommu_find(mm, addr);
	if (!pp || pages > (*pp)->pages)
		err = -UMK_ENOMEM; /* not mapped, as mprotect(2) says */
	else
		(*pp)->prot = prot; /* recorded only: there is no MMU */
	umk_spin_unlock(&mm->lock);
	return err;
}

/*
 * The heap is one block, allocated by the first growth with room to
 * double: without translation it can never move, so growth past the block
 * is refused.
 */
void *umk_sbrk(struct umk_mm *mm, long incr)
{
	long pages = (long)(UMK_ALIGN_UP((unsigned long)(incr < 0 ? -incr : incr),
					 UMK_PAGE_SIZE) >> UMK_PAGE_SHIFT);
	unsigned long want;
	char *old;

	if (incr < 0)
		pages = -pages;
	if (!mm->heap) {
		if (pages <= 0)
			return pages ? (void *)(long)-UMK_EINVAL : NULL;
		if (nommu_over_limit(mm, 2 * (unsigned long)pages))
			return (void *)(long)-UMK_ENOMEM;
		mm->heap = nommu_region_new(mm, 2 * (unsigned long)pages,
					    UMK_PROT_READ | UMK_PROT_WRITE);
		if (!mm->heap)
			return (void *)(long)-UMK_ENOMEM;
	}
	old = mm->heap->start + (mm->brk_pages << UMK_PAGE_SHIFT);
	want = (unsigned long)((long)mm->brk_pages + pages);
	if ((long)want < 0)
		return (void *)(long)-UMK_EINVAL;
	if (want > (1UL << mm->heap->order))
		return (void *)(long)-UMK_ENOMEM;
	mm->brk_pages = want;
	return old;
}

int umk_brk(struct umk_mm *mm, void *brk)
{
	char *cur = mm->heap ? mm->heap->start + (mm->brk_pages << UMK_PAGE_SHIFT)
			     : NULL;
	void *r;

	if (!cur)
		return -UMK_ENOMEM; /* no heap yet: its place is not known */
	r = umk_sbrk(mm, (char *)brk - cur);
	return umk_vm_failed(r) ? umk_vm_error(r) : 0;
}

int umk_mm_fork(struct umk_mm *parent, struct umk_mm **child)
{
	(void)parent;
	*child = NULL;
	umk_pr_warn("vm: umk_mm_fork needs an MMU (CONFIG_VM); refused\n");
	return -UMK_ENOSYS;
}

void *umk_mm_translate(struct umk_mm *to, struct umk_mm *from, const void *addr)
{
	return to == from ? (void *)addr : NULL;
}

bool umk_mm_contains(const struct umk_mm *mm, const void *addr, size_t len)
{
	const char *p = addr;
	const struct nommu_region *r;

	for (r = mm->regions; r; r = r->next)
		if (p >= r->start && len <= (r->pages << UMK_PAGE_SHIFT) &&
		    p - r->start <= (long)((r->pages << UMK_PAGE_SHIFT) - len))
			return true;
	return false;
}

int umk_mm_set_limit(struct umk_mm *mm, unsigned long max_pages)
{
	mm->limit_pages = max_pages;
	return 0;
}

int umk_mm_stats(const struct umk_mm *mm, struct umk_mm_stats *st)
{
	const struct nommu_region *r;

	umk_memset(st, 0, sizeof(*st));
	st->mapped_pages = mm->mapped_pages;
	st->resident_pages = mm->resident_pages;
	st->limit_pages = mm->limit_pages;
	for (r = mm->regions; r; r = r->next)
		st->nr_vmas++;
	return 0;
}

int umk_task_set_mm(struct umk_task *t, struct umk_mm *mm)
{
	struct umk_mm *old = t->mm;

	if (mm)
		umk_mm_get(mm);
	t->mm = mm;
	umk_mm_put(old);
	return 0;
}

struct umk_mm *umk_task_mm(const struct umk_task *t)
{
	return t->mm;
}

struct umk_mm *umk_current_mm(void)
{
	return umk_current_task()->mm;
}

int umk_vm_try(int (*fn)(void *arg), void *arg, struct umk_vm_fault *fault)
{
	(void)fault; /* no MMU, no faults to catch */
	return fn(arg);
}

int umk_copy_from_mm(struct umk_mm *mm, void *dst, const void *src, size_t n)
{
	if (!umk_mm_contains(mm, src, n))
		return -UMK_EFAULT;
	umk_memcpy(dst, src, n);
	return 0;
}

int umk_copy_to_mm(struct umk_mm *mm, void *dst, const void *src, size_t n)
{
	if (!umk_mm_contains(mm, dst, n))
		return -UMK_EFAULT;
	umk_memcpy(dst, src, n);
	return 0;
}

int umk_vm_touch(struct umk_mm *mm, void *addr, size_t len, bool write)
{
	(void)write; /* every page is present from umk_mmap on */
	return umk_mm_contains(mm, addr, len) ? 0 : -UMK_EFAULT;
}
