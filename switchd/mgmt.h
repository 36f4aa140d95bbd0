/* SPDX-License-Identifier: ISC */
/*
 * The management socket: one request per line, in the words of
 * switchd.conf(5) plus the show commands, one JSON object per reply line.
 * The protocol is described in switchctl(8), PROTOCOL.
 */
#ifndef MGMT_H
#define MGMT_H

#include <sys/types.h>

#include <stddef.h>

#include "mgmtproto.h"

#define MGMT_PROTOCOL		MGMTPROTO_VERSION
#define MGMT_LINE_MAX		MGMTPROTO_LINE_MAX
#define MGMT_CLIENTS_MAX	16
#define MGMT_CLIENTS_USER	4	/* of them, one user's (root aside) */
#define MGMT_IDLE		60.0

struct attach;
struct mgmt;
struct sw;

/*
 * What a request needs, and the most a client may do.  Anyone who can
 * connect may look; root, the user the switch runs as and the members
 * of its admin group (switchd -A) may change it too.
 */
enum mgmt_level {
	MGMT_NONE,		/* a request left without one: refused */
	MGMT_LOOK,		/* the show commands */
	MGMT_CHANGE		/* everything that changes the switch */
};

/* Who sent a request, as the kernel said when it connected. */
struct mgmt_peer {
	uid_t		 uid;
	pid_t		 pid;
	enum mgmt_level	 level;		/* the most it may do */
};

/* mgmt.c */
struct mgmt	*mgmt_new(struct sw *, struct attach *);
void		 mgmt_admins(struct mgmt *, uid_t runuid, gid_t group);
enum mgmt_level	 mgmt_level(const struct mgmt *, uid_t, gid_t,
		    const gid_t *groups, int ngroups);
int		 mgmt_command(size_t, const char **name, const char **sub,
		    int *argc, enum mgmt_level *);
int		 mgmt_listen(struct mgmt *, int dirfd, const char *path,
		    mode_t, uid_t owner, gid_t group, char *err, size_t len);
void		 mgmt_start(struct mgmt *);
void		 mgmt_free(struct mgmt *);
char		*mgmt_request(struct mgmt *, const struct mgmt_peer *,
		    const char *line, size_t len);

#endif
