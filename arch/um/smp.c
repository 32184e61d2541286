/*
 * CPUs are host threads. CPU n's epoll, kick eventfd and clock timerfd
 * are created by the CPU that starts it, before the thread exists, so it
 * can be kicked from the moment umk_arch_cpu_start() returns. The thread
 * itself only binds to the CPU (alternate signal stack, sanitizer stack
 * bounds) and enters the core, which sets umk_cpu_self in umk_cpu_setup.
 *
 * The process-directed signals a user sends (SIGINT, SIGTERM, SIGHUP,
 * SIGQUIT, SIGCHLD) are blocked in secondary CPU threads so they reach CPU
 * 0; thread-directed ones (faults, a per-CPU preemption timer) are not.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>

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

UMK_INTERNAL int umk_arch_cpu_start(unsigned int cpu, void (*fn)(void))
{
	pthread_attr_t attr;
	sigset_t user, old;
	pthread_t tid;
	int err;

	if (cpu == 0 || cpu >= UMK_NR_CPUS)
		return -UMK_EINVAL;
	err = umk_um_cpu_prepare(cpu);
	if (err)
		return err;
	smp_starts[cpu].cpu = cpu;
	smp_starts[cpu].fn = fn;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
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
	return err ? -err : 0;
}

/* A spinlock holder on another host thread needs our host CPU: give it. */
void umk_spin_yield_host(void)
{
	sched_yield();
}
