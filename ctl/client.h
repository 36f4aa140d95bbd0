/* SPDX-License-Identifier: ISC */
/*
 * switchctl's side of the management socket (switchctl(8), PROTOCOL):
 * connect, check the greeting, send one request line, read one JSON
 * reply line.
 */
#ifndef CLIENT_H
#define CLIENT_H

#include "mgmtproto.h"

#include <stddef.h>

#include <json-c/json.h>

#define CLIENT_PROTOCOL		MGMTPROTO_VERSION
#define CLIENT_LINE_MAX		MGMTPROTO_LINE_MAX
#define CLIENT_TIMEOUT		10	/* seconds to wait for a reply */

struct client {
	int		 fd;
	const char	*path;
	const char	*hint;		/* what to do when none answers */
	char		*buf;		/* bytes read, up to a newline */
	size_t		 len;
	size_t		 cap;
};

/* client.c */
void		 client_init(struct client *, const char *path,
		    const char *hint);
json_object	*client_call(struct client *, const char *request);
void		 client_close(struct client *);
int		 client_fd(const struct client *);
size_t		 client_rest(struct client *, void *, size_t);

#endif
