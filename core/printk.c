/*
 * The kernel log: umk_printk formats a message, keeps it in a ring buffer
 * and, when its level is below the console level, writes it to the console.
 *
 * The ring is one byte array with a write position and a fill count, so a
 * debugger can read it without running code (tools/gdb/umk.py umk-dmesg):
 *
 *   umk_log_buf[UMK_LOG_BUF_SIZE]   the bytes, lines of text
 *   umk_log_head                    next write index, 0..size-1
 *   umk_log_len                     valid bytes, at most size
 *
 * The oldest byte sits at (umk_log_head - umk_log_len) mod size. Each
 * record is one line "[seconds.micros] message\n"; a message without a
 * trailing newline gets one.
 */
#include <umk/printk.h>
#include <umk/config.h>
#include <umk/cpu.h>
#include <umk/init.h>
#include <umk/spinlock.h>
#include <umk/string.h>
#include <umk/time.h>
#include "arch/um/arch.h"

#define UMK_LOG_BUF_SIZE (1UL << CONFIG_LOG_BUF_SHIFT)
/* Longest single message; longer ones are truncated. */
#define PRINTK_LINE_MAX 512

char umk_log_buf[UMK_LOG_BUF_SIZE];
unsigned long umk_log_head;
unsigned long umk_log_len;
static umk_spinlock_t printk_lock = UMK_SPINLOCK_INIT;
static int printk_console_level = CONFIG_DEFAULT_LOGLEVEL;

/* ---- umk_vsnprintf ---- */

struct fmt_out {
	char *buf;
	size_t size;
	size_t len; /* length the output would have */
};

struct fmt_spec {
	bool left;     /* '-' */
	bool zero;     /* '0' */
	bool plus;     /* '+' */
	bool space;    /* ' ' */
	bool alt;      /* '#' */
	int width;
	int prec;      /* -1: none */
};

static void fmt_putc(struct fmt_out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void fmt_pad(struct fmt_out *o, char c, int n)
{
	while (n-- > 0)
		fmt_putc(o, c);
}

static void fmt_string(struct fmt_out *o, const struct fmt_spec *sp,
		       const char *s)
{
	size_t n;
	int pad;

	if (!s)
		s = "(null)";
	n = sp->prec >= 0 ? umk_strnlen(s, (size_t)sp->prec) : umk_strlen(s);
	pad = sp->width > (int)n ? sp->width - (int)n : 0;
	if (!sp->left)
		fmt_pad(o, ' ', pad);
	while (n--)
		fmt_putc(o, *s++);
	if (sp->left)
		fmt_pad(o, ' ', pad);
}

/*
 * An integer: sign or 0x prefix, precision (minimum digits), then the
 * width filled with spaces or, for '0' without '-' or precision, zeros.
 */
static void fmt_number(struct fmt_out *o, const struct fmt_spec *sp,
		       unsigned long long v, bool neg, unsigned int base,
		       bool upper, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, zeros, pad, plen;
	char sign = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (sp->prec == 0 && n == 1 && tmp[0] == '0')
		n = 0; /* "%.0d" of 0 prints nothing, as in C */
	if (neg)
		sign = '-';
	else if (sp->plus)
		sign = '+';
	else if (sp->space)
		sign = ' ';
	plen = (sign ? 1 : 0) + (prefix ? (int)umk_strlen(prefix) : 0);
	zeros = sp->prec > n ? sp->prec - n : 0;
	pad = sp->width - plen - zeros - n;
	if (sp->zero && !sp->left && sp->prec < 0 && pad > 0) {
		zeros += pad;
		pad = 0;
	}
	if (!sp->left)
		fmt_pad(o, ' ', pad);
	if (sign)
		fmt_putc(o, sign);
	for (; prefix && *prefix; prefix++)
		fmt_putc(o, *prefix);
	fmt_pad(o, '0', zeros);
	while (n)
		fmt_putc(o, tmp[--n]);
	if (sp->left)
		fmt_pad(o, ' ', pad);
}

/* Flags, width and precision after the '%'; returns the next character. */
static const char *fmt_parse_spec(const char *f, struct fmt_spec *sp,
				  va_list *ap)
{
	*sp = (struct fmt_spec){ .prec = -1 };
	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '0')
			sp->zero = true;
		else if (*f == '+')
			sp->plus = true;
		else if (*f == ' ')
			sp->space = true;
		else if (*f == '#')
			sp->alt = true;
		else
			break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->left = true;
			sp->width = -sp->width;
		}
		f++;
	} else {
		while (*f >= '0' && *f <= '9')
			sp->width = sp->width * 10 + (*f++ - '0');
	}
	if (*f == '.') {
		f++;
		sp->prec = 0;
		if (*f == '*') {
			sp->prec = va_arg(*ap, int);
			if (sp->prec < 0)
				sp->prec = -1;
			f++;
		} else {
			while (*f >= '0' && *f <= '9')
				sp->prec = sp->prec * 10 + (*f++ - '0');
		}
	}
	return f;
}

enum fmt_length { FMT_INT, FMT_CHAR, FMT_SHORT, FMT_LONG, FMT_LLONG, FMT_SIZE };

static const char *fmt_parse_length(const char *f, enum fmt_length *len)
{
	*len = FMT_INT;
	if (f[0] == 'h' && f[1] == 'h') {
		*len = FMT_CHAR;
		return f + 2;
	}
	if (f[0] == 'l' && f[1] == 'l') {
		*len = FMT_LLONG;
		return f + 2;
	}
	switch (*f) {
	case 'h': *len = FMT_SHORT; return f + 1;
	case 'l': *len = FMT_LONG; return f + 1;
	case 'j': *len = FMT_LLONG; return f + 1;
	case 'z': case 't': *len = FMT_SIZE; return f + 1;
	default: return f;
	}
}

static long long fmt_arg_signed(va_list *ap, enum fmt_length len)
{
	switch (len) {
	case FMT_CHAR: return (signed char)va_arg(*ap, int);
	case FMT_SHORT: return (short)va_arg(*ap, int);
	case FMT_LONG: return va_arg(*ap, long);
	case FMT_LLONG: return va_arg(*ap, long long);
	case FMT_SIZE: return (long long)va_arg(*ap, long); /* ssize_t, ptrdiff_t */
	default: return va_arg(*ap, int);
	}
}

static unsigned long long fmt_arg_unsigned(va_list *ap, enum fmt_length len)
{
	switch (len) {
	case FMT_CHAR: return (unsigned char)va_arg(*ap, unsigned int);
	case FMT_SHORT: return (unsigned short)va_arg(*ap, unsigned int);
	case FMT_LONG: return va_arg(*ap, unsigned long);
	case FMT_LLONG: return va_arg(*ap, unsigned long long);
	case FMT_SIZE: return va_arg(*ap, size_t);
	default: return va_arg(*ap, unsigned int);
	}
}

/* One conversion at f (after flags/width/length); returns f + 1. */
static const char *fmt_convert(struct fmt_out *o, const char *f,
			       struct fmt_spec *sp, enum fmt_length len,
			       va_list *ap)
{
	long long sv;
	unsigned long long uv;

	switch (*f) {
	case 'd':
	case 'i':
		sv = fmt_arg_signed(ap, len);
		uv = sv < 0 ? 0ULL - (unsigned long long)sv : (unsigned long long)sv;
		fmt_number(o, sp, uv, sv < 0, 10, false, NULL);
		break;
	case 'u':
		fmt_number(o, sp, fmt_arg_unsigned(ap, len), false, 10, false, NULL);
		break;
	case 'x':
	case 'X':
		uv = fmt_arg_unsigned(ap, len);
		fmt_number(o, sp, uv, false, 16, *f == 'X',
			   sp->alt && uv ? (*f == 'X' ? "0X" : "0x") : NULL);
		break;
	case 'o':
		fmt_number(o, sp, fmt_arg_unsigned(ap, len), false, 8, false,
			   sp->alt ? "0" : NULL);
		break;
	case 'p':
		sp->plus = sp->space = false;
		fmt_number(o, sp, (unsigned long long)(uintptr_t)va_arg(*ap, void *),
			   false, 16, false, "0x");
		break;
	case 's':
		fmt_string(o, sp, va_arg(*ap, const char *));
		break;
	case 'c': {
		char s[2] = { (char)va_arg(*ap, int), 0 };

		sp->prec = -1;
		if (!s[0]) { /* a NUL character is still one character */
			fmt_pad(o, ' ', sp->left ? 0 : sp->width - 1);
			fmt_putc(o, 0);
			fmt_pad(o, ' ', sp->left ? sp->width - 1 : 0);
		} else {
			fmt_string(o, sp, s);
		}
		break;
	}
	case '%':
		fmt_putc(o, '%');
		break;
	case '\0':
		return f; /* a lone '%' at the end */
	default: /* unknown: print it as written, so the bug is visible */
		fmt_putc(o, '%');
		fmt_putc(o, *f);
		break;
	}
	return f + 1;
}

int umk_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_out o = { buf, size, 0 };
	struct fmt_spec sp;
	enum fmt_length len;
	va_list aq;
	const char *f = fmt;

	va_copy(aq, ap);
	while (*f) {
		if (*f != '%') {
			fmt_putc(&o, *f++);
			continue;
		}
		f = fmt_parse_spec(f + 1, &sp, &aq);
		f = fmt_parse_length(f, &len);
		f = fmt_convert(&o, f, &sp, len, &aq);
	}
	va_end(aq);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len > 0x7fffffff ? 0x7fffffff : (int)o.len;
}

int umk_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = umk_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* ---- the ring buffer and the console ---- */

static void printk_log_store(const char *s, size_t n)
{
	const size_t size = UMK_LOG_BUF_SIZE;

	if (n > size) { /* only the tail of a giant record fits */
		s += n - size;
		n = size;
	}
	while (n) {
		size_t chunk = UMK_MIN(n, size - umk_log_head);

		umk_memcpy(umk_log_buf + umk_log_head, s, chunk);
		umk_log_head = (umk_log_head + chunk) & (size - 1);
		umk_log_len = UMK_MIN(umk_log_len + chunk, size);
		s += chunk;
		n -= chunk;
	}
}

/* "[seconds.micros] message\n" into line; returns its length. */
static size_t printk_format_line(char *line, size_t size, const char *fmt,
				 va_list ap)
{
	unsigned long long ns = umk_time_ns_exact(); /* a busy CPU's cache lags */
	int pre, n;
	size_t len;

	pre = umk_snprintf(line, size, "[%5llu.%06llu] ",
			   ns / UMK_NSEC_PER_SEC,
			   (ns % UMK_NSEC_PER_SEC) / UMK_NSEC_PER_USEC);
	n = umk_vsnprintf(line + pre, size - (size_t)pre, fmt, ap);
	len = UMK_MIN((size_t)pre + (size_t)n, size - 2);
	if (len == 0 || line[len - 1] != '\n')
		line[len++] = '\n';
	line[len] = '\0';
	return len;
}

void umk_vprintk(int level, const char *fmt, va_list ap)
{
	char line[PRINTK_LINE_MAX];
	unsigned long flags;
	size_t len = printk_format_line(line, sizeof(line), fmt, ap);

	flags = umk_spin_lock_irqsave(&printk_lock);
	printk_log_store(line, len);
	umk_spin_unlock_irqrestore(&printk_lock, flags);
	if (level < UMK_READ_ONCE(printk_console_level))
		umk_arch_console_write(line, len);
}

void umk_printk(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	umk_vprintk(level, fmt, ap);
	va_end(ap);
}

void umk_console_vprintf(const char *fmt, va_list ap)
{
	char line[PRINTK_LINE_MAX];
	int n = umk_vsnprintf(line, sizeof(line), fmt, ap);

	umk_arch_console_write(line, UMK_MIN((size_t)n, sizeof(line) - 1));
}

void umk_console_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	umk_console_vprintf(fmt, ap);
	va_end(ap);
}

/*
 * The newest bytes that fit, oldest first. A line cut at the start (by
 * the ring wrapping or by len) is dropped, so the copy starts on a line.
 */
size_t umk_dmesg(char *buf, size_t len)
{
	const size_t mask = UMK_LOG_BUF_SIZE - 1;
	unsigned long flags;
	size_t start, avail, n = 0;

	flags = umk_spin_lock_irqsave(&printk_lock);
	avail = umk_log_len;
	start = (umk_log_head - avail) & mask;
	if (avail > len) {
		start = (start + avail - len) & mask;
		avail = len;
	}
	/*
	 * Cut when len dropped older bytes and the byte before is not a
	 * newline, or when a full ring starts with the oldest byte (the byte
	 * "before" it is then the newest, which says nothing).
	 */
	if (avail < umk_log_len ? umk_log_buf[(start - 1) & mask] != '\n'
				: umk_log_len == mask + 1) {
		while (avail && umk_log_buf[start] != '\n') {
			start = (start + 1) & mask;
			avail--;
		}
		if (avail) { /* skip the newline that ends the cut line */
			start = (start + 1) & mask;
			avail--;
		}
	}
	while (n < avail) {
		size_t chunk = UMK_MIN(avail - n, mask + 1 - start);

		umk_memcpy(buf + n, umk_log_buf + start, chunk);
		start = (start + chunk) & mask;
		n += chunk;
	}
	umk_spin_unlock_irqrestore(&printk_lock, flags);
	return n;
}

void umk_set_loglevel(int level)
{
	if (level < 0)
		level = 0;
	if (level > UMK_LOG_DEBUG + 1)
		level = UMK_LOG_DEBUG + 1;
	UMK_WRITE_ONCE(printk_console_level, level);
}

int umk_get_loglevel(void)
{
	return UMK_READ_ONCE(printk_console_level);
}

/* loglevel=N on the command line overrides CONFIG_DEFAULT_LOGLEVEL. */
static int printk_init(void)
{
	const char *s = umk_cmdline_get("loglevel");
	unsigned long long v;

	if (s && umk_parse_size(s, &v) == 0 && v <= UMK_LOG_DEBUG + 1)
		umk_set_loglevel((int)v);
	else if (s)
		umk_pr_warn("printk: ignoring bad loglevel=%s\n", s);
	return 0;
}
umk_early_initcall(printk_init);
