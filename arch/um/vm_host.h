/*
 * The host side of optional/vm (CONFIG_VM), implemented by
 * arch/um/vm_host.c. The generic code sees an arena of address space split
 * into windows, and four operations on it; it never learns that a mapped
 * page is an mmap of the physical-memory memfd at the page's offset.
 *
 * Protection values are UMK_PROT_* from <umk/vm.h>. Calls return 0 or a
 * negative UMK errno and are async-signal-safe (the fault handler uses
 * them).
 */
#ifndef UMK_ARCH_UM_VM_HOST_H
#define UMK_ARCH_UM_VM_HOST_H

#include <umk/compiler.h>

/*
 * Reserve size bytes of host address space, inaccessible and without
 * host memory behind it, and route host faults inside it to
 * umk_vm_handle_fault(). Once, at boot. Returns the base or NULL.
 */
UMK_INTERNAL void *umk_arch_vm_reserve(unsigned long size);
/*
 * Map len bytes of physical memory at phys to va with prot. With populate
 * the host page tables are filled now (the access that faulted is about
 * to be retried: this saves a second host fault); without, on first use
 * (a large run mapped at fork that may never be read in full).
 */
UMK_INTERNAL int umk_arch_vm_map(unsigned long va, unsigned long phys,
				 unsigned long len, int prot, bool populate);
/* Change the protection of mapped pages (prot is not UMK_PROT_NONE). */
UMK_INTERNAL int umk_arch_vm_protect(unsigned long va, unsigned long len,
				     int prot);
/* Back to reserved and inaccessible; host memory is dropped. */
UMK_INTERNAL int umk_arch_vm_unmap(unsigned long va, unsigned long len);

/*
 * Swap (CONFIG_VM_SWAP): page-sized reads and writes at off of a host
 * file, created unlinked on first use. 0 or a negative UMK errno.
 */
UMK_INTERNAL int umk_arch_vm_swap_write(unsigned long off, const void *buf,
					unsigned long len);
UMK_INTERNAL int umk_arch_vm_swap_read(unsigned long off, void *buf,
				       unsigned long len);

/* ---- Calls from arch/um into optional/vm ---- */

/* What umk_vm_handle_fault() asks the arch layer to do. */
#define UMK_VM_FAULT_RETRY 0   /* resolved: retry the access */
#define UMK_VM_FAULT_DELIVER 1 /* a task error: resume the task in
				* umk_vm_fault_deliver() */
#define UMK_VM_FAULT_KERNEL 2  /* no recovery: die as for any segfault */

/*
 * A host fault at addr inside the arena; write is 1, 0, or -1 when the
 * host did not say. Runs in signal context with host signals blocked.
 */
UMK_INTERNAL int umk_vm_handle_fault(unsigned long addr, int write);
/*
 * Where a task resumes after UMK_VM_FAULT_DELIVER, on its own stack below
 * the faulting frame (the arch rewrites pc and sp as Go's asynchronous
 * preemption does). It unwinds to the task's umk_vm_try() or ends the
 * task; it never returns.
 */
UMK_INTERNAL void umk_vm_fault_deliver(void) UMK_NORETURN;

#endif
