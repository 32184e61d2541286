/*
 * Time and timers. The clock is monotonic nanoseconds since boot. Timers
 * live in a hierarchical wheel (O(1) arm and cancel) and are expired from
 * the clock IRQ; the host clock is programmed one-shot for the next
 * deadline only (tickless).
 */
#ifndef UMK_TIME_H
#define UMK_TIME_H

#include <umk/list.h>

#define UMK_NSEC_PER_USEC 1000ULL
#define UMK_NSEC_PER_MSEC 1000000ULL
#define UMK_NSEC_PER_SEC 1000000000ULL

/*
 * Monotonic time since boot. umk_time_ns() is cheap: it returns this
 * CPU's cached reading, refreshed at each clock IRQ, idle wake-up and
 * return from a timed sleep (umk_schedule_timeout and everything built on
 * it). A CPU that only switches between busy tasks does not refresh it,
 * so to measure an interval use umk_time_ns_exact(), which reads the
 * host clock (a vDSO call, ~25 ns) and refreshes the cache. Both never go
 * backwards on one CPU; IRQ-safe.
 */
unsigned long long umk_time_ns(void);
unsigned long long umk_time_ns_exact(void);

/*
 * Timers fire once, in IRQ context on the CPU that armed them, no
 * earlier than expires and in order of expires; at most CONFIG_HZ_SLACK_US
 * late when the CPU is idle (later if it is busy and polls host events
 * only at scheduling points). Arm and cancel are O(1) and IRQ-safe; the
 * arming and cancelling of one timer must not race with each other.
 */
struct umk_timer;
typedef void (*umk_timer_fn)(struct umk_timer *t);

struct umk_timer {
	struct umk_list_head node;
	unsigned long long expires; /* absolute, ns */
	umk_timer_fn fn;            /* runs in IRQ context */
	void *data;
	int cpu;
	unsigned int flags;
};

void umk_timer_init(struct umk_timer *t, umk_timer_fn fn, void *data);
/* Arm (or re-arm) t to fire at absolute time expires_ns. */
void umk_timer_arm(struct umk_timer *t, unsigned long long expires_ns);
/*
 * Returns true if t was pending and is now cancelled. When it returns,
 * t's callback is not running on another CPU either, so t may be freed;
 * do not cancel while holding a lock the callback takes.
 */
bool umk_timer_cancel(struct umk_timer *t);
bool umk_timer_pending(const struct umk_timer *t);

/* Sleep the calling task for at least ns nanoseconds. Task context only. */
void umk_sleep_ns(unsigned long long ns);

#endif
