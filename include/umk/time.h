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
 * Monotonic time since boot. Cheap: returns the value read from the host
 * at the last clock IRQ, wake-up or schedule; umk_time_ns_exact() reads
 * the host clock now.
 */
unsigned long long umk_time_ns(void);
unsigned long long umk_time_ns_exact(void);

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
/* Returns true if t was pending and is now cancelled. */
bool umk_timer_cancel(struct umk_timer *t);
bool umk_timer_pending(const struct umk_timer *t);

/* Sleep the calling task for at least ns nanoseconds. Task context only. */
void umk_sleep_ns(unsigned long long ns);

#endif
