/*
 * kmalloc: every size class boundary, large allocations, krealloc,
 * ksize, kzalloc, kstrdup and the failure paths under exhaustion.
 */
#include <umk/config.h>
#include <umk/ktest.h>
#include <umk/mm.h>
#include <umk/slab.h>
#include <umk/string.h>
#include "core/page.h"

static void kmt_fill(void *p, size_t n, unsigned char seed)
{
	unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (unsigned char)(seed + i * 13);
}

static bool kmt_check(const void *p, size_t n, unsigned char seed)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != (unsigned char)(seed + i * 13))
			return false;
	return true;
}

static const size_t kmt_classes[] = {
	8,   16,  24,  32,   48,   64,   80,   96,   112,  128,
	160, 192, 224, 256,  320,  384,  448,  512,  640,  768,
	896, 1024, 1280, 1536, 1792, 2048, 2560, 3072, 3584, 4096,
};

static void kmt_one(struct umk_ktest *t, size_t size)
{
	void *p = umk_kmalloc(size);
	/* What any C object of that size can need. */
	size_t align = size == 16 || size > 24 ? 16 : 8;

	UMK_ASSERT_NOT_NULL(t, p);
	UMK_EXPECT_GE(t, umk_ksize(p), size);
	UMK_EXPECT_EQ(t, (unsigned long)p % align, 0);
	kmt_fill(p, umk_ksize(p), (unsigned char)size);
	UMK_EXPECT_TRUE(t, kmt_check(p, umk_ksize(p), (unsigned char)size));
	umk_kfree(p);
}

static void kmt_size_classes(struct umk_ktest *t)
{
	unsigned int i;
	size_t s;

	for (i = 0; i < UMK_ARRAY_SIZE(kmt_classes); i++) {
		s = kmt_classes[i];
		kmt_one(t, s - 1);
		kmt_one(t, s);
		kmt_one(t, s + 1);
		/* A class boundary is exact: s fits, s + 1 moves up. */
		{
			void *a = umk_kmalloc(s), *b = umk_kmalloc(s + 1);

			UMK_ASSERT_NOT_NULL(t, a);
			UMK_ASSERT_NOT_NULL(t, b);
			UMK_EXPECT_EQ(t, umk_ksize(a), s);
			UMK_EXPECT_GT(t, umk_ksize(b), s);
			umk_kfree(a);
			umk_kfree(b);
		}
	}
	/* Every size up to a page is served and no more than 25% larger. */
	for (s = 1; s <= 4096; s++) {
		void *p = umk_kmalloc(s);

		UMK_ASSERT_NOT_NULL(t, p);
		UMK_EXPECT_GE(t, umk_ksize(p), s);
		if (s >= 32)
			UMK_EXPECT_LE(t, umk_ksize(p), s + s / 4 + 8);
		umk_kfree(p);
	}
	/* kmalloc(0) returns a freeable block. */
	{
		void *z = umk_kmalloc(0);

		UMK_ASSERT_NOT_NULL(t, z);
		umk_kfree(z);
	}
}

static void kmt_large(struct umk_ktest *t)
{
	static const size_t sizes[] = { 4097, 8192, 10000, 65536, 100000,
					1 << 20, 3 << 20 };
	unsigned long free0 = umk_page_nr_free();
	unsigned int i;

	for (i = 0; i < UMK_ARRAY_SIZE(sizes); i++) {
		unsigned char *p = umk_kmalloc(sizes[i]);

		if (!p && sizes[i] >= (1 << 20))
			continue; /* small memory profiles */
		UMK_ASSERT_NOT_NULL(t, p);
		UMK_EXPECT_EQ(t, (unsigned long)p % UMK_PAGE_SIZE, 0);
		UMK_EXPECT_GE(t, umk_ksize(p), sizes[i]);
		UMK_EXPECT_LT(t, umk_ksize(p), 2 * sizes[i]);
		kmt_fill(p, sizes[i], (unsigned char)i);
		UMK_EXPECT_TRUE(t, kmt_check(p, sizes[i], (unsigned char)i));
		umk_kfree(p);
		UMK_EXPECT_EQ(t, umk_page_nr_free(), free0);
	}
}

static void kmt_krealloc(struct umk_ktest *t)
{
	static const size_t steps[] = { 10, 100, 700, 4000, 5000, 20000 };
	unsigned char *p = umk_krealloc(NULL, 5), *q;
	unsigned int i;

	UMK_ASSERT_NOT_NULL(t, p);
	kmt_fill(p, 5, 42);
	for (i = 0; i < UMK_ARRAY_SIZE(steps); i++) {
		size_t old = i ? steps[i - 1] : 5;

		q = umk_krealloc(p, steps[i]);
		UMK_ASSERT_NOT_NULL(t, q);
		UMK_EXPECT_TRUE(t, kmt_check(q, old, 42));
		UMK_EXPECT_GE(t, umk_ksize(q), steps[i]);
		kmt_fill(q, steps[i], 42);
		p = q;
	}
	/* Shrinking keeps the block and its content. */
	q = umk_krealloc(p, 100);
	UMK_EXPECT_EQ(t, (unsigned long)q, (unsigned long)p);
	UMK_EXPECT_TRUE(t, kmt_check(q, 100, 42));
	/* Growing within the class keeps the block too. */
	p = umk_kmalloc(40);
	UMK_ASSERT_NOT_NULL(t, p);
	UMK_EXPECT_EQ(t, (unsigned long)umk_krealloc(p, 48), (unsigned long)p);
	umk_kfree(p);
	/* Size 0 frees. */
	UMK_EXPECT_TRUE(t, umk_krealloc(q, 0) == NULL);
}

static void kmt_kzalloc_kstrdup(struct umk_ktest *t)
{
	unsigned char *p;
	char *s;
	unsigned int i, round;

	for (round = 0; round < 50; round++) {
		p = umk_kmalloc(300);
		UMK_ASSERT_NOT_NULL(t, p);
		umk_memset(p, 0xee, 300);
		umk_kfree(p);
		p = umk_kzalloc(300);
		UMK_ASSERT_NOT_NULL(t, p);
		for (i = 0; i < 300; i++)
			if (p[i])
				break;
		UMK_EXPECT_EQ(t, i, 300);
		umk_kfree(p);
	}
	p = umk_kzalloc(9000);
	UMK_ASSERT_NOT_NULL(t, p);
	UMK_EXPECT_EQ(t, p[0] | p[4500] | p[8999], 0);
	umk_kfree(p);

	s = umk_kstrdup("hello, kernel");
	UMK_ASSERT_NOT_NULL(t, s);
	UMK_EXPECT_EQ(t, umk_strcmp(s, "hello, kernel"), 0);
	umk_kfree(s);
	UMK_EXPECT_TRUE(t, umk_kstrdup(NULL) == NULL);
	umk_kfree(NULL); /* allowed */
	UMK_EXPECT_EQ(t, umk_ksize(NULL), 0);
}

static void kmt_random(struct umk_ktest *t)
{
	static void *blocks[256];
	static size_t sizes[256];
	unsigned long long seed = 0x243f6a8885a308d3ULL;
	unsigned int iter, i;

	umk_memset(blocks, 0, sizeof(blocks));
	for (iter = 0; iter < 20000; iter++) {
		unsigned int k;

		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		k = (unsigned int)(seed % 256);
		if (blocks[k]) {
			UMK_ASSERT_TRUE(t, kmt_check(blocks[k], sizes[k],
						     (unsigned char)k));
			umk_kfree(blocks[k]);
			blocks[k] = NULL;
			continue;
		}
		sizes[k] = (size_t)((seed >> 20) % (seed & 0x100 ? 6000 : 300));
		blocks[k] = umk_kmalloc(sizes[k]);
		UMK_ASSERT_NOT_NULL(t, blocks[k]);
		kmt_fill(blocks[k], sizes[k], (unsigned char)k);
	}
	for (i = 0; i < 256; i++) {
		if (!blocks[i])
			continue;
		UMK_EXPECT_TRUE(t, kmt_check(blocks[i], sizes[i],
					     (unsigned char)i));
		umk_kfree(blocks[i]);
	}
}

/* Requests no allocator can satisfy return NULL and change nothing. */
static void kmt_too_large(struct umk_ktest *t)
{
	unsigned long free0 = umk_page_nr_free();
	/* volatile: the compiler must not see the huge memset in kzalloc. */
	volatile size_t huge = (size_t)-1;

	UMK_EXPECT_TRUE(t, umk_kmalloc(UMK_PAGE_SIZE << UMK_MAX_ORDER) == NULL);
	UMK_EXPECT_TRUE(t, umk_kmalloc(huge) == NULL);
	UMK_EXPECT_TRUE(t, umk_kmalloc(huge - 4095) == NULL);
	UMK_EXPECT_TRUE(t, umk_kzalloc(huge) == NULL);
	UMK_EXPECT_EQ(t, umk_page_nr_free(), free0);
}

/* With physical memory exhausted, kmalloc and krealloc fail cleanly. */
static void kmt_exhausted(struct umk_ktest *t)
{
	void *pages = NULL, *objs = NULL, *p;
	unsigned long nobjs = 0;
	char *keep;

	keep = umk_kmalloc(64);
	UMK_ASSERT_NOT_NULL(t, keep);
	kmt_fill(keep, 64, 7);
	while ((p = umk_alloc_pages(0)) != NULL) {
		*(void **)p = pages;
		pages = p;
	}
	UMK_EXPECT_TRUE(t, umk_kmalloc(3 * UMK_PAGE_SIZE) == NULL);
	UMK_EXPECT_TRUE(t, umk_kzalloc(2 * UMK_PAGE_SIZE) == NULL);
	/* Growing past the class needs a new block: fails, keeps the old. */
	UMK_EXPECT_TRUE(t, umk_krealloc(keep, 10000) == NULL);
	UMK_EXPECT_TRUE(t, kmt_check(keep, 64, 7));
	/* Small objects still come from what the caches hold, then stop. */
	while ((p = umk_kmalloc(2048)) != NULL && nobjs < 100000) {
		*(void **)p = objs;
		objs = p;
		nobjs++;
	}
	UMK_EXPECT_TRUE(t, p == NULL);
	while (objs) {
		p = *(void **)objs;
		umk_kfree(objs);
		objs = p;
	}
	while (pages) {
		p = *(void **)pages;
		umk_free_pages(pages, 0);
		pages = p;
	}
	/* Recovered. */
	p = umk_krealloc(keep, 10000);
	UMK_ASSERT_NOT_NULL(t, p);
	UMK_EXPECT_TRUE(t, kmt_check(p, 64, 7));
	umk_kfree(p);
}

static void kmt_stats(struct umk_ktest *t)
{
	struct umk_mem_stats a, b;
	void *p, *q;

	umk_mem_stats(&a);
	p = umk_kmalloc(1000);
	q = umk_kmalloc(20000);
	UMK_ASSERT_NOT_NULL(t, p);
	UMK_ASSERT_NOT_NULL(t, q);
	umk_mem_stats(&b);
#ifdef CONFIG_MEM_STATS
	UMK_EXPECT_GE(t, b.kmalloc_bytes, a.kmalloc_bytes + 21000);
#endif
	UMK_EXPECT_GE(t, b.slab_pages, 1);
	UMK_EXPECT_LT(t, b.free_pages, a.free_pages);
	umk_kfree(p);
	umk_kfree(q);
	umk_mem_stats(&b);
#ifdef CONFIG_MEM_STATS
	UMK_EXPECT_EQ(t, b.kmalloc_bytes, a.kmalloc_bytes);
#endif
}

static const struct umk_ktest_case kmt_cases[] = {
	UMK_KTEST_CASE(kmt_size_classes),
	UMK_KTEST_CASE(kmt_large),
	UMK_KTEST_CASE(kmt_krealloc),
	UMK_KTEST_CASE(kmt_kzalloc_kstrdup),
	UMK_KTEST_CASE(kmt_random),
	UMK_KTEST_CASE(kmt_too_large),
	UMK_KTEST_CASE(kmt_exhausted),
	UMK_KTEST_CASE(kmt_stats),
};

UMK_KTEST_SUITE(kmalloc, kmt_cases);
