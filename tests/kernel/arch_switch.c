/*
 * Suite arch_switch: the context switch of arch/um (assembly or ucontext,
 * whichever this build selected; both must pass). Cases switch between
 * the test task and a private peer context with umk_arch_switch() itself,
 * so a register the switch forgets is caught right at the switch, and
 * through the scheduler with many tasks.
 */
#include <umk/config.h>
#include <umk/ktest.h>
#include <umk/sched.h>
#include <umk/string.h>
#include <umk/sync.h>
#include <umk/task.h>
#include "arch/um/arch.h"
#include "core/task.h"

/*
 * The peer: a context of our own on a pool stack, wrapped in a task
 * structure (the sanitizer hooks find the stack through it) that the
 * scheduler never sees. Only the test task switches to it, and it only
 * switches back, so the CPU never notices it ran.
 */
static struct umk_task sw_peer;
static struct umk_task *sw_home;
static volatile unsigned long sw_peer_rounds;
static volatile int sw_peer_entered;
static volatile unsigned long sw_peer_fpu_seen, sw_peer_fpu_bad;

static void sw_to_peer(void)
{
	umk_arch_switch(&sw_home->ctx, &sw_peer.ctx);
}

static void sw_to_home(void)
{
	umk_arch_switch(&sw_peer.ctx, &sw_home->ctx);
}

/* ---- FPU control words (MXCSR + x87 CW, or FPCR) ---- */

#if defined(__x86_64__)
struct sw_fpu {
	unsigned int mxcsr;
	unsigned short cw;
};
#define SW_FPU_A { 0x7f80, 0x0f7f } /* round toward zero, x87 too */
#define SW_FPU_B { 0x3f80, 0x077f } /* round up */

static void sw_fpu_get(struct sw_fpu *f)
{
	__asm__ __volatile__("stmxcsr %0; fnstcw %1" : "=m"(f->mxcsr), "=m"(f->cw));
}

static void sw_fpu_set(const struct sw_fpu *f)
{
	__asm__ __volatile__("ldmxcsr %0; fldcw %1" : : "m"(f->mxcsr), "m"(f->cw));
}

static bool sw_fpu_eq(const struct sw_fpu *a, const struct sw_fpu *b)
{
	return (a->mxcsr & 0xffc0) == (b->mxcsr & 0xffc0) && a->cw == b->cw;
}
#elif defined(__aarch64__)
struct sw_fpu {
	unsigned long fpcr;
};
#define SW_FPU_A { 3UL << 22 } /* round toward zero */
#define SW_FPU_B { 1UL << 22 } /* round toward +inf */

static void sw_fpu_get(struct sw_fpu *f)
{
	__asm__ __volatile__("mrs %0, fpcr" : "=r"(f->fpcr));
}

static void sw_fpu_set(const struct sw_fpu *f)
{
	__asm__ __volatile__("msr fpcr, %0" : : "r"(f->fpcr));
}

static bool sw_fpu_eq(const struct sw_fpu *a, const struct sw_fpu *b)
{
	return a->fpcr == b->fpcr;
}
#endif

/* FPU control words are per task when the build saves them. */
#if defined(CONFIG_SWITCH_SAVE_FPU_CTRL) || defined(CONFIG_SWITCH_UCONTEXT)
#define SW_FPU_PER_TASK 1
#else
#define SW_FPU_PER_TASK 0
#endif

/*
 * The peer's loop: put garbage in every callee-saved register, then
 * switch home. If the switch does not restore home's registers, home
 * sees this garbage.
 */
static void sw_peer_entry(void)
{
	sw_peer_entered = 1;
	for (;;) {
#if defined(__x86_64__)
		__asm__ __volatile__(
			"movq $0x5a5a5a5a01, %%rbx\n\t"
			"movq $0x5a5a5a5a12, %%r12\n\t"
			"movq $0x5a5a5a5a13, %%r13\n\t"
			"movq $0x5a5a5a5a14, %%r14\n\t"
			"movq $0x5a5a5a5a15, %%r15\n\t"
			::: "rbx", "r12", "r13", "r14", "r15", "memory");
#elif defined(__aarch64__)
		__asm__ __volatile__(
			"mov x19, #0x5a19\n\tmov x20, #0x5a20\n\t"
			"mov x21, #0x5a21\n\tmov x22, #0x5a22\n\t"
			"mov x23, #0x5a23\n\tmov x24, #0x5a24\n\t"
			"mov x25, #0x5a25\n\tmov x26, #0x5a26\n\t"
			"mov x27, #0x5a27\n\tmov x28, #0x5a28\n\t"
			"fmov d8, x19\n\tfmov d9, x20\n\tfmov d10, x21\n\t"
			"fmov d11, x22\n\tfmov d12, x23\n\tfmov d13, x24\n\t"
			"fmov d14, x25\n\tfmov d15, x26\n\t"
			::: "x19", "x20", "x21", "x22", "x23", "x24", "x25",
			"x26", "x27", "x28", "d8", "d9", "d10", "d11", "d12",
			"d13", "d14", "d15", "memory");
#endif
		sw_peer_rounds++;
		sw_to_home();
	}
}

static void sw_peer_fpu_entry(void)
{
	const struct sw_fpu mine = SW_FPU_B;
	struct sw_fpu now;

	sw_peer_entered = 1;
	sw_fpu_set(&mine);
	for (;;) {
		sw_to_home();
		sw_fpu_get(&now);
		sw_peer_fpu_seen++;
		if (!sw_fpu_eq(&now, &mine))
			sw_peer_fpu_bad++;
	}
}

static void sw_peer_setup(struct umk_ktest *t, void (*entry)(void))
{
	sw_home = umk_current_task();
	umk_memset(&sw_peer, 0, sizeof(sw_peer));
	sw_peer.stack = umk_arch_stack_alloc(&sw_peer.stack_size);
	UMK_ASSERT_NOT_NULL(t, sw_peer.stack);
	sw_peer.state = UMK_TASK_RUNNING;
	sw_peer.cpu = sw_home->cpu;
	sw_peer_rounds = 0;
	sw_peer_entered = 0;
	sw_peer_fpu_seen = sw_peer_fpu_bad = 0;
	umk_arch_context_init(&sw_peer.ctx, sw_peer.stack, sw_peer.stack_size,
			      entry);
}

/* The peer is parked in its loop; its stack can simply go back. */
static void sw_peer_teardown(void)
{
	umk_arch_stack_free(sw_peer.stack);
	sw_peer.stack = NULL;
}

static void first_switch_lands_in_entry(struct umk_ktest *t)
{
	sw_peer_setup(t, sw_peer_entry);
	sw_to_peer();
	UMK_EXPECT_EQ(t, sw_peer_entered, 1);
	UMK_EXPECT_EQ(t, sw_peer_rounds, 1);
	sw_to_peer();
	UMK_EXPECT_EQ(t, sw_peer_rounds, 2);
	sw_peer_teardown();
}

/*
 * Values pinned in callee-saved registers must survive a round trip to a
 * context that overwrites all of them.
 */
static void callee_saved_preserved(struct umk_ktest *t)
{
	int round;

	sw_peer_setup(t, sw_peer_entry);
	for (round = 0; round < 100; round++) {
#if defined(__x86_64__)
		register unsigned long b __asm__("rbx") = 0x1000 + round;
		register unsigned long r12 __asm__("r12") = 0x1200 + round;
		register unsigned long r13 __asm__("r13") = 0x1300 + round;
		register unsigned long r14 __asm__("r14") = 0x1400 + round;
		register unsigned long r15 __asm__("r15") = 0x1500 + round;

		__asm__ __volatile__("" : "+r"(b), "+r"(r12), "+r"(r13),
				     "+r"(r14), "+r"(r15));
		sw_to_peer();
		__asm__ __volatile__("" : "+r"(b), "+r"(r12), "+r"(r13),
				     "+r"(r14), "+r"(r15));
		UMK_ASSERT_EQ(t, b, 0x1000 + round);
		UMK_ASSERT_EQ(t, r12, 0x1200 + round);
		UMK_ASSERT_EQ(t, r13, 0x1300 + round);
		UMK_ASSERT_EQ(t, r14, 0x1400 + round);
		UMK_ASSERT_EQ(t, r15, 0x1500 + round);
#elif defined(__aarch64__)
		register unsigned long x19 __asm__("x19") = 0x1900 + round;
		register unsigned long x20 __asm__("x20") = 0x2000 + round;
		register unsigned long x21 __asm__("x21") = 0x2100 + round;
		register unsigned long x22 __asm__("x22") = 0x2200 + round;
		register unsigned long x23 __asm__("x23") = 0x2300 + round;
		register unsigned long x24 __asm__("x24") = 0x2400 + round;
		register unsigned long x25 __asm__("x25") = 0x2500 + round;
		register unsigned long x26 __asm__("x26") = 0x2600 + round;
		register unsigned long x27 __asm__("x27") = 0x2700 + round;
		register unsigned long x28 __asm__("x28") = 0x2800 + round;
		register double d8 __asm__("d8") = 8.5 + round;
		register double d9 __asm__("d9") = 9.5 + round;
		register double d15 __asm__("d15") = 15.5 + round;

		__asm__ __volatile__("" : "+r"(x19), "+r"(x20), "+r"(x21),
				     "+r"(x22), "+r"(x23), "+r"(x24), "+r"(x25),
				     "+r"(x26), "+r"(x27), "+r"(x28), "+w"(d8),
				     "+w"(d9), "+w"(d15));
		sw_to_peer();
		__asm__ __volatile__("" : "+r"(x19), "+r"(x20), "+r"(x21),
				     "+r"(x22), "+r"(x23), "+r"(x24), "+r"(x25),
				     "+r"(x26), "+r"(x27), "+r"(x28), "+w"(d8),
				     "+w"(d9), "+w"(d15));
		UMK_ASSERT_EQ(t, x19, 0x1900 + round);
		UMK_ASSERT_EQ(t, x20, 0x2000 + round);
		UMK_ASSERT_EQ(t, x21, 0x2100 + round);
		UMK_ASSERT_EQ(t, x22, 0x2200 + round);
		UMK_ASSERT_EQ(t, x23, 0x2300 + round);
		UMK_ASSERT_EQ(t, x24, 0x2400 + round);
		UMK_ASSERT_EQ(t, x25, 0x2500 + round);
		UMK_ASSERT_EQ(t, x26, 0x2600 + round);
		UMK_ASSERT_EQ(t, x27, 0x2700 + round);
		UMK_ASSERT_EQ(t, x28, 0x2800 + round);
		UMK_ASSERT_TRUE(t, d8 == 8.5 + round);
		UMK_ASSERT_TRUE(t, d9 == 9.5 + round);
		UMK_ASSERT_TRUE(t, d15 == 15.5 + round);
#else
		sw_to_peer();
#endif
	}
	UMK_EXPECT_EQ(t, sw_peer_rounds, 100);
	sw_peer_teardown();
}

/*
 * Each side sets its own rounding mode; with the control words saved per
 * task, neither sees the other's.
 */
static void fpu_control_per_task(struct umk_ktest *t)
{
	const struct sw_fpu mine = SW_FPU_A;
	struct sw_fpu saved, now;
	int i;

	if (!SW_FPU_PER_TASK)
		umk_ktest_skip(t, "CONFIG_SWITCH_SAVE_FPU_CTRL is off");
	sw_fpu_get(&saved);
	sw_peer_setup(t, sw_peer_fpu_entry);
	sw_fpu_set(&mine);
	for (i = 0; i < 50; i++) {
		sw_to_peer();
		sw_fpu_get(&now);
		if (!sw_fpu_eq(&now, &mine))
			break;
	}
	sw_fpu_set(&saved);
	UMK_EXPECT_EQ(t, i, 50);
	UMK_EXPECT_EQ(t, sw_peer_fpu_seen, 49);
	UMK_EXPECT_EQ(t, sw_peer_fpu_bad, 0);
	sw_peer_teardown();
}

/* ---- Through the scheduler ---- */

#define SW_TASKS 8
#define SW_YIELDS 500

static int sw_in_own_stack(void)
{
	struct umk_task *me = umk_current_task();
	unsigned long here = (unsigned long)__builtin_frame_address(0);
	unsigned long lo = (unsigned long)me->stack;

	return here >= lo && here < lo + me->stack_size;
}

/* Many live values across every yield, mixed with the task's id. */
static int sw_yielder(void *arg)
{
	unsigned long id = (unsigned long)arg;
	unsigned long a = id * 3 + 1, b = id * 5 + 2, c = id * 7 + 3;
	unsigned long d = id * 11 + 4, e = id * 13 + 5, f = id * 17 + 6;
	int i;

	if (!sw_in_own_stack())
		return 100;
	for (i = 0; i < SW_YIELDS; i++) {
		umk_yield();
		a += 1, b += 2, c += 3, d += 4, e += 5, f += 6;
		if (!sw_in_own_stack())
			return 101;
	}
	if (a != id * 3 + 1 + SW_YIELDS || b != id * 5 + 2 + 2 * SW_YIELDS ||
	    c != id * 7 + 3 + 3 * SW_YIELDS || d != id * 11 + 4 + 4 * SW_YIELDS ||
	    e != id * 13 + 5 + 5 * SW_YIELDS || f != id * 17 + 6 + 6 * SW_YIELDS)
		return 102;
	return (int)id;
}

static void many_switches_keep_values(struct umk_ktest *t)
{
	struct umk_task *tasks[SW_TASKS];
	int i, code;

	for (i = 0; i < SW_TASKS; i++) {
		tasks[i] = umk_task_create(sw_yielder, (void *)(unsigned long)i,
					   "yielder");
		UMK_ASSERT_NOT_NULL(t, tasks[i]);
	}
	for (i = 0; i < SW_TASKS; i++) {
		code = -1;
		UMK_EXPECT_EQ(t, umk_task_join(tasks[i], &code), 0);
		UMK_EXPECT_EQ(t, code, i);
	}
}

static void sp_inside_task_stack(struct umk_ktest *t)
{
	UMK_EXPECT_TRUE(t, sw_in_own_stack());
}

/*
 * A task asleep has a backtrace from its saved context. tests/gdb/ stops
 * in umk_arch_backtrace() here to look at the task "parked" with gdb.
 */
static struct umk_completion sw_parked_go;

static UMK_NOINLINE int sw_parked(void *arg)
{
	(void)arg;
	umk_wait_for_completion(&sw_parked_go);
	return 7;
}

static void backtrace_of_parked_task(struct umk_ktest *t)
{
	struct umk_task *p;
	unsigned long pcs[16];
	int i, n, code = 0;

	umk_completion_init(&sw_parked_go);
	p = umk_task_create(sw_parked, NULL, "parked");
	UMK_ASSERT_NOT_NULL(t, p);
	/*
	 * On SMP the new task may start on an idle CPU that first has to be
	 * kicked awake by the host: give it up to about 5 s, not a count of
	 * yields that a loaded host can outlast.
	 */
	for (i = 0; i < 51000 && umk_task_state(p) != UMK_TASK_SLEEPING; i++) {
		umk_yield();
		if (i >= 1000)
			umk_sleep_ns(100 * UMK_NSEC_PER_USEC);
	}
	UMK_ASSERT_EQ(t, umk_task_state(p), UMK_TASK_SLEEPING);
	/* On SMP it may still be finishing its switch on another CPU. */
	for (i = 0; i < 100; i++)
		umk_yield();
	n = umk_arch_backtrace(p, pcs, 16);
	UMK_EXPECT_GE(t, n, 1);
	if (n >= 1)
		UMK_EXPECT_NE(t, pcs[0], 0);
	/*
	 * With frame pointers (CONFIG_BACKTRACE builds the core with them,
	 * as our own backtrace shows) the walk goes on below the resume
	 * address, through the wait functions down to sw_parked.
	 */
	if (umk_arch_backtrace(NULL, pcs, 16) >= 3)
		UMK_EXPECT_GE(t, n, 3);
	umk_complete(&sw_parked_go);
	UMK_EXPECT_EQ(t, umk_task_join(p, &code), 0);
	UMK_EXPECT_EQ(t, code, 7);
}

/* Our CPU's idle task is not running while we are: it has a saved context. */
static void backtrace_of_idle_task(struct umk_ktest *t)
{
	unsigned long pcs[16];
	struct umk_task *idle;
	int n;

	umk_preempt_disable();
	idle = umk_this_cpu()->idle;
	n = idle ? umk_arch_backtrace(idle, pcs, 16) : -1;
	umk_preempt_enable();
	UMK_ASSERT_NOT_NULL(t, idle);
	UMK_EXPECT_GE(t, n, 1);
}

static const struct umk_ktest_case arch_switch_cases[] = {
	UMK_KTEST_CASE(first_switch_lands_in_entry),
	UMK_KTEST_CASE(callee_saved_preserved),
	UMK_KTEST_CASE(fpu_control_per_task),
	UMK_KTEST_CASE(many_switches_keep_values),
	UMK_KTEST_CASE(sp_inside_task_stack),
	UMK_KTEST_CASE(backtrace_of_parked_task),
	UMK_KTEST_CASE(backtrace_of_idle_task),
};

UMK_KTEST_SUITE(arch_switch, arch_switch_cases);
