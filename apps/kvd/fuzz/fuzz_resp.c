/*
 * libFuzzer target for kvd's RESP parser (apps/kvd/resp.c).
 *
 * The input is parsed twice: whole, and fed in chunks whose sizes come
 * from the input itself, through the same buffer discipline as the
 * client (drop each command once parsed, keep the rest, append the next
 * chunk). Both must produce the same commands with the same arguments
 * and end the same way: that checks the incremental state machine, and
 * ASan/UBSan check every access. Small limits reach the error paths.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "apps/kvd/resp.h"

static const struct resp_limits fuzz_limits = { .max_bulk = 4096, .max_inline = 512 };

struct fuzz_trace {
	uint64_t hash; /* of every command's arguments, in order */
	unsigned int cmds;
	int end;       /* RESP_MORE or RESP_ERR */
	const char *error;
};

static uint64_t fuzz_mix(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

static void fuzz_check_cmd(const struct resp_parser *p, const char *buf,
			   size_t len, struct fuzz_trace *t)
{
	if (p->pos == 0 || p->pos > len)
		abort();
	t->hash = fuzz_mix(t->hash, &p->argc, sizeof(p->argc));
	for (unsigned int i = 0; i < p->argc; i++) {
		const struct resp_arg *a = &p->argv[i];

		if ((size_t)a->off + a->len > p->pos)
			abort(); /* an argument outside its command */
		t->hash = fuzz_mix(t->hash, &a->len, sizeof(a->len));
		t->hash = fuzz_mix(t->hash, buf + a->off, a->len);
	}
	t->cmds++;
}

/* Parse data[0..n) arriving in chunks of the given sizes (cycled). */
static void fuzz_run(const uint8_t *data, size_t n, const uint8_t *sizes,
		     size_t nsizes, struct fuzz_trace *t)
{
	struct resp_parser p;
	char *buf = malloc(n + 1);
	size_t start = 0, end = 0, fed = 0, k = 0;

	resp_init(&p, &fuzz_limits);
	memset(t, 0, sizeof(*t));
	t->hash = 0xcbf29ce484222325ULL;
	for (;;) {
		enum resp_status st = resp_parse(&p, buf + start, end - start);

		if (st == RESP_CMD) {
			fuzz_check_cmd(&p, buf + start, end - start, t);
			start += p.pos;
			resp_reset(&p);
			continue;
		}
		if (st == RESP_ERR) {
			if (!p.error)
				abort();
			t->end = RESP_ERR;
			t->error = p.error;
			break;
		}
		if (resp_want(&p) && resp_want(&p) <= end - start)
			abort(); /* wanting bytes that are already there */
		if (fed == n) {
			t->end = RESP_MORE;
			break;
		}
		/* Like the client: move the current command to the front. */
		memmove(buf, buf + start, end - start);
		end -= start;
		start = 0;
		size_t chunk = nsizes ? (size_t)sizes[k++ % nsizes] % 64 + 1 : n;
		if (chunk > n - fed)
			chunk = n - fed;
		memcpy(buf + end, data + fed, chunk);
		end += chunk;
		fed += chunk;
	}
	resp_free(&p);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_trace whole, chunked;
	size_t nsizes = size ? data[0] % 8 : 0;

	if (size < 1 + nsizes)
		nsizes = 0;
	fuzz_run(data, size, NULL, 0, &whole);
	fuzz_run(data, size, data + 1, nsizes, &chunked);
	if (whole.cmds != chunked.cmds || whole.hash != chunked.hash ||
	    whole.end != chunked.end)
		abort(); /* chunking changed what was parsed */
	if (whole.end == RESP_ERR && strcmp(whole.error, chunked.error) != 0)
		abort();
	return 0;
}
