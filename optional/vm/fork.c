/*
 * umk_mm_fork: a copy-on-write clone of an address space, the way Redis
 * forks for BGSAVE. The child gets a copy of every mapping and of every
 * PTE, pointing at the same physical pages (one more reference each); the
 * parent's writable host mappings become read-only, so the first write on
 * either side faults and copies the page (fault.c).
 *
 * Both sides keep reading without faults: the parent keeps its read-only
 * mappings, and the child's are made at fork in one host call per run of
 * pages that are contiguous both virtually and physically (the buddy
 * allocator tends to hand out such runs), write permission goes in one
 * mprotect per run. Pages neither side writes stay shared for good.
 */
#include <umk/errno.h>
#include "arch/um/vm_host.h"
#include "optional/vm/vm_internal.h"

/* Runs of host work collected while walking the parent's page table. */
struct fork_walk {
	struct umk_mm *child;
	int prot;                          /* the mapping being copied */
	unsigned long wp_start, wp_end;    /* parent: to write-protect */
	unsigned long map_start, map_end;  /* child: to map (child addresses) */
	unsigned long map_phys;            /* physical start of the child run */
	int err;
};

static void fork_flush_wp(struct fork_walk *fw)
{
	int err;

	if (fw->wp_start == fw->wp_end)
		return;
	err = umk_arch_vm_protect(fw->wp_start, fw->wp_end - fw->wp_start,
				  (fw->prot & ~UMK_PROT_WRITE) | UMK_PROT_READ);
	if (err && !fw->err)
		fw->err = err;
	fw->wp_start = fw->wp_end = 0;
}

static void fork_flush_map(struct fork_walk *fw)
{
	int err;

	if (fw->map_start == fw->map_end)
		return;
	err = umk_arch_vm_map(fw->map_start, fw->map_phys,
			      fw->map_end - fw->map_start,
			      fw->prot & ~UMK_PROT_WRITE, false);
	if (err && !fw->err)
		fw->err = err;
	fw->map_start = fw->map_end = 0;
}

static void fork_add_wp(struct fork_walk *fw, unsigned long addr)
{
	if (addr != fw->wp_end)
		fork_flush_wp(fw);
	if (fw->wp_start == fw->wp_end)
		fw->wp_start = addr;
	fw->wp_end = addr + UMK_PAGE_SIZE;
}

static void fork_add_map(struct fork_walk *fw, unsigned long caddr,
			 unsigned long phys)
{
	if (caddr != fw->map_end ||
	    phys != fw->map_phys + (fw->map_end - fw->map_start))
		fork_flush_map(fw);
	if (fw->map_start == fw->map_end) {
		fw->map_start = caddr;
		fw->map_phys = phys;
	}
	fw->map_end = caddr + UMK_PAGE_SIZE;
}

static int fork_copy_pte(struct umk_mm *parent, unsigned long addr,
			 vm_pte_t *pte, void *arg)
{
	struct fork_walk *fw = arg;
	struct umk_mm *child = fw->child;
	unsigned long caddr = addr - parent->base + child->base;
	vm_pte_t *cpte;

	if (!(*pte & (VM_PTE_PRESENT | VM_PTE_SWAP)))
		return 0;
	cpte = umk_vm_pte(child, caddr, true);
	if (!cpte)
		return -UMK_ENOMEM;
	if (*pte & VM_PTE_SWAP) {
		umk_vm_swap_dup(vm_pte_swap_slot(*pte));
		*cpte = *pte;
		child->swapped_pages++;
		return 0;
	}
	umk_page_get(vm_pte_page(*pte));
	*cpte = *pte & ~(VM_PTE_HOST | VM_PTE_HOST_W);
	child->resident_pages++;
	if (*pte & VM_PTE_HOST_W) {
		*pte &= ~VM_PTE_HOST_W;
		fork_add_wp(fw, addr);
	}
	if ((*pte & VM_PTE_HOST) && fw->prot != UMK_PROT_NONE) {
		*cpte |= VM_PTE_HOST;
		fork_add_map(fw, caddr, umk_page_to_phys(vm_pte_page(*pte)));
	}
	return 0;
}

static int fork_copy_vma(struct umk_mm *parent, struct umk_mm *child,
			 struct vm_area *v)
{
	unsigned long off = child->base - parent->base;
	struct fork_walk fw = { .child = child, .prot = v->prot };
	struct vm_area *cv = umk_vma_alloc(v->start + off, v->end + off, v->prot);
	int err;

	if (!cv)
		return -UMK_ENOMEM;
	cv->flags = v->flags;
	umk_vma_insert(child, cv);
	child->mapped_pages += (v->end - v->start) >> UMK_PAGE_SHIFT;
	err = umk_vm_pgtable_walk(parent, v->start, v->end, fork_copy_pte, &fw);
	fork_flush_wp(&fw);
	fork_flush_map(&fw);
	return err ? err : fw.err;
}

static int fork_copy(struct umk_mm *parent, struct umk_mm *child)
{
	unsigned long off = child->base - parent->base;
	struct vm_area *v;
	int err = 0;

	child->brk_start = parent->brk_start + off;
	child->brk = parent->brk + off;
	child->mmap_top = parent->mmap_top + off;
	child->limit_pages = parent->limit_pages;
	for (v = umk_vma_next(parent, parent->base); v && !err;
	     v = umk_vma_next(parent, v->end))
		err = fork_copy_vma(parent, child, v);
	return err;
}

int umk_mm_fork(struct umk_mm *parent, struct umk_mm **childp)
{
	struct umk_mm *child = umk_vm_mm_alloc();
	int err;

	*childp = NULL;
	if (!child)
		return -UMK_ENOMEM;
	umk_spin_lock(&parent->lock);
	umk_spin_lock(&child->lock); /* the shrinker may already see it */
	err = fork_copy(parent, child);
	umk_spin_unlock(&child->lock);
	umk_spin_unlock(&parent->lock);
	if (err) {
		umk_mm_put(child); /* drops the references it took */
		return err == -UMK_ENOMEM ? err : -UMK_ENOMEM;
	}
	*childp = child;
	return 0;
}
