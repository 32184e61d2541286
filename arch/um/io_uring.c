/*
 * The io_uring I/O backend: completions, batched.
 *
 * Which operations: the direct ones (READ, WRITE, READV, WRITEV, ACCEPT,
 * CONNECT), not POLL_ADD + system call. POLL_ADD serves umk_poll, and
 * the rare completion that still says EAGAIN (a write on a socket whose
 * read is pending): core/io.c then queues a poll and retries. With
 * POLL_ADD a request costs the io_uring_enter share plus the read or
 * write system call itself, as with epoll; a direct op costs only its
 * share of one io_uring_enter, because the host kernel does the read or
 * write inside the batch (at once if data is there, else when it comes,
 * through its internal poll). A server whose tasks each read a request
 * and write a reply thus makes a few io_uring_enter calls per round of
 * all its connections instead of two or three system calls per request.
 *
 * Batching: umk_arch_io_start() only fills an SQE in the calling CPU's
 * ring. The arch idle loop calls umk_arch_io_flush() before it blocks,
 * which submits everything queued on the CPU with one io_uring_enter (and
 * reaps what completed inline). A full batch is submitted at once. Until
 * the idle loop has called umk_arch_io_flush() once, every request is
 * submitted on the spot, so the backend also works with an idle loop that
 * does not know about it (just with one enter per request).
 *
 * Completions: each ring has an eventfd registered with io_uring and
 * added, edge-triggered, to the CPU's epoll (arch/um/hostirq.h): a posted
 * CQE makes the idle loop's epoll_wait return and dispatch the ring's
 * IRQ, which reaps the CQ (shared memory, no system call) and hands each
 * result to core/io.c. The eventfd is never read: each signal is a new
 * edge.
 *
 * Ring flags: COOP_TASKRUN keeps the host from interrupting the CPU's
 * running host thread with an IPI to finish a request (the recv after a
 * poll wake-up, say): that work waits for the thread's next system call
 * (a sleeping thread is still woken). On loopback the IPI was sent from
 * the peer's send() and cost both sides: with redis-benchmark -P 1 the
 * server's CPU time per request fell from 13.1 to 11.4 us and the
 * client's from 23.3 to 21.1 us. TASKRUN_FLAG says when such work waits,
 * so a busy CPU's flush runs it (io_uring_get_events) instead of leaving
 * it to the next sleep. Hosts before 5.19 get a ring without them.
 * DEFER_TASKRUN would need SINGLE_ISSUER, which this backend cannot
 * promise: a close or a cancel may submit on another CPU's ring.
 *
 * Each ring has a spinlock because a cancel may target a request queued
 * on another CPU's ring (the task migrated) and because IRQ dispatch
 * reaps while tasks queue.
 *
 * No io_uring (old kernel, seccomp, io_uring_disabled sysctl): the first
 * use panics, naming the cause and the CONFIG_IO_EPOLL alternative.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <liburing.h>
#include <string.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <umk/cpu.h>
#include <umk/init.h>
#include <umk/printk.h>
#include <umk/sched.h>
#include <umk/spinlock.h>
#include "arch/um/arch.h"
#include "arch/um/io.h"
#include "arch/um/hostirq.h"

#define IOURING_ENTRIES 256
#define IOURING_CQ_ENTRIES 8192 /* every blocked task may hold one */
#define IOURING_BATCH 64 /* submit at once when this many are queued */
#define IOURING_REAP 32  /* CQEs handed to the core per lock hold */

struct iouring_cpu {
	umk_spinlock_t lock;
	bool ready;
	unsigned int cpu;
	unsigned int pending; /* SQEs not submitted yet (lock; read without) */
	int efd;
	struct io_uring ring;
	struct umk_hostirq hirq;
	bool busy; /* the last idle flush found completions */
	unsigned long long submits;
} UMK_ALIGNED(UMK_CACHELINE);

static struct iouring_cpu iouring_cpus[UMK_NR_CPUS];
static unsigned long long iouring_spin_ns; /* iospin= */
static bool iouring_batching; /* the idle loop calls umk_arch_io_flush */

UMK_INTERNAL const char *umk_arch_io_name(void)
{
	return "io_uring";
}

/* ---- Completions ---- */

struct iouring_done {
	struct umk_io_req *req;
	long res;
};

/* Take up to max CQEs off rc's ring; returns how many. Lock held. */
static unsigned int iouring_take(struct iouring_cpu *rc,
				 struct iouring_done *out, unsigned int max)
{
	struct io_uring_cqe *cqe;
	unsigned int head, n = 0, seen = 0;

	io_uring_for_each_cqe(&rc->ring, head, cqe) {
		struct umk_io_req *r = io_uring_cqe_get_data(cqe);

		if (n == max)
			break;
		seen++;
		if (!r)
			continue; /* a cancel's own completion */
		out[n].req = r;
		out[n].res = cqe->res;
		n++;
	}
	io_uring_cq_advance(&rc->ring, seen);
	return n;
}

/* Hand every completed request of rc to the core; returns how many. */
static unsigned int iouring_reap(struct iouring_cpu *rc)
{
	struct iouring_done done[IOURING_REAP];
	unsigned int n, i, total = 0;
	unsigned long irq;

	if (!io_uring_cq_ready(&rc->ring) && !io_uring_cq_has_overflow(&rc->ring))
		return 0;
	do {
		irq = umk_spin_lock_irqsave(&rc->lock);
		n = iouring_take(rc, done, IOURING_REAP);
		if (n < IOURING_REAP && io_uring_cq_has_overflow(&rc->ring)) {
			/* The CQ was full: have the host move the rest in. */
			io_uring_get_events(&rc->ring);
			umk_host_io_count(1);
			n += iouring_take(rc, done + n, IOURING_REAP - n);
		}
		umk_spin_unlock_irqrestore(&rc->lock, irq);
		for (i = 0; i < n; i++)
			umk_io_complete(done[i].req, done[i].res);
		total += n;
	} while (n == IOURING_REAP);
	return total;
}

static unsigned int iouring_reap_as_irq(struct iouring_cpu *rc)
{
	struct umk_cpu *c = umk_this_cpu();
	int was_off = c->irqs_off, was_in = c->in_irq;
	unsigned int n;

	c->irqs_off = 1;
	c->in_irq = 1;
	umk_barrier();
	n = iouring_reap(rc);
	umk_barrier();
	c->in_irq = was_in;
	c->irqs_off = was_off;
	return n;
}

static void iouring_irq(void *data, unsigned int events)
{
	(void)events;
	iouring_reap(data);
}

/* ---- Waiting ---- */

/* The host holds completion work for us until our next system call. */
static bool iouring_taskrun(struct iouring_cpu *rc)
{
	return __atomic_load_n(rc->ring.sq.kflags, __ATOMIC_RELAXED) &
	       IORING_SQ_TASKRUN;
}

#define IOURING_SPIN_US_DEFAULT 20

static void iouring_spin_setup(void)
{
	const char *v = umk_cmdline_get("iospin");

	__atomic_store_n(&iouring_spin_ns,
			 (v ? strtoull(v, NULL, 10) : IOURING_SPIN_US_DEFAULT) *
				 1000ULL,
			 __ATOMIC_RELAXED);
}

/*
 * Before an idle CPU that just served I/O goes to sleep, poll its ring
 * (memory only: the CQ and the TASKRUN flag) for up to ns. A sleeping
 * CPU thread must be woken by whoever completes its I/O, and on loopback
 * that is the peer, inside its send(): a wake-up of a thread on another
 * vCPU (an IPI here) that the peer pays for. With redis-benchmark -c 50
 * -P 1 the client's CPU time per request fell from 19.7 to 17.2 us with
 * a 20 us spin, kvd's own did not grow (9.4 -> 9.2 us: the spin costs
 * less than the sleep and wake it avoids) and kvd slept 0.14 times per
 * request instead of 0.29. The spin is bounded and runs only right after
 * completions were handed over, so an idle server does not spin; a task
 * woken from another CPU ends it.
 */
static bool iouring_spin(struct iouring_cpu *rc, unsigned long long ns)
{
	unsigned long long end = umk_arch_clock_read() + ns;
	unsigned int i;

	for (;;) {
		for (i = 0; i < 64; i++) {
			if (iouring_taskrun(rc) || io_uring_cq_ready(&rc->ring))
				return true;
			umk_cpu_relax();
		}
		if (umk_sched_has_runnable()) /* a wake-up from another CPU */
			return true;
		if (umk_arch_clock_read() >= end)
			return false;
	}
}

/* ---- Rings ---- */

/* Ring flags, best first: a host that refuses a set (EINVAL) gets the next. */
static const unsigned int iouring_flag_sets[] = {
	IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG,
	0,
};

static void iouring_setup(struct iouring_cpu *rc, unsigned int cpu)
{
	struct io_uring_params p;
	unsigned int i;
	int err = -EINVAL;

	umk_spin_lock_init(&rc->lock);
	rc->cpu = cpu;
	for (i = 0; i < UMK_ARRAY_SIZE(iouring_flag_sets) && err == -EINVAL;
	     i++) {
		memset(&p, 0, sizeof(p));
		p.flags = IORING_SETUP_CQSIZE | iouring_flag_sets[i];
		p.cq_entries = IOURING_CQ_ENTRIES;
		err = io_uring_queue_init_params(IOURING_ENTRIES, &rc->ring, &p);
	}
	if (cpu == 0)
		iouring_spin_setup();
	if (err < 0)
		umk_panic("io_uring: cannot set up a ring on CPU %u: %s (the "
			  "host kernel lacks io_uring or forbids it); build "
			  "with CONFIG_IO_EPOLL=y instead",
			  cpu, umk_strerror(-err));
	rc->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (rc->efd < 0)
		umk_panic("io_uring: eventfd for CPU %u: %s", cpu,
			  umk_strerror(errno));
	err = io_uring_register_eventfd(&rc->ring, rc->efd);
	if (err < 0)
		umk_panic("io_uring: registering the eventfd of CPU %u: %s",
			  cpu, umk_strerror(-err));
	err = umk_hostirq_add(&rc->hirq, rc->efd, UMK_HOSTIRQ_IN, iouring_irq,
			      rc);
	if (err < 0)
		umk_panic("io_uring: adding the ring of CPU %u to epoll: %s",
			  cpu, umk_strerror(-err));
	umk_host_io_count(3);
	__atomic_store_n(&rc->ready, true, __ATOMIC_RELEASE);
}

/*
 * This CPU's ring, set up on first use (from this CPU's host thread).
 * IRQs must be masked: that keeps the caller on this CPU until it has
 * queued on the ring, and keeps other tasks of this CPU out of a setup
 * in progress. A task preempted inside iouring_setup() let a second one
 * set up the same ring: the ring kept one's fd and the other's mappings,
 * its submits reached a ring that never saw an SQE, and every task whose
 * I/O went to that CPU waited forever (io.io_many_blocked, under load).
 * A task moved to another CPU after the lookup would also queue on a
 * ring whose CPU may sleep without flushing it.
 */
static struct iouring_cpu *iouring_this_cpu(void)
{
	unsigned int cpu = umk_smp_processor_id();
	struct iouring_cpu *rc = &iouring_cpus[cpu];

	if (umk_unlikely(!__atomic_load_n(&rc->ready, __ATOMIC_ACQUIRE))) {
		if (!umk_this_cpu()->irqs_off)
			umk_panic("io_uring: ring of CPU %u set up with IRQs "
				  "on (a preempted setup races another)",
				  cpu);
		iouring_setup(rc, cpu);
	}
	return rc;
}

/* Submit what is queued on rc. Lock held. */
static void iouring_submit_locked(struct iouring_cpu *rc)
{
	int res;

	if (!rc->pending)
		return;
	res = io_uring_submit(&rc->ring);
	rc->submits++;
	umk_host_io_count(1);
	if (res < 0 && res != -EAGAIN && res != -EBUSY && res != -EINTR)
		umk_panic("io_uring: submit on CPU %u failed: %s", rc->cpu,
			  umk_strerror(-res));
	UMK_WRITE_ONCE(rc->pending, io_uring_sq_ready(&rc->ring));
}

/* A free SQE of rc, submitting the queue first if it is full. Lock held. */
static struct io_uring_sqe *iouring_sqe(struct iouring_cpu *rc)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&rc->ring);

	if (!sqe) {
		iouring_submit_locked(rc);
		sqe = io_uring_get_sqe(&rc->ring);
		if (!sqe)
			umk_panic("io_uring: no SQE on CPU %u after submit",
				  rc->cpu);
	}
	UMK_WRITE_ONCE(rc->pending, rc->pending + 1);
	return sqe;
}

/* Queued on rc: submit now unless the idle loop will batch it. */
static void iouring_queued(struct iouring_cpu *rc, bool now)
{
	if (now || !__atomic_load_n(&iouring_batching, __ATOMIC_RELAXED) ||
	    rc->pending >= IOURING_BATCH)
		iouring_submit_locked(rc);
}

UMK_INTERNAL bool umk_arch_io_flush(bool idle)
{
	struct iouring_cpu *rc = &iouring_cpus[umk_smp_processor_id()];
	unsigned long long spin;
	unsigned long irq;

	if (idle && !__atomic_load_n(&iouring_batching, __ATOMIC_RELAXED))
		__atomic_store_n(&iouring_batching, true, __ATOMIC_RELAXED);
	if (!__atomic_load_n(&rc->ready, __ATOMIC_ACQUIRE))
		return false;
	if (UMK_READ_ONCE(rc->pending)) {
		/* The submit also runs any completion work waiting. */
		irq = umk_spin_lock_irqsave(&rc->lock);
		iouring_submit_locked(rc);
		umk_spin_unlock_irqrestore(&rc->lock, irq);
	} else if (iouring_taskrun(rc)) {
		/* Finish what the host holds for us before sleeping. */
		io_uring_get_events(&rc->ring);
		umk_host_io_count(1);
	}
	/*
	 * Inline completions, and those the host posted while it had us
	 * out of epoll_wait, are in the CQ now: hand them over directly
	 * (shared memory, no system call) instead of via the eventfd IRQ,
	 * in IRQ context as the IRQ would (no preemption from wake-ups).
	 */
	if (iouring_reap_as_irq(rc))
		return rc->busy = true;
	spin = __atomic_load_n(&iouring_spin_ns, __ATOMIC_RELAXED);
	if (idle && rc->busy && spin) {
		rc->busy = false;
		if (iouring_spin(rc, spin)) {
			if (iouring_taskrun(rc)) {
				io_uring_get_events(&rc->ring);
				umk_host_io_count(1);
			}
			rc->busy = iouring_reap_as_irq(rc) != 0;
			return true;
		}
	}
	return false;
}

/* ---- Operations ---- */

static void iouring_prep(struct io_uring_sqe *sqe, struct umk_io_req *r)
{
	unsigned int len = (unsigned int)UMK_MIN(r->len, 1UL << 30);

	switch (r->op) {
	case UMK_IO_OP_READ:
		io_uring_prep_read(sqe, r->fd, r->buf, len, (__u64)-1);
		break;
	case UMK_IO_OP_WRITE:
		io_uring_prep_write(sqe, r->fd, r->buf, len, (__u64)-1);
		break;
	case UMK_IO_OP_READV:
		io_uring_prep_readv(sqe, r->fd, (const struct iovec *)r->iov,
				    (unsigned int)r->len, (__u64)-1);
		break;
	case UMK_IO_OP_WRITEV:
		io_uring_prep_writev(sqe, r->fd, (const struct iovec *)r->iov,
				     (unsigned int)r->len, (__u64)-1);
		break;
	case UMK_IO_OP_ACCEPT:
		io_uring_prep_accept(sqe, r->fd, r->addr,
				     (socklen_t *)r->addrlen,
				     SOCK_NONBLOCK | SOCK_CLOEXEC);
		break;
	case UMK_IO_OP_CONNECT:
		io_uring_prep_connect(sqe, r->fd, r->addr, r->addrlen_in);
		break;
	case UMK_IO_OP_POLL:
		io_uring_prep_poll_add(sqe, r->fd, r->events);
		break;
	default:
		umk_panic("io_uring: unknown I/O op %d", r->op);
	}
	io_uring_sqe_set_data(sqe, r);
}

UMK_INTERNAL long umk_arch_io_start(struct umk_io_req *r)
{
	unsigned long irq = umk_local_irq_save(); /* see iouring_this_cpu */
	struct iouring_cpu *rc = iouring_this_cpu();

	umk_raw_spin_lock(&rc->lock);
	iouring_prep(iouring_sqe(rc), r);
	r->ring = rc;
	iouring_queued(rc, false);
	umk_spin_unlock_irqrestore(&rc->lock, irq);
	return UMK_IO_QUEUED;
}

UMK_INTERNAL void umk_arch_io_cancel(struct umk_io_req *r)
{
	struct iouring_cpu *rc = r->ring;
	struct io_uring_sqe *sqe;
	unsigned long irq;

	if (!rc || r->cancelled)
		return;
	r->cancelled = 1;
	irq = umk_spin_lock_irqsave(&rc->lock);
	sqe = iouring_sqe(rc);
	io_uring_prep_cancel64(sqe, (__u64)(uintptr_t)r, 0);
	io_uring_sqe_set_data(sqe, NULL);
	/* Another CPU's ring may sit in its idle loop: submit it now. */
	iouring_queued(rc, rc->cpu != umk_smp_processor_id());
	umk_spin_unlock_irqrestore(&rc->lock, irq);
}

UMK_INTERNAL int umk_arch_io_register(int fd, unsigned int *flags,
				      struct umk_arch_io_fd *afd)
{
	(void)afd; /* nothing to register: each op names its fd */
	return umk_host_io_prepare(fd, flags);
}

UMK_INTERNAL int umk_arch_io_prewait(struct umk_arch_io_fd *afd)
{
	(void)afd; /* completions need no registration */
	return 0;
}

/*
 * Cancel every request on fd in every ring, submitted now: the cancel
 * finds them by file, so it must run while fd is still open.
 */
static void iouring_cancel_fd(int fd)
{
	unsigned int c;

	for (c = 0; c < UMK_NR_CPUS; c++) {
		struct iouring_cpu *rc = &iouring_cpus[c];
		struct io_uring_sqe *sqe;
		unsigned long irq;

		if (!__atomic_load_n(&rc->ready, __ATOMIC_ACQUIRE))
			continue;
		irq = umk_spin_lock_irqsave(&rc->lock);
		sqe = iouring_sqe(rc);
		io_uring_prep_cancel_fd(sqe, fd, IORING_ASYNC_CANCEL_ALL);
		io_uring_sqe_set_data(sqe, NULL);
		iouring_submit_locked(rc);
		umk_spin_unlock_irqrestore(&rc->lock, irq);
	}
}

UMK_INTERNAL int umk_arch_io_close(int fd, struct umk_arch_io_fd *afd,
				   bool inflight)
{
	(void)afd;
	if (inflight)
		iouring_cancel_fd(fd);
	return umk_host_io_close(fd);
}

UMK_INTERNAL unsigned long long umk_arch_io_host_calls(void)
{
	return umk_host_io_calls_total();
}

UMK_INTERNAL unsigned long long umk_arch_io_submits(void)
{
	unsigned long long sum = 0;
	unsigned int c;

	for (c = 0; c < UMK_NR_CPUS; c++)
		sum += iouring_cpus[c].submits;
	return sum;
}

/* Find out at boot, not at the first request, whether io_uring works. */
static int iouring_boot(void)
{
	unsigned long irq = umk_local_irq_save();

	iouring_this_cpu();
	umk_local_irq_restore(irq);
	return 0;
}
umk_device_initcall(iouring_boot);
