/*
 * Per-task scheduler state, embedded in struct umk_task. One header for
 * the full scheduler and the stub: the stub uses only run_node.
 */
#ifndef UMK_SCHED_ENTITY_H
#define UMK_SCHED_ENTITY_H

#include <umk/config.h>
#include <umk/list.h>
#include <umk/spinlock.h>

/* A node of the fair class's pairing heap, ordered by vruntime. */
struct umk_sched_heap_node {
	struct umk_sched_heap_node *child;
	struct umk_sched_heap_node *next; /* next sibling */
	struct umk_sched_heap_node *prev; /* previous sibling, or parent */
};

struct umk_sched_entity {
	struct umk_list_head run_node; /* RT / idle-class / stub run queue */
	bool on_rq;                    /* queued (the running task is not) */
#ifdef CONFIG_SCHED
	bool yielded;                  /* put_prev: go behind equals */
	bool on_cpu;                   /* context in use (switching out too) */
	unsigned char sched_class;     /* enum sched_class_id, from policy */
	int policy;                    /* UMK_SCHED_* */
	int prio;                      /* RT priority 1-99 */
	int nice;                      /* -20..19 */
	int last_cpu;                  /* CPU it last ran on (migrations) */
	unsigned long weight;          /* from nice */
	unsigned long long inv_weight; /* 2^32 / weight */
	struct umk_sched_heap_node heap_node;
	/*
	 * Fair: virtual run time, absolute while the task is on a run queue
	 * or running, relative to its queue's min_vruntime (its lag) while
	 * asleep or moving between CPUs.
	 */
	long long vruntime;
	unsigned long long exec_start; /* sched clock when put on the CPU */
	unsigned long long slice_end;  /* RR: end of the current quantum */
	unsigned long long cpus_allowed;
	umk_spinlock_t pi_lock;        /* serialises wake-ups and setters */
	/* Statistics (CONFIG_SCHED_STATS), read by others with atomics. */
	unsigned long long run_ns;
	unsigned long long switches;
	unsigned long long migrations;
#endif
};

#endif
