/*
 * Portable context switch over glibc's getcontext/makecontext/swapcontext
 * (CONFIG_SWITCH_UCONTEXT). About 300 times slower than the assembly
 * switch (swapcontext saves the whole FPU state and calls rt_sigprocmask
 * each time); it exists for hosts without an assembly switch and to
 * cross-check the assembly one: both must pass the same test suites.
 *
 * A task's ucontext_t sits at the top of its own stack, below it the
 * stack proper; ctx->uctx points at it. A CPU's idle task runs on the
 * host thread's stack and has no ucontext until it first switches away:
 * it then gets its CPU's slot in ucontext_host.
 */
#include <ucontext.h>

#include <umk/config.h>
#include <umk/cpu.h>
#include "arch/um/host.h"

static ucontext_t ucontext_host[UMK_NR_CPUS];

/* makecontext passes int arguments: the entry pointer comes in halves. */
static void ucontext_start(unsigned int hi, unsigned int lo)
{
	unsigned long entry = ((unsigned long)hi << 16 << 16) | lo;

	umk_arch_task_first((void (*)(void))entry);
}

void umk_arch_context_init(struct umk_arch_context *ctx, void *stack,
			   unsigned long size, void (*entry)(void))
{
	unsigned long top = (unsigned long)stack + size;
	unsigned long e = (unsigned long)entry;
	ucontext_t *uc = (ucontext_t *)((top - sizeof(ucontext_t)) & ~63UL);

	getcontext(uc);
	uc->uc_stack.ss_sp = stack;
	uc->uc_stack.ss_size = (unsigned long)uc - (unsigned long)stack;
	uc->uc_link = NULL;
	makecontext(uc, (void (*)(void))ucontext_start, 2,
		    (unsigned int)(e >> 16 >> 16), (unsigned int)e);
	ctx->uctx = uc;
	ctx->sp = NULL;
}

void umk_arch_switch(struct umk_arch_context *from, struct umk_arch_context *to)
{
	void *cookie;

	if (!from->uctx)
		from->uctx = &ucontext_host[umk_smp_processor_id()];
	cookie = umk_um_fiber_leave(from, to);
	swapcontext(from->uctx, to->uctx);
	umk_um_fiber_arrive(cookie);
}
