/* umk_snprintf formatting, the log ring buffer and log levels. */
#include <umk/ktest.h>
#include <umk/config.h>
#include <umk/printk.h>
#include <umk/slab.h>
#include <umk/string.h>

/* Format into a buffer and compare with the expected text and length. */
#define PK_CHECK(t, want, ...)                                               \
	do {                                                                 \
		char pk__buf[128];                                           \
		int pk__n = umk_snprintf(pk__buf, sizeof(pk__buf), __VA_ARGS__); \
		UMK_EXPECT_STREQ(t, pk__buf, want);                          \
		UMK_EXPECT_EQ(t, pk__n, (int)umk_strlen(want));              \
	} while (0)

static void pk_integers(struct umk_ktest *t)
{
	PK_CHECK(t, "0", "%d", 0);
	PK_CHECK(t, "-42", "%d", -42);
	PK_CHECK(t, "-2147483648", "%d", (int)0x80000000);
	PK_CHECK(t, "2147483647", "%i", 0x7fffffff);
	PK_CHECK(t, "4294967295", "%u", 0xffffffffu);
	PK_CHECK(t, "-9223372036854775808", "%lld", (long long)0x8000000000000000ULL);
	PK_CHECK(t, "18446744073709551615", "%llu", ~0ULL);
	PK_CHECK(t, "-1", "%ld", -1L);
	PK_CHECK(t, "12345", "%zu", (size_t)12345);
	PK_CHECK(t, "-5", "%zd", (long)-5);
	PK_CHECK(t, "255 127", "%hhu %hd", (unsigned char)0xff, (short)127);
	PK_CHECK(t, "-1 -2", "%hhd %hd", (signed char)-1, (short)-2);
}

static void pk_hex_and_pointers(struct umk_ktest *t)
{
	PK_CHECK(t, "ff", "%x", 255);
	PK_CHECK(t, "FF", "%X", 255);
	PK_CHECK(t, "deadbeefcafe", "%lx", 0xdeadbeefcafeUL);
	PK_CHECK(t, "0x1f", "%#x", 31);
	PK_CHECK(t, "0", "%#x", 0);
	PK_CHECK(t, "17", "%o", 15);
	PK_CHECK(t, "0x1000", "%p", (void *)0x1000);
	PK_CHECK(t, "0x0", "%p", (void *)0);
}

static void pk_width_flags_precision(struct umk_ktest *t)
{
	PK_CHECK(t, "   42", "%5d", 42);
	PK_CHECK(t, "42   |", "%-5d|", 42);
	PK_CHECK(t, "00042", "%05d", 42);
	PK_CHECK(t, "-0042", "%05d", -42);
	PK_CHECK(t, "+42", "%+d", 42);
	PK_CHECK(t, " 42", "% d", 42);
	PK_CHECK(t, "  007", "%5.3d", 7);
	PK_CHECK(t, "", "%.0d", 0);
	PK_CHECK(t, "0000ff", "%06x", 255);
	PK_CHECK(t, "0x00ff", "%#06x", 255);
	PK_CHECK(t, "    7", "%*d", 5, 7);
	PK_CHECK(t, "7    |", "%*d|", -5, 7);
	PK_CHECK(t, "  42", "%4d", 42);
	PK_CHECK(t, "12345", "%2d", 12345); /* width is a minimum */
}

/* Not a constant, so the compiler does not reject printing it. */
static const char *volatile pk_null_string;

static void pk_strings_and_chars(struct umk_ktest *t)
{
	PK_CHECK(t, "hello", "%s", "hello");
	PK_CHECK(t, "(null)", "%s", pk_null_string);
	PK_CHECK(t, "hel", "%.3s", "hello");
	PK_CHECK(t, "hi", "%.10s", "hi");
	PK_CHECK(t, "   hi", "%5s", "hi");
	PK_CHECK(t, "hi   |", "%-5s|", "hi");
	PK_CHECK(t, "ab", "%.*s", 2, "abcdef");
	PK_CHECK(t, "x", "%c", 'x');
	PK_CHECK(t, "  x", "%3c", 'x');
	PK_CHECK(t, "100%", "%d%%", 100);
	PK_CHECK(t, "a=1 b=two c=3", "a=%d b=%s c=%c", 1, "two", '3');
}

static void pk_truncation(struct umk_ktest *t)
{
	char buf[8];
	int n;

	umk_memset(buf, 'Z', sizeof(buf));
	n = umk_snprintf(buf, sizeof(buf), "%s", "0123456789");
	UMK_EXPECT_EQ(t, n, 10); /* the length it would have had */
	UMK_EXPECT_STREQ(t, buf, "0123456");
	n = umk_snprintf(buf, sizeof(buf), "%d-%d", 1234, 5678);
	UMK_EXPECT_EQ(t, n, 9);
	UMK_EXPECT_STREQ(t, buf, "1234-56");
	umk_memset(buf, 'Z', sizeof(buf));
	n = umk_snprintf(buf, 1, "abc");
	UMK_EXPECT_EQ(t, n, 3);
	UMK_EXPECT_EQ(t, buf[0], '\0');
	UMK_EXPECT_EQ(t, buf[1], 'Z');
	n = umk_snprintf(buf, 0, "abc%d", 12);
	UMK_EXPECT_EQ(t, n, 5);
	UMK_EXPECT_EQ(t, buf[0], '\0'); /* size 0: nothing written */
	n = umk_snprintf(buf, sizeof(buf), "%-20s|", "x");
	UMK_EXPECT_EQ(t, n, 21);
	UMK_EXPECT_STREQ(t, buf, "x      ");
}

static void pk_loglevel(struct umk_ktest *t)
{
	int old = umk_get_loglevel();

	umk_set_loglevel(2);
	UMK_EXPECT_EQ(t, umk_get_loglevel(), 2);
	umk_set_loglevel(-3);
	UMK_EXPECT_EQ(t, umk_get_loglevel(), 0);
	umk_set_loglevel(old);
	UMK_EXPECT_EQ(t, umk_get_loglevel(), old);
}

/* Find needle in [hay, hay + n). */
static const char *pk_find(const char *hay, size_t n, const char *needle)
{
	size_t k = umk_strlen(needle), i;

	for (i = 0; i + k <= n; i++)
		if (!umk_memcmp(hay + i, needle, k))
			return hay + i;
	return NULL;
}

static void pk_dmesg_keeps_messages(struct umk_ktest *t)
{
	size_t size = 1UL << CONFIG_LOG_BUF_SHIFT, n;
	char *buf = umk_kmalloc(size);
	const char *a, *b;

	UMK_ASSERT_NOT_NULL(t, buf);
	umk_printk(UMK_LOG_DEBUG, "pk-marker-alpha %d", 1);
	umk_printk(UMK_LOG_DEBUG, "pk-marker-beta %s\n", "two");
	n = umk_dmesg(buf, size);
	UMK_EXPECT_GT(t, n, 0);
	a = pk_find(buf, n, "pk-marker-alpha 1\n"); /* newline added */
	b = pk_find(buf, n, "pk-marker-beta two\n");
	UMK_EXPECT_TRUE(t, a && b && a < b);
	/* Each record is one line with a "[sec.usec] " stamp. */
	UMK_EXPECT_TRUE(t, a && a - buf >= 16 && a[-1] == ' ' && a[-2] == ']');
	/* A small buffer gets the newest bytes, starting on a line. */
	n = umk_dmesg(buf, 64);
	UMK_EXPECT_LE(t, n, 64);
	UMK_EXPECT_TRUE(t, n > 0 && buf[0] == '[' && buf[n - 1] == '\n');
	UMK_EXPECT_TRUE(t, pk_find(buf, n, "pk-marker-beta two\n") != NULL);
	umk_kfree(buf);
}

/* Parse the number after "pk-wrap " in a line; -1 if not such a line. */
static long pk_wrap_number(const char *line, const char *end)
{
	const char *p = pk_find(line, (size_t)(end - line), "pk-wrap ");
	long v = 0;

	if (!p)
		return -1;
	for (p += 8; p < end && *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (*p - '0');
	return v;
}

static void pk_dmesg_ring_wraps(struct umk_ktest *t)
{
	size_t size = 1UL << CONFIG_LOG_BUF_SHIFT, n;
	long i, total = (long)(size / 16) + 100, expect = -1, seen = 0;
	char *buf = umk_kmalloc(size + 1);
	const char *line, *p;

	UMK_ASSERT_NOT_NULL(t, buf);
	/* Far more than fits: the ring must wrap several times. */
	for (i = 0; i < total; i++)
		umk_printk(UMK_LOG_DEBUG, "pk-wrap %ld padding-padding", i);
	n = umk_dmesg(buf, size + 1);
	UMK_EXPECT_LE(t, n, size);
	UMK_EXPECT_GT(t, n, size / 2);
	UMK_ASSERT_TRUE(t, n > 0 && buf[0] == '[');
	UMK_EXPECT_EQ(t, buf[n - 1], '\n');
	/* Whole lines, consecutive numbers, ending with the last one. */
	for (line = buf; line < buf + n; line = p + 1) {
		long v;

		for (p = line; p < buf + n && *p != '\n'; p++)
			;
		v = pk_wrap_number(line, p);
		if (v < 0)
			continue; /* someone else's message */
		if (expect >= 0)
			UMK_EXPECT_EQ(t, v, expect);
		expect = v + 1;
		seen++;
	}
	UMK_EXPECT_EQ(t, expect, total);
	UMK_EXPECT_GT(t, seen, 10);
	umk_kfree(buf);
}

static void pk_long_message_is_cut(struct umk_ktest *t)
{
	size_t size = 1UL << CONFIG_LOG_BUF_SHIFT, n;
	char *big = umk_kmalloc(2000), *buf = umk_kmalloc(size);
	const char *p;

	UMK_ASSERT_NOT_NULL(t, big);
	UMK_ASSERT_NOT_NULL(t, buf);
	umk_memset(big, 'q', 1999);
	big[1999] = '\0';
	umk_printk(UMK_LOG_DEBUG, "pk-long %s", big);
	n = umk_dmesg(buf, size);
	p = pk_find(buf, n, "pk-long q");
	UMK_ASSERT_NOT_NULL(t, p);
	/* Cut at the line limit, still ending in a newline. */
	while (p < buf + n && *p != '\n')
		p++;
	UMK_EXPECT_TRUE(t, p < buf + n);
	UMK_EXPECT_LT(t, p - pk_find(buf, n, "pk-long q"), 512);
	umk_kfree(big);
	umk_kfree(buf);
}

static const struct umk_ktest_case pk_cases[] = {
	UMK_KTEST_CASE(pk_integers),
	UMK_KTEST_CASE(pk_hex_and_pointers),
	UMK_KTEST_CASE(pk_width_flags_precision),
	UMK_KTEST_CASE(pk_strings_and_chars),
	UMK_KTEST_CASE(pk_truncation),
	UMK_KTEST_CASE(pk_loglevel),
	UMK_KTEST_CASE(pk_dmesg_keeps_messages),
	UMK_KTEST_CASE(pk_dmesg_ring_wraps),
	UMK_KTEST_CASE(pk_long_message_is_cut),
};
UMK_KTEST_SUITE(printk, pk_cases);
