/* SPDX-License-Identifier: ISC */
/*
 * switchctl's commands: one function each, in a static table.  Each
 * checks its arguments before anything is sent, builds the request line
 * of the management protocol and prints the reply.
 */
#ifndef CMD_H
#define CMD_H

#include <stdio.h>

struct client;

struct cmd_env {
	struct client	*client;
	int		 json;		/* -j: print replies as JSON */
	int		 full;		/* -l: every column of ports */
};

/* cmd.c */
int	cmd_run(struct cmd_env *, int argc, char **argv);
void	cmd_list(FILE *);

#endif
