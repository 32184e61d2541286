/*
 * Slab caches: fixed-size objects carved from blocks of 2^order pages.
 * The slab descriptor lives in the struct umk_page of the block's head
 * page (freelist, objects in use, list node), so a slab has no header and
 * an object finds its slab from its address alone. Every page of a slab
 * points back to the cache, which is how kfree finds the cache.
 *
 * A slab is on one of three lists of its cache: partial, full or empty.
 * A few empty slabs are kept for the next burst; the rest go back to the
 * page allocator at once, and the kept ones when a shrinker asks.
 *
 * Objects are handed out through magazines (see core/slab.h); this file is
 * the slow path behind them, cache creation and destruction, statistics,
 * the shrinker and the debug checks (poison, double free).
 */
#include <umk/config.h>
#include <umk/errno.h>
#include <umk/mm.h>
#include <umk/printk.h>
#include <umk/sched.h>
#include <umk/string.h>
#include "core/mm_asan.h"
#include "core/page.h"
#include "core/slab.h"
#include "core/task.h"

#define SLAB_MAX_ORDER 3    /* preferred largest slab: 32 KiB */
#define SLAB_KEEP_EMPTY 2   /* empty slabs kept per cache */
#define SLAB_POISON 0x6b    /* bytes of a free object (DEBUG_KERNEL) */
#define SLAB_STATE_FREE 0x6b6b6b6bf4eef4eeUL
#define SLAB_STATE_ALLOC 0xa110ca7eda7aa110UL

static UMK_LIST_HEAD(slab_caches);
static umk_spinlock_t slab_caches_lock = UMK_SPINLOCK_INIT;
/* Where umk_cache_create gets its caches: cache-line aligned magazines. */
static struct umk_cache slab_cache_cache;

/*
 * Walk all caches. Not umk_list_for_each_entry: that forms a umk_cache
 * pointer from the list head, which is misaligned for the type (UBSan).
 */
#define slab_for_each_cache(pos, c)                                     \
	for (pos = slab_caches.next;                                    \
	     pos != &slab_caches &&                                     \
	     ((c) = umk_list_entry(pos, struct umk_cache, cache_node), 1); \
	     pos = pos->next)

/* The cache lock also masks IRQs: IRQ handlers may allocate. */
static unsigned long slab_lock(struct umk_cache *c)
{
	unsigned long irqs = umk_local_irq_save();

	umk_raw_spin_lock(&c->lock);
	return irqs;
}

static void slab_unlock(struct umk_cache *c, unsigned long irqs)
{
	umk_raw_spin_unlock(&c->lock);
	umk_local_irq_restore(irqs);
}

/* With the magazine owned, take the lists too (already held without PERCPU). */
static void slab_lists_lock(struct umk_cache *c)
{
	if (UMK_IS_ENABLED(CONFIG_SLAB_PERCPU))
		umk_raw_spin_lock(&c->lock);
}

static void slab_lists_unlock(struct umk_cache *c)
{
	if (UMK_IS_ENABLED(CONFIG_SLAB_PERCPU))
		umk_raw_spin_unlock(&c->lock);
}

static inline void **slab_link(const struct umk_cache *c, void *obj)
{
	return (void **)((char *)obj + c->free_offset);
}

static inline unsigned long *slab_state(const struct umk_cache *c, void *obj)
{
	return (unsigned long *)((char *)obj + c->free_offset + sizeof(void *));
}

static struct umk_page *slab_head_of(const struct umk_cache *c, void *obj)
{
	unsigned long pfn = umk_page_to_pfn(umk_virt_to_page(obj));

	return umk_pfn_to_page(pfn & ~((1UL << c->order) - 1));
}

/* ---- Cache geometry ---- */

/* Smallest slab that wastes at most 1/8 of itself, up to 32 KiB. */
static unsigned int slab_pick_order(unsigned int stride)
{
	unsigned int order;

	for (order = 0; order < UMK_MAX_ORDER; order++) {
		unsigned long bytes = UMK_PAGE_SIZE << order;
		unsigned long n = bytes / stride;

		if (n == 0)
			continue;
		if ((bytes - n * stride) * 8 <= bytes || order >= SLAB_MAX_ORDER)
			return order;
	}
	return UMK_MAX_ORDER;
}

static void slab_layout(struct umk_cache *c, size_t size, size_t align)
{
	size_t stride;

	if (c->ctor || (c->flags & (UMK_SLAB_DEBUG | UMK_SLAB_ASAN))) {
		/* The link must not clobber a constructed or poisoned object. */
		c->free_offset = UMK_ALIGN_UP(size, sizeof(void *));
		stride = c->free_offset + sizeof(void *);
		if (c->flags & UMK_SLAB_DEBUG)
			stride += sizeof(unsigned long);
	} else {
		c->free_offset = 0;
		stride = UMK_MAX(size, sizeof(void *));
	}
	c->stride = UMK_ALIGN_UP(stride, align);
}

UMK_INTERNAL int umk_slab_cache_init(struct umk_cache *c, const char *name,
				     size_t size, size_t align,
				     unsigned int flags, void (*ctor)(void *))
{
	unsigned long irqs;

	if (align == 0)
		align = sizeof(void *);
	if (size == 0 || (align & (align - 1)) || align > UMK_PAGE_SIZE ||
	    size > (UMK_PAGE_SIZE << (UMK_MAX_ORDER - 1)) / 2 ||
	    ((flags & UMK_CACHE_ZERO) && ctor))
		return -UMK_EINVAL;
	if (align < sizeof(void *))
		align = sizeof(void *);

	umk_memset(c, 0, sizeof(*c));
	c->flags = flags;
	if (UMK_IS_ENABLED(CONFIG_DEBUG_KERNEL))
		c->flags |= UMK_SLAB_DEBUG;
#ifdef UMK_MM_ASAN
	c->flags |= UMK_SLAB_ASAN;
#endif
	c->size = (unsigned int)size;
	c->ctor = ctor;
	slab_layout(c, size, align);
	c->order = slab_pick_order(c->stride);
	if (c->order >= UMK_MAX_ORDER)
		return -UMK_EINVAL;
	c->objs_per_slab = (unsigned int)((UMK_PAGE_SIZE << c->order) / c->stride);
	/* Like Linux's SLAB: fewer big objects wait in magazines. */
	c->mag_limit = size <= 256 ? UMK_SLAB_MAG_SIZE : size <= 1024 ? 63 : 15;
	c->mag_batch = (c->mag_limit + 1) / 2;
	umk_spin_lock_init(&c->lock);
	umk_list_init(&c->partial);
	umk_list_init(&c->full);
	umk_list_init(&c->empty);
	umk_strlcpy(c->name, name ? name : "?", sizeof(c->name));

	irqs = umk_spin_lock_irqsave(&slab_caches_lock);
	umk_list_add_tail(&c->cache_node, &slab_caches);
	umk_spin_unlock_irqrestore(&slab_caches_lock, irqs);
	return 0;
}

struct umk_cache *umk_cache_create(const char *name, size_t size, size_t align,
				   unsigned int flags, void (*ctor)(void *obj))
{
	struct umk_cache *c;

	if (flags & ~UMK_CACHE_ZERO)
		return NULL;
	c = umk_slab_alloc_fast(&slab_cache_cache);
	if (!c)
		return NULL;
	if (umk_slab_cache_init(c, name, size, align, flags, ctor)) {
		umk_slab_free_fast(&slab_cache_cache, c);
		return NULL;
	}
	return c;
}

/* ---- Slabs ---- */

static void slab_debug_init_obj(struct umk_cache *c, void *obj)
{
	if (!c->ctor)
		umk_memset(obj, SLAB_POISON, c->size);
	*slab_state(c, obj) = SLAB_STATE_FREE;
}

/* Carve a new slab outside any lock: constructors may take their time. */
static struct umk_page *slab_new(struct umk_cache *c)
{
	struct umk_page *head = umk_alloc_page_struct(c->order);
	unsigned long i, nr_pages = 1UL << c->order;
	char *base, *obj;
	void *next = NULL;

	if (!head)
		return NULL;
	for (i = 0; i < nr_pages; i++) {
		UMK_WRITE_ONCE(head[i].flags, head[i].flags | UMK_PG_SLAB);
		head[i].slab_cache = c;
	}
	base = umk_page_to_virt(head);
	/* Link back to front so the freelist hands out ascending addresses. */
	for (i = c->objs_per_slab; i-- > 0;) {
		obj = base + i * c->stride;
		if (c->ctor)
			c->ctor(obj);
		if (c->flags & UMK_SLAB_DEBUG)
			slab_debug_init_obj(c, obj);
		if (c->flags & UMK_SLAB_ASAN)
			umk_mm_poison(obj, c->size);
		*slab_link(c, obj) = next;
		next = obj;
	}
	head->freelist = next;
	head->inuse = 0;
	return head;
}

static void slab_release(struct umk_cache *c, struct umk_page *head)
{
	unsigned long i, nr_pages = 1UL << c->order;

	for (i = 0; i < nr_pages; i++) {
		UMK_WRITE_ONCE(head[i].flags, head[i].flags & ~UMK_PG_SLAB);
		head[i].slab_cache = NULL;
	}
	head->freelist = NULL;
	umk_free_pages(umk_page_to_virt(head), c->order);
}

static void slab_release_list(struct umk_cache *c, struct umk_list_head *list)
{
	struct umk_page *s, *n;

	umk_list_for_each_entry_safe(s, n, list, lru) {
		umk_list_del(&s->lru);
		slab_release(c, s);
	}
}

/*
 * A new slab has no object in use, so it goes on the empty list: a slab
 * on the partial list always has one (only slab_put empties a slab, and
 * it moves it off). The slab must be findable by shrink and destroy even
 * if nobody ever refills from it: the caller's magazine may meanwhile be
 * refilled by a free (another CPU's, with a shared magazine, or an IRQ's
 * or a constructor's), and then this slab waits for a later refill.
 */
static bool slab_grow(struct umk_cache *c)
{
	struct umk_page *s = slab_new(c);
	unsigned long irqs;

	if (!s)
		return false;
	irqs = slab_lock(c);
	umk_list_add_tail(&s->lru, &c->empty);
	c->nr_empty++;
	c->nr_slabs++;
	slab_unlock(c, irqs);
	return true;
}

/* Move up to a batch of objects from the slabs into an empty magazine. */
static unsigned int slab_refill(struct umk_cache *c, struct umk_slab_magazine *m)
{
	unsigned int n = 0;

	while (n < c->mag_batch) {
		struct umk_page *s;

		if (!umk_list_empty(&c->partial)) {
			s = umk_list_first_entry(&c->partial, struct umk_page,
						 lru);
		} else if (!umk_list_empty(&c->empty)) {
			s = umk_list_first_entry(&c->empty, struct umk_page,
						 lru);
			umk_list_move_tail(&s->lru, &c->partial);
			c->nr_empty--;
		} else {
			break;
		}
		while (n < c->mag_batch && s->freelist) {
			void *obj = s->freelist;

			s->freelist = *slab_link(c, obj);
			s->inuse++;
			m->objs[m->count++] = obj;
			n++;
		}
		if (!s->freelist)
			umk_list_move_tail(&s->lru, &c->full);
	}
	c->objs_out += n;
	return n;
}

/* Put an object back on its slab; surplus empty slabs go to to_free. */
static void slab_put(struct umk_cache *c, void *obj, struct umk_list_head *to_free)
{
	struct umk_page *s = slab_head_of(c, obj);
	bool was_full = s->freelist == NULL;

	*slab_link(c, obj) = s->freelist;
	s->freelist = obj;
	s->inuse--;
	c->objs_out--;
	if (s->inuse == 0) {
		if (c->nr_empty < SLAB_KEEP_EMPTY) {
			umk_list_move_tail(&s->lru, &c->empty);
			c->nr_empty++;
		} else {
			umk_list_move_tail(&s->lru, to_free);
			c->nr_slabs--;
		}
	} else if (was_full) {
		umk_list_move_tail(&s->lru, &c->partial);
	}
}

/* Return the oldest n objects of a magazine (its bottom) to the slabs. */
static void slab_flush(struct umk_cache *c, struct umk_slab_magazine *m,
		       unsigned int n, struct umk_list_head *to_free)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		slab_put(c, m->objs[i], to_free);
	for (i = n; i < m->count; i++)
		m->objs[i - n] = m->objs[i];
	m->count -= n;
}

UMK_INTERNAL void *umk_slab_alloc_slow(struct umk_cache *c)
{
	struct umk_slab_magazine *m;
	unsigned long irqs;
	void *obj;

	for (;;) {
		m = umk_slab_mag_lock(c, &irqs);
		if (!m->count) {
			slab_lists_lock(c);
			slab_refill(c, m);
			slab_lists_unlock(c);
		}
		if (m->count) {
			obj = m->objs[--m->count];
			umk_slab_mag_unlock(c, irqs);
			if (c->flags & UMK_SLAB_HOOKS)
				obj = umk_slab_alloc_hook(c, obj);
			return obj;
		}
		umk_slab_mag_unlock(c, irqs);
		if (!slab_grow(c))
			return NULL;
	}
}

UMK_INTERNAL void umk_slab_free_slow(struct umk_cache *c, void *obj)
{
	struct umk_slab_magazine *m;
	UMK_LIST_HEAD(to_free);
	unsigned long irqs;

	m = umk_slab_mag_lock(c, &irqs);
	if (m->count >= c->mag_limit) {
		slab_lists_lock(c);
		slab_flush(c, m, c->mag_batch, &to_free);
		slab_lists_unlock(c);
	}
	m->objs[m->count++] = obj;
	umk_slab_mag_unlock(c, irqs);
	slab_release_list(c, &to_free);
}

void *umk_cache_alloc(struct umk_cache *c)
{
	return umk_slab_alloc_fast(c);
}

void umk_cache_free(struct umk_cache *c, void *obj)
{
	if (obj)
		umk_slab_free_fast(c, obj);
}

/* ---- Debug checks and allocation hooks ---- */

static void slab_check_poison(struct umk_cache *c, void *obj)
{
	const unsigned char *b = obj;
	unsigned int i;

	for (i = 0; i < c->size; i++)
		if (b[i] != SLAB_POISON)
			umk_panic("slab %s: object %p written after free "
				  "(byte %u is 0x%x)",
				  c->name, obj, i, b[i]);
}

UMK_INTERNAL void *umk_slab_alloc_hook(struct umk_cache *c, void *obj)
{
	if (c->flags & UMK_SLAB_ASAN)
		umk_mm_unpoison(obj, c->size);
	if (c->flags & UMK_SLAB_DEBUG) {
		unsigned long *st = slab_state(c, obj);

		if (*st != SLAB_STATE_FREE)
			umk_panic("slab %s: free object %p corrupted (state 0x%lx)",
				  c->name, obj, *st);
		if (!c->ctor)
			slab_check_poison(c, obj);
		*st = SLAB_STATE_ALLOC;
	}
	if (c->flags & UMK_CACHE_ZERO)
		umk_memset(obj, 0, c->size);
	return obj;
}

static void slab_debug_free(struct umk_cache *c, void *obj)
{
	struct umk_page *p;
	unsigned long *st, off;

	if (!umk_virt_addr_valid(obj))
		umk_panic("slab %s: freeing %p, not in physical memory",
			  c->name, obj);
	p = umk_virt_to_page(obj);
	off = (unsigned long)((char *)obj -
			      (char *)umk_page_to_virt(slab_head_of(c, obj)));
	if (p->slab_cache != c || off % c->stride)
		umk_panic("slab %s: freeing %p, not an object of this cache",
			  c->name, obj);
	st = slab_state(c, obj);
	if (*st == SLAB_STATE_FREE)
		umk_panic("slab %s: double free of %p", c->name, obj);
	if (*st != SLAB_STATE_ALLOC)
		umk_panic("slab %s: object %p overran its end (state 0x%lx)",
			  c->name, obj, *st);
	*st = SLAB_STATE_FREE;
	if (!c->ctor)
		umk_memset(obj, SLAB_POISON, c->size);
}

UMK_INTERNAL void umk_slab_free_hook(struct umk_cache *c, void *obj)
{
	if (c->flags & UMK_SLAB_DEBUG)
		slab_debug_free(c, obj);
	if (c->flags & UMK_SLAB_ASAN)
		umk_mm_poison(obj, c->size);
}

/* ---- Shrinking, destruction, statistics ---- */

/* Drain this CPU's magazine (or the shared one) back to the slabs. */
static void slab_drain_local(struct umk_cache *c, struct umk_list_head *to_free)
{
	struct umk_slab_magazine *m;
	unsigned long irqs;

	m = umk_slab_mag_lock(c, &irqs);
	slab_lists_lock(c);
	slab_flush(c, m, m->count, to_free);
	slab_lists_unlock(c);
	umk_slab_mag_unlock(c, irqs);
}

#if defined(CONFIG_SLAB_PERCPU) && defined(CONFIG_SMP)
/* A task that may sleep, and so may be moved to another CPU. */
static bool slab_caller_may_migrate(void)
{
	struct umk_cpu *cpu = umk_this_cpu();
	struct umk_task *t = cpu->curr;

	return t && t != cpu->idle && !cpu->in_irq && !cpu->irqs_off &&
	       t->preempt_count == 0;
}

/*
 * Another CPU's magazine has no lock: its owner touches it with only its
 * own interrupts masked, which keeps the fast path free of atomics. So
 * the caller goes to each online CPU in turn, by narrowing its affinity
 * (Linux's work_on_cpu, done by the caller itself), drains the magazine
 * there, and gets its affinity back. Changing the caller's affinity
 * meanwhile (from another task) is undone. Where the caller may not
 * sleep (IRQs, spinlocks, the shrinker), only this CPU's magazine goes.
 */
static void slab_drain_all(struct umk_cache *c, struct umk_list_head *to_free)
{
	struct umk_task *me = umk_current_task();
	unsigned long long allowed;
	unsigned int cpu;

	slab_drain_local(c, to_free);
	if (!slab_caller_may_migrate())
		return;
	allowed = me->se.cpus_allowed;
	for (cpu = 0; cpu < UMK_NR_CPUS; cpu++) {
		if (cpu == umk_smp_processor_id() ||
		    !UMK_READ_ONCE(umk_cpus[cpu].online) ||
		    umk_set_cpus_allowed(me, 1ULL << cpu))
			continue;
		if (umk_smp_processor_id() == cpu)
			slab_drain_local(c, to_free);
	}
	umk_set_cpus_allowed(me, allowed);
}
#else
/* One magazine, or one CPU: the local one is all there is. */
#define slab_drain_all slab_drain_local
#endif

/* Give back empty slabs, and (all) the magazines' objects first. */
static unsigned long slab_shrink(struct umk_cache *c, bool all_cpus)
{
	UMK_LIST_HEAD(to_free);
	unsigned long irqs, pages;

	if (all_cpus)
		slab_drain_all(c, &to_free);
	else
		slab_drain_local(c, &to_free);

	irqs = slab_lock(c);
	while (!umk_list_empty(&c->empty)) {
		umk_list_move_tail(c->empty.next, &to_free);
		c->nr_empty--;
		c->nr_slabs--;
	}
	slab_unlock(c, irqs);

	pages = 0;
	while (!umk_list_empty(&to_free)) {
		struct umk_page *s =
			umk_list_first_entry(&to_free, struct umk_page, lru);

		umk_list_del(&s->lru);
		slab_release(c, s);
		pages += 1UL << c->order;
	}
	return pages;
}

unsigned long umk_cache_shrink(struct umk_cache *c)
{
	return slab_shrink(c, true);
}

/* The caller guarantees nobody uses c any more, on any CPU. */
void umk_cache_destroy(struct umk_cache *c)
{
	UMK_LIST_HEAD(to_free);
	unsigned long irqs;
	unsigned int i;

	if (!c)
		return;
	if (c->flags & UMK_SLAB_STATIC)
		umk_panic("cache_destroy: %s is a kmalloc cache", c->name);
	irqs = slab_lock(c);
	for (i = 0; i < UMK_SLAB_NR_MAGS; i++)
		slab_flush(c, &c->mag[i], c->mag[i].count, &to_free);
	slab_unlock(c, irqs);
	slab_release_list(c, &to_free);
	slab_shrink(c, false);
	if (c->objs_out || c->nr_slabs)
		umk_panic("cache_destroy: %s still has %lu objects in use "
			  "(%lu slabs)", c->name, c->objs_out, c->nr_slabs);

	irqs = umk_spin_lock_irqsave(&slab_caches_lock);
	umk_list_del(&c->cache_node);
	umk_spin_unlock_irqrestore(&slab_caches_lock, irqs);
	umk_slab_free_fast(&slab_cache_cache, c);
}

UMK_INTERNAL unsigned long umk_slab_active_objects(const struct umk_cache *c)
{
	unsigned long n = UMK_READ_ONCE(c->objs_out);
	unsigned int i;

	for (i = 0; i < UMK_SLAB_NR_MAGS; i++)
		n -= UMK_READ_ONCE(c->mag[i].count);
	return n;
}

int umk_cache_stats(const struct umk_cache *c, struct umk_cache_stats *st)
{
	if (!c || !st)
		return -UMK_EINVAL;
	st->name = c->name;
	st->object_size = c->size;
	st->active_objects = umk_slab_active_objects(c);
	st->total_objects = UMK_READ_ONCE(c->nr_slabs) * c->objs_per_slab;
	st->pages = UMK_READ_ONCE(c->nr_slabs) << c->order;
	return 0;
}

UMK_INTERNAL unsigned long umk_slab_total_pages(void)
{
	unsigned long irqs, pages = 0;
	struct umk_list_head *pos;
	struct umk_cache *c;

	irqs = umk_spin_lock_irqsave(&slab_caches_lock);
	slab_for_each_cache(pos, c)
		pages += UMK_READ_ONCE(c->nr_slabs) << c->order;
	umk_spin_unlock_irqrestore(&slab_caches_lock, irqs);
	return pages;
}

/* A hint for the shrinker: objects in this CPU's magazine may free slabs. */
static struct umk_slab_magazine *slab_local_mag(struct umk_cache *c)
{
#ifdef CONFIG_SLAB_PERCPU
	return &c->mag[umk_smp_processor_id()];
#else
	return &c->mag[0];
#endif
}

static unsigned long slab_shrink_count(struct umk_shrinker *s)
{
	unsigned long irqs, pages = 0;
	struct umk_list_head *pos;
	struct umk_cache *c;

	(void)s;
	irqs = umk_spin_lock_irqsave(&slab_caches_lock);
	slab_for_each_cache(pos, c)
		pages += (UMK_READ_ONCE(c->nr_empty) << c->order) +
			 UMK_READ_ONCE(slab_local_mag(c)->count);
	umk_spin_unlock_irqrestore(&slab_caches_lock, irqs);
	return pages;
}

static unsigned long slab_shrink_scan(struct umk_shrinker *s, unsigned long nr)
{
	unsigned long irqs, freed = 0;
	struct umk_list_head *pos;
	struct umk_cache *c;

	(void)s;
	irqs = umk_spin_lock_irqsave(&slab_caches_lock);
	slab_for_each_cache(pos, c) {
		freed += slab_shrink(c, false);
		if (freed >= nr)
			break;
	}
	umk_spin_unlock_irqrestore(&slab_caches_lock, irqs);
	return freed;
}

static struct umk_shrinker slab_shrinker = {
	.count = slab_shrink_count,
	.scan = slab_shrink_scan,
};

UMK_INTERNAL void umk_slab_init(void)
{
	if (umk_slab_cache_init(&slab_cache_cache, "umk_cache",
				sizeof(struct umk_cache), UMK_CACHELINE, 0, NULL))
		umk_panic("slab: cannot set up the cache of caches");
	slab_cache_cache.flags |= UMK_SLAB_STATIC;
	umk_register_shrinker(&slab_shrinker);
}
