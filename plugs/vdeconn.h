/* SPDX-License-Identifier: ISC */
/*
 * One port of a switch, attached the way QEMU and libvdeplug attach
 * (switchd(8), PROTOCOL): a control stream that lives as long as the
 * port, and a datagram socket that carries one frame per datagram.
 */

#ifndef VDECONN_H
#define VDECONN_H

#include <stddef.h>
#include <stdint.h>

#include <ev.h>

struct plug_opts;
struct vdeconn;

struct vdeconn_cb {
	/* A frame from the switch, FRAME_MIN to FRAME_MAX bytes. */
	void	(*frame)(void *, const unsigned char *, size_t);
	/* The queue towards the switch emptied: input may resume. */
	void	(*drained)(void *);
	/* Log the transport's own counters (SIGUSR1, exit with -v). */
	void	(*stats)(void *);
};

/* Why vdeconn_open() failed. */
#define VDECONN_ABSENT	1	/* no switch listens in the directory */
#define VDECONN_REFUSED	2	/* the switch said no, or never answered */

/* Frames waiting for room in the switch's socket, at most. */
#define VDECONN_QMAX	256

/* vdeconn.c */
struct vdeconn	*vdeconn_open(struct ev_loop *, const struct plug_opts *,
		    const char *, const struct vdeconn_cb *, void *, int *);
void		 vdeconn_close(struct vdeconn *);
int		 vdeconn_send(struct vdeconn *, const unsigned char *, size_t);
int		 vdeconn_busy(const struct vdeconn *);
void		 vdeconn_pause(struct vdeconn *, int);
const char	*vdeconn_label(const struct vdeconn *);
void		 vdeconn_stats_all(void);

#endif /* VDECONN_H */
