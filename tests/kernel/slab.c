/*
 * Slab caches: constructors run once per object, alignment, zeroing,
 * random allocation with fill patterns, shrinking, statistics and many
 * caches at once.
 */
#include <umk/errno.h>
#include <umk/ktest.h>
#include <umk/mm.h>
#include <umk/printk.h>
#include <umk/sched.h>
#include <umk/slab.h>
#include <umk/string.h>
#include <umk/task.h>
#include "core/page.h"

static unsigned long long slabt_seed;

static unsigned long slabt_rand(void)
{
	slabt_seed ^= slabt_seed << 13;
	slabt_seed ^= slabt_seed >> 7;
	slabt_seed ^= slabt_seed << 17;
	return (unsigned long)slabt_seed;
}

/*
 * Per-CPU magazines are flushed by the CPU that owns them: keep a case on
 * one CPU so that shrinking sees every object it freed.
 */
static void slabt_pin(void)
{
	struct umk_task *me = umk_current();

	umk_set_cpus_allowed(me, 1ULL << umk_task_cpu(me));
}

static unsigned char slabt_byte(const void *obj, size_t i)
{
	return (unsigned char)(((unsigned long)obj >> 3) + i * 7);
}

static void slabt_fill(void *obj, size_t size)
{
	unsigned char *b = obj;
	size_t i;

	for (i = 0; i < size; i++)
		b[i] = slabt_byte(obj, i);
}

static bool slabt_check(const void *obj, size_t size)
{
	const unsigned char *b = obj;
	size_t i;

	for (i = 0; i < size; i++)
		if (b[i] != slabt_byte(obj, i))
			return false;
	return true;
}

#define SLABT_MAGIC 0x5ab1e5ab1e5ab1e5UL

static unsigned long slabt_ctor_calls;

struct slabt_obj {
	unsigned long magic;
	unsigned long uses;
	char payload[40];
};

static void slabt_ctor(void *p)
{
	struct slabt_obj *o = p;

	o->magic = SLABT_MAGIC;
	o->uses = 0;
	slabt_ctor_calls++;
}

static void slabt_ctor_once(struct umk_ktest *t)
{
	struct umk_cache *c;
	struct umk_cache_stats st = { 0 };
	static struct slabt_obj *objs[60], *all[256];
	unsigned long carved, uses;
	unsigned int i, round;

	slabt_pin();
	slabt_ctor_calls = 0;
	c = umk_cache_create("test-ctor", sizeof(struct slabt_obj), 0, 0,
			     slabt_ctor);
	UMK_ASSERT_NOT_NULL(t, c);
	carved = 0;
	for (round = 0; round < 4; round++) {
		for (i = 0; i < UMK_ARRAY_SIZE(objs); i++) {
			objs[i] = umk_cache_alloc(c);
			UMK_ASSERT_NOT_NULL(t, objs[i]);
			UMK_EXPECT_EQ(t, objs[i]->magic, SLABT_MAGIC);
			objs[i]->uses++;
		}
		umk_cache_stats(c, &st);
		UMK_EXPECT_EQ(t, st.active_objects, UMK_ARRAY_SIZE(objs));
		if (round == 0)
			carved = st.total_objects;
		/* One constructor call per object carved, none on reuse. */
		UMK_EXPECT_EQ(t, slabt_ctor_calls, carved);
		UMK_EXPECT_EQ(t, st.total_objects, carved);
		for (i = 0; i < UMK_ARRAY_SIZE(objs); i++)
			umk_cache_free(c, objs[i]);
	}
	/*
	 * Take every carved object once more: their use counts add up to
	 * all the allocations so far, so none was constructed twice.
	 */
	UMK_ASSERT_TRUE(t, carved <= UMK_ARRAY_SIZE(all));
	uses = 0;
	for (i = 0; i < carved; i++) {
		all[i] = umk_cache_alloc(c);
		UMK_ASSERT_NOT_NULL(t, all[i]);
		uses += all[i]->uses;
	}
	UMK_EXPECT_EQ(t, uses, 4 * UMK_ARRAY_SIZE(objs));
	UMK_EXPECT_EQ(t, slabt_ctor_calls, carved);
	for (i = 0; i < carved; i++)
		umk_cache_free(c, all[i]);
	umk_cache_destroy(c);
	/* The ZERO flag and a constructor contradict each other. */
	UMK_EXPECT_TRUE(t, umk_cache_create("bad", 32, 0, UMK_CACHE_ZERO,
					    slabt_ctor) == NULL);
}

static void slabt_alignment(struct umk_ktest *t)
{
	static const size_t sizes[] = { 1, 13, 24, 100, 129, 1000, 3000, 5000 };
	static const size_t aligns[] = { 0, 8, 16, 64, 256, 4096 };
	void *objs[20];
	unsigned int s, a, i;

	for (s = 0; s < UMK_ARRAY_SIZE(sizes); s++) {
		for (a = 0; a < UMK_ARRAY_SIZE(aligns); a++) {
			size_t al = aligns[a] ? aligns[a] : sizeof(void *);
			struct umk_cache *c = umk_cache_create(
				"test-align", sizes[s], aligns[a], 0, NULL);

			UMK_ASSERT_NOT_NULL(t, c);
			for (i = 0; i < UMK_ARRAY_SIZE(objs); i++) {
				objs[i] = umk_cache_alloc(c);
				UMK_ASSERT_NOT_NULL(t, objs[i]);
				UMK_EXPECT_EQ(t, (unsigned long)objs[i] % al, 0);
				slabt_fill(objs[i], sizes[s]);
			}
			for (i = 0; i < UMK_ARRAY_SIZE(objs); i++) {
				UMK_EXPECT_TRUE(t, slabt_check(objs[i], sizes[s]));
				umk_cache_free(c, objs[i]);
			}
			umk_cache_destroy(c);
		}
	}
	/* Alignment must be a power of two, at most a page; size non-zero. */
	UMK_EXPECT_TRUE(t, umk_cache_create("bad", 32, 24, 0, NULL) == NULL);
	UMK_EXPECT_TRUE(t, umk_cache_create("bad", 32, 8192, 0, NULL) == NULL);
	UMK_EXPECT_TRUE(t, umk_cache_create("bad", 0, 0, 0, NULL) == NULL);
	UMK_EXPECT_TRUE(t, umk_cache_create("bad", 32, 0, 0x80, NULL) == NULL);
}

static void slabt_zero(struct umk_ktest *t)
{
	struct umk_cache *c = umk_cache_create("test-zero", 200, 0,
					       UMK_CACHE_ZERO, NULL);
	static unsigned char *objs[100];
	unsigned int i, j, round;

	UMK_ASSERT_NOT_NULL(t, c);
	for (round = 0; round < 3; round++) {
		for (i = 0; i < UMK_ARRAY_SIZE(objs); i++) {
			objs[i] = umk_cache_alloc(c);
			UMK_ASSERT_NOT_NULL(t, objs[i]);
			for (j = 0; j < 200; j++)
				if (objs[i][j] != 0)
					break;
			UMK_EXPECT_EQ(t, j, 200);
			umk_memset(objs[i], 0xa5, 200); /* dirty it for reuse */
		}
		for (i = 0; i < UMK_ARRAY_SIZE(objs); i++)
			umk_cache_free(c, objs[i]);
	}
	umk_cache_destroy(c);
}

#define SLABT_SLOTS 1024

static void slabt_random(struct umk_ktest *t)
{
	static void *slots[SLABT_SLOTS];
	struct umk_cache *c = umk_cache_create("test-random", 72, 0, 0, NULL);
	struct umk_cache_stats st = { 0 };
	unsigned long iter, live = 0;
	unsigned int i;

	UMK_ASSERT_NOT_NULL(t, c);
	slabt_seed = 0xfeedfacecafebeefULL;
	umk_memset(slots, 0, sizeof(slots));
	for (iter = 0; iter < 50000; iter++) {
		void **s = &slots[slabt_rand() % SLABT_SLOTS];

		if (*s) {
			UMK_ASSERT_TRUE(t, slabt_check(*s, 72));
			umk_cache_free(c, *s);
			*s = NULL;
			live--;
		} else {
			*s = umk_cache_alloc(c);
			UMK_ASSERT_NOT_NULL(t, *s);
			slabt_fill(*s, 72);
			live++;
		}
	}
	umk_cache_stats(c, &st);
	UMK_EXPECT_EQ(t, st.active_objects, live);
	UMK_EXPECT_GE(t, st.total_objects, live);
	for (i = 0; i < SLABT_SLOTS; i++) {
		if (!slots[i])
			continue;
		UMK_EXPECT_TRUE(t, slabt_check(slots[i], 72));
		umk_cache_free(c, slots[i]);
	}
	umk_cache_stats(c, &st);
	UMK_EXPECT_EQ(t, st.active_objects, 0);
	umk_cache_destroy(c);
}

static void slabt_shrink(struct umk_ktest *t)
{
	struct umk_cache *c = umk_cache_create("test-shrink", 500, 0, 0, NULL);
	static void *objs[400];
	struct umk_cache_stats st = { 0 };
	unsigned long free0, pages;
	unsigned int i;

	UMK_ASSERT_NOT_NULL(t, c);
	slabt_pin();
	free0 = umk_page_nr_free();
	for (i = 0; i < UMK_ARRAY_SIZE(objs); i++) {
		objs[i] = umk_cache_alloc(c);
		UMK_ASSERT_NOT_NULL(t, objs[i]);
	}
	umk_cache_stats(c, &st);
	UMK_EXPECT_GE(t, st.pages * UMK_PAGE_SIZE, 400 * 500);
	UMK_EXPECT_EQ(t, umk_page_nr_free(), free0 - st.pages);
	for (i = 0; i < UMK_ARRAY_SIZE(objs); i++)
		umk_cache_free(c, objs[i]);
	/* Some empty slabs went back at once, a few are kept... */
	pages = umk_cache_shrink(c);
	UMK_EXPECT_GT(t, pages, 0);
	/* ...and after shrinking the cache holds nothing. */
	umk_cache_stats(c, &st);
	UMK_EXPECT_EQ(t, st.pages, 0);
	UMK_EXPECT_EQ(t, st.total_objects, 0);
	UMK_EXPECT_EQ(t, umk_page_nr_free(), free0);
	UMK_EXPECT_EQ(t, umk_cache_shrink(c), 0);
	umk_cache_destroy(c);
}

/* The slab shrinker gives empty slabs back when pages run out. */
static void slabt_shrinker(struct umk_ktest *t)
{
	struct umk_cache *c = umk_cache_create("test-shrinker", 1024, 0, 0, NULL);
	static void *objs[64];
	struct umk_cache_stats st = { 0 };
	void *head = NULL, *p;
	unsigned int i;

	UMK_ASSERT_NOT_NULL(t, c);
	slabt_pin();
	for (i = 0; i < UMK_ARRAY_SIZE(objs); i++) {
		objs[i] = umk_cache_alloc(c);
		UMK_ASSERT_NOT_NULL(t, objs[i]);
	}
	for (i = 0; i < UMK_ARRAY_SIZE(objs); i++)
		umk_cache_free(c, objs[i]);
	/* Objects sit in the magazine, their slabs are kept: exhaust. */
	while ((p = umk_alloc_pages(0)) != NULL) {
		*(void **)p = head;
		head = p;
	}
	umk_cache_stats(c, &st);
	UMK_EXPECT_EQ(t, st.pages, 0);
	while (head) {
		p = *(void **)head;
		umk_free_pages(head, 0);
		head = p;
	}
	umk_cache_destroy(c);
}

static void slabt_stats(struct umk_ktest *t)
{
	struct umk_cache *c = umk_cache_create("test-stats", 40, 0, 0, NULL);
	static void *objs[100];
	struct umk_cache_stats st = { 0 };
	unsigned int i;

	UMK_ASSERT_NOT_NULL(t, c);
	UMK_EXPECT_EQ(t, umk_cache_stats(c, &st), 0);
	UMK_EXPECT_EQ(t, umk_strcmp(st.name, "test-stats"), 0);
	UMK_EXPECT_EQ(t, st.object_size, 40);
	UMK_EXPECT_EQ(t, st.active_objects, 0);
	UMK_EXPECT_EQ(t, st.pages, 0);
	for (i = 0; i < UMK_ARRAY_SIZE(objs); i++) {
		objs[i] = umk_cache_alloc(c);
		UMK_ASSERT_NOT_NULL(t, objs[i]);
	}
	umk_cache_stats(c, &st);
	UMK_EXPECT_EQ(t, st.active_objects, 100);
	UMK_EXPECT_GE(t, st.total_objects, 100);
	UMK_EXPECT_GE(t, st.pages, 1);
	UMK_EXPECT_LE(t, st.total_objects * 40, st.pages * UMK_PAGE_SIZE);
	for (i = 0; i < 30; i++)
		umk_cache_free(c, objs[i]);
	umk_cache_stats(c, &st);
	UMK_EXPECT_EQ(t, st.active_objects, 70);
	for (i = 30; i < UMK_ARRAY_SIZE(objs); i++)
		umk_cache_free(c, objs[i]);
	umk_cache_stats(c, &st);
	UMK_EXPECT_EQ(t, st.active_objects, 0);
	UMK_EXPECT_EQ(t, umk_cache_stats(NULL, &st), -UMK_EINVAL);
	umk_cache_destroy(c);
	umk_cache_destroy(NULL);
	umk_cache_free(c, NULL); /* freeing NULL is a no-op */
}

/*
 * A slab grown for an empty magazine that is refilled in the meantime
 * (by a free from another CPU, an IRQ handler or, here, the constructor)
 * is not used by the allocation that grew it. It must still be given back
 * by shrink and counted by destroy: it once sat on the partial list with
 * no object in use, invisible to both, and umk_cache_destroy panicked.
 */
static struct umk_cache *slabt_regrow_cache;
static void *slabt_regrow_held; /* freed by the next constructor call */

static void slabt_regrow_ctor(void *p)
{
	void *held = slabt_regrow_held;

	(void)p;
	if (held) {
		slabt_regrow_held = NULL;
		umk_cache_free(slabt_regrow_cache, held);
	}
}

static void slabt_regrow_race(struct umk_ktest *t)
{
	static void *objs[256];
	struct umk_cache_stats st = { 0 };
	unsigned long per_slab;
	unsigned int i, n;
	struct umk_cache *c;

	slabt_pin();
	c = umk_cache_create("test-regrow", 200, 0, 0, slabt_regrow_ctor);
	UMK_ASSERT_NOT_NULL(t, c);
	slabt_regrow_cache = c;
	objs[0] = umk_cache_alloc(c);
	UMK_ASSERT_NOT_NULL(t, objs[0]);
	umk_cache_stats(c, &st);
	per_slab = st.total_objects;
	UMK_ASSERT_TRUE(t, per_slab >= 2 && per_slab < UMK_ARRAY_SIZE(objs));
	/* Take the rest of the first slab: the next allocation must grow. */
	for (n = 1; n < per_slab; n++) {
		objs[n] = umk_cache_alloc(c);
		UMK_ASSERT_NOT_NULL(t, objs[n]);
	}
	umk_cache_stats(c, &st);
	UMK_ASSERT_EQ(t, st.total_objects, per_slab);
	/* The grow frees objs[0] into the magazine, which then serves it. */
	slabt_regrow_held = objs[0];
	objs[n] = umk_cache_alloc(c);
	UMK_EXPECT_TRUE(t, slabt_regrow_held == NULL);
	UMK_EXPECT_TRUE(t, objs[n] == objs[0]);
	umk_cache_stats(c, &st);
	UMK_EXPECT_EQ(t, st.total_objects, 2 * per_slab);
	UMK_EXPECT_EQ(t, st.active_objects, per_slab);
	for (i = 1; i <= n; i++)
		umk_cache_free(c, objs[i]);
	umk_cache_shrink(c);
	umk_cache_stats(c, &st);
	UMK_EXPECT_EQ(t, st.active_objects, 0);
	/* Not destroyed if a slab is unaccounted for: destroy would panic. */
	UMK_ASSERT_EQ(t, st.pages, 0);
	umk_cache_destroy(c);
}

/*
 * Objects freed on one CPU sit in that CPU's magazine; shrinking from
 * another CPU must still give their slabs back.
 */
static void slabt_shrink_all_cpus(struct umk_ktest *t)
{
	struct umk_cache *c;
	static void *objs[300];
	struct umk_cache_stats st = { 0 };
	unsigned long free0;
	unsigned int i;

	if (umk_nr_cpus_online() < 2)
		umk_ktest_skip(t, "needs two CPUs online");
	c = umk_cache_create("test-shrink-all", 64, 0, 0, NULL);
	UMK_ASSERT_NOT_NULL(t, c);
	free0 = umk_page_nr_free();
	UMK_ASSERT_EQ(t, umk_set_cpus_allowed(umk_current(), 1ULL << 0), 0);
	for (i = 0; i < UMK_ARRAY_SIZE(objs); i++) {
		objs[i] = umk_cache_alloc(c);
		UMK_ASSERT_NOT_NULL(t, objs[i]);
	}
	for (i = 0; i < UMK_ARRAY_SIZE(objs); i++)
		umk_cache_free(c, objs[i]);
	/* CPU 0's magazine holds freed objects; shrink from CPU 1. */
	UMK_ASSERT_EQ(t, umk_set_cpus_allowed(umk_current(), 1ULL << 1), 0);
	UMK_ASSERT_EQ(t, umk_task_cpu(umk_current()), 1);
	UMK_EXPECT_GT(t, umk_cache_shrink(c), 0);
	umk_cache_stats(c, &st);
	UMK_EXPECT_EQ(t, st.active_objects, 0);
	UMK_EXPECT_EQ(t, st.pages, 0);
	UMK_EXPECT_EQ(t, umk_page_nr_free(), free0);
	/* The caller's affinity is what it was. */
	UMK_EXPECT_EQ(t, umk_task_cpu(umk_current()), 1);
	umk_cache_destroy(c);
}

#define SLABT_NR_CACHES 48

static void slabt_many_caches(struct umk_ktest *t)
{
	static struct umk_cache *caches[SLABT_NR_CACHES];
	static void *objs[SLABT_NR_CACHES][8];
	unsigned int i, j;

	for (i = 0; i < SLABT_NR_CACHES; i++) {
		caches[i] = umk_cache_create("test-many", 8 + i * 37, 0, 0, NULL);
		UMK_ASSERT_NOT_NULL(t, caches[i]);
		for (j = 0; j < 8; j++) {
			objs[i][j] = umk_cache_alloc(caches[i]);
			UMK_ASSERT_NOT_NULL(t, objs[i][j]);
			slabt_fill(objs[i][j], 8 + i * 37);
		}
	}
	for (i = 0; i < SLABT_NR_CACHES; i++) {
		struct umk_cache_stats st = { 0 };

		umk_cache_stats(caches[i], &st);
		UMK_EXPECT_EQ(t, st.active_objects, 8);
		UMK_EXPECT_EQ(t, st.object_size, 8 + i * 37);
		for (j = 0; j < 8; j++) {
			UMK_EXPECT_TRUE(t, slabt_check(objs[i][j], 8 + i * 37));
			umk_cache_free(caches[i], objs[i][j]);
		}
		umk_cache_destroy(caches[i]);
	}
}

/*
 * Several tasks (on several CPUs when SMP) share a cache: each allocates
 * and frees its own objects at random, and they also hand objects to each
 * other through an exchange array, so objects are freed on another CPU
 * than the one that allocated them. Patterns catch any object handed out
 * twice; the counts must balance at the end.
 */
#define SLABT_STRESS_TASKS 4
#define SLABT_STRESS_SLOTS 128
#define SLABT_STRESS_SIZE 96

struct slabt_stress {
	struct umk_cache *c;
	void *exchange[64];
	int errors;
	unsigned long cpus_seen; /* CPUs the tasks ran on (for the log) */
};

static struct slabt_stress slabt_stress_state;

/* Each task owns its pattern byte so a foreign object fails the check. */
static void slabt_stamp(void *obj, unsigned char tag)
{
	umk_memset(obj, tag, SLABT_STRESS_SIZE);
}

static bool slabt_stamped(const void *obj, unsigned char tag)
{
	const unsigned char *b = obj;
	unsigned int i;

	for (i = 0; i < SLABT_STRESS_SIZE; i++)
		if (b[i] != tag)
			return false;
	return true;
}

static int slabt_stress_task(void *arg)
{
	struct slabt_stress *st = &slabt_stress_state;
	unsigned char tag = (unsigned char)(unsigned long)arg;
	void *slots[SLABT_STRESS_SLOTS] = { 0 };
	unsigned long long seed = 0x9e3779b97f4a7c15ULL * (tag + 1);
	unsigned int iter, i;

	for (iter = 0; iter < 20000; iter++) {
		unsigned int k;
		void **s, *o;

		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		k = (unsigned int)(seed % SLABT_STRESS_SLOTS);
		s = &slots[k];
		if (*s) {
			if (!slabt_stamped(*s, tag))
				__atomic_add_fetch(&st->errors, 1, __ATOMIC_RELAXED);
			if (seed & 0x10000) {
				/* Hand it over, freeing what was there. */
				slabt_stamp(*s, 0xee);
				o = __atomic_exchange_n(
					&st->exchange[(seed >> 20) % 64], *s,
					__ATOMIC_ACQ_REL);
				if (o && !slabt_stamped(o, 0xee))
					__atomic_add_fetch(&st->errors, 1,
							   __ATOMIC_RELAXED);
				umk_cache_free(st->c, o);
			} else {
				umk_cache_free(st->c, *s);
			}
			*s = NULL;
		} else {
			*s = umk_cache_alloc(st->c);
			if (!*s) {
				__atomic_add_fetch(&st->errors, 1, __ATOMIC_RELAXED);
				break;
			}
			slabt_stamp(*s, tag);
		}
		if (iter % 512 == 0) {
			__atomic_or_fetch(&st->cpus_seen,
					  1UL << umk_task_cpu(umk_current()),
					  __ATOMIC_RELAXED);
			umk_yield();
		}
	}
	for (i = 0; i < SLABT_STRESS_SLOTS; i++)
		umk_cache_free(st->c, slots[i]);
	return 0;
}

static void slabt_concurrent(struct umk_ktest *t)
{
	struct slabt_stress *st = &slabt_stress_state;
	struct umk_task *tasks[SLABT_STRESS_TASKS];
	struct umk_cache_stats cs = { 0 };
	unsigned int i;

	umk_memset(st, 0, sizeof(*st));
	st->c = umk_cache_create("test-stress", SLABT_STRESS_SIZE, 0, 0, NULL);
	UMK_ASSERT_NOT_NULL(t, st->c);
	for (i = 0; i < SLABT_STRESS_TASKS; i++) {
		tasks[i] = umk_task_create(slabt_stress_task,
					   (void *)(unsigned long)(i + 1),
					   "slab-stress");
		UMK_ASSERT_NOT_NULL(t, tasks[i]);
	}
	for (i = 0; i < SLABT_STRESS_TASKS; i++)
		UMK_EXPECT_EQ(t, umk_task_join(tasks[i], NULL), 0);
	UMK_EXPECT_EQ(t, st->errors, 0);
	umk_pr_info("slab stress: tasks ran on CPU mask 0x%lx\n", st->cpus_seen);
	for (i = 0; i < UMK_ARRAY_SIZE(st->exchange); i++) {
		if (st->exchange[i])
			UMK_EXPECT_TRUE(t, slabt_stamped(st->exchange[i], 0xee));
		umk_cache_free(st->c, st->exchange[i]);
	}
	/* Everything came back, wherever it was freed. */
	umk_cache_stats(st->c, &cs);
	UMK_EXPECT_EQ(t, cs.active_objects, 0);
	umk_cache_destroy(st->c);
}

static const struct umk_ktest_case slabt_cases[] = {
	UMK_KTEST_CASE(slabt_ctor_once),
	UMK_KTEST_CASE(slabt_alignment),
	UMK_KTEST_CASE(slabt_zero),
	UMK_KTEST_CASE(slabt_random),
	UMK_KTEST_CASE(slabt_shrink),
	UMK_KTEST_CASE(slabt_shrinker),
	UMK_KTEST_CASE(slabt_stats),
	UMK_KTEST_CASE(slabt_many_caches),
	UMK_KTEST_CASE(slabt_regrow_race),
	UMK_KTEST_CASE(slabt_shrink_all_cpus),
	UMK_KTEST_CASE(slabt_concurrent),
};

UMK_KTEST_SUITE(slab, slabt_cases);
