/*
 * kmalloc: general-purpose allocation on slab caches of fixed size
 * classes, four per power of two (at most 25% lost to rounding, as
 * mimalloc's bins), from 8 bytes to a page. Larger requests take whole
 * pages from the buddy allocator; the head page records the order (and a
 * flag), so no header is needed and large blocks stay page aligned.
 *
 * kfree finds the cache of an object from its page (struct umk_page's
 * slab_cache), so it costs a subtraction, a shift and a load more than
 * umk_cache_free. Blocks are 16-byte aligned when the size is 16 or above
 * 24 (the 24-byte class is 8-byte aligned: no C type of 17 to 24 bytes
 * needs 16), 8-byte aligned otherwise, page aligned above a page.
 */
#include <umk/config.h>
#include <umk/mm.h>
#include <umk/printk.h>
#include <umk/slab.h>
#include <umk/string.h>
#include "core/page.h"
#include "core/slab.h"

#define KMALLOC_MAX_SMALL 4096
#define KMALLOC_MAX_LARGE (UMK_PAGE_SIZE << (UMK_MAX_ORDER - 1))

static const unsigned short kmalloc_class_sizes[] = {
	8,    16,   24,   32,   48,   64,   80,   96,   112,  128,
	160,  192,  224,  256,  320,  384,  448,  512,  640,  768,
	896,  1024, 1280, 1536, 1792, 2048, 2560, 3072, 3584, 4096,
};
#define KMALLOC_NR_CLASSES UMK_ARRAY_SIZE(kmalloc_class_sizes)

static struct umk_cache kmalloc_caches[KMALLOC_NR_CLASSES];
/* Class of a size, indexed by (size + 7) / 8: one load picks the cache. */
static unsigned char kmalloc_class_of[KMALLOC_MAX_SMALL / 8 + 1];
static unsigned long kmalloc_large_pages;

static inline struct umk_cache *kmalloc_cache_for(size_t size)
{
	return &kmalloc_caches[kmalloc_class_of[(size + 7) >> 3]];
}

static unsigned int kmalloc_order(size_t size)
{
	unsigned int order = 0;

	while ((UMK_PAGE_SIZE << order) < size)
		order++;
	return order;
}

static UMK_NOINLINE void *kmalloc_large(size_t size)
{
	struct umk_page *p;
	unsigned int order;

	if (size > KMALLOC_MAX_LARGE)
		return NULL;
	order = kmalloc_order(size);
	p = umk_alloc_page_struct(order);
	if (!p)
		return NULL;
	UMK_WRITE_ONCE(p->flags, p->flags | UMK_PG_LARGE);
	if (UMK_IS_ENABLED(CONFIG_MEM_STATS))
		__atomic_add_fetch(&kmalloc_large_pages, 1UL << order,
				   __ATOMIC_RELAXED);
	return umk_page_to_virt(p);
}

static UMK_NOINLINE void kmalloc_free_large(struct umk_page *p, void *addr)
{
	unsigned int order = p->order;

	if (!(p->flags & UMK_PG_LARGE) || ((unsigned long)addr & (UMK_PAGE_SIZE - 1)))
		umk_panic("kfree: %p was not returned by kmalloc", addr);
	UMK_WRITE_ONCE(p->flags, p->flags & ~UMK_PG_LARGE);
	if (UMK_IS_ENABLED(CONFIG_MEM_STATS))
		__atomic_sub_fetch(&kmalloc_large_pages, 1UL << order,
				   __ATOMIC_RELAXED);
	umk_free_pages(addr, order);
}

void *umk_kmalloc(size_t size)
{
	if (umk_likely(size <= KMALLOC_MAX_SMALL))
		return umk_slab_alloc_fast(kmalloc_cache_for(size));
	return kmalloc_large(size);
}

void *umk_kzalloc(size_t size)
{
	void *p = umk_kmalloc(size);

	if (p)
		umk_memset(p, 0, size);
	return p;
}

static struct umk_page *kmalloc_page_of(const void *p)
{
	if (UMK_IS_ENABLED(CONFIG_DEBUG_KERNEL) && !umk_virt_addr_valid(p))
		umk_panic("kfree: %p is not in physical memory", p);
	return umk_virt_to_page(p);
}

void umk_kfree(void *p)
{
	struct umk_page *pg;
	struct umk_cache *c;

	if (umk_unlikely(!p))
		return;
	pg = kmalloc_page_of(p);
	c = pg->slab_cache;
	if (umk_likely(c))
		umk_slab_free_fast(c, p);
	else
		kmalloc_free_large(pg, p);
}

size_t umk_ksize(const void *p)
{
	struct umk_page *pg;

	if (!p)
		return 0;
	pg = kmalloc_page_of(p);
	if (pg->slab_cache)
		return pg->slab_cache->size;
	if (!(pg->flags & UMK_PG_LARGE))
		umk_panic("ksize: %p was not returned by kmalloc", p);
	return UMK_PAGE_SIZE << pg->order;
}

/*
 * Grow or shrink a block. Stays in place while it fits; otherwise moves.
 * On failure returns NULL and p is untouched. A size of 0 frees p.
 */
void *umk_krealloc(void *p, size_t size)
{
	size_t old;
	void *n;

	if (!p)
		return umk_kmalloc(size);
	if (size == 0) {
		umk_kfree(p);
		return NULL;
	}
	old = umk_ksize(p);
	if (size <= old)
		return p;
	n = umk_kmalloc(size);
	if (!n)
		return NULL;
	umk_memcpy(n, p, old);
	umk_kfree(p);
	return n;
}

char *umk_kstrdup(const char *s)
{
	size_t len;
	char *d;

	if (!s)
		return NULL;
	len = umk_strlen(s) + 1;
	d = umk_kmalloc(len);
	if (d)
		umk_memcpy(d, s, len);
	return d;
}

/* Bytes in live kmalloc blocks (class-rounded), for umk_mem_stats. */
UMK_INTERNAL unsigned long umk_kmalloc_bytes(void)
{
	unsigned long bytes = UMK_READ_ONCE(kmalloc_large_pages) * UMK_PAGE_SIZE;
	unsigned int i;

	for (i = 0; i < KMALLOC_NR_CLASSES; i++)
		bytes += umk_slab_active_objects(&kmalloc_caches[i]) *
			 kmalloc_class_sizes[i];
	return bytes;
}

UMK_INTERNAL void umk_kmalloc_init(void)
{
	unsigned int i, cls = 0;
	char name[UMK_SLAB_NAME_LEN];

	for (i = 0; i < KMALLOC_NR_CLASSES; i++) {
		size_t size = kmalloc_class_sizes[i];

		umk_snprintf(name, sizeof(name), "kmalloc-%u", (unsigned)size);
		if (umk_slab_cache_init(&kmalloc_caches[i], name, size,
					size % 16 ? 8 : 16, 0, NULL))
			umk_panic("kmalloc: cannot set up cache %s", name);
		kmalloc_caches[i].flags |= UMK_SLAB_STATIC;
	}
	for (i = 0; i < UMK_ARRAY_SIZE(kmalloc_class_of); i++) {
		while (kmalloc_class_sizes[cls] < i * 8)
			cls++;
		kmalloc_class_of[i] = (unsigned char)cls;
	}
}
