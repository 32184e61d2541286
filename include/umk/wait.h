/*
 * Wait queues: a task sleeps until a condition holds, a wake-up comes, or
 * a timeout expires. umk_wake_up may be called from IRQ context.
 */
#ifndef UMK_WAIT_H
#define UMK_WAIT_H

#include <umk/list.h>
#include <umk/errno.h>
#include <umk/irq.h>
#include <umk/spinlock.h>
#include <umk/time.h>

struct umk_task;

struct umk_wait_queue_head {
	umk_spinlock_t lock;
	struct umk_list_head head;
};

struct umk_wait_entry {
	struct umk_task *task;
	struct umk_list_head node;
	unsigned int flags;
};

#define UMK_WAIT_QUEUE_HEAD_INIT(name) \
	{ UMK_SPINLOCK_INIT, UMK_LIST_HEAD_INIT((name).head) }
#define UMK_WAIT_QUEUE_HEAD(name) \
	struct umk_wait_queue_head name = UMK_WAIT_QUEUE_HEAD_INIT(name)

void umk_wait_queue_init(struct umk_wait_queue_head *wq);
/* Wake every waiter / at most one waiter. Callable from IRQ context. */
void umk_wake_up_all(struct umk_wait_queue_head *wq);
void umk_wake_up_one(struct umk_wait_queue_head *wq);
#define umk_wake_up umk_wake_up_all
/* The same, for a caller that holds wq->lock (taken with irqsave). */
void umk_wake_up_all_locked(struct umk_wait_queue_head *wq);
void umk_wake_up_one_locked(struct umk_wait_queue_head *wq);
/* True if some task waits on wq (a hint: it may change at once). */
bool umk_waitqueue_active(struct umk_wait_queue_head *wq);

/*
 * Low-level protocol, as in Linux:
 *   struct umk_wait_entry w = UMK_WAIT_ENTRY_INIT;
 *   for (;;) {
 *           umk_prepare_to_wait(&wq, &w);  // queued, state SLEEPING
 *           if (condition) break;
 *           umk_schedule_timeout(left);    // or umk_schedule()
 *   }
 *   umk_finish_wait(&wq, &w);              // RUNNING, dequeued
 * A wake-up removes the entry from the queue; prepare queues it again.
 * The entry must start zeroed (UMK_WAIT_ENTRY_INIT).
 */
#define UMK_WAIT_ENTRY_INIT { .task = NULL }
void umk_prepare_to_wait(struct umk_wait_queue_head *wq, struct umk_wait_entry *w);
void umk_finish_wait(struct umk_wait_queue_head *wq, struct umk_wait_entry *w);

/* The largest timeout: about 292 years. */
#define UMK_TIMEOUT_MAX ((long long)(~0ULL >> 1))
/*
 * Sleep until woken or timeout_ns passes (<0: forever), the caller having
 * set its state to SLEEPING (umk_prepare_to_wait does). Returns 0 if woken,
 * -UMK_ETIMEDOUT if the timeout expired. Refreshes the cached clock before
 * returning. Task context only.
 */
int umk_schedule_timeout(long long timeout_ns);

/*
 * Sleep until cond is true. Returns 0 when it is, -UMK_ETIMEDOUT when
 * timeout_ns (<0: none) passed first; cond is evaluated once more after
 * the time is up, so a condition that became true is never reported as
 * a timeout. Task context only.
 */
#define umk_wait_event_timeout(wq, cond, timeout_ns)                          \
	({                                                                    \
		int umk__ret = 0;                                             \
		long long umk__left = (timeout_ns);                           \
		unsigned long long umk__end = 0;                              \
		struct umk_wait_entry umk__w = UMK_WAIT_ENTRY_INIT;           \
		umk_might_sleep();                                            \
		if (umk__left >= 0) {                                         \
			umk__end = umk_time_ns_exact() +                      \
				   (unsigned long long)umk__left;             \
			if (umk__end < (unsigned long long)umk__left)         \
				umk__end = ~0ULL;                             \
		}                                                             \
		for (;;) {                                                    \
			umk_prepare_to_wait(&(wq), &umk__w);                  \
			if (cond)                                             \
				break;                                        \
			if (umk__left >= 0) {                                 \
				unsigned long long umk__now = umk_time_ns();  \
				if (umk__now >= umk__end) {                   \
					umk__ret = -UMK_ETIMEDOUT;            \
					break;                                \
				}                                             \
				umk__left = (long long)UMK_MIN(               \
					umk__end - umk__now,                  \
					(unsigned long long)UMK_TIMEOUT_MAX); \
			}                                                     \
			umk_schedule_timeout(umk__left);                      \
			if (cond) /* woken: no need to queue again */         \
				break;                                        \
		}                                                             \
		umk_finish_wait(&(wq), &umk__w);                              \
		umk__ret;                                                     \
	})
#define umk_wait_event(wq, cond) ((void)umk_wait_event_timeout(wq, cond, -1))

#endif
