/* SPDX-License-Identifier: ISC */
/*
 * A switch port carried by a framed stream: a vdeconn on one side, a
 * link on the other, each holding back when the other is full. The link
 * may come and go (a TCP client reconnecting) while the port stays.
 */

#ifndef SESSION_H
#define SESSION_H

#include <stdint.h>

#include "link.h"
#include "vdeconn.h"

struct session {
	struct vdeconn	*vc;
	struct link	*lk;		/* NULL while the transport is down */
	uint64_t	 nolink;	/* frames from the switch, no link */
	/* The link ended (LINK_EOF...); the link is still there. */
	void		(*ended)(struct session *, int);
};

extern const struct vdeconn_cb	session_vdeconn_cb;
extern const struct link_cb	session_link_cb;

/* session.c */
void	session_link(struct session *, struct link *);
void	session_unlink(struct session *);

#endif /* SESSION_H */
