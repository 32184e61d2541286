/*
 * Slab internals shared by core/slab.c and core/kmalloc.c: the cache
 * structure and the allocation fast path, inline so that kmalloc and
 * umk_cache_alloc compile to a handful of instructions.
 *
 * The fast path is a magazine (Bonwick): a small stack of free object
 * pointers. With CONFIG_SLAB_PERCPU there is one per CPU, owned by that CPU
 * and touched only with its interrupts (and so preemption) masked, which
 * is a per-CPU flag, not a lock. Without it there is one per cache,
 * behind the cache's spinlock (a no-op on one CPU). When the magazine is
 * empty or full, half a magazine moves between it and the slabs under the
 * cache's lock (the slow path in slab.c).
 */
#ifndef UMK_CORE_SLAB_H
#define UMK_CORE_SLAB_H

#include <umk/config.h>
#include <umk/cpu.h>
#include <umk/list.h>
#include <umk/slab.h>
#include <umk/spinlock.h>
#include "core/mm_asan.h"

/*
 * A magazine holds up to 127 pointers (1 KiB); how many a cache uses
 * depends on its object size (c->mag_limit), so big objects do not pile
 * up in magazines. Half a magazine moves per refill or flush.
 */
#define UMK_SLAB_MAG_SIZE 127
#define UMK_SLAB_NAME_LEN 24

#ifdef CONFIG_SLAB_PERCPU
#define UMK_SLAB_NR_MAGS UMK_NR_CPUS
#else
#define UMK_SLAB_NR_MAGS 1
#endif

/* Internal cache flags, above the public UMK_CACHE_* ones. */
#define UMK_SLAB_DEBUG 0x100   /* poison and state words (DEBUG_KERNEL) */
#define UMK_SLAB_STATIC 0x200  /* a kmalloc cache: never destroyed */
#define UMK_SLAB_ASAN 0x400    /* free objects poisoned for ASan */
#define UMK_SLAB_HOOKS (UMK_CACHE_ZERO | UMK_SLAB_DEBUG | UMK_SLAB_ASAN)

/* Frees go through umk_slab_free_hook only in debug and ASan builds. */
#ifdef UMK_MM_ASAN
#define UMK_SLAB_FREE_HOOK 1
#else
#define UMK_SLAB_FREE_HOOK UMK_IS_ENABLED(CONFIG_DEBUG_KERNEL)
#endif

struct umk_slab_magazine {
	unsigned int count;
	void *objs[UMK_SLAB_MAG_SIZE];
} UMK_ALIGNED(UMK_CACHELINE);

struct umk_cache {
	unsigned int flags; /* first: the fast path reads it before the magazine */
	unsigned int size;        /* bytes the user asked for */
	unsigned int stride;      /* distance between objects in a slab */
	unsigned int free_offset; /* where a free object keeps its link */
	unsigned int order;       /* a slab is 2^order pages */
	unsigned int objs_per_slab;
	unsigned int mag_limit;   /* objects a magazine may hold */
	unsigned int mag_batch;   /* objects moved per refill or flush */
	void (*ctor)(void *obj);

	umk_spinlock_t lock;         /* the lists and counters below */
	struct umk_list_head partial; /* slabs with free and used objects */
	struct umk_list_head full;    /* slabs with no free object */
	struct umk_list_head empty;   /* slabs with no used object */
	unsigned long nr_slabs;
	unsigned long nr_empty;
	unsigned long objs_out; /* objects not on a slab freelist */

	struct umk_list_head cache_node; /* in the list of all caches */
	char name[UMK_SLAB_NAME_LEN];

	struct umk_slab_magazine mag[UMK_SLAB_NR_MAGS];
};

/* Set up a cache in caller-provided memory; 0 or -EINVAL. */
UMK_INTERNAL int umk_slab_cache_init(struct umk_cache *c, const char *name,
				     size_t size, size_t align,
				     unsigned int flags, void (*ctor)(void *));
/* Refill the magazine (growing the cache if needed); runs the hooks. */
UMK_INTERNAL void *umk_slab_alloc_slow(struct umk_cache *c);
UMK_INTERNAL void umk_slab_free_slow(struct umk_cache *c, void *obj);
UMK_INTERNAL void *umk_slab_alloc_hook(struct umk_cache *c, void *obj);
UMK_INTERNAL void umk_slab_free_hook(struct umk_cache *c, void *obj);
/* Register the slab shrinker (from the memory initcall). */
UMK_INTERNAL void umk_slab_init(void);
/* Pages held by all caches. */
UMK_INTERNAL unsigned long umk_slab_total_pages(void);
/* Objects handed out and not freed (magazines count as free). */
UMK_INTERNAL unsigned long umk_slab_active_objects(const struct umk_cache *c);

/* kmalloc (core/kmalloc.c): its caches, and bytes in live blocks. */
UMK_INTERNAL void umk_kmalloc_init(void);
UMK_INTERNAL unsigned long umk_kmalloc_bytes(void);

/* Own this cache's magazine: mask IRQs (and preemption) on this CPU. */
static inline struct umk_slab_magazine *umk_slab_mag_lock(struct umk_cache *c,
							  unsigned long *irqs)
{
	*irqs = umk_local_irq_save();
#ifdef CONFIG_SLAB_PERCPU
	return &c->mag[umk_smp_processor_id()];
#else
	umk_raw_spin_lock(&c->lock);
	return &c->mag[0];
#endif
}

static inline void umk_slab_mag_unlock(struct umk_cache *c, unsigned long irqs)
{
#ifndef CONFIG_SLAB_PERCPU
	umk_raw_spin_unlock(&c->lock);
#else
	(void)c;
#endif
	umk_local_irq_restore(irqs);
}

/*
 * The slow paths are tail calls and run the hooks themselves, so the fast
 * paths need no stack frame.
 */
/*
 * Make c an opaque register: compilers otherwise re-derive it from the
 * caller's array index after every barrier (kmalloc's class table).
 */
#define umk_slab_opaque(c) __asm__("" : "+r"(c))

static inline void *umk_slab_alloc_fast(struct umk_cache *c)
{
	struct umk_slab_magazine *m;
	unsigned long irqs;
	unsigned int flags;
	void *obj;

	umk_slab_opaque(c);
	flags = c->flags;
	m = umk_slab_mag_lock(c, &irqs);
	if (umk_likely(m->count)) {
		obj = m->objs[--m->count];
		umk_slab_mag_unlock(c, irqs);
		if (umk_likely(!(flags & UMK_SLAB_HOOKS)))
			return obj;
		return umk_slab_alloc_hook(c, obj);
	}
	umk_slab_mag_unlock(c, irqs);
	return umk_slab_alloc_slow(c);
}

static inline void umk_slab_free_fast(struct umk_cache *c, void *obj)
{
	struct umk_slab_magazine *m;
	unsigned long irqs;

	umk_slab_opaque(c);
	if (UMK_SLAB_FREE_HOOK)
		umk_slab_free_hook(c, obj);
	m = umk_slab_mag_lock(c, &irqs);
	if (umk_likely(m->count < c->mag_limit)) {
		m->objs[m->count++] = obj;
		umk_slab_mag_unlock(c, irqs);
	} else {
		umk_slab_mag_unlock(c, irqs);
		umk_slab_free_slow(c, obj);
	}
}

#endif
