/*
 * The cooperative scheduler stub (CONFIG_SCHED=n): one CPU, one FIFO run
 * queue, run to completion. A task runs until it sleeps, yields or exits;
 * there are no priorities, no preemption and no statistics. Everything
 * else in the core (wait queues, timers, I/O) works on top of it because
 * they only need umk_schedule() and umk_wake_up_process().
 *
 * The run queue is a ring of the runnable tasks linked by se.run_node,
 * with no list head, and the running task stays in it. stub_ring points
 * at the running task, or, while the idle task runs, at the first task to
 * run. So a yield is one step along the ring, with nothing to unlink or
 * append; a task that sleeps or exits leaves the ring; a woken task goes
 * in just before stub_ring, which is the tail: it runs after everyone
 * already waiting and before the running task comes round again.
 *
 * IRQs are polled, never asynchronous: they run inside umk_arch_idle()
 * and umk_arch_irq_poll(), so the ring needs no lock, only care about the
 * order of operations around those calls.
 */
#include <umk/sched.h>
#include <umk/cpu.h>
#include <umk/errno.h>
#include <umk/printk.h>
#include <umk/time.h>
#include "core/task.h"
#include "core/timer.h"

/*
 * A busy cooperative workload never goes idle, so umk_schedule() itself
 * polls host events (timers, I/O, kicks). A poll is a system call (about
 * 1-2 us here, a hundred switches), so it is rate-limited by time: once
 * STUB_POLL_NS have passed since the last one, which is also the default
 * timer slack. Reading the clock costs about 27 ns (vDSO), so it is read
 * only every stub_poll_stride switches, a stride that doubles or halves
 * to keep those reads about STUB_POLL_NS / 4 apart however long a switch
 * takes; between reads a switch pays one decrement.
 */
#define STUB_POLL_NS (50 * UMK_NSEC_PER_USEC)
#define STUB_POLL_STRIDE_MAX 4096U

static struct umk_task *stub_ring;
/* A dead task just switched away from, freed by whoever runs next. */
static struct umk_task *stub_dead;
static unsigned int stub_poll_countdown = 1, stub_poll_stride = 1;
static unsigned long long stub_poll_read_ns, stub_poll_last_ns;

static struct umk_task *stub_ring_next(struct umk_task *t)
{
	return umk_list_entry(t->se.run_node.next, struct umk_task,
			      se.run_node);
}

/* Make t runnable: into the ring, at the tail (just before stub_ring). */
static void stub_enqueue(struct umk_task *t)
{
	UMK_WRITE_ONCE(t->state, UMK_TASK_RUNNABLE);
	if (stub_ring)
		umk_list_add_tail(&t->se.run_node, &stub_ring->se.run_node);
	else
		stub_ring = t;
}

/* t (the running task) sleeps or exits; the ring goes on after it. */
static void stub_leave_ring(struct umk_task *t)
{
	struct umk_task *next = stub_ring_next(t);

	umk_list_del(&t->se.run_node);
	stub_ring = next == t ? NULL : next;
}

/* Runs on the next task's stack right after the switch. */
static void stub_finish_switch(void)
{
	struct umk_task *dead = stub_dead;

	stub_dead = NULL;
	umk_task_dead(dead);
}

static UMK_NOINLINE void stub_poll(struct umk_cpu *cpu)
{
	unsigned long long now, since_read;

	umk_clock_refresh();
	now = UMK_READ_ONCE(cpu->now_ns);
	since_read = now - stub_poll_read_ns;
	stub_poll_read_ns = now;
	if (since_read < STUB_POLL_NS / 8 &&
	    stub_poll_stride < STUB_POLL_STRIDE_MAX)
		stub_poll_stride *= 2;
	else if (since_read > STUB_POLL_NS / 2 && stub_poll_stride > 1)
		stub_poll_stride /= 2;
	stub_poll_countdown = stub_poll_stride;
	if (now - stub_poll_last_ns >= STUB_POLL_NS && !cpu->irqs_off) {
		stub_poll_last_ns = now;
		umk_arch_irq_poll();
	}
}

void umk_sched_task_init(struct umk_task *t)
{
	umk_list_init(&t->se.run_node);
	t->preempt_count = 0;
}

void umk_sched_wake_new(struct umk_task *t)
{
	stub_enqueue(t);
}

void umk_schedule_tail(void)
{
	if (umk_unlikely(stub_dead))
		stub_finish_switch();
	umk_this_cpu()->irqs_off = 0;
}

/* Asked by the idle task, which is never in the ring. */
bool umk_sched_has_runnable(void)
{
	return stub_ring != NULL;
}

/* The task to run after prev, and the ring updated for it. */
static struct umk_task *stub_pick_next(struct umk_cpu *cpu,
				       struct umk_task *prev)
{
	struct umk_task *next;
	int state;

	if (prev == cpu->idle)
		return stub_ring ? stub_ring : prev;
	state = UMK_READ_ONCE(prev->state);
	/* Still running (a yield), or woken since it set SLEEPING. */
	if (umk_likely(state == UMK_TASK_RUNNING ||
		       state == UMK_TASK_RUNNABLE)) {
		next = stub_ring_next(prev);
		if (next != prev)
			UMK_WRITE_ONCE(prev->state, UMK_TASK_RUNNABLE);
		return next;
	}
	stub_leave_ring(prev);
	if (state == UMK_TASK_DEAD)
		stub_dead = prev;
	return stub_ring ? stub_ring : cpu->idle;
}

void umk_schedule(void)
{
	struct umk_cpu *cpu = umk_this_cpu();
	struct umk_task *prev = cpu->curr, *next;
	int irqs_off;

	if (umk_unlikely(--stub_poll_countdown == 0))
		stub_poll(cpu);
	/*
	 * Nothing can interrupt the stub between here and the switch, so
	 * the flag need not be raised: only kept, as the task's own.
	 */
	irqs_off = cpu->irqs_off;
	next = stub_pick_next(cpu, prev);
	UMK_WRITE_ONCE(next->state, UMK_TASK_RUNNING);
	if (next != prev) {
		if (next != cpu->idle)
			stub_ring = next;
		cpu->curr = next;
		umk_arch_stack_switch_hint(next);
		umk_arch_switch(&prev->ctx, &next->ctx);
		if (umk_unlikely(stub_dead))
			stub_finish_switch();
	}
	cpu->irqs_off = irqs_off;
}

void umk_yield(void)
{
	umk_schedule();
}

bool umk_wake_up_process(struct umk_task *t)
{
	if (UMK_READ_ONCE(t->state) != UMK_TASK_SLEEPING)
		return false;
	/* The running task is still in the ring: it only needs its state. */
	if (t == umk_this_cpu()->curr)
		UMK_WRITE_ONCE(t->state, UMK_TASK_RUNNING);
	else
		stub_enqueue(t);
	return true;
}

/* Counted so that code written for PREEMPT=y keeps its nesting checks. */
void umk_preempt_disable(void)
{
	struct umk_task *curr = umk_this_cpu()->curr;

	if (umk_likely(curr))
		curr->preempt_count++;
}

void umk_preempt_enable(void)
{
	struct umk_task *curr = umk_this_cpu()->curr;

	if (umk_likely(curr))
		curr->preempt_count--;
}

/* Only the behaviour the stub already has can be asked for. */
int umk_sched_setscheduler(struct umk_task *t, int policy, int prio)
{
	(void)t;
	if (policy == UMK_SCHED_NORMAL && prio == 0)
		return 0;
	return -UMK_ENOSYS;
}

int umk_sched_getscheduler(const struct umk_task *t)
{
	(void)t;
	return UMK_SCHED_NORMAL;
}

int umk_set_user_nice(struct umk_task *t, int nice)
{
	(void)t;
	return nice == 0 ? 0 : -UMK_ENOSYS;
}

int umk_task_nice(const struct umk_task *t)
{
	(void)t;
	return 0;
}

int umk_set_cpus_allowed(struct umk_task *t, unsigned long long mask)
{
	(void)t;
	return (mask & 1) ? 0 : -UMK_EINVAL;
}

int umk_nr_cpus_online(void)
{
	return 1;
}

int umk_sched_task_stats(const struct umk_task *t, struct umk_sched_stats *s)
{
	(void)t;
	*s = (struct umk_sched_stats){ 0 };
	return 0;
}

int umk_sched_cpu_stats(int cpu, struct umk_sched_stats *s)
{
	if (cpu != 0)
		return -UMK_EINVAL;
	*s = (struct umk_sched_stats){ 0 };
	return 0;
}
