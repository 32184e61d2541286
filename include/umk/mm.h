/*
 * Physical memory: the arch layer's memfd, managed by a buddy allocator in
 * pages of UMK_PAGE_SIZE. Allocation failure returns NULL; callers check.
 */
#ifndef UMK_MM_H
#define UMK_MM_H

#include <umk/compiler.h>

#define UMK_PAGE_SHIFT 12
#define UMK_PAGE_SIZE (1UL << UMK_PAGE_SHIFT)
#define UMK_MAX_ORDER 11 /* largest block: 2^10 pages = 4 MiB */

/*
 * 2^order contiguous pages, naturally aligned, or NULL. Returns their
 * kernel address. When no block is free the shrinkers are asked for
 * memory and the allocation is retried once. Callable from tasks and IRQ
 * context. umk_free_pages(NULL, n) does nothing; freeing with another
 * order than allocated, or twice, panics (the order check needs
 * CONFIG_DEBUG_KERNEL).
 */
void *umk_alloc_pages(unsigned int order);
void umk_free_pages(void *addr, unsigned int order);
/* Offset of a kernel address in physical memory (the memfd). */
unsigned long umk_virt_to_phys(const void *addr);
void *umk_phys_to_virt(unsigned long phys);

/*
 * Shrinkers give memory back under pressure: when an allocation fails the
 * allocator calls each registered shrinker's scan with the number of pages
 * it wants and retries once. scan returns pages freed. count (optional)
 * says how many pages it could free; 0 skips the scan. Both run with a
 * spinlock held, maybe in IRQ context: they must not sleep. The slab
 * allocator registers one that returns empty slabs.
 */
struct umk_shrinker {
	unsigned long (*count)(struct umk_shrinker *s); /* pages it could free */
	unsigned long (*scan)(struct umk_shrinker *s, unsigned long nr);
	void *data;
	struct umk_shrinker *next;
};
void umk_register_shrinker(struct umk_shrinker *s);
void umk_unregister_shrinker(struct umk_shrinker *s);
/* Ask shrinkers for nr pages; returns pages freed. */
unsigned long umk_shrink_memory(unsigned long nr);

struct umk_mem_stats {
	unsigned long total_pages;     /* allocatable (memory minus mem_map) */
	unsigned long free_pages;
	unsigned long slab_pages;      /* held by slab caches, kmalloc's too */
	unsigned long kmalloc_bytes;   /* in live kmalloc blocks, class-rounded
					  (0 without CONFIG_MEM_STATS) */
	unsigned long alloc_failures;  /* page allocations that returned NULL */
	unsigned long shrinker_pages;  /* pages given back by shrinkers */
};
void umk_mem_stats(struct umk_mem_stats *st);

#endif
