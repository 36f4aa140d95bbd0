/*
 * The management socket: one request per line, in the words of
 * switchd.conf(5) plus the show commands, one JSON object per reply line.
 * The protocol is described in switchctl(8).
 */
#ifndef MGMT_H
#define MGMT_H

#include <sys/types.h>

#include <stddef.h>

#include "mgmtproto.h"

#define MGMT_PROTOCOL		MGMTPROTO_VERSION
#define MGMT_LINE_MAX		MGMTPROTO_LINE_MAX
#define MGMT_CLIENTS_MAX	16
#define MGMT_IDLE		60.0

struct switchd;

int	 mgmt_listen(struct switchd *, const char *path, mode_t, gid_t);
void	 mgmt_start(struct switchd *);
void	 mgmt_close(struct switchd *);
char	*mgmt_request(struct switchd *, const char *line, size_t len);

#endif
