/*
 * A switch for the management and configuration harnesses: the state
 * switchd.c's main() builds, without sockets or a running loop.  The
 * harnesses link the real switchd.c, its main() renamed by run.sh, so
 * that switchd_resize(), switchd_reload() and the rest are the daemon's.
 */
#ifndef FUZZSD_H
#define FUZZSD_H

#include <stdio.h>

#include "switchd.h"

/* The real stderr, once fuzzsd_quiet() has sent the daemon's log away. */
extern FILE	*fuzzsd_err;

void	 fuzzsd_quiet(void);
void	 fuzzsd_init(struct switchd *, const char *conffile, uint32_t nports);
void	 fuzzsd_free(struct switchd *);
int	 fuzzsd_attach(struct switchd *, uint16_t num, const char *descr);

/* A file for conf_load(), which wants a path: memory, named via /proc. */
struct fuzzsd_file {
	int	 fd;		/* -1 until first set */
	char	 path[64];
};

void	 fuzzsd_file_set(struct fuzzsd_file *, const void *, size_t);

#endif
