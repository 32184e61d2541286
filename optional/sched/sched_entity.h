/*
 * Per-task scheduler state, embedded in struct umk_task. One header for
 * the full scheduler and the stub: each uses its own part.
 */
#ifndef UMK_SCHED_ENTITY_H
#define UMK_SCHED_ENTITY_H

#include <umk/config.h>
#include <umk/list.h>

struct umk_sched_entity {
	struct umk_list_head run_node; /* in a run queue */
	bool on_rq;
#ifdef CONFIG_SCHED
	int policy;
	int prio;   /* RT priority 1-99 */
	int nice;   /* -20..19 */
	unsigned long weight;
	unsigned long long vruntime;
	unsigned long long exec_start;
	unsigned long long slice_end;
	unsigned long long cpus_allowed;
	unsigned long long run_ns;
	unsigned long long switches;
	unsigned long long migrations;
#endif
};

#endif
