/*
 * How often a CPU that never goes idle polls host events, for both halves
 * of the scheduler (core.c and stub.c). Tasks that only yield or compute
 * keep the idle task, which waits for host events, from ever running:
 * such a CPU sees timers, I/O and kicks only because umk_schedule() polls
 * them. A poll is a host call (1-2 us here, tens of switches), so it is
 * limited by time, not by a count of switches: at most once every
 * SCHED_POLL_NS (the default timer slack, CONFIG_HZ_SLACK_US), so an IRQ
 * waits about that long however short or long the switches are.
 */
#ifndef UMK_OPTIONAL_SCHED_POLL_H
#define UMK_OPTIONAL_SCHED_POLL_H

#include <stdbool.h>
#include <umk/time.h>

#define SCHED_POLL_NS (50 * UMK_NSEC_PER_USEC)

/* Whether SCHED_POLL_NS have passed since the poll at last_ns. */
static inline bool sched_poll_due(unsigned long long last_ns,
				  unsigned long long now_ns)
{
	return now_ns - last_ns >= SCHED_POLL_NS;
}

#endif
