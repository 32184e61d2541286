/*
 * CPU bring-up, the idle loop and IRQ context: internal to the core.
 */
#ifndef UMK_CORE_CPU_H
#define UMK_CORE_CPU_H

#include <umk/cpu.h>

/*
 * Bring-up of CPU id: initialise its state (from any CPU, before its host
 * thread exists), mark it online once it can be kicked, and, on its own
 * host thread, bind the thread to it.
 */
UMK_INTERNAL void umk_cpu_init(unsigned int id);
UMK_INTERNAL void umk_cpu_set_online(unsigned int id);
UMK_INTERNAL void umk_cpu_bind(unsigned int id);
/*
 * The idle loop of the calling CPU, run by its idle task: expire due
 * timers, run whatever is runnable, otherwise block in the host until
 * the next event. Never returns.
 */
UMK_INTERNAL void umk_cpu_idle_loop(void) UMK_NORETURN;
/* Number of CPUs brought up (online) so far. */
UMK_INTERNAL unsigned int umk_cpus_online(void);

/*
 * Enter and leave IRQ context on this CPU (umk_do_irq uses them around a
 * handler; the idle loop around timer expiry). enter returns the
 * interrupt mask to give back to exit.
 */
UMK_INTERNAL unsigned long umk_irq_enter(void);
UMK_INTERNAL void umk_irq_exit(unsigned long flags);

#endif
