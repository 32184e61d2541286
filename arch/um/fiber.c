/*
 * Telling AddressSanitizer about stack switches.
 *
 * ASan tracks one stack per host thread; when a task switch moves the
 * thread to another stack without saying so, ASan takes the new stack
 * for a huge frame of the old one and reports nonsense (or misses real
 * errors). __sanitizer_start_switch_fiber() announces the stack we are
 * about to run on, __sanitizer_finish_switch_fiber() confirms arrival.
 * Both sides must be told, so this cannot live in the core's switch-hint
 * call alone: in sanitizer builds, umk_arch_switch() is this C wrapper
 * around the assembly (which then calls itself umk_arch_switch_regs), and
 * every new task completes the hand-over in umk_arch_task_first().
 *
 * ThreadSanitizer has the same problem with its per-thread state: each
 * task stack gets a TSan fiber (stack.c) and umk_um_fiber_leave()
 * switches to it just before the switch.
 *
 * Valgrind needs no per-switch call: stack.c registers each task stack
 * with VALGRIND_STACK_REGISTER when it is handed out.
 *
 * In ordinary builds all of this compiles to nothing.
 */

#include <umk/config.h>
#include <umk/cpu.h>
#include "arch/um/host.h"
#include "core/task.h"

#if UMK_UM_ASAN
#include <sanitizer/common_interface_defs.h>
#endif
#if UMK_UM_TSAN
#include <sanitizer/tsan_interface.h>
#endif

#if UMK_UM_ASAN
/* The idle task's stack bounds come from backtrace.c, which records them. */
UMK_INTERNAL int umk_um_fiber_cpu_init(unsigned int cpu)
{
	(void)cpu;
	return 0;
}

static struct umk_task *fiber_task(struct umk_arch_context *ctx)
{
	return umk_container_of(ctx, struct umk_task, ctx);
}

UMK_INTERNAL void *umk_um_fiber_leave(struct umk_arch_context *from,
				      struct umk_arch_context *to)
{
	struct umk_task *prev = fiber_task(from), *next = fiber_task(to);
	unsigned long lo, hi;
	void *fake = NULL, **keep;

	umk_um_task_stack_bounds(next, &lo, &hi);
	/* A dead task never comes back: let ASan drop its fake stack. */
	keep = prev->state == UMK_TASK_DEAD ? NULL : &fake;
	__sanitizer_start_switch_fiber(keep, (void *)lo, hi - lo);
	return fake;
}

UMK_INTERNAL void umk_um_fiber_arrive(void *cookie)
{
	__sanitizer_finish_switch_fiber(cookie, NULL, NULL);
}

#elif UMK_UM_TSAN

/* The TSan fiber of each CPU's host thread, where its idle task runs. */
static void *fiber_host_fibers[UMK_NR_CPUS];

UMK_INTERNAL int umk_um_fiber_cpu_init(unsigned int cpu)
{
	fiber_host_fibers[cpu] = __tsan_get_current_fiber();
	return 0;
}

/* Must come immediately before the switch itself. */
UMK_INTERNAL void *umk_um_fiber_leave(struct umk_arch_context *from,
				      struct umk_arch_context *to)
{
	struct umk_task *next = umk_container_of(to, struct umk_task, ctx);

	(void)from;
	__tsan_switch_to_fiber(
		next->stack ? umk_um_stack_fiber(next->stack)
			    : fiber_host_fibers[next->cpu],
		0);
	return NULL;
}

UMK_INTERNAL void umk_um_fiber_arrive(void *cookie)
{
	(void)cookie;
}

#else /* neither sanitizer */

UMK_INTERNAL int umk_um_fiber_cpu_init(unsigned int cpu)
{
	(void)cpu;
	return 0;
}

UMK_INTERNAL void *umk_um_fiber_leave(struct umk_arch_context *from,
				      struct umk_arch_context *to)
{
	(void)from;
	(void)to;
	return NULL;
}

UMK_INTERNAL void umk_um_fiber_arrive(void *cookie)
{
	(void)cookie;
}

#endif

#if (UMK_UM_ASAN || UMK_UM_TSAN) && defined(CONFIG_SWITCH_ASM)
/* The assembly switch, which names itself so in sanitizer builds. */
void umk_arch_switch_regs(struct umk_arch_context *from,
			  struct umk_arch_context *to);

void umk_arch_switch(struct umk_arch_context *from, struct umk_arch_context *to)
{
	void *cookie = umk_um_fiber_leave(from, to);

	umk_arch_switch_regs(from, to);
	umk_um_fiber_arrive(cookie);
}
#endif

UMK_INTERNAL UMK_USED void umk_arch_task_first(void (*entry)(void))
{
	umk_um_fiber_arrive(NULL);
	entry();
	__builtin_trap(); /* entry must not return */
}
