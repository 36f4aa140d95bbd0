/* SPDX-License-Identifier: ISC */
/*
 * A byte stream carrying length-prefixed frames: stdin/stdout with
 * 2-byte headers, a TCP connection with 4-byte ones (switchplug(1),
 * PROTOCOL). The peer is untrusted.
 */

#ifndef LINK_H
#define LINK_H

#include <stddef.h>

#include <ev.h>

struct link;

/* How a link ended, for link_cb.end. */
#define LINK_EOF	1	/* the peer closed its side */
#define LINK_RERROR	2	/* read error */
#define LINK_WERROR	3	/* write error: output is dead */
#define LINK_FRAMING	4	/* bad length, and no resynchronising */

struct link_cb {
	/* A frame from the peer: 0 to the deframer's maximum bytes. */
	void	(*frame)(void *, const unsigned char *, size_t);
	/* While true, input is held back (the switch is busy). */
	int	(*busy)(void *);
	/* Output went below its low-water mark. */
	void	(*drained)(void *);
	/* The link cannot go on; the callee may free it. */
	void	(*end)(void *, int);
};

/* link.c */
struct link	*link_new(struct ev_loop *, int, int, int, const char *,
		    const struct link_cb *, void *);
void		 link_free(struct link *);
void		 link_resync(struct link *, int);
void		 link_start(struct link *);
int		 link_send(struct link *, const unsigned char *, size_t);
int		 link_busy(const struct link *);
void		 link_resume(struct link *);
void		 link_kill_output(struct link *);
void		 link_stats(const struct link *);

#endif /* LINK_H */
