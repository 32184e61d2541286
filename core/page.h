/*
 * struct umk_page: one per page of physical memory, in an array carved
 * from the start of physical memory (the "mem_map"). The buddy allocator,
 * the slab allocator and optional/vm keep their per-page state here.
 *
 * Internal to the kernel: core/ and optional/ include it by path.
 *
 * Reference counts (for optional/vm): umk_alloc_pages() hands out a block
 * whose head page has a count of 1. umk_page_get() takes another
 * reference, umk_page_put() drops one and frees the block (with the order
 * recorded at allocation) when the last goes. umk_free_pages() is the
 * plain "I am the only user" free and does not look at the count.
 */
#ifndef UMK_CORE_PAGE_H
#define UMK_CORE_PAGE_H

#include <umk/compiler.h>
#include <umk/list.h>
#include <umk/mm.h>

struct umk_cache;

#define UMK_PG_BUDDY 0x1    /* head of a free block on a buddy list */
#define UMK_PG_SLAB 0x4     /* belongs to a slab (slab_cache is set) */
#define UMK_PG_LARGE 0x8    /* head of a large kmalloc block */
#define UMK_PG_HEAD 0x10    /* head of an allocated block (order is valid) */
/*
 * flags are changed by the page's owner (the buddy allocator, under its
 * lock, while the page is free; else whoever allocated it) with
 * UMK_WRITE_ONCE: a merge reads the flags of a neighbour that another
 * CPU may own.
 */

struct umk_page {
	struct umk_list_head lru;     /* buddy free list, or the slab's list */
	unsigned int flags;           /* UMK_PG_*, see above */
	int refcount;                 /* head of an allocated block: users */
	unsigned short order;         /* block order (free block, head, slab) */
	unsigned short inuse;         /* slab head: objects not on freelist */
	unsigned int pad_;
	struct umk_cache *slab_cache; /* every page of a slab: its cache */
	void *freelist;               /* slab head: first free object */
	unsigned long private_data;   /* free for the block's owner (vm) */
	void *mapping;                /* free for the block's owner (vm) */
};

/* A power of two: virt_to_page is a shift, and one page fits one line. */
UMK_STATIC_ASSERT(sizeof(struct umk_page) == 64, "struct umk_page size");

/*
 * The mem_map starts at the base of physical memory, so it is also the
 * base: one global serves virt_to_page and page_to_virt.
 */
UMK_INTERNAL_DECL struct umk_page *umk_mem_map;
UMK_INTERNAL_DECL unsigned long umk_mem_nr_pages;

static inline unsigned long umk_page_to_pfn(const struct umk_page *p)
{
	return (unsigned long)(p - umk_mem_map);
}

static inline struct umk_page *umk_pfn_to_page(unsigned long pfn)
{
	return umk_mem_map + pfn;
}

static inline struct umk_page *umk_virt_to_page(const void *addr)
{
	unsigned long off = (unsigned long)((const char *)addr -
					    (const char *)umk_mem_map);
	return umk_mem_map + (off >> UMK_PAGE_SHIFT);
}

static inline void *umk_page_to_virt(const struct umk_page *p)
{
	return (char *)umk_mem_map + (umk_page_to_pfn(p) << UMK_PAGE_SHIFT);
}

static inline struct umk_page *umk_phys_to_page(unsigned long phys)
{
	return umk_pfn_to_page(phys >> UMK_PAGE_SHIFT);
}

static inline unsigned long umk_page_to_phys(const struct umk_page *p)
{
	return umk_page_to_pfn(p) << UMK_PAGE_SHIFT;
}

/* True if addr lies in physical memory (after the mem_map or not). */
static inline bool umk_virt_addr_valid(const void *addr)
{
	unsigned long off = (unsigned long)((const char *)addr -
					    (const char *)umk_mem_map);
	return off < (umk_mem_nr_pages << UMK_PAGE_SHIFT);
}

static inline int umk_page_count(const struct umk_page *p)
{
	return __atomic_load_n(&p->refcount, __ATOMIC_RELAXED);
}

/* Returns the new count. */
static inline int umk_page_ref_inc(struct umk_page *p)
{
	return __atomic_add_fetch(&p->refcount, 1, __ATOMIC_RELAXED);
}

/* Returns the new count; the caller frees the block when it is 0. */
static inline int umk_page_ref_dec(struct umk_page *p)
{
	return __atomic_sub_fetch(&p->refcount, 1, __ATOMIC_ACQ_REL);
}

static inline void umk_page_get(struct umk_page *p)
{
	umk_page_ref_inc(p);
}

/* Drop a reference; the last one frees the block. */
UMK_INTERNAL void umk_page_put(struct umk_page *p);

/* Allocate a block and return its head page (count 1), or NULL. */
UMK_INTERNAL struct umk_page *umk_alloc_page_struct(unsigned int order);

/* Page allocator internals used by slab, kmalloc, mm init and the tests. */
UMK_INTERNAL void umk_page_alloc_init(void);
/* Free blocks of an order now (for tests and statistics). */
UMK_INTERNAL unsigned long umk_page_free_blocks(unsigned int order);
UMK_INTERNAL unsigned long umk_page_nr_free(void);
/* Pages that can ever be allocated (physical memory minus the mem_map). */
UMK_INTERNAL unsigned long umk_page_nr_usable(void);
/* Allocations that failed even after the shrinkers ran. */
UMK_INTERNAL unsigned long umk_page_alloc_failures(void);
/* Pages the shrinkers gave back since boot (core/shrinker.c). */
UMK_INTERNAL unsigned long umk_shrinker_pages_freed(void);
/*
 * Check the buddy invariants: every free block aligned, in range, marked,
 * not overlapping another and not mergeable with its buddy; per-order
 * counts and the free total agree. Returns 0 or panics naming the problem.
 */
UMK_INTERNAL int umk_page_alloc_verify(void);

#endif
