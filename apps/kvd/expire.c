/*
 * Active expiry. Lazy expiry (db.c) removes an expired key when someone
 * touches it; keys nobody touches again are found here. A umk timer
 * fires every EXPIRE_PERIOD_MS (in IRQ context, so it only completes a
 * completion); the expire task then walks a bounded number of buckets in
 * each shard from that shard's cursor, deleting what has expired, as
 * Redis's active expire cycle does by sampling. A shard where many keys
 * were expired gets a second pass at once.
 */
#include <umk/printk.h>
#include <umk/sched.h>
#include <umk/sync.h>
#include <umk/task.h>
#include <umk/time.h>
#include "apps/kvd/db.h"
#include "apps/kvd/expire.h"
#include "apps/kvd/kvd.h"

#define EXPIRE_PERIOD_MS 100
#define EXPIRE_BUCKETS 64      /* per shard per pass */
#define EXPIRE_MAX_PASSES 4

static struct umk_timer expire_timer;
static struct umk_completion expire_tick;

static void expire_timer_fn(struct umk_timer *t)
{
	(void)t;
	umk_complete(&expire_tick);
}

static void expire_cycle(void)
{
	for (unsigned int i = 0; i < KVD_SHARDS; i++) {
		for (int pass = 0; pass < EXPIRE_MAX_PASSES; pass++) {
			struct kvd_shard *s = kvd_db_lock_index(i);
			unsigned int n = kvd_db_expire_scan(s, kvd_now_ms(),
							    EXPIRE_BUCKETS);

			kvd_db_unlock(s);
			if (n < EXPIRE_BUCKETS / 4)
				break;
		}
	}
}

static int expire_task(void *arg)
{
	(void)arg;
	for (;;) {
		umk_wait_for_completion(&expire_tick);
		expire_cycle();
		umk_timer_arm(&expire_timer,
			      umk_time_ns() + EXPIRE_PERIOD_MS * UMK_NSEC_PER_MSEC);
	}
	return 0;
}

int kvd_expire_start(void)
{
	struct umk_task *t;

	umk_completion_init(&expire_tick);
	umk_timer_init(&expire_timer, expire_timer_fn, NULL);
	t = umk_task_create(expire_task, NULL, "kvd-expire");
	if (!t)
		return -1;
	umk_task_detach(t);
	umk_timer_arm(&expire_timer,
		      umk_time_ns() + EXPIRE_PERIOD_MS * UMK_NSEC_PER_MSEC);
	return 0;
}
