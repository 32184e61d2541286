/*
 * Host mechanics of virtual memory (CONFIG_VM), as User-Mode Linux does
 * them inside one host process:
 *
 *   - an arena of host address space is reserved once (PROT_NONE,
 *     MAP_NORESERVE: no host memory, every touch faults);
 *   - a virtual page is mapped by mmap(MAP_SHARED | MAP_FIXED) of the
 *     physical-memory memfd at the physical page's offset, so two virtual
 *     pages can share one physical page (copy-on-write) without copying;
 *   - unmapping puts the reserved PROT_NONE mapping back.
 *
 * Address spaces and switching: all host threads (CPUs) share one host
 * address space, so two CPUs may run tasks of two different mms at the
 * same moment. Remapping on switch cannot work then, so every mm owns a
 * disjoint window of the arena and a switch needs no host work at all; a
 * fault is charged to the mm whose window holds the address.
 *
 * Faults: a SIGSEGV inside the arena is handled here and passed to
 * umk_vm_handle_fault(); anything else goes on to the handler that was
 * installed before (arch/um/fault.c: stack overflows, crashes). This is a
 * handler of its own rather than umk_arch_fault_hook because delivering a
 * fault to a task needs the signal context: the task is resumed in
 * umk_vm_fault_deliver() by rewriting pc and sp, the way Go's asynchronous
 * preemption injects a call, and sigreturn then unblocks SIGSEGV as usual
 * (a longjmp out of the handler would leave it blocked).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>
#if defined(__aarch64__)
#include <asm/sigcontext.h>
#endif

#include <umk/config.h>
#include <umk/errno.h>
#include <umk/printk.h>
#include <umk/vm.h>
#include "arch/um/arch.h"
#include "arch/um/vm_host.h"

#if UMK_TSAN
/*
 * ThreadSanitizer's mmap interceptor counts a small new mapping as a
 * write by the mapping thread, so a task touching a page that another CPU
 * just faulted in would race with that "write" (and the page's earlier
 * users with the unmapping): TSan cannot see that the page tables order
 * them. With the thread's accesses ignored, the interceptor clears the
 * range's history instead: a page mapped anew starts clean, and races
 * between its users while it is mapped are still reported.
 */
void AnnotateIgnoreWritesBegin(const char *file, int line);
void AnnotateIgnoreWritesEnd(const char *file, int line);
#define VM_HOST_REMAP_BEGIN() AnnotateIgnoreWritesBegin(__FILE__, __LINE__)
#define VM_HOST_REMAP_END() AnnotateIgnoreWritesEnd(__FILE__, __LINE__)
#else
#define VM_HOST_REMAP_BEGIN() do { } while (0)
#define VM_HOST_REMAP_END() do { } while (0)
#endif

static unsigned long vm_host_lo, vm_host_hi; /* the arena */
static struct sigaction vm_host_prev;         /* the handler we chain to */

static int vm_host_prot(int prot)
{
	int p = PROT_NONE;

	if (prot & UMK_PROT_READ)
		p |= PROT_READ;
	if (prot & UMK_PROT_WRITE)
		p |= PROT_WRITE | PROT_READ;
	if (prot & UMK_PROT_EXEC)
		p |= PROT_EXEC;
	return p;
}

static void vm_host_map_failed(int err)
{
	static int vm_host_warned;

	if (err == ENOMEM && !__atomic_exchange_n(&vm_host_warned, 1,
						  __ATOMIC_RELAXED))
		umk_pr_warn("vm: the host refused a mapping: every run of pages "
			    "is a host mapping, and /proc/sys/vm/max_map_count "
			    "caps them\n");
}

UMK_INTERNAL int umk_arch_vm_map(unsigned long va, unsigned long phys,
				 unsigned long len, int prot, bool populate)
{
	void *p;
	int err;

	VM_HOST_REMAP_BEGIN();
	p = mmap((void *)va, len, vm_host_prot(prot),
		 MAP_SHARED | MAP_FIXED | (populate ? MAP_POPULATE : 0),
		 umk_arch_phys_fd(), (off_t)phys);
	err = errno;
	VM_HOST_REMAP_END();

	if (p != MAP_FAILED)
		return 0;
	vm_host_map_failed(err);
	return -err;
}

UMK_INTERNAL int umk_arch_vm_protect(unsigned long va, unsigned long len,
				     int prot)
{
	return mprotect((void *)va, len, vm_host_prot(prot)) ? -errno : 0;
}

UMK_INTERNAL int umk_arch_vm_unmap(unsigned long va, unsigned long len)
{
	void *p;
	int err;

	VM_HOST_REMAP_BEGIN();
	p = mmap((void *)va, len, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
	err = errno;
	VM_HOST_REMAP_END();
	return p == MAP_FAILED ? -err : 0;
}

/* 1 for a write, 0 for a read, -1 if the host does not tell. */
static int vm_host_fault_is_write(const ucontext_t *uc)
{
#if defined(__x86_64__)
	return (uc->uc_mcontext.gregs[REG_ERR] & 2) != 0; /* PF_WRITE */
#elif defined(__aarch64__)
	const struct _aarch64_ctx *h = (const void *)uc->uc_mcontext.__reserved;

	while (h->magic) {
		if (h->magic == ESR_MAGIC) {
			uint64_t esr = ((const struct esr_context *)h)->esr;
			unsigned int ec = (unsigned int)(esr >> 26) & 0x3f;

			if (ec == 0x24 || ec == 0x25) /* data abort */
				return (esr >> 6) & 1;  /* WnR */
			return 0;
		}
		h = (const void *)((const char *)h + h->size);
	}
	return -1;
#else
	(void)uc;
	return -1;
#endif
}

/*
 * Resume the task in umk_vm_fault_deliver(), as if it had called it from
 * the faulting instruction: below the red zone, with the stack aligned as
 * at a function's entry.
 */
static void vm_host_redirect(ucontext_t *uc)
{
	unsigned long fn = (unsigned long)umk_vm_fault_deliver;
#if defined(__x86_64__)
	unsigned long sp = (unsigned long)uc->uc_mcontext.gregs[REG_RSP];

	sp = ((sp - 128) & ~15UL) - 8; /* as after a call's push */
	uc->uc_mcontext.gregs[REG_RSP] = (greg_t)sp;
	uc->uc_mcontext.gregs[REG_RIP] = (greg_t)fn;
#elif defined(__aarch64__)
	unsigned long sp = uc->uc_mcontext.sp;

	uc->uc_mcontext.sp = (sp - 128) & ~15UL;
	uc->uc_mcontext.pc = fn;
#else
#error "vm_host: no fault redirection for this architecture"
#endif
}

static void vm_host_chain(int sig, siginfo_t *si, void *uc)
{
	if (vm_host_prev.sa_flags & SA_SIGINFO) {
		vm_host_prev.sa_sigaction(sig, si, uc);
	} else if (vm_host_prev.sa_handler != SIG_DFL &&
		   vm_host_prev.sa_handler != SIG_IGN) {
		vm_host_prev.sa_handler(sig);
	} else {
		/* The access faults again and the default action ends us. */
		signal(sig, SIG_DFL);
	}
}

static void vm_host_sigsegv(int sig, siginfo_t *si, void *ucv)
{
	unsigned long addr = (unsigned long)si->si_addr;
	int saved_errno = errno;
	int r = UMK_VM_FAULT_KERNEL;

	if (addr - vm_host_lo < vm_host_hi - vm_host_lo)
		r = umk_vm_handle_fault(addr, vm_host_fault_is_write(ucv));
	if (r == UMK_VM_FAULT_DELIVER)
		vm_host_redirect(ucv);
	else if (r != UMK_VM_FAULT_RETRY)
		vm_host_chain(sig, si, ucv);
	errno = saved_errno;
}

static int vm_host_install(void)
{
	struct sigaction sa;

	__builtin_memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = vm_host_sigsegv;
	/* On the alternate stack like arch/um/fault.c's handler; all host
	 * signals blocked so no IRQ or preemption runs inside a fault. */
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigfillset(&sa.sa_mask);
	return sigaction(SIGSEGV, &sa, &vm_host_prev) ? -errno : 0;
}

UMK_INTERNAL void *umk_arch_vm_reserve(unsigned long size)
{
	void *p = mmap(NULL, size, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	vm_host_lo = (unsigned long)p;
	vm_host_hi = vm_host_lo + size;
	if (vm_host_install()) {
		munmap(p, size);
		vm_host_lo = vm_host_hi = 0;
		return NULL;
	}
	return p;
}

#ifdef CONFIG_VM_SWAP
static int vm_host_swap_fd = -1;

/* An unlinked file: its blocks go back to the host when we exit. */
static int vm_host_swap_open(void)
{
	const char *dir = getenv("TMPDIR");
	char path[256];
	int fd, expected = -1;

	if (!dir || !*dir)
		dir = "/tmp";
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		umk_snprintf(path, sizeof(path), "%s/umk-swap-XXXXXX", dir);
		fd = mkostemp(path, O_CLOEXEC);
		if (fd < 0)
			return -errno;
		unlink(path);
	}
	/* Two CPUs may race here: the loser closes its file. */
	if (!__atomic_compare_exchange_n(&vm_host_swap_fd, &expected, fd, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		close(fd);
	else
		umk_pr_info("vm: swapping to an unlinked file in %s\n", dir);
	return 0;
}

static int vm_host_swap_fd_get(void)
{
	int fd = __atomic_load_n(&vm_host_swap_fd, __ATOMIC_ACQUIRE);
	int err;

	if (fd >= 0)
		return fd;
	err = vm_host_swap_open();
	if (err)
		return err;
	return __atomic_load_n(&vm_host_swap_fd, __ATOMIC_ACQUIRE);
}

UMK_INTERNAL int umk_arch_vm_swap_write(unsigned long off, const void *buf,
					unsigned long len)
{
	int fd = vm_host_swap_fd_get();
	ssize_t n;

	if (fd < 0)
		return fd;
	n = pwrite(fd, buf, len, (off_t)off);
	if (n == (ssize_t)len)
		return 0;
	return n < 0 ? -errno : -UMK_ENOSPC;
}

UMK_INTERNAL int umk_arch_vm_swap_read(unsigned long off, void *buf,
				       unsigned long len)
{
	int fd = vm_host_swap_fd_get();
	ssize_t n;

	if (fd < 0)
		return fd;
	n = pread(fd, buf, len, (off_t)off);
	if (n == (ssize_t)len)
		return 0;
	return n < 0 ? -errno : -UMK_EIO;
}
#endif
