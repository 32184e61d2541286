/*
 * The sharded keyspace (see db.h).
 *
 * Rehash: a table grows when it holds as many entries as buckets and
 * shrinks when it holds fewer than an eighth. Growing allocates the new
 * array and marks the shard rehashing; from then on each lookup, insert
 * or delete moves one bucket of the old array (skipping at most ten empty
 * ones), inserts go to the new array, and lookups try both, so no
 * operation ever pays for the whole table. The active expiry scan also
 * moves buckets, so a shard nobody touches still finishes its rehash.
 */
#include <umk/slab.h>
#include <umk/spinlock.h>
#include <umk/string.h>
#include <umk/time.h>
#include "apps/kvd/db.h"
#include "apps/kvd/kvd.h"

#define DB_INITIAL_BUCKETS 16
#define DB_MAX_BUCKETS ((4u << 20) / sizeof(void *)) /* one kmalloc block */
#define DB_EMPTY_VISITS 10

struct db_table {
	struct kvd_entry **b;
	size_t size; /* power of two, or 0 */
	size_t used;
};

struct kvd_shard {
	umk_spinlock_t lock;
	struct db_table t[2];
	long rehash;           /* next bucket of t[0] to move, -1: none */
	size_t cursor;         /* active expiry position in t[0] */
	size_t nvolatile;      /* entries with a deadline */
} UMK_ALIGNED(UMK_CACHELINE);

static struct kvd_shard db_shards[KVD_SHARDS];
static unsigned long long db_used_bytes;
static uint64_t db_seed = 0x9e3779b97f4a7c15ULL;

static void db_mem_add(long long n)
{
	__atomic_fetch_add(&db_used_bytes, (unsigned long long)n,
			   __ATOMIC_RELAXED);
}

unsigned long long kvd_db_used_memory(void)
{
	return __atomic_load_n(&db_used_bytes, __ATOMIC_RELAXED);
}

bool kvd_db_over_maxmemory(void)
{
	return kvd_cfg.maxmemory && kvd_db_used_memory() > kvd_cfg.maxmemory;
}

/* 64-bit hash: 8 bytes at a time, multiply-xorshift mixing. */
static uint64_t db_mix(uint64_t h)
{
	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ULL;
	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ULL;
	h ^= h >> 32;
	return h;
}

uint64_t kvd_hash(const char *key, size_t n)
{
	uint64_t h = db_seed ^ (n * 0xff51afd7ed558ccdULL), w;

	while (n >= 8) {
		__builtin_memcpy(&w, key, 8);
		h = db_mix(h ^ w) + 0x9e3779b97f4a7c15ULL;
		key += 8;
		n -= 8;
	}
	w = 0;
	__builtin_memcpy(&w, key, n);
	return db_mix(h ^ w ^ (uint64_t)n << 56);
}

struct kvd_shard *kvd_db_lock(const char *key, size_t n, uint64_t *hash)
{
	struct kvd_shard *s;

	*hash = kvd_hash(key, n);
	s = &db_shards[*hash >> (64 - KVD_SHARD_BITS)];
	umk_spin_lock(&s->lock);
	return s;
}

struct kvd_shard *kvd_db_lock_index(unsigned int i)
{
	struct kvd_shard *s = &db_shards[i % KVD_SHARDS];

	umk_spin_lock(&s->lock);
	return s;
}

void kvd_db_unlock(struct kvd_shard *s)
{
	umk_spin_unlock(&s->lock);
}

static size_t db_entry_size(const struct kvd_entry *e)
{
	return umk_ksize(e);
}

static void db_entry_free(struct kvd_shard *s, struct kvd_entry *e)
{
	if (s && e->expire_ms)
		s->nvolatile--;
	db_mem_add(-(long long)db_entry_size(e));
	umk_kfree(e);
}

/* ---- Tables and rehash ---- */

static bool db_table_alloc(struct db_table *t, size_t size)
{
	t->b = umk_kzalloc(size * sizeof(*t->b));
	if (!t->b)
		return false;
	t->size = size;
	t->used = 0;
	db_mem_add((long long)umk_ksize(t->b));
	return true;
}

static void db_table_release(struct db_table *t)
{
	if (t->b) {
		db_mem_add(-(long long)umk_ksize(t->b));
		umk_kfree(t->b);
	}
	t->b = NULL;
	t->size = t->used = 0;
}

static bool db_rehashing(const struct kvd_shard *s)
{
	return s->rehash >= 0;
}

/* Move up to n buckets of t[0] into t[1]; finish when t[0] is empty. */
static void db_rehash_step(struct kvd_shard *s, unsigned int n)
{
	unsigned int empty = n * DB_EMPTY_VISITS;

	while (n-- && s->t[0].used) {
		struct kvd_entry *e, *next;

		while (!s->t[0].b[s->rehash]) {
			s->rehash++;
			if (--empty == 0)
				return;
		}
		for (e = s->t[0].b[s->rehash]; e; e = next) {
			size_t i = e->hash & (s->t[1].size - 1);

			next = e->next;
			e->next = s->t[1].b[i];
			s->t[1].b[i] = e;
			s->t[0].used--;
			s->t[1].used++;
		}
		s->t[0].b[s->rehash++] = NULL;
	}
	if (s->t[0].used == 0) {
		db_table_release(&s->t[0]);
		s->t[0] = s->t[1];
		s->t[1].b = NULL;
		s->t[1].size = s->t[1].used = 0;
		s->rehash = -1;
		s->cursor = 0;
	}
}

static void db_resize(struct kvd_shard *s, size_t size)
{
	if (db_rehashing(s) || size == s->t[0].size || size > DB_MAX_BUCKETS)
		return;
	if (!db_table_alloc(&s->t[1], size))
		return; /* out of memory: stay as we are */
	s->rehash = 0;
}

static void db_maybe_resize(struct kvd_shard *s)
{
	size_t used = s->t[0].used, size = s->t[0].size;

	if (db_rehashing(s))
		return;
	if (used >= size)
		db_resize(s, size * 2);
	else if (size > DB_INITIAL_BUCKETS && used < size / 8)
		db_resize(s, UMK_MAX(DB_INITIAL_BUCKETS, size / 4));
}

/* ---- Lookup ---- */

/* The link that points at key's entry (or at NULL), in table t. */
static struct kvd_entry **db_link(struct db_table *t, uint64_t h,
				  const char *key, size_t n)
{
	struct kvd_entry **pp;

	if (!t->size)
		return NULL;
	for (pp = &t->b[h & (t->size - 1)]; *pp; pp = &(*pp)->next) {
		struct kvd_entry *e = *pp;

		if (e->hash == h && e->klen == n &&
		    umk_memcmp(e->data, key, n) == 0)
			return pp;
	}
	return pp;
}

/* Link of key's entry in whichever table has it, and that table. */
static struct kvd_entry **db_lookup(struct kvd_shard *s, uint64_t h,
				    const char *key, size_t n,
				    struct db_table **tp)
{
	struct kvd_entry **pp;

	if (db_rehashing(s))
		db_rehash_step(s, 1);
	pp = db_link(&s->t[0], h, key, n);
	*tp = &s->t[0];
	if ((!pp || !*pp) && db_rehashing(s)) {
		pp = db_link(&s->t[1], h, key, n);
		*tp = &s->t[1];
	}
	return pp;
}

static void db_unlink(struct kvd_shard *s, struct db_table *t,
		      struct kvd_entry **pp)
{
	struct kvd_entry *e = *pp;

	*pp = e->next;
	t->used--;
	db_entry_free(s, e);
}

static bool db_expired(const struct kvd_entry *e, unsigned long long now_ms)
{
	return e->expire_ms && e->expire_ms <= now_ms;
}

struct kvd_entry *kvd_db_find(struct kvd_shard *s, uint64_t h, const char *key,
			      size_t n, unsigned long long now_ms)
{
	struct db_table *t;
	struct kvd_entry **pp = db_lookup(s, h, key, n, &t);

	if (!pp || !*pp)
		return NULL;
	if (db_expired(*pp, now_ms)) {
		db_unlink(s, t, pp);
		kvd_stat_add(expired, 1);
		db_maybe_resize(s);
		return NULL;
	}
	return *pp;
}

struct kvd_entry *kvd_db_set(struct kvd_shard *s, uint64_t h, const char *key,
			     size_t n, const char *val, size_t vlen,
			     uint64_t expire_ms)
{
	struct db_table *t;
	struct kvd_entry **pp, *e;

	if (!s->t[0].size && !db_table_alloc(&s->t[0], DB_INITIAL_BUCKETS))
		return NULL;
	if (n > UINT32_MAX || vlen > UINT32_MAX)
		return NULL;
	e = umk_kmalloc(sizeof(*e) + n + vlen);
	if (!e)
		return NULL;
	db_mem_add((long long)db_entry_size(e));
	e->hash = h;
	e->expire_ms = expire_ms;
	e->klen = (uint32_t)n;
	e->vlen = (uint32_t)vlen;
	umk_memcpy(e->data, key, n);
	umk_memcpy(e->data + n, val, vlen);
	if (expire_ms)
		s->nvolatile++;

	pp = db_lookup(s, h, key, n, &t);
	if (*pp) { /* replace in place */
		struct kvd_entry *old = *pp;

		e->next = old->next;
		*pp = e;
		db_entry_free(s, old);
		return e;
	}
	t = db_rehashing(s) ? &s->t[1] : &s->t[0];
	pp = &t->b[h & (t->size - 1)];
	e->next = *pp;
	*pp = e;
	t->used++;
	db_maybe_resize(s);
	return e;
}

void kvd_db_set_expire(struct kvd_shard *s, struct kvd_entry *e,
		       uint64_t expire_ms)
{
	if (!e->expire_ms && expire_ms)
		s->nvolatile++;
	else if (e->expire_ms && !expire_ms)
		s->nvolatile--;
	e->expire_ms = expire_ms;
}

bool kvd_db_delete(struct kvd_shard *s, uint64_t h, const char *key, size_t n,
		   unsigned long long now_ms)
{
	struct db_table *t;
	struct kvd_entry **pp = db_lookup(s, h, key, n, &t);
	bool live;

	if (!pp || !*pp)
		return false;
	live = !db_expired(*pp, now_ms);
	if (!live)
		kvd_stat_add(expired, 1);
	db_unlink(s, t, pp);
	db_maybe_resize(s);
	return live;
}

bool kvd_db_for_each(struct kvd_shard *s, unsigned long long now_ms,
		     bool (*fn)(struct kvd_entry *e, void *arg), void *arg)
{
	for (int k = 0; k < 2; k++) {
		struct db_table *t = &s->t[k];

		for (size_t i = 0; i < t->size; i++)
			for (struct kvd_entry *e = t->b[i]; e; e = e->next)
				if (!db_expired(e, now_ms) && !fn(e, arg))
					return false;
	}
	return true;
}

unsigned int kvd_db_expire_scan(struct kvd_shard *s, unsigned long long now_ms,
				unsigned int max_buckets)
{
	unsigned int deleted = 0;

	if (db_rehashing(s)) {
		db_rehash_step(s, max_buckets);
		return 0;
	}
	if (!s->nvolatile || !s->t[0].size) {
		db_maybe_resize(s);
		return 0;
	}
	while (max_buckets--) {
		struct kvd_entry **pp;

		if (s->cursor >= s->t[0].size)
			s->cursor = 0;
		pp = &s->t[0].b[s->cursor++];
		while (*pp) {
			if (db_expired(*pp, now_ms)) {
				db_unlink(s, &s->t[0], pp);
				deleted++;
			} else {
				pp = &(*pp)->next;
			}
		}
	}
	if (deleted) {
		kvd_stat_add(expired, deleted);
		db_maybe_resize(s);
	}
	return deleted;
}

/* ---- Whole keyspace ---- */

static void db_free_chain(struct kvd_entry *e)
{
	while (e) {
		struct kvd_entry *next = e->next;

		db_entry_free(NULL, e);
		e = next;
	}
}

unsigned long long kvd_db_flush(void)
{
	unsigned long long removed = 0;

	for (unsigned int i = 0; i < KVD_SHARDS; i++) {
		struct kvd_shard *s = &db_shards[i];
		struct db_table old[2];

		/* Detach under the lock; free outside it. */
		umk_spin_lock(&s->lock);
		old[0] = s->t[0];
		old[1] = s->t[1];
		umk_memset(s->t, 0, sizeof(s->t));
		s->rehash = -1;
		s->cursor = 0;
		s->nvolatile = 0;
		umk_spin_unlock(&s->lock);
		for (int k = 0; k < 2; k++) {
			removed += old[k].used;
			for (size_t b = 0; b < old[k].size; b++)
				db_free_chain(old[k].b[b]);
			db_table_release(&old[k]);
		}
	}
	return removed;
}

unsigned long long kvd_db_size(void)
{
	unsigned long long n = 0;

	for (unsigned int i = 0; i < KVD_SHARDS; i++) {
		struct kvd_shard *s = &db_shards[i];

		umk_spin_lock(&s->lock);
		n += s->t[0].used + s->t[1].used;
		umk_spin_unlock(&s->lock);
	}
	return n;
}

unsigned long long kvd_db_volatile(void)
{
	unsigned long long n = 0;

	for (unsigned int i = 0; i < KVD_SHARDS; i++)
		n += UMK_READ_ONCE(db_shards[i].nvolatile);
	return n;
}

int kvd_db_init(void)
{
	for (unsigned int i = 0; i < KVD_SHARDS; i++) {
		umk_spin_lock_init(&db_shards[i].lock);
		db_shards[i].rehash = -1;
	}
	db_seed ^= umk_time_ns_exact() * 0xff51afd7ed558ccdULL;
	return 0;
}
