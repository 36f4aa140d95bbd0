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

/* mgmt.c */
struct mgmt	*mgmt_new(struct sw *, struct attach *);
int		 mgmt_listen(struct mgmt *, const char *path, mode_t,
		    uid_t owner, gid_t group, char *err, size_t len);
void		 mgmt_start(struct mgmt *);
void		 mgmt_free(struct mgmt *);
char		*mgmt_request(struct mgmt *, const char *line, size_t len);

#endif
