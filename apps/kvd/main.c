/*
 * kvd's entry point: options, the listening socket, and the accept loop
 * that gives each connection its own task.
 *
 *   kvd [KERNEL-PARAMS] -- [--port N] [--bind ADDR] [--maxclients N]
 *       [--maxmemory SIZE] [--max-bulk SIZE] [--max-inline SIZE]
 *       [--max-output SIZE] [--max-query SIZE] [--write-timeout-ms MS]
 *
 * SIZEs take K/M/G suffixes. --port 0 picks a free port; the ready line
 * on the console names it ("kvd: ready ... port N").
 */
#include <umk/errno.h>
#include <umk/init.h>
#include <umk/io.h>
#include <umk/printk.h>
#include <umk/sched.h>
#include <umk/string.h>
#include <umk/task.h>
#include <umk/time.h>
#include "apps/kvd/client.h"
#include "apps/kvd/db.h"
#include "apps/kvd/expire.h"

/* One kmalloc block is at most 4 MiB: the ceiling for every buffer. */
#define KVD_ALLOC_MAX ((size_t)4 << 20)

struct kvd_config kvd_cfg = {
	.bind = "127.0.0.1",
	.port = 6379,
	.maxclients = 10000,
	.maxmemory = 0,
	.max_bulk = (size_t)1 << 20,
	.max_inline = 64 << 10,
	.max_output = KVD_ALLOC_MAX,
	.max_query = KVD_ALLOC_MAX,
	.write_timeout_ns = 30 * UMK_NSEC_PER_SEC,
	.backlog = 511,
};
struct resp_limits kvd_limits;
struct kvd_stats kvd_stats;
unsigned long long kvd_start_ns;
int kvd_listen_port;

static void kvd_usage(void)
{
	umk_console_printf(
		"usage: kvd [KERNEL-PARAMS] -- [OPTION...]\n"
		"  --port N              TCP port (default 6379; 0: any free port)\n"
		"  --bind ADDR           address to listen on (default 127.0.0.1)\n"
		"  --maxclients N        connections at once (default 10000)\n"
		"  --maxmemory SIZE      refuse writes past this much data (0: no limit)\n"
		"  --max-bulk SIZE       longest bulk string (default 1M, at most 2M)\n"
		"  --max-inline SIZE     longest inline request (default 64K)\n"
		"  --max-output SIZE     output buffer limit per client (default 4M)\n"
		"  --max-query SIZE      input buffer limit per client (default 4M)\n"
		"  --write-timeout-ms MS drop a client whose replies do not drain (default 30000)\n");
}

static bool kvd_parse_num(const char *s, unsigned long long *v)
{
	return s && umk_parse_size(s, v) == 0;
}

/* One option and its value; returns how many argv words it used, 0 if bad. */
static int kvd_option(char *name, char *next)
{
	char *val = umk_strchr(name, '=');
	unsigned long long v;
	int used = 1;

	if (val) {
		*val++ = '\0';
	} else {
		val = next;
		used = 2;
	}
	if (!umk_strcmp(name, "--bind") && val) {
		kvd_cfg.bind = val;
		return used;
	}
	if (!kvd_parse_num(val, &v))
		return 0;
	if (!umk_strcmp(name, "--port") && v <= 65535)
		kvd_cfg.port = (int)v;
	else if (!umk_strcmp(name, "--maxclients") && v >= 1 && v <= 1000000)
		kvd_cfg.maxclients = (long)v;
	else if (!umk_strcmp(name, "--maxmemory"))
		kvd_cfg.maxmemory = v;
	else if (!umk_strcmp(name, "--max-bulk") && v <= KVD_ALLOC_MAX / 2)
		kvd_cfg.max_bulk = v;
	else if (!umk_strcmp(name, "--max-inline") && v >= 16 && v <= KVD_ALLOC_MAX / 2)
		kvd_cfg.max_inline = v;
	else if (!umk_strcmp(name, "--max-output") && v >= 1024 && v <= KVD_ALLOC_MAX)
		kvd_cfg.max_output = v;
	else if (!umk_strcmp(name, "--max-query") && v >= 1024 && v <= KVD_ALLOC_MAX)
		kvd_cfg.max_query = v;
	else if (!umk_strcmp(name, "--write-timeout-ms") && v >= 1)
		kvd_cfg.write_timeout_ns = (long long)(v * UMK_NSEC_PER_MSEC);
	else
		return 0;
	return used;
}

static int kvd_parse_args(int argc, char **argv)
{
	for (int i = 1; i < argc;) {
		int used;

		if (!umk_strcmp(argv[i], "--help") || !umk_strcmp(argv[i], "-h")) {
			kvd_usage();
			return 1;
		}
		used = kvd_option(argv[i], i + 1 < argc ? argv[i + 1] : NULL);
		if (!used) {
			umk_console_printf("kvd: bad option or value '%s'\n", argv[i]);
			kvd_usage();
			return 2;
		}
		i += used;
	}
	/* A query must hold the largest bulk plus its command around it. */
	if (kvd_cfg.max_query < kvd_cfg.max_bulk + kvd_cfg.max_inline)
		kvd_cfg.max_query = UMK_MIN(KVD_ALLOC_MAX,
					    kvd_cfg.max_bulk + kvd_cfg.max_inline);
	kvd_limits.max_bulk = kvd_cfg.max_bulk;
	kvd_limits.max_inline = kvd_cfg.max_inline;
	return 0;
}

/* Over --maxclients: say so the way Redis does, and hang up. */
static void kvd_reject(int fd)
{
	static const char msg[] = "-ERR max number of clients reached\r\n";

	umk_write_timeout(fd, msg, sizeof(msg) - 1, 100 * UMK_NSEC_PER_MSEC);
	umk_close(fd);
	kvd_stat_add(rejected, 1);
}

/*
 * Connections are dealt to CPUs in turn and stay there: a task's I/O is
 * queued on its CPU's ring and completes there, so waking it never needs
 * a cross-CPU kick, and the CPUs share the load.
 */
static void kvd_place(struct umk_task *t)
{
	static unsigned int next;
	int ncpus = umk_nr_cpus_online();

	if (ncpus > 1)
		umk_set_cpus_allowed(t, 1ULL << (next++ % (unsigned int)ncpus));
}

static void kvd_accept_loop(int lfd)
{
	for (;;) {
		struct umk_task *t;
		int fd = umk_accept(lfd, NULL, NULL);

		if (fd < 0) {
			/* Out of fds or memory: let connections finish. */
			umk_pr_warn("kvd: accept: %s", umk_strerror(-fd));
			umk_sleep_ns(10 * UMK_NSEC_PER_MSEC);
			continue;
		}
		kvd_stat_add(connections, 1);
		if (kvd_stat_get(clients) >= kvd_cfg.maxclients) {
			kvd_reject(fd);
			continue;
		}
		kvd_stat_add(clients, 1);
		t = umk_task_create(kvd_client_task, (void *)(intptr_t)fd,
				    "kvd-client");
		if (!t) {
			kvd_stat_add(clients, -1);
			kvd_reject(fd);
			continue;
		}
		kvd_place(t);
		umk_task_detach(t);
	}
}

int umk_main(int argc, char **argv)
{
	int lfd, err = kvd_parse_args(argc, argv);

	if (err)
		return err == 1 ? 0 : err;
	kvd_start_ns = umk_time_ns();
	kvd_db_init();
	if (kvd_expire_start() < 0) {
		umk_console_printf("kvd: cannot start the expire task\n");
		return 1;
	}
	lfd = umk_tcp_listen(kvd_cfg.bind, kvd_cfg.port, kvd_cfg.backlog);
	if (lfd < 0) {
		umk_console_printf("kvd: cannot listen on %s:%d: %s\n", kvd_cfg.bind,
				   kvd_cfg.port, umk_strerror(-lfd));
		return 1;
	}
	kvd_listen_port = umk_sock_port(lfd);
	umk_console_printf("kvd: ready on %s port %d (%s, %d CPUs)\n",
			   kvd_cfg.bind, kvd_listen_port, umk_io_backend(),
			   umk_nr_cpus_online());
	kvd_accept_loop(lfd);
	return 0;
}
