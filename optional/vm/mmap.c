/*
 * Mapping calls: umk_mmap, umk_munmap, umk_mprotect and the heap
 * (umk_sbrk, umk_brk). They change mappings and their protection; pages
 * come later, one by one, from the fault handler (demand paging), unless
 * UMK_MAP_POPULATE asks for them now.
 *
 * Unhinted mappings are placed top-down below the window's guard page, the
 * heap grows up from the window's base, so the two meet only when the
 * window is full. The heap belongs to umk_sbrk: umk_munmap and
 * UMK_MAP_FIXED refuse to cut into it.
 */
#include <umk/errno.h>
#include "optional/vm/vm_internal.h"

#define MMAP_ERR(e) ((void *)(long)(e))

static unsigned long mmap_pages(unsigned long bytes)
{
	return bytes >> UMK_PAGE_SHIFT;
}

static bool mmap_over_limit(struct umk_mm *mm, unsigned long pages)
{
	return mm->limit_pages && mm->mapped_pages + pages > mm->limit_pages;
}

static bool mmap_range_ok(struct umk_mm *mm, unsigned long start,
			  unsigned long len)
{
	return !(start & (UMK_PAGE_SIZE - 1)) && start >= mm->base &&
	       start <= mm->mmap_top && len <= mm->mmap_top - start;
}

static bool mmap_touches_heap(struct umk_mm *mm, unsigned long start,
			      unsigned long end)
{
	return start < mm->brk && end > mm->brk_start;
}

static bool mmap_range_free(struct umk_mm *mm, unsigned long start,
			    unsigned long end)
{
	struct vm_area *v = umk_vma_next(mm, start);

	return !v || v->start >= end;
}

/* Top-down first fit below mmap_top; 0 if the window is full. */
static unsigned long mmap_find_gap(struct umk_mm *mm, unsigned long len)
{
	unsigned long end = mm->mmap_top;

	while (end - mm->base >= len) {
		struct vm_area *v = umk_vma_prev(mm, end);
		unsigned long floor = v ? v->end : mm->base;

		if (end - floor >= len && end - len >= mm->brk)
			return end - len;
		if (!v || v->start < mm->brk)
			return 0;
		end = v->start;
	}
	return 0;
}

/*
 * Remove the mappings and pages of [start, end), splitting mappings that
 * stick out of it. The steps that can fail come first (splits, which are
 * invisible, then the host unmapping), so a failure changes nothing the
 * task could see. Under mm->lock.
 */
static int mmap_unmap_range(struct umk_mm *mm, unsigned long start,
			    unsigned long end)
{
	struct vm_area *v = umk_vma_find(mm, start), *next;
	int err;

	if (v && v->start < start && !umk_vma_split(mm, v, start))
		return -UMK_ENOMEM;
	v = umk_vma_find(mm, end - 1);
	if (v && v->end > end && !umk_vma_split(mm, v, end))
		return -UMK_ENOMEM;
	err = umk_vm_zap_range(mm, start, end);
	if (err)
		return err;
	for (v = umk_vma_next(mm, start); v && v->start < end; v = next) {
		next = umk_vma_next(mm, v->end);
		umk_vma_erase(mm, v);
		mm->mapped_pages -= mmap_pages(v->end - v->start);
		umk_vma_free(v);
	}
	return 0;
}

static int mmap_insert(struct umk_mm *mm, unsigned long start,
		       unsigned long end, int prot, unsigned int flags)
{
	struct vm_area *vma = umk_vma_alloc(start, end, prot);

	if (!vma)
		return -UMK_ENOMEM;
	vma->flags = flags;
	umk_vma_insert(mm, vma);
	mm->mapped_pages += mmap_pages(end - start);
	umk_vma_merge_range(mm, start, end);
	return 0;
}

/* Pick the place for a mapping of len bytes; 0 and *err on failure. */
static unsigned long mmap_place(struct umk_mm *mm, unsigned long addr,
				unsigned long len, int flags, int *err)
{
	unsigned long start;

	if (flags & UMK_MAP_FIXED) {
		if (!mmap_range_ok(mm, addr, len) ||
		    mmap_touches_heap(mm, addr, addr + len)) {
			*err = -UMK_EINVAL;
			return 0;
		}
		*err = mmap_unmap_range(mm, addr, addr + len);
		return *err ? 0 : addr;
	}
	if (addr && mmap_range_ok(mm, addr, len) &&
	    !mmap_touches_heap(mm, addr, addr + len) &&
	    mmap_range_free(mm, addr, addr + len))
		return addr;
	start = mmap_find_gap(mm, len);
	if (!start)
		*err = -UMK_ENOMEM;
	return start;
}

void *umk_mmap(struct umk_mm *mm, void *hint, size_t size, int prot, int flags)
{
	unsigned long len = UMK_ALIGN_UP((unsigned long)size, UMK_PAGE_SIZE);
	unsigned long start;
	int err = 0;

	if (!mm || !size || len < size || (prot & ~7) ||
	    (flags & ~(UMK_MAP_PRIVATE | UMK_MAP_FIXED | UMK_MAP_POPULATE)))
		return MMAP_ERR(-UMK_EINVAL);
	if (len > VM_WINDOW_SIZE)
		return MMAP_ERR(-UMK_ENOMEM);
	umk_spin_lock(&mm->lock);
	if (mmap_over_limit(mm, mmap_pages(len))) {
		umk_spin_unlock(&mm->lock);
		return MMAP_ERR(-UMK_ENOMEM);
	}
	start = mmap_place(mm, (unsigned long)hint, len, flags, &err);
	if (start)
		err = mmap_insert(mm, start, start + len, prot, 0);
	umk_spin_unlock(&mm->lock);
	if (err)
		return MMAP_ERR(err);
	if ((flags & UMK_MAP_POPULATE) && prot != UMK_PROT_NONE) {
		err = umk_vm_touch(mm, (void *)start, len,
				   (prot & UMK_PROT_WRITE) != 0);
		if (err) {
			umk_munmap(mm, (void *)start, len);
			return MMAP_ERR(-UMK_ENOMEM);
		}
	}
	return (void *)start;
}

int umk_munmap(struct umk_mm *mm, void *addr, size_t size)
{
	unsigned long start = (unsigned long)addr;
	unsigned long len = UMK_ALIGN_UP((unsigned long)size, UMK_PAGE_SIZE);
	int err;

	if (!size || !mmap_range_ok(mm, start, len))
		return -UMK_EINVAL;
	umk_spin_lock(&mm->lock);
	if (mmap_touches_heap(mm, start, start + len))
		err = -UMK_EINVAL;
	else
		err = mmap_unmap_range(mm, start, start + len);
	umk_spin_unlock(&mm->lock);
	return err;
}

/* Is [start, end) covered by mappings without a hole? */
static bool mmap_fully_mapped(struct umk_mm *mm, unsigned long start,
			      unsigned long end)
{
	while (start < end) {
		struct vm_area *v = umk_vma_find(mm, start);

		if (!v)
			return false;
		start = v->end;
	}
	return true;
}

static int mmap_set_prot(struct umk_mm *mm, unsigned long start,
			 unsigned long end, int prot)
{
	struct vm_area *v = umk_vma_find(mm, start);
	int err = 0;

	if (v->start < start && !(v = umk_vma_split(mm, v, start)))
		return -UMK_ENOMEM;
	for (; v && v->start < end; v = umk_vma_next(mm, v->end)) {
		if (v->end > end && !umk_vma_split(mm, v, end)) {
			err = -UMK_ENOMEM;
			end = v->start; /* what did change, for the host */
			break;
		}
		v->prot = prot;
	}
	umk_vma_merge_range(mm, start, end);
	return umk_vm_protect_range(mm, start, end, prot) ?: err;
}

int umk_mprotect(struct umk_mm *mm, void *addr, size_t size, int prot)
{
	unsigned long start = (unsigned long)addr;
	unsigned long len = UMK_ALIGN_UP((unsigned long)size, UMK_PAGE_SIZE);
	int err;

	if (!size || (prot & ~7) || !mmap_range_ok(mm, start, len))
		return -UMK_EINVAL;
	umk_spin_lock(&mm->lock);
	if (!mmap_fully_mapped(mm, start, start + len))
		err = -UMK_ENOMEM; /* as mprotect(2): part is not mapped */
	else
		err = mmap_set_prot(mm, start, start + len, prot);
	umk_spin_unlock(&mm->lock);
	return err;
}

static int mmap_heap_grow(struct umk_mm *mm, unsigned long new_brk)
{
	unsigned long pages = mmap_pages(new_brk - mm->brk);
	struct vm_area *heap;

	if (new_brk > mm->mmap_top || !mmap_range_free(mm, mm->brk, new_brk) ||
	    mmap_over_limit(mm, pages))
		return -UMK_ENOMEM;
	heap = mm->brk > mm->brk_start ? umk_vma_find(mm, mm->brk - 1) : NULL;
	if (heap && (heap->flags & VM_AREA_HEAP)) {
		heap->end = new_brk;
		mm->mapped_pages += pages;
	} else if (mmap_insert(mm, mm->brk, new_brk,
			       UMK_PROT_READ | UMK_PROT_WRITE, VM_AREA_HEAP)) {
		return -UMK_ENOMEM;
	}
	mm->brk = new_brk;
	return 0;
}

void *umk_sbrk(struct umk_mm *mm, long incr)
{
	unsigned long bytes = UMK_ALIGN_UP(incr < 0 ? -(unsigned long)incr
						    : (unsigned long)incr,
					   UMK_PAGE_SIZE);
	unsigned long old;
	int err = 0;

	umk_spin_lock(&mm->lock);
	old = mm->brk;
	if (incr > 0) {
		err = bytes > mm->mmap_top - old ? -UMK_ENOMEM
						 : mmap_heap_grow(mm, old + bytes);
	} else if (incr < 0) {
		if (bytes > old - mm->brk_start)
			err = -UMK_EINVAL;
		else if (!(err = mmap_unmap_range(mm, old - bytes, old)))
			mm->brk = old - bytes;
	}
	umk_spin_unlock(&mm->lock);
	return err ? MMAP_ERR(err) : (void *)old;
}

int umk_brk(struct umk_mm *mm, void *brk)
{
	long incr = (long)((unsigned long)brk - UMK_READ_ONCE(mm->brk));
	void *r = umk_sbrk(mm, incr);

	return umk_vm_failed(r) ? umk_vm_error(r) : 0;
}
