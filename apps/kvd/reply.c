/* Output buffer and RESP2 encoding (see reply.h). */
#include <stdarg.h>
#include <umk/printk.h>
#include <umk/slab.h>
#include <umk/string.h>
#include "apps/kvd/reply.h"

#define OUT_INITIAL 16384

void kvd_out_init(struct kvd_out *o, size_t limit)
{
	o->buf = NULL;
	o->len = o->cap = 0;
	o->limit = limit;
	o->overflow = false;
}

void kvd_out_free(struct kvd_out *o)
{
	umk_kfree(o->buf);
	o->buf = NULL;
	o->len = o->cap = 0;
}

static bool out_grow(struct kvd_out *o, size_t need)
{
	size_t cap = o->cap ? o->cap : OUT_INITIAL;
	char *b;

	if (need > o->limit)
		return false;
	while (cap < need)
		cap *= 2;
	if (cap > o->limit)
		cap = o->limit;
	b = umk_krealloc(o->buf, cap);
	if (!b)
		return false;
	o->buf = b;
	o->cap = umk_ksize(b) < o->limit ? umk_ksize(b) : o->limit;
	return true;
}

char *kvd_out_reserve(struct kvd_out *o, size_t n)
{
	if (umk_unlikely(o->overflow))
		return NULL;
	if (umk_unlikely(o->cap - o->len < n) && !out_grow(o, o->len + n)) {
		o->overflow = true;
		return NULL;
	}
	return o->buf + o->len;
}

void kvd_out_truncate(struct kvd_out *o, size_t mark)
{
	if (mark < o->len)
		o->len = mark;
	o->overflow = false;
}

void kvd_out_shrink(struct kvd_out *o)
{
	if (o->len == 0 && o->cap > 4 * OUT_INITIAL)
		kvd_out_free(o);
}

void kvd_reply_raw(struct kvd_out *o, const char *s, size_t n)
{
	char *p = kvd_out_reserve(o, n);

	if (p) {
		umk_memcpy(p, s, n);
		o->len += n;
	}
}

size_t kvd_ll2str(char *buf, long long v)
{
	char tmp[24];
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v
				     : (unsigned long long)v;
	size_t n = 0, i = 0;

	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		buf[i++] = '-';
	while (n)
		buf[i++] = tmp[--n];
	return i;
}

/* prefix, decimal v, CRLF */
static void reply_prefixed_ll(struct kvd_out *o, char prefix, long long v)
{
	char *p = kvd_out_reserve(o, 24);

	if (!p)
		return;
	p[0] = prefix;
	o->len += 1 + kvd_ll2str(p + 1, v);
	o->buf[o->len++] = '\r';
	o->buf[o->len++] = '\n';
}

void kvd_reply_status(struct kvd_out *o, const char *s)
{
	size_t n = umk_strlen(s);
	char *p = kvd_out_reserve(o, n + 3);

	if (!p)
		return;
	p[0] = '+';
	umk_memcpy(p + 1, s, n);
	p[n + 1] = '\r';
	p[n + 2] = '\n';
	o->len += n + 3;
}

void kvd_reply_ok(struct kvd_out *o)
{
	kvd_reply_raw(o, "+OK\r\n", 5);
}

void kvd_reply_error(struct kvd_out *o, const char *msg)
{
	size_t n = umk_strlen(msg);
	char *p = kvd_out_reserve(o, n + 3);

	if (!p)
		return;
	p[0] = '-';
	for (size_t i = 0; i < n; i++)
		p[i + 1] = (msg[i] == '\r' || msg[i] == '\n') ? ' ' : msg[i];
	p[n + 1] = '\r';
	p[n + 2] = '\n';
	o->len += n + 3;
}

void kvd_reply_errorf(struct kvd_out *o, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	umk_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kvd_reply_error(o, msg);
}

void kvd_reply_int(struct kvd_out *o, long long v)
{
	reply_prefixed_ll(o, ':', v);
}

void kvd_reply_array(struct kvd_out *o, long long n)
{
	reply_prefixed_ll(o, '*', n);
}

void kvd_reply_null(struct kvd_out *o)
{
	kvd_reply_raw(o, "$-1\r\n", 5);
}

void kvd_reply_bulk(struct kvd_out *o, const char *s, size_t n)
{
	char *p = kvd_out_reserve(o, n + 24 + 2);
	size_t h;

	if (!p)
		return;
	p[0] = '$';
	h = 1 + kvd_ll2str(p + 1, (long long)n);
	p[h++] = '\r';
	p[h++] = '\n';
	umk_memcpy(p + h, s, n);
	p[h + n] = '\r';
	p[h + n + 1] = '\n';
	o->len += h + n + 2;
}

void kvd_reply_cstr(struct kvd_out *o, const char *s)
{
	kvd_reply_bulk(o, s, umk_strlen(s));
}
