/*
 * The keyspace: string keys to string values, in KVD_SHARDS independent
 * hash tables, each behind its own spinlock so tasks on several CPUs
 * rarely meet. A key's shard comes from the top bits of its hash, its
 * bucket from the low bits. Each table grows (and shrinks) by
 * incremental rehash, as Redis's dict: two bucket arrays, and every
 * operation on the shard moves a bucket from the old to the new.
 *
 * An entry is one kmalloc block: header, key, value. Memory in use is
 * the sum of the blocks' real sizes (umk_ksize) and the bucket arrays:
 * that is what --maxmemory limits.
 *
 * Usage: s = kvd_db_lock(key, n, &h); ... kvd_db_find(s, h, ...) ...
 * kvd_db_unlock(s). Between lock and unlock nothing may sleep.
 */
#ifndef KVD_DB_H
#define KVD_DB_H

#include <umk/compiler.h>

#define KVD_SHARD_BITS 6
#define KVD_SHARDS (1u << KVD_SHARD_BITS)

struct kvd_entry {
	struct kvd_entry *next;
	uint64_t hash;
	uint64_t expire_ms; /* absolute kvd_now_ms() deadline, 0: none */
	uint32_t klen, vlen;
	char data[];        /* key bytes, then value bytes */
};

static inline const char *kvd_entry_key(const struct kvd_entry *e)
{
	return e->data;
}

static inline char *kvd_entry_val(struct kvd_entry *e)
{
	return e->data + e->klen;
}

struct kvd_shard;

uint64_t kvd_hash(const char *key, size_t n);
struct kvd_shard *kvd_db_lock(const char *key, size_t n, uint64_t *hash);
struct kvd_shard *kvd_db_lock_index(unsigned int i);
void kvd_db_unlock(struct kvd_shard *s);

/* The live entry for key, or NULL; an expired one is deleted on the way. */
struct kvd_entry *kvd_db_find(struct kvd_shard *s, uint64_t h, const char *key,
			      size_t n, unsigned long long now_ms);
/*
 * Insert or replace key with value; expire_ms as in the entry. Returns
 * the new entry, or NULL when memory is short (old value kept).
 */
struct kvd_entry *kvd_db_set(struct kvd_shard *s, uint64_t h, const char *key,
			     size_t n, const char *val, size_t vlen,
			     uint64_t expire_ms);
/* Change a live entry's deadline (0: persist). */
void kvd_db_set_expire(struct kvd_shard *s, struct kvd_entry *e,
		       uint64_t expire_ms);
/* Remove key; true if it was there (and live). */
bool kvd_db_delete(struct kvd_shard *s, uint64_t h, const char *key, size_t n,
		   unsigned long long now_ms);

/*
 * Call fn for each live entry of a locked shard (KEYS); fn returns false
 * to stop. Returns false if fn stopped.
 */
bool kvd_db_for_each(struct kvd_shard *s, unsigned long long now_ms,
		     bool (*fn)(struct kvd_entry *e, void *arg), void *arg);
/*
 * Active expiry on a locked shard: look at up to max_buckets buckets
 * from the shard's cursor, delete expired entries, and advance any
 * rehash in progress. Returns entries deleted.
 */
unsigned int kvd_db_expire_scan(struct kvd_shard *s, unsigned long long now_ms,
				unsigned int max_buckets);

/* Empty every shard; returns keys removed. */
unsigned long long kvd_db_flush(void);
unsigned long long kvd_db_size(void);
unsigned long long kvd_db_volatile(void);
/* Bytes of entries and tables in use. */
unsigned long long kvd_db_used_memory(void);
/* True when --maxmemory is set and used memory is over it. */
bool kvd_db_over_maxmemory(void);
int kvd_db_init(void);

#endif
