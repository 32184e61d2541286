/*
 * RESP2 request parser (see resp.h). The grammar and the error texts
 * follow Redis 7.0's processMultibulkBuffer / processInlineBuffer, so a
 * client sees the same replies from kvd as from Redis; newline searches
 * use memchr-like scans over the bytes present rather than strchr, so an
 * embedded NUL is just a byte.
 */
#include <umk/slab.h>
#include <umk/string.h>
#include <umk/printk.h>
#include "apps/kvd/resp.h"

#define RESP_ARGS_MIN 8

void resp_init(struct resp_parser *p, const struct resp_limits *lim)
{
	umk_memset(p, 0, sizeof(*p));
	p->lim = lim;
	p->bulklen = -1;
}

void resp_free(struct resp_parser *p)
{
	umk_kfree(p->argv);
	p->argv = NULL;
	p->cap = 0;
}

void resp_reset(struct resp_parser *p)
{
	p->pos = 0;
	p->scan = 0;
	p->nbulk = 0;
	p->bulklen = -1;
	p->kind = 0;
	p->argc = 0;
	p->error = NULL;
}

bool resp_strtoll(const char *s, size_t n, long long *out)
{
	unsigned long long v = 0, limit;
	bool neg = false;
	size_t i = 0;

	if (n == 0 || n > 20)
		return false;
	if (n == 1 && s[0] == '0') {
		*out = 0;
		return true;
	}
	if (s[0] == '-') {
		neg = true;
		if (++i == n)
			return false;
	}
	if (s[i] < '1' || s[i] > '9')
		return false;
	limit = neg ? (unsigned long long)INT64_MAX + 1 : INT64_MAX;
	for (; i < n; i++) {
		unsigned int d = (unsigned char)s[i] - '0';

		if (d > 9 || v > (limit - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = neg ? (long long)(0 - v) : (long long)v;
	return true;
}

static const char *resp_find(const char *buf, size_t from, size_t len, char c)
{
	for (size_t i = from; i < len; i++)
		if (buf[i] == c)
			return buf + i;
	return NULL;
}

static enum resp_status resp_fail(struct resp_parser *p, const char *msg)
{
	p->error = msg;
	return RESP_ERR;
}

static bool resp_push(struct resp_parser *p, size_t off, size_t len)
{
	if (p->argc == p->cap) {
		unsigned int cap = p->cap ? p->cap * 2 : RESP_ARGS_MIN;
		struct resp_arg *a = umk_krealloc(p->argv, cap * sizeof(*a));

		if (!a)
			return false;
		p->argv = a;
		p->cap = cap;
	}
	p->argv[p->argc].off = (uint32_t)off;
	p->argv[p->argc].len = (uint32_t)len;
	p->argc++;
	return true;
}

/*
 * Find the "\r?" that ends a header line starting at p->pos: Redis wants
 * the '\r' and one more byte (it does not check that it is '\n').
 * Returns the '\r' or NULL (need more, or *err set when too long).
 */
static const char *resp_header_end(struct resp_parser *p, const char *buf,
				   size_t len, const char *toolong,
				   const char **err)
{
	const char *cr;

	if (p->scan < p->pos)
		p->scan = p->pos;
	cr = resp_find(buf, p->scan, len, '\r');
	if (!cr) {
		p->scan = len;
		if (len - p->pos > p->lim->max_inline)
			*err = toolong;
		return NULL;
	}
	p->scan = (size_t)(cr - buf);
	if ((size_t)(cr - buf) - p->pos > p->lim->max_inline) {
		/* Too long even though complete: the same verdict whichever
		 * way the bytes were split into reads. */
		*err = toolong;
		return NULL;
	}
	if ((size_t)(cr - buf) + 2 > len)
		return NULL;
	return cr;
}

static enum resp_status resp_multibulk(struct resp_parser *p, char *buf,
				       size_t len)
{
	const char *cr, *err = NULL;
	long long ll;

	if (p->nbulk == 0) {
		cr = resp_header_end(p, buf, len,
				     "Protocol error: too big mbulk count string",
				     &err);
		if (!cr)
			return err ? resp_fail(p, err) : RESP_MORE;
		if (!resp_strtoll(buf + p->pos + 1, (size_t)(cr - buf) - p->pos - 1,
				  &ll) || ll > INT32_MAX)
			return resp_fail(p, "Protocol error: invalid multibulk length");
		p->pos = (size_t)(cr - buf) + 2;
		if (ll <= 0)
			return RESP_CMD; /* an empty command: skipped */
		p->nbulk = ll;
	}
	while (p->nbulk > 0) {
		if (p->bulklen < 0) {
			cr = resp_header_end(p, buf, len,
					     "Protocol error: too big bulk count string",
					     &err);
			if (!cr)
				return err ? resp_fail(p, err) : RESP_MORE;
			if (buf[p->pos] != '$') {
				umk_snprintf(p->errbuf, sizeof(p->errbuf),
					     "Protocol error: expected '$', got '%c'",
					     buf[p->pos]);
				return resp_fail(p, p->errbuf);
			}
			if (!resp_strtoll(buf + p->pos + 1,
					  (size_t)(cr - buf) - p->pos - 1, &ll) ||
			    ll < 0 || (unsigned long long)ll > p->lim->max_bulk)
				return resp_fail(p, "Protocol error: invalid bulk length");
			p->pos = (size_t)(cr - buf) + 2;
			p->bulklen = ll;
		}
		if (len - p->pos < (size_t)p->bulklen + 2)
			return RESP_MORE;
		if (!resp_push(p, p->pos, (size_t)p->bulklen))
			return resp_fail(p, "Protocol error: out of memory");
		p->pos += (size_t)p->bulklen + 2;
		p->bulklen = -1;
		p->nbulk--;
	}
	return RESP_CMD;
}

static bool resp_isspace(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

static int resp_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* One escape after '\\' inside double quotes; returns bytes consumed. */
static size_t resp_unescape(const char *s, const char *end, char *out)
{
	int hi, lo;

	if (s + 3 < end && s[1] == 'x' && (hi = resp_hexval(s[2])) >= 0 &&
	    (lo = resp_hexval(s[3])) >= 0) {
		*out = (char)(hi * 16 + lo);
		return 4;
	}
	if (s + 1 >= end) {
		*out = '\\';
		return 1;
	}
	switch (s[1]) {
	case 'n': *out = '\n'; break;
	case 'r': *out = '\r'; break;
	case 't': *out = '\t'; break;
	case 'b': *out = '\b'; break;
	case 'a': *out = '\a'; break;
	default: *out = s[1]; break;
	}
	return 2;
}

/*
 * Split line[0..n) into arguments as Redis's sdssplitargs does: blanks
 * separate, "..." with \n \r \t \b \a \xHH escapes, '...' with \'; a
 * closing quote must be followed by a blank. Each argument is decoded in
 * place at its own start. False on unbalanced quotes. As in Redis
 * (a C string there), a NUL byte ends the line.
 */
static bool resp_split_inline(struct resp_parser *p, char *buf, size_t start,
			      size_t n, bool *nomem)
{
	char *s = buf + start, *end = s + n;
	const char *nul = resp_find(s, 0, n, '\0');

	if (nul)
		end = (char *)nul;

	for (;;) {
		char *out, *arg;
		bool dq = false, sq = false;

		while (s < end && resp_isspace(*s))
			s++;
		if (s == end)
			return true;
		arg = out = s;
		for (;;) {
			if (dq) {
				if (s == end)
					return false;
				if (*s == '\\') {
					s += resp_unescape(s, end, out++);
					continue;
				}
				if (*s == '"') {
					if (s + 1 < end && !resp_isspace(s[1]))
						return false;
					s++;
					break;
				}
				*out++ = *s++;
			} else if (sq) {
				if (s == end)
					return false;
				if (*s == '\\' && s + 1 < end && s[1] == '\'') {
					*out++ = '\'';
					s += 2;
					continue;
				}
				if (*s == '\'') {
					if (s + 1 < end && !resp_isspace(s[1]))
						return false;
					s++;
					break;
				}
				*out++ = *s++;
			} else {
				if (s == end || resp_isspace(*s))
					break;
				if (*s == '"')
					dq = true;
				else if (*s == '\'')
					sq = true;
				else
					*out++ = *s;
				s++;
			}
		}
		if (!resp_push(p, (size_t)(arg - buf), (size_t)(out - arg))) {
			*nomem = true;
			return false;
		}
	}
}

static enum resp_status resp_inline(struct resp_parser *p, char *buf, size_t len)
{
	const char *nl;
	size_t n, eol = 1;
	bool nomem = false;

	nl = resp_find(buf, p->scan, len, '\n');
	if (!nl) {
		p->scan = len;
		if (len > p->lim->max_inline)
			return resp_fail(p, "Protocol error: too big inline request");
		return RESP_MORE;
	}
	n = (size_t)(nl - buf);
	if (n > p->lim->max_inline) /* as if the newline had come later */
		return resp_fail(p, "Protocol error: too big inline request");
	if (n > 0 && buf[n - 1] == '\r') {
		n--;
		eol++;
	}
	if (!resp_split_inline(p, buf, 0, n, &nomem))
		return resp_fail(p, nomem ? "Protocol error: out of memory"
					  : "Protocol error: unbalanced quotes in request");
	p->pos = n + eol;
	return RESP_CMD;
}

enum resp_status resp_parse(struct resp_parser *p, char *buf, size_t len)
{
	if (len == 0)
		return RESP_MORE;
	if (!p->kind)
		p->kind = buf[0] == '*' ? '*' : 'i';
	if (p->kind == '*')
		return resp_multibulk(p, buf, len);
	return resp_inline(p, buf, len);
}

size_t resp_want(const struct resp_parser *p)
{
	if (p->kind != '*' || p->nbulk == 0 || p->bulklen < 0)
		return 0;
	return p->pos + (size_t)p->bulklen + 2;
}
