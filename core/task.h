/*
 * The task structure, shared by core, optional/sched and optional/vm. Not
 * part of the public API: applications see struct umk_task as opaque.
 */
#ifndef UMK_CORE_TASK_H
#define UMK_CORE_TASK_H

#include <umk/task.h>
#include <umk/wait.h>
#include <umk/time.h>
#include "arch/um/arch.h"
#include "optional/sched/sched_entity.h"

struct umk_mm;

#define UMK_TASK_DETACHED 0x1 /* reap on exit */
#define UMK_TASK_JOINED 0x2   /* someone is in umk_task_join */
#define UMK_TASK_GONE 0x8     /* dead and switched away from: may be freed */
/*
 * flags above and exit_code are protected by exit_wq.lock; flags is
 * written with atomic stores (task_flag_set releases), as a joiner tests
 * GONE without the lock.
 */

struct umk_task {
	struct umk_arch_context ctx; /* saved registers (first: asm offset 0) */
	volatile int state;          /* enum umk_task_state */
	int id;
	int cpu;                     /* CPU it runs or last ran on */
	int preempt_count;
	unsigned int flags;          /* UMK_TASK_*, see above */
	bool kthread;                /* idle or other kernel-internal task */
	char name[UMK_TASK_NAME_LEN];

	umk_task_fn fn;
	void *arg;
	int exit_code;
	void *data;                  /* umk_task_set_data */

	void *stack;                 /* lowest usable address */
	unsigned long stack_size;

	struct umk_list_head all_node;     /* in the list of all tasks */
	struct umk_wait_queue_head exit_wq; /* joiners */
	struct umk_timer sleep_timer;      /* umk_schedule_timeout */
	int timed_out;

	struct umk_sched_entity se;        /* owned by optional/sched */
	struct umk_mm *mm;                 /* owned by optional/vm; NULL: kernel */
	void *ktest;                       /* the test case it runs, if any */
};

/* Every task until it is freed, linked by all_node (read by tools/gdb). */
extern struct umk_list_head umk_task_list;

#ifdef CONFIG_SMP
/*
 * The running task is also the host thread's own variable, written with
 * cpu->curr at each switch. umk_this_cpu()->curr takes two loads, and the
 * preemption tick may move the task to another CPU between them: the
 * second would read the old CPU's task, and umk_preempt_disable() would
 * count up someone else. A TLS load is one %fs-relative instruction on
 * x86-64; out of line (see umk_this_cpu) the tick refuses the PCs of the
 * accessors (arch/um/preempt.c).
 */
extern __thread struct umk_task *umk_curr_self;
#if UMK_TLS_OUT_OF_LINE
struct umk_task *umk__curr_self_get(void);
void umk__curr_self_set(struct umk_task *t);
#define umk_current_task() umk__curr_self_get()
#define umk_curr_self_set(t) umk__curr_self_set(t)
#else
static inline struct umk_task *umk_current_task(void)
{
	return umk_curr_self;
}
#define umk_curr_self_set(t) (umk_curr_self = (t))
#endif
#else
static inline struct umk_task *umk_current_task(void)
{
	return umk_cpus[0].curr;
}
#define umk_curr_self_set(t) ((void)(t))
#endif

/* Called by the scheduler on the new task's stack after its first switch. */
UMK_INTERNAL void umk_task_entry(void) UMK_NORETURN;
/* Called by the scheduler after switching away from a dead task. */
UMK_INTERNAL void umk_task_dead(struct umk_task *prev);
/* Create the idle task of the calling CPU (it adopts the host thread's stack). */
UMK_INTERNAL struct umk_task *umk_idle_task_create(unsigned int cpu);

#endif
