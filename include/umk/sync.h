/*
 * Sleeping locks and completions for tasks. Everything that may sleep
 * (lock, down, wait) is task context only; umk_sem_up, umk_sem_trydown,
 * umk_complete, umk_complete_all and umk_mutex_trylock may also be called
 * from IRQ context (see <umk/irq.h>). Every wait has a _timeout variant
 * taking nanoseconds (<0: forever) and returning -UMK_ETIMEDOUT.
 */
#ifndef UMK_SYNC_H
#define UMK_SYNC_H

#include <umk/wait.h>

struct umk_task;

/*
 * A sleeping mutex with an owner. Unlock hands it to the longest waiter
 * (FIFO). Recursive locking and unlocking by a non-owner are bugs (panic).
 */
struct umk_mutex {
	struct umk_task *owner;
	struct umk_wait_queue_head wq;
};
#define UMK_MUTEX_INIT(name) { NULL, UMK_WAIT_QUEUE_HEAD_INIT((name).wq) }
#define UMK_COMPLETION_INIT(name) { 0, UMK_WAIT_QUEUE_HEAD_INIT((name).wq) }
#define UMK_SEMAPHORE_INIT(name, n) { n, UMK_WAIT_QUEUE_HEAD_INIT((name).wq) }
void umk_mutex_init(struct umk_mutex *m);
void umk_mutex_lock(struct umk_mutex *m);
bool umk_mutex_trylock(struct umk_mutex *m);
/* 0 when locked, -UMK_ETIMEDOUT after timeout_ns. */
int umk_mutex_lock_timeout(struct umk_mutex *m, long long timeout_ns);
void umk_mutex_unlock(struct umk_mutex *m);
bool umk_mutex_is_locked(const struct umk_mutex *m);
struct umk_task *umk_mutex_owner(const struct umk_mutex *m);

/* Counting semaphore. umk_sem_up may be called from IRQ context. */
struct umk_semaphore {
	long count;
	struct umk_wait_queue_head wq;
};
void umk_sem_init(struct umk_semaphore *s, long count);
void umk_sem_down(struct umk_semaphore *s);
bool umk_sem_trydown(struct umk_semaphore *s);
int umk_sem_down_timeout(struct umk_semaphore *s, long long timeout_ns);
void umk_sem_up(struct umk_semaphore *s);
long umk_sem_count(const struct umk_semaphore *s);

/*
 * One-shot (or counted) event: each umk_complete lets one wait through;
 * umk_complete_all lets every wait through until umk_reinit_completion.
 */
struct umk_completion {
	unsigned int done;
	struct umk_wait_queue_head wq;
};
void umk_completion_init(struct umk_completion *c);
void umk_complete(struct umk_completion *c);
void umk_complete_all(struct umk_completion *c);
void umk_wait_for_completion(struct umk_completion *c);
int umk_wait_for_completion_timeout(struct umk_completion *c, long long timeout_ns);
void umk_reinit_completion(struct umk_completion *c);
/* Consume one completion without sleeping; false if none is there. */
bool umk_try_wait_for_completion(struct umk_completion *c);
bool umk_completion_done(const struct umk_completion *c);

#endif
