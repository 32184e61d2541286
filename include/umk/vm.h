/*
 * Virtual memory: address spaces (struct umk_mm) made of mappings, with
 * zero-fill-on-demand memory, protection, copy-on-write fork and per-mm
 * accounting. Implemented by optional/vm: the full version (CONFIG_VM)
 * or the no-MMU stub (CONFIG_VM_NOMMU, nommu.c), behind this one API.
 *
 * Addresses are plain pointers: a task reads and writes its mappings
 * directly. With CONFIG_VM every address space owns its own window of
 * host virtual addresses (all windows live in one host process), so a
 * task of any address space runs on any CPU without a remap; the price is
 * that a fork child sees its copy of parent address A at a different
 * address, umk_mm_translate(child, parent, A).
 *
 * Faults: with CONFIG_VM the first touch of a page maps it. A touch outside
 * any mapping or against its protection is an error of the task, never a
 * crash of the kernel: inside umk_vm_try() it ends the protected function
 * and umk_vm_try() returns the error; anywhere else the task is ended with
 * exit code -UMK_EFAULT and a log line saying where it faulted. The stub
 * has no fault handling at all: a bad access there is a host crash.
 *
 * Mapping calls sleep-free but may take a spinlock: task context only.
 */
#ifndef UMK_VM_H
#define UMK_VM_H

#include <umk/compiler.h>

struct umk_mm;
struct umk_task;

#define UMK_PROT_NONE 0x0
#define UMK_PROT_READ 0x1
#define UMK_PROT_WRITE 0x2
#define UMK_PROT_EXEC 0x4

#define UMK_MAP_PRIVATE 0x02  /* private anonymous memory (the default) */
#define UMK_MAP_FIXED 0x10    /* exactly at addr, replacing what is there */
#define UMK_MAP_POPULATE 0x20 /* fault every page in now */

/*
 * umk_mmap and umk_sbrk return an address or an error encoded in the
 * pointer, as Linux's ERR_PTR: test with umk_vm_failed(), decode with
 * umk_vm_error() (a negative -UMK_Exxx).
 */
static inline bool umk_vm_failed(const void *p)
{
	return (unsigned long)p >= (unsigned long)-4095;
}

static inline int umk_vm_error(const void *p)
{
	return umk_vm_failed(p) ? (int)(long)p : 0;
}

/* A new empty address space (one reference), or NULL without memory. */
struct umk_mm *umk_mm_create(void);
void umk_mm_get(struct umk_mm *mm);
/* Drop a reference; the last one unmaps everything and frees the mm. */
void umk_mm_put(struct umk_mm *mm);
/* umk_mm_put() for the creator's reference. */
void umk_mm_destroy(struct umk_mm *mm);

/*
 * Map len bytes (rounded up to pages) of zero-filled anonymous memory.
 * addr is a hint, or the exact place with UMK_MAP_FIXED (NULL: anywhere).
 * Errors: -UMK_EINVAL (bad arguments), -UMK_ENOMEM (no room, over the
 * limit or out of memory), -UMK_EEXIST (hint taken and no room elsewhere).
 * PROT_NONE mappings are guard regions: they hold address space and turn
 * every touch into a fault.
 */
void *umk_mmap(struct umk_mm *mm, void *addr, size_t len, int prot, int flags);
/* Unmap [addr, addr+len): may split a mapping in two. */
int umk_munmap(struct umk_mm *mm, void *addr, size_t len);
/* Change protection of [addr, addr+len), which must be all mapped. */
int umk_mprotect(struct umk_mm *mm, void *addr, size_t len, int prot);
/*
 * The heap: a growable read-write mapping at a fixed place of the mm.
 * umk_sbrk() moves the break by incr bytes (page granular) and returns the
 * old break, or an encoded -UMK_ENOMEM when growth is refused (limit,
 * collision or memory). umk_brk() sets the break; 0 or -UMK_ENOMEM.
 */
void *umk_sbrk(struct umk_mm *mm, long incr);
int umk_brk(struct umk_mm *mm, void *brk);

/*
 * Copy-on-write clone: the child shares every page with the parent, both
 * read-only, and the first write on either side copies the page. Returns 0
 * and the child in *child, -UMK_ENOMEM, or -UMK_ENOSYS without an MMU.
 */
int umk_mm_fork(struct umk_mm *parent, struct umk_mm **child);
/* Where addr of mm "from" lives in mm "to" (the fork child's copy). */
void *umk_mm_translate(struct umk_mm *to, struct umk_mm *from, const void *addr);
/* Does [addr, addr+len) lie within mm's address range? */
bool umk_mm_contains(const struct umk_mm *mm, const void *addr, size_t len);

/* Cap the pages mm may have mapped (0: no cap); growth past it: -ENOMEM. */
int umk_mm_set_limit(struct umk_mm *mm, unsigned long max_pages);

struct umk_mm_stats {
	unsigned long mapped_pages;   /* pages covered by mappings */
	unsigned long resident_pages; /* pages backed by physical memory */
	unsigned long shared_pages;   /* resident and shared with another mm */
	unsigned long limit_pages;    /* 0: none */
	unsigned long faults;         /* faults resolved (pages mapped in) */
	unsigned long bad_faults;     /* faults delivered to a task as errors */
	unsigned long cow_copies;     /* pages copied on write */
	unsigned long reclaimed;      /* pages given back by the shrinker */
	unsigned long swapped_pages;  /* pages in swap (CONFIG_VM_SWAP) */
	unsigned long nr_vmas;        /* mappings (after merging) */
};
int umk_mm_stats(const struct umk_mm *mm, struct umk_mm_stats *st);

/*
 * Tasks and address spaces. A task holds a reference on its mm; NULL is a
 * kernel task. The full VM needs no host work on switch (each mm has its
 * own window); the mm is what faults and statistics are charged to.
 */
int umk_task_set_mm(struct umk_task *t, struct umk_mm *mm);
struct umk_mm *umk_task_mm(const struct umk_task *t);
struct umk_mm *umk_current_mm(void);

/* A fault delivered to a task, as umk_vm_try() reports it. */
struct umk_vm_fault {
	void *addr;  /* the faulting address */
	bool write;  /* a write access */
	int error;   /* -UMK_EFAULT: no mapping; -UMK_EACCES: protection;
		      * -UMK_ENOMEM: no memory to back the page */
};

/*
 * Run fn(arg) so that a bad access to an address space inside it ends fn
 * early: umk_vm_try() then returns the error and fills *fault (may be
 * NULL). Otherwise it returns what fn returned. Nests. Locks taken by fn
 * before the fault stay taken: protect plain memory work only, as Linux's
 * copy_from_user fixups do. Without an MMU, fn just runs.
 */
int umk_vm_try(int (*fn)(void *arg), void *arg, struct umk_vm_fault *fault);
/* Copy between kernel memory and mm, faulting pages in; 0 or the error. */
int umk_copy_from_mm(struct umk_mm *mm, void *dst, const void *src, size_t n);
int umk_copy_to_mm(struct umk_mm *mm, void *dst, const void *src, size_t n);
/* Fault in [addr, addr+len) now, for writing if write; 0 or the error. */
int umk_vm_touch(struct umk_mm *mm, void *addr, size_t len, bool write);

#endif
