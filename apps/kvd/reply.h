/*
 * A client's output buffer and RESP2 reply encoding. Replies of pipelined
 * commands accumulate here and leave in one write. The buffer grows up to
 * a limit; a reply that would pass it sets overflow, and the client turns
 * the partial reply into an error (kvd_out_truncate).
 */
#ifndef KVD_REPLY_H
#define KVD_REPLY_H

#include <umk/compiler.h>

struct kvd_out {
	char *buf;
	size_t len, cap;
	size_t limit;
	bool overflow; /* a reply did not fit under the limit */
};

void kvd_out_init(struct kvd_out *o, size_t limit);
void kvd_out_free(struct kvd_out *o);
/* Room for n more bytes, or NULL (overflow set). Advance with len += n. */
char *kvd_out_reserve(struct kvd_out *o, size_t n);
/* Drop what follows mark (the start of a reply) and clear overflow. */
void kvd_out_truncate(struct kvd_out *o, size_t mark);
/* Give back a large buffer after it was written. */
void kvd_out_shrink(struct kvd_out *o);

void kvd_reply_raw(struct kvd_out *o, const char *s, size_t n);
void kvd_reply_status(struct kvd_out *o, const char *s); /* +s */
void kvd_reply_ok(struct kvd_out *o);
/* "-" + msg, with CR/LF turned into spaces as Redis does. */
void kvd_reply_error(struct kvd_out *o, const char *msg);
void kvd_reply_errorf(struct kvd_out *o, const char *fmt, ...) UMK_PRINTF(2, 3);
void kvd_reply_int(struct kvd_out *o, long long v);
void kvd_reply_bulk(struct kvd_out *o, const char *s, size_t n);
void kvd_reply_cstr(struct kvd_out *o, const char *s);
void kvd_reply_null(struct kvd_out *o); /* $-1 */
void kvd_reply_array(struct kvd_out *o, long long n);
/* Writes the decimal form of v into buf (21 bytes); returns its length. */
size_t kvd_ll2str(char *buf, long long v);

/* Common error texts. */
#define KVD_ERR_NOTINT "ERR value is not an integer or out of range"
#define KVD_ERR_SYNTAX "ERR syntax error"
#define KVD_ERR_OOM "OOM command not allowed when used memory > 'maxmemory'."

#endif
