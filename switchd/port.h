/* SPDX-License-Identifier: ISC */
/*
 * Ports as the loop sees them: a descriptor that frames come in and go
 * out of (a unix datagram socket, a tap, a QEMU stream connection), its
 * egress queue, and who is on the other end.  Frames are read in
 * batches, handed one by one to fwd_frame(), and sent in batches to
 * every port the batch touched.
 */
#ifndef PORT_H
#define PORT_H

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>

#include <ev.h>
#include <stdint.h>

#include "fwd.h"
#include "log.h"
#include "vde.h"

#define PORT_BATCH	32
#define PORT_STALL	0.25	/* seconds without progress */
/* Largest frame a tap may hand over with offloads: 64 KiB of IP, tags. */
#define PORT_VNET_MAX	65600
/*
 * What a unix port's send buffer may ask for (the kernel doubles it):
 * at least room for a batch of full frames the peer has not read yet,
 * at most what lets a fast peer ride out a burst of a few thousand.
 */
#define PORT_SNDBUF_MIN	(64 * 1024)
#define PORT_SNDBUF_MAX	(2048 * 1024)
/* Seconds a stream peer may leave a frame half sent. */
#define PORT_PARTIAL	5.0

enum port_kind {
	PORT_UNIX,	/* VDE: a datagram socket of its own, DIR/ctl */
	PORT_TAP,
	PORT_STREAM,	/* QEMU -netdev stream: a connection, 4-byte lengths */
	PORT_DGRAM,	/* QEMU -netdev dgram: one sender address */
	PORT_VHOST	/* QEMU -netdev vhost-user: the guest's rings */
};

struct conf;
struct deframer;
struct impair;
struct port;
struct sw;

/*
 * A port whose frames do not move through its descriptor (vhost.c).
 *
 * recv() fills up to max receive slots, each a virtio_net_hdr then the
 * frame: lens[i] is the frame's length, have[i] how much of it is in
 * the slot already; the rest stays in the peer's buffers, for pull() to
 * bring in, or for the send() of a port of the same kind to copy
 * straight from there.  Until done() the peer's buffers are the
 * switch's: done(p, ntaken) ends the batch, giving back the first
 * ntaken frames as sent and leaving the others with the peer, to be
 * received again, as though never read.
 *
 * A port held back (port.c, port_hold()) is asked to hold(): from then
 * on it calls port_arrived() whenever its peer has more, and peek()
 * shows the frames it has not taken: the length of frame k past the
 * first, its first len bytes in buf; -1 with errno EAGAIN when there is
 * none yet (port_arrived() comes when there is), with another errno
 * when the peer broke its rules.
 *
 * send() takes frames (behind a virtio_net_hdr when the port is vnet)
 * and returns how many it dealt with, sent or dropped, fewer only when
 * the peer has no room now.
 */
struct port_ops {
	unsigned int	(*recv)(struct port *, uint8_t *const *slots,
			    size_t slotlen, size_t *lens, size_t *have,
			    unsigned int max);
	void		(*pull)(struct port *, unsigned int i);
	void		(*done)(struct port *, unsigned int ntaken);
	void		(*hold)(struct port *);
	ssize_t		(*peek)(struct port *, unsigned int k, void *buf,
			    size_t len);
	unsigned int	(*send)(struct port *, const struct iovec *,
			    unsigned int n);
};

struct port {
	struct sw		*sw;
	uint16_t		 num;
	enum port_kind		 kind;
	int			 fd;
	int			 vnet;		/* frames carry a virtio_net_hdr */
	int			 offload;	/* the kernel took TUNSETOFFLOAD */
	ev_io			 rx_w;
	ev_io			 tx_w;
	const struct port_ops	*ops;		/* NULL: I/O on fd */

	/* unix ports: the control stream the port lives as long as */
	int			 ctlfd;
	ev_io			 ctl_w;
	char			 path[sizeof(((struct sockaddr_un *)0)->sun_path)];

	char			 descr[VDE_DESCR_MAX + 1];
	char			 ifname[16];	/* tap ports */
	uid_t			 uid;
	gid_t			 gid;
	pid_t			 pid;

	/* Frames of the current batch, pointing into the receive buffers. */
	unsigned int		 nburst;
	struct iovec		 burst[PORT_BATCH];
	struct port		*next_touched;	/* ports the batch sent to */
	int			 touched;
	int			 unicast;	/* the batch had frames for it alone */

	/* Frames the peer could not take yet: owned copies, a ring. */
	struct iovec		*q;
	uint32_t		 qlen;		/* its size */
	uint32_t		 qhead;
	uint32_t		 qcount;
	uint64_t		 qbytes;	/* what the copies cost */
	uint64_t		 qin;		/* copies ever queued */
	uint64_t		 qout;		/* and gone */
	uint64_t		 memfixed;	/* socket buffers and ring */

	/*
	 * Hold-back (port.c, port_hold()): a unix or vhost-user port that
	 * sends to one destination alone, and fills its queue, is not read
	 * until that queue drains, as long as all it has waiting is for
	 * there too.
	 * A peer that takes nothing for PORT_STALL seconds is stalled:
	 * nobody waits for it, and what it cannot take is dropped.
	 */
	struct port		*waiters;	/* ports paused on this one */
	struct port		*next_waiter;
	struct port		*waiting_on;
	uint8_t			 holdkey[10];	/* destination and 802.1Q tag */
	uint64_t		 holdmark;	/* out's qin when held */
	unsigned int		 peeked;	/* held, with ops: looked at */
	unsigned int		 unheld;	/* to take before a new hold */
	ev_timer		 stall_w;
	int			 stalled;
	int			 outq;		/* bytes unread by the peer */
	uint64_t		 stall_tx;	/* frames sent when the clock started */
	struct log_ratelim	 stormrl;	/* its own: storms last */

	/*
	 * Stream ports: what is read goes through the deframer; the first
	 * frame of the queue may be partly written, txoff bytes of it
	 * (its 4-byte header included).
	 */
	struct deframer		*df;
	size_t			 txoff;
	ev_timer		 partial_w;	/* half a frame and silence */

	uint32_t		 lastrx;	/* sw_now() of its last frame */
	/* An end decided during a batch comes after it (port_end()). */
	int			 ending;
	ev_timer		 end_w;
	int			 cut;		/* by switchctl disconnect */
	/* Who made the port, told when it goes (netdev.c). */
	void			(*gone)(struct port *);
	void			*owner;

	struct log_ratelim	 rl;
	/* Impaired ingress and egress (impair.c): NULL without. */
	struct impair		*imp[2];
};

/*
 * The port a datagram from sun came from (with the sender's credentials
 * when the kernel gave them), made on its first frame; NULL when it is
 * refused.  It may make a port, never free one.
 */
typedef struct port	*(*port_from_cb)(void *, const struct sockaddr_un *,
			    socklen_t, const struct ucred *);

/* port.c */
struct port	*port_new(struct sw *, uint16_t num, enum port_kind, int fd);
void		 port_free(struct port *);
void		 port_start(struct port *);
int		 port_pick(struct sw *, int want);
const char	*port_name(const struct port *);
void		 port_unlink(struct port *);
void		 port_ctl_init(struct port *);
int		 port_sndbuf(const struct conf *);
int		 port_sockbuf(struct sw *, int fd);
int		 port_admit(struct sw *, int fd, enum port_kind);
void		 port_end(struct port *, const char *why);
void		 port_dgram_rx(struct sw *, int fd, port_from_cb, void *);
void		 port_xmit(struct port *, const uint8_t *, size_t);
void		 port_guard(struct port *);
void		 port_poll(struct port *);
void		 port_output(struct port *);
void		 port_arrived(struct port *);
void		 port_count_tx(struct port *, const struct iovec *);
void		 port_drop(struct port *, enum fwd_drop);
void		 port_reconf(struct port *);
int		 port_room(struct port *, uint64_t held, uint64_t cost);
void		 port_impair_due(struct port *, int dir);

#endif
