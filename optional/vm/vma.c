/*
 * Mappings of an address space (struct vm_area), kept in an ordered tree
 * keyed by start address. The tree is a treap: a binary search tree by
 * address that is also a heap by a pseudo-random priority, which keeps it
 * balanced in expectation with far less code than a red-black tree.
 * Lookups (the fault path) are O(log n); insert and erase are recursive
 * rotations. Mappings never overlap, so "the mapping containing addr" is
 * the one with the largest start not above addr.
 *
 * Split and merge keep the tree canonical: after any change, no two
 * touching mappings with the same protection remain apart (except the
 * heap, which stays one mapping so that sbrk can find it).
 */
#include <umk/errno.h>
#include <umk/printk.h>
#include <umk/slab.h>
#include "optional/vm/vm_internal.h"

static struct umk_cache *vma_cache;

static unsigned int vma_random(void)
{
	static unsigned int vma_seed = 2463534242u;
	unsigned int x = __atomic_load_n(&vma_seed, __ATOMIC_RELAXED);

	/* xorshift32; a lost update under a race only repeats a priority. */
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	__atomic_store_n(&vma_seed, x, __ATOMIC_RELAXED);
	return x;
}

UMK_INTERNAL int umk_vma_init(void)
{
	vma_cache = umk_cache_create("vm_area", sizeof(struct vm_area), 0, 0,
				     NULL);
	return vma_cache ? 0 : -UMK_ENOMEM;
}

UMK_INTERNAL struct vm_area *umk_vma_alloc(unsigned long start,
					   unsigned long end, int prot)
{
	struct vm_area *vma;

	vma = umk_cache_alloc(vma_cache);
	if (!vma)
		return NULL;
	vma->start = start;
	vma->end = end;
	vma->prot = prot;
	vma->flags = 0;
	vma->left = vma->right = NULL;
	vma->prio = vma_random();
	return vma;
}

UMK_INTERNAL void umk_vma_free(struct vm_area *vma)
{
	umk_cache_free(vma_cache, vma);
}

static struct vm_area *vma_rotate_right(struct vm_area *n)
{
	struct vm_area *l = n->left;

	n->left = l->right;
	l->right = n;
	return l;
}

static struct vm_area *vma_rotate_left(struct vm_area *n)
{
	struct vm_area *r = n->right;

	n->right = r->left;
	r->left = n;
	return r;
}

static struct vm_area *vma_tree_insert(struct vm_area *root,
				       struct vm_area *vma)
{
	if (!root)
		return vma;
	if (vma->start < root->start) {
		root->left = vma_tree_insert(root->left, vma);
		if (root->left->prio > root->prio)
			root = vma_rotate_right(root);
	} else {
		root->right = vma_tree_insert(root->right, vma);
		if (root->right->prio > root->prio)
			root = vma_rotate_left(root);
	}
	return root;
}

/* Join two treaps whose keys are all below (a) and all above (b). */
static struct vm_area *vma_tree_join(struct vm_area *a, struct vm_area *b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	if (a->prio > b->prio) {
		a->right = vma_tree_join(a->right, b);
		return a;
	}
	b->left = vma_tree_join(a, b->left);
	return b;
}

static struct vm_area *vma_tree_erase(struct vm_area *root,
				      struct vm_area *vma)
{
	if (!root)
		umk_panic("vm: mapping %lx-%lx is not in its tree", vma->start,
			  vma->end);
	if (root == vma)
		return vma_tree_join(root->left, root->right);
	if (vma->start < root->start)
		root->left = vma_tree_erase(root->left, vma);
	else
		root->right = vma_tree_erase(root->right, vma);
	return root;
}

UMK_INTERNAL void umk_vma_insert(struct umk_mm *mm, struct vm_area *vma)
{
	vma->left = vma->right = NULL;
	mm->vmas = vma_tree_insert(mm->vmas, vma);
	mm->nr_vmas++;
}

UMK_INTERNAL void umk_vma_erase(struct umk_mm *mm, struct vm_area *vma)
{
	mm->vmas = vma_tree_erase(mm->vmas, vma);
	mm->nr_vmas--;
}

/* The mapping with the largest start <= addr. */
static struct vm_area *vma_floor(struct umk_mm *mm, unsigned long addr)
{
	struct vm_area *n = mm->vmas, *best = NULL;

	while (n) {
		if (n->start <= addr) {
			best = n;
			n = n->right;
		} else {
			n = n->left;
		}
	}
	return best;
}

UMK_INTERNAL struct vm_area *umk_vma_find(struct umk_mm *mm, unsigned long addr)
{
	struct vm_area *v = vma_floor(mm, addr);

	return v && addr < v->end ? v : NULL;
}

UMK_INTERNAL struct vm_area *umk_vma_next(struct umk_mm *mm, unsigned long addr)
{
	struct vm_area *n = mm->vmas, *best = NULL;

	if ((best = umk_vma_find(mm, addr)))
		return best;
	while (n) {
		if (n->start > addr) {
			best = n;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return best;
}

UMK_INTERNAL struct vm_area *umk_vma_prev(struct umk_mm *mm, unsigned long addr)
{
	return addr ? vma_floor(mm, addr - 1) : NULL;
}

UMK_INTERNAL struct vm_area *umk_vma_split(struct umk_mm *mm,
					   struct vm_area *vma,
					   unsigned long addr)
{
	struct vm_area *hi;

	if (addr <= vma->start || addr >= vma->end)
		umk_panic("vm: split of %lx-%lx at %lx", vma->start, vma->end,
			  addr);
	hi = umk_vma_alloc(addr, vma->end, vma->prot);
	if (!hi)
		return NULL;
	hi->flags = vma->flags;
	vma->end = addr;
	umk_vma_insert(mm, hi);
	return hi;
}

static bool vma_mergeable(const struct vm_area *a, const struct vm_area *b)
{
	return a->end == b->start && a->prot == b->prot &&
	       !((a->flags | b->flags) & VM_AREA_HEAP);
}

/* The mapping that starts exactly at addr, or NULL. */
static struct vm_area *vma_at(struct umk_mm *mm, unsigned long addr)
{
	struct vm_area *v = umk_vma_find(mm, addr);

	return v && v->start == addr ? v : NULL;
}

UMK_INTERNAL void umk_vma_merge_range(struct umk_mm *mm, unsigned long start,
				      unsigned long end)
{
	struct vm_area *v = umk_vma_prev(mm, start);
	struct vm_area *n;

	if (!v || v->end < start)
		v = umk_vma_next(mm, start);
	while (v) {
		n = vma_at(mm, v->end);
		if (n && vma_mergeable(v, n)) {
			umk_vma_erase(mm, n);
			v->end = n->end;
			umk_vma_free(n);
			continue;
		}
		if (v->end >= end)
			break;
		v = umk_vma_next(mm, v->end);
	}
}

static void vma_free_tree(struct vm_area *n)
{
	while (n) {
		struct vm_area *right = n->right;

		vma_free_tree(n->left);
		umk_vma_free(n);
		n = right;
	}
}

UMK_INTERNAL void umk_vma_free_all(struct umk_mm *mm)
{
	vma_free_tree(mm->vmas);
	mm->vmas = NULL;
	mm->nr_vmas = 0;
}
