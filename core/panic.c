/*
 * umk_panic: the kernel found itself in a state it cannot continue from.
 * Say what happened, in which task, and how it got there, then stop the
 * host process with status 2. A panic inside the panic (a fault while
 * printing, a BUG_ON in the console) stops with status 3 at once.
 *
 * Output goes straight to the console, whatever the log level, and also
 * to the ring buffer so a debugger attached to the corpse can read it.
 */
#include <umk/printk.h>
#include <umk/cpu.h>
#include <umk/spinlock.h>
#include "core/task.h"
#include "arch/um/arch.h"

#define PANIC_BT_MAX 32
/* A level no console level lets through: ring buffer only. */
#define PANIC_LOG_RING_ONLY (UMK_LOG_DEBUG + 1)

/* CPU that is panicking, -1 while none is. */
static int panic_cpu = -1;

static void panic_print(const char *fmt, ...) UMK_PRINTF(1, 2);
static void panic_print(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = umk_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 1)
		n = (int)sizeof(line) - 1;
	umk_arch_console_write(line, (unsigned long)n);
	umk_printk(PANIC_LOG_RING_ONLY, "%s", line);
}

static void panic_describe_task(void)
{
	struct umk_cpu *cpu = umk_this_cpu();
	struct umk_task *t = cpu->curr;

	if (!t) {
		panic_print("umk: CPU %u, before the first task\n", cpu->id);
		return;
	}
	panic_print("umk: task \"%s\" (id %d) on CPU %u%s%s\n", t->name, t->id,
		    cpu->id, cpu->in_irq ? ", in IRQ" : "",
		    t == cpu->idle ? ", idle" : "");
}

static void panic_backtrace(void)
{
#ifdef CONFIG_BACKTRACE
	unsigned long pcs[PANIC_BT_MAX];
	struct umk_task *t = umk_current_task();
	int i, n;

	n = umk_arch_backtrace(t, pcs, PANIC_BT_MAX);
	panic_print("umk: backtrace:\n");
	for (i = 0; i < n; i++)
		panic_print("  #%-2d 0x%lx\n", i, pcs[i]);
#endif
}

void umk_panic(const char *fmt, ...)
{
	int me, none = -1;
	char msg[256];
	va_list ap;

	(void)umk_local_irq_save(); /* first: then "me" stays this CPU */
	me = (int)umk_this_cpu()->id;
	if (!__atomic_compare_exchange_n(&panic_cpu, &none, me, false,
					 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
		if (none == me) {
			static const char nested[] = "umk: panic while panicking\n";

			umk_arch_console_write(nested, sizeof(nested) - 1);
			umk_arch_halt(3);
		}
		/* Another CPU is panicking; it halts the whole process. */
		for (;;)
			umk_cpu_relax();
	}
	va_start(ap, fmt);
	umk_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	panic_print("umk: panic: %s\n", msg);
	panic_describe_task();
	panic_backtrace();
	panic_print("umk: ---[ end panic ]---\n");
	umk_arch_halt(2);
}
