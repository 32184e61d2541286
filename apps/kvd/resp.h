/*
 * RESP2 request parser: multibulk ("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n") and
 * inline ("GET k\r\n") commands, incremental and zero-copy.
 *
 * The caller keeps the bytes of the current command in one buffer that
 * starts at the command's first byte and calls resp_parse() each time
 * more bytes arrive. Arguments are offsets into that buffer, so the
 * caller may move or grow it between calls (a pointer would dangle).
 * Inline arguments with quotes are unescaped in place: the decoded text
 * is never longer than its source.
 *
 * Everything is bounded: a bulk longer than max_bulk, a count line or an
 * inline line longer than max_inline without its newline, or a count out
 * of range is a protocol error, worded as Redis words it; the caller
 * replies "-ERR Protocol error: ..." and drops the connection.
 */
#ifndef KVD_RESP_H
#define KVD_RESP_H

#include <umk/compiler.h>

struct resp_limits {
	size_t max_bulk;   /* longest bulk string accepted */
	size_t max_inline; /* longest inline line or count line */
};

struct resp_arg {
	uint32_t off; /* from the command's first byte */
	uint32_t len;
};

enum resp_status {
	RESP_MORE, /* the command is not complete: feed more bytes */
	RESP_CMD,  /* a command: argv[0..argc), it spans buf[0..pos) */
	RESP_ERR,  /* protocol error: see error, then close */
};

struct resp_parser {
	const struct resp_limits *lim;
	size_t pos;        /* bytes of the command consumed so far */
	size_t scan;       /* where the newline search resumes */
	long long nbulk;   /* arguments still expected (multibulk) */
	long long bulklen; /* length of the bulk being read, -1: header */
	char kind;         /* 0: not known yet, '*': multibulk, 'i': inline */
	unsigned int argc, cap;
	struct resp_arg *argv;
	char errbuf[64];
	const char *error; /* after RESP_ERR: the text after "-ERR " */
};

void resp_init(struct resp_parser *p, const struct resp_limits *lim);
/* Frees the argument array. */
void resp_free(struct resp_parser *p);
/*
 * Parse buf[0..len), the bytes of the current command so far (len never
 * shrinks between calls for one command). After RESP_CMD the caller
 * drops buf[0..p->pos) and calls resp_reset(). A command with no
 * arguments ("*0\r\n", an empty line) is RESP_CMD with argc 0.
 */
enum resp_status resp_parse(struct resp_parser *p, char *buf, size_t len);
void resp_reset(struct resp_parser *p);
/*
 * How many bytes, from the command's first byte, the buffer must hold
 * for the element being parsed to complete (a bulk's header, data and
 * CRLF), or 0 when unknown: a hint for growing the buffer at once.
 */
size_t resp_want(const struct resp_parser *p);

/*
 * Strict decimal as Redis's string2ll: optional '-', no '+', no spaces,
 * no leading zeros, fits a long long. True when s[0..n) is one.
 */
bool resp_strtoll(const char *s, size_t n, long long *out);

#endif
