/* Freestanding string helpers, size parsing, glob matching, strerror. */
#include <umk/ktest.h>
#include <umk/errno.h>
#include <umk/string.h>

static void str_mem_copy_move_set(struct umk_ktest *t)
{
	char buf[32], src[] = "0123456789";
	int i;

	UMK_EXPECT_TRUE(t, umk_memcpy(buf, src, sizeof(src)) == buf);
	UMK_EXPECT_STREQ(t, buf, "0123456789");
	/* Overlap, both directions. */
	umk_memmove(buf + 2, buf, 8);
	UMK_EXPECT_EQ(t, umk_memcmp(buf, "0101234567", 10), 0);
	umk_memcpy(buf, src, sizeof(src));
	umk_memmove(buf, buf + 3, 7);
	UMK_EXPECT_EQ(t, umk_memcmp(buf, "3456789789", 10), 0);
	umk_memset(buf, 'x', 5);
	for (i = 0; i < 5; i++)
		UMK_EXPECT_EQ(t, buf[i], 'x');
	UMK_EXPECT_EQ(t, buf[5], '8');
	umk_memset(buf, 0x1ff, 1); /* converted to unsigned char */
	UMK_EXPECT_EQ(t, (unsigned char)buf[0], 0xff);
}

static void str_memcmp_sign(struct umk_ktest *t)
{
	const unsigned char a[] = { 1, 2, 0x80 }, b[] = { 1, 2, 0x7f };

	UMK_EXPECT_GT(t, umk_memcmp(a, b, 3), 0);
	UMK_EXPECT_LT(t, umk_memcmp(b, a, 3), 0);
	UMK_EXPECT_EQ(t, umk_memcmp(a, b, 2), 0);
	UMK_EXPECT_EQ(t, umk_memcmp(a, b, 0), 0);
}

static void str_lengths_and_compare(struct umk_ktest *t)
{
	UMK_EXPECT_EQ(t, umk_strlen(""), 0);
	UMK_EXPECT_EQ(t, umk_strlen("hello"), 5);
	UMK_EXPECT_EQ(t, umk_strnlen("hello", 3), 3);
	UMK_EXPECT_EQ(t, umk_strnlen("hi", 10), 2);
	UMK_EXPECT_EQ(t, umk_strcmp("abc", "abc"), 0);
	UMK_EXPECT_LT(t, umk_strcmp("abc", "abd"), 0);
	UMK_EXPECT_GT(t, umk_strcmp("abcd", "abc"), 0);
	UMK_EXPECT_LT(t, umk_strcmp("", "a"), 0);
	UMK_EXPECT_GT(t, umk_strcmp("\xff", "a"), 0); /* unsigned compare */
	UMK_EXPECT_EQ(t, umk_strncmp("abcX", "abcY", 3), 0);
	UMK_EXPECT_LT(t, umk_strncmp("abcX", "abcY", 4), 0);
	UMK_EXPECT_EQ(t, umk_strncmp("ab", "ab", 10), 0);
	UMK_EXPECT_EQ(t, umk_strncmp("a", "b", 0), 0);
}

static void str_strchr(struct umk_ktest *t)
{
	const char *s = "hello";

	UMK_EXPECT_TRUE(t, umk_strchr(s, 'l') == s + 2);
	UMK_EXPECT_TRUE(t, umk_strchr(s, 'z') == NULL);
	UMK_EXPECT_TRUE(t, umk_strchr(s, '\0') == s + 5);
	UMK_EXPECT_TRUE(t, umk_strchr(s, 'h') == s);
}

static void str_strlcpy_truncates(struct umk_ktest *t)
{
	char buf[6];

	UMK_EXPECT_EQ(t, umk_strlcpy(buf, "hi", sizeof(buf)), 2);
	UMK_EXPECT_STREQ(t, buf, "hi");
	UMK_EXPECT_EQ(t, umk_strlcpy(buf, "hello world", sizeof(buf)), 11);
	UMK_EXPECT_STREQ(t, buf, "hello");
	buf[0] = 'q';
	UMK_EXPECT_EQ(t, umk_strlcpy(buf, "abc", 0), 3);
	UMK_EXPECT_EQ(t, buf[0], 'q'); /* size 0 writes nothing */
	UMK_EXPECT_EQ(t, umk_strlcpy(buf, "abc", 1), 3);
	UMK_EXPECT_EQ(t, buf[0], '\0');
}

static void str_parse_size(struct umk_ktest *t)
{
	unsigned long long v = 7;

	UMK_EXPECT_EQ(t, umk_parse_size("0", &v), 0);
	UMK_EXPECT_EQ(t, v, 0);
	UMK_EXPECT_EQ(t, umk_parse_size("123", &v), 0);
	UMK_EXPECT_EQ(t, v, 123);
	UMK_EXPECT_EQ(t, umk_parse_size("4k", &v), 0);
	UMK_EXPECT_EQ(t, v, 4096);
	UMK_EXPECT_EQ(t, umk_parse_size("64M", &v), 0);
	UMK_EXPECT_EQ(t, v, 64ULL << 20);
	UMK_EXPECT_EQ(t, umk_parse_size("2G", &v), 0);
	UMK_EXPECT_EQ(t, v, 2ULL << 30);
	UMK_EXPECT_EQ(t, umk_parse_size("3T", &v), 0);
	UMK_EXPECT_EQ(t, v, 3ULL << 40);
	v = 99;
	UMK_EXPECT_EQ(t, umk_parse_size("", &v), -UMK_EINVAL);
	UMK_EXPECT_EQ(t, umk_parse_size("M", &v), -UMK_EINVAL);
	UMK_EXPECT_EQ(t, umk_parse_size("12MB", &v), -UMK_EINVAL);
	UMK_EXPECT_EQ(t, umk_parse_size("-1", &v), -UMK_EINVAL);
	UMK_EXPECT_EQ(t, umk_parse_size(" 1", &v), -UMK_EINVAL);
	UMK_EXPECT_EQ(t, umk_parse_size(NULL, &v), -UMK_EINVAL);
	UMK_EXPECT_EQ(t, umk_parse_size("99999999999999999999", &v), -UMK_ERANGE);
	UMK_EXPECT_EQ(t, umk_parse_size("17179869184G", &v), -UMK_ERANGE);
	UMK_EXPECT_EQ(t, v, 99); /* untouched on error */
	UMK_EXPECT_EQ(t, umk_parse_size("18446744073709551615", &v), 0);
	UMK_EXPECT_EQ(t, v, ~0ULL);
}

static bool str_glob(const char *p, const char *s)
{
	return umk_glob_match(p, umk_strlen(p), s, umk_strlen(s));
}

static void str_glob_match(struct umk_ktest *t)
{
	UMK_EXPECT_TRUE(t, str_glob("*", ""));
	UMK_EXPECT_TRUE(t, str_glob("*", "anything"));
	UMK_EXPECT_TRUE(t, str_glob("", ""));
	UMK_EXPECT_FALSE(t, str_glob("", "a"));
	UMK_EXPECT_TRUE(t, str_glob("h?llo", "hello"));
	UMK_EXPECT_FALSE(t, str_glob("h?llo", "hllo"));
	UMK_EXPECT_TRUE(t, str_glob("h*llo", "heeeello"));
	UMK_EXPECT_TRUE(t, str_glob("h*llo", "hllo"));
	UMK_EXPECT_TRUE(t, str_glob("*llo", "hello"));
	UMK_EXPECT_FALSE(t, str_glob("*llo", "hellox"));
	UMK_EXPECT_TRUE(t, str_glob("a*b*c", "axxbyyc"));
	UMK_EXPECT_FALSE(t, str_glob("a*b*c", "axxbyy"));
	UMK_EXPECT_TRUE(t, str_glob("a*b", "abab")); /* needs backtracking */
	UMK_EXPECT_TRUE(t, str_glob("h[ae]llo", "hallo"));
	UMK_EXPECT_FALSE(t, str_glob("h[ae]llo", "hillo"));
	UMK_EXPECT_TRUE(t, str_glob("h[^e]llo", "hallo"));
	UMK_EXPECT_FALSE(t, str_glob("h[^e]llo", "hello"));
	UMK_EXPECT_TRUE(t, str_glob("[a-c]x", "bx"));
	UMK_EXPECT_FALSE(t, str_glob("[a-c]x", "dx"));
	UMK_EXPECT_TRUE(t, str_glob("[c-a]x", "bx")); /* reversed range */
	UMK_EXPECT_TRUE(t, str_glob("\\*", "*"));
	UMK_EXPECT_FALSE(t, str_glob("\\*", "a"));
	UMK_EXPECT_TRUE(t, str_glob("[\\]]", "]"));
	UMK_EXPECT_TRUE(t, str_glob("user:*:name", "user:1000:name"));
	UMK_EXPECT_FALSE(t, str_glob("a", "ab"));
	/* Lengths, not NULs, bound both strings. */
	UMK_EXPECT_TRUE(t, umk_glob_match("abX", 2, "abY", 2));
	UMK_EXPECT_FALSE(t, umk_glob_match("a", 1, "a\0b", 3));
}

static void str_glob_is_not_exponential(struct umk_ktest *t)
{
	/* Recursive matchers take ages on this; the iterative one does not. */
	UMK_EXPECT_FALSE(t, str_glob("a*a*a*a*a*a*a*a*a*a*a*a*b",
				     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
}

static void str_strerror(struct umk_ktest *t)
{
	UMK_EXPECT_STREQ(t, umk_strerror(UMK_ENOMEM), "ENOMEM");
	UMK_EXPECT_STREQ(t, umk_strerror(-UMK_ETIMEDOUT), "ETIMEDOUT");
	UMK_EXPECT_STREQ(t, umk_strerror(UMK_EINVAL), "EINVAL");
	UMK_EXPECT_STREQ(t, umk_strerror(0x7fff), "E?");
}

static const struct umk_ktest_case str_cases[] = {
	UMK_KTEST_CASE(str_mem_copy_move_set),
	UMK_KTEST_CASE(str_memcmp_sign),
	UMK_KTEST_CASE(str_lengths_and_compare),
	UMK_KTEST_CASE(str_strchr),
	UMK_KTEST_CASE(str_strlcpy_truncates),
	UMK_KTEST_CASE(str_parse_size),
	UMK_KTEST_CASE(str_glob_match),
	UMK_KTEST_CASE(str_glob_is_not_exponential),
	UMK_KTEST_CASE(str_strerror),
};
UMK_KTEST_SUITE(string, str_cases);
