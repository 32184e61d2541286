/*
 * The buddy page allocator. Physical memory is one arch mapping; its first
 * pages hold the mem_map (a struct umk_page per page), the rest is split
 * into naturally aligned blocks of 2^order pages kept on one free list per
 * order. Allocation splits a larger block, freeing merges a block with its
 * buddy (the block whose page frame number differs only in bit "order")
 * for as long as the buddy is free and of the same order.
 *
 * The memfd is zero when mapped, so the mem_map starts out as "allocated,
 * no flags". Free memory is put on the lists lazily: everything from
 * buddy_carve_pfn up is free but not yet a block, and buddy_take carves
 * the next block from there only when the lists have nothing big enough.
 * Boot then touches the struct pages of the memory it uses, not a page of
 * mem_map per 4 MiB of RAM (each first touch is a host page fault, 12-14
 * us here: 64 of them for mem=256M).
 *
 * On failure the allocator asks the shrinkers for memory and retries once.
 */
#include <umk/config.h>
#include <umk/list.h>
#include <umk/mm.h>
#include <umk/printk.h>
#include <umk/spinlock.h>
#include "arch/um/arch.h"
#include "core/mm_asan.h"
#include "core/page.h"

UMK_INTERNAL struct umk_page *umk_mem_map;
UMK_INTERNAL unsigned long umk_mem_nr_pages;

struct buddy_area {
	struct umk_list_head free_list;
	unsigned long nr_free; /* blocks on free_list */
};

static struct buddy_area buddy_areas[UMK_MAX_ORDER];
static umk_spinlock_t buddy_lock = UMK_SPINLOCK_INIT;
static unsigned long buddy_first_pfn; /* first page after the mem_map */
static unsigned long buddy_carve_pfn; /* free from here up, not yet blocks */
static unsigned long buddy_nr_free;   /* free pages, carved or not */
static unsigned long buddy_alloc_failures;

static inline bool buddy_is_free_head(const struct umk_page *p,
				      unsigned int order)
{
	/* p may be another CPU's page (a buddy being merged with) */
	return (UMK_READ_ONCE(p->flags) & UMK_PG_BUDDY) && p->order == order;
}

static void buddy_add_free(struct umk_page *p, unsigned int order)
{
	UMK_WRITE_ONCE(p->flags, UMK_PG_BUDDY);
	p->order = (unsigned short)order;
	umk_list_add(&p->lru, &buddy_areas[order].free_list);
	buddy_areas[order].nr_free++;
}

static void buddy_del_free(struct umk_page *p, unsigned int order)
{
	umk_list_del(&p->lru);
	UMK_WRITE_ONCE(p->flags, 0);
	buddy_areas[order].nr_free--;
}

/* Largest order that is aligned at pfn and fits below end. */
static unsigned int buddy_fit_order(unsigned long pfn, unsigned long end)
{
	unsigned int order = UMK_MAX_ORDER - 1;

	while (order && ((pfn & ((1UL << order) - 1)) ||
			 pfn + (1UL << order) > end))
		order--;
	return order;
}

/* Put the next block of never-used memory on its list; false if none. */
static bool buddy_carve(void)
{
	unsigned int order;

	if (buddy_carve_pfn >= umk_mem_nr_pages)
		return false;
	order = buddy_fit_order(buddy_carve_pfn, umk_mem_nr_pages);
	buddy_add_free(umk_pfn_to_page(buddy_carve_pfn), order);
	buddy_carve_pfn += 1UL << order;
	return true;
}

/* Smallest order >= order with a free block, carving if needed. */
static unsigned int buddy_find_order(unsigned int order)
{
	unsigned int k;

	for (;;) {
		for (k = order; k < UMK_MAX_ORDER; k++)
			if (!umk_list_empty(&buddy_areas[k].free_list))
				return k;
		if (!buddy_carve())
			return UMK_MAX_ORDER;
	}
}

/* Take a free block of at least order, splitting off the unused halves. */
static struct umk_page *buddy_take(unsigned int order)
{
	unsigned int k = buddy_find_order(order);
	struct umk_page *p;

	if (k == UMK_MAX_ORDER)
		return NULL;
	p = umk_list_first_entry(&buddy_areas[k].free_list, struct umk_page,
				 lru);
	buddy_del_free(p, k);
	while (k > order) {
		k--;
		buddy_add_free(p + (1UL << k), k);
	}
	buddy_nr_free -= 1UL << order;
	UMK_WRITE_ONCE(p->flags, UMK_PG_HEAD);
	p->order = (unsigned short)order;
	p->refcount = 1;
	return p;
}

/* Return a block, merging it with its free buddies. */
static void buddy_give(unsigned long pfn, unsigned int order)
{
	buddy_nr_free += 1UL << order;
	while (order < UMK_MAX_ORDER - 1) {
		unsigned long buddy_pfn = pfn ^ (1UL << order);
		struct umk_page *buddy;

		/* Never-carved memory is no block yet: do not touch its page. */
		if (buddy_pfn < buddy_first_pfn || buddy_pfn >= buddy_carve_pfn)
			break;
		buddy = umk_pfn_to_page(buddy_pfn);
		if (!buddy_is_free_head(buddy, order))
			break;
		buddy_del_free(buddy, order);
		pfn &= ~(1UL << order);
		order++;
	}
	buddy_add_free(umk_pfn_to_page(pfn), order);
}

static void buddy_check_free(const struct umk_page *p, unsigned int order)
{
	unsigned long pfn = umk_page_to_pfn(p);

	if (pfn < buddy_first_pfn || pfn >= buddy_carve_pfn ||
	    (pfn & ((1UL << order) - 1)))
		umk_panic("free_pages: %p is not a page block of order %u",
			  umk_page_to_virt(p), order);
	if (p->flags & UMK_PG_BUDDY)
		umk_panic("free_pages: double free of page %p (order %u)",
			  umk_page_to_virt(p), order);
	if (UMK_IS_ENABLED(CONFIG_DEBUG_KERNEL) &&
	    (!(p->flags & UMK_PG_HEAD) || p->order != order))
		umk_panic("free_pages: %p freed with order %u, allocated with %u",
			  umk_page_to_virt(p), order, p->order);
}

static struct umk_page *buddy_alloc_once(unsigned int order)
{
	unsigned long flags = umk_spin_lock_irqsave(&buddy_lock);
	struct umk_page *p = buddy_take(order);

	umk_spin_unlock_irqrestore(&buddy_lock, flags);
	return p;
}

UMK_INTERNAL struct umk_page *umk_alloc_page_struct(unsigned int order)
{
	struct umk_page *p;
	unsigned long flags;

	if (order >= UMK_MAX_ORDER)
		return NULL;
	p = buddy_alloc_once(order);
	if (umk_unlikely(!p) && umk_shrink_memory(1UL << order))
		p = buddy_alloc_once(order);
	if (!p) {
		flags = umk_spin_lock_irqsave(&buddy_lock);
		buddy_alloc_failures++;
		umk_spin_unlock_irqrestore(&buddy_lock, flags);
		return NULL;
	}
	umk_mm_unpoison(umk_page_to_virt(p), UMK_PAGE_SIZE << order);
	return p;
}

void *umk_alloc_pages(unsigned int order)
{
	struct umk_page *p = umk_alloc_page_struct(order);

	return p ? umk_page_to_virt(p) : NULL;
}

static void buddy_free_block(struct umk_page *p, unsigned int order)
{
	unsigned long flags = umk_spin_lock_irqsave(&buddy_lock);

	buddy_check_free(p, order);
	umk_mm_poison(umk_page_to_virt(p), UMK_PAGE_SIZE << order);
	p->refcount = 0;
	p->private_data = 0;
	p->mapping = NULL;
	buddy_give(umk_page_to_pfn(p), order);
	umk_spin_unlock_irqrestore(&buddy_lock, flags);
}

void umk_free_pages(void *addr, unsigned int order)
{
	if (!addr)
		return;
	if (!umk_virt_addr_valid(addr) || order >= UMK_MAX_ORDER)
		umk_panic("free_pages: %p (order %u) is not physical memory",
			  addr, order);
	buddy_free_block(umk_virt_to_page(addr), order);
}

UMK_INTERNAL void umk_page_put(struct umk_page *p)
{
	int n = umk_page_ref_dec(p);

	if (n == 0)
		buddy_free_block(p, p->order);
	else if (umk_unlikely(n < 0))
		umk_panic("page_put: %p has a negative count",
			  umk_page_to_virt(p));
}

unsigned long umk_virt_to_phys(const void *addr)
{
	return (unsigned long)((const char *)addr - (const char *)umk_mem_map);
}

void *umk_phys_to_virt(unsigned long phys)
{
	return (char *)umk_mem_map + phys;
}

/* Blocks of this order that carving the rest of memory would make. */
static unsigned long buddy_uncarved_blocks(unsigned int order)
{
	unsigned long pfn = buddy_carve_pfn, end = umk_mem_nr_pages, n = 0;

	while (pfn < end) {
		unsigned int o = buddy_fit_order(pfn, end);

		if (o == UMK_MAX_ORDER - 1) {
			unsigned long whole = (end - pfn) >> o;

			n += o == order ? whole : 0;
			pfn += whole << o;
			continue;
		}
		n += o == order;
		pfn += 1UL << o;
	}
	return n;
}

UMK_INTERNAL unsigned long umk_page_free_blocks(unsigned int order)
{
	unsigned long flags, n;

	if (order >= UMK_MAX_ORDER)
		return 0;
	flags = umk_spin_lock_irqsave(&buddy_lock);
	n = buddy_areas[order].nr_free + buddy_uncarved_blocks(order);
	umk_spin_unlock_irqrestore(&buddy_lock, flags);
	return n;
}

UMK_INTERNAL unsigned long umk_page_nr_free(void)
{
	return UMK_READ_ONCE(buddy_nr_free);
}

UMK_INTERNAL unsigned long umk_page_nr_usable(void)
{
	return umk_mem_nr_pages - buddy_first_pfn;
}

UMK_INTERNAL unsigned long umk_page_alloc_failures(void)
{
	return UMK_READ_ONCE(buddy_alloc_failures);
}

/* No page inside a free block but its head may be a free head. */
static void buddy_verify_block(struct umk_page *p, unsigned int order)
{
	unsigned long pfn = umk_page_to_pfn(p), i;

	if (pfn < buddy_first_pfn || pfn + (1UL << order) > buddy_carve_pfn)
		umk_panic("buddy: free block %lu/%u out of range", pfn, order);
	if (pfn & ((1UL << order) - 1))
		umk_panic("buddy: free block %lu misaligned for order %u", pfn,
			  order);
	if (!buddy_is_free_head(p, order))
		umk_panic("buddy: block %lu on order %u list is not marked free",
			  pfn, order);
	for (i = 1; i < (1UL << order); i++)
		if (p[i].flags & UMK_PG_BUDDY)
			umk_panic("buddy: free blocks overlap at page %lu",
				  pfn + i);
	if (order < UMK_MAX_ORDER - 1) {
		unsigned long b = pfn ^ (1UL << order);

		if (b >= buddy_first_pfn && b < buddy_carve_pfn &&
		    buddy_is_free_head(umk_pfn_to_page(b), order))
			umk_panic("buddy: free buddies %lu and %lu not merged",
				  pfn, b);
	}
}

UMK_INTERNAL int umk_page_alloc_verify(void)
{
	unsigned long flags = umk_spin_lock_irqsave(&buddy_lock);
	unsigned long total = 0;
	unsigned int order;

	for (order = 0; order < UMK_MAX_ORDER; order++) {
		struct umk_list_head *pos;
		unsigned long n = 0;

		umk_list_for_each(pos, &buddy_areas[order].free_list) {
			buddy_verify_block(
				umk_list_entry(pos, struct umk_page, lru),
				order);
			n++;
		}
		if (n != buddy_areas[order].nr_free)
			umk_panic("buddy: order %u has %lu blocks, counted %lu",
				  order, n, buddy_areas[order].nr_free);
		total += n << order;
	}
	total += umk_mem_nr_pages - buddy_carve_pfn;
	if (total != buddy_nr_free)
		umk_panic("buddy: %lu pages on lists, counted %lu free", total,
			  buddy_nr_free);
	umk_spin_unlock_irqrestore(&buddy_lock, flags);
	return 0;
}

UMK_INTERNAL void umk_page_alloc_init(void)
{
	unsigned long map_bytes;
	unsigned int order;

	umk_mem_map = umk_arch_phys_base();
	umk_mem_nr_pages = umk_arch_phys_size() >> UMK_PAGE_SHIFT;
	map_bytes = umk_mem_nr_pages * sizeof(struct umk_page);
	buddy_first_pfn = UMK_ALIGN_UP(map_bytes, UMK_PAGE_SIZE) >> UMK_PAGE_SHIFT;
	if (buddy_first_pfn >= umk_mem_nr_pages)
		umk_panic("page_alloc: %lu pages of memory leave none free",
			  umk_mem_nr_pages);

	for (order = 0; order < UMK_MAX_ORDER; order++)
		umk_list_init(&buddy_areas[order].free_list);
	/* The mem_map's own pages are below buddy_first_pfn: never blocks. */
	buddy_carve_pfn = buddy_first_pfn;
	buddy_nr_free = umk_mem_nr_pages - buddy_first_pfn;
}
