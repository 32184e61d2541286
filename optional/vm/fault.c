/*
 * Page faults: demand paging, copy-on-write, and bad accesses.
 *
 * A first touch of a page of a mapping arrives here from the host's
 * SIGSEGV (arch/um/vm_host.c) and is resolved by allocating a zeroed
 * physical page and mapping it: read-only on a read (the page stays
 * "clean", so the shrinker may drop it), writable on a write. A write to
 * a page mapped read-only either upgrades the mapping, when this mm is the
 * page's only user, or copies the page first (copy-on-write after fork).
 *
 * A touch outside every mapping or against its protection is the task's
 * error, not the kernel's. The arch layer resumes the task in
 * umk_vm_fault_deliver(), which unwinds to the innermost umk_vm_try() of
 * that task with __builtin_longjmp (a compiler builtin, so freestanding
 * code may use it), or ends the task with -UMK_EFAULT. Frames of
 * umk_vm_try() live on the task's stack and are found through a small
 * hash by task, so struct umk_task needs no field for them.
 *
 * Fault handling runs in host signal context: it never sleeps, and it
 * raises the task's preempt count by hand and drops it without a resched
 * check, because switching tasks on the alternate signal stack would
 * corrupt it.
 */
#include <umk/errno.h>
#include <umk/printk.h>
#include <umk/string.h>
#include <umk/task.h>
#include "arch/um/vm_host.h"
#include "core/task.h"
#include "optional/vm/vm_internal.h"

/*
 * Unwinding past frames with __builtin_longjmp leaves their stack
 * redzones poisoned under AddressSanitizer; tell it, as it is told before
 * any call that does not return.
 */
#if defined(__SANITIZE_ADDRESS__)
#define FAULT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FAULT_ASAN 1
#endif
#endif
#ifdef FAULT_ASAN
void __asan_handle_no_return(void);
#define fault_unwind_hint() __asan_handle_no_return()
#else
#define fault_unwind_hint() do { } while (0)
#endif

static bool fault_allowed(int prot, bool write)
{
	if (write)
		return prot & UMK_PROT_WRITE;
	return prot != UMK_PROT_NONE;
}

/* First touch: a zeroed page, writable only if this is a write. */
static int fault_new_page(struct umk_mm *mm, struct vm_area *vma,
			  unsigned long addr, vm_pte_t *pte, bool write)
{
	struct umk_page *pg = umk_alloc_page_struct(0);
	int err;

	if (!pg)
		return -UMK_ENOMEM;
	umk_memset(umk_page_to_virt(pg), 0, UMK_PAGE_SIZE);
	*pte = vm_pte_make(pg, 0);
	err = umk_vm_host_map_page(mm, addr, pte, write, vma->prot);
	if (err) {
		*pte = 0;
		umk_page_put(pg);
		return err;
	}
	mm->resident_pages++;
	return 0;
}

/* A swapped-out page: read it back into a new page and let go of the slot. */
static int fault_swap_in(struct umk_mm *mm, struct vm_area *vma,
			 unsigned long addr, vm_pte_t *pte, bool write)
{
	struct umk_page *pg = umk_alloc_page_struct(0);
	unsigned long slot = vm_pte_swap_slot(*pte);
	int err;

	if (!pg)
		return -UMK_ENOMEM;
	err = umk_vm_swap_in(slot, pg);
	if (err) {
		umk_page_put(pg);
		return -UMK_ENOMEM; /* the data is unreachable: no page */
	}
	*pte = vm_pte_make(pg, VM_PTE_DIRTY);
	err = umk_vm_host_map_page(mm, addr, pte, write, vma->prot);
	if (err) {
		*pte = vm_pte_make_swap(slot);
		umk_page_put(pg);
		return err;
	}
	umk_vm_swap_free(slot);
	mm->swapped_pages--;
	mm->resident_pages++;
	return 0;
}

/* A write to a shared page: copy it, map the copy, let go of the original. */
static int fault_cow(struct umk_mm *mm, struct vm_area *vma,
		     unsigned long addr, vm_pte_t *pte)
{
	struct umk_page *old = vm_pte_page(*pte);
	struct umk_page *pg = umk_alloc_page_struct(0);
	vm_pte_t old_pte = *pte;
	int err;

	if (!pg)
		return -UMK_ENOMEM;
	umk_memcpy(umk_page_to_virt(pg), umk_page_to_virt(old), UMK_PAGE_SIZE);
	*pte = vm_pte_make(pg, 0);
	err = umk_vm_host_map_page(mm, addr, pte, true, vma->prot);
	if (err) {
		*pte = old_pte;
		umk_page_put(pg);
		return err;
	}
	umk_page_put(old); /* after the host mapping of it is gone */
	mm->cow_copies++;
	return 0;
}

/* A write to a present page that is not mapped writable. */
static int fault_write(struct umk_mm *mm, struct vm_area *vma,
		       unsigned long addr, vm_pte_t *pte)
{
	int err;

	if (umk_page_count(vm_pte_page(*pte)) > 1)
		return fault_cow(mm, vma, addr, pte);
	/* Ours alone: grant write in place. */
	if (!(*pte & VM_PTE_HOST))
		return umk_vm_host_map_page(mm, addr, pte, true, vma->prot);
	err = umk_arch_vm_protect(addr, UMK_PAGE_SIZE,
				  vma->prot | UMK_PROT_READ);
	if (!err)
		*pte |= VM_PTE_HOST_W | VM_PTE_DIRTY;
	return err;
}

static int fault_resolve(struct umk_mm *mm, struct vm_area *vma,
			 unsigned long addr, vm_pte_t *pte, bool write)
{
	bool mine;

	if (*pte & VM_PTE_SWAP)
		return fault_swap_in(mm, vma, addr, pte, write);
	if (!(*pte & VM_PTE_PRESENT))
		return fault_new_page(mm, vma, addr, pte, write);
	if (write && !(*pte & VM_PTE_HOST_W))
		return fault_write(mm, vma, addr, pte);
	if (*pte & VM_PTE_HOST)
		return 0; /* another CPU resolved it first */
	/* Present, not mapped (after fork or mprotect): map it back. */
	mine = umk_page_count(vm_pte_page(*pte)) == 1;
	return umk_vm_host_map_page(mm, addr, pte,
				    mine && (*pte & VM_PTE_DIRTY) &&
					    (vma->prot & UMK_PROT_WRITE),
				    vma->prot);
}

/*
 * When the host does not say (aarch64 without an ESR record, as under
 * qemu-user), a fault on a page the host maps readable can only be a
 * write; anything else is taken as a read. A write then costs two faults
 * (map read-only, then upgrade), never a wrong answer.
 */
static bool fault_infer_write(struct umk_mm *mm, unsigned long addr)
{
	vm_pte_t *pte = umk_vm_pte(mm, addr, false);

	return pte && (*pte & VM_PTE_HOST);
}

UMK_INTERNAL int umk_vm_fault_mm(struct umk_mm *mm, unsigned long addr,
				 int *write)
{
	struct vm_area *vma;
	vm_pte_t *pte;
	bool w;
	int err;

	addr &= ~(UMK_PAGE_SIZE - 1);
	umk_spin_lock(&mm->lock);
	vma = umk_vma_find(mm, addr);
	w = *write < 0 ? vma && fault_infer_write(mm, addr) : *write != 0;
	*write = w;
	if (!vma) {
		err = -UMK_EFAULT;
	} else if (!fault_allowed(vma->prot, w)) {
		err = -UMK_EACCES;
	} else {
		pte = umk_vm_pte(mm, addr, true);
		err = pte ? fault_resolve(mm, vma, addr, pte, w) : -UMK_ENOMEM;
	}
	if (err)
		mm->bad_faults++;
	else
		mm->faults++;
	umk_spin_unlock(&mm->lock);
	return err;
}

/* ---- Delivering bad accesses to tasks ---- */

struct vm_catch {
	void *jmp[5];                /* __builtin_setjmp buffer */
	struct umk_task *task;
	struct vm_catch *next;       /* in its hash bucket */
	struct umk_vm_fault fault;   /* filled by the fault handler */
};

#define CATCH_BUCKETS 64
static struct vm_catch *catch_table[CATCH_BUCKETS];
static umk_spinlock_t catch_lock = UMK_SPINLOCK_INIT;

static struct vm_catch **catch_bucket(const struct umk_task *t)
{
	return &catch_table[((unsigned long)t >> 6) % CATCH_BUCKETS];
}

static void catch_push(struct vm_catch *c)
{
	struct vm_catch **b = catch_bucket(c->task);

	umk_spin_lock(&catch_lock);
	c->next = *b;
	*b = c;
	umk_spin_unlock(&catch_lock);
}

static void catch_pop(struct vm_catch *c)
{
	struct vm_catch **pp;

	umk_spin_lock(&catch_lock);
	for (pp = catch_bucket(c->task); *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	umk_spin_unlock(&catch_lock);
}

/* The innermost umk_vm_try() frame of t (pushed last, found first). */
static struct vm_catch *catch_find(const struct umk_task *t)
{
	struct vm_catch *c;

	umk_spin_lock(&catch_lock);
	for (c = *catch_bucket(t); c && c->task != t; c = c->next)
		;
	umk_spin_unlock(&catch_lock);
	return c;
}

static const char *fault_error_name(int err)
{
	switch (err) {
	case -UMK_EFAULT:
		return "no mapping";
	case -UMK_EACCES:
		return "protection";
	case -UMK_ENOMEM:
		return "out of memory";
	default:
		return "host mapping failed";
	}
}

static int fault_in_task(struct umk_task *t, unsigned long addr, int *write)
{
	struct umk_mm *mm = t->mm;
	bool own = mm && umk_mm_contains(mm, (void *)addr, 1);
	int err;

	/* The task's own mm is pinned by the task: no reference needed. */
	if (!own && !(mm = umk_vm_mm_from_addr(addr)))
		return -UMK_EFAULT; /* an unused window: a stale pointer */
	err = umk_vm_fault_mm(mm, addr, write);
	if (!own)
		umk_mm_put(mm);
	return err;
}

/* A fault that could not be resolved: hand it to the task, if any. */
static int fault_bad(struct umk_cpu *cpu, struct umk_task *t,
		     unsigned long addr, int write, int err)
{
	struct vm_catch *c;

	if (cpu->in_irq || t->kthread || t == cpu->idle) {
		umk_pr_err("vm: bad %s at %p (%s) in %s: no task to deliver it to\n",
			   write > 0 ? "write" : "access", (void *)addr,
			   fault_error_name(err),
			   cpu->in_irq ? "IRQ context" : t->name);
		return UMK_VM_FAULT_KERNEL;
	}
	c = catch_find(t);
	if (c) {
		c->fault.addr = (void *)addr;
		c->fault.write = write > 0;
		c->fault.error = err;
	} else {
		umk_pr_err("vm: task '%s' (id %d): bad %s at %p (%s); ending it with -EFAULT\n",
			   t->name, t->id, write > 0 ? "write" : "access",
			   (void *)addr, fault_error_name(err));
	}
	return UMK_VM_FAULT_DELIVER;
}

UMK_INTERNAL int umk_vm_handle_fault(unsigned long addr, int write)
{
	struct umk_cpu *cpu = umk_this_cpu();
	struct umk_task *t = cpu ? cpu->curr : NULL;
	unsigned long flags;
	int err, r = UMK_VM_FAULT_RETRY;

	if (!t)
		return UMK_VM_FAULT_KERNEL;
	t->preempt_count++; /* no switch on the signal stack (see above) */
	flags = umk_local_irq_save();
	err = fault_in_task(t, addr, &write);
	if (umk_unlikely(err))
		r = fault_bad(cpu, t, addr, write, err);
	umk_local_irq_restore(flags);
	t->preempt_count--; /* without a resched check, on purpose */
	return r;
}

UMK_INTERNAL void umk_vm_fault_deliver(void)
{
	struct vm_catch *c = catch_find(umk_current_task());

	if (c) {
		fault_unwind_hint();
		__builtin_longjmp(c->jmp, 1);
	}
	umk_task_exit(-UMK_EFAULT);
}

int umk_vm_try(int (*fn)(void *arg), void *arg, struct umk_vm_fault *fault)
{
	struct vm_catch c;
	volatile struct vm_catch *vc = &c;
	int ret;

	c.task = umk_current_task();
	c.fault.addr = NULL;
	c.fault.write = false;
	c.fault.error = 0;
	if (__builtin_setjmp(c.jmp)) {
		/* Back from umk_vm_fault_deliver(): fn faulted. */
		catch_pop((struct vm_catch *)vc);
		if (fault)
			*fault = vc->fault;
		return vc->fault.error;
	}
	catch_push(&c);
	ret = fn(arg);
	catch_pop(&c);
	if (fault)
		*fault = c.fault;
	return ret;
}

struct fault_copy {
	void *dst;
	const void *src;
	size_t n;
};

static int fault_copy_fn(void *arg)
{
	struct fault_copy *fc = arg;

	umk_memcpy(fc->dst, fc->src, fc->n);
	return 0;
}

int umk_copy_from_mm(struct umk_mm *mm, void *dst, const void *src, size_t n)
{
	struct fault_copy fc = { dst, src, n };

	if (!umk_mm_contains(mm, src, n))
		return -UMK_EFAULT;
	return umk_vm_try(fault_copy_fn, &fc, NULL);
}

int umk_copy_to_mm(struct umk_mm *mm, void *dst, const void *src, size_t n)
{
	struct fault_copy fc = { dst, src, n };

	if (!umk_mm_contains(mm, dst, n))
		return -UMK_EFAULT;
	return umk_vm_try(fault_copy_fn, &fc, NULL);
}

int umk_vm_touch(struct umk_mm *mm, void *addr, size_t len, bool write)
{
	unsigned long a = (unsigned long)addr & ~(UMK_PAGE_SIZE - 1);
	unsigned long end = (unsigned long)addr + len;
	int err;

	if (!umk_mm_contains(mm, addr, len))
		return -UMK_EFAULT;
	for (; a < end; a += UMK_PAGE_SIZE) {
		int w = write;

		err = umk_vm_fault_mm(mm, a, &w);
		if (err)
			return err;
	}
	return 0;
}
