/*
 * CPUs are host threads. CPU n's epoll, kick eventfd and clock timerfd
 * are created by the CPU that starts it, before the thread exists, so it
 * can be kicked from the moment umk_arch_cpu_start() returns. The thread
 * itself only binds to the CPU (alternate signal stack, sanitizer stack
 * bounds) and enters the core, which sets umk_cpu_self in umk_cpu_bind:
 * the core has set up the CPU's state already and does not wait for it.
 *
 * The process-directed signals a user sends (SIGINT, SIGTERM, SIGHUP,
 * SIGQUIT, SIGCHLD) are blocked in secondary CPU threads so they reach CPU
 * 0; thread-directed ones (faults, a per-CPU preemption timer) are not.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <umk/config.h>
#include <umk/errno.h>
#include <umk/printk.h>
#include "arch/um/host.h"

struct smp_start {
	unsigned int cpu;
	void (*fn)(void);
};

static struct smp_start smp_starts[UMK_NR_CPUS];

static void *smp_thread(void *arg)
{
	struct smp_start *s = arg;
	int err = umk_um_cpu_enter(s->cpu);

	if (err)
		umk_panic("CPU %u: cannot set up its host thread (%d)", s->cpu,
			  err);
	if (s->fn)
		s->fn();
	else
		umk_secondary_start(s->cpu);
	return NULL; /* not reached: CPUs do not return */
}

/*
 * A CPU thread's stack: the size glibc would pick, with a guard page
 * below. Mapped here rather than by pthread_create so that its bounds
 * are known without pthread_getattr_np on the new thread, which would
 * allocate, and so create a malloc arena (an mmap of 128 MiB, two
 * munmaps and an mprotect) at every boot.
 */
#define SMP_STACK_BYTES (8UL << 20)

static void *smp_stack_map(unsigned long *size)
{
	unsigned long guard = (unsigned long)sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, SMP_STACK_BYTES + guard, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK,
		       -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (mprotect(p, guard, PROT_NONE)) {
		munmap(p, SMP_STACK_BYTES + guard);
		return NULL;
	}
	*size = SMP_STACK_BYTES;
	return p + guard;
}

UMK_INTERNAL int umk_arch_cpu_start(unsigned int cpu, void (*fn)(void))
{
	pthread_attr_t attr;
	sigset_t user, old;
	unsigned long stack_size;
	pthread_t tid;
	void *stack;
	int err;

	if (cpu == 0 || cpu >= UMK_NR_CPUS)
		return -UMK_EINVAL;
	err = umk_um_cpu_prepare(cpu);
	if (err)
		return err;
	stack = smp_stack_map(&stack_size);
	if (!stack)
		return -UMK_ENOMEM;
	umk_um_backtrace_set_stack(cpu, stack, stack_size);
	smp_starts[cpu].cpu = cpu;
	smp_starts[cpu].fn = fn;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstack(&attr, stack, stack_size);
	/* The new thread inherits this mask. */
	sigemptyset(&user);
	sigaddset(&user, SIGINT);
	sigaddset(&user, SIGTERM);
	sigaddset(&user, SIGHUP);
	sigaddset(&user, SIGQUIT);
	sigaddset(&user, SIGCHLD);
	pthread_sigmask(SIG_BLOCK, &user, &old);
	err = pthread_create(&tid, &attr, smp_thread, &smp_starts[cpu]);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (err) {
		umk_um_backtrace_set_stack(cpu, NULL, 0);
		munmap((char *)stack - sysconf(_SC_PAGESIZE),
		       stack_size + (unsigned long)sysconf(_SC_PAGESIZE));
		return -err;
	}
	return 0;
}

/* A spinlock holder on another host thread needs our host CPU: give it. */
void umk_spin_yield_host(void)
{
	sched_yield();
}
