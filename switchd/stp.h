/* SPDX-License-Identifier: ISC */
/*
 * Spanning tree: rapid spanning tree (RSTP, as 802.1D-2004 has it) that
 * speaks 802.1D's older protocol to a neighbour that only knows that.
 * Pure code, as fwd.c is: BPDUs come in as bytes, go out through a
 * callback, and time is milliseconds passed in by the caller.  The
 * caller also learns through callbacks when a port's state changes (so
 * that fwd.c forwards or not) and when a port's learned stations must
 * be forgotten (a topology change).
 *
 * What a port does with ordinary frames follows its state: discarding
 * (nothing in, nothing out, nothing learned), learning (stations learned,
 * nothing forwarded) or forwarding.  BPDUs are the switch's own: they
 * are handed here, never forwarded.
 */
#ifndef STP_H
#define STP_H

#include <stddef.h>
#include <stdint.h>

#define STP_PRIORITY_DEFAULT	32768
#define STP_PRIORITY_MAX	61440	/* in steps of 4096 */
#define STP_FWD_DELAY_DEFAULT	15	/* seconds */
#define STP_FWD_DELAY_MIN	2
#define STP_FWD_DELAY_MAX	30
#define STP_HELLO		2	/* seconds */
#define STP_MAX_AGE		20	/* seconds */
#define STP_MIGRATE		3	/* seconds */
#define STP_TX_HOLD		6	/* BPDUs a port sends a second, at most */
#define STP_COST_MAX		200000000
/* Path costs of 802.1D-2004 (table 17-3), by the speed a link stands for. */
#define STP_COST_10G		2000
#define STP_COST_1G		20000

#define STP_BPDU_MAX		64

enum stp_role {
	STP_ROLE_DISABLED,
	STP_ROLE_ROOT,
	STP_ROLE_DESIGNATED,
	STP_ROLE_ALTERNATE,
	STP_ROLE_BACKUP
};

enum stp_state {
	STP_FORWARDING,		/* 0: what a port is without spanning tree */
	STP_LEARNING,
	STP_DISCARDING
};

enum stp_edge {
	STP_EDGE_KIND,		/* as the kind of port suggests */
	STP_EDGE_AUTO,		/* edge until a BPDU is heard */
	STP_EDGE_ON,		/* forwards at once */
	STP_EDGE_OFF
};

/* The BPDU types, as the type octet has them. */
#define STP_TYPE_CONFIG		0x00
#define STP_TYPE_RST		0x02
#define STP_TYPE_TCN		0x80

/* Flags of a Config or RST BPDU. */
#define STP_F_TC		0x01
#define STP_F_PROPOSAL		0x02
#define STP_F_ROLE_MASK		0x0c
#define STP_F_ROLE_SHIFT	2
#define STP_F_LEARNING		0x10
#define STP_F_FORWARDING	0x20
#define STP_F_AGREEMENT		0x40
#define STP_F_TCA		0x80
/* The role field's values. */
#define STP_FR_ALTBACKUP	1
#define STP_FR_ROOT		2
#define STP_FR_DESIGNATED	3

/* A priority vector: root, the cost to it, who sends and by which port. */
struct stp_vec {
	uint8_t		 root[8];
	uint32_t	 cost;
	uint8_t		 bridge[8];
	uint16_t	 port;
};

struct stp_bpdu {
	uint8_t		 type;
	uint8_t		 version;
	uint8_t		 flags;
	struct stp_vec	 v;
	uint16_t	 age;		/* the times, in 256ths of a second */
	uint16_t	 maxage;
	uint16_t	 hello;
	uint16_t	 fwddelay;
};

struct stp_port {
	int		 up;
	enum stp_edge	 edge;		/* as configured */
	enum stp_edge	 edge_kind;	/* what the kind of port suggests */
	int		 guard;		/* BPDU guard */
	uint32_t	 cost;		/* as configured; 0 = cost_kind */
	uint32_t	 cost_kind;	/* by the kind of port */
	/* From here on, afresh with every attachment. */
	int		 operedge;
	int		 legacy;	/* speaks 802.1D's Config and TCN */
	enum stp_role	 role;
	enum stp_state	 state;

	/* What the designated bridge on the link said, while it lasts. */
	int		 hasinfo;
	struct stp_vec	 info;
	uint16_t	 info_age, info_maxage, info_hello, info_fwddelay;
	uint64_t	 info_until;

	int		 proposing;	/* designated, waiting for agreement */
	int		 agree;		/* an agreement to send */
	int		 tca;		/* a TCN to acknowledge */
	uint64_t	 fd_at;		/* the next state, by the timer */
	uint64_t	 edge_at;	/* auto edge, if nothing is heard */
	uint64_t	 hello_at;
	uint64_t	 mdelay_until;	/* no version change before */
	uint64_t	 tc_until;	/* topology change to tell */
	int		 send;		/* a BPDU to send now */
	uint64_t	 txsec;		/* STP_TX_HOLD a second */
	unsigned int	 txn;

	uint64_t	 tx, rx, bad, guarded, tcs;
};

struct stp_ops {
	/* A whole Ethernet frame for port to send. */
	void		 (*send)(void *, uint16_t port, const uint8_t *, size_t);
	void		 (*state)(void *, uint16_t port, enum stp_state);
	/* Forget what port learned. */
	void		 (*flush)(void *, uint16_t port);
	/* A BPDU on a port with BPDU guard: the caller shuts it. */
	void		 (*guard)(void *, uint16_t port);
	void		*arg;
};

struct stp {
	int		 on;
	uint16_t	 priority;
	uint8_t		 mac[6];
	uint8_t		 id[8];
	uint16_t	 fwddelay;	/* ours, seconds */
	uint32_t	 nports;
	struct stp_port	*ports;
	struct stp_ops	 ops;
	uint64_t	 now;

	/* Who is root, at what cost, through which port (-1: we are). */
	struct stp_vec	 root;
	int		 rootport;
	uint16_t	 root_age, root_maxage, root_hello, root_fwddelay;

	uint64_t	 bad;		/* malformed BPDUs, every port */
	uint64_t	 guarded;	/* ports shut by BPDU guard */
	uint64_t	 tcs;		/* topology changes seen */
	uint64_t	 last_tc;	/* when, ms */
};

/* stp.c */
struct stp	*stp_new(uint32_t nports, const uint8_t mac[6],
		    const struct stp_ops *);
void		 stp_free(struct stp *);
void		 stp_set(struct stp *, int on, uint16_t priority,
		    uint16_t fwddelay, uint64_t now);
void		 stp_port_set(struct stp *, uint16_t port, uint32_t cost,
		    enum stp_edge, int guard);
void		 stp_port_up(struct stp *, uint16_t port, uint32_t cost_kind,
		    enum stp_edge edge_kind, uint64_t now);
void		 stp_port_down(struct stp *, uint16_t port, uint64_t now);
int		 stp_is_bpdu(const uint8_t *frame, size_t len);
int		 stp_parse(const uint8_t *frame, size_t len, struct stp_bpdu *);
size_t		 stp_build(const struct stp_bpdu *, const uint8_t src[6],
		    uint8_t *buf, size_t len);
int		 stp_rx(struct stp *, uint16_t port, const uint8_t *frame,
		    size_t len, uint64_t now);
void		 stp_tick(struct stp *, uint64_t now);
uint32_t	 stp_port_cost(const struct stp *, uint16_t port);
enum stp_state	 stp_port_state(const struct stp *, uint16_t port);
const char	*stp_role_str(enum stp_role);
const char	*stp_state_str(enum stp_state);

#endif
