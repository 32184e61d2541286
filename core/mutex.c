/*
 * Sleeping mutexes with an owner and direct hand-off: unlock gives the
 * mutex to the longest waiter and wakes it, so waiters are served in
 * FIFO order and a woken waiter never finds the mutex taken again. The
 * wait queue's lock protects owner and the waiter list.
 */
#include <umk/sync.h>
#include <umk/printk.h>
#include <umk/sched.h>
#include "core/task.h"

void umk_mutex_init(struct umk_mutex *m)
{
	m->owner = NULL;
	umk_wait_queue_init(&m->wq);
}

bool umk_mutex_trylock(struct umk_mutex *m)
{
	struct umk_task *cur = umk_current_task();
	unsigned long flags = umk_spin_lock_irqsave(&m->wq.lock);
	bool got = m->owner == NULL;

	if (got)
		m->owner = cur;
	umk_spin_unlock_irqrestore(&m->wq.lock, flags);
	return got;
}

static int mutex_lock_slow(struct umk_mutex *m, long long timeout_ns,
			   unsigned long flags)
{
	struct umk_task *cur = umk_current_task();
	struct umk_wait_entry w = { .task = cur };
	unsigned long long end = 0, now;
	int ret = 0;

	if (timeout_ns >= 0) {
		end = umk_time_ns_exact() + (unsigned long long)timeout_ns;
		if (end < (unsigned long long)timeout_ns)
			end = ~0ULL;
	}
	umk_list_add_tail(&w.node, &m->wq.head);
	for (;;) {
		long long left = -1;

		UMK_WRITE_ONCE(cur->state, UMK_TASK_SLEEPING);
		if (timeout_ns >= 0) {
			now = umk_time_ns();
			if (now >= end) {
				ret = -UMK_ETIMEDOUT;
				break;
			}
			left = (long long)UMK_MIN(end - now, (unsigned long long)UMK_TIMEOUT_MAX);
		}
		umk_spin_unlock_irqrestore(&m->wq.lock, flags);
		umk_schedule_timeout(left);
		flags = umk_spin_lock_irqsave(&m->wq.lock);
		if (m->owner == cur)
			break; /* handed over; the unlocker dequeued us */
	}
	if (ret)
		umk_list_del(&w.node);
	UMK_WRITE_ONCE(cur->state, UMK_TASK_RUNNING);
	umk_spin_unlock_irqrestore(&m->wq.lock, flags);
	return ret;
}

int umk_mutex_lock_timeout(struct umk_mutex *m, long long timeout_ns)
{
	struct umk_task *cur = umk_current_task();
	unsigned long flags;

	umk_might_sleep();
	flags = umk_spin_lock_irqsave(&m->wq.lock);
	if (m->owner == cur)
		umk_panic("mutex %p: recursive lock by \"%s\"", (void *)m,
			  cur->name);
	if (!m->owner) {
		m->owner = cur;
		umk_spin_unlock_irqrestore(&m->wq.lock, flags);
		return 0;
	}
	if (timeout_ns == 0) {
		umk_spin_unlock_irqrestore(&m->wq.lock, flags);
		return -UMK_ETIMEDOUT;
	}
	return mutex_lock_slow(m, timeout_ns, flags);
}

void umk_mutex_lock(struct umk_mutex *m)
{
	umk_mutex_lock_timeout(m, -1);
}

void umk_mutex_unlock(struct umk_mutex *m)
{
	struct umk_task *cur = umk_current_task(), *next = NULL;
	unsigned long flags = umk_spin_lock_irqsave(&m->wq.lock);

	if (m->owner != cur)
		umk_panic("mutex %p: unlocked by \"%s\", owner is \"%s\"",
			  (void *)m, cur->name,
			  m->owner ? m->owner->name : "nobody");
	if (!umk_list_empty(&m->wq.head)) {
		struct umk_wait_entry *w = umk_list_first_entry(
			&m->wq.head, struct umk_wait_entry, node);

		next = w->task;
		m->owner = next;
		/* Unlinked last: see wait_wake_locked() in core/wait.c. */
		umk_wake_up_process(next);
		umk_list_del(&w->node);
	} else {
		m->owner = NULL;
	}
	umk_spin_unlock_irqrestore(&m->wq.lock, flags);
}

bool umk_mutex_is_locked(const struct umk_mutex *m)
{
	return UMK_READ_ONCE(m->owner) != NULL;
}

struct umk_task *umk_mutex_owner(const struct umk_mutex *m)
{
	return UMK_READ_ONCE(m->owner);
}
