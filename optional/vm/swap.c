/*
 * Swap slots (CONFIG_VM_SWAP): the host swap file is an array of
 * page-sized slots. Each slot has a reference count, because a fork child
 * shares its parent's swapped pages just as it shares resident ones: the
 * slot is free again when the last PTE naming it is gone (swapped back in,
 * unmapped, or its mm destroyed).
 *
 * Slots are found with a rotating cursor, so consecutive swap-outs land
 * in consecutive slots (sequential host writes). The reference counts sit
 * under one spinlock, taken with IRQs masked: the shrinker may run from
 * an IRQ handler's allocation.
 */
#include <umk/errno.h>
#include <umk/printk.h>
#include "arch/um/vm_host.h"
#include "optional/vm/vm_internal.h"

#define SWAP_SLOTS ((unsigned long)CONFIG_VM_SWAP_MB << (20 - UMK_PAGE_SHIFT))

/*
 * Per slot: PTEs naming it, 0: free. Static, so it starts zeroed: boot
 * prefaults .bss with one call, where allocating and clearing it (128 KiB
 * for 256 MiB of swap) cost a host page fault per page, 0.4 ms.
 */
static unsigned short swap_refs[SWAP_SLOTS];
static unsigned long swap_cursor;
static unsigned long swap_used;
static umk_spinlock_t swap_lock = UMK_SPINLOCK_INIT;

static long swap_slot_alloc(void)
{
	unsigned long flags = umk_spin_lock_irqsave(&swap_lock);
	unsigned long i, s;
	long found = -1;

	for (i = 0; i < SWAP_SLOTS; i++) {
		s = (swap_cursor + i) % SWAP_SLOTS;
		if (!swap_refs[s]) {
			swap_refs[s] = 1;
			swap_cursor = s + 1;
			swap_used++;
			found = (long)s;
			break;
		}
	}
	umk_spin_unlock_irqrestore(&swap_lock, flags);
	return found;
}

UMK_INTERNAL void umk_vm_swap_dup(unsigned long slot)
{
	unsigned long flags = umk_spin_lock_irqsave(&swap_lock);

	if (swap_refs[slot] == 0xffff)
		umk_panic("vm: swap slot %lu shared by too many address spaces",
			  slot);
	swap_refs[slot]++;
	umk_spin_unlock_irqrestore(&swap_lock, flags);
}

UMK_INTERNAL void umk_vm_swap_free(unsigned long slot)
{
	unsigned long flags = umk_spin_lock_irqsave(&swap_lock);

	if (slot >= SWAP_SLOTS || !swap_refs[slot])
		umk_panic("vm: free of swap slot %lu that is not in use", slot);
	if (!--swap_refs[slot])
		swap_used--;
	umk_spin_unlock_irqrestore(&swap_lock, flags);
}

UMK_INTERNAL int umk_vm_swap_out(struct umk_page *pg, unsigned long *slot)
{
	long s = swap_slot_alloc();
	int err;

	if (s < 0)
		return -UMK_ENOSPC;
	err = umk_arch_vm_swap_write((unsigned long)s << UMK_PAGE_SHIFT,
				     umk_page_to_virt(pg), UMK_PAGE_SIZE);
	if (err) {
		umk_vm_swap_free((unsigned long)s);
		return err;
	}
	*slot = (unsigned long)s;
	return 0;
}

UMK_INTERNAL int umk_vm_swap_in(unsigned long slot, struct umk_page *pg)
{
	return umk_arch_vm_swap_read(slot << UMK_PAGE_SHIFT,
				     umk_page_to_virt(pg), UMK_PAGE_SIZE);
}
