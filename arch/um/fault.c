/*
 * Host faults: SIGSEGV and SIGBUS, handled on an alternate signal stack
 * (one per CPU thread), because the usual cause is a task that ran off
 * the bottom of its stack and there is no stack left to run a handler on.
 *
 * A fault in a stack guard page ends the kernel with "stack overflow in
 * task 'NAME'". Any other fault is offered to umk_arch_fault_hook first
 * (optional/vm's demand paging); if nobody resolves it, the kernel ends
 * with "segfault at ADDR in task 'NAME'" and a backtrace. Both exit with
 * status 2, as umk_panic() does: never silent corruption.
 */
#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <umk/cpu.h>
#include <umk/errno.h>
#include <umk/printk.h>
#include "arch/um/host.h"
#include "core/task.h"

#define FAULT_ALTSTACK_BYTES (64 * 1024)
#define FAULT_MAX_FRAMES 32

UMK_INTERNAL int (*umk_arch_fault_hook)(void *addr, int write);

/* Start and end of the executable's text, to print addr2line offsets. */
extern char __executable_start[], etext[];

static int fault_access_is_write(const ucontext_t *uc)
{
#if defined(__x86_64__)
	return (uc->uc_mcontext.gregs[REG_ERR] & 2) != 0; /* PF_WRITE */
#else
	(void)uc;
	return -1;
#endif
}

static void fault_regs(const ucontext_t *uc, unsigned long *pc,
		       unsigned long *fp)
{
#if defined(__x86_64__)
	*pc = (unsigned long)uc->uc_mcontext.gregs[REG_RIP];
	*fp = (unsigned long)uc->uc_mcontext.gregs[REG_RBP];
#elif defined(__aarch64__)
	*pc = (unsigned long)uc->uc_mcontext.pc;
	*fp = (unsigned long)uc->uc_mcontext.regs[29];
#else
	*pc = 0;
	*fp = 0;
#endif
}

static struct umk_task *fault_task(void)
{
	struct umk_cpu *c = umk_this_cpu();

	return c ? c->curr : NULL;
}

static void fault_print_pc(int i, unsigned long pc)
{
	unsigned long lo = (unsigned long)__executable_start;
	char line[96];

	if (pc >= lo && pc < (unsigned long)etext)
		umk_snprintf(line, sizeof(line), "  #%d 0x%lx (umk+0x%lx)\n", i,
			     pc, pc - lo);
	else
		umk_snprintf(line, sizeof(line), "  #%d 0x%lx\n", i, pc);
	umk_um_console_puts(line);
}

/* The faulting pc, then the frame-pointer chain inside [lo, hi). */
static void fault_backtrace(const ucontext_t *uc, unsigned long lo,
			    unsigned long hi)
{
	unsigned long pcs[FAULT_MAX_FRAMES], pc, fp;
	int i, n;

	fault_regs(uc, &pc, &fp);
	umk_um_console_puts(
		"Call trace (addr2line -e <binary> the umk+ offsets):\n");
	fault_print_pc(0, pc);
	n = umk_um_backtrace_fp(fp, lo, hi, pcs, FAULT_MAX_FRAMES);
	for (i = 0; i < n; i++)
		fault_print_pc(i + 1, pcs[i]);
}

static void fault_die(int sig, void *addr, const ucontext_t *uc)
{
	struct umk_task *t = fault_task();
	const char *name = t ? t->name : "(no task)";
	unsigned long lo = 0, hi = 0;
	char msg[200];
	int where = umk_um_stack_find((unsigned long)addr, &lo, &hi);

	if (where == 1) {
		umk_snprintf(
			msg, sizeof(msg),
			"umk: panic: stack overflow in task '%s' (id %d): "
			"fault at %p in the guard page below stack %p-%p\n",
			name, t ? t->id : -1, addr, (void *)lo, (void *)hi);
	} else {
		umk_snprintf(msg, sizeof(msg),
			     "umk: panic: %s at %p in task '%s' (id %d)%s\n",
			     sig == SIGBUS ? "bus error" : "segfault", addr,
			     name, t ? t->id : -1,
			     where == 2 ? ", inside a freed task stack" : "");
		/* Walk the running task's own stack. */
		umk_um_task_stack_bounds(t, &lo, &hi);
	}
	umk_um_console_puts(msg);
	fault_backtrace(uc, lo, hi);
	umk_arch_halt(2);
}

static void fault_handler(int sig, siginfo_t *si, void *ucv)
{
	const ucontext_t *uc = ucv;
	unsigned long lo, hi;
	int (*hook)(void *, int) = UMK_READ_ONCE(umk_arch_fault_hook);

	if (hook && sig == SIGSEGV &&
	    umk_um_stack_find((unsigned long)si->si_addr, &lo, &hi) != 1 &&
	    hook(si->si_addr, fault_access_is_write(uc)) == 0)
		return;
	fault_die(sig, si->si_addr, uc);
}

/* Install the handlers once, at boot. */
UMK_INTERNAL void umk_um_fault_init(void)
{
	struct sigaction sa;

	__builtin_memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fault_handler;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}

/* Each CPU thread needs its own alternate stack. */
UMK_INTERNAL int umk_um_fault_cpu_init(unsigned int cpu)
{
	stack_t ss;
	void *p;

	(void)cpu;
	p = mmap(NULL, FAULT_ALTSTACK_BYTES, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -UMK_ENOMEM;
	ss.ss_sp = p;
	ss.ss_size = FAULT_ALTSTACK_BYTES;
	ss.ss_flags = 0;
	if (sigaltstack(&ss, NULL)) {
		munmap(p, FAULT_ALTSTACK_BYTES);
		return -UMK_EINVAL;
	}
	return 0;
}
