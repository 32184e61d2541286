/*
 * Boot: from the arch's main() to the application's umk_main().
 *
 * umk_start_kernel() runs on CPU 0's host thread and stack. That stack
 * becomes CPU 0's idle task; the initcalls run on it, level by level,
 * from the linker sections umk_initcall0..4 (a subsystem that is not
 * configured is not linked, so it has no initcall to run). Then the
 * other CPUs come up, the init task is created to run umk_main(argc,
 * argv), and CPU 0 falls into its idle loop, which schedules init. When
 * umk_main returns, its value is the exit status of the host process.
 */
#include <umk/init.h>
#include <umk/ktest.h>
#include <umk/printk.h>
#include <umk/sched.h>
#include <umk/task.h>
#include "core/cpu.h"
#include "core/task.h"
#include "arch/um/arch.h"

/*
 * Section bounds made by the linker. Weak: a level with no initcall has
 * no section, and its bounds are then both NULL.
 */
#define INIT_SECTION_BOUNDS(n)                                                \
	extern const umk_initcall_t __start_umk_initcall##n[] UMK_WEAK;     \
	extern const umk_initcall_t __stop_umk_initcall##n[] UMK_WEAK
INIT_SECTION_BOUNDS(0);
INIT_SECTION_BOUNDS(1);
INIT_SECTION_BOUNDS(2);
INIT_SECTION_BOUNDS(3);
INIT_SECTION_BOUNDS(4);

static const struct {
	const umk_initcall_t *start, *stop;
	const char *name;
} init_levels[] = {
	{ __start_umk_initcall0, __stop_umk_initcall0, "early" },
	{ __start_umk_initcall1, __stop_umk_initcall1, "core" },
	{ __start_umk_initcall2, __stop_umk_initcall2, "subsys" },
	{ __start_umk_initcall3, __stop_umk_initcall3, "device" },
	{ __start_umk_initcall4, __stop_umk_initcall4, "late" },
};

static void init_run_initcalls(void)
{
	unsigned int l;

	for (l = 0; l < UMK_ARRAY_SIZE(init_levels); l++) {
		const umk_initcall_t *fn;

		for (fn = init_levels[l].start; fn && fn < init_levels[l].stop; fn++) {
			int err = (*fn)();

			if (err)
				umk_panic("%s initcall %p failed: %s (%d)",
					  init_levels[l].name, (void *)*fn,
					  umk_strerror(err), err);
		}
	}
}

#ifdef CONFIG_SMP
/*
 * Each CPU is online (its run queue may take tasks) once its state is
 * set up here; its host thread starts in the background and binds to it.
 * Boot does not wait for the threads: starting one costs tens of
 * microseconds on an idle host and milliseconds on a busy one, and a
 * task queued on a CPU whose thread is not running yet waits for it.
 */
static void init_start_secondaries(void)
{
	unsigned int cpu, n = (unsigned int)umk_arch_nr_cpus();

	for (cpu = 1; cpu < n && cpu < UMK_NR_CPUS; cpu++) {
		int err;

		umk_cpu_init(cpu);
		err = umk_arch_cpu_start(cpu, NULL);
		if (err)
			umk_panic("cannot start CPU %u: %s", cpu, umk_strerror(err));
		umk_cpu_set_online(cpu);
	}
}

UMK_INTERNAL void umk_secondary_start(unsigned int cpu)
{
	umk_cpu_bind(cpu);
	umk_cpu_idle_loop();
}
#else
static void init_start_secondaries(void)
{
}

UMK_INTERNAL void umk_secondary_start(unsigned int cpu)
{
	umk_panic("CPU %u started in a build without CONFIG_SMP", cpu);
}
#endif

static int init_task_main(void *arg)
{
	(void)arg;
	umk_halt(umk_main(umk_arch_argc(), umk_arch_argv()));
}

UMK_INTERNAL void umk_start_kernel(void)
{
	struct umk_task *init;

	umk_cpu_bind(0);
	umk_cpu_init(0);
	umk_cpu_set_online(0);
	init_run_initcalls();
	init_start_secondaries();
	umk_pr_info("umk: %u CPU%s online, %u tasks\n", umk_cpus_online(),
		    umk_cpus_online() == 1 ? "" : "s", umk_nr_tasks());
	init = umk_task_create(init_task_main, NULL, "init");
	if (!init)
		umk_panic("cannot create the init task: out of memory");
	umk_task_detach(init);
	umk_cpu_idle_loop();
}

void umk_halt(int status)
{
	umk_pr_info("umk: halt, status %d\n", status);
	umk_arch_halt(status);
}

/*
 * Without an application, the kernel tests itself: --selftest[=SUITE]
 * or no option at all runs the in-kernel tests, --list-tests lists them.
 * The exit status is 0 when every test passed, 1 otherwise.
 */
UMK_WEAK int umk_main(int argc, char **argv)
{
	const char *filter = umk_cmdline_get("selftest");

	(void)argc;
	(void)argv;
	if (umk_cmdline_get("list-tests")) {
		umk_ktest_list();
		return 0;
	}
	return umk_ktest_run(filter && *filter ? filter : NULL) != 0;
}
