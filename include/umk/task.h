/*
 * Tasks: kernel-style threads with their own stacks, switched in user
 * space. A task is joinable until it is joined or detached; a detached
 * task is reaped when it exits.
 */
#ifndef UMK_TASK_H
#define UMK_TASK_H

#include <umk/compiler.h>

struct umk_task;

enum umk_task_state {
	UMK_TASK_RUNNING,  /* on a CPU now */
	UMK_TASK_RUNNABLE, /* on a run queue */
	UMK_TASK_SLEEPING, /* waiting for an event */
	UMK_TASK_DEAD,     /* exited, not yet reaped */
};

#define UMK_TASK_NAME_LEN 16

typedef int (*umk_task_fn)(void *arg);

/*
 * Create a runnable task that calls fn(arg); its return value is the exit
 * code. Returns NULL when memory or stacks run out. Task context only.
 */
struct umk_task *umk_task_create(umk_task_fn fn, void *arg, const char *name);
/*
 * Wait for t to exit and reap it; stores its exit code in *code (if code
 * is not NULL). Returns 0, -UMK_EINVAL if t is detached or already being
 * joined, -UMK_EDEADLK for the caller itself. Task context only.
 */
int umk_task_join(struct umk_task *t, int *code);
/* The same, giving up after timeout_ns (<0: never) with -UMK_ETIMEDOUT;
 * t then stays joinable. */
int umk_task_join_timeout(struct umk_task *t, int *code, long long timeout_ns);
/* Let t be reaped as soon as it exits; it may no longer be joined. */
void umk_task_detach(struct umk_task *t);
/* End the calling task with an exit code. */
void umk_task_exit(int code) UMK_NORETURN;

struct umk_task *umk_current(void);
const char *umk_task_name(const struct umk_task *t);
void umk_task_set_name(struct umk_task *t, const char *name);
enum umk_task_state umk_task_state(const struct umk_task *t);
/* Unique since boot; increasing in creation order on each CPU, not across. */
int umk_task_id(const struct umk_task *t);
int umk_task_cpu(const struct umk_task *t);
const char *umk_task_state_name(enum umk_task_state s);

/* One pointer of per-task data for the application. */
void umk_task_set_data(struct umk_task *t, void *data);
void *umk_task_get_data(const struct umk_task *t);

/* Number of tasks that exist (any state but reaped), idle tasks included. */
unsigned int umk_nr_tasks(void);

/*
 * Walk all tasks (for debuggers and statistics); fn returns non-zero to
 * stop. fn runs with the task list locked: it must not sleep, create or
 * reap tasks.
 */
void umk_task_for_each(int (*fn)(struct umk_task *t, void *arg), void *arg);

#endif
