/*
 * The epoll I/O backend: readiness. Each fd is added once, edge-triggered
 * for IN, OUT and RDHUP, to the epoll of the CPU whose task first has to
 * wait for it (arch/um/hostirq.h), so its IRQs run where its task runs;
 * the IRQ only sets the fd's "may be ready" bits and wakes its waiters in
 * core/io.c. An operation is the system call itself, made at once;
 * EAGAIN sends the task to sleep until the next edge. Costs: one host
 * call per read or write (plus one epoll_ctl per fd at its first wait
 * and one at close), and the epoll_wait of the idle loop, shared by
 * every fd of the CPU.
 */
#include "arch/um/io.h"
#include "arch/um/hostirq.h"

static void ioepoll_irq(void *data, unsigned int events)
{
	umk_io_event((int)(long)data, events);
}

UMK_INTERNAL const char *umk_arch_io_name(void)
{
	return "epoll";
}

UMK_INTERNAL long umk_arch_io_start(struct umk_io_req *r)
{
	return umk_host_io_rw(r);
}

UMK_INTERNAL void umk_arch_io_cancel(struct umk_io_req *r)
{
	(void)r; /* nothing is ever queued */
}

UMK_INTERNAL bool umk_arch_io_flush(bool idle)
{
	(void)idle;
	return false;
}

UMK_INTERNAL int umk_arch_io_register(int fd, unsigned int *flags,
				      struct umk_arch_io_fd *afd)
{
	afd->fd = fd;
	__atomic_store_n(&afd->armed, 0, __ATOMIC_RELEASE);
	return umk_host_io_prepare(fd, flags);
}

/*
 * Added on the first wait, by whoever wins the 0 -> 1 race; a loser
 * just sleeps: adding an fd that is already ready queues an edge, so the
 * winner's add wakes it even if it comes later.
 */
UMK_INTERNAL int umk_arch_io_prewait(struct umk_arch_io_fd *afd)
{
	int zero = 0, err;

	if (umk_likely(__atomic_load_n(&afd->armed, __ATOMIC_ACQUIRE)))
		return 0;
	if (!__atomic_compare_exchange_n(&afd->armed, &zero, 1, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return 0;
	umk_host_io_count(1);
	err = umk_hostirq_add(&afd->hirq, afd->fd,
			      UMK_HOSTIRQ_IN | UMK_HOSTIRQ_OUT |
				      UMK_HOSTIRQ_RDHUP,
			      ioepoll_irq, (void *)(long)afd->fd);
	__atomic_store_n(&afd->armed, err ? 0 : 2, __ATOMIC_RELEASE);
	return err;
}

UMK_INTERNAL int umk_arch_io_close(int fd, struct umk_arch_io_fd *afd,
				   bool inflight)
{
	(void)inflight;
	if (__atomic_exchange_n(&afd->armed, 0, __ATOMIC_ACQ_REL) == 2) {
		umk_host_io_count(1);
		umk_hostirq_del(&afd->hirq);
	}
	return umk_host_io_close(fd);
}

UMK_INTERNAL unsigned long long umk_arch_io_host_calls(void)
{
	return umk_host_io_calls_total();
}

UMK_INTERNAL unsigned long long umk_arch_io_submits(void)
{
	return 0;
}
