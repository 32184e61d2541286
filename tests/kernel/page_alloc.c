/*
 * The buddy page allocator: address translation, random mixed-order
 * allocation with fill patterns (no two live blocks overlap), merging back
 * to the starting blocks, exhaustion and recovery, shrinkers on failure,
 * and page reference counts.
 */
#include <umk/ktest.h>
#include <umk/mm.h>
#include <umk/string.h>
#include "core/page.h"

static unsigned long long pa_seed;

static unsigned long pa_rand(void)
{
	pa_seed ^= pa_seed << 13;
	pa_seed ^= pa_seed >> 7;
	pa_seed ^= pa_seed << 17;
	return (unsigned long)pa_seed;
}

/* Word i of a block holds a value only its owner and position give. */
static unsigned long pa_pattern(const void *block, unsigned long i)
{
	return ((unsigned long)block * 2654435761UL) ^ (i * 0x9e3779b97f4a7c15UL);
}

static void pa_fill(void *block, unsigned int order)
{
	unsigned long *w = block, n = (UMK_PAGE_SIZE << order) / sizeof(*w), i;

	for (i = 0; i < n; i++)
		w[i] = pa_pattern(block, i);
}

static bool pa_check(const void *block, unsigned int order)
{
	const unsigned long *w = block;
	unsigned long n = (UMK_PAGE_SIZE << order) / sizeof(*w), i;

	for (i = 0; i < n; i++)
		if (w[i] != pa_pattern(block, i))
			return false;
	return true;
}

/* The free blocks per order at the start of a case, to compare at the end. */
static void pa_snapshot(unsigned long *blocks)
{
	unsigned int o;

	for (o = 0; o < UMK_MAX_ORDER; o++)
		blocks[o] = umk_page_free_blocks(o);
}

static void pa_translation(struct umk_ktest *t)
{
	unsigned long free0 = umk_page_nr_free();
	void *p = umk_alloc_pages(0);
	struct umk_page *pg;

	UMK_ASSERT_NOT_NULL(t, p);
	UMK_EXPECT_EQ(t, (unsigned long)p & (UMK_PAGE_SIZE - 1), 0);
	UMK_EXPECT_EQ(t, umk_page_nr_free(), free0 - 1);
	UMK_EXPECT_TRUE(t, umk_virt_addr_valid(p));
	UMK_EXPECT_EQ(t, (unsigned long)umk_phys_to_virt(umk_virt_to_phys(p)),
		      (unsigned long)p);
	pg = umk_virt_to_page(p);
	UMK_EXPECT_EQ(t, (unsigned long)umk_page_to_virt(pg), (unsigned long)p);
	UMK_EXPECT_EQ(t, (unsigned long)umk_phys_to_page(umk_virt_to_phys(p)),
		      (unsigned long)pg);
	UMK_EXPECT_EQ(t, umk_page_to_phys(pg), umk_virt_to_phys(p));
	/* An interior address maps to the same page. */
	UMK_EXPECT_EQ(t, (unsigned long)umk_virt_to_page((char *)p + 100),
		      (unsigned long)pg);
	UMK_EXPECT_EQ(t, umk_page_count(pg), 1);
	UMK_EXPECT_EQ(t, pg->order, 0);
	umk_free_pages(p, 0);
	UMK_EXPECT_EQ(t, umk_page_nr_free(), free0);
	UMK_EXPECT_EQ(t, umk_page_alloc_verify(), 0);
}

static void pa_alignment(struct umk_ktest *t)
{
	unsigned int o;

	for (o = 0; o < UMK_MAX_ORDER; o++) {
		void *p = umk_alloc_pages(o);

		if (!p)
			continue; /* small memory: the largest orders may be gone */
		UMK_EXPECT_EQ(t, umk_virt_to_phys(p) & ((UMK_PAGE_SIZE << o) - 1),
			      0);
		UMK_EXPECT_EQ(t, umk_virt_to_page(p)->order, o);
		umk_free_pages(p, o);
	}
	UMK_EXPECT_TRUE(t, umk_alloc_pages(UMK_MAX_ORDER) == NULL);
	UMK_EXPECT_TRUE(t, umk_alloc_pages(100) == NULL);
	umk_free_pages(NULL, 0); /* allowed, does nothing */
	UMK_EXPECT_EQ(t, umk_page_alloc_verify(), 0);
}

#define PA_SLOTS 128

struct pa_block {
	void *addr;
	unsigned int order;
};

static void pa_random(struct umk_ktest *t)
{
	static struct pa_block slots[PA_SLOTS];
	unsigned long blocks0[UMK_MAX_ORDER], blocks1[UMK_MAX_ORDER];
	unsigned long free0 = umk_page_nr_free(), iter, allocs = 0;
	unsigned int i, o;

	pa_seed = 0x1234567890abcdefULL;
	pa_snapshot(blocks0);
	umk_memset(slots, 0, sizeof(slots));
	for (iter = 0; iter < 6000; iter++) {
		struct pa_block *b = &slots[pa_rand() % PA_SLOTS];

		if (b->addr) {
			UMK_ASSERT_TRUE(t, pa_check(b->addr, b->order));
			umk_free_pages(b->addr, b->order);
			b->addr = NULL;
			continue;
		}
		/* Mostly small orders, sometimes up to 32 pages. */
		b->order = (unsigned int)(pa_rand() % 8);
		if (b->order > 5)
			b->order = 0;
		b->addr = umk_alloc_pages(b->order);
		if (!b->addr)
			continue;
		allocs++;
		pa_fill(b->addr, b->order);
		if (iter % 512 == 0)
			UMK_ASSERT_EQ(t, umk_page_alloc_verify(), 0);
	}
	UMK_EXPECT_GT(t, allocs, 1000);
	for (i = 0; i < PA_SLOTS; i++) {
		if (!slots[i].addr)
			continue;
		UMK_EXPECT_TRUE(t, pa_check(slots[i].addr, slots[i].order));
		umk_free_pages(slots[i].addr, slots[i].order);
	}
	UMK_EXPECT_EQ(t, umk_page_alloc_verify(), 0);
	UMK_EXPECT_EQ(t, umk_page_nr_free(), free0);
	/* Every buddy merged back: the same blocks as at the start. */
	pa_snapshot(blocks1);
	for (o = 0; o < UMK_MAX_ORDER; o++)
		UMK_EXPECT_EQ(t, blocks1[o], blocks0[o]);
}

/* Splitting a large block and merging it back, order by order. */
static void pa_split_merge(struct umk_ktest *t)
{
	unsigned long blocks0[UMK_MAX_ORDER], blocks1[UMK_MAX_ORDER];
	void *pages[64];
	unsigned int i, o;

	pa_snapshot(blocks0);
	for (i = 0; i < 64; i++) {
		pages[i] = umk_alloc_pages(0);
		UMK_ASSERT_NOT_NULL(t, pages[i]);
	}
	UMK_EXPECT_EQ(t, umk_page_alloc_verify(), 0);
	/* Free in an order that leaves buddies apart until the end. */
	for (i = 0; i < 64; i += 2)
		umk_free_pages(pages[i], 0);
	UMK_EXPECT_EQ(t, umk_page_alloc_verify(), 0);
	for (i = 1; i < 64; i += 2)
		umk_free_pages(pages[i], 0);
	UMK_EXPECT_EQ(t, umk_page_alloc_verify(), 0);
	pa_snapshot(blocks1);
	for (o = 0; o < UMK_MAX_ORDER; o++)
		UMK_EXPECT_EQ(t, blocks1[o], blocks0[o]);
}

/* Take every free page (order 0), linked through their first word. */
static void *pa_exhaust(unsigned long *count)
{
	void *head = NULL, *p;

	*count = 0;
	while ((p = umk_alloc_pages(0)) != NULL) {
		*(void **)p = head;
		head = p;
		(*count)++;
	}
	return head;
}

static void pa_release(void *head)
{
	while (head) {
		void *next = *(void **)head;

		umk_free_pages(head, 0);
		head = next;
	}
}

static void pa_exhaustion(struct umk_ktest *t)
{
	unsigned long free0, n, failures0;
	void *list;

	umk_shrink_memory(~0UL); /* start without reclaimable slabs */
	free0 = umk_page_nr_free();
	failures0 = umk_page_alloc_failures();
	list = pa_exhaust(&n);
	UMK_EXPECT_GE(t, n, free0);
	UMK_EXPECT_EQ(t, umk_page_nr_free(), 0);
	UMK_EXPECT_TRUE(t, umk_alloc_pages(0) == NULL);
	UMK_EXPECT_TRUE(t, umk_alloc_pages(3) == NULL);
	UMK_EXPECT_GE(t, umk_page_alloc_failures(), failures0 + 3);
	UMK_EXPECT_EQ(t, umk_page_alloc_verify(), 0);
	pa_release(list);
	UMK_EXPECT_GE(t, umk_page_nr_free(), free0);
	UMK_EXPECT_EQ(t, umk_page_alloc_verify(), 0);
	/* Recovered: allocation works again. */
	list = umk_alloc_pages(1);
	UMK_EXPECT_TRUE(t, list != NULL);
	umk_free_pages(list, 1);
}

/* A shrinker that holds pages and gives them back when asked. */
struct pa_stash {
	struct umk_shrinker shrinker;
	void *pages;
	unsigned long nr;
	unsigned long scans;
};

static unsigned long pa_stash_count(struct umk_shrinker *s)
{
	return ((struct pa_stash *)s->data)->nr;
}

static unsigned long pa_stash_scan(struct umk_shrinker *s, unsigned long nr)
{
	struct pa_stash *st = s->data;
	unsigned long freed = 0;

	st->scans++;
	while (st->pages && freed < nr) {
		void *p = st->pages;

		st->pages = *(void **)p;
		umk_free_pages(p, 0);
		st->nr--;
		freed++;
	}
	return freed;
}

static void pa_shrinker(struct umk_ktest *t)
{
	static struct pa_stash stash;
	unsigned long n, shrunk0, free0;
	void *list, *p, *q;
	int i;

	umk_shrink_memory(~0UL);
	free0 = umk_page_nr_free();
	list = pa_exhaust(&n);
	UMK_ASSERT_TRUE(t, n > 8);
	/* Hand eight of the pages to the shrinker. */
	umk_memset(&stash, 0, sizeof(stash));
	for (i = 0; i < 8; i++) {
		p = list;
		list = *(void **)p;
		*(void **)p = stash.pages;
		stash.pages = p;
		stash.nr++;
	}
	stash.shrinker.count = pa_stash_count;
	stash.shrinker.scan = pa_stash_scan;
	stash.shrinker.data = &stash;
	umk_register_shrinker(&stash.shrinker);
	shrunk0 = umk_shrinker_pages_freed();

	p = umk_alloc_pages(0); /* memory is full: only the shrinker helps */
	UMK_EXPECT_TRUE(t, p != NULL);
	UMK_EXPECT_GE(t, stash.scans, 1);
	UMK_EXPECT_LT(t, stash.nr, 8);
	UMK_EXPECT_GT(t, umk_shrinker_pages_freed(), shrunk0);
	if (p) {
		*(void **)p = list;
		list = p;
	}
	/* Drain the stash through allocations; then it fails. */
	while ((q = umk_alloc_pages(0)) != NULL) {
		*(void **)q = list;
		list = q;
	}
	UMK_EXPECT_EQ(t, stash.nr, 0);
	umk_unregister_shrinker(&stash.shrinker);
	n = stash.scans;
	UMK_EXPECT_TRUE(t, umk_alloc_pages(0) == NULL);
	UMK_EXPECT_EQ(t, stash.scans, n); /* unregistered: not called */

	pa_release(list);
	UMK_EXPECT_GE(t, umk_page_nr_free(), free0);
	UMK_EXPECT_EQ(t, umk_page_alloc_verify(), 0);
}

static void pa_refcount(struct umk_ktest *t)
{
	unsigned long free0 = umk_page_nr_free();
	struct umk_page *pg = umk_alloc_page_struct(2);

	UMK_ASSERT_NOT_NULL(t, pg);
	UMK_EXPECT_EQ(t, umk_page_count(pg), 1);
	UMK_EXPECT_EQ(t, pg->order, 2);
	UMK_EXPECT_EQ(t, umk_page_nr_free(), free0 - 4);
	umk_page_get(pg);
	UMK_EXPECT_EQ(t, umk_page_count(pg), 2);
	umk_page_put(pg);
	UMK_EXPECT_EQ(t, umk_page_count(pg), 1);
	UMK_EXPECT_EQ(t, umk_page_nr_free(), free0 - 4); /* still in use */
	umk_page_put(pg);
	UMK_EXPECT_EQ(t, umk_page_nr_free(), free0); /* the last put frees */
	UMK_EXPECT_EQ(t, umk_page_alloc_verify(), 0);
}

static void pa_stats(struct umk_ktest *t)
{
	struct umk_mem_stats st;
	void *p;

	umk_mem_stats(&st);
	UMK_EXPECT_EQ(t, st.total_pages, umk_page_nr_usable());
	UMK_EXPECT_EQ(t, st.free_pages, umk_page_nr_free());
	UMK_EXPECT_LE(t, st.free_pages, st.total_pages);
	p = umk_alloc_pages(4);
	UMK_ASSERT_NOT_NULL(t, p);
	umk_mem_stats(&st);
	UMK_EXPECT_EQ(t, st.free_pages, umk_page_nr_free());
	umk_free_pages(p, 4);
}

static const struct umk_ktest_case pa_cases[] = {
	UMK_KTEST_CASE(pa_translation),
	UMK_KTEST_CASE(pa_alignment),
	UMK_KTEST_CASE(pa_random),
	UMK_KTEST_CASE(pa_split_merge),
	UMK_KTEST_CASE(pa_exhaustion),
	UMK_KTEST_CASE(pa_shrinker),
	UMK_KTEST_CASE(pa_refcount),
	UMK_KTEST_CASE(pa_stats),
};

UMK_KTEST_SUITE(page_alloc, pa_cases);
