/*
 * Host side of the I/O layer shared by both backends: the non-blocking
 * system calls themselves, fd preparation, and the socket helpers whose
 * host types (struct sockaddr_in, socklen_t) the freestanding core must
 * not see. Every function returns a result or a negative host errno,
 * which is also the UMK errno (include/umk/errno.h uses Linux's values).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <umk/cpu.h>
#include <umk/init.h>
#include "arch/um/io.h"

UMK_STATIC_ASSERT(sizeof(struct umk_iovec) == sizeof(struct iovec) &&
			  offsetof(struct umk_iovec, len) ==
				  offsetof(struct iovec, iov_len),
		  "struct umk_iovec must match struct iovec");
UMK_STATIC_ASSERT(sizeof(struct umk_pollfd) == sizeof(struct pollfd),
		  "struct umk_pollfd must match struct pollfd");
UMK_STATIC_ASSERT(UMK_POLLIN == POLLIN && UMK_POLLOUT == POLLOUT &&
			  UMK_POLLERR == POLLERR && UMK_POLLHUP == POLLHUP &&
			  UMK_POLLNVAL == POLLNVAL &&
			  UMK_POLLRDHUP == POLLRDHUP,
		  "UMK_POLL* must equal the host's POLL*");
UMK_STATIC_ASSERT(UMK_AF_INET == AF_INET && UMK_AF_INET6 == AF_INET6 &&
			  UMK_AF_UNIX == AF_UNIX &&
			  UMK_SOCK_STREAM == SOCK_STREAM &&
			  UMK_SOCK_DGRAM == SOCK_DGRAM &&
			  UMK_SOCK_SEQPACKET == SOCK_SEQPACKET,
		  "UMK_AF_* / UMK_SOCK_* must equal the host's");
UMK_STATIC_ASSERT(UMK_SHUT_RD == SHUT_RD && UMK_SHUT_WR == SHUT_WR &&
			  UMK_SHUT_RDWR == SHUT_RDWR,
		  "UMK_SHUT_* must equal the host's");

/* Per-CPU count of host calls, one cache line each (statistics only). */
static struct {
	unsigned long long n;
} UMK_ALIGNED(UMK_CACHELINE) iohost_calls[UMK_NR_CPUS];

UMK_INTERNAL void umk_host_io_count(unsigned int n)
{
	/* Atomic: a preempted caller may count on a CPU it has just left. */
	__atomic_fetch_add(&iohost_calls[umk_smp_processor_id()].n, n,
			   __ATOMIC_RELAXED);
}

UMK_INTERNAL unsigned long long umk_host_io_calls_total(void)
{
	unsigned long long sum = 0;
	unsigned int c;

	for (c = 0; c < UMK_NR_CPUS; c++)
		sum += UMK_READ_ONCE(iohost_calls[c].n);
	return sum;
}

static long iohost_ret(long res)
{
	umk_host_io_count(1);
	return res < 0 ? -errno : res;
}

UMK_INTERNAL long umk_host_io_rw(struct umk_io_req *r)
{
	switch (r->op) {
	case UMK_IO_OP_READ:
		return iohost_ret(read(r->fd, r->buf, r->len));
	case UMK_IO_OP_WRITE:
		return iohost_ret(write(r->fd, r->buf, r->len));
	case UMK_IO_OP_READV:
		return iohost_ret(readv(r->fd, (const struct iovec *)r->iov,
					(int)r->len));
	case UMK_IO_OP_WRITEV:
		return iohost_ret(writev(r->fd, (const struct iovec *)r->iov,
					 (int)r->len));
	case UMK_IO_OP_ACCEPT:
		return iohost_ret(accept4(r->fd, r->addr, (socklen_t *)r->addrlen,
					  SOCK_NONBLOCK | SOCK_CLOEXEC));
	case UMK_IO_OP_CONNECT: {
		/*
		 * Repeating connect() is how Linux reports a non-blocking
		 * connect: EINPROGRESS / EALREADY while it is under way,
		 * 0 once connected, the error once it failed.
		 */
		long res = iohost_ret(connect(r->fd, r->addr, r->addrlen_in));

		if (res == -EINPROGRESS || res == -EALREADY)
			return -EAGAIN;
		return res == -EISCONN ? 0 : res;
	}
	default:
		return -EINVAL;
	}
}

UMK_INTERNAL int umk_host_io_poll_now(struct umk_pollfd *fds, unsigned int n)
{
	int res;

	/*
	 * poll(2) is never restarted after a signal handler, SA_RESTART or
	 * not: the preemption tick landing in it made a zero-timeout
	 * umk_poll fail with EINTR (seen under qemu-user, where it is slow).
	 */
	do
		res = poll((struct pollfd *)fds, n, 0);
	while (res < 0 && errno == EINTR);
	return (int)iohost_ret(res);
}

static unsigned int iohost_fd_type(int fd)
{
	struct stat st;
	int type = 0;
	socklen_t len = sizeof(type);

	if (fstat(fd, &st) < 0)
		return 0;
	umk_host_io_count(1);
	if (S_ISFIFO(st.st_mode))
		return UMK_IO_FD_STREAM;
	if (S_ISSOCK(st.st_mode) &&
	    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 &&
	    type == SOCK_STREAM)
		return UMK_IO_FD_STREAM;
	return 0;
}

UMK_INTERNAL int umk_host_io_prepare(int fd, unsigned int *flags)
{
	int fl;

	if (*flags & UMK_IO_FD_KNOWN)
		return 0; /* made by umk: already non-blocking */
	fl = fcntl(fd, F_GETFL);
	umk_host_io_count(1);
	if (fl < 0)
		return -errno;
	if (!(fl & O_NONBLOCK) && iohost_ret(fcntl(fd, F_SETFL, fl | O_NONBLOCK)) < 0)
		return -errno;
	*flags = iohost_fd_type(fd) | UMK_IO_FD_KNOWN;
	return 0;
}

UMK_INTERNAL int umk_host_io_close(int fd)
{
	return (int)iohost_ret(close(fd));
}

UMK_INTERNAL int umk_host_io_pipe(int fds[2])
{
	return (int)iohost_ret(pipe2(fds, O_NONBLOCK | O_CLOEXEC));
}

UMK_INTERNAL int umk_host_io_socketpair(int type, int fds[2])
{
	return (int)iohost_ret(socketpair(AF_UNIX,
					  type | SOCK_NONBLOCK | SOCK_CLOEXEC,
					  0, fds));
}

UMK_INTERNAL int umk_host_io_socket(int domain, int type, int protocol)
{
	return (int)iohost_ret(socket(domain,
				      type | SOCK_NONBLOCK | SOCK_CLOEXEC,
				      protocol));
}

UMK_INTERNAL int umk_host_io_bind(int fd, const void *addr, unsigned int len)
{
	return (int)iohost_ret(bind(fd, addr, len));
}

UMK_INTERNAL int umk_host_io_listen(int fd, int backlog)
{
	return (int)iohost_ret(listen(fd, backlog));
}

UMK_INTERNAL int umk_host_io_shutdown(int fd, int how)
{
	return (int)iohost_ret(shutdown(fd, how));
}

UMK_INTERNAL int umk_host_io_setsockopt(int fd, int level, int name,
					const void *val, unsigned int len)
{
	return (int)iohost_ret(setsockopt(fd, level, name, val, len));
}

UMK_INTERNAL int umk_host_io_getsockname(int fd, void *addr, unsigned int *len)
{
	return (int)iohost_ret(getsockname(fd, addr, (socklen_t *)len));
}

UMK_INTERNAL int umk_host_io_tcp_nodelay(int fd, bool on)
{
	int v = on;

	return umk_host_io_setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v,
				      sizeof(v));
}

UMK_INTERNAL int umk_host_io_sock_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (iohost_ret(getsockname(fd, (struct sockaddr *)&ss, &len)) < 0)
		return -errno;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return -EINVAL;
}

UMK_INTERNAL int umk_host_io_inet_addr(const char *ip, int port, void *addr,
				       int *family)
{
	struct sockaddr_in *sin = addr;
	struct sockaddr_in6 *sin6 = addr;

	if (port < 0 || port > 65535)
		return -EINVAL;
	memset(addr, 0, sizeof(*sin6));
	if (!ip || !*ip || inet_pton(AF_INET, ip, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		*family = AF_INET;
		return sizeof(*sin);
	}
	if (inet_pton(AF_INET6, ip, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		*family = AF_INET6;
		return sizeof(*sin6);
	}
	return -EINVAL;
}

/*
 * A write to a socket or pipe whose reader is gone must return EPIPE to
 * the task, not kill the whole kernel with SIGPIPE.
 */
static int iohost_ignore_sigpipe(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	return sigaction(SIGPIPE, &sa, NULL) < 0 ? -errno : 0;
}
umk_subsys_initcall(iohost_ignore_sigpipe);
