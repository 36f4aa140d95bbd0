/* SPDX-License-Identifier: ISC */
/*
 * The forwarding decision: a frame comes in on a port, its source is
 * learned, its VLAN found, and the set of ports it leaves by computed.
 * Pure code: no sockets, no loop, time passed in.  The I/O side moves
 * the bytes and reports what it sent and what it had to drop.
 */
#ifndef FWD_H
#define FWD_H

#include <stddef.h>
#include <stdint.h>

#include "fdb.h"
#include "vlan.h"

#define FWD_PORTS_MAX		4096	/* port numbers 0 .. FWD_PORTS_MAX-1 */
#define FWD_PORTS_DEFAULT	1024
#define FWD_STORM_MAX		10000000	/* flooded frames a second */
#define FWD_LOCAL		1	/* fwd_frame(): a BPDU, for the switch */

enum fwd_drop {
	DROP_RUNT,		/* shorter than an Ethernet header */
	DROP_GIANT,		/* longer than the port's largest frame */
	DROP_VLAN,		/* ingress filter: VLAN not allowed here */
	DROP_QUEUE,		/* egress queue full */
	DROP_ERROR,		/* the peer's socket refused it */
	DROP_STATIC,		/* source is a static address of another port */
	DROP_STORM,		/* would flood, over the port's storm limit */
	DROP_BLOCKED,		/* spanning tree: the port does not forward */
	DROP_MIRROR,		/* from a mirror port, which forwards nothing */
	DROP_NR
};

struct fwd_stats {
	uint64_t	 rx_frames;
	uint64_t	 rx_bytes;
	uint64_t	 tx_frames;
	uint64_t	 tx_bytes;
	uint64_t	 drops[DROP_NR];
	/* Counted by port.c, snoop.c and impair.c, reset with the others. */
	uint64_t	 captured;	/* copies to live captures */
	uint64_t	 capture_lost;	/* ... that a capture had no room for */
	uint64_t	 mirrored;	/* copies to its mirror port */
	uint64_t	 imp_lost[2];	/* impairment, by direction: loss */
	uint64_t	 imp_dup[2];	/* duplicates */
	uint64_t	 imp_held[2];	/* frames held, for rate or delay */
	uint64_t	 imp_full[2];	/* dropped, its queue full */
};

/*
 * Configuration belongs to the port number and outlives attachments, as
 * on a hardware switch; counters start afresh with each attachment.
 */
struct fwd_port {
	struct vlan_port	 vlan;
	uint32_t		 maclimit;	/* 0 = the switch's portmaclimit */
	int			 isolated;	/* reaches only ports that are not */
	int			 in_use;
	uint8_t			 stp;		/* enum stp_state; 0: forwarding */
	uint32_t		 maxlen;	/* largest frame in or out */
	/*
	 * Port mirroring: a mirror port (mirror set) takes no part in
	 * forwarding; a source's frames are copied to mirror_to.
	 */
	uint16_t		 mirror_to;
	uint8_t			 mirror;	/* CONF_MIRROR_RX | _TX */
	/*
	 * Storm control: a token bucket for the frames the port floods,
	 * refilled at storm frames a second and holding one second's
	 * worth.  Tokens are thousandths of a frame, so that a millisecond
	 * adds storm of them.
	 */
	uint32_t		 storm;		/* 0 = no limit */
	uint64_t		 storm_tokens;
	uint64_t		 storm_msec;	/* last refill */
	struct fwd_stats	 st;
	uint64_t		 learn_refused;	/* table or port limit */
};

struct fwd_dst {
	uint16_t	 port;
	uint8_t		 tagged;
};

struct fwd_out {
	struct vlan_tag	 tag;
	enum vlan_verdict vlan;		/* why a frame was dropped at ingress */
	enum fdb_learn	 learn;
	uint16_t	 moved_from;	/* with learn == FDB_MOVED */
	unsigned int	 n;
	struct fwd_dst	 dst[FWD_PORTS_MAX];
};

struct fwd {
	struct fdb	*fdb;
	int		 hub;
	uint32_t	 nports;
	struct fwd_port	*ports;
	uint16_t	*active;	/* ports in use, for flooding */
	uint32_t	 nactive;
	uint64_t	 moves;
	uint64_t	 learn_full;
	uint32_t	 portmaclimit;	/* of ports without one; 0 = none */
	uint64_t	 msec;		/* fwd_clock(): for storm control */
};

/* fwd.c */
struct fwd	*fwd_new(uint32_t nports, uint32_t fdblimit, uint32_t aging);
void		 fwd_free(struct fwd *);
int		 fwd_port_add(struct fwd *, uint16_t port);
void		 fwd_port_del(struct fwd *, uint16_t port);
struct fwd_port	*fwd_port(struct fwd *, uint16_t port);
void		 fwd_port_reconf(struct fwd *, uint16_t port);
void		 fwd_port_set(struct fwd *, uint16_t port,
		    const struct vlan_port *, uint32_t maclimit);
void		 fwd_port_isolate(struct fwd *, uint16_t port, int on);
void		 fwd_port_stp(struct fwd *, uint16_t port, int state);
void		 fwd_set_portmaclimit(struct fwd *, uint32_t);
uint32_t	 fwd_maclimit(const struct fwd *, uint16_t port);
void		 fwd_port_storm(struct fwd *, uint16_t port, uint32_t limit);
void		 fwd_port_mirror(struct fwd *, uint16_t port, uint16_t to,
		    uint8_t mirror);
void		 fwd_counters_reset(struct fwd *, int port);
void		 fwd_clock(struct fwd *, uint64_t msec);
int		 fwd_frame(struct fwd *, uint16_t inport, const uint8_t *frame,
		    size_t len, uint32_t now, struct fwd_out *);
const char	*fwd_drop_str(enum fwd_drop);

#endif
