/*
 * Timers: a hierarchical timing wheel per CPU, expired from the clock IRQ,
 * with the host clock programmed one-shot for the earliest deadline only
 * (tickless: an idle CPU with no timers sleeps in the host indefinitely).
 *
 * Time is counted in units of 2^WHEEL_UNIT_SHIFT ns (65.5 us). The wheel
 * has WHEEL_LEVELS levels of 64 slots. wheel->clk is the unit the wheel
 * has advanced to; a timer due in unit idx = expires >> WHEEL_UNIT_SHIFT
 * is placed by its distance d = idx - clk:
 *
 *   level 0, slot idx % 64             if d < 64 (or the timer is overdue)
 *   level L, slot (idx >> 6L) % 64     if 64^L <= d < 64^(L+1)
 *
 * Arming and cancelling are a list insert or delete plus a bit in the
 * level's occupancy mask: O(1). When clk reaches a multiple of 64^L, the
 * level-L slot for the new clk is "cascaded": its timers are placed again,
 * now nearer, at lower levels. Eight levels of six bits over 16 bits of
 * unit cover the whole 64-bit nanosecond range.
 *
 * Expiry is exact, not per slot: a timer fires once the clock has reached
 * its expires, and due timers fire in order of expires (ties in arming
 * order). The clock is advanced in jumps from one occupied slot or
 * cascade point to the next, found from the masks, so a long idle period
 * costs a few steps, not one per unit.
 *
 * Timer slack (CONFIG_HZ_SLACK_US): the clock event is programmed at the
 * earliest deadline plus the slack, and arming does not reprogram the host
 * clock when the new deadline is within the slack of the programmed one.
 * Timers due within that window share one clock event; none fires early,
 * each at most the slack late.
 *
 * Locking: each wheel has a spinlock, taken with interrupts masked. A timer
 * is armed on the wheel of the CPU that arms it (t->cpu says which);
 * callbacks run on that CPU, in IRQ context, without the lock held, so
 * they may arm and cancel timers. Arming and cancelling one timer must be
 * serialised by its user (e.g. by being done by one task).
 */
#include <umk/time.h>
#include <umk/cpu.h>
#include <umk/init.h>
#include <umk/irq.h>
#include <umk/printk.h>
#include <umk/spinlock.h>
#include "core/timer.h"
#include "arch/um/arch.h"

#define WHEEL_UNIT_SHIFT 16
#define WHEEL_BITS 6
#define WHEEL_SLOTS (1U << WHEEL_BITS)
#define WHEEL_LEVELS 8
#define WHEEL_NEVER (~0ULL)
#define WHEEL_SLACK_NS ((unsigned long long)CONFIG_HZ_SLACK_US * 1000ULL)

/* umk_timer.flags: where the timer is queued. */
#define TIMER_IN_WHEEL 0x1000u   /* in a slot; low bits: level * 64 + slot */
#define TIMER_IN_EXPIRED 0x2000u /* due, on wheel->expired, about to run */
#define TIMER_SLOT_MASK 0x01ffu

struct timer_wheel {
	umk_spinlock_t lock;
	unsigned int cpu;
	bool in_run;                     /* umk_timer_run() is expiring */
	unsigned long long clk;          /* unit the wheel has advanced to */
	unsigned long long next_expiry;  /* lower bound of the earliest timer */
	unsigned long long programmed;   /* host clock event, 0: none */
	struct umk_timer *running;       /* callback running now */
	struct umk_list_head expired;    /* due timers, in firing order */
	unsigned long long occupied[WHEEL_LEVELS]; /* bit per non-empty slot */
	struct umk_list_head slots[WHEEL_LEVELS][WHEEL_SLOTS];
} UMK_ALIGNED(UMK_CACHELINE);

static struct timer_wheel timer_wheels[UMK_NR_CPUS];

static inline unsigned long long wheel_ror(unsigned long long x, unsigned int n)
{
	n &= 63;
	return n ? (x >> n) | (x << (64 - n)) : x;
}

static struct timer_wheel *wheel_this(void)
{
	return &timer_wheels[umk_smp_processor_id()];
}

UMK_INTERNAL void umk_timer_cpu_init(unsigned int cpu)
{
	struct timer_wheel *w = &timer_wheels[cpu];
	unsigned int l, s;

	umk_spin_lock_init(&w->lock);
	w->cpu = cpu;
	w->in_run = false;
	w->clk = umk_cpus[cpu].now_ns >> WHEEL_UNIT_SHIFT;
	w->next_expiry = WHEEL_NEVER;
	w->programmed = 0;
	w->running = NULL;
	umk_list_init(&w->expired);
	for (l = 0; l < WHEEL_LEVELS; l++) {
		w->occupied[l] = 0;
		for (s = 0; s < WHEEL_SLOTS; s++)
			umk_list_init(&w->slots[l][s]);
	}
}

/* Queue t in the slot its expiry and the wheel's clk call for. */
static void wheel_place(struct timer_wheel *w, struct umk_timer *t)
{
	unsigned long long idx = t->expires >> WHEEL_UNIT_SHIFT;
	unsigned int level = 0, slot;

	if (idx <= w->clk) {
		slot = (unsigned int)(w->clk & (WHEEL_SLOTS - 1));
	} else {
		unsigned long long d = idx - w->clk;

		if (d >= WHEEL_SLOTS)
			level = (unsigned int)(63 - __builtin_clzll(d)) / WHEEL_BITS;
		if (level >= WHEEL_LEVELS)
			level = WHEEL_LEVELS - 1;
		slot = (unsigned int)((idx >> (level * WHEEL_BITS)) &
				      (WHEEL_SLOTS - 1));
	}
	umk_list_add_tail(&t->node, &w->slots[level][slot]);
	w->occupied[level] |= 1ULL << slot;
	t->flags = TIMER_IN_WHEEL | (level << WHEEL_BITS) | slot;
}

static void wheel_unlink(struct timer_wheel *w, struct umk_timer *t)
{
	umk_list_del(&t->node);
	if (t->flags & TIMER_IN_WHEEL) {
		unsigned int level = (t->flags & TIMER_SLOT_MASK) >> WHEEL_BITS;
		unsigned int slot = t->flags & (WHEEL_SLOTS - 1);

		if (umk_list_empty(&w->slots[level][slot]))
			w->occupied[level] &= ~(1ULL << slot);
	}
	t->flags = 0;
}

/* Re-place the timers of the level-L slots whose turn has come at clk. */
static void wheel_cascade(struct timer_wheel *w)
{
	unsigned int level;

	for (level = 1; level < WHEEL_LEVELS; level++) {
		unsigned int shift = level * WHEEL_BITS;
		unsigned int slot;
		struct umk_list_head moving, *pos, *n;

		if (w->clk & ((1ULL << shift) - 1))
			break;
		slot = (unsigned int)((w->clk >> shift) & (WHEEL_SLOTS - 1));
		if (!(w->occupied[level] & (1ULL << slot)))
			continue;
		/* Splice the slot out, then place each timer again. */
		moving = w->slots[level][slot];
		moving.next->prev = &moving;
		moving.prev->next = &moving;
		umk_list_init(&w->slots[level][slot]);
		w->occupied[level] &= ~(1ULL << slot);
		umk_list_for_each_safe(pos, n, &moving)
			wheel_place(w, umk_list_entry(pos, struct umk_timer, node));
	}
}

/*
 * Move the due timers of the current level-0 slot to wheel->expired,
 * keeping that list sorted by expires (stable: equal keys keep order).
 */
static void wheel_collect_slot(struct timer_wheel *w, unsigned long long now)
{
	unsigned int slot = (unsigned int)(w->clk & (WHEEL_SLOTS - 1));
	struct umk_list_head *head = &w->slots[0][slot], *pos, *n;

	umk_list_for_each_safe(pos, n, head) {
		struct umk_timer *t = umk_list_entry(pos, struct umk_timer, node);
		struct umk_list_head *after = w->expired.prev;

		if (t->expires > now)
			continue;
		umk_list_del(&t->node);
		while (after != &w->expired &&
		       umk_list_entry(after, struct umk_timer, node)->expires >
			       t->expires)
			after = after->prev;
		umk__list_add(&t->node, after, after->next);
		t->flags = TIMER_IN_EXPIRED;
	}
	if (umk_list_empty(head))
		w->occupied[0] &= ~(1ULL << slot);
}

/*
 * The next unit after clk at which something happens: an occupied
 * level-0 slot comes due, or an occupied slot of a higher level is
 * cascaded. At most limit.
 */
static unsigned long long wheel_next_clk(struct timer_wheel *w,
					 unsigned long long limit)
{
	unsigned long long best = limit, r;
	unsigned int level;

	/* Level 0, units clk+1 .. clk+63 (clk's own slot was just done). */
	r = wheel_ror(w->occupied[0], (unsigned int)(w->clk + 1)) & ~(1ULL << 63);
	if (r)
		best = UMK_MIN(best, w->clk + 1 + (unsigned)__builtin_ctzll(r));
	for (level = 1; level < WHEEL_LEVELS; level++) {
		unsigned int shift = level * WHEEL_BITS;
		unsigned long long cur = w->clk >> shift;

		r = wheel_ror(w->occupied[level], (unsigned int)(cur + 1));
		if (r)
			best = UMK_MIN(best, (cur + 1 + (unsigned)__builtin_ctzll(r))
						     << shift);
	}
	return best;
}

/* Advance clk to now, collecting every due timer in order. */
static void wheel_advance(struct timer_wheel *w, unsigned long long now)
{
	unsigned long long target = now >> WHEEL_UNIT_SHIFT;

	if (target < w->clk)
		target = w->clk;
	for (;;) {
		wheel_collect_slot(w, now);
		if (w->clk == target)
			break;
		w->clk = wheel_next_clk(w, target);
		wheel_cascade(w);
	}
}

/*
 * Earliest moment the wheel needs the clock: the exact earliest expiry in
 * the first occupied level-0 slot, or the first cascade point of a higher
 * level (whose timers are not sorted; cascading brings them nearer).
 */
static unsigned long long wheel_next_deadline(struct timer_wheel *w)
{
	unsigned long long best = WHEEL_NEVER, r;
	unsigned int level;

	r = wheel_ror(w->occupied[0], (unsigned int)w->clk);
	if (r) {
		unsigned int slot = (unsigned int)((w->clk + (unsigned)__builtin_ctzll(r)) &
						   (WHEEL_SLOTS - 1));
		struct umk_timer *t;

		umk_list_for_each_entry(t, &w->slots[0][slot], node)
			best = UMK_MIN(best, t->expires);
	}
	for (level = 1; level < WHEEL_LEVELS; level++) {
		unsigned int shift = level * WHEEL_BITS;
		unsigned long long cur = w->clk >> shift, unit;

		r = wheel_ror(w->occupied[level], (unsigned int)(cur + 1));
		if (!r)
			continue;
		unit = (cur + 1 + (unsigned)__builtin_ctzll(r)) << shift;
		if (unit < (WHEEL_NEVER >> WHEEL_UNIT_SHIFT))
			best = UMK_MIN(best, unit << WHEEL_UNIT_SHIFT);
	}
	return best;
}

/* deadline + slack, saturating below WHEEL_NEVER. */
static unsigned long long wheel_slacked(unsigned long long deadline)
{
	unsigned long long e = deadline + WHEEL_SLACK_NS;

	return e < deadline || e == WHEEL_NEVER ? WHEEL_NEVER - 1 : e;
}

static void wheel_program(struct timer_wheel *w, unsigned long long deadline)
{
	unsigned long long event = 0;

	if (deadline != WHEEL_NEVER)
		event = wheel_slacked(deadline);
	if (event == w->programmed)
		return;
	w->programmed = event;
	umk_arch_clock_program(event);
}

void umk_timer_init(struct umk_timer *t, umk_timer_fn fn, void *data)
{
	umk_list_init(&t->node);
	t->expires = 0;
	t->fn = fn;
	t->data = data;
	t->cpu = -1;
	t->flags = 0;
}

bool umk_timer_pending(const struct umk_timer *t)
{
	return UMK_READ_ONCE(t->flags) & (TIMER_IN_WHEEL | TIMER_IN_EXPIRED);
}

/*
 * Take t off whatever wheel it is on. Returns whether it was pending;
 * *running is set when its callback is running on that wheel's CPU.
 */
static bool timer_detach(struct umk_timer *t, bool *running, unsigned int *on)
{
	for (;;) {
		int cpu = UMK_READ_ONCE(t->cpu);
		struct timer_wheel *w;
		unsigned long flags;
		bool was;

		*running = false;
		if (cpu < 0)
			return false;
		w = &timer_wheels[cpu];
		flags = umk_spin_lock_irqsave(&w->lock);
		if (t->cpu != cpu) { /* moved while we took the lock */
			umk_spin_unlock_irqrestore(&w->lock, flags);
			continue;
		}
		was = t->flags & (TIMER_IN_WHEEL | TIMER_IN_EXPIRED);
		if (was)
			wheel_unlink(w, t);
		*running = w->running == t;
		*on = (unsigned int)cpu;
		umk_spin_unlock_irqrestore(&w->lock, flags);
		return was;
	}
}

void umk_timer_arm(struct umk_timer *t, unsigned long long expires_ns)
{
	struct timer_wheel *w;
	unsigned long flags;
	unsigned int on = 0;
	bool running;

	if (!t->fn)
		umk_panic("timer: arming %p without a callback", (void *)t);
	if (t->flags)
		timer_detach(t, &running, &on);
	umk_preempt_disable(); /* stay on this CPU's wheel */
	w = wheel_this();
	flags = umk_spin_lock_irqsave(&w->lock);
	t->expires = expires_ns;
	UMK_WRITE_ONCE(t->cpu, (int)w->cpu);
	wheel_place(w, t);
	if (expires_ns < w->next_expiry)
		w->next_expiry = expires_ns;
	/* Within the slack of the programmed event: let it fire then. */
	if (!w->in_run &&
	    (!w->programmed || wheel_slacked(expires_ns) < w->programmed))
		wheel_program(w, expires_ns);
	umk_spin_unlock_irqrestore(&w->lock, flags);
	umk_preempt_enable();
}

/*
 * Also waits for a callback of t running on another CPU to finish, so
 * after it returns t's callback neither runs nor will (unless re-armed),
 * and t may be freed. Do not call it holding a lock the callback takes.
 */
bool umk_timer_cancel(struct umk_timer *t)
{
	unsigned int on = 0;
	bool running, was = timer_detach(t, &running, &on);

	if (running && on != umk_smp_processor_id()) {
		struct timer_wheel *w = &timer_wheels[on];

		while (__atomic_load_n(&w->running, __ATOMIC_ACQUIRE) == t)
			umk_cpu_relax();
	}
	return was;
}

UMK_INTERNAL void umk_timer_run(void)
{
	struct timer_wheel *w = wheel_this();
	unsigned long long now = umk_this_cpu()->now_ns;
	unsigned long flags;

	flags = umk_spin_lock_irqsave(&w->lock);
	if (w->in_run) { /* re-entered from a callback: the outer run goes on */
		umk_spin_unlock_irqrestore(&w->lock, flags);
		return;
	}
	if (now >= w->next_expiry) {
		w->in_run = true;
		wheel_advance(w, now);
		while (!umk_list_empty(&w->expired)) {
			struct umk_timer *t = umk_list_first_entry(
				&w->expired, struct umk_timer, node);

			wheel_unlink(w, t);
			UMK_WRITE_ONCE(w->running, t); /* polled by cancel */
			umk_spin_unlock_irqrestore(&w->lock, flags);
			t->fn(t);
			flags = umk_spin_lock_irqsave(&w->lock);
			__atomic_store_n(&w->running, NULL, __ATOMIC_RELEASE);
		}
		w->in_run = false;
		w->next_expiry = wheel_next_deadline(w);
	}
	wheel_program(w, w->next_expiry);
	umk_spin_unlock_irqrestore(&w->lock, flags);
}

/* The host clock event fired: it is disarmed until programmed again. */
static void timer_clock_irq(unsigned int irq, void *data)
{
	struct timer_wheel *w = wheel_this();
	unsigned long flags;

	(void)irq;
	(void)data;
	flags = umk_spin_lock_irqsave(&w->lock);
	w->programmed = 0;
	umk_spin_unlock_irqrestore(&w->lock, flags);
	umk_clock_refresh();
	umk_timer_run();
}

static int timer_init(void)
{
	return umk_request_irq(UMK_IRQ_CLOCK, timer_clock_irq, NULL);
}
umk_core_initcall(timer_init);
