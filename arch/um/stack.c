/*
 * Task stacks: a pool of fixed-size stacks, each with a PROT_NONE guard
 * page below it, mapped from the host in chunks.
 *
 * A chunk is one reservation: a header page (the chunk's bookkeeping),
 * then nr_slots slots of [guard page][stack]. Slots are made accessible
 * the first time they are handed out, so a chunk costs address space, not
 * memory. A freed stack goes to the warm list (memory kept, reused first)
 * while it holds fewer than CONFIG_STACK_POOL_SIZE stacks; beyond that its
 * memory goes back to the host (MADV_DONTNEED) and it waits on the cold
 * list, still mapped, so the address range stays ours and the fault
 * handler can always tell a guard page from anything else. mmap+munmap of
 * a stack would cost ~24 us here; a warm reuse costs no system call.
 *
 * Free stacks are linked through their lowest word; the lowest page is
 * kept when a stack goes cold so the link survives.
 *
 * In front of the pool, each CPU keeps its last STACK_CPU_CACHE freed
 * stacks for its next task, touched only with IRQs masked on that CPU
 * (which keeps the task there) instead of under the pool's lock: a task
 * spawned and reaped on one CPU costs no atomic operation here. They
 * count on top of CONFIG_STACK_POOL_SIZE; a pool of 0 disables them too.
 */
#include <sys/mman.h>
#include <unistd.h>

#include <umk/config.h>
#include <umk/cpu.h>
#include <umk/errno.h>
#include <umk/printk.h>
#include <umk/spinlock.h>
#include "arch/um/host.h"

#if UMK_UM_VALGRIND
#include <valgrind/memcheck.h>
#include <valgrind/valgrind.h>
#endif
#if UMK_UM_ASAN
#include <sanitizer/asan_interface.h>
#endif
#if UMK_UM_TSAN
#include <sanitizer/tsan_interface.h>
#endif

/* Address space per chunk: a few slots, at least one. */
#define STACK_CHUNK_BYTES (2UL << 20)
#define STACK_CHUNK_MAX_SLOTS 256

struct stack_chunk {
	struct stack_chunk *next; /* older chunk */
	unsigned long base;	  /* first slot (its guard page) */
	unsigned int nr_slots;
	unsigned int next_fresh; /* slots from here on were never used */
	unsigned int vg_id[STACK_CHUNK_MAX_SLOTS]; /* valgrind stack ids */
#if UMK_UM_TSAN
	void *tsan_fiber[STACK_CHUNK_MAX_SLOTS]; /* see umk_um_stack_fiber */
#endif
};

struct stack_free {
	struct stack_free *next;
};

static struct stack_chunk *stack_chunks; /* newest first */
static struct stack_free *stack_warm, *stack_cold;
static unsigned int stack_nr_warm;
static umk_spinlock_t stack_lock = UMK_SPINLOCK_INIT;
static unsigned long stack_page, stack_usable, stack_slot;

#define STACK_CPU_SLOTS 2
#define STACK_CPU_CACHE (CONFIG_STACK_POOL_SIZE ? STACK_CPU_SLOTS : 0)

struct stack_cpu_cache {
	unsigned int nr;
	void *stack[STACK_CPU_SLOTS];
};

static struct stack_cpu_cache stack_cpu_caches[UMK_NR_CPUS];

static void *stack_cpu_take(void)
{
	unsigned long flags = umk_local_irq_save();
	struct stack_cpu_cache *c = &stack_cpu_caches[umk_smp_processor_id()];
	void *s = c->nr ? c->stack[--c->nr] : NULL;

	umk_local_irq_restore(flags);
	return s;
}

static bool stack_cpu_keep(void *s)
{
	unsigned long flags = umk_local_irq_save();
	struct stack_cpu_cache *c = &stack_cpu_caches[umk_smp_processor_id()];
	bool kept = c->nr < STACK_CPU_CACHE;

	if (kept)
		c->stack[c->nr++] = s;
	umk_local_irq_restore(flags);
	return kept;
}

static void stack_geometry(void)
{
	stack_page = (unsigned long)sysconf(_SC_PAGESIZE);
	stack_usable = UMK_ALIGN_UP((unsigned long)CONFIG_STACK_SIZE_KB * 1024,
				    stack_page);
	stack_slot = stack_page + stack_usable;
}

static struct stack_chunk *stack_map_chunk(void)
{
	unsigned long slots = STACK_CHUNK_BYTES / stack_slot;
	unsigned long len;
	struct stack_chunk *c;
	void *p;

	slots = UMK_MAX(slots, 1UL);
	slots = UMK_MIN(slots, (unsigned long)STACK_CHUNK_MAX_SLOTS);
	len = stack_page + slots * stack_slot;
	UMK_STATIC_ASSERT(sizeof(struct stack_chunk) <= 4096,
			  "chunk header must fit its page");
	p = mmap(NULL, len, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (mprotect(p, stack_page, PROT_READ | PROT_WRITE)) {
		munmap(p, len);
		return NULL;
	}
	c = p;
	c->base = (unsigned long)p + stack_page;
	c->nr_slots = (unsigned int)slots;
	c->next_fresh = 0;
	c->next = stack_chunks;
	/* The fault handler walks the list without the lock. */
	__atomic_store_n(&stack_chunks, c, __ATOMIC_RELEASE);
	return c;
}

/* A never-used slot: make its stack part accessible. Lock held. */
static void *stack_take_fresh(void)
{
	struct stack_chunk *c = stack_chunks;
	unsigned long s;

	if (!c || c->next_fresh == c->nr_slots)
		c = stack_map_chunk();
	if (!c)
		return NULL;
	s = c->base + c->next_fresh * stack_slot + stack_page;
	if (mprotect((void *)s, stack_usable, PROT_READ | PROT_WRITE))
		return NULL;
	c->next_fresh++;
	return (void *)s;
}

static struct stack_chunk *stack_chunk_of(unsigned long addr)
{
	struct stack_chunk *c =
		__atomic_load_n(&stack_chunks, __ATOMIC_ACQUIRE);

	for (; c; c = c->next)
		if (addr >= c->base &&
		    addr < c->base + c->nr_slots * stack_slot)
			return c;
	return NULL;
}

UMK_INTERNAL int umk_um_stack_find(unsigned long addr, unsigned long *lo,
				   unsigned long *hi)
{
	struct stack_chunk *c = stack_chunk_of(addr);
	unsigned long slot;

	if (!c)
		return 0;
	slot = c->base + (addr - c->base) / stack_slot * stack_slot;
	*lo = slot + stack_page;
	*hi = *lo + stack_usable;
	return addr < *lo ? 1 : 2;
}

#if UMK_UM_TSAN
UMK_INTERNAL void *umk_um_stack_fiber(void *stack)
{
	struct stack_chunk *c = stack_chunk_of((unsigned long)stack);

	return c->tsan_fiber[((unsigned long)stack - c->base) / stack_slot];
}
#endif

static void stack_announce(void *s, int alloc)
{
#if UMK_UM_VALGRIND
	if (RUNNING_ON_VALGRIND) {
		struct stack_chunk *c = stack_chunk_of((unsigned long)s);
		unsigned long i = ((unsigned long)s - c->base) / stack_slot;

		if (alloc) {
			c->vg_id[i] = VALGRIND_STACK_REGISTER(
				s, (char *)s + stack_usable);
			/* The last owner's popped frames were left noaccess. */
			VALGRIND_MAKE_MEM_UNDEFINED(s, stack_usable);
		} else {
			VALGRIND_STACK_DEREGISTER(c->vg_id[i]);
		}
	}
#endif
#if UMK_UM_ASAN
	/* A task that exited mid-stack left its frames' redzones poisoned. */
	if (alloc)
		ASAN_UNPOISON_MEMORY_REGION(s, stack_usable);
#endif
#if UMK_UM_TSAN
	{
		struct stack_chunk *c = stack_chunk_of((unsigned long)s);
		unsigned long i = ((unsigned long)s - c->base) / stack_slot;

		if (alloc) {
			c->tsan_fiber[i] = __tsan_create_fiber(0);
		} else {
			__tsan_destroy_fiber(c->tsan_fiber[i]);
			c->tsan_fiber[i] = NULL;
		}
	}
#endif
	(void)s;
	(void)alloc;
}

/* A stack from the pool's lists, else a never-used slot. */
static void *stack_pool_take(void)
{
	struct stack_free *f;
	void *s;

	umk_spin_lock(&stack_lock);
	if (!stack_slot)
		stack_geometry();
	if ((f = stack_warm)) {
		stack_warm = f->next;
		stack_nr_warm--;
	} else if ((f = stack_cold)) {
		stack_cold = f->next;
	}
	s = f ? (void *)f : stack_take_fresh();
	umk_spin_unlock(&stack_lock);
	return s;
}

UMK_INTERNAL void *umk_arch_stack_alloc(unsigned long *size)
{
	void *s = stack_cpu_take();

	if (!s && !(s = stack_pool_take()))
		return NULL;
	stack_announce(s, 1);
	*size = stack_usable;
	return s;
}

UMK_INTERNAL void umk_arch_stack_free(void *stack)
{
	struct stack_free *f = stack;
	unsigned long lo = 0, hi;

	if (!stack)
		return;
	/* A wrong pointer here would corrupt the free lists (a list walk). */
	if (UMK_IS_ENABLED(CONFIG_DEBUG_KERNEL) &&
	    (umk_um_stack_find((unsigned long)stack, &lo, &hi) != 2 ||
	     lo != (unsigned long)stack))
		umk_panic("umk_arch_stack_free: %p is not a task stack", stack);
	stack_announce(stack, 0);
	if (stack_cpu_keep(stack))
		return;
	umk_spin_lock(&stack_lock);
	if (stack_nr_warm < CONFIG_STACK_POOL_SIZE) {
		f->next = stack_warm;
		stack_warm = f;
		stack_nr_warm++;
		umk_spin_unlock(&stack_lock);
		return;
	}
	umk_spin_unlock(&stack_lock);
	/* Give the memory back, all but the page holding the link. */
	madvise((char *)stack + stack_page, stack_usable - stack_page,
		MADV_DONTNEED);
	umk_spin_lock(&stack_lock);
	f->next = stack_cold;
	stack_cold = f;
	umk_spin_unlock(&stack_lock);
}
