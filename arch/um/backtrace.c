/*
 * Backtraces by frame-pointer walk. x86-64 and aarch64 keep the same
 * frame record: fp points at {caller's fp, return address}. The core is
 * built with frame pointers when CONFIG_BACKTRACE is on; code without
 * them (the host C library) ends the walk early, which is fine.
 *
 * The walk never leaves the task's stack, so a corrupted chain ends the
 * trace instead of faulting. A task that is not running starts from its
 * switch frame (see switch_<arch>.S for its layout) or its ucontext.
 */
#include <sys/resource.h>
#include <ucontext.h>

#include <umk/config.h>
#include <umk/cpu.h>
#include "arch/um/host.h"
#include "core/task.h"

/* How far a walk without stack bounds may move between two frames. */
#define BACKTRACE_MAX_FRAME (1UL << 20)

/* The host thread stack of each CPU, where its idle task runs. */
static struct backtrace_stack {
	unsigned long lo, hi;
} backtrace_host[UMK_NR_CPUS];

/* Set by the dynamic loader: the stack pointer at process entry. */
extern void *__libc_stack_end UMK_WEAK;

/*
 * CPU 0 runs on the process's main stack: it ends at __libc_stack_end
 * (no C frame lies above it) and may grow down to RLIMIT_STACK.
 * pthread_getattr_np would find the same by reading /proc/self/maps,
 * which costs six system calls and a few page faults at every boot.
 */
static void backtrace_main_stack(void)
{
	struct rlimit rl;
	unsigned long hi;

	if (!&__libc_stack_end || !__libc_stack_end ||
	    getrlimit(RLIMIT_STACK, &rl) || rl.rlim_cur == RLIM_INFINITY)
		return; /* walks on CPU 0's idle stack stay unbounded */
	hi = (unsigned long)__libc_stack_end;
	backtrace_host[0].lo = hi > rl.rlim_cur ? hi - rl.rlim_cur : 0;
	backtrace_host[0].hi = hi;
}

/* Other CPUs run on stacks smp.c maps itself and reports here. */
UMK_INTERNAL void umk_um_backtrace_set_stack(unsigned int cpu, void *lo,
					     unsigned long size)
{
	backtrace_host[cpu].lo = (unsigned long)lo;
	backtrace_host[cpu].hi = (unsigned long)lo + size;
}

UMK_INTERNAL int umk_um_backtrace_cpu_init(unsigned int cpu)
{
	if (cpu == 0)
		backtrace_main_stack();
	return 0;
}

UMK_INTERNAL void umk_um_task_stack_bounds(const struct umk_task *t,
					   unsigned long *lo, unsigned long *hi)
{
	*lo = *hi = 0;
	if (t && t->stack) {
		*lo = (unsigned long)t->stack;
		*hi = *lo + t->stack_size;
	} else if (t && t->cpu >= 0 && t->cpu < UMK_NR_CPUS) {
		*lo = backtrace_host[t->cpu].lo;
		*hi = backtrace_host[t->cpu].hi;
	}
}

UMK_INTERNAL int umk_um_backtrace_fp(unsigned long fp, unsigned long lo,
				     unsigned long hi, unsigned long *pcs,
				     int max)
{
	int n = 0;

	while (n < max && fp && !(fp & (sizeof(long) - 1))) {
		const unsigned long *frame = (const unsigned long *)fp;
		unsigned long next;

		if (lo != hi && (fp < lo || fp + 2 * sizeof(long) > hi))
			break;
		if (!frame[1])
			break;
		pcs[n++] = frame[1];
		next = frame[0];
		if (next <= fp || (lo == hi && next - fp > BACKTRACE_MAX_FRAME))
			break;
		fp = next;
	}
	return n;
}

/* Saved pc and fp of a task that is not running. */
static void backtrace_saved(const struct umk_task *t, unsigned long *pc,
			    unsigned long *fp)
{
#ifdef CONFIG_SWITCH_UCONTEXT
	const ucontext_t *uc = t->ctx.uctx;

#if defined(__x86_64__)
	*pc = (unsigned long)uc->uc_mcontext.gregs[REG_RIP];
	*fp = (unsigned long)uc->uc_mcontext.gregs[REG_RBP];
#elif defined(__aarch64__)
	*pc = (unsigned long)uc->uc_mcontext.pc;
	*fp = (unsigned long)uc->uc_mcontext.regs[29];
#else
	*pc = *fp = 0;
#endif
#else
	const unsigned long *frame = t->ctx.sp;

#if defined(__x86_64__)
	*fp = frame[6]; /* rbp at +48 */
	*pc = frame[7]; /* resume address at +56 */
#elif defined(__aarch64__)
	*fp = frame[10]; /* x29 at +80 */
	*pc = frame[11]; /* x30 at +88 */
#endif
#endif
}

UMK_INTERNAL int umk_arch_backtrace(struct umk_task *t, unsigned long *pcs,
				    int max)
{
	struct umk_task *curr = umk_current_task();
	unsigned long lo, hi, pc, fp;
	int n = 0;

	if (!t)
		t = curr;
	umk_um_task_stack_bounds(t, &lo, &hi);
	if (!t || t == curr) {
		fp = (unsigned long)__builtin_frame_address(0);
		return umk_um_backtrace_fp(fp, lo, hi, pcs, max);
	}
	/*
	 * Running on another CPU: its registers are not ours to read. (An
	 * idle task is always in state RUNNING, so ask its CPU instead.)
	 */
	if (max <= 0 || t->cpu < 0 || t->cpu >= UMK_NR_CPUS ||
	    UMK_READ_ONCE(umk_cpus[t->cpu].curr) == t)
		return 0;
	if (!t->ctx.sp && !t->ctx.uctx)
		return 0;
	backtrace_saved(t, &pc, &fp);
	if (pc)
		pcs[n++] = pc;
	return n + umk_um_backtrace_fp(fp, lo, hi, pcs + n, max - n);
}
