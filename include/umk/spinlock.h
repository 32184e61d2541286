/*
 * Spinlocks. On CONFIG_SMP builds they are real test-and-test-and-set
 * locks; on one CPU they only disable preemption. Holders must not sleep.
 */
#ifndef UMK_SPINLOCK_H
#define UMK_SPINLOCK_H

#include <umk/config.h>
#include <umk/cpu.h>

static inline void umk_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ __volatile__("pause" ::: "memory");
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#else
	umk_barrier();
#endif
}

#ifdef CONFIG_SMP
/* Spins before giving the host CPU away (about 10-40 us of pause). */
#define UMK_SPIN_YIELD_AFTER 1024
/* Let the host run another thread (sched_yield); arch/um/smp.c. */
void umk_spin_yield_host(void);
#endif

void umk_preempt_disable(void);
void umk_preempt_enable(void);

typedef struct {
#ifdef CONFIG_SMP
	int locked;
#endif
} umk_spinlock_t;

#ifdef CONFIG_SMP
#define UMK_SPINLOCK_INIT { 0 }
#else
#define UMK_SPINLOCK_INIT { }
#endif

static inline void umk_spin_lock_init(umk_spinlock_t *l)
{
	*l = (umk_spinlock_t)UMK_SPINLOCK_INIT;
}

#ifdef CONFIG_SMP
/*
 * Spin until l is seen free (acquire: what its holder wrote under it is
 * visible). Our CPUs are host threads: a long wait usually means the
 * holder's thread was descheduled by the host, and spinning on keeps it
 * off the host CPU it needs.
 */
static inline void umk__spin_until_free(umk_spinlock_t *l)
{
	unsigned int spins = 0;

	while (__atomic_load_n(&l->locked, __ATOMIC_ACQUIRE)) {
		if (umk_unlikely(++spins == UMK_SPIN_YIELD_AFTER)) {
			umk_spin_yield_host();
			spins = 0;
		} else {
			umk_cpu_relax();
		}
	}
}
#endif

static inline void umk_raw_spin_lock(umk_spinlock_t *l)
{
#ifdef CONFIG_SMP
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		umk__spin_until_free(l);
#else
	(void)l;
#endif
}

static inline bool umk_raw_spin_trylock(umk_spinlock_t *l)
{
#ifdef CONFIG_SMP
	return !__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE);
#else
	(void)l;
	return true;
#endif
}

/*
 * Wait until nobody holds l, without taking it: for the last user of an
 * object that may still be inside a critical section begun before the
 * object became unreachable (nobody can take l anew). What that holder
 * wrote under l is visible afterwards. Costs no atomic write.
 */
static inline void umk_spin_unlock_wait(umk_spinlock_t *l)
{
#ifdef CONFIG_SMP
	umk__spin_until_free(l);
#else
	(void)l;
#endif
}

static inline void umk_raw_spin_unlock(umk_spinlock_t *l)
{
#ifdef CONFIG_SMP
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
#else
	(void)l;
#endif
}

static inline void umk_spin_lock(umk_spinlock_t *l)
{
	umk_preempt_disable();
	umk_raw_spin_lock(l);
}

static inline bool umk_spin_trylock(umk_spinlock_t *l)
{
	umk_preempt_disable();
	if (umk_raw_spin_trylock(l))
		return true;
	umk_preempt_enable();
	return false;
}

static inline void umk_spin_unlock(umk_spinlock_t *l)
{
	umk_raw_spin_unlock(l);
	umk_preempt_enable();
}

/*
 * Also masks IRQs on this CPU: use when an IRQ handler takes the lock.
 * The preemption count is left alone: masked IRQs already keep the
 * preemption tick away (it ignores a CPU with irqs_off), and nothing can
 * act on a pending reschedule before the restore anyway. That saves two
 * out-of-line calls on every wake-up, wait-queue and task-list lock.
 * So pair it with umk_spin_unlock_irqrestore(), not umk_spin_unlock(),
 * and under a bare umk_local_irq_save() take a lock with
 * umk_raw_spin_lock().
 */
static inline unsigned long umk_spin_lock_irqsave(umk_spinlock_t *l)
{
	unsigned long flags = umk_local_irq_save();
	umk_raw_spin_lock(l);
	return flags;
}

static inline void umk_spin_unlock_irqrestore(umk_spinlock_t *l,
					      unsigned long flags)
{
	umk_raw_spin_unlock(l);
	umk_local_irq_restore(flags);
}

#endif
