/*
 * Object caches (slab) and kmalloc. A cache hands out fixed-size objects
 * from pages it takes from the buddy allocator, with an optional
 * constructor run once per object when its page is first carved, and a
 * per-CPU fast path (CONFIG_SLAB_PERCPU). kmalloc picks a size class cache,
 * or whole pages for large sizes.
 */
#ifndef UMK_SLAB_H
#define UMK_SLAB_H

#include <umk/compiler.h>

struct umk_cache;

#define UMK_CACHE_ZERO 0x1 /* zero objects on allocation (no ctor then) */

/*
 * A cache of objects of size bytes aligned to align (0: pointer size;
 * a power of two up to a page). ctor, if any, runs once per object when
 * its slab is carved, and a freed object keeps its constructed state.
 * The name is copied. NULL on bad arguments or no memory.
 */
struct umk_cache *umk_cache_create(const char *name, size_t size, size_t align,
				   unsigned int flags, void (*ctor)(void *obj));
/* Objects must all be freed first (else panic); c must be unused. */
void umk_cache_destroy(struct umk_cache *c);
/* Both callable from tasks and IRQ context. Freeing NULL does nothing. */
void *umk_cache_alloc(struct umk_cache *c);
void umk_cache_free(struct umk_cache *c, void *obj);
/*
 * Give empty slabs back to the page allocator, after returning the
 * magazines' objects to them; returns pages freed. From a task that may
 * sleep, every CPU's magazine goes back: the task visits each CPU in turn
 * (its affinity is narrowed, then restored). From IRQ context, with
 * interrupts masked or a spinlock held, only this CPU's magazine does.
 */
unsigned long umk_cache_shrink(struct umk_cache *c);

struct umk_cache_stats {
	const char *name;
	size_t object_size;
	unsigned long active_objects;
	unsigned long total_objects;
	unsigned long pages;
};
int umk_cache_stats(const struct umk_cache *c, struct umk_cache_stats *st);

/*
 * kmalloc: size classes 8..4096 on slab caches, whole pages above. Blocks
 * are 16-byte aligned (8 for sizes below 16 and 17..24), page aligned
 * above a page. kmalloc(0) returns a minimal block. NULL when out of
 * memory; kfree(NULL) does nothing. krealloc keeps the block while it
 * fits, returns NULL and leaves p alone on failure, frees on size 0.
 * kfree also accepts objects of any umk_cache.
 */
void *umk_kmalloc(size_t size);
void *umk_kzalloc(size_t size);
void *umk_krealloc(void *p, size_t size);
void umk_kfree(void *p);
/* Usable size of a kmalloc'd block. */
size_t umk_ksize(const void *p);
char *umk_kstrdup(const char *s);

#endif
