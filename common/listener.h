/* SPDX-License-Identifier: ISC */
/*
 * A listening socket in a libev loop that accepts with a reserve: while
 * fewer than `reserve` descriptors are left, or accept() itself runs out
 * of them, it stops accepting for a second instead of spinning, and a
 * connection it cannot afford is closed at once.  Every listener of
 * switchd and switchplug goes through it.
 */
#ifndef LISTENER_H
#define LISTENER_H

#include <sys/socket.h>

#include <ev.h>

struct listener;

/* A new connection, non-blocking and close-on-exec. */
typedef void	(*listener_cb)(struct listener *, int fd,
		    const struct sockaddr *, socklen_t);

struct listener {
	struct ev_loop	*loop;
	int		 fd;
	unsigned int	 reserve;
	int		 held;		/* the owner wants no more for now */
	const char	*name;		/* for the log */
	listener_cb	 cb;
	ev_io		 io;
	ev_timer	 pause;
};

/* listener.c */
void	listener_init(struct listener *, struct ev_loop *, int fd,
	    unsigned int reserve, const char *name, listener_cb);
void	listener_start(struct listener *);
void	listener_hold(struct listener *, int on);
void	listener_close(struct listener *);

#endif
