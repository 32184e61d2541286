/*
 * Interrupts from host events. Each CPU has one epoll instance holding
 * its clock timerfd (clock.c), its kick eventfd (here) and the host fds
 * the I/O layer added (hostirq.h). Every entry's epoll data is a struct
 * umk_hostirq, so dispatch is one indirect call per ready fd.
 *
 * The idle instruction is epoll_wait: umk_arch_idle() blocks the CPU's
 * host thread until an event or the deadline. umk_arch_irq_poll() takes
 * whatever is pending without blocking, from scheduling points.
 *
 * Masking interrupts is the per-CPU irqs_off flag, not a system call:
 * umk_arch_irq_poll() does nothing while it is set (the events wait in
 * epoll), and handlers run with it set and with in_irq set.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <umk/cpu.h>
#include <umk/errno.h>
#include <umk/irq.h>
#include <umk/printk.h>
#include <umk/task.h>
#include "arch/um/host.h"
#include "arch/um/hostirq.h"
#ifdef CONFIG_IO_URING
#include "arch/um/io.h"
#endif

#define IRQ_BATCH 64

UMK_STATIC_ASSERT(UMK_HOSTIRQ_IN == EPOLLIN && UMK_HOSTIRQ_OUT == EPOLLOUT &&
			  UMK_HOSTIRQ_PRI == EPOLLPRI &&
			  UMK_HOSTIRQ_ERR == EPOLLERR &&
			  UMK_HOSTIRQ_HUP == EPOLLHUP &&
			  UMK_HOSTIRQ_RDHUP == EPOLLRDHUP,
		  "hostirq.h event bits must equal the host's EPOLL bits");

static struct irq_cpu {
	int epfd;
	int kickfd;
	int kick_pending; /* a kick is written and not yet dispatched */
	struct umk_hostirq kick;
} irq_cpus[UMK_NR_CPUS] = {
	/* A CPU that was never prepared has no fds: calls on it fail cleanly.
	 */
	[0 ... UMK_NR_CPUS - 1] = {.epfd = -1, .kickfd = -1},
};

UMK_INTERNAL int umk_hostirq_add_cpu(struct umk_hostirq *h, unsigned int cpu,
				     int fd, unsigned int events,
				     umk_hostirq_fn fn, void *data)
{
	struct epoll_event ev;

	if (cpu >= UMK_NR_CPUS)
		return -UMK_EINVAL;
	/* See irq_dispatch: an event of its last registration may be late. */
	UMK_WRITE_ONCE(h->fn, fn);
	UMK_WRITE_ONCE(h->data, data);
	h->fd = fd;
	h->cpu = cpu;
	ev.events = events | EPOLLET;
	ev.data.ptr = h;
	if (epoll_ctl(irq_cpus[cpu].epfd, EPOLL_CTL_ADD, fd, &ev))
		return -errno;
	return 0;
}

UMK_INTERNAL int umk_hostirq_add(struct umk_hostirq *h, int fd,
				 unsigned int events, umk_hostirq_fn fn,
				 void *data)
{
	return umk_hostirq_add_cpu(h, umk_smp_processor_id(), fd, events, fn,
				   data);
}

UMK_INTERNAL int umk_hostirq_del(struct umk_hostirq *h)
{
	if (epoll_ctl(irq_cpus[h->cpu].epfd, EPOLL_CTL_DEL, h->fd, NULL))
		return -errno;
	return 0;
}

UMK_INTERNAL int umk_hostirq_epoll_fd(void)
{
	return irq_cpus[umk_smp_processor_id()].epfd;
}

/* Run the handlers of n ready events as IRQs: masked, in IRQ context. */
static void irq_dispatch(const struct epoll_event *ev, int n)
{
	struct umk_cpu *c = umk_this_cpu();
	int was_off = c->irqs_off, was_in = c->in_irq;
	int i;

	/* Else the tick could move us off the CPU whose events these are. */
	if (!was_off && c->curr && c->curr != c->idle)
		umk_panic("irq: events dispatched by task \"%s\" with IRQs on",
			  umk_task_name(c->curr));
	c->irqs_off = 1;
	c->in_irq = 1;
	umk_barrier();
	/*
	 * An event may arrive after its fd was deleted from the epoll (it
	 * was already on its way) while the owner adds the reused fd again:
	 * the owners re-add the same handler and data, and a spurious event
	 * costs a retry, but the fields are read while they are written.
	 */
	for (i = 0; i < n; i++) {
		struct umk_hostirq *h = ev[i].data.ptr;
		umk_hostirq_fn fn = UMK_READ_ONCE(h->fn);

		fn(UMK_READ_ONCE(h->data), ev[i].events);
	}
	umk_barrier();
	c->in_irq = was_in;
	c->irqs_off = was_off;
}

/*
 * Block until an event or the deadline. When the CPU's clock event is
 * already armed for that deadline (the usual case: the core programs its
 * next timer, then idles until it), the timerfd is the timeout: one wake
 * and no clock read. Otherwise epoll_pwait2 takes the timeout in ns; on
 * hosts without it, fall back to ms, rounded up so we never wake early.
 */
static int irq_wait(int epfd, struct epoll_event *ev,
		    unsigned long long deadline_ns)
{
	static int irq_no_pwait2;
	unsigned long long now, left;
	struct timespec ts;
	int n;

	if (!deadline_ns || deadline_ns == umk_um_clock_armed())
		return epoll_wait(epfd, ev, IRQ_BATCH, -1);
	now = umk_arch_clock_read();
	left = deadline_ns > now ? deadline_ns - now : 0;
	if (!UMK_READ_ONCE(irq_no_pwait2)) {
		ts.tv_sec = (time_t)(left / 1000000000ULL);
		ts.tv_nsec = (long)(left % 1000000000ULL);
		n = epoll_pwait2(epfd, ev, IRQ_BATCH, &ts, NULL);
		if (n >= 0 || errno != ENOSYS)
			return n;
		UMK_WRITE_ONCE(irq_no_pwait2, 1);
	}
	return epoll_wait(
		epfd, ev, IRQ_BATCH,
		(int)UMK_MIN((left + 999999) / 1000000, 0x7fffffffULL));
}

UMK_INTERNAL void umk_arch_idle(unsigned long long deadline_ns)
{
	struct epoll_event ev[IRQ_BATCH];
	int n;

#ifdef CONFIG_IO_URING
	/* Submit the CPU's queued I/O in one batch before sleeping. */
	if (umk_arch_io_flush(true))
		return; /* requests completed: tasks may be runnable */
#endif
	n = irq_wait(irq_cpus[umk_smp_processor_id()].epfd, ev, deadline_ns);
	if (n > 0)
		irq_dispatch(ev, n);
}

/*
 * Callers may be preemptible (umk_schedule() polls before it masks), so
 * mask first: the tick may move a task to another CPU, and one moved
 * between choosing this CPU's epoll and dispatching would take the old
 * CPU's edge-triggered timer and kick events (lost for good: that CPU
 * may sleep on them) and set and restore the old CPU's irqs_off under
 * whatever runs there (unmasking its critical sections).
 */
UMK_INTERNAL void umk_arch_irq_poll(void)
{
	struct epoll_event ev[IRQ_BATCH];
	unsigned long flags = umk_local_irq_save();
	int n;

	if (flags)
		return; /* masked by the caller: the events wait in epoll */
#ifdef CONFIG_IO_URING
	/* A CPU that never idles must still submit its queued I/O. */
	umk_arch_io_flush(false);
#endif
	n = epoll_wait(irq_cpus[umk_smp_processor_id()].epfd, ev, IRQ_BATCH, 0);
	if (n > 0)
		irq_dispatch(ev, n);
	umk_local_irq_restore(flags);
}

/*
 * Kicks (IPIs): an eventfd per CPU, edge-triggered and never read, like
 * the timerfd. kick_pending skips the write(2) while an earlier kick is
 * still undelivered: one is enough to make the CPU look at its work. Both
 * sides exchange it, so the kicked CPU's handler sees what the kicker
 * stored before kicking.
 */
static void irq_kicked(void *data, unsigned int events)
{
	struct irq_cpu *ic = data;

	(void)events;
	__atomic_exchange_n(&ic->kick_pending, 0, __ATOMIC_ACQ_REL);
	umk_do_irq(UMK_IRQ_KICK);
}

UMK_INTERNAL void umk_arch_cpu_kick(unsigned int cpu)
{
	struct irq_cpu *ic = &irq_cpus[cpu];
	uint64_t one = 1;

	if (cpu >= UMK_NR_CPUS || ic->kickfd < 0 ||
	    __atomic_exchange_n(&ic->kick_pending, 1, __ATOMIC_ACQ_REL))
		return;
	if (write(ic->kickfd, &one, sizeof(one)) < 0)
		__atomic_store_n(&ic->kick_pending, 0, __ATOMIC_RELEASE);
}

UMK_INTERNAL int umk_um_irq_cpu_init(unsigned int cpu)
{
	struct irq_cpu *ic = &irq_cpus[cpu];
	int err;

	ic->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (ic->epfd < 0)
		return -errno;
	ic->kickfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (ic->kickfd < 0) {
		err = -errno;
		close(ic->epfd);
		return err;
	}
	ic->kick_pending = 0;
	err = umk_hostirq_add_cpu(&ic->kick, cpu, ic->kickfd, UMK_HOSTIRQ_IN,
				  irq_kicked, ic);
	if (err) {
		close(ic->kickfd);
		close(ic->epfd);
	}
	return err;
}
