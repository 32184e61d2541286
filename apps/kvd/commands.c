/*
 * The command table and the commands. Replies and error texts are those
 * of Redis 7.0, so redis-cli and redis-benchmark see a Redis. Each
 * command touches a key under its shard's lock only (see db.h): a
 * multi-key command (DEL, MGET, MSET) is atomic per key, not as a whole.
 */
#include <umk/printk.h>
#include <umk/slab.h>
#include <umk/string.h>
#include <umk/time.h>
#include "apps/kvd/client.h"
#include "apps/kvd/db.h"

#define CMD_WRITE 0x1   /* "write" in COMMAND */
#define CMD_DENYOOM 0x2 /* refused when over maxmemory */
#define CMD_FAST 0x4
#define CMD_READONLY 0x8

typedef void kvd_cmd_fn(struct kvd_client *c, unsigned int argc,
			struct kvd_arg *argv);

struct kvd_command {
	const char *name;
	kvd_cmd_fn *fn;
	int arity; /* n: exactly n words; -n: at least n */
	unsigned int flags;
	int firstkey, lastkey, step;
};

unsigned long long kvd_now_ms(void)
{
	return umk_time_ns() / UMK_NSEC_PER_MSEC;
}

bool kvd_arg_is(const struct kvd_arg *a, const char *word)
{
	size_t i;

	for (i = 0; i < a->len; i++) {
		char ch = a->p[i];

		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch + 'a' - 'A');
		if (ch != word[i] || !word[i])
			return false;
	}
	return word[i] == '\0';
}

static bool cmd_arity_ok(unsigned int argc, int arity)
{
	return arity > 0 ? argc == (unsigned int)arity
			 : argc >= (unsigned int)-arity;
}

bool kvd_subcommand_arity(struct kvd_client *c, unsigned int argc, int arity,
			  const char *fullname)
{
	if (cmd_arity_ok(argc, arity))
		return true;
	kvd_reply_errorf(&c->out, "ERR wrong number of arguments for '%s' command",
			 fullname);
	return false;
}

static bool cmd_getll(const struct kvd_arg *a, long long *v)
{
	return resp_strtoll(a->p, a->len, v);
}

/* ---- Connection ---- */

static void cmd_ping(struct kvd_client *c, unsigned int argc, struct kvd_arg *a)
{
	if (argc > 2) {
		kvd_reply_error(&c->out, "ERR wrong number of arguments for 'ping' command");
		return;
	}
	if (argc == 2)
		kvd_reply_bulk(&c->out, a[1].p, a[1].len);
	else
		kvd_reply_status(&c->out, "PONG");
}

static void cmd_echo(struct kvd_client *c, unsigned int argc, struct kvd_arg *a)
{
	(void)argc;
	kvd_reply_bulk(&c->out, a[1].p, a[1].len);
}

static void cmd_quit(struct kvd_client *c, unsigned int argc, struct kvd_arg *a)
{
	(void)argc;
	(void)a;
	kvd_reply_ok(&c->out);
	c->closing = true;
}

static void cmd_select(struct kvd_client *c, unsigned int argc, struct kvd_arg *a)
{
	long long db;

	(void)argc;
	if (!cmd_getll(&a[1], &db) || db < INT32_MIN || db > INT32_MAX)
		kvd_reply_error(&c->out, KVD_ERR_NOTINT);
	else if (db != 0)
		kvd_reply_error(&c->out, "ERR DB index is out of range");
	else
		kvd_reply_ok(&c->out);
}

/* ---- Strings ---- */

static void cmd_get(struct kvd_client *c, unsigned int argc, struct kvd_arg *a)
{
	struct kvd_shard *s;
	struct kvd_entry *e;
	uint64_t h;

	(void)argc;
	s = kvd_db_lock(a[1].p, a[1].len, &h);
	e = kvd_db_find(s, h, a[1].p, a[1].len, kvd_now_ms());
	if (e)
		kvd_reply_bulk(&c->out, kvd_entry_val(e), e->vlen);
	else
		kvd_reply_null(&c->out);
	kvd_db_unlock(s);
	if (e)
		kvd_stat_add(hits, 1);
	else
		kvd_stat_add(misses, 1);
}

#define SET_NX 0x1
#define SET_XX 0x2
#define SET_GET 0x4
#define SET_KEEPTTL 0x8
#define SET_EX 0x10
#define SET_PX 0x20
#define SET_EXAT 0x40
#define SET_PXAT 0x80
#define SET_ANY_TTL (SET_KEEPTTL | SET_EX | SET_PX | SET_EXAT | SET_PXAT)

/*
 * Parse SET's options as Redis's parseExtendedStringArgumentsOrReply:
 * NX/XX exclusive, one kind of expiry (repeating the same kind is
 * allowed, the last one wins). Returns false after replying an error.
 */
static bool set_parse(struct kvd_client *c, unsigned int argc,
		      struct kvd_arg *a, unsigned int *flags,
		      unsigned long long *expire_ms)
{
	static const struct {
		const char *word;
		unsigned int flag, excludes;
	} opts[] = {
		{ "nx", SET_NX, SET_XX },
		{ "xx", SET_XX, SET_NX },
		{ "get", SET_GET, 0 },
		{ "keepttl", SET_KEEPTTL, SET_ANY_TTL & ~SET_KEEPTTL },
		{ "ex", SET_EX, SET_ANY_TTL & ~SET_EX },
		{ "px", SET_PX, SET_ANY_TTL & ~SET_PX },
		{ "exat", SET_EXAT, SET_ANY_TTL & ~SET_EXAT },
		{ "pxat", SET_PXAT, SET_ANY_TTL & ~SET_PXAT },
	};
	struct kvd_arg *when = NULL;
	long long v;
	unsigned int j, k;

	for (j = 3; j < argc; j++) {
		for (k = 0; k < UMK_ARRAY_SIZE(opts); k++)
			if (kvd_arg_is(&a[j], opts[k].word))
				break;
		if (k == UMK_ARRAY_SIZE(opts) || (*flags & opts[k].excludes)) {
			kvd_reply_error(&c->out, KVD_ERR_SYNTAX);
			return false;
		}
		if (opts[k].flag & (SET_EX | SET_PX | SET_EXAT | SET_PXAT)) {
			if (j + 1 >= argc) {
				kvd_reply_error(&c->out, KVD_ERR_SYNTAX);
				return false;
			}
			when = &a[++j];
		}
		*flags |= opts[k].flag;
	}
	if (!when)
		return true;
	if (!cmd_getll(when, &v)) {
		kvd_reply_error(&c->out, KVD_ERR_NOTINT);
		return false;
	}
	if (v <= 0 || ((*flags & (SET_EX | SET_EXAT)) && v > INT64_MAX / 1000))
		goto invalid;
	if (*flags & (SET_EX | SET_EXAT))
		v *= 1000;
	if (*flags & (SET_EXAT | SET_PXAT)) {
		/* Absolute Unix times: kvd has no wall clock, so they count
		 * from boot (they are in the past for any real date). */
		*expire_ms = (unsigned long long)v;
		if (*expire_ms <= kvd_now_ms())
			*expire_ms = 1;
		return true;
	}
	if ((unsigned long long)v > (unsigned long long)INT64_MAX - kvd_now_ms())
		goto invalid;
	*expire_ms = kvd_now_ms() + (unsigned long long)v;
	return true;
invalid:
	kvd_reply_error(&c->out, "ERR invalid expire time in 'set' command");
	return false;
}

static void cmd_set(struct kvd_client *c, unsigned int argc, struct kvd_arg *a)
{
	unsigned long long expire_ms = 0, now;
	unsigned int flags = 0;
	struct kvd_shard *s;
	struct kvd_entry *old = NULL, *e;
	size_t mark = c->out.len;
	uint64_t h;

	if (argc > 3 && !set_parse(c, argc, a, &flags, &expire_ms))
		return;
	now = kvd_now_ms();
	s = kvd_db_lock(a[1].p, a[1].len, &h);
	if (flags & (SET_NX | SET_XX | SET_GET | SET_KEEPTTL))
		old = kvd_db_find(s, h, a[1].p, a[1].len, now);
	if (flags & SET_GET) {
		if (old)
			kvd_reply_bulk(&c->out, kvd_entry_val(old), old->vlen);
		else
			kvd_reply_null(&c->out);
	}
	if (((flags & SET_NX) && old) || ((flags & SET_XX) && !old)) {
		kvd_db_unlock(s);
		if (!(flags & SET_GET))
			kvd_reply_null(&c->out);
		return;
	}
	if ((flags & SET_KEEPTTL) && old)
		expire_ms = old->expire_ms;
	e = kvd_db_set(s, h, a[1].p, a[1].len, a[2].p, a[2].len, expire_ms);
	kvd_db_unlock(s);
	if (!e) {
		kvd_out_truncate(&c->out, mark);
		kvd_reply_error(&c->out, KVD_ERR_OOM);
	} else if (!(flags & SET_GET)) {
		kvd_reply_ok(&c->out);
	}
}

static void cmd_del(struct kvd_client *c, unsigned int argc, struct kvd_arg *a)
{
	unsigned long long now = kvd_now_ms();
	long long n = 0;

	for (unsigned int i = 1; i < argc; i++) {
		uint64_t h;
		struct kvd_shard *s = kvd_db_lock(a[i].p, a[i].len, &h);

		n += kvd_db_delete(s, h, a[i].p, a[i].len, now);
		kvd_db_unlock(s);
	}
	kvd_reply_int(&c->out, n);
}

static void cmd_exists(struct kvd_client *c, unsigned int argc, struct kvd_arg *a)
{
	unsigned long long now = kvd_now_ms();
	long long n = 0;

	for (unsigned int i = 1; i < argc; i++) {
		uint64_t h;
		struct kvd_shard *s = kvd_db_lock(a[i].p, a[i].len, &h);

		n += kvd_db_find(s, h, a[i].p, a[i].len, now) != NULL;
		kvd_db_unlock(s);
	}
	kvd_reply_int(&c->out, n);
}

static void incr_by(struct kvd_client *c, struct kvd_arg *key, long long by)
{
	struct kvd_shard *s;
	struct kvd_entry *e;
	long long v = 0;
	char buf[24];
	size_t n;
	uint64_t h;
	const char *err = NULL;

	s = kvd_db_lock(key->p, key->len, &h);
	e = kvd_db_find(s, h, key->p, key->len, kvd_now_ms());
	if (e && !resp_strtoll(kvd_entry_val(e), e->vlen, &v))
		err = KVD_ERR_NOTINT;
	else if ((by < 0 && v < 0 && by < INT64_MIN - v) ||
		 (by > 0 && v > 0 && by > INT64_MAX - v))
		err = "ERR increment or decrement would overflow";
	if (!err) {
		v += by;
		n = kvd_ll2str(buf, v);
		if (e && sizeof(*e) + e->klen + n <= umk_ksize(e)) {
			/* Same block: rewrite in place, keeping the TTL. */
			umk_memcpy(kvd_entry_val(e), buf, n);
			e->vlen = (uint32_t)n;
		} else if (!kvd_db_set(s, h, key->p, key->len, buf, n,
				       e ? e->expire_ms : 0)) {
			err = KVD_ERR_OOM;
		}
	}
	kvd_db_unlock(s);
	if (err)
		kvd_reply_error(&c->out, err);
	else
		kvd_reply_int(&c->out, v);
}

static void cmd_incr(struct kvd_client *c, unsigned int argc, struct kvd_arg *a)
{
	(void)argc;
	incr_by(c, &a[1], 1);
}

static void cmd_decr(struct kvd_client *c, unsigned int argc, struct kvd_arg *a)
{
	(void)argc;
	incr_by(c, &a[1], -1);
}

static void cmd_incrby(struct kvd_client *c, unsigned int argc, struct kvd_arg *a)
{
	long long by;

	(void)argc;
	if (!cmd_getll(&a[2], &by))
		kvd_reply_error(&c->out, KVD_ERR_NOTINT);
	else
		incr_by(c, &a[1], by);
}

static void cmd_decrby(struct kvd_client *c, unsigned int argc, struct kvd_arg *a)
{
	long long by;

	(void)argc;
	if (!cmd_getll(&a[2], &by))
		kvd_reply_error(&c->out, KVD_ERR_NOTINT);
	else if (by == INT64_MIN)
		kvd_reply_error(&c->out, "ERR decrement would overflow");
	else
		incr_by(c, &a[1], -by);
}

static void cmd_mget(struct kvd_client *c, unsigned int argc, struct kvd_arg *a)
{
	unsigned long long now = kvd_now_ms();

	kvd_reply_array(&c->out, argc - 1);
	for (unsigned int i = 1; i < argc; i++) {
		uint64_t h;
		struct kvd_shard *s = kvd_db_lock(a[i].p, a[i].len, &h);
		struct kvd_entry *e = kvd_db_find(s, h, a[i].p, a[i].len, now);

		if (e)
			kvd_reply_bulk(&c->out, kvd_entry_val(e), e->vlen);
		else
			kvd_reply_null(&c->out);
		kvd_db_unlock(s);
	}
}

static void cmd_mset(struct kvd_client *c, unsigned int argc, struct kvd_arg *a)
{
	if (argc % 2 == 0) {
		kvd_reply_error(&c->out, "ERR wrong number of arguments for 'mset' command");
		return;
	}
	for (unsigned int i = 1; i < argc; i += 2) {
		uint64_t h;
		struct kvd_shard *s = kvd_db_lock(a[i].p, a[i].len, &h);
		struct kvd_entry *e = kvd_db_set(s, h, a[i].p, a[i].len,
						 a[i + 1].p, a[i + 1].len, 0);

		kvd_db_unlock(s);
		if (!e) {
			kvd_reply_error(&c->out, KVD_ERR_OOM);
			return;
		}
	}
	kvd_reply_ok(&c->out);
}

/* ---- Expiry ---- */

#define EXPIRE_NX 0x1
#define EXPIRE_XX 0x2
#define EXPIRE_GT 0x4
#define EXPIRE_LT 0x8

static bool expire_flags(struct kvd_client *c, unsigned int argc,
			 struct kvd_arg *a, unsigned int *flags)
{
	static const char *const words[] = { "nx", "xx", "gt", "lt" };

	for (unsigned int j = 3; j < argc; j++) {
		unsigned int k;

		for (k = 0; k < UMK_ARRAY_SIZE(words); k++)
			if (kvd_arg_is(&a[j], words[k]))
				break;
		if (k == UMK_ARRAY_SIZE(words)) {
			kvd_reply_errorf(&c->out, "ERR Unsupported option %.*s",
					 (int)UMK_MIN(a[j].len, 128), a[j].p);
			return false;
		}
		*flags |= 1u << k;
	}
	if ((*flags & EXPIRE_NX) && (*flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT))) {
		kvd_reply_error(&c->out, "ERR NX and XX, GT or LT options at the same time are not compatible");
		return false;
	}
	if ((*flags & EXPIRE_GT) && (*flags & EXPIRE_LT)) {
		kvd_reply_error(&c->out, "ERR GT and LT options at the same time are not compatible");
		return false;
	}
	return true;
}

/* May the deadline of e become when, under flags? */
static bool expire_allowed(const struct kvd_entry *e, unsigned int flags,
			   long long when)
{
	long long cur = (long long)e->expire_ms;

	if ((flags & EXPIRE_NX) && cur)
		return false;
	if ((flags & EXPIRE_XX) && !cur)
		return false;
	if ((flags & EXPIRE_GT) && (!cur || when <= cur))
		return false;
	if ((flags & EXPIRE_LT) && cur && when >= cur)
		return false;
	return true;
}

static void expire_generic(struct kvd_client *c, unsigned int argc,
			   struct kvd_arg *a, bool seconds, const char *name)
{
	long long when, now = (long long)kvd_now_ms();
	unsigned int flags = 0;
	struct kvd_shard *s;
	struct kvd_entry *e;
	uint64_t h;
	long long reply = 0;

	if (!cmd_getll(&a[2], &when)) {
		kvd_reply_error(&c->out, KVD_ERR_NOTINT);
		return;
	}
	if (!expire_flags(c, argc, a, &flags))
		return;
	if (seconds && (when > INT64_MAX / 1000 || when < INT64_MIN / 1000))
		goto invalid;
	if (seconds)
		when *= 1000;
	if (when > INT64_MAX - now)
		goto invalid;
	when += now;
	s = kvd_db_lock(a[1].p, a[1].len, &h);
	e = kvd_db_find(s, h, a[1].p, a[1].len, (unsigned long long)now);
	if (e && expire_allowed(e, flags, when)) {
		if (when <= now)
			kvd_db_delete(s, h, a[1].p, a[1].len,
				      (unsigned long long)now);
		else
			kvd_db_set_expire(s, e, (unsigned long long)when);
		reply = 1;
	}
	kvd_db_unlock(s);
	kvd_reply_int(&c->out, reply);
	return;
invalid:
	kvd_reply_errorf(&c->out, "ERR invalid expire time in '%s' command", name);
}

static void cmd_expire(struct kvd_client *c, unsigned int argc, struct kvd_arg *a)
{
	expire_generic(c, argc, a, true, "expire");
}

static void cmd_pexpire(struct kvd_client *c, unsigned int argc, struct kvd_arg *a)
{
	expire_generic(c, argc, a, false, "pexpire");
}

static void ttl_generic(struct kvd_client *c, struct kvd_arg *key, bool ms)
{
	unsigned long long now = kvd_now_ms();
	struct kvd_shard *s;
	struct kvd_entry *e;
	long long ttl = -2;
	uint64_t h;

	s = kvd_db_lock(key->p, key->len, &h);
	e = kvd_db_find(s, h, key->p, key->len, now);
	if (e)
		ttl = e->expire_ms ? (long long)(e->expire_ms - now) : -1;
	kvd_db_unlock(s);
	if (ttl >= 0 && !ms)
		ttl = (ttl + 500) / 1000;
	kvd_reply_int(&c->out, ttl);
}

static void cmd_ttl(struct kvd_client *c, unsigned int argc, struct kvd_arg *a)
{
	(void)argc;
	ttl_generic(c, &a[1], false);
}

static void cmd_pttl(struct kvd_client *c, unsigned int argc, struct kvd_arg *a)
{
	(void)argc;
	ttl_generic(c, &a[1], true);
}

static void cmd_persist(struct kvd_client *c, unsigned int argc, struct kvd_arg *a)
{
	struct kvd_shard *s;
	struct kvd_entry *e;
	uint64_t h;
	long long reply = 0;

	(void)argc;
	s = kvd_db_lock(a[1].p, a[1].len, &h);
	e = kvd_db_find(s, h, a[1].p, a[1].len, kvd_now_ms());
	if (e && e->expire_ms) {
		kvd_db_set_expire(s, e, 0);
		reply = 1;
	}
	kvd_db_unlock(s);
	kvd_reply_int(&c->out, reply);
}

/* ---- Keyspace ---- */

struct keys_walk {
	struct kvd_out *out;
	const struct kvd_arg *pattern;
	bool all;
	long long n;
};

static bool keys_one(struct kvd_entry *e, void *arg)
{
	struct keys_walk *w = arg;

	if (!w->all && !umk_glob_match(w->pattern->p, w->pattern->len,
				       kvd_entry_key(e), e->klen))
		return true;
	kvd_reply_bulk(w->out, kvd_entry_key(e), e->klen);
	w->n++;
	return !w->out->overflow;
}

/*
 * KEYS: the count comes first in the reply but is known last, so the
 * keys are written after room for the longest header, which is then
 * filled in and the keys moved up against it.
 */
static void cmd_keys(struct kvd_client *c, unsigned int argc, struct kvd_arg *a)
{
	struct keys_walk w = { &c->out, &a[1], a[1].len == 1 && a[1].p[0] == '*', 0 };
	unsigned long long now = kvd_now_ms();
	size_t mark = c->out.len, body;
	char hdr[32];
	size_t hn;

	(void)argc;
	if (!kvd_out_reserve(&c->out, sizeof(hdr)))
		goto toobig;
	c->out.len += sizeof(hdr);
	body = c->out.len;
	for (unsigned int i = 0; i < KVD_SHARDS && !c->out.overflow; i++) {
		struct kvd_shard *s = kvd_db_lock_index(i);

		kvd_db_for_each(s, now, keys_one, &w);
		kvd_db_unlock(s);
	}
	if (c->out.overflow)
		goto toobig;
	hdr[0] = '*';
	hn = 1 + kvd_ll2str(hdr + 1, w.n);
	hdr[hn++] = '\r';
	hdr[hn++] = '\n';
	umk_memcpy(c->out.buf + mark, hdr, hn);
	umk_memmove(c->out.buf + mark + hn, c->out.buf + body, c->out.len - body);
	c->out.len -= body - mark - hn;
	return;
toobig:
	kvd_out_truncate(&c->out, mark);
	kvd_reply_errorf(&c->out, "ERR KEYS reply exceeds the output buffer limit (%zu bytes)",
			 c->out.limit);
}

static void cmd_dbsize(struct kvd_client *c, unsigned int argc, struct kvd_arg *a)
{
	(void)argc;
	(void)a;
	kvd_reply_int(&c->out, (long long)kvd_db_size());
}

static void cmd_flushall(struct kvd_client *c, unsigned int argc, struct kvd_arg *a)
{
	if (argc > 2 || (argc == 2 && !kvd_arg_is(&a[1], "sync") &&
			 !kvd_arg_is(&a[1], "async"))) {
		kvd_reply_error(&c->out, KVD_ERR_SYNTAX);
		return;
	}
	kvd_db_flush();
	kvd_reply_ok(&c->out);
}

/* ---- The table ---- */

static kvd_cmd_fn cmd_command;

static const struct kvd_command kvd_commands[] = {
	{ "get", cmd_get, 2, CMD_READONLY | CMD_FAST, 1, 1, 1 },
	{ "set", cmd_set, -3, CMD_WRITE | CMD_DENYOOM, 1, 1, 1 },
	{ "ping", cmd_ping, -1, CMD_FAST, 0, 0, 0 },
	{ "incr", cmd_incr, 2, CMD_WRITE | CMD_DENYOOM | CMD_FAST, 1, 1, 1 },
	{ "decr", cmd_decr, 2, CMD_WRITE | CMD_DENYOOM | CMD_FAST, 1, 1, 1 },
	{ "incrby", cmd_incrby, 3, CMD_WRITE | CMD_DENYOOM | CMD_FAST, 1, 1, 1 },
	{ "decrby", cmd_decrby, 3, CMD_WRITE | CMD_DENYOOM | CMD_FAST, 1, 1, 1 },
	{ "mget", cmd_mget, -2, CMD_READONLY | CMD_FAST, 1, -1, 1 },
	{ "mset", cmd_mset, -3, CMD_WRITE | CMD_DENYOOM, 1, -1, 2 },
	{ "del", cmd_del, -2, CMD_WRITE, 1, -1, 1 },
	{ "exists", cmd_exists, -2, CMD_READONLY | CMD_FAST, 1, -1, 1 },
	{ "echo", cmd_echo, 2, CMD_FAST, 0, 0, 0 },
	{ "expire", cmd_expire, -3, CMD_WRITE | CMD_FAST, 1, 1, 1 },
	{ "pexpire", cmd_pexpire, -3, CMD_WRITE | CMD_FAST, 1, 1, 1 },
	{ "ttl", cmd_ttl, 2, CMD_READONLY | CMD_FAST, 1, 1, 1 },
	{ "pttl", cmd_pttl, 2, CMD_READONLY | CMD_FAST, 1, 1, 1 },
	{ "persist", cmd_persist, 2, CMD_WRITE | CMD_FAST, 1, 1, 1 },
	{ "keys", cmd_keys, 2, CMD_READONLY, 0, 0, 0 },
	{ "dbsize", cmd_dbsize, 1, CMD_READONLY | CMD_FAST, 0, 0, 0 },
	{ "flushall", cmd_flushall, -1, CMD_WRITE, 0, 0, 0 },
	{ "flushdb", cmd_flushall, -1, CMD_WRITE, 0, 0, 0 },
	{ "select", cmd_select, 2, CMD_FAST, 0, 0, 0 },
	{ "info", kvd_cmd_info, -1, 0, 0, 0, 0 },
	{ "config", kvd_cmd_config, -2, 0, 0, 0, 0 },
	{ "command", cmd_command, -1, 0, 0, 0, 0 },
	{ "quit", cmd_quit, -1, CMD_FAST, 0, 0, 0 },
};

unsigned int kvd_command_count(void)
{
	return UMK_ARRAY_SIZE(kvd_commands);
}

static const struct kvd_command *cmd_lookup(const struct kvd_arg *name)
{
	for (unsigned int i = 0; i < UMK_ARRAY_SIZE(kvd_commands); i++)
		if (kvd_arg_is(name, kvd_commands[i].name))
			return &kvd_commands[i];
	return NULL;
}

static void cmd_reply_flags(struct kvd_out *o, unsigned int flags)
{
	kvd_reply_array(o, !!(flags & CMD_WRITE) + !!(flags & CMD_READONLY) +
				   !!(flags & CMD_DENYOOM) + !!(flags & CMD_FAST));
	if (flags & CMD_WRITE)
		kvd_reply_status(o, "write");
	if (flags & CMD_READONLY)
		kvd_reply_status(o, "readonly");
	if (flags & CMD_DENYOOM)
		kvd_reply_status(o, "denyoom");
	if (flags & CMD_FAST)
		kvd_reply_status(o, "fast");
}

/* One COMMAND INFO entry, in Redis 7.0's ten-field shape. */
static void cmd_reply_info(struct kvd_out *o, const struct kvd_command *cmd)
{
	kvd_reply_array(o, 10);
	kvd_reply_cstr(o, cmd->name);
	kvd_reply_int(o, cmd->arity);
	cmd_reply_flags(o, cmd->flags);
	kvd_reply_int(o, cmd->firstkey);
	kvd_reply_int(o, cmd->lastkey);
	kvd_reply_int(o, cmd->step);
	for (int i = 0; i < 4; i++) /* ACL categories, tips, key specs, subcommands */
		kvd_reply_array(o, 0);
}

static void cmd_command(struct kvd_client *c, unsigned int argc, struct kvd_arg *a)
{
	struct kvd_out *o = &c->out;
	unsigned int i, n = kvd_command_count();

	if (argc == 1) {
		kvd_reply_array(o, n);
		for (i = 0; i < n; i++)
			cmd_reply_info(o, &kvd_commands[i]);
	} else if (kvd_arg_is(&a[1], "count")) {
		if (kvd_subcommand_arity(c, argc, 2, "command|count"))
			kvd_reply_int(o, n);
	} else if (kvd_arg_is(&a[1], "docs")) {
		kvd_reply_array(o, 0); /* no documentation: an empty map */
	} else if (kvd_arg_is(&a[1], "list")) {
		kvd_reply_array(o, n);
		for (i = 0; i < n; i++)
			kvd_reply_cstr(o, kvd_commands[i].name);
	} else if (kvd_arg_is(&a[1], "info")) {
		kvd_reply_array(o, argc - 2);
		for (i = 2; i < argc; i++) {
			const struct kvd_command *cmd = cmd_lookup(&a[i]);

			if (cmd)
				cmd_reply_info(o, cmd);
			else
				kvd_reply_null(o);
		}
	} else {
		kvd_reply_errorf(o, "ERR unknown subcommand '%.*s'. Try COMMAND HELP.",
				 (int)UMK_MIN(a[1].len, 128), a[1].p);
	}
}

/* "ERR unknown command 'x', with args beginning with: 'a' 'b' " */
static void cmd_unknown(struct kvd_client *c, unsigned int argc,
			struct kvd_arg *a)
{
	char args[160];
	size_t n = 0;

	args[0] = '\0';
	for (unsigned int i = 1; i < argc && n < 128; i++)
		n += (size_t)umk_snprintf(args + n, sizeof(args) - n, "'%.*s' ",
					  (int)UMK_MIN(a[i].len, 128 - n), a[i].p);
	kvd_reply_errorf(&c->out, "ERR unknown command '%.*s', with args beginning with: %s",
			 (int)UMK_MIN(a[0].len, 128), a[0].p, args);
}

void kvd_exec(struct kvd_client *c, unsigned int argc, struct kvd_arg *a)
{
	const struct kvd_command *cmd = cmd_lookup(&a[0]);

	if (!cmd) {
		cmd_unknown(c, argc, a);
		return;
	}
	if (!cmd_arity_ok(argc, cmd->arity)) {
		kvd_reply_errorf(&c->out, "ERR wrong number of arguments for '%s' command",
				 cmd->name);
		return;
	}
	if ((cmd->flags & CMD_DENYOOM) && kvd_db_over_maxmemory()) {
		kvd_reply_error(&c->out, KVD_ERR_OOM);
		return;
	}
	cmd->fn(c, argc, a);
}
