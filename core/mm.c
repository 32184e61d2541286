/*
 * Memory bring-up and statistics. One early initcall sets up the page
 * allocator, then the kmalloc caches on top of it, then the slab shrinker,
 * in that order, so anything from the core initcalls on (tasks first) can
 * kmalloc.
 */
#include <umk/config.h>
#include <umk/init.h>
#include <umk/mm.h>
#include <umk/string.h>
#include "core/page.h"
#include "core/slab.h"

static int mm_bringup(void)
{
	umk_page_alloc_init();
	umk_kmalloc_init();
	umk_slab_init();
	return 0;
}
umk_early_initcall(mm_bringup);

void umk_mem_stats(struct umk_mem_stats *st)
{
	umk_memset(st, 0, sizeof(*st));
	st->total_pages = umk_page_nr_usable();
	st->free_pages = umk_page_nr_free();
	st->slab_pages = umk_slab_total_pages();
	st->alloc_failures = umk_page_alloc_failures();
	st->shrinker_pages = umk_shrinker_pages_freed();
	if (UMK_IS_ENABLED(CONFIG_MEM_STATS))
		st->kmalloc_bytes = umk_kmalloc_bytes();
}
