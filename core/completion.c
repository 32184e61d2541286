/*
 * Completions: "this has happened" for tasks that wait for it. done counts
 * umk_complete() calls not yet consumed by a waiter; umk_complete_all()
 * sets it to COMPLETION_ALL so every current and future waiter passes
 * until umk_reinit_completion().
 */
#include <umk/sync.h>
#include "core/task.h"

#define COMPLETION_ALL (~0U >> 1)

void umk_completion_init(struct umk_completion *c)
{
	c->done = 0;
	umk_wait_queue_init(&c->wq);
}

void umk_reinit_completion(struct umk_completion *c)
{
	unsigned long flags = umk_spin_lock_irqsave(&c->wq.lock);

	c->done = 0;
	umk_spin_unlock_irqrestore(&c->wq.lock, flags);
}

void umk_complete(struct umk_completion *c)
{
	unsigned long flags = umk_spin_lock_irqsave(&c->wq.lock);

	if (c->done < COMPLETION_ALL - 1)
		c->done++;
	umk_wake_up_one_locked(&c->wq);
	umk_spin_unlock_irqrestore(&c->wq.lock, flags);
}

void umk_complete_all(struct umk_completion *c)
{
	unsigned long flags = umk_spin_lock_irqsave(&c->wq.lock);

	c->done = COMPLETION_ALL;
	umk_wake_up_all_locked(&c->wq);
	umk_spin_unlock_irqrestore(&c->wq.lock, flags);
}

/* Consume one completion if there is one. */
bool umk_try_wait_for_completion(struct umk_completion *c)
{
	unsigned long flags = umk_spin_lock_irqsave(&c->wq.lock);
	bool got = c->done > 0;

	if (got && c->done != COMPLETION_ALL)
		c->done--;
	umk_spin_unlock_irqrestore(&c->wq.lock, flags);
	return got;
}

int umk_wait_for_completion_timeout(struct umk_completion *c,
				    long long timeout_ns)
{
	return umk_wait_event_timeout(c->wq, umk_try_wait_for_completion(c),
				      timeout_ns);
}

void umk_wait_for_completion(struct umk_completion *c)
{
	umk_wait_for_completion_timeout(c, -1);
}

bool umk_completion_done(const struct umk_completion *c)
{
	return UMK_READ_ONCE(c->done) > 0;
}
