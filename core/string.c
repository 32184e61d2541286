/*
 * Freestanding string and memory helpers: the core includes no libc
 * headers, so these are what it has.
 */
#include <umk/string.h>
#include <umk/errno.h>

/*
 * The compiler's builtins: GCC requires memcpy, memmove, memset and memcmp
 * even of freestanding code (it emits calls to them for struct copies),
 * and the host process always has fast ones.
 */
void *umk_memcpy(void *dst, const void *src, size_t n)
{
	return __builtin_memcpy(dst, src, n);
}

void *umk_memmove(void *dst, const void *src, size_t n)
{
	return __builtin_memmove(dst, src, n);
}

void *umk_memset(void *dst, int c, size_t n)
{
	return __builtin_memset(dst, c, n);
}

int umk_memcmp(const void *a, const void *b, size_t n)
{
	return __builtin_memcmp(a, b, n);
}

size_t umk_strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

size_t umk_strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int umk_strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int umk_strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			break;
	}
	return 0;
}

char *umk_strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

size_t umk_strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = umk_strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;

		umk_memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

/* "64M" -> 67108864. Decimal digits, then at most one of K M G T. */
int umk_parse_size(const char *s, unsigned long long *out)
{
	unsigned long long v = 0;
	unsigned int shift = 0;

	if (!s || *s < '0' || *s > '9')
		return -UMK_EINVAL;
	for (; *s >= '0' && *s <= '9'; s++) {
		unsigned long long next = v * 10 + (unsigned)(*s - '0');

		if (next / 10 != v)
			return -UMK_ERANGE;
		v = next;
	}
	switch (*s) {
	case 'k': case 'K': shift = 10; s++; break;
	case 'm': case 'M': shift = 20; s++; break;
	case 'g': case 'G': shift = 30; s++; break;
	case 't': case 'T': shift = 40; s++; break;
	default: break;
	}
	if (*s)
		return -UMK_EINVAL;
	if (shift && v > (~0ULL >> shift))
		return -UMK_ERANGE;
	*out = v << shift;
	return 0;
}

/* One [...] class at p (after the '['); sets *end past the ']'. */
static bool glob_class_match(const char *p, const char *pend, char c,
			     const char **end)
{
	bool neg = false, match = false;

	if (p < pend && *p == '^') {
		neg = true;
		p++;
	}
	while (p < pend && *p != ']') {
		if (*p == '\\' && p + 1 < pend) {
			p++;
			if (*p == c)
				match = true;
		} else if (p + 2 < pend && p[1] == '-' && p[2] != ']') {
			char lo = p[0], hi = p[2];

			if (lo > hi) {
				char tmp = lo;
				lo = hi;
				hi = tmp;
			}
			if (c >= lo && c <= hi)
				match = true;
			p += 2;
		} else if (*p == c) {
			match = true;
		}
		p++;
	}
	*end = p < pend ? p + 1 : p; /* an unclosed class runs to the end */
	return neg ? !match : match;
}

/*
 * Iterative glob with one backtrack point for the last '*': linear in
 * practice and never recursive, so a hostile pattern cannot blow the
 * task's stack.
 */
bool umk_glob_match(const char *pattern, size_t plen, const char *s, size_t slen)
{
	const char *p = pattern, *pend = pattern + plen;
	const char *str = s, *send = s + slen;
	const char *star_p = NULL, *star_s = NULL;

	while (str < send) {
		if (p < pend && *p == '*') {
			while (p < pend && *p == '*')
				p++;
			if (p == pend)
				return true;
			star_p = p;
			star_s = str;
			continue;
		}
		if (p < pend) {
			const char *next = p + 1;
			bool ok;

			if (*p == '?') {
				ok = true;
			} else if (*p == '[') {
				ok = glob_class_match(p + 1, pend, *str, &next);
			} else if (*p == '\\' && p + 1 < pend) {
				ok = p[1] == *str;
				next = p + 2;
			} else {
				ok = *p == *str;
			}
			if (ok) {
				p = next;
				str++;
				continue;
			}
		}
		if (!star_p)
			return false;
		p = star_p;
		str = ++star_s;
	}
	while (p < pend && *p == '*')
		p++;
	return p == pend;
}

static const struct {
	int err;
	const char *name;
} strerror_names[] = {
	{ UMK_EPERM, "EPERM" },
	{ UMK_ENOENT, "ENOENT" },
	{ UMK_ESRCH, "ESRCH" },
	{ UMK_EINTR, "EINTR" },
	{ UMK_EIO, "EIO" },
	{ UMK_EBADF, "EBADF" },
	{ UMK_ECHILD, "ECHILD" },
	{ UMK_EAGAIN, "EAGAIN" },
	{ UMK_ENOMEM, "ENOMEM" },
	{ UMK_EACCES, "EACCES" },
	{ UMK_EFAULT, "EFAULT" },
	{ UMK_EBUSY, "EBUSY" },
	{ UMK_EEXIST, "EEXIST" },
	{ UMK_EINVAL, "EINVAL" },
	{ UMK_EMFILE, "EMFILE" },
	{ UMK_ENOSPC, "ENOSPC" },
	{ UMK_EPIPE, "EPIPE" },
	{ UMK_ERANGE, "ERANGE" },
	{ UMK_EDEADLK, "EDEADLK" },
	{ UMK_ENOSYS, "ENOSYS" },
	{ UMK_ENOTSUP, "ENOTSUP" },
	{ UMK_ETIMEDOUT, "ETIMEDOUT" },
	{ UMK_ECONNREFUSED, "ECONNREFUSED" },
	{ UMK_EINPROGRESS, "EINPROGRESS" },
	{ UMK_ECANCELED, "ECANCELED" },
};

/* Accepts err or -err: callers usually hold the negative return value. */
const char *umk_strerror(int err)
{
	size_t i;

	if (err < 0)
		err = -err;
	for (i = 0; i < UMK_ARRAY_SIZE(strerror_names); i++)
		if (strerror_names[i].err == err)
			return strerror_names[i].name;
	return "E?";
}
