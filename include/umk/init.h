/*
 * Boot and init. start_kernel() runs the initcalls of each level in order;
 * an initcall is collected from a linker section, so a subsystem that is
 * configured out is simply not linked and nothing calls it.
 */
#ifndef UMK_INIT_H
#define UMK_INIT_H

#include <umk/config.h>
#include <umk/compiler.h>

typedef int (*umk_initcall_t)(void);

#define UMK_INITCALL_EARLY 0  /* printk, memory, per-CPU data */
#define UMK_INITCALL_CORE 1   /* tasks, scheduler, time, IRQs */
#define UMK_INITCALL_SUBSYS 2 /* slab caches, I/O, vm */
#define UMK_INITCALL_DEVICE 3 /* host-event sources */
#define UMK_INITCALL_LATE 4   /* anything that needs the above */

#define UMK__INITCALL(fn, lvl)                                      \
	static umk_initcall_t umk__initcall_##fn UMK_USED            \
		__attribute__((section("umk_initcall" #lvl), aligned(8))) = fn

/* A failing initcall (non-zero return) panics with its name. */
#define umk_early_initcall(fn) UMK__INITCALL(fn, 0)
#define umk_core_initcall(fn) UMK__INITCALL(fn, 1)
#define umk_subsys_initcall(fn) UMK__INITCALL(fn, 2)
#define umk_device_initcall(fn) UMK__INITCALL(fn, 3)
#define umk_late_initcall(fn) UMK__INITCALL(fn, 4)

/*
 * The application's entry point, run by the init task after boot. Its
 * return value is the exit status of the host process. The core carries a
 * weak default that runs the self tests.
 */
int umk_main(int argc, char **argv);

/* Halt the kernel cleanly from any task: the host process exits with status. */
void umk_halt(int status) UMK_NORETURN;

#ifdef CONFIG_IKCONFIG
/* The CONFIG_ lines this core was built with (CONFIG_IKCONFIG only). */
const char *umk_config_text(void);
#endif

/*
 * The kernel command line as given to the host process: "mem" -> "64M"
 * for mem=64M, "selftest" -> "" for --selftest, NULL when absent.
 */
const char *umk_cmdline_get(const char *key); /* "mem" -> "64M" or NULL */

#endif
