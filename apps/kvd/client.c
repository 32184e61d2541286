/*
 * One connection, one task. The loop is the plain blocking one:
 *
 *   read what is there -> execute every complete command -> write all
 *   their replies at once -> read again
 *
 * umk's I/O layer turns each umk_read/umk_write into a queued io_uring
 * operation (or an edge-triggered wait with epoll) and runs other
 * connections meanwhile, so the kernel does what an event loop would:
 * a pipeline of N commands costs one read and one write, and a round
 * over all connections costs a few io_uring_enter calls.
 *
 * Limits: the input buffer grows to hold one command (at most
 * --max-query bytes, else the connection is dropped); replies go out
 * whenever 64 KiB are pending, so a client pipelining without reading
 * holds at most that plus one reply; a write that makes no progress for
 * --write-timeout-ms (the client stopped reading) drops the connection.
 */
#include <umk/errno.h>
#include <umk/io.h>
#include <umk/printk.h>
#include <umk/slab.h>
#include <umk/string.h>
#include "apps/kvd/client.h"

#define CLIENT_IN_INITIAL 16384
#define CLIENT_READ_MIN 4096     /* free room wanted before a read */
#define CLIENT_FLUSH_AT 65536    /* write out replies past this much */

static unsigned long long client_next_id;

/* Make room to read into; false when the command outgrew --max-query. */
static bool client_make_room(struct kvd_client *c)
{
	size_t pending = c->in_end - c->in_start;
	size_t want = resp_want(&c->parser), need, cap;
	char *b;

	if (c->in_start == c->in_end) {
		c->in_start = c->in_end = 0;
		if (c->in_cap > 4 * CLIENT_IN_INITIAL && !want) {
			/* A big request is done: give its buffer back
			 * (krealloc never shrinks a block). */
			b = umk_kmalloc(CLIENT_IN_INITIAL);
			if (b) {
				umk_kfree(c->in);
				c->in = b;
				c->in_cap = CLIENT_IN_INITIAL;
			}
		}
	}
	need = UMK_MAX(want, pending + CLIENT_READ_MIN);
	if (c->in_cap - c->in_start >= need && c->in_cap - c->in_end >= CLIENT_READ_MIN)
		return true;
	if (c->in_start) { /* the current command to the front */
		umk_memmove(c->in, c->in + c->in_start, pending);
		c->in_start = 0;
		c->in_end = pending;
	}
	if (c->in_cap >= need)
		return true;
	if (pending >= kvd_cfg.max_query || want > kvd_cfg.max_query)
		return false;
	cap = UMK_MAX(need, c->in_cap * 2);
	cap = UMK_MIN(cap, kvd_cfg.max_query);
	b = umk_krealloc(c->in, cap);
	if (!b)
		return false;
	c->in = b;
	c->in_cap = cap;
	return true;
}

/* Write out every pending reply. Negative when the client is gone. */
static int client_flush(struct kvd_client *c)
{
	size_t off = 0;

	while (off < c->out.len) {
		long n = umk_write_timeout(c->fd, c->out.buf + off,
					   c->out.len - off,
					   kvd_cfg.write_timeout_ns);
		if (n == -UMK_ETIMEDOUT) {
			kvd_stat_add(output_limit_kills, 1);
			umk_pr_info("kvd: client %llu stopped reading its replies: closing",
				    c->id);
			return -1;
		}
		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	kvd_stat_add(net_out, off);
	if (c->commands) {
		kvd_stat_add(commands, c->commands);
		c->commands = 0;
	}
	c->out.len = 0;
	kvd_out_shrink(&c->out);
	return 0;
}

static bool client_args(struct kvd_client *c)
{
	struct resp_parser *p = &c->parser;
	char *base = c->in + c->in_start;

	if (p->argc > c->argv_cap) {
		unsigned int cap = UMK_MAX(p->argc, c->argv_cap * 2);
		struct kvd_arg *a = umk_krealloc(c->argv, cap * sizeof(*a));

		if (!a)
			return false;
		c->argv = a;
		c->argv_cap = cap;
	}
	for (unsigned int i = 0; i < p->argc; i++) {
		c->argv[i].p = base + p->argv[i].off;
		c->argv[i].len = p->argv[i].len;
	}
	return true;
}

static void client_protocol_error(struct kvd_client *c, const char *msg)
{
	kvd_reply_errorf(&c->out, "ERR %s", msg);
	kvd_stat_add(proto_errors, 1);
	c->closing = true;
}

/* Execute every complete command in the input buffer. */
static int client_process(struct kvd_client *c)
{
	while (!c->closing && c->in_start < c->in_end) {
		enum resp_status st;
		size_t mark;

		st = resp_parse(&c->parser, c->in + c->in_start,
				c->in_end - c->in_start);
		if (st == RESP_MORE)
			break;
		if (st == RESP_ERR) {
			client_protocol_error(c, c->parser.error);
			break;
		}
		if (c->parser.argc) {
			if (!client_args(c)) {
				client_protocol_error(c, "Protocol error: out of memory");
				break;
			}
			mark = c->out.len;
			kvd_exec(c, c->parser.argc, c->argv);
			if (c->out.overflow) {
				kvd_out_truncate(&c->out, mark);
				kvd_reply_errorf(&c->out, "ERR reply exceeds the output buffer limit (%zu bytes)",
						 c->out.limit);
			}
			c->commands++;
		}
		c->in_start += c->parser.pos;
		resp_reset(&c->parser);
		if (c->out.len >= CLIENT_FLUSH_AT && client_flush(c) < 0)
			return -1;
	}
	return 0;
}

static void client_loop(struct kvd_client *c)
{
	while (!c->closing) {
		long n;

		if (!client_make_room(c)) {
			umk_pr_info("kvd: client %llu passed the query buffer limit (%zu bytes): closing",
				    c->id, kvd_cfg.max_query);
			return;
		}
		n = umk_read(c->fd, c->in + c->in_end, c->in_cap - c->in_end);
		if (n <= 0)
			return; /* EOF, reset, or closed */
		c->in_end += (size_t)n;
		kvd_stat_add(net_in, (unsigned long long)n);
		if (client_process(c) < 0 || client_flush(c) < 0)
			return;
	}
}

static void client_free(struct kvd_client *c)
{
	resp_free(&c->parser);
	kvd_out_free(&c->out);
	umk_kfree(c->argv);
	umk_kfree(c->in);
	umk_kfree(c);
}

int kvd_client_task(void *arg)
{
	int fd = (int)(intptr_t)arg;
	struct kvd_client *c = umk_kzalloc(sizeof(*c));

	if (c)
		c->in = umk_kmalloc(CLIENT_IN_INITIAL);
	if (!c || !c->in) {
		umk_pr_warn("kvd: no memory for a new connection");
		umk_kfree(c);
		umk_close(fd);
		kvd_stat_add(clients, -1);
		return 0;
	}
	c->fd = fd;
	c->id = __atomic_add_fetch(&client_next_id, 1, __ATOMIC_RELAXED);
	c->in_cap = CLIENT_IN_INITIAL;
	resp_init(&c->parser, &kvd_limits);
	kvd_out_init(&c->out, kvd_cfg.max_output);
	umk_tcp_nodelay(fd, true);

	client_loop(c);
	if (c->closing && c->out.len)
		client_flush(c); /* QUIT's +OK or a protocol error */
	kvd_stat_add(commands, c->commands);
	umk_close(fd);
	client_free(c);
	kvd_stat_add(clients, -1);
	return 0;
}
