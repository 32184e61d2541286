/*
 * Hosted stand-ins for the few umk calls resp.c makes, so the parser can
 * be fuzzed as a plain program (no kernel): allocation, string helpers,
 * formatting. Same contracts as include/umk/{slab,string,printk}.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *umk_krealloc(void *p, size_t size)
{
	return realloc(p, size ? size : 1);
}

void umk_kfree(void *p)
{
	free(p);
}

void *umk_memset(void *d, int c, size_t n)
{
	return memset(d, c, n);
}

void *umk_memcpy(void *d, const void *s, size_t n)
{
	return memcpy(d, s, n);
}

int umk_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	return vsnprintf(buf, size, fmt, ap);
}

int umk_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
