/*
 * Blocking I/O for tasks over host file descriptors.
 *
 * Every call here blocks the calling TASK, never the host thread: when
 * the host would say EAGAIN, the task sleeps until the fd's IRQ fires
 * (epoll backend) or its queued operation completes (io_uring backend),
 * and other tasks run meanwhile. Task context only.
 *
 * An fd must be known to the I/O layer before it is used: the calls that
 * create fds (umk_socket, umk_accept, umk_pipe, umk_socketpair,
 * umk_tcp_listen, umk_tcp_connect) register them; a host fd made
 * elsewhere is adopted with umk_fd_register. Registered fds are
 * non-blocking on the host (epoll backend: added once, edge-triggered,
 * to the epoll of the CPU whose task first waits on them) and must be
 * closed with umk_close. Using an fd that is not registered gives
 * -UMK_EBADF.
 *
 * Errors are -UMK_Exxx (host errno values, see <umk/errno.h>). Every
 * blocking call has a _timeout variant taking a relative timeout in ns
 * (UMK_IO_FOREVER or any negative value: none) that returns
 * -UMK_ETIMEDOUT when it passes; when a timed-out call had already moved
 * data, it returns that count instead. If another task closes the fd,
 * blocked calls on it return -UMK_EBADF.
 *
 * Addresses are the host's struct sockaddr bytes, passed opaquely
 * (addr, addrlen), so this header needs no host headers; the umk_tcp_*
 * helpers cover the common IPv4/IPv6 TCP cases with text addresses.
 */
#ifndef UMK_IO_H
#define UMK_IO_H

#include <umk/compiler.h>

#define UMK_IO_FOREVER (-1LL)

/* Poll events (the host's values). */
#define UMK_POLLIN 0x001
#define UMK_POLLPRI 0x002
#define UMK_POLLOUT 0x004
#define UMK_POLLERR 0x008
#define UMK_POLLHUP 0x010
#define UMK_POLLNVAL 0x020
#define UMK_POLLRDHUP 0x2000

/* Socket constants (the host's values). */
#define UMK_AF_UNIX 1
#define UMK_AF_INET 2
#define UMK_AF_INET6 10
#define UMK_SOCK_STREAM 1
#define UMK_SOCK_DGRAM 2
#define UMK_SOCK_SEQPACKET 5
#define UMK_SHUT_RD 0
#define UMK_SHUT_WR 1
#define UMK_SHUT_RDWR 2

/* Same layout as the host's struct iovec. */
struct umk_iovec {
	void *base;
	size_t len;
};

/* Same layout as the host's struct pollfd. */
struct umk_pollfd {
	int fd;
	short events;  /* UMK_POLLIN | UMK_POLLOUT | ... */
	short revents; /* filled in; ERR, HUP, NVAL are always reported */
};

/* ---- Registration ---- */

/*
 * Adopt a host fd made outside umk: set it O_NONBLOCK and make it known
 * to the I/O layer. 0 or -UMK_EBADF / -UMK_ENOMEM.
 * Registering an fd twice is -UMK_EEXIST.
 */
int umk_fd_register(int fd);
/*
 * Deregister and close fd. Tasks blocked on it wake with -UMK_EBADF.
 * Returns 0, or -UMK_EBADF when fd was not registered.
 */
int umk_close(int fd);

/* ---- Reading and writing ---- */

/*
 * Read up to n bytes: blocks until at least one byte (or EOF) is there.
 * Returns the count, 0 at end of file, or -UMK_Exxx (e.g. ECONNRESET).
 */
long umk_read(int fd, void *buf, size_t n);
long umk_read_timeout(int fd, void *buf, size_t n, long long timeout_ns);
long umk_readv(int fd, const struct umk_iovec *iov, int iovcnt);
long umk_readv_timeout(int fd, const struct umk_iovec *iov, int iovcnt,
		       long long timeout_ns);

/*
 * Write up to n bytes: blocks until at least one byte can be written and
 * returns how many were (possibly fewer than n). -UMK_EPIPE when the
 * peer is gone (the host's SIGPIPE is ignored by the arch layer).
 */
long umk_write(int fd, const void *buf, size_t n);
long umk_write_timeout(int fd, const void *buf, size_t n,
		       long long timeout_ns);
long umk_writev(int fd, const struct umk_iovec *iov, int iovcnt);
long umk_writev_timeout(int fd, const struct umk_iovec *iov, int iovcnt,
			long long timeout_ns);
/*
 * Write all n bytes, blocking as often as needed. Returns n, or
 * -UMK_Exxx (an unknown prefix may have been written). The timeout
 * covers the whole call; on timeout the count written so far is lost
 * and -UMK_ETIMEDOUT returned.
 */
long umk_write_all(int fd, const void *buf, size_t n);
long umk_write_all_timeout(int fd, const void *buf, size_t n,
			   long long timeout_ns);

/*
 * Wait until any of the n fds has one of its events, or timeout_ns
 * passes (0: just look). Returns the number of fds with revents set, 0
 * on timeout, or -UMK_Exxx. Unregistered fds get UMK_POLLNVAL.
 */
int umk_poll(struct umk_pollfd *fds, unsigned int n, long long timeout_ns);

/* ---- Pipes and sockets (created non-blocking and registered) ---- */

/* fds[0] reads, fds[1] writes. */
int umk_pipe(int fds[2]);
/* A connected AF_UNIX pair of the given type (UMK_SOCK_STREAM ...). */
int umk_socketpair(int type, int fds[2]);
/* A new socket: fd or -UMK_Exxx. */
int umk_socket(int domain, int type, int protocol);
int umk_bind(int fd, const void *addr, unsigned int addrlen);
int umk_listen(int fd, int backlog);
int umk_shutdown(int fd, int how);
int umk_setsockopt(int fd, int level, int name, const void *val,
		   unsigned int len);
/* Local address of a socket; *addrlen in: buffer size, out: length. */
int umk_getsockname(int fd, void *addr, unsigned int *addrlen);

/*
 * Accept a connection: the new fd (non-blocking, registered) or
 * -UMK_Exxx. addr/addrlen may be NULL; else as for the host's accept.
 */
int umk_accept(int fd, void *addr, unsigned int *addrlen);
int umk_accept_timeout(int fd, void *addr, unsigned int *addrlen,
		       long long timeout_ns);
/* Connect and block until connected: 0 or -UMK_ECONNREFUSED etc. */
int umk_connect(int fd, const void *addr, unsigned int addrlen);
int umk_connect_timeout(int fd, const void *addr, unsigned int addrlen,
			long long timeout_ns);

/*
 * TCP helpers with text addresses ("127.0.0.1", "::1"; NULL or "" means
 * any IPv4 address). umk_tcp_listen sets SO_REUSEADDR; port 0 picks an
 * ephemeral port, which umk_sock_port reads back.
 */
int umk_tcp_listen(const char *ip, int port, int backlog);
int umk_tcp_connect(const char *ip, int port, long long timeout_ns);
/* Local port of a bound socket, or -UMK_Exxx. */
int umk_sock_port(int fd);
/* TCP_NODELAY on (true) or off. */
int umk_tcp_nodelay(int fd, bool on);

/* ---- Statistics ---- */

struct umk_io_stats {
	unsigned long long ops;        /* read/write/accept/... calls */
	unsigned long long host_calls; /* host system calls made for them */
	unsigned long long sleeps;     /* times a task blocked */
	unsigned long long events;     /* fd readiness IRQs / completions */
	unsigned long long submits;    /* io_uring_enter calls (io_uring) */
	unsigned int open_fds;         /* registered fds now */
};
void umk_io_stats(struct umk_io_stats *st);
/* "epoll" or "io_uring". */
const char *umk_io_backend(void);

#endif
