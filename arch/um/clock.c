/*
 * The clock: host CLOCK_MONOTONIC, counted from boot, and one one-shot
 * clock event per CPU made of a timerfd in that CPU's epoll.
 *
 * The timerfd is armed with an absolute deadline, so programming it
 * needs no clock read, and re-arming it for the deadline it already has
 * costs nothing (the core tends to ask again after each IRQ). It is
 * registered edge-triggered and never read: every expiry is a fresh
 * wake-up for epoll, and re-arming resets it, so an expiry costs one
 * epoll_wait return and no read(2).
 */
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <umk/cpu.h>
#include <umk/errno.h>
#include <umk/irq.h>
#include "arch/um/host.h"
#include "arch/um/hostirq.h"

#define CLOCK_NSEC_PER_SEC 1000000000ULL

static unsigned long long clock_boot_ns;

static struct clock_cpu {
	int tfd;
	unsigned long long armed; /* deadline the timerfd holds, 0: none */
	struct umk_hostirq irq;
} clock_cpus[UMK_NR_CPUS] = {
	[0 ... UMK_NR_CPUS - 1] = {.tfd = -1},
};

static unsigned long long clock_host_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * CLOCK_NSEC_PER_SEC +
	       (unsigned long long)ts.tv_nsec;
}

UMK_INTERNAL void umk_um_clock_boot(void)
{
	clock_boot_ns = clock_host_ns();
}

UMK_INTERNAL unsigned long long umk_arch_clock_read(void)
{
	return clock_host_ns() - clock_boot_ns;
}

UMK_INTERNAL unsigned long long umk_arch_thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (unsigned long long)ts.tv_sec * CLOCK_NSEC_PER_SEC +
	       (unsigned long long)ts.tv_nsec;
}

static void clock_expired(void *data, unsigned int events)
{
	struct clock_cpu *c = data;

	(void)events;
	c->armed = 0;
	umk_do_irq(UMK_IRQ_CLOCK);
}

UMK_INTERNAL void umk_arch_clock_program(unsigned long long deadline_ns)
{
	struct clock_cpu *c = &clock_cpus[umk_smp_processor_id()];
	struct itimerspec its = {{0, 0}, {0, 0}};
	unsigned long long abs;

	if (deadline_ns == c->armed)
		return;
	c->armed = deadline_ns;
	if (deadline_ns) {
		abs = clock_boot_ns + deadline_ns;
		its.it_value.tv_sec = (time_t)(abs / CLOCK_NSEC_PER_SEC);
		its.it_value.tv_nsec = (long)(abs % CLOCK_NSEC_PER_SEC);
	}
	timerfd_settime(c->tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

/* The deadline this CPU's timerfd is armed for (0: none). */
UMK_INTERNAL unsigned long long umk_um_clock_armed(void)
{
	return clock_cpus[umk_smp_processor_id()].armed;
}

UMK_INTERNAL int umk_um_clock_cpu_init(unsigned int cpu)
{
	struct clock_cpu *c = &clock_cpus[cpu];
	int err;

	c->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (c->tfd < 0)
		return -UMK_EMFILE;
	c->armed = 0;
	err = umk_hostirq_add_cpu(&c->irq, cpu, c->tfd, UMK_HOSTIRQ_IN,
				  clock_expired, c);
	if (err) {
		close(c->tfd);
		c->tfd = -1;
	}
	return err;
}
