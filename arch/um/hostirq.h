/*
 * Host fd readiness as IRQs: the arch side of the I/O layer.
 *
 * Each CPU owns one host epoll instance. Its idle loop blocks in it and
 * its scheduling points poll it (umk_arch_idle / umk_arch_irq_poll). The
 * clock timerfd and the kick eventfd of the CPU live in it; the I/O layer
 * (core/io.c with arch/um/io_epoll.c or io_uring.c) adds host fds with
 * umk_hostirq_add().
 *
 * An fd is registered once, edge-triggered, for all the events it may
 * ever want (the Go netpoller's rule): a wake-up costs no epoll_ctl. The
 * handler therefore sees every transition to ready, not a level: it must
 * retry the operation until EAGAIN before it waits again.
 *
 * Handlers run on the CPU whose epoll the fd was added to, from IRQ
 * dispatch: cpu->in_irq is set and cpu->irqs_off is 1 while they run.
 * They must not sleep; they typically wake the tasks waiting for the fd
 * (umk_wake_up_process works across CPUs).
 *
 * This header carries no host headers, so freestanding core code may use
 * the types and the constants (their values equal the host's EPOLL*).
 */
#ifndef UMK_ARCH_UM_HOSTIRQ_H
#define UMK_ARCH_UM_HOSTIRQ_H

#include <umk/compiler.h>

/* Readiness bits, passed to handlers; the same values as EPOLLIN etc. */
#define UMK_HOSTIRQ_IN 0x001u	  /* readable, or a connection to accept */
#define UMK_HOSTIRQ_PRI 0x002u	  /* urgent data */
#define UMK_HOSTIRQ_OUT 0x004u	  /* writable, or connect() finished */
#define UMK_HOSTIRQ_ERR 0x008u	  /* error condition (always reported) */
#define UMK_HOSTIRQ_HUP 0x010u	  /* hang up (always reported) */
#define UMK_HOSTIRQ_RDHUP 0x2000u /* peer shut down its writing side */

typedef void (*umk_hostirq_fn)(void *data, unsigned int events);

/*
 * One registered host fd. The caller owns the memory (embed it in its
 * per-fd structure) and keeps it alive until umk_hostirq_del() returns.
 * Fields are set by umk_hostirq_add(); treat them as read-only.
 */
struct umk_hostirq {
	umk_hostirq_fn fn;
	void *data;
	int fd;
	unsigned int cpu; /* the CPU whose epoll holds the fd */
};

/*
 * Add host fd to the calling CPU's epoll, edge-triggered, for events
 * (UMK_HOSTIRQ_IN | UMK_HOSTIRQ_OUT | UMK_HOSTIRQ_RDHUP typically; ERR
 * and HUP are implied). fn(data, ready_events) runs from IRQ dispatch on
 * this CPU each time the fd becomes ready. The fd should be non-blocking.
 * Returns 0 or a negative UMK errno (-UMK_EEXIST if fd is already added).
 * Callable from tasks and IRQ context.
 */
UMK_INTERNAL int umk_hostirq_add(struct umk_hostirq *h, int fd,
				 unsigned int events, umk_hostirq_fn fn,
				 void *data);

/*
 * Same, on the epoll of a given CPU (which need not be the caller's):
 * its handlers then run on that CPU.
 */
UMK_INTERNAL int umk_hostirq_add_cpu(struct umk_hostirq *h, unsigned int cpu,
				     int fd, unsigned int events,
				     umk_hostirq_fn fn, void *data);

/*
 * Remove the fd before closing it (closing an fd also drops it from
 * epoll, but only when no dup of it remains). Called on h->cpu from task
 * context, no dispatch of h can follow: that CPU dispatches every event
 * it collected before it runs a task again. Called from another CPU, an
 * event that h->cpu already collected may still be dispatched after this
 * returns, so keep h (and what its data points to) valid until h->cpu
 * has passed a scheduling point, or free it from a task on h->cpu.
 * Returns 0 or a negative UMK errno.
 */
UMK_INTERNAL int umk_hostirq_del(struct umk_hostirq *h);

/*
 * The calling CPU's epoll fd, for backends that need the raw instance
 * (e.g. to add an io_uring's ring fd with their own epoll_event). Events
 * whose data.ptr is not a struct umk_hostirq must not be added.
 */
UMK_INTERNAL int umk_hostirq_epoll_fd(void);

#endif
