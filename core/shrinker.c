/*
 * Shrinkers: subsystems that hold memory they could give back (empty slabs,
 * caches, vm pages) register one. When the page allocator cannot satisfy a
 * request it calls umk_shrink_memory(), which asks each shrinker in turn
 * until enough pages came back, and then retries once.
 *
 * Shrinkers run with a spinlock held and possibly in IRQ context: scan
 * must not sleep. A scan that allocates and fails does not recurse into
 * the shrinkers (the CPU already shrinking is remembered).
 */
#include <umk/config.h>
#include <umk/cpu.h>
#include <umk/mm.h>
#include <umk/spinlock.h>
#include "core/page.h"

static struct umk_shrinker *shrinker_list;
static umk_spinlock_t shrinker_lock = UMK_SPINLOCK_INIT;
static unsigned int shrinker_busy_cpu; /* CPU id + 1 while scanning */
static unsigned long shrinker_pages_freed;

void umk_register_shrinker(struct umk_shrinker *s)
{
	unsigned long irqs = umk_spin_lock_irqsave(&shrinker_lock);

	s->next = shrinker_list;
	shrinker_list = s;
	umk_spin_unlock_irqrestore(&shrinker_lock, irqs);
}

void umk_unregister_shrinker(struct umk_shrinker *s)
{
	unsigned long irqs = umk_spin_lock_irqsave(&shrinker_lock);
	struct umk_shrinker **pp;

	for (pp = &shrinker_list; *pp; pp = &(*pp)->next) {
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	}
	s->next = NULL;
	umk_spin_unlock_irqrestore(&shrinker_lock, irqs);
}

static unsigned long shrinker_scan_all(unsigned long nr)
{
	unsigned long freed = 0;
	struct umk_shrinker *s;

	for (s = shrinker_list; s && freed < nr; s = s->next) {
		if (s->count && s->count(s) == 0)
			continue;
		freed += s->scan(s, nr - freed);
	}
	return freed;
}

unsigned long umk_shrink_memory(unsigned long nr)
{
	unsigned long irqs = umk_local_irq_save(), freed;
	unsigned int me = umk_smp_processor_id() + 1;

	if (UMK_READ_ONCE(shrinker_busy_cpu) == me) {
		umk_local_irq_restore(irqs);
		return 0; /* a shrinker's own allocation failed */
	}
	umk_spin_lock(&shrinker_lock);
	shrinker_busy_cpu = me;
	freed = shrinker_scan_all(nr);
	shrinker_pages_freed += freed;
	shrinker_busy_cpu = 0;
	umk_spin_unlock(&shrinker_lock);
	umk_local_irq_restore(irqs);
	return freed;
}

UMK_INTERNAL unsigned long umk_shrinker_pages_freed(void)
{
	return UMK_READ_ONCE(shrinker_pages_freed);
}
