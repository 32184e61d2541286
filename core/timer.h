/*
 * Clock cache and timer wheel internals shared by the core (idle loop,
 * schedule_timeout, the scheduler's clock refresh).
 */
#ifndef UMK_CORE_TIMER_H
#define UMK_CORE_TIMER_H

#include <umk/time.h>

/*
 * Read the host clock into this CPU's cache (cpu->now_ns), which
 * umk_time_ns() returns. Called at each clock IRQ, idle wake-up and
 * schedule; never moves the cached time backwards.
 */
UMK_INTERNAL void umk_clock_refresh(void);
/* Set up CPU cpu's timer wheel; before the CPU arms its first timer. */
UMK_INTERNAL void umk_timer_cpu_init(unsigned int cpu);
/*
 * Expire this CPU's due timers (their callbacks run here) and program
 * the host clock event for the next deadline. Call in IRQ context, after
 * umk_clock_refresh().
 */
UMK_INTERNAL void umk_timer_run(void);

#endif
