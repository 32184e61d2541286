/*
 * A connection. Each runs in its own umk task (client.c): it reads into
 * its input buffer with umk_read, executes every complete command there,
 * and writes all their replies with one umk_write before reading again.
 */
#ifndef KVD_CLIENT_H
#define KVD_CLIENT_H

#include "apps/kvd/kvd.h"
#include "apps/kvd/reply.h"
#include "apps/kvd/resp.h"

struct kvd_client {
	int fd;
	unsigned long long id;
	bool closing;        /* QUIT or a fatal error: close after writing */
	char *in;            /* input buffer: in[start..end) unparsed */
	size_t in_start, in_end, in_cap;
	struct resp_parser parser;
	struct kvd_arg *argv;
	unsigned int argv_cap;
	struct kvd_out out;
	unsigned long long commands; /* not yet added to kvd_stats */
};

/* The connection task's body: arg is the accepted fd (as intptr_t). */
int kvd_client_task(void *arg);

/* Execute one command (commands.c); replies go to c->out. */
void kvd_exec(struct kvd_client *c, unsigned int argc, struct kvd_arg *argv);
/* Number of commands in the table. */
unsigned int kvd_command_count(void);

/* info.c */
void kvd_cmd_info(struct kvd_client *c, unsigned int argc, struct kvd_arg *argv);
void kvd_cmd_config(struct kvd_client *c, unsigned int argc, struct kvd_arg *argv);

/*
 * Check a subcommand's word count (arity as in the command table); on a
 * mismatch reply Redis's "wrong number of arguments for 'config|get'".
 */
bool kvd_subcommand_arity(struct kvd_client *c, unsigned int argc, int arity,
			  const char *fullname);

/* Case-insensitive comparison of an argument with a lowercase word. */
bool kvd_arg_is(const struct kvd_arg *a, const char *word);

#endif
