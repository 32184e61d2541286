/*
 * Suite vm_smp: the vm under concurrency (CONFIG_VM; most useful with
 * CONFIG_SMP and two or more CPUs). Tasks on several CPUs fault the same
 * pages at once and no write is lost, no page allocated twice; forks
 * taken while another CPU writes give consistent snapshots (a write never
 * reaches a child after the fork write-protected its page).
 */
#include <umk/ktest.h>
#include <umk/mm.h>
#include <umk/sched.h>
#include <umk/task.h>
#include <umk/vm.h>

#define VMSMP_RW (UMK_PROT_READ | UMK_PROT_WRITE)
#define VMSMP_WORDS (UMK_PAGE_SIZE / sizeof(long))
#define VMSMP_PAGES 256
#define VMSMP_TASKS 4

struct vmsmp_toucher {
	volatile unsigned long *p;
	int id;
};

static int vmsmp_touch_all(void *arg)
{
	struct vmsmp_toucher *w = arg;
	int i;

	for (i = 0; i < VMSMP_PAGES; i++) {
		int pg = (i + w->id * (VMSMP_PAGES / VMSMP_TASKS)) % VMSMP_PAGES;

		w->p[pg * VMSMP_WORDS + (unsigned long)w->id] = (unsigned long)w->id + 1;
		if (!(i % 32))
			umk_yield();
	}
	return 0;
}

static void vmsmp_spread(struct umk_task *task, int i)
{
	int cpus = umk_nr_cpus_online();

	if (cpus > 1)
		umk_set_cpus_allowed(task, 1ULL << (i % cpus));
}

static void vmsmp_same_pages_at_once(struct umk_ktest *t)
{
	struct vmsmp_toucher w[VMSMP_TASKS];
	struct umk_task *tasks[VMSMP_TASKS];
	struct umk_mm *mm = umk_mm_create();
	struct umk_mm_stats st;
	volatile unsigned long *p;
	int i, j;

	UMK_ASSERT_NOT_NULL(t, mm);
	p = umk_mmap(mm, NULL, VMSMP_PAGES * UMK_PAGE_SIZE, VMSMP_RW, 0);
	UMK_ASSERT_TRUE(t, !umk_vm_failed((void *)p));
	for (i = 0; i < VMSMP_TASKS; i++) {
		w[i].p = p;
		w[i].id = i;
		tasks[i] = umk_task_create(vmsmp_touch_all, &w[i], "vm-toucher");
		UMK_ASSERT_NOT_NULL(t, tasks[i]);
		vmsmp_spread(tasks[i], i);
	}
	for (i = 0; i < VMSMP_TASKS; i++)
		UMK_EXPECT_EQ(t, umk_task_join(tasks[i], NULL), 0);
	umk_mm_stats(mm, &st);
	UMK_EXPECT_EQ(t, st.resident_pages, VMSMP_PAGES);
	UMK_EXPECT_EQ(t, st.cow_copies, 0);
	for (i = 0; i < VMSMP_PAGES; i++)
		for (j = 0; j < VMSMP_TASKS; j++)
			UMK_ASSERT_EQ(t, p[i * VMSMP_WORDS + (unsigned long)j],
				      j + 1);
	umk_mm_destroy(mm);
}

struct vmsmp_writer {
	volatile unsigned long *p;
	int stop;             /* UMK_READ_ONCE/UMK_WRITE_ONCE: polled */
	unsigned long rounds; /* likewise */
};

/* Writes round r into page 0, 1, ... in order, round after round. */
static int vmsmp_write_rounds(void *arg)
{
	struct vmsmp_writer *w = arg;
	unsigned long r, i;

	for (r = 1; !UMK_READ_ONCE(w->stop); r++) {
		for (i = 0; i < VMSMP_PAGES; i++)
			w->p[i * VMSMP_WORDS] = r;
		UMK_WRITE_ONCE(w->rounds, r);
		umk_yield();
	}
	return 0;
}

static void vmsmp_fork_while_writing(struct umk_ktest *t)
{
	struct umk_mm *mm = umk_mm_create(), *child;
	struct vmsmp_writer w;
	struct umk_task *task;
	volatile unsigned long *c;
	unsigned long i, first, prev;
	int f;

	UMK_ASSERT_NOT_NULL(t, mm);
	w.p = umk_mmap(mm, NULL, VMSMP_PAGES * UMK_PAGE_SIZE, VMSMP_RW, 0);
	UMK_ASSERT_TRUE(t, !umk_vm_failed((void *)w.p));
	w.stop = 0;
	w.rounds = 0;
	task = umk_task_create(vmsmp_write_rounds, &w, "vm-writer");
	UMK_ASSERT_NOT_NULL(t, task);
	vmsmp_spread(task, 1);
	for (f = 0; f < 20; f++) {
		while (UMK_READ_ONCE(w.rounds) < (unsigned long)f + 1)
			umk_yield();
		UMK_ASSERT_EQ(t, umk_mm_fork(mm, &child), 0);
		c = umk_mm_translate(child, mm, (const void *)w.p);
		/* A snapshot: round r up to some page, round r - 1 after it. */
		first = prev = c[0];
		for (i = 1; i < VMSMP_PAGES; i++) {
			unsigned long v = c[i * VMSMP_WORDS];

			UMK_EXPECT_LE(t, v, prev);
			UMK_EXPECT_LE(t, first - v, 1);
			prev = v;
		}
		umk_mm_destroy(child);
	}
	UMK_WRITE_ONCE(w.stop, 1);
	UMK_EXPECT_EQ(t, umk_task_join(task, NULL), 0);
	for (i = 1; i < VMSMP_PAGES; i++)
		UMK_EXPECT_EQ(t, w.p[i * VMSMP_WORDS], w.rounds);
	umk_mm_destroy(mm);
}

static const struct umk_ktest_case vmsmp_cases[] = {
	UMK_KTEST_CASE(vmsmp_same_pages_at_once),
	UMK_KTEST_CASE(vmsmp_fork_while_writing),
};

UMK_KTEST_SUITE(vm_smp, vmsmp_cases);
