/*
 * IRQ lines. The arch layer turns host events into IRQs: the one-shot
 * clock, inter-CPU kicks, and fd readiness or I/O completions. Handlers run
 * on the CPU that saw the event, with IRQs masked, from the idle loop or a
 * scheduling point; they must not sleep.
 */
#ifndef UMK_IRQ_H
#define UMK_IRQ_H

#include <umk/config.h>
#include <umk/compiler.h>

#define UMK_IRQ_CLOCK 0
#define UMK_IRQ_KICK 1
#define UMK_IRQ_IO 2
#define UMK_NR_IRQS 8

typedef void (*umk_irq_handler_t)(unsigned int irq, void *data);

/*
 * Install the handler of an IRQ line (one per line). Returns 0, -UMK_EBUSY
 * if the line has a handler, -UMK_EINVAL for a bad line or a NULL fn.
 */
int umk_request_irq(unsigned int irq, umk_irq_handler_t fn, void *data);
void umk_free_irq(unsigned int irq);
/* Count of deliveries of irq since boot, on all CPUs. */
unsigned long long umk_irq_count(unsigned int irq);

/*
 * Context rules. IRQ context means an IRQ handler or a timer callback
 * (umk_in_irq() is true there and interrupts are masked).
 *
 * Callable from IRQ context and with interrupts masked:
 *   umk_wake_up_process, umk_wake_up_all/one, umk_complete,
 *   umk_complete_all, umk_sem_up, umk_sem_trydown, umk_mutex_trylock,
 *   umk_timer_arm/cancel/pending, umk_time_ns, umk_time_ns_exact,
 *   umk_printk, umk_snprintf, the spinlocks, umk_kmalloc/umk_kfree.
 * Task context only, with interrupts enabled and no spinlock held (they
 * may sleep): umk_schedule, umk_schedule_timeout, umk_wait_event*,
 * umk_mutex_lock*, umk_mutex_unlock, umk_sem_down*,
 * umk_wait_for_completion*, umk_sleep_ns, umk_task_join*,
 * umk_task_exit, and the blocking I/O calls.
 *
 * With CONFIG_DEBUG_KERNEL every sleeping function starts with
 * umk_might_sleep(), which panics, naming the caller's file and line,
 * when called from IRQ context, with interrupts masked, with a spinlock
 * held or from an idle task. Without it the check compiles to nothing.
 */
#ifdef CONFIG_DEBUG_KERNEL
void umk__might_sleep(const char *file, int line);
#define umk_might_sleep() umk__might_sleep(__FILE__, __LINE__)
#else
#define umk_might_sleep() do { } while (0)
#endif

#endif
