/*
 * Counting semaphores. count is changed under the wait queue's lock, so
 * umk_sem_up (callable from IRQ context) and the sleepers agree on it; an
 * up wakes one sleeper, which takes the unit when it runs unless a
 * trydown got there first, in which case it sleeps again.
 */
#include <umk/sync.h>
#include "core/task.h"

void umk_sem_init(struct umk_semaphore *s, long count)
{
	s->count = count;
	umk_wait_queue_init(&s->wq);
}

bool umk_sem_trydown(struct umk_semaphore *s)
{
	unsigned long flags = umk_spin_lock_irqsave(&s->wq.lock);
	bool got = s->count > 0;

	if (got)
		s->count--;
	umk_spin_unlock_irqrestore(&s->wq.lock, flags);
	return got;
}

int umk_sem_down_timeout(struct umk_semaphore *s, long long timeout_ns)
{
	return umk_wait_event_timeout(s->wq, umk_sem_trydown(s), timeout_ns);
}

void umk_sem_down(struct umk_semaphore *s)
{
	umk_sem_down_timeout(s, -1);
}

void umk_sem_up(struct umk_semaphore *s)
{
	unsigned long flags = umk_spin_lock_irqsave(&s->wq.lock);

	s->count++;
	umk_wake_up_one_locked(&s->wq);
	umk_spin_unlock_irqrestore(&s->wq.lock, flags);
}

long umk_sem_count(const struct umk_semaphore *s)
{
	return UMK_READ_ONCE(s->count);
}
