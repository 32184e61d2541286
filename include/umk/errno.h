/*
 * Error numbers. Functions return 0 or a positive value on success and
 * -UMK_Exxx on failure. The values are Linux's, so the arch layer passes
 * host errno through unchanged.
 */
#ifndef UMK_ERRNO_H
#define UMK_ERRNO_H

#define UMK_EPERM 1
#define UMK_ENOENT 2
#define UMK_ESRCH 3
#define UMK_EINTR 4
#define UMK_EIO 5
#define UMK_EBADF 9
#define UMK_ECHILD 10
#define UMK_EAGAIN 11
#define UMK_ENOMEM 12
#define UMK_EACCES 13
#define UMK_EFAULT 14
#define UMK_EBUSY 16
#define UMK_EEXIST 17
#define UMK_EINVAL 22
#define UMK_EMFILE 24
#define UMK_ENOSPC 28
#define UMK_EPIPE 32
#define UMK_ERANGE 34
#define UMK_EDEADLK 35
#define UMK_ENOSYS 38
#define UMK_ECANCELED 125
#define UMK_ETIMEDOUT 110
#define UMK_ECONNREFUSED 111
#define UMK_EINPROGRESS 115
#define UMK_ENOTSUP 95
/* Sockets (the I/O layer passes them through from the host). */
#define UMK_ENOTSOCK 88
#define UMK_EADDRINUSE 98
#define UMK_EADDRNOTAVAIL 99
#define UMK_ENETUNREACH 101
#define UMK_ECONNABORTED 103
#define UMK_ECONNRESET 104
#define UMK_EISCONN 106
#define UMK_ENOTCONN 107
#define UMK_EHOSTUNREACH 113
#define UMK_EALREADY 114

/* Human-readable name of an error number ("ENOMEM"), "E?" if unknown. */
const char *umk_strerror(int err);

#endif
