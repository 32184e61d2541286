/*
 * Tasks: creation, exit, join, detach and reaping.
 *
 * A task's life: umk_task_create() allocates the structure (kmalloc) and a
 * stack (the arch's pool), prepares the first switch to land in
 * umk_task_entry() and hands the task to the scheduler. The task runs
 * fn(arg); returning from it is umk_task_exit(code). Exit marks the task
 * DEAD and switches away for good; the scheduler then calls
 * umk_task_dead() on the next task's stack, the first moment the dead
 * task's stack is no longer in use. Only then may it be freed:
 *
 *   detached task:  umk_task_dead() frees it at once;
 *   joinable task:  umk_task_dead() marks it GONE and wakes the joiner,
 *                   who takes the exit code and frees it. Exit already
 *                   woke the joiner once, so that it is the next task to
 *                   run on the exiting task's CPU: two switches from
 *                   exit to joiner, not three through the idle task.
 *
 * Which of the two happens is decided under the task's exit_wq lock,
 * which protects flags and exit_code, so exactly one side frees.
 *
 * Every task, idle tasks included, is on umk_task_list (linked through
 * all_node) until it is freed: tools/gdb/umk.py walks it.
 */
#include <umk/printk.h>
#include <umk/sched.h>
#include <umk/slab.h>
#include <umk/string.h>
#include <umk/vm.h>
#include <umk/irq.h>
#include "core/task.h"

struct umk_list_head umk_task_list = UMK_LIST_HEAD_INIT(umk_task_list);
static umk_spinlock_t task_list_lock = UMK_SPINLOCK_INIT;
static unsigned int task_count;
static int task_next_id;
/* Idle tasks are static: CPU 0's exists before the allocators do. */
static struct umk_task task_idle[UMK_NR_CPUS];

static void task_list_add(struct umk_task *t)
{
	unsigned long flags = umk_spin_lock_irqsave(&task_list_lock);

	umk_list_add_tail(&t->all_node, &umk_task_list);
	UMK_WRITE_ONCE(task_count, task_count + 1); /* read unlocked */
	umk_spin_unlock_irqrestore(&task_list_lock, flags);
}

static void task_list_del(struct umk_task *t)
{
	unsigned long flags = umk_spin_lock_irqsave(&task_list_lock);

	umk_list_del(&t->all_node);
	UMK_WRITE_ONCE(task_count, task_count - 1);
	umk_spin_unlock_irqrestore(&task_list_lock, flags);
}

/*
 * Task ids: unique, and in creation order on each CPU. A CPU takes them
 * from the global counter TASK_ID_BATCH at a time (with IRQs masked,
 * which keeps it on its CPU), so creating a task costs no atomic
 * operation on the shared counter but once per batch.
 */
#define TASK_ID_BATCH 64

static struct task_id_range {
	int next, end;
} task_id_ranges[UMK_NR_CPUS];

static int task_new_id(void)
{
	unsigned long flags = umk_local_irq_save();
	struct task_id_range *r = &task_id_ranges[umk_smp_processor_id()];
	int id;

	if (r->next == r->end) {
		r->next = __atomic_fetch_add(&task_next_id, TASK_ID_BATCH,
					     __ATOMIC_RELAXED);
		r->end = r->next + TASK_ID_BATCH;
	}
	id = r->next++;
	umk_local_irq_restore(flags);
	return id;
}

/* Fields every task needs, whatever made it. */
static void task_init_common(struct umk_task *t, const char *name)
{
	t->id = task_new_id();
	t->cpu = (int)umk_smp_processor_id();
	umk_task_set_name(t, name);
	umk_list_init(&t->all_node);
	umk_wait_queue_init(&t->exit_wq);
	umk_timer_init(&t->sleep_timer, NULL, t);
	umk_sched_task_init(t);
}

/*
 * Set flag f of t, exit_wq.lock held. A joiner reads the flags without
 * it (task_gone): releasing, so that what came before, the lock taken
 * included, is seen by a joiner that sees the flag.
 */
static void task_flag_set(struct umk_task *t, unsigned int f)
{
	__atomic_store_n(&t->flags, t->flags | f, __ATOMIC_RELEASE);
}

static void task_flag_clear(struct umk_task *t, unsigned int f)
{
	UMK_WRITE_ONCE(t->flags, t->flags & ~f);
}

static void task_free(struct umk_task *t)
{
	if (t->kthread)
		umk_panic("task: freeing kernel task \"%s\"", t->name);
	umk_sched_task_free(t);
	task_list_del(t);
	umk_arch_stack_free(t->stack);
	umk_kfree(t);
}

struct umk_task *umk_task_create(umk_task_fn fn, void *arg, const char *name)
{
	struct umk_task *t = umk_kzalloc(sizeof(*t));

	if (!t)
		return NULL;
	t->stack = umk_arch_stack_alloc(&t->stack_size);
	if (!t->stack) {
		umk_kfree(t);
		return NULL;
	}
	t->fn = fn;
	t->arg = arg;
	t->state = UMK_TASK_RUNNABLE;
	task_init_common(t, name ? name : "task");
	umk_arch_context_init(&t->ctx, t->stack, t->stack_size, umk_task_entry);
	task_list_add(t);
	umk_sched_wake_new(t);
	return t;
}

UMK_INTERNAL struct umk_task *umk_idle_task_create(unsigned int cpu)
{
	struct umk_task *t = &task_idle[cpu];
	char name[UMK_TASK_NAME_LEN];

	if (cpu >= UMK_NR_CPUS)
		umk_panic("task: idle task for CPU %u of %d", cpu, UMK_NR_CPUS);
	umk_memset(t, 0, sizeof(*t));
	umk_snprintf(name, sizeof(name), "idle/%u", cpu);
	t->state = UMK_TASK_RUNNING;
	t->kthread = true;
	task_init_common(t, name);
	t->cpu = (int)cpu;
	task_list_add(t);
	return t;
}

/* The first code of every new task, on its own stack. */
UMK_INTERNAL void umk_task_entry(void)
{
	struct umk_task *t;

	umk_schedule_tail();
	t = umk_current_task();
	umk_task_exit(t->fn(t->arg));
}

void umk_task_exit(int code)
{
	struct umk_task *t = umk_current_task();
	unsigned long flags;

	if (t->kthread)
		umk_panic("task: kernel task \"%s\" tried to exit", t->name);
	if (umk_in_irq())
		umk_panic("task: umk_task_exit from IRQ context");
	if (t->mm)
		umk_task_set_mm(t, NULL); /* optional/vm: let go of the mm */
	flags = umk_spin_lock_irqsave(&t->exit_wq.lock);
	t->exit_code = code;
	/* From here any switch away is the last one, preemption included. */
	UMK_WRITE_ONCE(t->state, UMK_TASK_DEAD);
	/*
	 * Wake the joiner now rather than from umk_task_dead(): it is queued
	 * here, so the switch below goes straight to it instead of through
	 * the idle task, and umk_task_dead() has marked us GONE on its stack
	 * before it looks. A joiner that runs elsewhere first finds us not
	 * yet GONE and waits again for umk_task_dead()'s wake-up.
	 */
	if (!(t->flags & UMK_TASK_DETACHED))
		umk_wake_up_all_locked(&t->exit_wq);
	umk_spin_unlock_irqrestore(&t->exit_wq.lock, flags);
	umk_schedule();
	umk_panic("task: \"%s\" (id %d) ran after exiting", t->name, t->id);
}

UMK_INTERNAL void umk_task_dead(struct umk_task *prev)
{
	unsigned long flags;
	bool detached;

	flags = umk_spin_lock_irqsave(&prev->exit_wq.lock);
	task_flag_set(prev, UMK_TASK_GONE);
	detached = prev->flags & UMK_TASK_DETACHED;
	if (!detached)
		umk_wake_up_all_locked(&prev->exit_wq);
	umk_spin_unlock_irqrestore(&prev->exit_wq.lock, flags);
	if (detached)
		task_free(prev);
}

/* Acquire: then umk_spin_unlock_wait() sees umk_task_dead()'s lock. */
static bool task_gone(struct umk_task *t)
{
	return __atomic_load_n(&t->flags, __ATOMIC_ACQUIRE) & UMK_TASK_GONE;
}

int umk_task_join_timeout(struct umk_task *t, int *code, long long timeout_ns)
{
	unsigned long flags;
	int ret;

	umk_might_sleep();
	if (!t || t->kthread)
		return -UMK_EINVAL;
	if (t == umk_current_task())
		return -UMK_EDEADLK;
	flags = umk_spin_lock_irqsave(&t->exit_wq.lock);
	if (t->flags & (UMK_TASK_DETACHED | UMK_TASK_JOINED)) {
		umk_spin_unlock_irqrestore(&t->exit_wq.lock, flags);
		return -UMK_EINVAL;
	}
	task_flag_set(t, UMK_TASK_JOINED);
	umk_spin_unlock_irqrestore(&t->exit_wq.lock, flags);

	ret = umk_wait_event_timeout(t->exit_wq, task_gone(t), timeout_ns);
	if (ret) {
		flags = umk_spin_lock_irqsave(&t->exit_wq.lock);
		task_flag_clear(t, UMK_TASK_JOINED); /* still joinable later */
		umk_spin_unlock_irqrestore(&t->exit_wq.lock, flags);
		return ret;
	}
	/* GONE is set: nobody takes the lock again, umk_task_dead() last. */
	umk_spin_unlock_wait(&t->exit_wq.lock);
	if (code)
		*code = t->exit_code;
	task_free(t);
	return 0;
}

int umk_task_join(struct umk_task *t, int *code)
{
	return umk_task_join_timeout(t, code, -1);
}

void umk_task_detach(struct umk_task *t)
{
	unsigned long flags;
	bool gone;

	if (t->kthread)
		return; /* never reaped anyway */
	flags = umk_spin_lock_irqsave(&t->exit_wq.lock);
	if (t->flags & UMK_TASK_JOINED)
		umk_panic("task: detaching \"%s\" while it is being joined",
			  t->name);
	gone = t->flags & UMK_TASK_GONE;
	task_flag_set(t, UMK_TASK_DETACHED);
	umk_spin_unlock_irqrestore(&t->exit_wq.lock, flags);
	if (gone)
		task_free(t);
}

struct umk_task *umk_current(void)
{
	return umk_current_task();
}

const char *umk_task_name(const struct umk_task *t)
{
	return t->name;
}

void umk_task_set_name(struct umk_task *t, const char *name)
{
	umk_strlcpy(t->name, name ? name : "", sizeof(t->name));
}

enum umk_task_state umk_task_state(const struct umk_task *t)
{
	return (enum umk_task_state)UMK_READ_ONCE(t->state);
}

int umk_task_id(const struct umk_task *t)
{
	return t->id;
}

int umk_task_cpu(const struct umk_task *t)
{
	return UMK_READ_ONCE(t->cpu);
}

const char *umk_task_state_name(enum umk_task_state s)
{
	switch (s) {
	case UMK_TASK_RUNNING: return "running";
	case UMK_TASK_RUNNABLE: return "runnable";
	case UMK_TASK_SLEEPING: return "sleeping";
	case UMK_TASK_DEAD: return "dead";
	}
	return "?";
}

void umk_task_set_data(struct umk_task *t, void *data)
{
	t->data = data;
}

void *umk_task_get_data(const struct umk_task *t)
{
	return t->data;
}

unsigned int umk_nr_tasks(void)
{
	return UMK_READ_ONCE(task_count);
}

void umk_task_for_each(int (*fn)(struct umk_task *t, void *arg), void *arg)
{
	unsigned long flags = umk_spin_lock_irqsave(&task_list_lock);
	struct umk_task *t;

	umk_list_for_each_entry(t, &umk_task_list, all_node)
		if (fn(t, arg))
			break;
	umk_spin_unlock_irqrestore(&task_list_lock, flags);
}
