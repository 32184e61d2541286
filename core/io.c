/*
 * Blocking I/O for tasks: the generic part.
 *
 * A task calling umk_read() must sleep, not its host thread, until the fd
 * can make progress. This file keeps what the host does not know: per-fd
 * state in a table indexed by fd number, the tasks waiting on each fd,
 * timeouts, and the try / sleep / retry loop. The backend in arch/um
 * (see arch/um/io.h) makes the host calls.
 *
 * Readiness backend (epoll). Each fd carries "may be ready" bits, one per
 * direction, set by the fd's edge-triggered IRQ (umk_io_event) and
 * cleared just BEFORE each host call, so an edge that arrives during or
 * after the call is never lost. A call that returns EAGAIN leaves the
 * bit clear and the task sleeps until it is set again. On stream fds a
 * short read means the host buffer was drained (and a short write that
 * it is full), so the bit stays clear then too, and the next call sleeps
 * at once instead of paying a system call to learn EAGAIN: a server's
 * read-request / write-reply / read-next loop costs two host calls per
 * request, not three.
 *
 * Completion backend (io_uring). The operation is queued; the task
 * sleeps until umk_io_complete() reports its result. A queued operation
 * owns the caller's buffer, so a timeout or a close cancels it and the
 * task still waits for the (cancelled or finished) completion before
 * returning; if it finished with data after all, that data is returned.
 */
#include <umk/io.h>
#include <umk/errno.h>
#include <umk/slab.h>
#include <umk/spinlock.h>
#include <umk/wait.h>
#include <umk/time.h>
#include <umk/cpu.h>
#include <umk/string.h>
#include "arch/um/io.h"

#define IO_FD_CHUNK_SHIFT 8
#define IO_FD_CHUNK_SIZE (1 << IO_FD_CHUNK_SHIFT)
#define IO_FD_LIMIT (1 << 20)

/*
 * "may be ready" bits of struct io_fd.ready. IO_RD and IO_WR come and
 * go; IO_RDHUP (peer done writing) and IO_HUP (hang-up or error) stay
 * once seen: after the read that drains a shut-down stream no new edge
 * comes, yet the next read must not sleep (it returns EOF at once).
 */
#define IO_RD 0x1u
#define IO_WR 0x2u
#define IO_RDHUP 0x4u
#define IO_HUP 0x8u

/* struct io_fd.flags (low bits are UMK_IO_FD_* from the backend) */
#define IO_FD_OPEN 0x100u

struct io_fd {
	umk_spinlock_t lock;        /* waiters, flags (read also bare), gen */
	unsigned int ready;         /* IO_RD | IO_WR, atomic */
	unsigned int gen;           /* bumped by close: stale waiters see it */
	unsigned int flags;         /* IO_FD_OPEN, UMK_IO_FD_STREAM */
	unsigned int inflight;      /* queued requests (completion backend) */
	/*
	 * Tasks waiting to read / to write (readiness backend). They live
	 * here, not on the waiters' stacks, so a wake-up racing with a
	 * waiter that already left never touches a dead stack frame.
	 */
	struct umk_wait_queue_head rwq, wwq;
	struct umk_arch_io_fd arch;
};

/* Chunks of io_fd, allocated on first use and never freed or moved. */
static struct io_fd *io_fd_chunks[IO_FD_LIMIT >> IO_FD_CHUNK_SHIFT];
static umk_spinlock_t io_table_lock = UMK_SPINLOCK_INIT;

struct io_cpu_stats {
	unsigned long long ops, sleeps, events;
} UMK_ALIGNED(UMK_CACHELINE);
static struct io_cpu_stats io_stats_cpu[UMK_NR_CPUS];
static int io_open_fds;

static inline struct io_cpu_stats *io_stats_this(void)
{
	return &io_stats_cpu[umk_smp_processor_id()];
}

/*
 * Counted where the task may be preempted, so possibly on a CPU it just
 * left, concurrently with that CPU's own count: an atomic add loses none.
 */
static inline void io_stat_inc(unsigned long long *counter)
{
	__atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

/* ---- The fd table ---- */

static struct io_fd *io_fd_lookup(int fd)
{
	struct io_fd *chunk;

	if (fd < 0 || fd >= IO_FD_LIMIT)
		return NULL;
	chunk = __atomic_load_n(&io_fd_chunks[fd >> IO_FD_CHUNK_SHIFT],
				__ATOMIC_ACQUIRE);
	return chunk ? &chunk[fd & (IO_FD_CHUNK_SIZE - 1)] : NULL;
}

static struct io_fd *io_fd_alloc(int fd)
{
	struct io_fd *f = io_fd_lookup(fd), *chunk;
	struct io_fd **slot;
	int i;

	if (f || fd < 0 || fd >= IO_FD_LIMIT)
		return f;
	chunk = umk_kzalloc(sizeof(*chunk) * IO_FD_CHUNK_SIZE);
	if (!chunk)
		return NULL;
	for (i = 0; i < IO_FD_CHUNK_SIZE; i++) {
		umk_spin_lock_init(&chunk[i].lock);
		umk_wait_queue_init(&chunk[i].rwq);
		umk_wait_queue_init(&chunk[i].wwq);
	}
	slot = &io_fd_chunks[fd >> IO_FD_CHUNK_SHIFT];
	umk_spin_lock(&io_table_lock);
	if (!*slot) {
		__atomic_store_n(slot, chunk, __ATOMIC_RELEASE);
		chunk = NULL;
	}
	umk_spin_unlock(&io_table_lock);
	umk_kfree(chunk); /* lost the race: another task installed one */
	return io_fd_lookup(fd);
}

/* The state of an open fd, or NULL; *gen gets its generation. */
static struct io_fd *io_fd_get(int fd, unsigned int *gen)
{
	struct io_fd *f = io_fd_lookup(fd);

	if (!f)
		return NULL;
	*gen = __atomic_load_n(&f->gen, __ATOMIC_ACQUIRE);
	if (!(UMK_READ_ONCE(f->flags) & IO_FD_OPEN))
		return NULL;
	return f;
}

static bool io_fd_closed_since(struct io_fd *f, unsigned int gen)
{
	return __atomic_load_n(&f->gen, __ATOMIC_ACQUIRE) != gen;
}

/*
 * Make fd known: reserve its slot, then let the backend set it up.
 * flags: UMK_IO_FD_KNOWN and the type when the caller knows them.
 */
static int io_adopt(int fd, unsigned int flags)
{
	struct io_fd *f = io_fd_alloc(fd);
	unsigned long irq;
	int err;

	if (fd < 0 || fd >= IO_FD_LIMIT)
		return -UMK_EBADF;
	if (!f)
		return -UMK_ENOMEM;
	irq = umk_spin_lock_irqsave(&f->lock);
	if (f->flags & IO_FD_OPEN) {
		umk_spin_unlock_irqrestore(&f->lock, irq);
		return -UMK_EEXIST;
	}
	UMK_WRITE_ONCE(f->flags, IO_FD_OPEN);
	umk_spin_unlock_irqrestore(&f->lock, irq);

	err = umk_arch_io_register(fd, &flags, &f->arch);
	irq = umk_spin_lock_irqsave(&f->lock);
	if (err) {
		UMK_WRITE_ONCE(f->flags, 0);
	} else {
		flags = IO_FD_OPEN | (flags & UMK_IO_FD_STREAM);
		UMK_WRITE_ONCE(f->flags, flags);
		__atomic_store_n(&f->ready, IO_RD | IO_WR, __ATOMIC_SEQ_CST);
	}
	umk_spin_unlock_irqrestore(&f->lock, irq);
	if (!err)
		__atomic_fetch_add(&io_open_fds, 1, __ATOMIC_RELAXED);
	return err;
}

/* io_adopt for an fd umk just made: on failure the fd is closed. */
static int io_adopt_new(int fd, unsigned int flags)
{
	int err = io_adopt(fd, flags | UMK_IO_FD_KNOWN);

	if (err) {
		umk_host_io_close(fd);
		return err;
	}
	return fd;
}

int umk_fd_register(int fd)
{
	return io_adopt(fd, 0);
}

int umk_close(int fd)
{
	struct io_fd *f = io_fd_lookup(fd);
	unsigned long irq;
	bool inflight;

	if (!f)
		return -UMK_EBADF;
	irq = umk_spin_lock_irqsave(&f->lock);
	if (!(f->flags & IO_FD_OPEN)) {
		umk_spin_unlock_irqrestore(&f->lock, irq);
		return -UMK_EBADF;
	}
	UMK_WRITE_ONCE(f->flags, 0);
	__atomic_fetch_add(&f->gen, 1, __ATOMIC_SEQ_CST);
	inflight = __atomic_load_n(&f->inflight, __ATOMIC_ACQUIRE) != 0;
	umk_spin_unlock_irqrestore(&f->lock, irq);
	umk_wake_up(&f->rwq);
	umk_wake_up(&f->wwq);
	__atomic_fetch_sub(&io_open_fds, 1, __ATOMIC_RELAXED);
	return umk_arch_io_close(fd, &f->arch, inflight);
}

/* ---- Events from the backend (IRQ context) ---- */

static unsigned int io_events_to_bits(unsigned int events)
{
	unsigned int bits = 0;

	if (events & (UMK_POLLIN | UMK_POLLPRI))
		bits |= IO_RD;
	if (events & UMK_POLLOUT)
		bits |= IO_WR;
	if (events & UMK_POLLRDHUP)
		bits |= IO_RD | IO_RDHUP;
	if (events & (UMK_POLLHUP | UMK_POLLERR))
		bits |= IO_RD | IO_WR | IO_HUP;
	return bits;
}

/* The bits that let an operation in direction dir (IO_RD/IO_WR) try. */
static unsigned int io_ready_mask(unsigned int dir)
{
	return dir | IO_HUP | (dir & IO_RD ? IO_RDHUP : 0);
}

UMK_INTERNAL void umk_io_event(int fd, unsigned int events)
{
	struct io_fd *f = io_fd_lookup(fd);
	unsigned int bits = io_events_to_bits(events);

	io_stat_inc(&io_stats_this()->events);
	if (!f || !bits)
		return;
	/*
	 * Set the bits (a seq_cst read-modify-write), then look for
	 * waiters: a waiter queues itself and then tests the bits with a
	 * read-modify-write of the same word (io_ready_fenced), so either
	 * it sees them or we see it. Most events find nobody
	 * waiting (a busy task, or the write side) and take no lock.
	 */
	__atomic_fetch_or(&f->ready, bits, __ATOMIC_SEQ_CST);
	if ((bits & io_ready_mask(IO_RD)) && umk_waitqueue_active(&f->rwq))
		umk_wake_up(&f->rwq);
	if ((bits & io_ready_mask(IO_WR)) && umk_waitqueue_active(&f->wwq))
		umk_wake_up(&f->wwq);
}

UMK_INTERNAL void umk_io_complete(struct umk_io_req *r, long res)
{
	io_stat_inc(&io_stats_this()->events);
	r->res = res;
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
	umk_wake_up(r->wq);
	/* Last touch of r: its owner may return (and reuse its stack) now. */
	__atomic_store_n(&r->done, 2, __ATOMIC_RELEASE);
}

/* ---- Waiting ---- */

/*
 * f's ready bits, read after the waiter queued itself: its side of the
 * pairing with umk_io_event() (queue, then test). A read-modify-write
 * that changes nothing, not a fence and a load: if it comes first in
 * ready's order, the event's fetch_or reads from it and so sees the
 * queued waiter; if last, it sees the event's bits. (ThreadSanitizer
 * also understands it; it ignores fences.)
 */
static unsigned int io_ready_fenced(struct io_fd *f)
{
	return __atomic_fetch_or(&f->ready, 0u, __ATOMIC_SEQ_CST);
}

/* ns left until deadline (0: none) as a timeout for the wait calls. */
static long long io_left(unsigned long long deadline)
{
	unsigned long long now;

	if (!deadline)
		return -1;
	now = umk_time_ns();
	return now >= deadline ? 0 : (long long)(deadline - now);
}

static unsigned long long io_deadline(long long timeout_ns)
{
	if (timeout_ns < 0)
		return 0;
	return umk_time_ns() + (unsigned long long)timeout_ns + 1;
}

/*
 * Sleep until f may be ready for want (IO_RD or IO_WR), it is closed
 * (-EBADF) or the deadline passes (-ETIMEDOUT). Readiness backend.
 */
static int io_wait_ready(struct io_fd *f, unsigned int gen, unsigned int want,
			 unsigned long long deadline)
{
	struct umk_wait_queue_head *wq = want & IO_RD ? &f->rwq : &f->wwq;
	int err;

	io_stat_inc(&io_stats_this()->sleeps);
	err = umk_wait_event_timeout(
		*wq,
		(io_ready_fenced(f) & io_ready_mask(want)) ||
			io_fd_closed_since(f, gen),
		io_left(deadline));
	if (io_fd_closed_since(f, gen))
		return -UMK_EBADF;
	return err;
}

/* Wait until the completion of r has fully finished touching r. */
static void io_req_settle(struct umk_io_req *r)
{
	while (__atomic_load_n(&r->done, __ATOMIC_ACQUIRE) != 2)
		umk_cpu_relax();
}

/*
 * Sleep until queued request r completes; on timeout cancel it and wait
 * for the completion anyway (it owns the caller's buffer until then).
 */
static int io_wait_done(struct umk_io_req *r, unsigned long long deadline)
{
	int err;

	io_stat_inc(&io_stats_this()->sleeps);
	err = umk_wait_event_timeout(*r->wq, UMK_READ_ONCE(r->done) != 0,
				     io_left(deadline));
	if (err) {
		umk_arch_io_cancel(r);
		umk_wait_event(*r->wq, UMK_READ_ONCE(r->done) != 0);
	}
	io_req_settle(r);
	return err;
}

static void io_req_queue_init(struct umk_io_req *r,
			      struct umk_wait_queue_head *wq)
{
	r->res = 0;
	r->done = 0;
	r->cancelled = 0;
	r->wq = wq;
	r->ring = NULL;
}

/* ---- One operation ---- */

static size_t io_req_total(const struct umk_io_req *r)
{
	size_t total = 0, i;

	if (r->op != UMK_IO_OP_READV && r->op != UMK_IO_OP_WRITEV)
		return r->len;
	for (i = 0; i < r->len; i++)
		total += r->iov[i].len;
	return total;
}

/*
 * After a host call with result res: is the fd certainly not ready in
 * that direction any more? Only stream fds say so with a short count.
 */
static bool io_drained(const struct io_fd *f, const struct umk_io_req *r,
		       long res)
{
	if (!(UMK_READ_ONCE(f->flags) & UMK_IO_FD_STREAM) || res < 0)
		return false;
	switch (r->op) {
	case UMK_IO_OP_READ:
	case UMK_IO_OP_READV:
		return res > 0 && (size_t)res < io_req_total(r);
	case UMK_IO_OP_WRITE:
	case UMK_IO_OP_WRITEV:
		return (size_t)res < io_req_total(r);
	default:
		return false;
	}
}

/* Queue r and wait for its completion (completion backend). */
static long io_queue_wait(struct io_fd *f, unsigned int gen,
			  struct umk_io_req *r, unsigned long long deadline)
{
	struct umk_wait_queue_head wq;
	long res;
	int err;

	umk_wait_queue_init(&wq);
	io_req_queue_init(r, &wq);
	__atomic_fetch_add(&f->inflight, 1, __ATOMIC_SEQ_CST);
	res = umk_arch_io_start(r);
	if (res == UMK_IO_QUEUED) {
		err = io_wait_done(r, deadline);
		res = r->res;
		if (res == -UMK_ECANCELED || res == -UMK_EINTR)
			res = err ? err : -UMK_ECANCELED;
	}
	__atomic_fetch_sub(&f->inflight, 1, __ATOMIC_SEQ_CST);
	if (res < 0 && io_fd_closed_since(f, gen))
		return -UMK_EBADF;
	return res;
}

/*
 * Completion backend. The host may still answer EAGAIN (io_uring does
 * for a write on a non-blocking socket it cannot arm a poll for, e.g.
 * while a read on it is pending): then wait for readiness with a queued
 * poll and try again; both ride in the same batches.
 */
static long io_do_queued(struct io_fd *f, unsigned int gen,
			 struct umk_io_req *r, unsigned int dir,
			 unsigned long long deadline)
{
	for (;;) {
		struct umk_io_req poll = {
			.op = UMK_IO_OP_POLL,
			.fd = r->fd,
			.events = dir == IO_RD ? UMK_POLLIN : UMK_POLLOUT,
		};
		long res = io_queue_wait(f, gen, r, deadline);

		if (res != -UMK_EAGAIN)
			return res;
		res = io_queue_wait(f, gen, &poll, deadline);
		if (res < 0)
			return res;
	}
}

/* Run r to completion on fd's behalf; dir is IO_RD or IO_WR. */
static long io_do(struct umk_io_req *r, unsigned int dir, long long timeout_ns)
{
	unsigned long long deadline = io_deadline(timeout_ns);
	unsigned int gen;
	struct io_fd *f = io_fd_get(r->fd, &gen);
	long res;
	int err;

	if (!f)
		return -UMK_EBADF;
	io_stat_inc(&io_stats_this()->ops);
	if (!UMK_ARCH_IO_READINESS)
		return io_do_queued(f, gen, r, dir, deadline);
	for (;;) {
		if (__atomic_load_n(&f->ready, __ATOMIC_ACQUIRE) &
		    io_ready_mask(dir)) {
			__atomic_fetch_and(&f->ready, ~dir, __ATOMIC_SEQ_CST);
			res = umk_arch_io_start(r);
			if (res != -UMK_EAGAIN) {
				if (!io_drained(f, r, res))
					__atomic_fetch_or(&f->ready, dir,
							  __ATOMIC_SEQ_CST);
				return res;
			}
		}
		err = umk_arch_io_prewait(&f->arch);
		if (!err)
			err = io_wait_ready(f, gen, dir, deadline);
		if (err)
			return err;
	}
}

/* ---- Reading and writing ---- */

static unsigned int io_op_dir(int op)
{
	return op == UMK_IO_OP_READ || op == UMK_IO_OP_READV ? IO_RD : IO_WR;
}

/* One read or write (op UMK_IO_OP_READ or WRITE) of n bytes at buf. */
static long io_buf(int op, int fd, const void *buf, size_t n,
		   long long timeout_ns)
{
	struct umk_io_req r = { .op = op, .fd = fd, .buf = (void *)buf,
				.len = n };
	return io_do(&r, io_op_dir(op), timeout_ns);
}

/* The same through iovcnt buffers (op UMK_IO_OP_READV or WRITEV). */
static long io_vec(int op, int fd, const struct umk_iovec *iov, int iovcnt,
		   long long timeout_ns)
{
	struct umk_io_req r = { .op = op, .fd = fd, .iov = iov,
				.len = (size_t)iovcnt };
	if (iovcnt < 0)
		return -UMK_EINVAL;
	return io_do(&r, io_op_dir(op), timeout_ns);
}

long umk_read_timeout(int fd, void *buf, size_t n, long long timeout_ns)
{
	return io_buf(UMK_IO_OP_READ, fd, buf, n, timeout_ns);
}

long umk_read(int fd, void *buf, size_t n)
{
	return umk_read_timeout(fd, buf, n, UMK_IO_FOREVER);
}

long umk_readv_timeout(int fd, const struct umk_iovec *iov, int iovcnt,
		       long long timeout_ns)
{
	return io_vec(UMK_IO_OP_READV, fd, iov, iovcnt, timeout_ns);
}

long umk_readv(int fd, const struct umk_iovec *iov, int iovcnt)
{
	return umk_readv_timeout(fd, iov, iovcnt, UMK_IO_FOREVER);
}

long umk_write_timeout(int fd, const void *buf, size_t n, long long timeout_ns)
{
	return io_buf(UMK_IO_OP_WRITE, fd, buf, n, timeout_ns);
}

long umk_write(int fd, const void *buf, size_t n)
{
	return umk_write_timeout(fd, buf, n, UMK_IO_FOREVER);
}

long umk_writev_timeout(int fd, const struct umk_iovec *iov, int iovcnt,
			long long timeout_ns)
{
	return io_vec(UMK_IO_OP_WRITEV, fd, iov, iovcnt, timeout_ns);
}

long umk_writev(int fd, const struct umk_iovec *iov, int iovcnt)
{
	return umk_writev_timeout(fd, iov, iovcnt, UMK_IO_FOREVER);
}

long umk_write_all_timeout(int fd, const void *buf, size_t n,
			   long long timeout_ns)
{
	unsigned long long deadline = io_deadline(timeout_ns);
	const char *p = buf;
	size_t done = 0;

	while (done < n) {
		long long left = io_left(deadline);
		long res;

		if (left == 0)
			return -UMK_ETIMEDOUT;
		res = umk_write_timeout(fd, p + done, n - done, left);
		if (res < 0)
			return res;
		done += (size_t)res;
	}
	return (long)n;
}

long umk_write_all(int fd, const void *buf, size_t n)
{
	return umk_write_all_timeout(fd, buf, n, UMK_IO_FOREVER);
}

/* ---- Connections ---- */

int umk_accept_timeout(int fd, void *addr, unsigned int *addrlen,
		       long long timeout_ns)
{
	struct umk_io_req r = { .op = UMK_IO_OP_ACCEPT, .fd = fd,
				.addr = addr, .addrlen = addrlen };
	struct io_fd *f = io_fd_lookup(fd);
	long res = io_do(&r, IO_RD, timeout_ns);

	if (res < 0)
		return (int)res;
	return io_adopt_new((int)res,
			    f ? UMK_READ_ONCE(f->flags) & UMK_IO_FD_STREAM : 0);
}

int umk_accept(int fd, void *addr, unsigned int *addrlen)
{
	return umk_accept_timeout(fd, addr, addrlen, UMK_IO_FOREVER);
}

int umk_connect_timeout(int fd, const void *addr, unsigned int addrlen,
			long long timeout_ns)
{
	struct umk_io_req r = { .op = UMK_IO_OP_CONNECT, .fd = fd,
				.addr = (void *)addr, .addrlen_in = addrlen };
	return (int)io_do(&r, IO_WR, timeout_ns);
}

int umk_connect(int fd, const void *addr, unsigned int addrlen)
{
	return umk_connect_timeout(fd, addr, addrlen, UMK_IO_FOREVER);
}

/* ---- Multi-wait ---- */

#define IO_POLL_STACK 8
#define IO_POLL_ALWAYS (UMK_POLLERR | UMK_POLLHUP | UMK_POLLNVAL)

/* Mark unregistered fds POLLNVAL; returns how many. */
static int io_poll_nval(struct umk_pollfd *fds, unsigned int n)
{
	unsigned int i, gen;
	int nval = 0;

	for (i = 0; i < n; i++) {
		fds[i].revents = 0;
		if (fds[i].fd >= 0 && !io_fd_get(fds[i].fd, &gen)) {
			fds[i].revents = UMK_POLLNVAL;
			nval++;
		}
	}
	return nval;
}

/* A host poll now; unregistered fds stay POLLNVAL. */
static int io_poll_look(struct umk_pollfd *fds, unsigned int n)
{
	unsigned int i, gen;
	int res = umk_host_io_poll_now(fds, n);

	if (res < 0)
		return res;
	res = 0;
	for (i = 0; i < n; i++) {
		if (fds[i].fd >= 0 && !io_fd_get(fds[i].fd, &gen))
			fds[i].revents = UMK_POLLNVAL;
		if (fds[i].revents)
			res++;
	}
	return res;
}

/* One fd of a readiness umk_poll: queued on both of its wait queues. */
struct io_poll_wait {
	struct umk_wait_entry r, w;
	unsigned int want; /* IO_RD | IO_WR */
};

static bool io_poll_any(struct io_fd **fs, const struct io_poll_wait *ws,
			const unsigned int *gens, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (fs[i] && ((io_ready_fenced(fs[i]) &
			       io_ready_mask(ws[i].want)) ||
			      io_fd_closed_since(fs[i], gens[i])))
			return true;
	return false;
}

/* Sleep until one of the fds may be ready; false on timeout. */
static bool io_poll_sleep(struct io_fd **fs, struct io_poll_wait *ws,
			  const unsigned int *gens, unsigned int n,
			  unsigned long long deadline)
{
	bool ready;
	unsigned int i;

	for (i = 0; i < n; i++)
		ws[i].r = ws[i].w = (struct umk_wait_entry)UMK_WAIT_ENTRY_INIT;
	io_stat_inc(&io_stats_this()->sleeps);
	for (;;) {
		long long left;

		for (i = 0; i < n; i++) {
			if (!fs[i])
				continue;
			umk_prepare_to_wait(&fs[i]->rwq, &ws[i].r);
			umk_prepare_to_wait(&fs[i]->wwq, &ws[i].w);
		}
		ready = io_poll_any(fs, ws, gens, n);
		left = io_left(deadline);
		if (ready || left == 0)
			break;
		umk_schedule_timeout(left);
	}
	for (i = 0; i < n; i++) {
		if (!fs[i])
			continue;
		umk_finish_wait(&fs[i]->rwq, &ws[i].r);
		umk_finish_wait(&fs[i]->wwq, &ws[i].w);
	}
	return ready;
}

/*
 * Readiness backend: clear the bits we look at, ask the host, and if
 * nothing is ready sleep until an edge sets one of them (or a close).
 */
static int io_poll_ready(struct umk_pollfd *fds, unsigned int n,
			 unsigned long long deadline, struct io_poll_wait *ws,
			 unsigned int *gens, struct io_fd **fs)
{
	unsigned int i;
	int res;

	for (;;) {
		for (i = 0; i < n; i++) {
			fs[i] = fds[i].fd < 0 ? NULL :
				io_fd_get(fds[i].fd, &gens[i]);
			ws[i].want = io_events_to_bits(fds[i].events) &
				     (IO_RD | IO_WR);
			if (fs[i])
				__atomic_fetch_and(&fs[i]->ready, ~ws[i].want,
						   __ATOMIC_SEQ_CST);
		}
		res = io_poll_look(fds, n);
		for (i = 0; i < n; i++)
			if (fs[i] && fds[i].revents)
				__atomic_fetch_or(&fs[i]->ready,
						  io_events_to_bits(fds[i].revents),
						  __ATOMIC_SEQ_CST);
		if (res != 0 || io_left(deadline) == 0)
			return res;
		for (i = 0; i < n; i++) {
			int err = fs[i] ? umk_arch_io_prewait(&fs[i]->arch) : 0;

			if (err)
				return err;
		}
		if (!io_poll_sleep(fs, ws, gens, n, deadline))
			return 0;
	}
}

/*
 * Completion backend: one poll request per fd; the first completion
 * wakes us, the rest are cancelled and collected.
 */
static int io_poll_queued(struct umk_pollfd *fds, unsigned int n,
			  unsigned long long deadline, struct umk_io_req *rs)
{
	struct umk_wait_queue_head wq;
	unsigned int i, gen;
	int res = 0;
	long started;

	umk_wait_queue_init(&wq);
	for (i = 0; i < n; i++) {
		struct umk_io_req *r = &rs[i];

		umk_memset(r, 0, sizeof(*r));
		r->op = UMK_IO_OP_POLL;
		r->fd = fds[i].fd;
		r->events = (unsigned short)fds[i].events;
		io_req_queue_init(r, &wq);
		r->done = 2; /* nothing queued */
		if (r->fd < 0 || !io_fd_get(r->fd, &gen))
			continue;
		r->done = 0;
		started = umk_arch_io_start(r);
		if (started != UMK_IO_QUEUED) {
			r->res = started;
			r->done = 2;
		}
	}
	io_stat_inc(&io_stats_this()->sleeps);
	umk_wait_event_timeout(wq, ({
		bool umk__any = false;
		for (i = 0; i < n && !umk__any; i++)
			umk__any = rs[i].fd >= 0 && UMK_READ_ONCE(rs[i].done);
		umk__any;
	}), io_left(deadline));
	for (i = 0; i < n; i++)
		if (!UMK_READ_ONCE(rs[i].done))
			umk_arch_io_cancel(&rs[i]);
	for (i = 0; i < n; i++) {
		umk_wait_event(wq, UMK_READ_ONCE(rs[i].done) != 0);
		io_req_settle(&rs[i]);
		if (rs[i].res > 0)
			fds[i].revents = (short)rs[i].res;
		else if (rs[i].res < 0 && rs[i].res != -UMK_ECANCELED)
			fds[i].revents = UMK_POLLERR;
		if (fds[i].revents)
			res++;
	}
	return res;
}

int umk_poll(struct umk_pollfd *fds, unsigned int n, long long timeout_ns)
{
	unsigned long long deadline = io_deadline(timeout_ns);
	struct io_poll_wait ws_stack[IO_POLL_STACK];
	unsigned int gens_stack[IO_POLL_STACK];
	struct io_fd *fs_stack[IO_POLL_STACK];
	struct umk_io_req rs_stack[UMK_ARCH_IO_READINESS ? 1 : IO_POLL_STACK];
	void *mem = NULL;
	int res;

	io_stat_inc(&io_stats_this()->ops);
	if (timeout_ns == 0 || io_poll_nval(fds, n))
		return io_poll_look(fds, n);
	if (UMK_ARCH_IO_READINESS) {
		struct io_poll_wait *ws = ws_stack;
		unsigned int *gens = gens_stack;
		struct io_fd **fs = fs_stack;

		if (n > IO_POLL_STACK) {
			mem = umk_kmalloc(n * (sizeof(*ws) + sizeof(*gens) +
					       sizeof(*fs)));
			if (!mem)
				return -UMK_ENOMEM;
			ws = mem;
			fs = (struct io_fd **)(ws + n);
			gens = (unsigned int *)(fs + n);
		}
		res = io_poll_ready(fds, n, deadline, ws, gens, fs);
	} else {
		struct umk_io_req *rs = rs_stack;

		if (n > UMK_ARRAY_SIZE(rs_stack)) {
			mem = umk_kmalloc(n * sizeof(*rs));
			if (!mem)
				return -UMK_ENOMEM;
			rs = mem;
		}
		res = io_poll_queued(fds, n, deadline, rs);
	}
	umk_kfree(mem);
	return res;
}

/* ---- Pipes and sockets ---- */

/* Adopt both fds the host just made (err: its result), or close them. */
static int io_adopt_pair(int err, int fds[2], unsigned int flags)
{
	if (err)
		return err;
	err = io_adopt_new(fds[0], flags);
	if (err < 0) {
		umk_host_io_close(fds[1]);
		return err;
	}
	err = io_adopt_new(fds[1], flags);
	if (err < 0) {
		umk_close(fds[0]);
		return err;
	}
	return 0;
}

int umk_pipe(int fds[2])
{
	return io_adopt_pair(umk_host_io_pipe(fds), fds, UMK_IO_FD_STREAM);
}

int umk_socketpair(int type, int fds[2])
{
	unsigned int flags = type == UMK_SOCK_STREAM ? UMK_IO_FD_STREAM : 0;

	return io_adopt_pair(umk_host_io_socketpair(type, fds), fds, flags);
}

int umk_socket(int domain, int type, int protocol)
{
	int fd = umk_host_io_socket(domain, type, protocol);

	if (fd < 0)
		return fd;
	return io_adopt_new(fd, type == UMK_SOCK_STREAM ? UMK_IO_FD_STREAM : 0);
}

/* The simple socket calls need a registered fd, like the blocking ones. */
static bool io_fd_ok(int fd)
{
	unsigned int gen;

	return io_fd_get(fd, &gen) != NULL;
}

int umk_bind(int fd, const void *addr, unsigned int addrlen)
{
	return io_fd_ok(fd) ? umk_host_io_bind(fd, addr, addrlen) : -UMK_EBADF;
}

int umk_listen(int fd, int backlog)
{
	return io_fd_ok(fd) ? umk_host_io_listen(fd, backlog) : -UMK_EBADF;
}

int umk_shutdown(int fd, int how)
{
	return io_fd_ok(fd) ? umk_host_io_shutdown(fd, how) : -UMK_EBADF;
}

int umk_setsockopt(int fd, int level, int name, const void *val,
		   unsigned int len)
{
	if (!io_fd_ok(fd))
		return -UMK_EBADF;
	return umk_host_io_setsockopt(fd, level, name, val, len);
}

int umk_getsockname(int fd, void *addr, unsigned int *addrlen)
{
	if (!io_fd_ok(fd))
		return -UMK_EBADF;
	return umk_host_io_getsockname(fd, addr, addrlen);
}

int umk_sock_port(int fd)
{
	return io_fd_ok(fd) ? umk_host_io_sock_port(fd) : -UMK_EBADF;
}

int umk_tcp_nodelay(int fd, bool on)
{
	return io_fd_ok(fd) ? umk_host_io_tcp_nodelay(fd, on) : -UMK_EBADF;
}

int umk_tcp_listen(const char *ip, int port, int backlog)
{
	unsigned long long addr[16];
	int family, len, fd, err, one = 1;

	len = umk_host_io_inet_addr(ip, port, addr, &family);
	if (len < 0)
		return len;
	fd = umk_socket(family, UMK_SOCK_STREAM, 0);
	if (fd < 0)
		return fd;
	err = umk_setsockopt(fd, 1 /* SOL_SOCKET */, 2 /* SO_REUSEADDR */,
			     &one, sizeof(one));
	if (!err)
		err = umk_bind(fd, addr, (unsigned int)len);
	if (!err)
		err = umk_listen(fd, backlog);
	if (err) {
		umk_close(fd);
		return err;
	}
	return fd;
}

int umk_tcp_connect(const char *ip, int port, long long timeout_ns)
{
	unsigned long long addr[16];
	int family, len, fd, err;

	len = umk_host_io_inet_addr(ip, port, addr, &family);
	if (len < 0)
		return len;
	fd = umk_socket(family, UMK_SOCK_STREAM, 0);
	if (fd < 0)
		return fd;
	err = umk_connect_timeout(fd, addr, (unsigned int)len, timeout_ns);
	if (err) {
		umk_close(fd);
		return err;
	}
	return fd;
}

/* ---- Statistics ---- */

void umk_io_stats(struct umk_io_stats *st)
{
	unsigned int c;

	umk_memset(st, 0, sizeof(*st));
	for (c = 0; c < UMK_NR_CPUS; c++) {
		st->ops += UMK_READ_ONCE(io_stats_cpu[c].ops);
		st->sleeps += UMK_READ_ONCE(io_stats_cpu[c].sleeps);
		st->events += UMK_READ_ONCE(io_stats_cpu[c].events);
	}
	st->host_calls = umk_arch_io_host_calls();
	st->submits = umk_arch_io_submits();
	st->open_fds = (unsigned int)__atomic_load_n(&io_open_fds,
						     __ATOMIC_RELAXED);
}

const char *umk_io_backend(void)
{
	return umk_arch_io_name();
}
