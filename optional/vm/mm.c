/*
 * Address spaces (struct umk_mm). At boot one arena of host address space
 * is reserved, CONFIG_VM_MAX_MMS windows of CONFIG_VM_MM_WINDOW_MB each;
 * an mm owns one window for its life. A window is laid out as
 *
 *   base                                        base + VM_WINDOW_SIZE
 *   | heap (sbrk) ->        ...        <- mmap | guard page |
 *
 * Why windows and not one shared range remapped on every switch: all CPUs
 * are threads of one host process and see one host address space, so two
 * tasks of two mms can run at the same moment; disjoint windows make a
 * switch free and let the fault handler find the mm from the address
 * alone. The price is that a fork child lives at another address (see
 * umk_mm_translate) and that windows are not isolated from each other:
 * an mm is a unit of accounting, demand paging and copy-on-write, not of
 * protection between tasks, which all share one host process anyway.
 */
#include <umk/errno.h>
#include <umk/init.h>
#include <umk/printk.h>
#include <umk/slab.h>
#include <umk/string.h>
#include "arch/um/vm_host.h"
#include "core/task.h"
#include "optional/vm/vm_internal.h"

UMK_STATIC_ASSERT(VM_WINDOW_PAGES % VM_PTES_PER_LEAF == 0,
		  "an mm window must be a whole number of page-table leaves");

static unsigned long mm_arena;                      /* base of the arena */
static unsigned int mm_nr_slots;                    /* windows in it */
static struct umk_mm *mm_slots[CONFIG_VM_MAX_MMS];  /* window owners */
static umk_spinlock_t mm_slots_lock = UMK_SPINLOCK_INIT;

static int mm_slot_claim(struct umk_mm *mm)
{
	unsigned int i;

	umk_spin_lock(&mm_slots_lock);
	for (i = 0; i < mm_nr_slots; i++) {
		if (!mm_slots[i]) {
			mm_slots[i] = mm;
			mm->slot = i;
			mm->base = mm_arena + i * VM_WINDOW_SIZE;
			break;
		}
	}
	umk_spin_unlock(&mm_slots_lock);
	return i < mm_nr_slots ? 0 : -UMK_ENOMEM;
}

static void mm_slot_release(struct umk_mm *mm)
{
	umk_spin_lock(&mm_slots_lock);
	mm_slots[mm->slot] = NULL;
	umk_spin_unlock(&mm_slots_lock);
}

UMK_INTERNAL struct umk_mm *umk_vm_mm_from_addr(unsigned long addr)
{
	unsigned long slot = (addr - mm_arena) / VM_WINDOW_SIZE;
	struct umk_mm *mm = NULL;

	if (addr < mm_arena || slot >= mm_nr_slots)
		return NULL;
	umk_spin_lock(&mm_slots_lock);
	mm = mm_slots[slot];
	if (mm)
		umk_mm_get(mm);
	umk_spin_unlock(&mm_slots_lock);
	return mm;
}

UMK_INTERNAL void umk_vm_for_each_mm(void (*fn)(struct umk_mm *mm, void *arg),
				     void *arg)
{
	unsigned int i;

	/* Trylock: the shrinker calls this, perhaps in IRQ context. */
	for (i = 0; i < mm_nr_slots; i++) {
		struct umk_mm *mm;

		if (!umk_spin_trylock(&mm_slots_lock))
			continue;
		mm = mm_slots[i];
		if (mm)
			umk_mm_get(mm);
		umk_spin_unlock(&mm_slots_lock);
		if (mm) {
			fn(mm, arg);
			umk_mm_put(mm);
		}
	}
}

static void mm_free(struct umk_mm *mm)
{
	umk_vm_pgtable_free(mm);
	umk_vma_free_all(mm);
	umk_kfree(mm);
}

UMK_INTERNAL struct umk_mm *umk_vm_mm_alloc(void)
{
	struct umk_mm *mm;

	if (!mm_arena)
		return NULL; /* before vm_init, or the arena was refused */
	mm = umk_kzalloc(sizeof(*mm));
	if (!mm)
		return NULL;
	umk_spin_lock_init(&mm->lock);
	mm->refs = 1;
	mm->limit_pages = CONFIG_VM_MAX_MM_PAGES;
	if (umk_vm_pgtable_init(mm) || mm_slot_claim(mm)) {
		mm_free(mm);
		return NULL;
	}
	mm->brk_start = mm->brk = mm->base;
	mm->mmap_top = mm->base + VM_WINDOW_SIZE - UMK_PAGE_SIZE;
	return mm;
}

struct umk_mm *umk_mm_create(void)
{
	return umk_vm_mm_alloc();
}

void umk_mm_get(struct umk_mm *mm)
{
	__atomic_add_fetch(&mm->refs, 1, __ATOMIC_RELAXED);
}

void umk_mm_put(struct umk_mm *mm)
{
	int err;

	if (!mm || __atomic_sub_fetch(&mm->refs, 1, __ATOMIC_ACQ_REL))
		return;
	/* Nobody can find it once the slot is empty; then the pages go. */
	mm_slot_release(mm);
	err = umk_vm_zap_range(mm, mm->base, mm->base + VM_WINDOW_SIZE);
	if (err) /* its pages would stay reachable after being freed */
		umk_panic("vm: cannot unmap a dying mm's window from the host (%s)",
			  umk_strerror(-err));
	mm_free(mm);
}

void umk_mm_destroy(struct umk_mm *mm)
{
	umk_mm_put(mm);
}

void *umk_mm_translate(struct umk_mm *to, struct umk_mm *from, const void *addr)
{
	unsigned long off = (unsigned long)addr - from->base;

	if (off >= VM_WINDOW_SIZE)
		return NULL;
	return (void *)(to->base + off);
}

bool umk_mm_contains(const struct umk_mm *mm, const void *addr, size_t len)
{
	unsigned long off = (unsigned long)addr - mm->base;

	return off < VM_WINDOW_SIZE && len <= VM_WINDOW_SIZE - off;
}

int umk_mm_set_limit(struct umk_mm *mm, unsigned long max_pages)
{
	umk_spin_lock(&mm->lock);
	mm->limit_pages = max_pages;
	umk_spin_unlock(&mm->lock);
	return 0;
}

static int mm_count_shared(struct umk_mm *mm, unsigned long addr,
			   vm_pte_t *pte, void *arg)
{
	(void)mm;
	(void)addr;
	if ((*pte & VM_PTE_PRESENT) && umk_page_count(vm_pte_page(*pte)) > 1)
		(*(unsigned long *)arg)++;
	return 0;
}

int umk_mm_stats(const struct umk_mm *cmm, struct umk_mm_stats *st)
{
	struct umk_mm *mm = (struct umk_mm *)cmm; /* the lock is ours to take */

	umk_memset(st, 0, sizeof(*st));
	umk_spin_lock(&mm->lock);
	st->mapped_pages = mm->mapped_pages;
	st->resident_pages = mm->resident_pages;
	st->limit_pages = mm->limit_pages;
	st->faults = mm->faults;
	st->bad_faults = mm->bad_faults;
	st->cow_copies = mm->cow_copies;
	st->reclaimed = mm->reclaimed;
	st->swapped_pages = mm->swapped_pages;
	st->nr_vmas = mm->nr_vmas;
	umk_vm_pgtable_walk(mm, mm->base, mm->base + VM_WINDOW_SIZE,
			    mm_count_shared, &st->shared_pages);
	umk_spin_unlock(&mm->lock);
	return 0;
}

UMK_INTERNAL int umk_vm_host_map_page(struct umk_mm *mm, unsigned long addr,
				      vm_pte_t *pte, bool writable, int prot)
{
	int err;

	(void)mm;
	if (!writable)
		prot &= ~UMK_PROT_WRITE;
	else
		prot |= UMK_PROT_WRITE;
	err = umk_arch_vm_map(addr, umk_page_to_phys(vm_pte_page(*pte)),
			      UMK_PAGE_SIZE, prot, true);
	if (err)
		return err;
	*pte |= VM_PTE_HOST;
	if (writable)
		*pte |= VM_PTE_HOST_W | VM_PTE_DIRTY;
	else
		*pte &= ~VM_PTE_HOST_W;
	return 0;
}

int umk_task_set_mm(struct umk_task *t, struct umk_mm *mm)
{
	struct umk_mm *old = t->mm;

	if (mm)
		umk_mm_get(mm);
	t->mm = mm; /* no host work: every mm has its own window */
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

static int vm_init(void)
{
	unsigned int n = CONFIG_VM_MAX_MMS;
	void *arena = NULL;

	if (umk_vma_init())
		return -UMK_ENOMEM;
	/* Host address space is finite (47 bits, less under sanitizers). */
	while (n && !(arena = umk_arch_vm_reserve(n * VM_WINDOW_SIZE)))
		n /= 2;
	if (!arena) {
		umk_pr_err("vm: cannot reserve host address space for one mm of %lu MiB\n",
			   VM_WINDOW_SIZE >> 20);
		return -UMK_ENOMEM;
	}
	if (n < CONFIG_VM_MAX_MMS)
		umk_pr_warn("vm: the host gave room for %u of %d address spaces\n",
			    n, CONFIG_VM_MAX_MMS);
	mm_arena = (unsigned long)arena;
	mm_nr_slots = n;
	umk_pr_info("vm: %u address spaces of %lu MiB at %p\n", n,
		    VM_WINDOW_SIZE >> 20, arena);
	return 0;
}
umk_subsys_initcall(vm_init);
