/*
 * The console is the host's standard output (fd 1), unbuffered: every
 * umk_printk that reaches the console and all self-test output is one
 * write(2) there, so `umk-boot --selftest | tee log` keeps all of it in
 * order. Only umk-boot's own usage errors, before the kernel exists, go
 * to standard error (boot.c).
 */
#include <errno.h>
#include <unistd.h>

#include "arch/um/host.h"

#define CONSOLE_FD 1

UMK_INTERNAL void umk_arch_console_write(const char *s, unsigned long n)
{
	while (n) {
		ssize_t w = write(CONSOLE_FD, s, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return; /* console gone: nothing better to do */
		}
		s += w;
		n -= (unsigned long)w;
	}
}

UMK_INTERNAL void umk_um_console_puts(const char *s)
{
	umk_arch_console_write(s, __builtin_strlen(s));
}

/* Output is unbuffered, so there is nothing to flush. */
UMK_INTERNAL void umk_arch_halt(int status)
{
	_exit(status);
}
