/*
 * Internals of the full virtual memory (CONFIG_VM), shared by the files of
 * optional/vm. The concepts and where they live:
 *
 *   mm.c       address spaces: windows of host address space, references,
 *              limits, statistics, the task's mm
 *   vma.c      mappings (struct vm_area) in an ordered tree (a treap keyed
 *              by start address), split and merge
 *   mmap.c     umk_mmap, umk_munmap, umk_mprotect, umk_sbrk/umk_brk
 *   pgtable.c  the software page table: one PTE per page of the window
 *   fault.c    demand paging, copy-on-write, and delivering bad accesses
 *              to the task (umk_vm_try)
 *   fork.c     umk_mm_fork: copy-on-write clone
 *   reclaim.c  the shrinker: drops clean zero pages under pressure, then
 *              swaps dirty ones out (CONFIG_VM_SWAP)
 *   swap.c     swap slots in a host file, reference counted
 *
 * Locking: mm->lock (a spinlock) covers the VMA tree, the page table, the
 * host mappings of the window and the statistics. It is taken in task
 * context and in the fault handler, which runs in host signal context and
 * so must never sleep; the shrinker only ever trylocks it.
 */
#ifndef UMK_OPTIONAL_VM_INTERNAL_H
#define UMK_OPTIONAL_VM_INTERNAL_H

#include <umk/config.h>
#include <umk/errno.h>
#include <umk/mm.h>
#include <umk/spinlock.h>
#include <umk/vm.h>
#include "core/page.h"

/* Every mm owns one window of host address space of this size. */
#define VM_WINDOW_SIZE (((unsigned long)CONFIG_VM_MM_WINDOW_MB + 1) >> 1 << 21)
#define VM_WINDOW_PAGES (VM_WINDOW_SIZE >> UMK_PAGE_SHIFT)

/*
 * A PTE: the physical page frame number above bit 12, state below. The
 * host mapping may lag the PTE (a present page is mapped on first touch),
 * never lead it.
 */
typedef unsigned long vm_pte_t;
#define VM_PTE_PRESENT 0x1UL /* a physical page backs the virtual page */
#define VM_PTE_HOST 0x2UL    /* and the host maps it at the address */
#define VM_PTE_HOST_W 0x4UL  /* writably */
#define VM_PTE_DIRTY 0x8UL   /* has been writable: may hold non-zero data */
#define VM_PTE_SWAP 0x10UL   /* not present: in the swap slot above bit 12 */
#define VM_PTE_FLAGS 0xfffUL
#define VM_PTES_PER_LEAF (UMK_PAGE_SIZE / sizeof(vm_pte_t))
#define VM_NR_LEAVES (VM_WINDOW_PAGES / VM_PTES_PER_LEAF)

static inline unsigned long vm_pte_pfn(vm_pte_t pte)
{
	return pte >> UMK_PAGE_SHIFT;
}

static inline struct umk_page *vm_pte_page(vm_pte_t pte)
{
	return umk_pfn_to_page(vm_pte_pfn(pte));
}

static inline vm_pte_t vm_pte_make(struct umk_page *pg, unsigned long flags)
{
	return (umk_page_to_pfn(pg) << UMK_PAGE_SHIFT) | flags | VM_PTE_PRESENT;
}

static inline unsigned long vm_pte_swap_slot(vm_pte_t pte)
{
	return pte >> UMK_PAGE_SHIFT;
}

static inline vm_pte_t vm_pte_make_swap(unsigned long slot)
{
	return (slot << UMK_PAGE_SHIFT) | VM_PTE_SWAP | VM_PTE_DIRTY;
}

/* A mapping: [start, end) with one protection. */
struct vm_area {
	unsigned long start, end;
	int prot;
	unsigned int flags;            /* VM_AREA_* */
	struct vm_area *left, *right;  /* treap children */
	unsigned int prio;             /* treap heap priority */
};
#define VM_AREA_HEAP 0x1 /* the sbrk heap: grows, never merges */

struct umk_mm {
	umk_spinlock_t lock;
	int refs;
	unsigned int slot;         /* index of the window in the arena */
	unsigned long base;        /* window: [base, base + VM_WINDOW_SIZE) */
	struct vm_area *vmas;      /* treap root */
	vm_pte_t **pgdir;          /* VM_NR_LEAVES leaves, each a page */
	unsigned long brk_start;   /* heap: [brk_start, brk) */
	unsigned long brk;
	unsigned long mmap_top;    /* unhinted mappings go below this */
	unsigned long limit_pages; /* 0: none */
	/* statistics */
	unsigned long nr_vmas;
	unsigned long mapped_pages;
	unsigned long resident_pages;
	unsigned long faults;
	unsigned long bad_faults;
	unsigned long cow_copies;
	unsigned long reclaimed;
	unsigned long swapped_pages;
};

/* mm.c */
/* The mm whose window holds addr, with a reference taken; or NULL. */
UMK_INTERNAL struct umk_mm *umk_vm_mm_from_addr(unsigned long addr);
/* Call fn on every live mm (with a reference held across the call). */
UMK_INTERNAL void umk_vm_for_each_mm(void (*fn)(struct umk_mm *mm, void *arg),
				     void *arg);
/* A new mm with an empty window: what create and fork share. */
UMK_INTERNAL struct umk_mm *umk_vm_mm_alloc(void);
/* Map or unmap the host side of a run of present pages (under mm->lock). */
UMK_INTERNAL int umk_vm_host_map_page(struct umk_mm *mm, unsigned long addr,
				      vm_pte_t *pte, bool writable, int prot);

/* vma.c */
UMK_INTERNAL int umk_vma_init(void); /* at boot */
UMK_INTERNAL struct vm_area *umk_vma_alloc(unsigned long start,
					   unsigned long end, int prot);
UMK_INTERNAL void umk_vma_free(struct vm_area *vma);
UMK_INTERNAL void umk_vma_insert(struct umk_mm *mm, struct vm_area *vma);
UMK_INTERNAL void umk_vma_erase(struct umk_mm *mm, struct vm_area *vma);
/* The mapping containing addr, or NULL. */
UMK_INTERNAL struct vm_area *umk_vma_find(struct umk_mm *mm, unsigned long addr);
/* The first mapping that ends above addr, or NULL. */
UMK_INTERNAL struct vm_area *umk_vma_next(struct umk_mm *mm, unsigned long addr);
/* The last mapping that starts below addr, or NULL. */
UMK_INTERNAL struct vm_area *umk_vma_prev(struct umk_mm *mm, unsigned long addr);
/* Split vma at addr (strictly inside it); returns the upper part or NULL. */
UMK_INTERNAL struct vm_area *umk_vma_split(struct umk_mm *mm,
					   struct vm_area *vma,
					   unsigned long addr);
/*
 * Merge touching mappings that agree, from the one before start to the
 * one after end: after a change to [start, end) the tree is canonical.
 */
UMK_INTERNAL void umk_vma_merge_range(struct umk_mm *mm, unsigned long start,
				      unsigned long end);
/* Free every mapping of mm (the tree only, not the pages). */
UMK_INTERNAL void umk_vma_free_all(struct umk_mm *mm);

/* pgtable.c */
UMK_INTERNAL int umk_vm_pgtable_init(struct umk_mm *mm);
UMK_INTERNAL void umk_vm_pgtable_free(struct umk_mm *mm);
/* The PTE of addr; with alloc, its leaf is created (NULL: no memory). */
UMK_INTERNAL vm_pte_t *umk_vm_pte(struct umk_mm *mm, unsigned long addr,
				  bool alloc);
/*
 * Call fn for each non-empty PTE in [start, end), skipping empty leaves;
 * fn returns non-zero to stop the walk (and the walk returns that).
 */
typedef int (*vm_pte_fn)(struct umk_mm *mm, unsigned long addr, vm_pte_t *pte,
			 void *arg);
UMK_INTERNAL int umk_vm_pgtable_walk(struct umk_mm *mm, unsigned long start,
				     unsigned long end, vm_pte_fn fn, void *arg);
/*
 * Clear the host mappings of [start, end), then drop every page there.
 * Fails (changing nothing) only if the host refuses the unmapping.
 */
UMK_INTERNAL int umk_vm_zap_range(struct umk_mm *mm, unsigned long start,
				  unsigned long end);
/*
 * Take write permission away from the host mappings in [start, end) (or
 * all access, with prot NONE), in one host call per run of mapped pages.
 */
UMK_INTERNAL int umk_vm_protect_range(struct umk_mm *mm, unsigned long start,
				      unsigned long end, int prot);

/*
 * fault.c: resolve a fault at addr of mm (with its reference held). *write
 * is 1, 0, or -1 when the host did not say which; it is set to what the
 * access was taken for.
 */
UMK_INTERNAL int umk_vm_fault_mm(struct umk_mm *mm, unsigned long addr,
				 int *write);

/*
 * swap.c (CONFIG_VM_SWAP): slots of a host swap file, reference counted so
 * that a fork child shares its parent's swapped pages. Callable under
 * mm->lock and from the shrinker; never sleeps (host I/O blocks the CPU).
 */
#ifdef CONFIG_VM_SWAP
/* Write pg to a new slot (one reference); 0 and *slot, or an error. */
UMK_INTERNAL int umk_vm_swap_out(struct umk_page *pg, unsigned long *slot);
/* Read slot into pg; the slot keeps its references. */
UMK_INTERNAL int umk_vm_swap_in(unsigned long slot, struct umk_page *pg);
UMK_INTERNAL void umk_vm_swap_dup(unsigned long slot);
UMK_INTERNAL void umk_vm_swap_free(unsigned long slot);
#else
static inline int umk_vm_swap_out(struct umk_page *pg, unsigned long *slot)
{
	(void)pg;
	(void)slot;
	return -UMK_ENOSYS;
}
static inline int umk_vm_swap_in(unsigned long slot, struct umk_page *pg)
{
	(void)slot;
	(void)pg;
	return -UMK_ENOSYS;
}
static inline void umk_vm_swap_dup(unsigned long slot) { (void)slot; }
static inline void umk_vm_swap_free(unsigned long slot) { (void)slot; }
#endif

#endif
