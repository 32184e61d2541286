/*
 * The I/O contract between the generic core (core/io.c) and a host I/O
 * backend (arch/um/io_epoll.c or arch/um/io_uring.c, one per build), with
 * the host helpers they share (arch/um/io_host.c).
 *
 * The core owns what the host does not know about: per-fd wait lists,
 * readiness flags, timeouts and which task sleeps. A backend turns one
 * operation into host calls and reports back in one of two ways:
 *
 *  - readiness (epoll): umk_arch_io_start() makes the system call at
 *    once and returns its result; -UMK_EAGAIN makes the core sleep until
 *    umk_io_event() says the fd changed, then retry.
 *  - completion (io_uring): umk_arch_io_start() queues the operation and
 *    returns UMK_IO_QUEUED; the backend later calls umk_io_complete()
 *    from IRQ context with the result. A queued request stays owned by
 *    the backend (its buffers too) until then; umk_arch_io_cancel() asks
 *    for an early completion but does not wait for it.
 */
#ifndef UMK_ARCH_IO_H
#define UMK_ARCH_IO_H

#include <umk/config.h>
#include <umk/compiler.h>
#include <umk/io.h>
#include <umk/wait.h>

#ifdef CONFIG_IO_URING
#define UMK_ARCH_IO_READINESS 0
#else
#define UMK_ARCH_IO_READINESS 1
#endif

/* umk_arch_io_start(): the backend will call umk_io_complete() later. */
#define UMK_IO_QUEUED (-4096L)

enum umk_io_op {
	UMK_IO_OP_READ,    /* buf, len */
	UMK_IO_OP_WRITE,   /* buf, len */
	UMK_IO_OP_READV,   /* iov, len = iovcnt */
	UMK_IO_OP_WRITEV,  /* iov, len = iovcnt */
	UMK_IO_OP_ACCEPT,  /* addr, addrlen (may be NULL); result: new fd */
	UMK_IO_OP_CONNECT, /* addr, addrlen_in */
	UMK_IO_OP_POLL,    /* events; result: revents (completion only) */
};

struct umk_io_req {
	int op;
	int fd;
	union {
		void *buf;
		const struct umk_iovec *iov;
	};
	size_t len;
	void *addr;
	unsigned int *addrlen;
	unsigned int addrlen_in;
	unsigned int events;
	/* Completion backends only. */
	volatile long res;
	volatile int done;
	int cancelled;
	struct umk_wait_queue_head *wq; /* woken by umk_io_complete */
	void *ring;                     /* where it was queued */
};

/*
 * What a backend keeps per registered fd, embedded in the core's per-fd
 * structure (which never moves or goes away, so the epoll registration
 * can point into it).
 */
#if UMK_ARCH_IO_READINESS
#include "arch/um/hostirq.h"
struct umk_arch_io_fd {
	struct umk_hostirq hirq;
	int fd;
	int armed; /* 0: not in an epoll yet, 1: being added, 2: added */
};
#else
struct umk_arch_io_fd {
	int unused;
};
#endif

/* Flags of a registered fd (umk_arch_io_register). */
#define UMK_IO_FD_STREAM 0x1 /* short read = drained, short write = full */
#define UMK_IO_FD_KNOWN 0x2  /* in: the type flags are already known */

/* ---- Backend (io_epoll.c or io_uring.c) ---- */

UMK_INTERNAL const char *umk_arch_io_name(void);
/* Try (readiness) or queue (completion) an operation; see above. */
UMK_INTERNAL long umk_arch_io_start(struct umk_io_req *r);
/* Completion backends: ask for r to complete soon (with -ECANCELED). */
UMK_INTERNAL void umk_arch_io_cancel(struct umk_io_req *r);
/*
 * Prepare fd for use: non-blocking, registered with this CPU's event
 * source. *flags in: UMK_IO_FD_KNOWN and the type if known, out: type.
 */
UMK_INTERNAL int umk_arch_io_register(int fd, unsigned int *flags,
				      struct umk_arch_io_fd *afd);
/*
 * Readiness backends: called before a task sleeps waiting for fd. The
 * first call adds fd to the calling CPU's epoll, so an fd's IRQs go to
 * the CPU of the task that first waited for it (and an fd that never
 * has to wait costs no epoll_ctl). Completion backends: nothing.
 */
UMK_INTERNAL int umk_arch_io_prewait(struct umk_arch_io_fd *afd);
/*
 * Deregister and close fd on the host. inflight: queued requests on it
 * exist and must be cancelled (they then complete via umk_io_complete).
 */
UMK_INTERNAL int umk_arch_io_close(int fd, struct umk_arch_io_fd *afd,
				   bool inflight);
/*
 * Completion backends: submit what is queued on this CPU and hand over
 * what completed. The arch idle loop calls it before it blocks (idle
 * true) and returns at once when it returns true (requests completed, so
 * tasks may have woken); scheduling-point polls may call it with idle
 * false. Readiness backends: a no-op returning false.
 */
UMK_INTERNAL bool umk_arch_io_flush(bool idle);
/* Host calls made and io_uring_enter calls so far (statistics). */
UMK_INTERNAL unsigned long long umk_arch_io_host_calls(void);
UMK_INTERNAL unsigned long long umk_arch_io_submits(void);

/* ---- Host helpers shared by both backends (io_host.c) ---- */

/* The system calls themselves, non-blocking: result or -errno. */
UMK_INTERNAL long umk_host_io_rw(struct umk_io_req *r);
/* Host poll() with a zero timeout over fds; result as poll(). */
UMK_INTERNAL int umk_host_io_poll_now(struct umk_pollfd *fds, unsigned int n);
/* Set O_NONBLOCK and find the type (stream or not). */
UMK_INTERNAL int umk_host_io_prepare(int fd, unsigned int *flags);
UMK_INTERNAL int umk_host_io_close(int fd);
UMK_INTERNAL int umk_host_io_pipe(int fds[2]);
UMK_INTERNAL int umk_host_io_socketpair(int type, int fds[2]);
UMK_INTERNAL int umk_host_io_socket(int domain, int type, int protocol);
UMK_INTERNAL int umk_host_io_bind(int fd, const void *addr, unsigned int len);
UMK_INTERNAL int umk_host_io_listen(int fd, int backlog);
UMK_INTERNAL int umk_host_io_shutdown(int fd, int how);
UMK_INTERNAL int umk_host_io_setsockopt(int fd, int level, int name,
					const void *val, unsigned int len);
UMK_INTERNAL int umk_host_io_getsockname(int fd, void *addr,
					 unsigned int *len);
UMK_INTERNAL int umk_host_io_tcp_nodelay(int fd, bool on);
UMK_INTERNAL int umk_host_io_sock_port(int fd);
/*
 * Build a sockaddr for ip:port into addr (at least 128 bytes); returns
 * its length and the family in *family, or -UMK_EINVAL.
 */
UMK_INTERNAL int umk_host_io_inet_addr(const char *ip, int port, void *addr,
				       int *family);
/* Count n host calls on this CPU; total over all CPUs. */
UMK_INTERNAL void umk_host_io_count(unsigned int n);
UMK_INTERNAL unsigned long long umk_host_io_calls_total(void);

/* ---- Calls from the backend into the core (IRQ context) ---- */

/* Host readiness for fd (UMK_POLL* bits): wake whoever waits for it. */
UMK_INTERNAL void umk_io_event(int fd, unsigned int events);
/* A queued request finished with res (bytes, fd, revents or -errno). */
UMK_INTERNAL void umk_io_complete(struct umk_io_req *r, long res);

#endif
