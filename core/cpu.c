/*
 * CPUs: the per-CPU state array, bring-up of a CPU on its host thread and
 * the idle loop, which is where a CPU waits for work: the "idle
 * instruction" is a blocking wait in the host until the next event.
 */
#include <umk/cpu.h>
#include <umk/irq.h>
#include <umk/printk.h>
#include <umk/sched.h>
#include "core/cpu.h"
#include "core/task.h"
#include "core/timer.h"

struct umk_cpu umk_cpus[UMK_NR_CPUS];
#ifdef CONFIG_SMP
__thread struct umk_cpu *umk_cpu_self;
__thread struct umk_task *umk_curr_self; /* see core/task.h */
#ifdef CONFIG_PREEMPT
__thread int umk_irq_flag_busy; /* see umk_local_irq_save in <umk/cpu.h> */
#endif
#if UMK_TLS_OUT_OF_LINE /* see umk_this_cpu in <umk/cpu.h> */
UMK_NOPREEMPT struct umk_cpu *umk__this_cpu_tls(void)
{
	umk_barrier(); /* not "pure": never merged across a task switch */
	return umk_cpu_self;
}

UMK_NOPREEMPT struct umk_task *umk__curr_self_get(void)
{
	umk_barrier();
	return umk_curr_self;
}

UMK_NOPREEMPT void umk__curr_self_set(struct umk_task *t)
{
	umk_barrier();
	umk_curr_self = t;
}
#ifdef CONFIG_PREEMPT
UMK_NOPREEMPT void umk__irq_flag_busy_set(int v)
{
	umk_barrier();
	umk_irq_flag_busy = v;
	umk_barrier();
}
#endif
#endif
#endif
static unsigned int cpu_nr_online;

/*
 * A CPU's kernel state: its timer wheel and idle task. Set up by the CPU
 * that brings it up, before its host thread runs: boot does not wait for
 * the thread, and work queued on it meanwhile waits in its run queue.
 */
UMK_INTERNAL void umk_cpu_init(unsigned int id)
{
	struct umk_cpu *cpu;

	if (id >= UMK_NR_CPUS)
		umk_arch_halt(2); /* no console or panic state to speak of yet */
	cpu = &umk_cpus[id];
	cpu->id = id;
	cpu->irqs_off = 0;
	cpu->in_irq = 0;
	cpu->now_ns = umk_arch_clock_read();
	umk_timer_cpu_init(id);
	cpu->idle = cpu->curr = umk_idle_task_create(id);
}

/* The scheduler may place tasks on it from now on (it can be kicked). */
UMK_INTERNAL void umk_cpu_set_online(unsigned int id)
{
	__atomic_store_n(&umk_cpus[id].online, true, __ATOMIC_RELEASE);
	__atomic_fetch_add(&cpu_nr_online, 1, __ATOMIC_RELAXED);
}

/* Bind the calling host thread to a CPU set up by umk_cpu_init. */
UMK_INTERNAL void umk_cpu_bind(unsigned int id)
{
#ifdef CONFIG_SMP
	umk_cpu_self = &umk_cpus[id];
	umk_curr_self_set(umk_cpus[id].curr);
#else
	(void)id;
#endif
}

UMK_INTERNAL unsigned int umk_cpus_online(void)
{
	return __atomic_load_n(&cpu_nr_online, __ATOMIC_RELAXED);
}

/*
 * Wake-ups that arrive between the umk_sched_has_runnable() check and
 * the host wait are not lost: on this CPU they come from IRQs, which the
 * host wait itself dispatches; from another CPU they come with a kick
 * (UMK_IRQ_KICK), an event the host wait returns for at once.
 */
UMK_INTERNAL void umk_cpu_idle_loop(void)
{
	for (;;) {
		unsigned long flags;

		umk_clock_refresh();
		flags = umk_irq_enter();
		umk_timer_run();
		umk_irq_exit(flags);
		if (umk_sched_has_runnable()) {
			umk_schedule();
			continue;
		}
		/* The clock event is programmed for the next timer. */
		umk_arch_idle(0);
	}
}
