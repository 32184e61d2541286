/*
 * INFO and CONFIG: what kvd tells about itself, in Redis's formats
 * ("# Section" then "field:value" lines; CONFIG GET as name/value pairs),
 * so tools that read a Redis's INFO or CONFIG find what they look for.
 */
#include <stdarg.h>
#include <umk/io.h>
#include <umk/printk.h>
#include <umk/sched.h>
#include <umk/slab.h>
#include <umk/task.h>
#include <umk/string.h>
#include <umk/time.h>
#include "apps/kvd/client.h"
#include "apps/kvd/db.h"

#define INFO_BUF 4096

struct info_buf {
	char *p;
	size_t len, cap;
};

static void info_add(struct info_buf *b, const char *fmt, ...) UMK_PRINTF(2, 3);
static void info_add(struct info_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->len >= b->cap)
		return;
	va_start(ap, fmt);
	n = umk_vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len = UMK_MIN(b->len + (size_t)n, b->cap - 1);
}

/* "1.50M" the way Redis's bytesToHuman writes it (no %f in printk). */
static void info_human(char *out, size_t n, unsigned long long bytes)
{
	static const char units[] = "BKMGT";
	unsigned long long scale = 1, hundredths;
	int u = 0;

	while (u < 4 && bytes >= scale * 1024) {
		scale *= 1024;
		u++;
	}
	if (u == 0) {
		umk_snprintf(out, n, "%lluB", bytes);
		return;
	}
	hundredths = (bytes * 100 + scale / 2) / scale;
	umk_snprintf(out, n, "%llu.%02llu%c", hundredths / 100,
		     hundredths % 100, units[u]);
}

static void info_server(struct info_buf *b)
{
	unsigned long long up = (umk_time_ns() - kvd_start_ns) / UMK_NSEC_PER_SEC;

	info_add(b, "# Server\r\nredis_version:%s\r\nredis_mode:standalone\r\n"
		 "os:umk\r\narch_bits:64\r\nmultiplexing_api:umk-%s\r\n"
		 "tcp_port:%d\r\nuptime_in_seconds:%llu\r\nuptime_in_days:%llu\r\n"
		 "kvd_cpus:%d\r\n",
		 KVD_VERSION, umk_io_backend(), kvd_listen_port, up,
		 up / 86400, umk_nr_cpus_online());
}

static void info_clients(struct info_buf *b)
{
	info_add(b, "# Clients\r\nconnected_clients:%ld\r\nmaxclients:%ld\r\n"
		 "blocked_clients:0\r\nkvd_tasks:%u\r\n",
		 kvd_stat_get(clients), kvd_cfg.maxclients, umk_nr_tasks());
}

static void info_memory(struct info_buf *b)
{
	unsigned long long used = kvd_db_used_memory();
	char human[32], mhuman[32];

	info_human(human, sizeof(human), used);
	info_human(mhuman, sizeof(mhuman), kvd_cfg.maxmemory);
	info_add(b, "# Memory\r\nused_memory:%llu\r\nused_memory_human:%s\r\n"
		 "maxmemory:%llu\r\nmaxmemory_human:%s\r\n"
		 "maxmemory_policy:noeviction\r\n",
		 used, human, kvd_cfg.maxmemory, mhuman);
}

static void info_stats(struct info_buf *b)
{
	struct umk_io_stats io;

	umk_io_stats(&io);
	info_add(b, "# Stats\r\ntotal_connections_received:%llu\r\n"
		 "total_commands_processed:%llu\r\ntotal_net_input_bytes:%llu\r\n"
		 "total_net_output_bytes:%llu\r\nrejected_connections:%llu\r\n"
		 "expired_keys:%llu\r\nevicted_keys:0\r\nkeyspace_hits:%llu\r\n"
		 "keyspace_misses:%llu\r\nkvd_protocol_errors:%llu\r\n"
		 "kvd_output_limit_disconnections:%llu\r\n"
		 "kvd_io_ops:%llu\r\nkvd_io_host_calls:%llu\r\n"
		 "kvd_io_submits:%llu\r\n",
		 kvd_stat_get(connections), kvd_stat_get(commands),
		 kvd_stat_get(net_in), kvd_stat_get(net_out),
		 kvd_stat_get(rejected), kvd_stat_get(expired),
		 kvd_stat_get(hits), kvd_stat_get(misses),
		 kvd_stat_get(proto_errors), kvd_stat_get(output_limit_kills),
		 io.ops, io.host_calls, io.submits);
}

static void info_keyspace(struct info_buf *b)
{
	unsigned long long keys = kvd_db_size();

	info_add(b, "# Keyspace\r\n");
	if (keys)
		info_add(b, "db0:keys=%llu,expires=%llu,avg_ttl=0\r\n", keys,
			 kvd_db_volatile());
}

static const struct {
	const char *name;
	void (*fn)(struct info_buf *b);
} info_sections[] = {
	{ "server", info_server },   { "clients", info_clients },
	{ "memory", info_memory },   { "stats", info_stats },
	{ "keyspace", info_keyspace },
};

static bool info_wanted(unsigned int argc, struct kvd_arg *a, const char *name)
{
	if (argc == 1)
		return true;
	for (unsigned int i = 1; i < argc; i++)
		if (kvd_arg_is(&a[i], name) || kvd_arg_is(&a[i], "all") ||
		    kvd_arg_is(&a[i], "default") || kvd_arg_is(&a[i], "everything"))
			return true;
	return false;
}

void kvd_cmd_info(struct kvd_client *c, unsigned int argc, struct kvd_arg *a)
{
	struct info_buf b = { umk_kmalloc(INFO_BUF), 0, INFO_BUF };

	if (!b.p) {
		kvd_reply_error(&c->out, "ERR out of memory");
		return;
	}
	b.p[0] = '\0';
	for (unsigned int i = 0; i < UMK_ARRAY_SIZE(info_sections); i++) {
		if (!info_wanted(argc, a, info_sections[i].name))
			continue;
		if (b.len)
			info_add(&b, "\r\n");
		info_sections[i].fn(&b);
	}
	kvd_reply_bulk(&c->out, b.p, b.len);
	umk_kfree(b.p);
}

/* ---- CONFIG ---- */

static void config_value(const char *name, char *out, size_t n)
{
	if (!umk_strcmp(name, "maxmemory"))
		umk_snprintf(out, n, "%llu", kvd_cfg.maxmemory);
	else if (!umk_strcmp(name, "maxclients"))
		umk_snprintf(out, n, "%ld", kvd_cfg.maxclients);
	else if (!umk_strcmp(name, "port"))
		umk_snprintf(out, n, "%d", kvd_listen_port);
	else if (!umk_strcmp(name, "bind"))
		umk_snprintf(out, n, "%s", kvd_cfg.bind);
	else if (!umk_strcmp(name, "proto-max-bulk-len"))
		umk_snprintf(out, n, "%zu", kvd_cfg.max_bulk);
	else if (!umk_strcmp(name, "client-query-buffer-limit"))
		umk_snprintf(out, n, "%zu", kvd_cfg.max_query);
	else if (!umk_strcmp(name, "appendonly"))
		umk_snprintf(out, n, "no");
	else if (!umk_strcmp(name, "maxmemory-policy"))
		umk_snprintf(out, n, "noeviction");
	else if (!umk_strcmp(name, "databases"))
		umk_snprintf(out, n, "1");
	else /* save, timeout */
		umk_snprintf(out, n, "%s", umk_strcmp(name, "timeout") ? "" : "0");
}

static const char *const config_names[] = {
	"appendonly", "bind", "client-query-buffer-limit", "databases",
	"maxclients", "maxmemory", "maxmemory-policy", "port",
	"proto-max-bulk-len", "save", "timeout",
};

static void config_get(struct kvd_client *c, unsigned int argc, struct kvd_arg *a)
{
	bool hit[UMK_ARRAY_SIZE(config_names)] = { false };
	unsigned int i, j, n = 0;
	char pat[128], val[64];

	for (j = 2; j < argc; j++) {
		size_t len = UMK_MIN(a[j].len, sizeof(pat));

		for (i = 0; i < len; i++) /* names are lowercase */
			pat[i] = (a[j].p[i] >= 'A' && a[j].p[i] <= 'Z')
					 ? (char)(a[j].p[i] + 32) : a[j].p[i];
		for (i = 0; i < UMK_ARRAY_SIZE(config_names); i++)
			if (!hit[i] && umk_glob_match(pat, len, config_names[i],
						      umk_strlen(config_names[i]))) {
				hit[i] = true;
				n++;
			}
	}
	kvd_reply_array(&c->out, 2 * n);
	for (i = 0; i < UMK_ARRAY_SIZE(config_names); i++) {
		if (!hit[i])
			continue;
		config_value(config_names[i], val, sizeof(val));
		kvd_reply_cstr(&c->out, config_names[i]);
		kvd_reply_cstr(&c->out, val);
	}
}

void kvd_cmd_config(struct kvd_client *c, unsigned int argc, struct kvd_arg *a)
{
	if (kvd_arg_is(&a[1], "get")) {
		if (kvd_subcommand_arity(c, argc, -3, "config|get"))
			config_get(c, argc, a);
	} else if (kvd_arg_is(&a[1], "set")) {
		if (kvd_subcommand_arity(c, argc, -4, "config|set"))
			kvd_reply_errorf(&c->out, "ERR Unknown option or number of arguments for CONFIG SET - '%.*s'",
					 (int)UMK_MIN(a[2].len, 128), a[2].p);
	} else if (kvd_arg_is(&a[1], "resetstat")) {
		if (kvd_subcommand_arity(c, argc, 2, "config|resetstat")) {
			long keep = kvd_stat_get(clients);

			umk_memset(&kvd_stats, 0, sizeof(kvd_stats));
			__atomic_store_n(&kvd_stats.clients, keep, __ATOMIC_RELAXED);
			kvd_reply_ok(&c->out);
		}
	} else {
		kvd_reply_errorf(&c->out, "ERR unknown subcommand '%.*s'. Try CONFIG HELP.",
				 (int)UMK_MIN(a[1].len, 128), a[1].p);
	}
}
