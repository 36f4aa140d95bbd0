/*
 * The daemon's state, shared by its I/O modules.  The forwarding decision
 * itself lives in fwd.c and knows nothing of what is declared here.
 */
#ifndef SWITCHD_H
#define SWITCHD_H

#include <sys/queue.h>
#include <sys/types.h>
#include <sys/un.h>

#include <ev.h>
#include <limits.h>
#include <stdint.h>

#include "fwd.h"
#include "log.h"

#define SWITCHD_QLEN_DEFAULT	256
#define SWITCHD_TAPS_MAX	16

struct port;
struct pending;
struct mclient;

struct portcfg {
	uid_t		 uid;		/* (uid_t)-1: anyone may attach */
	gid_t		 gid;		/* (gid_t)-1: any group */
};

struct switchd {
	struct ev_loop	*loop;
	struct fwd	*fwd;
	struct port	**ports;	/* by port number */
	struct portcfg	*portcfg;	/* by port number, outlives ports */
	uint32_t	 nports;
	uint32_t	 qlen;		/* egress queue limit, frames */
	ev_tstamp	 started;

	/* The attach (VDE control) socket. */
	char		 dir[PATH_MAX];
	char		 ctlpath[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int		 ctlfd;
	mode_t		 mode;		/* of the sockets; DIR gets x bits */
	gid_t		 sockgid;	/* (gid_t)-1: leave as is */
	uid_t		 runuid;	/* who the daemon runs as */
	gid_t		 rungid;
	ev_io		 ctl_w;
	ev_timer	 ctl_pause_w;
	uint32_t	 pending;	/* attach requests being read */
	LIST_HEAD(, pending) pendings;
	uint64_t	 attach_refused;

	/* The management socket and its clients. */
	char		 mgmtpath[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int		 mgmtfd;
	ev_io		 mgmt_w;
	ev_timer	 mgmt_pause_w;
	uint32_t	 nmclients;
	LIST_HEAD(, mclient) mclients;

	/* What a reload applies: the file, then the command-line settings. */
	const char	*conffile;
	char		**settings;
	int		 nsettings;

	ev_timer	 age_w;
	ev_signal	 sigint_w, sigterm_w, sighup_w;
	struct log_ratelim attach_rl;
};

uint32_t	 switchd_now(struct switchd *);
int		 switchd_resize(struct switchd *, uint32_t nports);
void		 switchd_aging_timer(struct switchd *);
int		 switchd_reload(struct switchd *);

#endif
