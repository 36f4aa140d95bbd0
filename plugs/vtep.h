/* SPDX-License-Identifier: ISC */
/*
 * A VXLAN tunnel endpoint (RFC 7348), without sockets or clock: the
 * 8-byte header both ways, the remote endpoints, and the table of which
 * inner MAC address lives behind which of them.  vxlan.c moves the
 * datagrams; what is here is driven datagram by datagram by tests.
 *
 * Everything a datagram carries comes from the network and is checked
 * here before it is used.  The remote endpoints and the addresses are
 * limited; a full table learns nothing more, and frames for addresses
 * it does not hold are flooded, as for any address not yet seen.
 */
#ifndef VTEP_H
#define VTEP_H

#include <sys/socket.h>

#include <netinet/in.h>

#include <stddef.h>
#include <stdint.h>

#define VXLAN_HDRLEN		8
#define VXLAN_FLAG_I		0x08	/* first byte: the VNI is valid */
#define VXLAN_PORT		4789	/* IANA; Linux's own default is 8472 */
#define VXLAN_VNI_MAX		0xffffffU

/* Remote endpoints at once: the group or peers, and those learned. */
#define VTEP_ENDPOINTS_MAX	256

/* Why a datagram was not a frame for the switch. */
enum vtep_rx {
	VTEP_RX_OK,
	VTEP_RX_SHORT,		/* no room for the header and an Ethernet one */
	VTEP_RX_NOFLAG,		/* I flag clear: no VNI */
	VTEP_RX_VNI,		/* a VNI we do not carry */
	VTEP_RX_GIANT,		/* inner frame over FRAME_MAX */
	VTEP_RX_NKINDS
};

/* What learning the inner source address did. */
enum vtep_learn {
	VTEP_LEARN_HIT,		/* known behind that endpoint, refreshed */
	VTEP_LEARN_NEW,		/* learned */
	VTEP_LEARN_MOVED,	/* was behind another endpoint */
	VTEP_LEARN_FULL,	/* address table full: not learned */
	VTEP_LEARN_NOENDPOINT,	/* every endpoint slot taken: not learned */
	VTEP_LEARN_IGNORED	/* group or zero source: never learned */
};

union vtep_addr {
	struct sockaddr		sa;
	struct sockaddr_in	sin;
	struct sockaddr_in6	sin6;
};

/* Endpoint flags. */
#define VTEP_EP_USED	0x01
#define VTEP_EP_FLOOD	0x02	/* given at start: floods go there */

struct vtep_endpoint {
	union vtep_addr		 addr;	/* with the destination port */
	int			 flags;
	uint64_t		 tx;	/* datagrams sent to it */
	uint64_t		 rx;	/* and from it, once known */
};

struct vtep_stats {
	uint64_t	 bad[VTEP_RX_NKINDS];	/* [VTEP_RX_OK]: good ones */
	uint64_t	 full;			/* not learned: table full */
	uint64_t	 noendpoint;		/* not learned: endpoints */
	uint64_t	 moved;
};

struct fdb;

struct vtep {
	uint32_t		 vni;
	in_port_t		 dstport;	/* network order */
	struct fdb		*fdb;
	uint32_t		 maclimit;	/* addresses, at most */
	struct vtep_endpoint	 ep[VTEP_ENDPOINTS_MAX];
	unsigned int		 nep;		/* slots below this may be used */
	unsigned int		 last;		/* endpoint that sent last */
	unsigned char		 key[16];	/* of the flow hash */
	struct vtep_stats	 st;
};

/* Walk the table: a MAC, its endpoint, when it was last heard from. */
typedef void (*vtep_walk_cb)(void *, const uint8_t *mac, unsigned int ep,
    uint32_t seen);

/* vtep.c */
struct vtep	*vtep_new(uint32_t vni, in_port_t dstport, uint32_t maclimit,
		    uint32_t aging);
void		 vtep_free(struct vtep *);
int		 vtep_flood_add(struct vtep *, const union vtep_addr *);
void		 vtep_encap(const struct vtep *, uint8_t *);
enum vtep_rx	 vtep_decap(struct vtep *, const uint8_t *, size_t);
enum vtep_learn	 vtep_learn(struct vtep *, const uint8_t *,
		    const union vtep_addr *, uint32_t);
int		 vtep_lookup(const struct vtep *, const uint8_t *, uint32_t);
uint32_t	 vtep_age(struct vtep *, uint32_t);
uint32_t	 vtep_flowhash(const struct vtep *, const uint8_t *, size_t);
uint32_t	 vtep_count(const struct vtep *);
unsigned int	 vtep_macs(const struct vtep *, unsigned int);
void		 vtep_walk(const struct vtep *, vtep_walk_cb, void *);
int		 vtep_addr_equal(const union vtep_addr *,
		    const union vtep_addr *);

#endif /* VTEP_H */
