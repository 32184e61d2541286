/* Active expiry (expire.c): a periodic umk timer drives a sweeping task. */
#ifndef KVD_EXPIRE_H
#define KVD_EXPIRE_H

/* Start the timer and the task; 0 or -1 when no task could be made. */
int kvd_expire_start(void);

#endif
