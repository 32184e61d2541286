/*
 * Reclaim: the vm's shrinker gives physical pages back under pressure by
 * dropping clean zero pages, which the next touch simply faults in again
 * as new zero pages (demand paging makes that invisible to the task):
 *
 *   - pages only ever read (mapped read-only since their zero fill, never
 *     written) are dropped as they are;
 *   - pages that were written but hold only zeros again are first made
 *     read-only on the host, so no write can slip in, checked once more,
 *     and dropped.
 *
 * Shared pages (copy-on-write after fork) are left alone: dropping one
 * side's reference frees nothing. The shrinker may run in IRQ context or
 * inside the fault handler's allocation, so it only trylocks, and an mm
 * whose lock is busy is skipped.
 *
 * With CONFIG_VM_SWAP, when zero pages were not enough, a second pass
 * writes private dirty pages to the swap file (swap.c), sealed read-only
 * first so the copy on disk is the page's last content; the PTE then
 * names the swap slot and the next touch reads it back (fault.c). There is
 * no LRU: pages go in address order, mm after mm.
 */
#include <umk/config.h>
#include <umk/errno.h>
#include <umk/init.h>
#include <umk/printk.h>
#include "arch/um/vm_host.h"
#include "optional/vm/vm_internal.h"

struct reclaim_ctl {
	unsigned long want;
	unsigned long freed;
	unsigned long resident; /* for the count callback */
	bool swap;              /* second pass: swap dirty pages out */
};

static bool reclaim_page_is_zero(struct umk_page *pg)
{
	const unsigned long *w = umk_page_to_virt(pg);
	unsigned long i;

	for (i = 0; i < UMK_PAGE_SIZE / sizeof(*w); i++)
		if (w[i])
			return false;
	return true;
}

/* Take host write access away, so the content holds still; true if done. */
static bool reclaim_seal(struct umk_mm *mm, unsigned long addr, vm_pte_t *pte)
{
	struct vm_area *vma;

	if (!(*pte & VM_PTE_HOST_W))
		return true;
	vma = umk_vma_find(mm, addr);
	if (!vma || umk_arch_vm_protect(addr, UMK_PAGE_SIZE,
					(vma->prot & ~UMK_PROT_WRITE) |
						UMK_PROT_READ))
		return false;
	*pte &= ~VM_PTE_HOST_W;
	return true;
}

/* A dirty page that reads as zero: seal it, then look again. */
static bool reclaim_seal_zero(struct umk_mm *mm, unsigned long addr,
			      vm_pte_t *pte)
{
	if (!reclaim_page_is_zero(vm_pte_page(*pte)))
		return false;
	return reclaim_seal(mm, addr, pte) &&
	       reclaim_page_is_zero(vm_pte_page(*pte));
}

/* Write a private dirty page to swap and let go of it. */
static int reclaim_swap_out(struct umk_mm *mm, unsigned long addr,
			    vm_pte_t *pte, struct reclaim_ctl *ctl)
{
	struct umk_page *pg = vm_pte_page(*pte);
	unsigned long slot;

	if (!reclaim_seal(mm, addr, pte))
		return 0;
	if (umk_vm_swap_out(pg, &slot)) {
		ctl->swap = false; /* swap is full or failing: stop trying */
		return 0;
	}
	if ((*pte & VM_PTE_HOST) && umk_arch_vm_unmap(addr, UMK_PAGE_SIZE)) {
		umk_vm_swap_free(slot);
		return 0;
	}
	*pte = vm_pte_make_swap(slot);
	umk_page_put(pg);
	mm->resident_pages--;
	mm->swapped_pages++;
	ctl->freed++;
	return 0;
}

static int reclaim_pte(struct umk_mm *mm, unsigned long addr, vm_pte_t *pte,
		       void *arg)
{
	struct reclaim_ctl *ctl = arg;
	struct umk_page *pg;

	if (ctl->freed >= ctl->want)
		return 1;
	if (!(*pte & VM_PTE_PRESENT))
		return 0;
	pg = vm_pte_page(*pte);
	if (umk_page_count(pg) != 1)
		return 0;
	if ((*pte & VM_PTE_DIRTY) && !reclaim_seal_zero(mm, addr, pte))
		return ctl->swap ? reclaim_swap_out(mm, addr, pte, ctl) : 0;
	if ((*pte & VM_PTE_HOST) && umk_arch_vm_unmap(addr, UMK_PAGE_SIZE))
		return 0;
	*pte = 0;
	umk_page_put(pg);
	mm->resident_pages--;
	mm->reclaimed++;
	ctl->freed++;
	return 0;
}

static void reclaim_mm(struct umk_mm *mm, void *arg)
{
	struct reclaim_ctl *ctl = arg;

	if (ctl->freed >= ctl->want || !umk_spin_trylock(&mm->lock))
		return;
	umk_vm_pgtable_walk(mm, mm->base, mm->base + VM_WINDOW_SIZE,
			    reclaim_pte, ctl);
	umk_spin_unlock(&mm->lock);
}

static void reclaim_count_mm(struct umk_mm *mm, void *arg)
{
	((struct reclaim_ctl *)arg)->resident += UMK_READ_ONCE(mm->resident_pages);
}

static unsigned long reclaim_count(struct umk_shrinker *s)
{
	struct reclaim_ctl ctl = { 0, 0, 0, false };

	(void)s;
	umk_vm_for_each_mm(reclaim_count_mm, &ctl);
	return ctl.resident;
}

static unsigned long reclaim_scan(struct umk_shrinker *s, unsigned long nr)
{
	struct reclaim_ctl ctl = { nr, 0, 0, false };

	(void)s;
	umk_vm_for_each_mm(reclaim_mm, &ctl);
	if (ctl.freed < nr && UMK_IS_ENABLED(CONFIG_VM_SWAP)) {
		ctl.swap = true; /* zero pages were not enough */
		umk_vm_for_each_mm(reclaim_mm, &ctl);
	}
	return ctl.freed;
}

static struct umk_shrinker reclaim_shrinker = {
	.count = reclaim_count,
	.scan = reclaim_scan,
};

static int reclaim_init(void)
{
	umk_register_shrinker(&reclaim_shrinker);
	return 0;
}
umk_subsys_initcall(reclaim_init);
