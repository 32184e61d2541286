/*
 * optional/vm benchmarks, umk's side and the bare host mechanism measured
 * in the same run (same process, same memory state, interleaved rounds):
 *
 *   vm_fault                      one umk demand-paging fault: first write
 *                                 to a page of a umk_mmap'd region
 *   sigsegv_memfd_fault           the bare mechanism: a SIGSEGV handler
 *                                 that mmaps one memfd page at the address
 *   sigsegv_memfd_fault_populate  the same with MAP_POPULATE, as umk's
 *                                 arch/um/vm_host.c maps (saves the second
 *                                 host fault on the retried access)
 *   vm_cow_fork_64m               umk_mm_fork of a 64 MiB, fully written heap
 *   vm_cow_write_64m              per page: the first write after that fork
 *                                 (one copy-on-write fault)
 *
 * Prints "NAME NS_PER_OP" lines, the median of ROUNDS rounds, and
 * "# NAME first round" lines: the first round finds both umk's physical
 * memory and the bare memfd untouched (the host allocates on first touch),
 * later rounds reuse pages the host already has, on both sides.
 *
 *   umk-vm-bench [KERNEL-PARAMS] -- [--iters=N] [NAME...]   (no NAME: all)
 *
 * This is an application of the core, so it may use the host directly; the
 * bare handler is installed only around its own measurement and the
 * kernel's SIGSEGV handling is put back afterwards.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <umk/init.h>
#include <umk/printk.h>
#include <umk/time.h>
#include <umk/vm.h>

#define VB_PAGE 4096UL
#define VB_ROUNDS 5
#define VB_HEAP (64UL << 20)

static long vb_iters = 20000; /* pages faulted per round */

static unsigned long long vb_now(void)
{
	return umk_time_ns_exact();
}

static void vb_die(const char *what)
{
	umk_panic("umk-vm-bench: %s", what);
}

/* ---- umk ---- */

static double vb_umk_fault(void)
{
	struct umk_mm *mm = umk_mm_create();
	volatile char *p;
	unsigned long long t0, t1;
	long i;

	if (!mm)
		vb_die("umk_mm_create failed");
	p = umk_mmap(mm, NULL, (size_t)vb_iters * VB_PAGE,
		     UMK_PROT_READ | UMK_PROT_WRITE, 0);
	if (umk_vm_failed((void *)p))
		vb_die("umk_mmap failed (mem= too small for --iters?)");
	t0 = vb_now();
	for (i = 0; i < vb_iters; i++)
		p[(unsigned long)i * VB_PAGE] = 1;
	t1 = vb_now();
	umk_mm_destroy(mm);
	return (double)(t1 - t0) / (double)vb_iters;
}

/* ---- the bare host mechanism ---- */

static char *vb_area;
static int vb_fd = -1; /* kept across rounds, as umk keeps its memory */
static int vb_map_flags;

static void vb_handler(int sig, siginfo_t *si, void *uc)
{
	uintptr_t a = (uintptr_t)si->si_addr & ~(uintptr_t)(VB_PAGE - 1);

	(void)sig;
	(void)uc;
	if (mmap((void *)a, VB_PAGE, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED | vb_map_flags, vb_fd,
		 (off_t)(a - (uintptr_t)vb_area)) == MAP_FAILED)
		abort();
}

static double vb_bare_fault(int map_flags)
{
	size_t len = (size_t)vb_iters * VB_PAGE;
	struct sigaction sa, old;
	unsigned long long t0, t1;
	volatile char *p;
	long i;

	if (vb_fd < 0) {
		vb_fd = memfd_create("vm-bench", MFD_CLOEXEC);
		if (vb_fd < 0 || ftruncate(vb_fd, (off_t)len))
			vb_die("memfd");
	}
	vb_area = mmap(NULL, len, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vb_area == MAP_FAILED)
		vb_die("reserve");
	vb_map_flags = map_flags;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = vb_handler;
	sa.sa_flags = SA_SIGINFO;
	sigfillset(&sa.sa_mask); /* as umk's handler: nothing nests */
	sigaction(SIGSEGV, &sa, &old);
	p = (volatile char *)vb_area;
	t0 = vb_now();
	for (i = 0; i < vb_iters; i++)
		p[(unsigned long)i * VB_PAGE] = 1;
	t1 = vb_now();
	sigaction(SIGSEGV, &old, NULL);
	munmap(vb_area, len);
	return (double)(t1 - t0) / (double)vb_iters;
}

static double vb_bare(void)
{
	return vb_bare_fault(0);
}

static double vb_bare_populate(void)
{
	return vb_bare_fault(MAP_POPULATE);
}

/* ---- copy-on-write fork of a 64 MiB heap ---- */

static double vb_cow_write_ns;

static double vb_cow_fork(void)
{
	unsigned long pages = VB_HEAP / VB_PAGE, i;
	struct umk_mm *mm = umk_mm_create(), *child;
	unsigned long long t0, t1, t2;
	volatile char *h;

	if (!mm)
		vb_die("umk_mm_create failed");
	h = umk_sbrk(mm, (long)VB_HEAP);
	if (umk_vm_failed((void *)h))
		vb_die("umk_sbrk of 64 MiB failed (mem= too small?)");
	for (i = 0; i < pages; i++)
		h[i * VB_PAGE] = (char)i;
	t0 = vb_now();
	if (umk_mm_fork(mm, &child))
		vb_die("umk_mm_fork failed");
	t1 = vb_now();
	for (i = 0; i < pages; i++)
		h[i * VB_PAGE] = 0; /* every page copied once */
	t2 = vb_now();
	umk_mm_destroy(child);
	umk_mm_destroy(mm);
	vb_cow_write_ns = (double)(t2 - t1) / (double)pages;
	return (double)(t1 - t0);
}

static double vb_cow_write(void)
{
	vb_cow_fork();
	return vb_cow_write_ns;
}

static const struct {
	const char *name;
	double (*fn)(void);
} vb_benches[] = {
	{ "vm_fault", vb_umk_fault },
	{ "sigsegv_memfd_fault", vb_bare },
	{ "sigsegv_memfd_fault_populate", vb_bare_populate },
	{ "vm_cow_fork_64m", vb_cow_fork },
	{ "vm_cow_write_64m", vb_cow_write },
};
#define VB_NR (sizeof(vb_benches) / sizeof(vb_benches[0]))

static int vb_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void vb_print(const char *name, double ns)
{
	long long milli = (long long)(ns * 1000.0 + 0.5);

	umk_printk(UMK_LOG_EMERG, "%s %lld.%03lld\n", name, milli / 1000,
		   milli % 1000);
}

/* Run the selected benchmarks in interleaved rounds; print medians. */
static void vb_run(const bool *sel)
{
	static double res[VB_NR][VB_ROUNDS];
	unsigned int k, r;

	for (r = 0; r < VB_ROUNDS; r++)
		for (k = 0; k < VB_NR; k++)
			if (sel[k])
				res[k][r] = vb_benches[k].fn();
	for (k = 0; k < VB_NR; k++) {
		if (!sel[k])
			continue;
		umk_printk(UMK_LOG_EMERG, "# %s first round %lld\n",
			   vb_benches[k].name, (long long)res[k][0]);
		qsort(res[k], VB_ROUNDS, sizeof(double), vb_cmp);
		vb_print(vb_benches[k].name, res[k][VB_ROUNDS / 2]);
	}
	if (sel[0] && sel[2])
		umk_printk(UMK_LOG_EMERG, "# vm_fault / bare (populate): %lld%%\n",
			   (long long)(100.0 * res[0][VB_ROUNDS / 2] /
				       res[2][VB_ROUNDS / 2]));
	if (sel[0] && sel[1])
		umk_printk(UMK_LOG_EMERG, "# vm_fault / bare (plain): %lld%%\n",
			   (long long)(100.0 * res[0][VB_ROUNDS / 2] /
				       res[1][VB_ROUNDS / 2]));
}

int umk_main(int argc, char **argv)
{
	bool sel[VB_NR] = { false };
	bool any = false;
	unsigned int k;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--iters=", 8)) {
			vb_iters = atol(argv[i] + 8);
			if (vb_iters <= 0)
				vb_iters = 1;
			continue;
		}
		for (k = 0; k < VB_NR; k++)
			if (!strcmp(argv[i], vb_benches[k].name))
				break;
		if (k == VB_NR) {
			umk_printk(UMK_LOG_ERR, "umk-vm-bench: unknown benchmark '%s'\n",
				   argv[i]);
			return 2;
		}
		sel[k] = any = true;
	}
	for (k = 0; !any && k < VB_NR; k++)
		sel[k] = true;
	vb_run(sel);
	return 0;
}
