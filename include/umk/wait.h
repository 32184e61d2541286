/*
 * Wait queues: a task sleeps until a condition holds, a wake-up comes, or
 * a timeout expires. umk_wake_up may be called from IRQ context.
 */
#ifndef UMK_WAIT_H
#define UMK_WAIT_H

#include <umk/list.h>
#include <umk/errno.h>
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
/* Wake every waiter / at most one waiter. */
void umk_wake_up_all(struct umk_wait_queue_head *wq);
void umk_wake_up_one(struct umk_wait_queue_head *wq);
#define umk_wake_up umk_wake_up_all

/* Low-level: queue the current task, set it sleeping, then test and sleep. */
void umk_prepare_to_wait(struct umk_wait_queue_head *wq, struct umk_wait_entry *w);
void umk_finish_wait(struct umk_wait_queue_head *wq, struct umk_wait_entry *w);
/* Sleep until woken or timeout_ns passes (<0: forever); 0 if woken, -ETIMEDOUT. */
int umk_schedule_timeout(long long timeout_ns);

/*
 * Sleep until cond is true. Returns 0 when it is, -UMK_ETIMEDOUT when
 * timeout_ns (<0: none) passed first. Task context only.
 */
#define umk_wait_event_timeout(wq, cond, timeout_ns)                          \
	({                                                                    \
		int umk__ret = 0;                                             \
		long long umk__left = (timeout_ns);                           \
		unsigned long long umk__end = umk__left < 0 ? 0 :             \
			umk_time_ns() + (unsigned long long)umk__left;        \
		struct umk_wait_entry umk__w;                                 \
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
				umk__left = (long long)(umk__end - umk__now); \
			}                                                     \
			umk_schedule_timeout(umk__left);                      \
		}                                                             \
		umk_finish_wait(&(wq), &umk__w);                              \
		umk__ret;                                                     \
	})
#define umk_wait_event(wq, cond) ((void)umk_wait_event_timeout(wq, cond, -1))


#endif
