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

#define UMK_CACHE_ZERO 0x1 /* zero objects on allocation */

struct umk_cache *umk_cache_create(const char *name, size_t size, size_t align,
				   unsigned int flags, void (*ctor)(void *obj));
void umk_cache_destroy(struct umk_cache *c);
void *umk_cache_alloc(struct umk_cache *c);
void umk_cache_free(struct umk_cache *c, void *obj);
/* Give empty slabs back to the page allocator; returns pages freed. */
unsigned long umk_cache_shrink(struct umk_cache *c);

struct umk_cache_stats {
	const char *name;
	size_t object_size;
	unsigned long active_objects;
	unsigned long total_objects;
	unsigned long pages;
};
int umk_cache_stats(const struct umk_cache *c, struct umk_cache_stats *st);

void *umk_kmalloc(size_t size);
void *umk_kzalloc(size_t size);
void *umk_krealloc(void *p, size_t size);
void umk_kfree(void *p);
/* Usable size of a kmalloc'd block. */
size_t umk_ksize(const void *p);
char *umk_kstrdup(const char *s);

#endif
