/*
 * The clock: monotonic nanoseconds from the host, cached per CPU. Reading
 * the host clock costs a vDSO call at best and a system call at worst, so
 * umk_time_ns() returns the value read at the last clock IRQ, idle
 * wake-up, timed wait or schedule on this CPU; code that needs the time
 * to the nanosecond asks umk_time_ns_exact().
 */
#include <umk/time.h>
#include <umk/cpu.h>
#include <umk/irq.h>
#include <umk/sched.h>
#include <umk/wait.h>
#include "core/task.h"
#include "core/timer.h"

/*
 * A task may be preempted between the read and the store and resume on
 * another CPU whose cache is newer: only a compare-and-swap keeps each
 * CPU's cache from going back.
 */
UMK_INTERNAL void umk_clock_refresh(void)
{
	struct umk_cpu *cpu = umk_this_cpu();
	unsigned long long now = umk_arch_clock_read();
	unsigned long long old =
		__atomic_load_n(&cpu->now_ns, __ATOMIC_RELAXED);

	while (now > old &&
	       !__atomic_compare_exchange_n(&cpu->now_ns, &old, now, true,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

unsigned long long umk_time_ns(void)
{
	return UMK_READ_ONCE(umk_this_cpu()->now_ns);
}

unsigned long long umk_time_ns_exact(void)
{
	umk_clock_refresh();
	return umk_time_ns();
}

/*
 * The timer wakes the task; umk_schedule_timeout() then finds timed_out
 * set. A wake-up by anyone else leaves it clear.
 */
void umk_sleep_ns(unsigned long long ns)
{
	unsigned long long end, now;

	umk_might_sleep();
	now = umk_time_ns_exact();
	end = now + ns < now ? ~0ULL : now + ns;
	while (now < end) {
		UMK_WRITE_ONCE(umk_current_task()->state, UMK_TASK_SLEEPING);
		umk_schedule_timeout((long long)UMK_MIN(end - now, (unsigned long long)UMK_TIMEOUT_MAX));
		now = umk_time_ns();
	}
}
