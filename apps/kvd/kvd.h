/*
 * kvd: a Redis-protocol key-value server written on umk's API. What the
 * parts share: the configuration (command-line options), the server-wide
 * counters, and the shape of a command's arguments.
 *
 *   main.c      options, the listening socket, one task per connection
 *   client.c    a connection: read, parse, execute, write, limits
 *   resp.c      the RESP2 request parser (hosted too, for the fuzzer)
 *   reply.c     the output buffer and RESP2 reply encoding
 *   commands.c  the command table and each command
 *   db.c        the sharded hash table with incremental rehash
 *   expire.c    active expiry on a umk timer (lazy expiry is in db.c)
 *   info.c      INFO, CONFIG GET and COMMAND replies
 */
#ifndef KVD_KVD_H
#define KVD_KVD_H

#include <umk/compiler.h>
#include "apps/kvd/resp.h"

#define KVD_VERSION "7.0.0" /* the Redis version whose protocol kvd speaks */

struct kvd_config {
	const char *bind;          /* --bind, default 127.0.0.1 */
	int port;                  /* --port, default 6379 (0: ephemeral) */
	long maxclients;           /* --maxclients, default 10000 */
	unsigned long long maxmemory; /* --maxmemory, bytes, 0: no limit */
	size_t max_bulk;           /* --max-bulk: longest bulk string */
	size_t max_inline;         /* --max-inline: longest inline request */
	size_t max_output;         /* --max-output: output buffer limit */
	size_t max_query;          /* --max-query: input buffer limit */
	long long write_timeout_ns; /* --write-timeout: a client not reading */
	int backlog;
};

extern struct kvd_config kvd_cfg;
extern struct resp_limits kvd_limits;

/* Server-wide counters (updated with atomics, summed for INFO). */
struct kvd_stats {
	unsigned long long connections; /* accepted */
	unsigned long long rejected;    /* over maxclients */
	unsigned long long commands;
	unsigned long long net_in, net_out;
	unsigned long long hits, misses;
	unsigned long long expired;     /* keys removed by expiry */
	unsigned long long proto_errors;
	unsigned long long output_limit_kills;
	long clients;                   /* connected now */
};
extern struct kvd_stats kvd_stats;
extern unsigned long long kvd_start_ns;
extern int kvd_listen_port;

#define kvd_stat_add(field, n) \
	__atomic_fetch_add(&kvd_stats.field, (n), __ATOMIC_RELAXED)
#define kvd_stat_get(field) __atomic_load_n(&kvd_stats.field, __ATOMIC_RELAXED)

/* One argument of a command: bytes in the client's input buffer. */
struct kvd_arg {
	char *p;
	size_t len;
};

/* Milliseconds on the monotonic clock (expiry deadlines use it). */
unsigned long long kvd_now_ms(void);

#endif
