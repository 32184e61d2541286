/*
 * Blocking task I/O (core/io.c with the configured backend): pipes and
 * socketpairs with hundreds of tasks blocked at once, ping-pong between
 * tasks, megabytes with partial writes, timeouts, EOF / EPIPE /
 * ECONNRESET, a close that wakes a blocked reader, umk_poll, and TCP on
 * 127.0.0.1. The same suite runs on the epoll and io_uring backends.
 *
 * Helper tasks report failures through their exit code (the source line
 * of the failed check), which the case asserts is 0.
 */
#include <umk/errno.h>
#include <umk/io.h>
#include <umk/ktest.h>
#include <umk/sched.h>
#include <umk/slab.h>
#include <umk/string.h>
#include <umk/task.h>
#include <umk/time.h>

#define IOT_MS (1000ULL * 1000ULL)
#define IOT_CHECK(c)                    \
	do {                            \
		if (!(c))               \
			return __LINE__; \
	} while (0)

static struct umk_task *iot_spawn(umk_task_fn fn, void *arg)
{
	return umk_task_create(fn, arg, "iotest");
}

static int iot_join(struct umk_task *t)
{
	int code = -1;

	if (!t || umk_task_join(t, &code))
		return -1;
	return code;
}

/* Let t run until it sleeps (blocked in I/O); false if it never does. */
static bool iot_wait_sleeping(struct umk_task *t)
{
	int i;

	for (i = 0; i < 10000; i++) {
		if (umk_task_state(t) == UMK_TASK_SLEEPING)
			return true;
		umk_sleep_ns(100 * 1000);
	}
	return false;
}

static unsigned char iot_pattern(size_t off)
{
	return (unsigned char)(off * 7 + (off >> 9));
}

/* ---- Basics ---- */

static void io_pipe_roundtrip(struct umk_ktest *t)
{
	int p[2];
	char buf[16];

	UMK_ASSERT_EQ(t, umk_pipe(p), 0);
	UMK_EXPECT_EQ(t, umk_write(p[1], "hello", 5), 5);
	UMK_EXPECT_EQ(t, umk_read(p[0], buf, sizeof(buf)), 5);
	UMK_EXPECT_EQ(t, umk_memcmp(buf, "hello", 5), 0);
	UMK_EXPECT_EQ(t, umk_fd_register(p[0]), -UMK_EEXIST);
	UMK_EXPECT_EQ(t, umk_close(p[0]), 0);
	UMK_EXPECT_EQ(t, umk_close(p[1]), 0);
	UMK_EXPECT_EQ(t, umk_close(p[1]), -UMK_EBADF);
	UMK_EXPECT_EQ(t, umk_read(p[0], buf, 1), -UMK_EBADF);
	UMK_EXPECT_EQ(t, umk_write(-1, buf, 1), -UMK_EBADF);
	UMK_EXPECT_EQ(t, umk_fd_register(-1), -UMK_EBADF);
}

static void io_vectors(struct umk_ktest *t)
{
	int s[2];
	char a[3] = "abc", b[4] = "defg", out[7], x[2], y[5];
	struct umk_iovec wv[2] = { { a, 3 }, { b, 4 } };
	struct umk_iovec rv[2] = { { x, 2 }, { y, 5 } };

	UMK_ASSERT_EQ(t, umk_socketpair(UMK_SOCK_STREAM, s), 0);
	UMK_EXPECT_EQ(t, umk_writev(s[0], wv, 2), 7);
	UMK_EXPECT_EQ(t, umk_readv(s[1], rv, 2), 7);
	umk_memcpy(out, x, 2);
	umk_memcpy(out + 2, y, 5);
	UMK_EXPECT_EQ(t, umk_memcmp(out, "abcdefg", 7), 0);
	UMK_EXPECT_EQ(t, umk_write_all(s[1], "xyz", 3), 3);
	UMK_EXPECT_EQ(t, umk_read(s[0], out, sizeof(out)), 3);
	umk_close(s[0]);
	umk_close(s[1]);
}

/* ---- Ping-pong through pipes ---- */

#define IOT_ROUNDS 2000

struct iot_pp {
	int in, out;
};

static int iot_ponger(void *arg)
{
	struct iot_pp *pp = arg;
	unsigned int v, i;

	for (i = 0; i < IOT_ROUNDS; i++) {
		IOT_CHECK(umk_read(pp->in, &v, sizeof(v)) == sizeof(v));
		IOT_CHECK(v == i * 2);
		v++;
		IOT_CHECK(umk_write(pp->out, &v, sizeof(v)) == sizeof(v));
	}
	return 0;
}

static void io_pipe_pingpong(struct umk_ktest *t)
{
	int a[2], b[2];
	struct iot_pp pp;
	struct umk_task *peer;
	unsigned int v, i;

	UMK_ASSERT_EQ(t, umk_pipe(a), 0);
	UMK_ASSERT_EQ(t, umk_pipe(b), 0);
	pp.in = a[0];
	pp.out = b[1];
	peer = iot_spawn(iot_ponger, &pp);
	UMK_ASSERT_NOT_NULL(t, peer);
	for (i = 0; i < IOT_ROUNDS; i++) {
		v = i * 2;
		UMK_ASSERT_EQ(t, umk_write(a[1], &v, sizeof(v)), sizeof(v));
		UMK_ASSERT_EQ(t, umk_read(b[0], &v, sizeof(v)), sizeof(v));
		UMK_ASSERT_EQ(t, v, i * 2 + 1);
	}
	UMK_EXPECT_EQ(t, iot_join(peer), 0);
	umk_close(a[0]);
	umk_close(a[1]);
	umk_close(b[0]);
	umk_close(b[1]);
}

/* ---- Hundreds of tasks blocked at once ---- */

#define IOT_MANY 300

struct iot_echo {
	int fd;
	int id;
};

/* Read the id the main task sends, answer with id + 1, expect EOF. */
static int iot_echoer(void *arg)
{
	struct iot_echo *e = arg;
	int v;

	IOT_CHECK(umk_read(e->fd, &v, sizeof(v)) == sizeof(v));
	IOT_CHECK(v == e->id);
	v++;
	IOT_CHECK(umk_write(e->fd, &v, sizeof(v)) == sizeof(v));
	IOT_CHECK(umk_read(e->fd, &v, sizeof(v)) == 0);
	return 0;
}

static void io_many_blocked(struct umk_ktest *t)
{
	struct iot_echo *es = umk_kzalloc(sizeof(*es) * IOT_MANY);
	struct umk_task **ts = umk_kzalloc(sizeof(*ts) * IOT_MANY);
	int *mine = umk_kzalloc(sizeof(*mine) * IOT_MANY);
	struct umk_io_stats before, after;
	int i, s[2], v, sleeping = 0;

	UMK_ASSERT_TRUE(t, es && ts && mine);
	umk_io_stats(&before);
	for (i = 0; i < IOT_MANY; i++) {
		UMK_ASSERT_EQ(t, umk_socketpair(UMK_SOCK_STREAM, s), 0);
		mine[i] = s[0];
		es[i].fd = s[1];
		es[i].id = i;
		ts[i] = iot_spawn(iot_echoer, &es[i]);
		UMK_ASSERT_NOT_NULL(t, ts[i]);
	}
	/* Every echoer is now blocked in umk_read: nobody has written. */
	for (i = 0; i < IOT_MANY; i++)
		sleeping += iot_wait_sleeping(ts[i]);
	UMK_EXPECT_EQ(t, sleeping, IOT_MANY);
	/* Wake them in reverse order to be sure each fd wakes its own task. */
	for (i = IOT_MANY - 1; i >= 0; i--)
		UMK_ASSERT_EQ(t, umk_write(mine[i], &i, sizeof(i)), sizeof(i));
	for (i = 0; i < IOT_MANY; i++) {
		UMK_EXPECT_EQ(t, umk_read(mine[i], &v, sizeof(v)), sizeof(v));
		UMK_EXPECT_EQ(t, v, i + 1);
		umk_close(mine[i]);
	}
	for (i = 0; i < IOT_MANY; i++) {
		UMK_EXPECT_EQ(t, iot_join(ts[i]), 0);
		umk_close(es[i].fd);
	}
	umk_io_stats(&after);
	UMK_EXPECT_GE(t, after.sleeps - before.sleeps, IOT_MANY);
	UMK_EXPECT_EQ(t, after.open_fds, before.open_fds);
	umk_kfree(es);
	umk_kfree(ts);
	umk_kfree(mine);
}

/* ---- Megabytes with partial writes ---- */

#define IOT_BIG (8UL << 20)
#define IOT_CHUNK (1UL << 20)

struct iot_bulk {
	int fd;
	unsigned long partial; /* umk_write calls that wrote less than asked */
};

static int iot_bulk_writer(void *arg)
{
	struct iot_bulk *b = arg;
	unsigned char *buf = umk_kmalloc(IOT_CHUNK);
	size_t off = 0, i;

	IOT_CHECK(buf);
	while (off < IOT_BIG) {
		size_t n = UMK_MIN(IOT_CHUNK, IOT_BIG - off);
		long w;

		for (i = 0; i < n; i++)
			buf[i] = iot_pattern(off + i);
		w = umk_write(b->fd, buf, n);
		IOT_CHECK(w > 0 && (size_t)w <= n);
		if ((size_t)w < n)
			b->partial++;
		off += (size_t)w;
	}
	umk_kfree(buf);
	IOT_CHECK(umk_shutdown(b->fd, UMK_SHUT_WR) == 0);
	return 0;
}

/* Send 8 MiB from a writer task; partial: expect short writes. */
static void iot_bulk(struct umk_ktest *t, int rfd, int wfd, bool partial)
{
	struct iot_bulk b = { .fd = wfd };
	unsigned char *buf = umk_kmalloc(65536);
	struct umk_task *w;
	size_t total = 0, want = 1, i;
	long n;
	bool same = true;

	UMK_ASSERT_NOT_NULL(t, buf);
	w = iot_spawn(iot_bulk_writer, &b);
	UMK_ASSERT_NOT_NULL(t, w);
	for (;;) {
		/* Vary the read size: 1, 2, 4 ... 64 KiB, again. */
		n = umk_read(rfd, buf, want);
		if (n <= 0)
			break;
		for (i = 0; i < (size_t)n; i++)
			same &= buf[i] == iot_pattern(total + i);
		total += (size_t)n;
		want = want >= 65536 ? 1 : want * 2;
	}
	UMK_EXPECT_EQ(t, n, 0);
	UMK_EXPECT_EQ(t, total, IOT_BIG);
	UMK_EXPECT_TRUE(t, same);
	UMK_EXPECT_EQ(t, iot_join(w), 0);
	/* 1 MiB writes into a socket buffer of a few hundred KiB. */
	if (partial)
		UMK_EXPECT_GT(t, b.partial, 0);
	umk_kfree(buf);
}

static void io_large_transfer(struct umk_ktest *t)
{
	int s[2];

	UMK_ASSERT_EQ(t, umk_socketpair(UMK_SOCK_STREAM, s), 0);
	iot_bulk(t, s[0], s[1], true);
	umk_close(s[0]);
	umk_close(s[1]);
}

/* Read to EOF, checking the pattern; 0 or the failing line. */
static int iot_bulk_reader(void *arg)
{
	int fd = (int)(long)arg;
	unsigned char *buf = umk_kmalloc(32768);
	size_t total = 0, i;
	long n;

	IOT_CHECK(buf);
	while ((n = umk_read(fd, buf, 32768)) > 0) {
		for (i = 0; i < (size_t)n; i++)
			IOT_CHECK(buf[i] == iot_pattern(total + i));
		total += (size_t)n;
	}
	umk_kfree(buf);
	IOT_CHECK(n == 0);
	IOT_CHECK(total == IOT_BIG);
	return 0;
}

/* Both directions at once: a reader and a writer task on each end. */
static void io_full_duplex(struct umk_ktest *t)
{
	struct iot_bulk wa, wb;
	struct umk_task *ts[4];
	int s[2], i;

	UMK_ASSERT_EQ(t, umk_socketpair(UMK_SOCK_STREAM, s), 0);
	wa = (struct iot_bulk){ .fd = s[0] };
	wb = (struct iot_bulk){ .fd = s[1] };
	ts[0] = iot_spawn(iot_bulk_writer, &wa);
	ts[1] = iot_spawn(iot_bulk_writer, &wb);
	ts[2] = iot_spawn(iot_bulk_reader, (void *)(long)s[0]);
	ts[3] = iot_spawn(iot_bulk_reader, (void *)(long)s[1]);
	for (i = 0; i < 4; i++) {
		UMK_ASSERT_NOT_NULL(t, ts[i]);
	}
	for (i = 0; i < 4; i++)
		UMK_EXPECT_EQ(t, iot_join(ts[i]), 0);
	umk_close(s[0]);
	umk_close(s[1]);
}

/* ---- Timeouts ---- */

static void io_timeouts(struct umk_ktest *t)
{
	int p[2], l;
	char buf[4096];
	long w, total = 0;

	UMK_ASSERT_EQ(t, umk_pipe(p), 0);
	UMK_EXPECT_EQ(t, umk_read_timeout(p[0], buf, 1, 5 * IOT_MS),
		      -UMK_ETIMEDOUT);
	UMK_EXPECT_EQ(t, umk_read_timeout(p[0], buf, 1, 0), -UMK_ETIMEDOUT);
	/* Fill the pipe until a write times out. */
	umk_memset(buf, 'x', sizeof(buf));
	for (;;) {
		w = umk_write_timeout(p[1], buf, sizeof(buf), 5 * IOT_MS);
		if (w < 0)
			break;
		total += w;
		if (total > (64L << 20))
			break;
	}
	UMK_EXPECT_EQ(t, w, -UMK_ETIMEDOUT);
	UMK_EXPECT_GT(t, total, 0);
	UMK_EXPECT_EQ(t, umk_write_all_timeout(p[1], buf, 1, 5 * IOT_MS),
		      -UMK_ETIMEDOUT);
	/* The data written before is all there, then the pipe is empty. */
	while (total > 0) {
		w = umk_read_timeout(p[0], buf, sizeof(buf), 1000 * IOT_MS);
		if (w <= 0)
			break;
		total -= w;
	}
	UMK_EXPECT_EQ(t, total, 0);
	UMK_EXPECT_EQ(t, umk_read_timeout(p[0], buf, 1, 1 * IOT_MS),
		      -UMK_ETIMEDOUT);
	umk_close(p[0]);
	umk_close(p[1]);

	l = umk_tcp_listen("127.0.0.1", 0, 4);
	UMK_ASSERT_TRUE(t, l >= 0);
	UMK_EXPECT_EQ(t, umk_accept_timeout(l, NULL, NULL, 5 * IOT_MS),
		      -UMK_ETIMEDOUT);
	umk_close(l);
}

/* ---- EOF, EPIPE, ECONNRESET ---- */

static void io_eof_and_epipe(struct umk_ktest *t)
{
	int p[2], s[2];
	char c = 'z';

	UMK_ASSERT_EQ(t, umk_pipe(p), 0);
	UMK_EXPECT_EQ(t, umk_write(p[1], &c, 1), 1);
	umk_close(p[1]);
	UMK_EXPECT_EQ(t, umk_read(p[0], &c, 1), 1);
	UMK_EXPECT_EQ(t, umk_read(p[0], &c, 1), 0);
	UMK_EXPECT_EQ(t, umk_read(p[0], &c, 1), 0); /* EOF stays */
	umk_close(p[0]);

	UMK_ASSERT_EQ(t, umk_pipe(p), 0);
	umk_close(p[0]);
	UMK_EXPECT_EQ(t, umk_write(p[1], &c, 1), -UMK_EPIPE);
	umk_close(p[1]);

	UMK_ASSERT_EQ(t, umk_socketpair(UMK_SOCK_STREAM, s), 0);
	umk_close(s[1]);
	UMK_EXPECT_EQ(t, umk_read(s[0], &c, 1), 0);
	UMK_EXPECT_EQ(t, umk_write(s[0], &c, 1), -UMK_EPIPE);
	umk_close(s[0]);
}

static int iot_eof_reader(void *arg)
{
	int fd = (int)(long)arg;
	char c;

	IOT_CHECK(umk_read(fd, &c, 1) == 0);
	return 0;
}

/* A reader blocked before the peer goes away wakes with EOF. */
static void io_eof_wakes(struct umk_ktest *t)
{
	int s[2];
	struct umk_task *r;

	UMK_ASSERT_EQ(t, umk_socketpair(UMK_SOCK_STREAM, s), 0);
	r = iot_spawn(iot_eof_reader, (void *)(long)s[0]);
	UMK_ASSERT_NOT_NULL(t, r);
	UMK_EXPECT_TRUE(t, iot_wait_sleeping(r));
	umk_close(s[1]);
	UMK_EXPECT_EQ(t, iot_join(r), 0);
	umk_close(s[0]);
}

static void io_econnreset(struct umk_ktest *t)
{
	struct {
		int onoff, linger;
	} lg = { 1, 0 };
	int l, c, a, port;
	char buf[8];

	l = umk_tcp_listen("127.0.0.1", 0, 4);
	UMK_ASSERT_TRUE(t, l >= 0);
	port = umk_sock_port(l);
	UMK_ASSERT_TRUE(t, port > 0);
	c = umk_tcp_connect("127.0.0.1", port, 1000 * IOT_MS);
	UMK_ASSERT_TRUE(t, c >= 0);
	a = umk_accept(l, NULL, NULL);
	UMK_ASSERT_TRUE(t, a >= 0);
	/* SO_LINGER 0: close sends RST, the peer sees ECONNRESET. */
	UMK_EXPECT_EQ(t, umk_setsockopt(c, 1 /* SOL_SOCKET */,
					13 /* SO_LINGER */, &lg, sizeof(lg)),
		      0);
	umk_close(c);
	UMK_EXPECT_EQ(t, umk_read(a, buf, sizeof(buf)), -UMK_ECONNRESET);
	umk_close(a);
	umk_close(l);
}

/* ---- Close while another task waits ---- */

static int iot_blocked_reader(void *arg)
{
	int fd = (int)(long)arg;
	char c;

	IOT_CHECK(umk_read(fd, &c, 1) == -UMK_EBADF);
	return 0;
}

static int iot_blocked_acceptor(void *arg)
{
	int fd = (int)(long)arg;

	IOT_CHECK(umk_accept(fd, NULL, NULL) == -UMK_EBADF);
	return 0;
}

static void io_close_wakes_waiter(struct umk_ktest *t)
{
	int p[2], l;
	struct umk_task *r;

	UMK_ASSERT_EQ(t, umk_pipe(p), 0);
	r = iot_spawn(iot_blocked_reader, (void *)(long)p[0]);
	UMK_ASSERT_NOT_NULL(t, r);
	UMK_EXPECT_TRUE(t, iot_wait_sleeping(r));
	UMK_EXPECT_EQ(t, umk_close(p[0]), 0);
	UMK_EXPECT_EQ(t, iot_join(r), 0);
	umk_close(p[1]);

	l = umk_tcp_listen("127.0.0.1", 0, 4);
	UMK_ASSERT_TRUE(t, l >= 0);
	r = iot_spawn(iot_blocked_acceptor, (void *)(long)l);
	UMK_ASSERT_NOT_NULL(t, r);
	UMK_EXPECT_TRUE(t, iot_wait_sleeping(r));
	UMK_EXPECT_EQ(t, umk_close(l), 0);
	UMK_EXPECT_EQ(t, iot_join(r), 0);
}

/* ---- umk_poll ---- */

struct iot_late {
	int fd;
	struct umk_task *waiter;
};

/* Write one byte once the polling task is asleep. */
static int iot_late_writer(void *arg)
{
	struct iot_late *lw = arg;

	IOT_CHECK(iot_wait_sleeping(lw->waiter));
	IOT_CHECK(umk_write(lw->fd, "!", 1) == 1);
	return 0;
}

static void io_poll_many(struct umk_ktest *t)
{
	int s[4][2], i, p[2];
	struct umk_pollfd pf[5];
	struct iot_late lw;
	struct umk_task *w;
	char c;

	for (i = 0; i < 4; i++)
		UMK_ASSERT_EQ(t, umk_socketpair(UMK_SOCK_STREAM, s[i]), 0);
	for (i = 0; i < 4; i++) {
		pf[i].fd = s[i][0];
		pf[i].events = UMK_POLLIN;
	}
	pf[4].fd = -1; /* ignored, as in poll(2) */
	pf[4].events = UMK_POLLIN;
	UMK_EXPECT_EQ(t, umk_poll(pf, 5, 0), 0);
	UMK_EXPECT_EQ(t, umk_poll(pf, 5, 2 * IOT_MS), 0);

	lw.fd = s[2][1];
	lw.waiter = umk_current();
	w = iot_spawn(iot_late_writer, &lw);
	UMK_ASSERT_NOT_NULL(t, w);
	UMK_EXPECT_EQ(t, umk_poll(pf, 5, UMK_IO_FOREVER), 1);
	UMK_EXPECT_EQ(t, pf[2].revents, UMK_POLLIN);
	UMK_EXPECT_EQ(t, pf[0].revents | pf[1].revents | pf[3].revents |
				 pf[4].revents,
		      0);
	UMK_EXPECT_EQ(t, iot_join(w), 0);
	UMK_EXPECT_EQ(t, umk_read(s[2][0], &c, 1), 1);

	/* Writable at once; a hung-up peer; an fd umk does not know. */
	pf[0].fd = s[0][0];
	pf[0].events = UMK_POLLOUT;
	UMK_EXPECT_EQ(t, umk_poll(pf, 1, UMK_IO_FOREVER), 1);
	UMK_EXPECT_TRUE(t, pf[0].revents & UMK_POLLOUT);
	UMK_ASSERT_EQ(t, umk_pipe(p), 0);
	umk_close(p[1]);
	pf[0].fd = p[0];
	pf[0].events = UMK_POLLIN;
	UMK_EXPECT_EQ(t, umk_poll(pf, 1, 1000 * IOT_MS), 1);
	UMK_EXPECT_TRUE(t, pf[0].revents & UMK_POLLHUP);
	umk_close(p[0]);
	pf[0].fd = p[0]; /* closed now */
	UMK_EXPECT_EQ(t, umk_poll(pf, 1, UMK_IO_FOREVER), 1);
	UMK_EXPECT_EQ(t, pf[0].revents, UMK_POLLNVAL);

	for (i = 0; i < 4; i++) {
		umk_close(s[i][0]);
		umk_close(s[i][1]);
	}
}

/* More fds than the poll's on-stack arrays hold. */
static void io_poll_wide(struct umk_ktest *t)
{
	enum { N = 40 };
	int s[N][2], i, ready = 0;
	struct umk_pollfd pf[N];

	for (i = 0; i < N; i++) {
		UMK_ASSERT_EQ(t, umk_socketpair(UMK_SOCK_STREAM, s[i]), 0);
		pf[i].fd = s[i][0];
		pf[i].events = UMK_POLLIN;
	}
	UMK_EXPECT_EQ(t, umk_write(s[7][1], "a", 1), 1);
	UMK_EXPECT_EQ(t, umk_write(s[33][1], "b", 1), 1);
	UMK_EXPECT_EQ(t, umk_poll(pf, N, UMK_IO_FOREVER), 2);
	for (i = 0; i < N; i++)
		ready += pf[i].revents == UMK_POLLIN;
	UMK_EXPECT_EQ(t, ready, 2);
	UMK_EXPECT_EQ(t, pf[7].revents, UMK_POLLIN);
	UMK_EXPECT_EQ(t, pf[33].revents, UMK_POLLIN);
	for (i = 0; i < N; i++) {
		umk_close(s[i][0]);
		umk_close(s[i][1]);
	}
}

/* ---- TCP on 127.0.0.1 ---- */

#define IOT_CLIENTS 32

struct iot_tcp {
	int port;
	int id;
};

static int iot_tcp_client(void *arg)
{
	struct iot_tcp *c = arg;
	int fd = umk_tcp_connect("127.0.0.1", c->port, 5000 * IOT_MS), v;

	IOT_CHECK(fd >= 0);
	IOT_CHECK(umk_tcp_nodelay(fd, true) == 0);
	IOT_CHECK(umk_write_all(fd, &c->id, sizeof(c->id)) == sizeof(c->id));
	IOT_CHECK(umk_read(fd, &v, sizeof(v)) == sizeof(v));
	IOT_CHECK(v == c->id * 3);
	IOT_CHECK(umk_close(fd) == 0);
	return 0;
}

static int iot_tcp_server_conn(void *arg)
{
	int fd = (int)(long)arg, v;

	IOT_CHECK(umk_read(fd, &v, sizeof(v)) == sizeof(v));
	v *= 3;
	IOT_CHECK(umk_write_all(fd, &v, sizeof(v)) == sizeof(v));
	IOT_CHECK(umk_read(fd, &v, sizeof(v)) == 0);
	IOT_CHECK(umk_close(fd) == 0);
	return 0;
}

static void io_tcp_loopback(struct umk_ktest *t)
{
	struct iot_tcp cs[IOT_CLIENTS];
	struct umk_task *ct[IOT_CLIENTS], *st[IOT_CLIENTS];
	int l, port, i, fd;
	unsigned char addr[128];
	unsigned int alen;

	l = umk_tcp_listen("127.0.0.1", 0, 64);
	UMK_ASSERT_TRUE(t, l >= 0);
	port = umk_sock_port(l);
	UMK_ASSERT_TRUE(t, port > 0);
	for (i = 0; i < IOT_CLIENTS; i++) {
		cs[i].port = port;
		cs[i].id = i + 1;
		ct[i] = iot_spawn(iot_tcp_client, &cs[i]);
		UMK_ASSERT_NOT_NULL(t, ct[i]);
	}
	for (i = 0; i < IOT_CLIENTS; i++) {
		alen = sizeof(addr);
		fd = umk_accept(l, addr, &alen);
		UMK_ASSERT_TRUE(t, fd >= 0);
		UMK_EXPECT_EQ(t, alen, 16); /* struct sockaddr_in */
		UMK_EXPECT_EQ(t, addr[0] | addr[1] << 8, UMK_AF_INET);
		st[i] = iot_spawn(iot_tcp_server_conn, (void *)(long)fd);
		UMK_ASSERT_NOT_NULL(t, st[i]);
	}
	for (i = 0; i < IOT_CLIENTS; i++) {
		UMK_EXPECT_EQ(t, iot_join(ct[i]), 0);
		UMK_EXPECT_EQ(t, iot_join(st[i]), 0);
	}
	umk_close(l);
	/* Nobody listens there now. */
	UMK_EXPECT_EQ(t, umk_tcp_connect("127.0.0.1", port, 1000 * IOT_MS),
		      -UMK_ECONNREFUSED);
	UMK_EXPECT_EQ(t, umk_tcp_connect("not an ip", port, 0), -UMK_EINVAL);
}

static void io_tcp_bulk(struct umk_ktest *t)
{
	int l, c, a;

	l = umk_tcp_listen("127.0.0.1", 0, 4);
	UMK_ASSERT_TRUE(t, l >= 0);
	c = umk_tcp_connect("127.0.0.1", umk_sock_port(l), 1000 * IOT_MS);
	UMK_ASSERT_TRUE(t, c >= 0);
	a = umk_accept(l, NULL, NULL);
	UMK_ASSERT_TRUE(t, a >= 0);
	/* TCP autotunes its buffers: short writes are likely, not certain. */
	iot_bulk(t, a, c, false);
	umk_close(a);
	umk_close(c);
	umk_close(l);
}

/* ---- I/O progresses on a CPU that never idles ---- */

static int iot_spinner(void *arg)
{
	volatile int *stop = arg;

	while (!*stop)
		umk_yield();
	return 0;
}

static void io_busy_cpu(struct umk_ktest *t)
{
	struct umk_task *me = umk_current(), *spin;
	volatile int stop = 0;
	int p[2], i;
	char c;

	/* Share one CPU with a task that is always runnable. */
	UMK_ASSERT_EQ(t, umk_set_cpus_allowed(me, 1ULL << umk_task_cpu(me)),
		      0);
	spin = iot_spawn(iot_spinner, (void *)&stop);
	UMK_ASSERT_NOT_NULL(t, spin);
	UMK_EXPECT_EQ(t, umk_set_cpus_allowed(spin, 1ULL << umk_task_cpu(me)),
		      0);
	UMK_ASSERT_EQ(t, umk_pipe(p), 0);
	for (i = 0; i < 20; i++) {
		UMK_EXPECT_EQ(t, umk_write(p[1], "k", 1), 1);
		UMK_EXPECT_EQ(t, umk_read(p[0], &c, 1), 1);
	}
	stop = 1;
	UMK_EXPECT_EQ(t, iot_join(spin), 0);
	umk_close(p[0]);
	umk_close(p[1]);
}

static void io_stats_and_backend(struct umk_ktest *t)
{
	struct umk_io_stats a, b;
	const char *name = umk_io_backend();
	int p[2];
	char c;

	UMK_ASSERT_NOT_NULL(t, name);
	UMK_EXPECT_TRUE(t, !umk_strcmp(name, "epoll") ||
				   !umk_strcmp(name, "io_uring"));
	umk_io_stats(&a);
	UMK_ASSERT_EQ(t, umk_pipe(p), 0);
	UMK_EXPECT_EQ(t, umk_write(p[1], "q", 1), 1);
	UMK_EXPECT_EQ(t, umk_read(p[0], &c, 1), 1);
	umk_io_stats(&b);
	UMK_EXPECT_EQ(t, b.open_fds, a.open_fds + 2);
	UMK_EXPECT_GE(t, b.ops, a.ops + 2);
	UMK_EXPECT_GT(t, b.host_calls, a.host_calls);
	umk_close(p[0]);
	umk_close(p[1]);
	umk_io_stats(&b);
	UMK_EXPECT_EQ(t, b.open_fds, a.open_fds);
}

static const struct umk_ktest_case io_cases[] = {
	UMK_KTEST_CASE(io_pipe_roundtrip),
	UMK_KTEST_CASE(io_vectors),
	UMK_KTEST_CASE(io_pipe_pingpong),
	UMK_KTEST_CASE(io_many_blocked),
	UMK_KTEST_CASE(io_large_transfer),
	UMK_KTEST_CASE(io_full_duplex),
	UMK_KTEST_CASE(io_timeouts),
	UMK_KTEST_CASE(io_eof_and_epipe),
	UMK_KTEST_CASE(io_eof_wakes),
	UMK_KTEST_CASE(io_econnreset),
	UMK_KTEST_CASE(io_close_wakes_waiter),
	UMK_KTEST_CASE(io_poll_many),
	UMK_KTEST_CASE(io_poll_wide),
	UMK_KTEST_CASE(io_tcp_loopback),
	UMK_KTEST_CASE(io_tcp_bulk),
	UMK_KTEST_CASE(io_busy_cpu),
	UMK_KTEST_CASE(io_stats_and_backend),
};
UMK_KTEST_SUITE(io, io_cases);
