/* SPDX-License-Identifier: ISC */
/*
 * A switch for the management and configuration harnesses: sw_new() as
 * switchd's main() calls it, without sockets or a running loop, and a
 * check that its configuration and its tables agree.
 */
#ifndef FUZZSD_H
#define FUZZSD_H

#include <stdio.h>

#include "sw.h"

/* The real stderr, once fuzzsd_quiet() has sent the daemon's log away. */
extern FILE	*fuzzsd_err;

void		 fuzzsd_quiet(void);
struct sw	*fuzzsd_new(uint32_t nports);
void		 fuzzsd_free(struct sw *);
int		 fuzzsd_attach(struct sw *, uint16_t num, const char *descr);
void		 fuzzsd_check(const struct sw *);
char		*fuzzsd_dump(const struct sw *);

/* A file for conf_load(), which wants a path: memory, named via /proc. */
struct fuzzsd_file {
	int	 fd;		/* -1 until first set */
	char	 path[64];
};

void	 fuzzsd_file_set(struct fuzzsd_file *, const void *, size_t);

#endif
