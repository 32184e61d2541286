/*
 * The software page table: one PTE (vm_pte_t) per page of an mm's window,
 * in two levels as a hardware table would be. The directory is an array
 * of VM_NR_LEAVES pointers; a leaf is one physical page of 512 PTEs,
 * allocated the first time a page in its 2 MiB is touched, so an mm that
 * uses little pays little. Walks skip missing leaves, which makes fork,
 * munmap and reclaim cost what is mapped, not what is reserved.
 *
 * The host mapping follows the PTE; the helpers here keep them in step
 * with one host call per run of pages wherever they can.
 */
#include <umk/errno.h>
#include <umk/printk.h>
#include <umk/slab.h>
#include <umk/string.h>
#include "arch/um/vm_host.h"
#include "optional/vm/vm_internal.h"

UMK_INTERNAL int umk_vm_pgtable_init(struct umk_mm *mm)
{
	mm->pgdir = umk_kzalloc(VM_NR_LEAVES * sizeof(vm_pte_t *));
	return mm->pgdir ? 0 : -UMK_ENOMEM;
}

UMK_INTERNAL void umk_vm_pgtable_free(struct umk_mm *mm)
{
	unsigned long i;

	if (!mm->pgdir)
		return;
	for (i = 0; i < VM_NR_LEAVES; i++)
		if (mm->pgdir[i])
			umk_free_pages(mm->pgdir[i], 0);
	umk_kfree(mm->pgdir);
	mm->pgdir = NULL;
}

static unsigned long pgtable_index(struct umk_mm *mm, unsigned long addr)
{
	return (addr - mm->base) >> UMK_PAGE_SHIFT;
}

UMK_INTERNAL vm_pte_t *umk_vm_pte(struct umk_mm *mm, unsigned long addr,
				  bool alloc)
{
	unsigned long idx = pgtable_index(mm, addr);
	vm_pte_t **leaf = &mm->pgdir[idx / VM_PTES_PER_LEAF];

	if (umk_unlikely(!*leaf)) {
		if (!alloc)
			return NULL;
		*leaf = umk_alloc_pages(0);
		if (!*leaf)
			return NULL;
		umk_memset(*leaf, 0, UMK_PAGE_SIZE);
	}
	return &(*leaf)[idx % VM_PTES_PER_LEAF];
}

UMK_INTERNAL int umk_vm_pgtable_walk(struct umk_mm *mm, unsigned long start,
				     unsigned long end, vm_pte_fn fn, void *arg)
{
	unsigned long idx = pgtable_index(mm, start);
	unsigned long last = pgtable_index(mm, end);
	int r;

	while (idx < last) {
		vm_pte_t *leaf = mm->pgdir[idx / VM_PTES_PER_LEAF];
		unsigned long stop = UMK_MIN(last, (idx | (VM_PTES_PER_LEAF - 1)) + 1);

		if (!leaf) {
			idx = stop;
			continue;
		}
		for (; idx < stop; idx++) {
			vm_pte_t *pte = &leaf[idx % VM_PTES_PER_LEAF];

			if (!*pte)
				continue;
			r = fn(mm, mm->base + (idx << UMK_PAGE_SHIFT), pte, arg);
			if (r)
				return r;
		}
	}
	return 0;
}

/* Put back the page a PTE holds and clear it (the host side is done). */
static int pgtable_zap_pte(struct umk_mm *mm, unsigned long addr,
			   vm_pte_t *pte, void *arg)
{
	(void)addr;
	(void)arg;
	if (*pte & VM_PTE_PRESENT) {
		umk_page_put(vm_pte_page(*pte));
		mm->resident_pages--;
	} else if (*pte & VM_PTE_SWAP) {
		umk_vm_swap_free(vm_pte_swap_slot(*pte));
		mm->swapped_pages--;
	}
	*pte = 0;
	return 0;
}

UMK_INTERNAL int umk_vm_zap_range(struct umk_mm *mm, unsigned long start,
				  unsigned long end)
{
	/* Host first: no CPU may reach a page after it is put back. */
	int err = umk_arch_vm_unmap(start, end - start);

	if (err)
		return err; /* nothing changed */
	umk_vm_pgtable_walk(mm, start, end, pgtable_zap_pte, NULL);
	return 0;
}

/* A run of host-mapped pages being collected for one host call. */
struct pgtable_run {
	unsigned long start, end;
	int prot;
	int err;
};

static void pgtable_run_flush(struct pgtable_run *run)
{
	int err;

	if (run->start == run->end)
		return;
	if (run->prot == UMK_PROT_NONE)
		err = umk_arch_vm_unmap(run->start, run->end - run->start);
	else
		err = umk_arch_vm_protect(run->start, run->end - run->start,
					  run->prot);
	if (err && !run->err)
		run->err = err;
	run->start = run->end = 0;
}

static int pgtable_protect_pte(struct umk_mm *mm, unsigned long addr,
			       vm_pte_t *pte, void *arg)
{
	struct pgtable_run *run = arg;

	(void)mm;
	if (!(*pte & VM_PTE_HOST))
		return 0;
	if (addr != run->end)
		pgtable_run_flush(run);
	if (run->start == run->end)
		run->start = addr;
	run->end = addr + UMK_PAGE_SIZE;
	*pte &= ~VM_PTE_HOST_W;
	if (run->prot == UMK_PROT_NONE)
		*pte &= ~VM_PTE_HOST;
	return 0;
}

/*
 * Write permission is always taken away, never given: a write to a page
 * that may be written faults once and the fault handler grants it, after
 * checking that the page is not shared (copy-on-write).
 */
UMK_INTERNAL int umk_vm_protect_range(struct umk_mm *mm, unsigned long start,
				      unsigned long end, int prot)
{
	struct pgtable_run run = { 0, 0, prot & ~UMK_PROT_WRITE, 0 };

	if (!(prot & (UMK_PROT_READ | UMK_PROT_WRITE | UMK_PROT_EXEC)))
		run.prot = UMK_PROT_NONE;
	else if (prot & UMK_PROT_WRITE)
		run.prot |= UMK_PROT_READ; /* as the host's PROT_WRITE implies */
	umk_vm_pgtable_walk(mm, start, end, pgtable_protect_pte, &run);
	pgtable_run_flush(&run);
	return run.err;
}
