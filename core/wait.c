/*
 * Wait queues and timed sleep. The protocol (see <umk/wait.h>) is Linux's:
 * the waiter queues itself and sets its state to SLEEPING under the queue
 * lock, tests its condition, and only then calls the scheduler. A waker
 * changes the condition before taking the queue lock to wake, so either
 * the waiter sees the new condition or the waker sees the waiter queued
 * and makes it runnable; umk_schedule() of a task that is no longer
 * SLEEPING returns at once. No wake-up is lost.
 *
 * Wake-ups dequeue the entries they wake ("autoremove"): a woken task is
 * not woken twice, and umk_wake_up_one moves on to the next sleeper.
 */
#include <umk/wait.h>
#include <umk/printk.h>
#include <umk/sched.h>
#include "core/task.h"
#include "core/timer.h"

void umk_wait_queue_init(struct umk_wait_queue_head *wq)
{
	umk_spin_lock_init(&wq->lock);
	umk_list_init(&wq->head);
}

/* Wake up to nr waiters (0: all). Caller holds wq->lock. */
static void wait_wake_locked(struct umk_wait_queue_head *wq, unsigned int nr)
{
	struct umk_list_head *pos, *n;

	umk_list_for_each_safe(pos, n, &wq->head) {
		struct umk_wait_entry *w =
			umk_list_entry(pos, struct umk_wait_entry, node);
		/*
		 * Wake first, unlink last: a waiter that finds its entry
		 * unlinked (umk_finish_wait, without the lock) may return,
		 * exit and be freed at once, so nothing may touch the task
		 * or the entry after the unlink.
		 */
		umk_wake_up_process(w->task);
		umk_list_del(&w->node);
		if (nr && !--nr)
			break;
	}
}

void umk_wake_up_all_locked(struct umk_wait_queue_head *wq)
{
	wait_wake_locked(wq, 0);
}

void umk_wake_up_one_locked(struct umk_wait_queue_head *wq)
{
	wait_wake_locked(wq, 1);
}

void umk_wake_up_all(struct umk_wait_queue_head *wq)
{
	unsigned long flags = umk_spin_lock_irqsave(&wq->lock);

	wait_wake_locked(wq, 0);
	umk_spin_unlock_irqrestore(&wq->lock, flags);
}

void umk_wake_up_one(struct umk_wait_queue_head *wq)
{
	unsigned long flags = umk_spin_lock_irqsave(&wq->lock);

	wait_wake_locked(wq, 1);
	umk_spin_unlock_irqrestore(&wq->lock, flags);
}

bool umk_waitqueue_active(struct umk_wait_queue_head *wq)
{
	return UMK_READ_ONCE(wq->head.next) != &wq->head;
}

static bool wait_entry_queued(const struct umk_wait_entry *w)
{
	return w->node.next && w->node.next != &w->node;
}

void umk_prepare_to_wait(struct umk_wait_queue_head *wq, struct umk_wait_entry *w)
{
	struct umk_task *cur = umk_current_task();
	unsigned long flags;

	w->task = cur;
	flags = umk_spin_lock_irqsave(&wq->lock);
	if (!wait_entry_queued(w))
		umk_list_add_tail(&w->node, &wq->head);
	UMK_WRITE_ONCE(cur->state, UMK_TASK_SLEEPING);
	umk_spin_unlock_irqrestore(&wq->lock, flags);
}

/*
 * The entry lives on our stack, and a waker on another CPU may be in the
 * middle of unlinking it: unless the waker's umk_list_del() is seen to
 * be finished, through the lock.
 */
void umk_finish_wait(struct umk_wait_queue_head *wq, struct umk_wait_entry *w)
{
	unsigned long flags;

	UMK_WRITE_ONCE(umk_current_task()->state, UMK_TASK_RUNNING);
	if (!UMK_READ_ONCE(w->node.next))
		return; /* never queued */
	if (umk_list_unlinked(&w->node))
		return; /* a wake-up dequeued it and is done with it */
	flags = umk_spin_lock_irqsave(&wq->lock);
	if (wait_entry_queued(w))
		umk_list_del(&w->node);
	umk_spin_unlock_irqrestore(&wq->lock, flags);
}

static void wait_timeout_fn(struct umk_timer *timer)
{
	struct umk_task *t = timer->data;

	UMK_WRITE_ONCE(t->timed_out, 1);
	umk_wake_up_process(t);
}

int umk_schedule_timeout(long long timeout_ns)
{
	struct umk_task *cur = umk_current_task();
	unsigned long long now, expires;

	umk_might_sleep();
	if (timeout_ns < 0) {
		umk_schedule();
		return 0;
	}
	if (timeout_ns == 0) {
		UMK_WRITE_ONCE(cur->state, UMK_TASK_RUNNING);
		return -UMK_ETIMEDOUT;
	}
	cur->timed_out = 0;
	umk_timer_init(&cur->sleep_timer, wait_timeout_fn, cur);
	now = umk_time_ns_exact();
	expires = now + (unsigned long long)timeout_ns;
	umk_timer_arm(&cur->sleep_timer, expires < now ? ~0ULL : expires);
	umk_schedule();
	/* Waits for the callback if it is running elsewhere: cur stays valid. */
	umk_timer_cancel(&cur->sleep_timer);
	umk_clock_refresh();
	return UMK_READ_ONCE(cur->timed_out) ? -UMK_ETIMEDOUT : 0;
}
