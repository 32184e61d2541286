/* Freestanding string and memory helpers (the core links no libc). */
#ifndef UMK_STRING_H
#define UMK_STRING_H

#include <umk/compiler.h>

void *umk_memcpy(void *dst, const void *src, size_t n);
void *umk_memmove(void *dst, const void *src, size_t n);
void *umk_memset(void *dst, int c, size_t n);
int umk_memcmp(const void *a, const void *b, size_t n);
size_t umk_strlen(const char *s);
size_t umk_strnlen(const char *s, size_t max);
int umk_strcmp(const char *a, const char *b);
int umk_strncmp(const char *a, const char *b, size_t n);
char *umk_strchr(const char *s, int c);
/* Copy with truncation; always NUL-terminates when size > 0; returns strlen(src). */
size_t umk_strlcpy(char *dst, const char *src, size_t size);
/* Parse an unsigned number with optional K/M/G suffix; -EINVAL if malformed. */
int umk_parse_size(const char *s, unsigned long long *out);
/* glob match with * ? [...] and \ escapes, as Redis's KEYS uses. */
bool umk_glob_match(const char *pattern, size_t plen, const char *s, size_t slen);

#endif
