/*
 * umk's side of the benchmarks (bench/run.py pairs each with its host
 * baseline in host_baselines.c). Runs as the application of a booted
 * core; prints one line "NAME NS_PER_OP OPS" per benchmark named (OPS:
 * how many operations the measured loop did, for run.py --callgrind).
 *
 *   umk-bench [KERNEL-PARAMS] -- [--iters=N] NAME...
 *   umk-bench                           (boot and halt only)
 */
#include <umk/config.h>
#include <umk/init.h>
#include <umk/printk.h>
#include <umk/sched.h>
#include <umk/slab.h>
#include <umk/string.h>
#include <umk/sync.h>
#include <umk/task.h>
#include <umk/time.h>
#include <umk/vm.h>
#include <umk/wait.h>
#include "measure.h"
#ifdef CONFIG_IO
#include <umk/io.h>
#endif

static long iters = 100000;

/* Operations the last benchmark measured (printed for run.py --callgrind). */
static long long measured_ops;

/* Start the measured region (bench/measure.h): return the start time. */
static unsigned long long measure_begin(void)
{
	BENCH_MEASURE_START();
	return umk_time_ns_exact();
}

/* End it after ops operations: return nanoseconds per operation. */
static double measure_end(unsigned long long t0, long long ops)
{
	unsigned long long dt = umk_time_ns_exact() - t0;

	BENCH_MEASURE_STOP();
	measured_ops = ops;
	return (double)dt / (double)ops;
}

/* Two tasks yield to each other: every umk_yield is one switch. */
static int yield_loop(void *arg)
{
	(void)arg;
	for (long i = 0; i < iters; i++)
		umk_yield();
	return 0;
}

static double bench_yield_pingpong(void)
{
	struct umk_task *a = umk_task_create(yield_loop, NULL, "ping");
	struct umk_task *b = umk_task_create(yield_loop, NULL, "pong");
	if (!a || !b)
		umk_panic("bench: cannot create tasks");
	unsigned long long t0 = measure_begin();
	umk_task_join(a, NULL);
	umk_task_join(b, NULL);
	return measure_end(t0, 2LL * iters);
}

static int noop_task(void *arg)
{
	return (int)(long)arg;
}

static double bench_spawn_join(void)
{
	unsigned long long t0 = measure_begin();
	for (long i = 0; i < iters; i++) {
		struct umk_task *t = umk_task_create(noop_task, NULL, "noop");
		if (!t)
			umk_panic("bench: task create failed at %ld", i);
		umk_task_join(t, NULL);
	}
	return measure_end(t0, iters);
}

/* Wake-up to running: two tasks hand a token back and forth by completions. */
static struct umk_completion wake_ping, wake_pong;

static int wake_peer(void *arg)
{
	(void)arg;
	for (long i = 0; i < iters; i++) {
		umk_wait_for_completion(&wake_ping);
		umk_complete(&wake_pong);
	}
	return 0;
}

static double bench_waitqueue_wake(void)
{
	umk_completion_init(&wake_ping);
	umk_completion_init(&wake_pong);
	struct umk_task *t = umk_task_create(wake_peer, NULL, "wake-peer");
	if (!t)
		umk_panic("bench: cannot create task");
	unsigned long long t0 = measure_begin();
	for (long i = 0; i < iters; i++) {
		umk_complete(&wake_ping);
		umk_wait_for_completion(&wake_pong);
	}
	double r = measure_end(t0, 2LL * iters);
	umk_task_join(t, NULL);
	return r;
}

#ifdef CONFIG_IO
/* A host fd becomes readable and the task blocked on it runs. */
static int irq_pipe[2];
static struct umk_completion irq_done;

static int irq_reader(void *arg)
{
	char c;
	(void)arg;
	for (long i = 0; i < iters; i++) {
		if (umk_read(irq_pipe[0], &c, 1) != 1)
			umk_panic("bench: pipe read failed");
		umk_complete(&irq_done);
	}
	return 0;
}

static double bench_irq_fd(void)
{
	char c = 'x';
	if (umk_pipe(irq_pipe) < 0)
		umk_panic("bench: umk_pipe failed");
	umk_completion_init(&irq_done);
	struct umk_task *t = umk_task_create(irq_reader, NULL, "irq-reader");
	if (!t)
		umk_panic("bench: cannot create task");
	umk_yield(); /* let the reader block first */
	unsigned long long t0 = measure_begin();
	for (long i = 0; i < iters; i++) {
		if (umk_write(irq_pipe[1], &c, 1) != 1)
			umk_panic("bench: pipe write failed");
		umk_wait_for_completion(&irq_done);
	}
	double r = measure_end(t0, iters);
	umk_task_join(t, NULL);
	umk_close(irq_pipe[0]);
	umk_close(irq_pipe[1]);
	return r;
}
#endif

static void timer_never(struct umk_timer *t)
{
	umk_panic("bench: timer %p fired", (void *)t);
}

static double bench_timer_arm_cancel(void)
{
	struct umk_timer t;
	umk_timer_init(&t, timer_never, NULL);
	unsigned long long t0 = measure_begin();
	for (long i = 0; i < iters; i++) {
		umk_timer_arm(&t, umk_time_ns() + 10 * UMK_NSEC_PER_SEC);
		umk_timer_cancel(&t);
	}
	return measure_end(t0, iters);
}

static struct umk_cache *bench_cache(void)
{
	struct umk_cache *c = umk_cache_create("bench48", 48, 8, 0, NULL);
	if (!c)
		umk_panic("bench: cannot create cache");
	return c;
}

static double bench_slab_pair(void)
{
	struct umk_cache *c = bench_cache();
	unsigned long long t0 = measure_begin();
	for (long i = 0; i < iters; i++) {
		void *p = umk_cache_alloc(c);
		__asm__ __volatile__("" : : "r"(p) : "memory");
		umk_cache_free(c, p);
	}
	double r = measure_end(t0, iters);
	umk_cache_destroy(c);
	return r;
}

static double bench_slab_fixed(void)
{
	struct umk_cache *c = bench_cache();
	void *live[64];
	unsigned long long t0 = measure_begin();
	for (long i = 0; i < iters; i++) {
		for (int j = 0; j < 64; j++)
			live[j] = umk_cache_alloc(c);
		for (int j = 63; j >= 0; j--)
			umk_cache_free(c, live[j]);
	}
	double r = measure_end(t0, 64LL * iters);
	umk_cache_destroy(c);
	return r;
}

static const unsigned int mixed_sizes[16] = { 16, 24, 32, 48, 64, 96, 128, 200,
					      256, 384, 512, 700, 1024, 1500, 2048, 4000 };

static double bench_kmalloc_mixed(void)
{
	void *live[64];
	unsigned long long t0 = measure_begin();
	for (long i = 0; i < iters; i++) {
		for (int j = 0; j < 64; j++)
			live[j] = umk_kmalloc(mixed_sizes[(i + j) & 15]);
		for (int j = 0; j < 64; j++)
			umk_kfree(live[(j * 7) & 63]);
	}
	return measure_end(t0, 64LL * iters);
}

#ifdef CONFIG_VM
/*
 * One demand-paging fault: the first write to each page of a fresh
 * mapping (host SIGSEGV, page allocation, mmap of the memfd page). Its
 * baseline is host-bench's sigsegv_memfd_fault; bench/vm_fault.c
 * (umk-vm-bench) also runs both in one process, plus COW fork.
 */
static double bench_vm_fault(void)
{
	struct umk_mm *mm = umk_mm_create();
	volatile char *p;

	if (!mm)
		umk_panic("bench: umk_mm_create failed");
	p = umk_mmap(mm, NULL, (size_t)iters * 4096,
		     UMK_PROT_READ | UMK_PROT_WRITE, 0);
	if (umk_vm_failed((void *)p))
		umk_panic("bench: umk_mmap of %ld pages failed", iters);
	unsigned long long t0 = measure_begin();
	for (long i = 0; i < iters; i++)
		p[(unsigned long)i * 4096] = 1;
	double ns = measure_end(t0, iters);
	umk_mm_destroy(mm);
	return ns;
}
#endif

static const struct {
	const char *name;
	double (*fn)(void);
} benches[] = {
	{ "yield_pingpong", bench_yield_pingpong },
	{ "spawn_join", bench_spawn_join },
	{ "waitqueue_wake", bench_waitqueue_wake },
#ifdef CONFIG_IO
	{ "irq_fd", bench_irq_fd },
#endif
	{ "timer_arm_cancel", bench_timer_arm_cancel },
	{ "slab_pair", bench_slab_pair },
	{ "slab_fixed", bench_slab_fixed },
	{ "kmalloc_mixed", bench_kmalloc_mixed },
#ifdef CONFIG_VM
	{ "vm_fault", bench_vm_fault },
#endif
};

static long parse_long(const char *s)
{
	long v = 0;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return v;
}

int umk_main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (umk_strncmp(argv[i], "--iters=", 8) == 0) {
			iters = parse_long(argv[i] + 8);
			continue;
		}
		unsigned int k;
		for (k = 0; k < UMK_ARRAY_SIZE(benches); k++)
			if (umk_strcmp(argv[i], benches[k].name) == 0)
				break;
		if (k == UMK_ARRAY_SIZE(benches)) {
			umk_printk(UMK_LOG_ERR, "umk-bench: unknown benchmark '%s'\n", argv[i]);
			return 2;
		}
		double ns = benches[k].fn();
		/* printk has no %f: print with three decimals by hand. */
		long long milli = (long long)(ns * 1000.0 + 0.5);
		umk_printk(UMK_LOG_EMERG, "%s %lld.%03lld %lld\n", benches[k].name,
			   milli / 1000, milli % 1000, measured_ops);
	}
	return 0;
}
