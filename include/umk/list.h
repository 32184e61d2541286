/*
 * Circular doubly linked lists, as the Linux kernel's list.h. As there,
 * the ->next links are stored with UMK_WRITE_ONCE and umk_list_empty()
 * reads with UMK_READ_ONCE, so an entry or head may be tested without
 * the lock that guards its list (umk_waitqueue_active, umk_finish_wait).
 */
#ifndef UMK_LIST_H
#define UMK_LIST_H

#include <umk/compiler.h>

struct umk_list_head {
	struct umk_list_head *next, *prev;
};

#define UMK_LIST_HEAD_INIT(name) { &(name), &(name) }
#define UMK_LIST_HEAD(name) struct umk_list_head name = UMK_LIST_HEAD_INIT(name)

static inline void umk_list_init(struct umk_list_head *h)
{
	UMK_WRITE_ONCE(h->next, h);
	h->prev = h;
}

static inline void umk__list_add(struct umk_list_head *n,
				 struct umk_list_head *prev,
				 struct umk_list_head *next)
{
	next->prev = n;
	UMK_WRITE_ONCE(n->next, next);
	n->prev = prev;
	UMK_WRITE_ONCE(prev->next, n);
}

static inline void umk_list_add(struct umk_list_head *n, struct umk_list_head *h)
{
	umk__list_add(n, h, h->next);
}

static inline void umk_list_add_tail(struct umk_list_head *n,
				     struct umk_list_head *h)
{
	umk__list_add(n, h->prev, h);
}

static inline void umk_list_del(struct umk_list_head *e)
{
	e->next->prev = e->prev;
	UMK_WRITE_ONCE(e->prev->next, e->next);
	e->prev = e;
	/* Last, releasing: umk_list_unlinked() then knows e is let go of. */
	__atomic_store_n(&e->next, e, __ATOMIC_RELEASE);
}

/*
 * Without the list's lock: e was on a list and a umk_list_del() has
 * finished with it, so its owner may reuse it (a wait entry on a stack).
 */
static inline bool umk_list_unlinked(const struct umk_list_head *e)
{
	return __atomic_load_n(&e->next, __ATOMIC_ACQUIRE) == e;
}

static inline bool umk_list_empty(const struct umk_list_head *h)
{
	return UMK_READ_ONCE(h->next) == h;
}

static inline void umk_list_move_tail(struct umk_list_head *e,
				      struct umk_list_head *h)
{
	umk_list_del(e);
	umk_list_add_tail(e, h);
}

#define umk_list_entry(ptr, type, member) umk_container_of(ptr, type, member)
#define umk_list_first_entry(h, type, member) \
	umk_list_entry((h)->next, type, member)
#define umk_list_for_each(pos, h) \
	for (pos = (h)->next; pos != (h); pos = pos->next)
#define umk_list_for_each_safe(pos, n, h) \
	for (pos = (h)->next, n = pos->next; pos != (h); pos = n, n = pos->next)
#define umk_list_for_each_entry(pos, h, member)                          \
	for (pos = umk_list_entry((h)->next, __typeof__(*pos), member);   \
	     &pos->member != (h);                                          \
	     pos = umk_list_entry(pos->member.next, __typeof__(*pos), member))
#define umk_list_for_each_entry_safe(pos, n, h, member)                   \
	for (pos = umk_list_entry((h)->next, __typeof__(*pos), member),    \
	    n = umk_list_entry(pos->member.next, __typeof__(*pos), member); \
	     &pos->member != (h);                                           \
	     pos = n, n = umk_list_entry(n->member.next, __typeof__(*n), member))

#endif
