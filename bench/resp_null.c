/*
 * resp-null: the least work a RESP server can do, as a floor for
 * bench/kvd.py. One thread, epoll, one read per readable connection and
 * one write of a canned reply per command in it: no parsing beyond
 * counting the '*' that starts each command of redis-benchmark's SET and
 * GET (their values are "xxx"), no data, no allocation. What is left is
 * the host's part of a request (the system calls and the loopback TCP
 * work) and the benchmark client's own. A server cannot beat this floor
 * by being cleverer in user space, so its req/s next to Redis's bounds
 * what any server can reach against redis-benchmark on this machine.
 *
 *   resp-null PORT      (listens on 127.0.0.1; runs until killed)
 */
#define _GNU_SOURCE
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define NULL_EVENTS 64

static char null_in[1 << 16];
static char null_out[(1 << 16) * 9]; /* one 9-byte reply per input byte */
static const char null_reply[] = "$3\r\nxxx\r\n";

static void null_accept(int ep, int lfd)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int one = 1, fd;

	while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		ev.data.fd = fd;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev))
			close(fd);
	}
}

/* Answer every command that arrived on fd; false when it is gone. */
static int null_serve(int fd)
{
	ssize_t n = read(fd, null_in, sizeof(null_in));
	size_t out = 0;

	if (n <= 0)
		return 0;
	for (ssize_t i = 0; i < n; i++) {
		if (null_in[i] != '*')
			continue;
		memcpy(null_out + out, null_reply, sizeof(null_reply) - 1);
		out += sizeof(null_reply) - 1;
	}
	return !out || write(fd, null_out, out) == (ssize_t)out;
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct epoll_event ev = { .events = EPOLLIN }, evs[NULL_EVENTS];
	int one = 1, lfd, ep;

	if (argc != 2) {
		fprintf(stderr, "usage: resp-null PORT\n");
		return 2;
	}
	a.sin_port = htons((unsigned short)atoi(argv[1]));
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	ep = epoll_create1(0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (lfd < 0 || ep < 0 || bind(lfd, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(lfd, 511)) {
		perror("resp-null");
		return 1;
	}
	ev.data.fd = lfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
	for (;;) {
		int n = epoll_wait(ep, evs, NULL_EVENTS, -1);

		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;

			if (fd == lfd)
				null_accept(ep, lfd);
			else if (!null_serve(fd))
				close(fd);
		}
	}
}
