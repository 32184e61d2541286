/*
 * Asynchronous preemption, the host half (CONFIG_PREEMPT). Each CPU's
 * host thread has a POSIX timer that sends it PREEMPT_SIGNAL once per
 * time slice while the scheduler asks for it (optional/sched/tick.c).
 *
 * The handler never switches stacks: a task switch inside a signal
 * handler would leave the host kernel's signal frame and mask behind.
 * Instead, as Go's asyncPreempt does, it rewrites the interrupted context
 * so that sigreturn "calls" umk_arch_preempt_trampoline on the task's own
 * stack; the trampoline saves every register the interrupted code may
 * have live (caller-saved, flags, and the whole FP/vector state), calls
 * the scheduler as if the task had called umk_schedule(), restores them
 * and returns to the interrupted instruction.
 *
 * x86-64: the handler pushes the interrupted RIP below the 128-byte red
 * zone; the trampoline ends in "ret $128", which pops it and steps back
 * over the red zone, so no register is needed to get back.
 * aarch64: no such instruction and no free register (x16/x17 may be
 * live in C code), so the trampoline raises the signal again and the
 * handler restores the whole saved mcontext: one more signal per
 * preemption (a few us per time slice).
 *
 * Preemption happens only where it is safe to leave the code mid-way:
 * in the executable's own text (not libc, whose locks and errno belong to
 * the host thread, not the task; not the trampoline; not UMK_NOPREEMPT
 * code, which holds the host thread's TLS address in a register), on a
 * task stack with room for the trampoline's frame, and when the scheduler
 * agrees (IRQs on, not in an IRQ, preempt_count 0). Elsewhere
 * need_resched is set and the next scheduling point acts.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif

#include <umk/config.h>
#include <umk/printk.h>
#include "arch/um/arch.h"
#include "arch/um/host.h"
#include "arch/um/preempt.h"

/* Rarely used by programs, ignored by default: Go made the same choice. */
#define PREEMPT_SIGNAL SIGURG
/* Stack the trampoline may need below the interrupted SP. */
#define PREEMPT_STACK_ROOM (16 * 1024)

struct preempt_cpu {
	timer_t timer;
	pid_t tid;
	int ready;
};

static struct preempt_cpu preempt_cpus[UMK_NR_CPUS];
static int preempt_installed;

/* Bounds of the executable's text, from the linker. */
extern char __ehdr_start[];
extern char etext[];

/* UMK_NOPREEMPT code (<umk/compiler.h>), bracketed by the linker. */
extern char __start_umk_nopreempt[];
extern char __stop_umk_nopreempt[];

/*
 * Bytes of XSAVE area, 0 to use FXSAVE (x86-64; read by the asm).
 * Internal: static in the amalgamation, "used" keeps it for the asm.
 */
UMK_INTERNAL UMK_USED unsigned long umk_arch_preempt_xsave_size;

#if defined(__aarch64__)
/* The interrupted context, kept on the task's stack by the handler. */
struct preempt_frame {
	mcontext_t mc;
};
static __thread struct preempt_frame *preempt_resuming;
#endif

UMK_INTERNAL bool umk_arch_preempt_text_ok(unsigned long pc)
{
	if (pc < (unsigned long)__ehdr_start || pc >= (unsigned long)etext)
		return false;
	if (pc >= (unsigned long)umk_arch_preempt_trampoline &&
	    pc < (unsigned long)umk_arch_preempt_trampoline_end)
		return false;
	if (pc >= (unsigned long)__start_umk_nopreempt &&
	    pc < (unsigned long)__stop_umk_nopreempt)
		return false;
	return true;
}

static bool preempt_pc_ok(unsigned long pc, unsigned long sp)
{
	unsigned long lo, hi;

	if (!umk_arch_preempt_text_ok(pc))
		return false;
	if (umk_um_stack_find(sp, &lo, &hi) != 2)
		return false; /* not a task stack: a signal stack, a host stack */
	return sp - lo > PREEMPT_STACK_ROOM;
}

#if defined(__x86_64__)
static void preempt_redirect(ucontext_t *uc)
{
	greg_t *g = uc->uc_mcontext.gregs;
	unsigned long sp = (unsigned long)g[REG_RSP] - 128 - 8;

	*(unsigned long *)sp = (unsigned long)g[REG_RIP];
	g[REG_RSP] = (greg_t)sp;
	g[REG_RIP] = (greg_t)(unsigned long)umk_arch_preempt_trampoline;
}

static void preempt_signal(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	int saved_errno = errno;
	unsigned long pc = (unsigned long)uc->uc_mcontext.gregs[REG_RIP];
	unsigned long sp = (unsigned long)uc->uc_mcontext.gregs[REG_RSP];

	(void)sig;
	(void)si;
	if (umk_sched_tick(preempt_pc_ok(pc, sp)) == UMK_SCHED_TICK_PREEMPT)
		preempt_redirect(uc);
	errno = saved_errno;
}

/* XSAVE covers AVX and later state; FXSAVE only x87 and SSE. */
static void preempt_fpu_init(void)
{
	unsigned int a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_OSXSAVE))
		return;
	if (!__get_cpuid_count(0xd, 0, &a, &b, &c, &d) || b < 576)
		return;
	umk_arch_preempt_xsave_size = (b + 63) & ~63UL;
}
#elif defined(__aarch64__)
static void preempt_signal(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	int saved_errno = errno;
	struct preempt_frame *f = preempt_resuming;
	unsigned long sp;

	(void)sig;
	(void)si;
	if (f) {
		/* The trampoline is done: resume the interrupted code. */
		preempt_resuming = NULL;
		uc->uc_mcontext = f->mc;
		errno = saved_errno;
		return;
	}
	sp = uc->uc_mcontext.sp;
	if (umk_sched_tick(preempt_pc_ok(uc->uc_mcontext.pc, sp)) ==
	    UMK_SCHED_TICK_PREEMPT) {
		sp = (sp - sizeof(*f)) & ~63UL;
		f = (struct preempt_frame *)sp;
		f->mc = uc->uc_mcontext;
		uc->uc_mcontext.sp = sp;
		uc->uc_mcontext.regs[0] = sp;
		uc->uc_mcontext.regs[30] = 0; /* backtraces end here */
		uc->uc_mcontext.pc =
			(unsigned long)umk_arch_preempt_trampoline;
	}
	errno = saved_errno;
}

static void preempt_fpu_init(void)
{
}
#else
#error "preemption needs x86-64 or aarch64"
#endif

/*
 * The end of the trampoline's C half, on the host thread the task runs
 * on now. Out of line: errno's address comes from a "const" libc
 * function, which the compiler would call once, before the scheduler
 * ran, and so restore the errno of the thread the task left.
 */
static UMK_NOPREEMPT void preempt_resume(void *frame, int saved_errno)
{
	errno = saved_errno;
#if defined(__aarch64__)
	preempt_resuming = frame;
	syscall(SYS_tgkill, getpid(), (pid_t)syscall(SYS_gettid),
		PREEMPT_SIGNAL);
	umk_panic("preempt: resume signal did not arrive");
#else
	(void)frame;
#endif
}

/*
 * The trampoline's C half: errno belongs to the interrupted code. Once
 * umk_sched_preempt_irq returns the task is preemptible again, yet the
 * addresses of errno and (aarch64) preempt_resuming are the host
 * thread's: a nested preemption that moved the task between taking one
 * and storing through it would write the old thread's. UMK_NOPREEMPT
 * keeps the tick out of both halves.
 */
UMK_INTERNAL UMK_NOPREEMPT void umk_arch_preempt_entry(void *frame)
{
	int saved_errno = errno;

	umk_sched_preempt_irq();
	preempt_resume(frame, saved_errno);
}

static int preempt_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = preempt_signal;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(PREEMPT_SIGNAL, &sa, NULL))
		return -1;
	preempt_fpu_init();
	return 0;
}

UMK_INTERNAL bool umk_arch_preempt_cpu_init(unsigned int cpu)
{
	struct preempt_cpu *pc = &preempt_cpus[cpu];
	struct sigevent sev;
	int inst;

	if (UMK_TSAN || cpu >= UMK_NR_CPUS)
		return false;
	inst = __atomic_load_n(&preempt_installed, __ATOMIC_ACQUIRE);
	if (!inst) {
		inst = preempt_install() ? -1 : 1;
		__atomic_store_n(&preempt_installed, inst, __ATOMIC_RELEASE);
	}
	if (inst < 0)
		return false;
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = PREEMPT_SIGNAL;
	sev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
	if (timer_create(CLOCK_MONOTONIC, &sev, &pc->timer))
		return false;
	pc->tid = sev._sigev_un._tid;
	__atomic_store_n(&pc->ready, 1, __ATOMIC_RELEASE);
	return true;
}

UMK_INTERNAL bool umk_arch_preempt_timer_pending(void)
{
	return umk_um_clock_armed() != 0;
}

UMK_INTERNAL bool umk_arch_preempt_available(void)
{
	return __atomic_load_n(&preempt_cpus[0].ready, __ATOMIC_ACQUIRE);
}

UMK_INTERNAL void umk_arch_preempt_timer(unsigned int cpu,
					 unsigned long long period_ns)
{
	struct preempt_cpu *pc = &preempt_cpus[cpu];
	struct itimerspec its;

	if (!__atomic_load_n(&pc->ready, __ATOMIC_ACQUIRE))
		return;
	its.it_value.tv_sec = (time_t)(period_ns / 1000000000ULL);
	its.it_value.tv_nsec = (long)(period_ns % 1000000000ULL);
	its.it_interval = its.it_value;
	timer_settime(pc->timer, 0, &its, NULL);
}

UMK_INTERNAL void umk_arch_preempt_kick(unsigned int cpu)
{
	struct preempt_cpu *pc = &preempt_cpus[cpu];

	if (__atomic_load_n(&pc->ready, __ATOMIC_ACQUIRE))
		syscall(SYS_tgkill, getpid(), pc->tid, PREEMPT_SIGNAL);
}
