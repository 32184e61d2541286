/*
 * IRQ lines and their dispatch. The arch layer turns host events into
 * calls of umk_do_irq() on the CPU that saw them, from its idle loop or a
 * scheduling point; this file finds the handler and runs it in IRQ
 * context: in_irq counted up and interrupts masked, so a handler cannot
 * be re-entered on this CPU and knows it must not sleep.
 */
#include <umk/irq.h>
#include <umk/cpu.h>
#include <umk/errno.h>
#include <umk/printk.h>
#include <umk/spinlock.h>
#include "core/task.h"
#include "core/cpu.h"

struct irq_desc {
	umk_irq_handler_t fn;
	void *data;
	unsigned long long count;
};

static struct irq_desc irq_table[UMK_NR_IRQS];
static umk_spinlock_t irq_table_lock = UMK_SPINLOCK_INIT;

int umk_request_irq(unsigned int irq, umk_irq_handler_t fn, void *data)
{
	unsigned long flags;
	int ret = 0;

	if (irq >= UMK_NR_IRQS || !fn)
		return -UMK_EINVAL;
	flags = umk_spin_lock_irqsave(&irq_table_lock);
	if (irq_table[irq].fn) {
		ret = -UMK_EBUSY;
	} else {
		irq_table[irq].data = data;
		/* fn last: dispatch reads fn, then data */
		__atomic_store_n(&irq_table[irq].fn, fn, __ATOMIC_RELEASE);
	}
	umk_spin_unlock_irqrestore(&irq_table_lock, flags);
	return ret;
}

void umk_free_irq(unsigned int irq)
{
	unsigned long flags;

	if (irq >= UMK_NR_IRQS)
		return;
	flags = umk_spin_lock_irqsave(&irq_table_lock);
	__atomic_store_n(&irq_table[irq].fn, NULL, __ATOMIC_RELEASE);
	umk_spin_unlock_irqrestore(&irq_table_lock, flags);
}

unsigned long long umk_irq_count(unsigned int irq)
{
	if (irq >= UMK_NR_IRQS)
		return 0;
	return __atomic_load_n(&irq_table[irq].count, __ATOMIC_RELAXED);
}

UMK_INTERNAL unsigned long umk_irq_enter(void)
{
	struct umk_cpu *cpu = umk_this_cpu();
	unsigned long flags = (unsigned long)cpu->irqs_off;

	cpu->irqs_off = 1;
	cpu->in_irq++;
	umk_barrier();
	return flags;
}

UMK_INTERNAL void umk_irq_exit(unsigned long flags)
{
	struct umk_cpu *cpu = umk_this_cpu();

	umk_barrier();
	cpu->in_irq--;
	cpu->irqs_off = (int)flags;
}

UMK_INTERNAL void umk_do_irq(unsigned int irq)
{
	umk_irq_handler_t fn;
	unsigned long flags;

	if (irq >= UMK_NR_IRQS)
		umk_panic("irq: line %u out of range", irq);
	__atomic_fetch_add(&irq_table[irq].count, 1, __ATOMIC_RELAXED);
	fn = __atomic_load_n(&irq_table[irq].fn, __ATOMIC_ACQUIRE);
	if (!fn)
		return; /* nobody asked for it: counted, then dropped */
	flags = umk_irq_enter();
	fn(irq, irq_table[irq].data);
	umk_irq_exit(flags);
}

#ifdef CONFIG_DEBUG_KERNEL
/* Masked while it looks, so that the CPU it reads stays the one it is on. */
void umk__might_sleep(const char *file, int line)
{
	unsigned long flags = umk_local_irq_save();
	struct umk_cpu *cpu = umk_this_cpu();
	struct umk_task *t = cpu->curr;
	const char *why = NULL;

	if (cpu->in_irq)
		why = "in IRQ context";
	else if (flags)
		why = "with interrupts masked";
	else if (t && t == cpu->idle)
		why = "from the idle task";
	else if (t && t->preempt_count > 0)
		why = "with a spinlock held or preemption disabled";
	umk_local_irq_restore(flags);
	if (why)
		umk_panic("sleeping function called %s at %s:%d", why, file,
			  line);
}
#endif
