/*
 * Boot: main() of the host process. The host argv is the kernel command
 * line, parsed here the way a boot loader hands Linux its parameters:
 *
 *   mem=SIZE        physical memory (bytes, or with K, M, G suffix)
 *   loglevel=N      console log level 0-7
 *   init=NAME       which entry the init task runs (read by the core)
 *   cpus=N          CPUs to bring up (SMP builds; at most NR_CPUS)
 *   --selftest[=SUITE]   run the in-kernel tests (all, or one suite)
 *   --list-tests    print the built-in test suites
 *   --help          this usage
 *   --              everything after it goes to the application
 *
 * Words that are neither (no leading '-', no '=') are the application's
 * arguments, passed in order to umk_main(argc, argv) with argv[0] the
 * program name. An unknown option or parameter is an error naming it
 * (exit status 2) rather than something silently ignored.
 *
 * Then boot maps physical memory, prepares CPU 0's host resources and
 * enters the core at umk_start_kernel().
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <umk/config.h>
#include <umk/errno.h>
#include <umk/init.h>
#include "arch/um/host.h"

struct boot_param {
	const char *key;
	int is_option;	 /* spelled --key rather than key= */
	int needs_value; /* 1: required, 0: optional, -1: none allowed */
	const char *value;
};

static struct boot_param boot_params[] = {
	{"mem", 0, 1, NULL},
	{"loglevel", 0, 1, NULL},
	{"init", 0, 1, NULL},
	{"cpus", 0, 1, NULL},
	{"iospin", 0, 1, NULL},
	{"selftest", 1, 0, NULL},
	{"list-tests", 1, -1, NULL},
	{"help", 1, -1, NULL},
	/* Hidden: deliberate crashes for tests/arch/ (e.g. stack-overflow). */
	{"selftest-crash", 1, 1, NULL},
};

static int boot_argc;
static char **boot_argv;
static const char *boot_prog = "umk-boot";

/* clang-format off: keep the usage text as it prints */
static void boot_usage(FILE *f)
{
	fprintf(f,
		"usage: %s [PARAM=VALUE...] [OPTION...] [--] [APP-ARG...]\n"
		"Boot the umk kernel in this process; the arguments are its "
		"command line.\n"
		"\n"
		"Kernel parameters:\n"
		"  mem=SIZE             physical memory, e.g. 64M, 1G (default "
		"%dM)\n"
		"  loglevel=N           console log level 0-7 (default %d)\n"
		"  init=NAME            entry point for the init task "
		"(application-defined)\n"
		"  cpus=N               CPUs to bring up (default: all, at "
		"most %d)\n"
		"  iospin=US            io_uring: how long a CPU that just "
		"served I/O polls\n"
		"                       its ring before it sleeps (default 20, "
		"0: never)\n"
		"\n"
		"Options:\n"
		"  --selftest[=SUITE]   run the built-in tests (all suites, or "
		"SUITE)\n"
		"  --list-tests         list the built-in test suites\n"
		"  --help               print this help\n"
		"  --                   pass all further arguments to the "
		"application\n"
		"\n"
		"Other arguments are passed to umk_main(argc, argv). Kernel "
		"output goes\n"
		"to standard output. Exit status: the application's, 2 on a "
		"panic or a\n"
		"command-line error.\n",
		boot_prog, CONFIG_DEFAULT_MEM_MB,
#ifdef CONFIG_DEFAULT_LOGLEVEL
		CONFIG_DEFAULT_LOGLEVEL,
#else
		4,
#endif
		UMK_NR_CPUS);
}
/* clang-format on */

static void boot_fail(const char *what, const char *arg)
{
	fprintf(stderr, "%s: %s '%s' (try --help)\n", boot_prog, what, arg);
	exit(2);
}

static struct boot_param *boot_find(const char *key, size_t len, int option)
{
	size_t i;

	for (i = 0; i < UMK_ARRAY_SIZE(boot_params); i++) {
		struct boot_param *p = &boot_params[i];

		if (p->is_option == option && strlen(p->key) == len &&
		    !strncmp(p->key, key, len))
			return p;
	}
	return NULL;
}

/* "64M" -> bytes; 0 on a malformed size. */
static unsigned long long boot_parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	int shift = 0;

	if (end == s)
		return 0;
	switch (*end) {
	case 'k':
	case 'K':
		shift = 10;
		end++;
		break;
	case 'm':
	case 'M':
		shift = 20;
		end++;
		break;
	case 'g':
	case 'G':
		shift = 30;
		end++;
		break;
	}
	if (*end || v > (~0ULL >> shift))
		return 0;
	return v << shift;
}

static long boot_parse_int(const char *s, long lo, long hi)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (end == s || *end || v < lo || v > hi)
		return -1;
	return v;
}

/* Take one argument that names a parameter or an option. */
static void boot_take(char *arg)
{
	int option = arg[0] == '-';
	const char *key = option ? arg + 2 : arg;
	const char *eq = strchr(key, '=');
	size_t len = eq ? (size_t)(eq - key) : strlen(key);
	struct boot_param *p;

	if (option && arg[1] != '-')
		boot_fail("unknown option", arg);
	p = boot_find(key, len, option);
	if (!p)
		boot_fail(option ? "unknown option"
				 : "unknown kernel parameter",
			  arg);
	if (eq && p->needs_value < 0)
		boot_fail("option takes no value", arg);
	if (!eq && p->needs_value > 0)
		boot_fail("option needs a value", arg);
	p->value = eq ? eq + 1 : "";
}

static void boot_check_values(void)
{
	const char *v;

	if ((v = umk_cmdline_get("mem")) && boot_parse_size(v) < (1ULL << 20))
		boot_fail("bad mem= size (at least 1M)", v);
	if ((v = umk_cmdline_get("loglevel")) && boot_parse_int(v, 0, 7) < 0)
		boot_fail("bad loglevel= (0-7)", v);
	if ((v = umk_cmdline_get("cpus")) && boot_parse_int(v, 1, 4096) < 0)
		boot_fail("bad cpus= count", v);
	if ((v = umk_cmdline_get("iospin")) && boot_parse_int(v, 0, 1000000) < 0)
		boot_fail("bad iospin= (0-1000000 us)", v);
	if ((v = umk_cmdline_get("init")) && !*v)
		boot_fail("empty init=", "init=");
}

static void boot_parse(int argc, char **argv)
{
	int i, app_only = 0;

	if (argc > 0 && argv[0])
		boot_prog = argv[0];
	/* The application's argv: never longer than ours. */
	boot_argv = calloc((size_t)argc + 1, sizeof(char *));
	if (!boot_argv)
		exit(1);
	boot_argv[boot_argc++] = (char *)boot_prog;
	for (i = 1; i < argc; i++) {
		char *a = argv[i];

		if (app_only || (a[0] != '-' && !strchr(a, '=')))
			boot_argv[boot_argc++] = a;
		else if (!strcmp(a, "--"))
			app_only = 1;
		else if (!strcmp(a, "-h"))
			boot_find("help", 4, 1)->value = "";
		else
			boot_take(a);
	}
	if (umk_cmdline_get("help")) {
		boot_usage(stdout);
		exit(0);
	}
	boot_check_values();
}

const char *umk_cmdline_get(const char *key)
{
	size_t i;

	for (i = 0; i < UMK_ARRAY_SIZE(boot_params); i++)
		if (!strcmp(boot_params[i].key, key))
			return boot_params[i].value;
	return NULL;
}

UMK_INTERNAL int umk_arch_argc(void)
{
	return boot_argc;
}

UMK_INTERNAL char **umk_arch_argv(void)
{
	return boot_argv;
}

UMK_INTERNAL unsigned int umk_um_cmdline_cpus(void)
{
	const char *v = umk_cmdline_get("cpus");

	return v ? (unsigned int)boot_parse_int(v, 1, 4096) : 0;
}

/* CPUs to bring up: NR_CPUS, the host CPUs we may run on, cpus=. */
UMK_INTERNAL int umk_arch_nr_cpus(void)
{
	unsigned int n = UMK_NR_CPUS, want = umk_um_cmdline_cpus();
	cpu_set_t set;

	if (n > 1 && !sched_getaffinity(0, sizeof(set), &set))
		n = UMK_MIN(n, (unsigned int)CPU_COUNT(&set));
	if (want)
		n = UMK_MIN(n, want);
	return (int)UMK_MAX(n, 1u);
}

UMK_INTERNAL int umk_um_cpu_prepare(unsigned int cpu)
{
	int err = umk_um_irq_cpu_init(cpu);

	return err ? err : umk_um_clock_cpu_init(cpu);
}

UMK_INTERNAL int umk_um_cpu_enter(unsigned int cpu)
{
	int err = umk_um_fault_cpu_init(cpu);

	if (!err)
		err = umk_um_fiber_cpu_init(cpu);
	return err ? err : umk_um_backtrace_cpu_init(cpu);
}

#ifndef CONFIG_SMP
UMK_INTERNAL int umk_arch_cpu_start(unsigned int cpu, void (*fn)(void))
{
	(void)cpu;
	(void)fn;
	return -UMK_ENOSYS;
}
#endif

/* Bounds of the program's zero-initialised data, from the linker. */
extern char __bss_start[], _end[];

/*
 * The kernel's static state (kmalloc caches with their per-CPU
 * magazines, timer wheels, run queues, the log buffer) is in .bss, and
 * boot writes to most of its pages. Each first write is a host page
 * fault, 12-14 us on this class of machine; one madvise maps them all
 * for the price of a few faults (on a kernel without
 * MADV_POPULATE_WRITE it fails, and the pages fault in as before).
 */
static void boot_prefault_bss(void)
{
	unsigned long page = (unsigned long)sysconf(_SC_PAGESIZE);
	unsigned long start = (unsigned long)__bss_start & ~(page - 1);
	unsigned long end = UMK_ALIGN_UP((unsigned long)_end, page);

	if (end > start)
		(void)madvise((void *)start, end - start, MADV_POPULATE_WRITE);
}

int main(int argc, char **argv)
{
	const char *v;
	unsigned long long mem = (unsigned long long)CONFIG_DEFAULT_MEM_MB
				 << 20;
	int err;

	boot_prefault_bss();
	boot_parse(argc, argv);
	if ((v = umk_cmdline_get("mem")))
		mem = boot_parse_size(v);
	umk_um_clock_boot();
	if (umk_um_physmem_init(mem)) {
		fprintf(stderr,
			"%s: cannot map %llu bytes of physical memory\n",
			boot_prog, mem);
		return 1;
	}
	umk_um_fault_init();
	err = umk_um_cpu_prepare(0);
	if (!err)
		err = umk_um_cpu_enter(0);
	if (err) {
		fprintf(stderr, "%s: cannot set up CPU 0: %s\n", boot_prog,
			strerror(-err));
		return 1;
	}
	/* loglevel= and init= are read by the core (umk_cmdline_get). */
	umk_start_kernel();
}
