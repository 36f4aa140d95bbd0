/* SPDX-License-Identifier: ISC */
/*
 * A configuration is a value: the settings of switchd.conf(5), parsed
 * line by line into a struct conf that nothing else refers to.  The
 * file, the command-line options and switchctl's "set" all build one;
 * the switch compares it with the one it runs and applies the
 * difference whole, or nothing (sw_apply()).  conf_dump() writes a
 * configuration back out in the same words.
 */
#ifndef CONF_H
#define CONF_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "shape.h"
#include "vlan.h"

#define CONF_LINE_MAX	1024
#define CONF_ARGS_MAX	16
#define CONF_QLEN_DEFAULT	256
#define CONF_QLEN_MAX		65536
#define CONF_AGING_MAX		1000000
#define CONF_MACS_MAX		4096	/* static entries */
#define CONF_STORM_DEFAULT	1000	/* flooded frames a second, a port */
#define CONF_USERPORTS_DEFAULT	64	/* ports one user may hold */
#define CONF_STORM_SWITCH	UINT32_MAX	/* a port takes the switch's */
#define CONF_MEMORY_DEFAULT	((uint64_t)384 << 20)
#define CONF_MEMORY_MIN		((uint64_t)1 << 20)
#define CONF_MEMORY_MAX		((uint64_t)64 << 30)
#define CONF_SOCKPATH_MAX	108	/* a sockaddr_un's sun_path */

/* A port's own socket: "port N stream PATH", "port N dgram PATH". */
enum conf_sock {
	CONF_SOCK_NONE,
	CONF_SOCK_STREAM,
	CONF_SOCK_DGRAM,
	CONF_SOCK_VHOST		/* "port N vhost PATH": vhost-user */
};

/* A mirror port's copies: of what its sources receive, send, or both. */
#define CONF_MIRROR_RX	1
#define CONF_MIRROR_TX	2

/* What belongs to a port number, whoever is attached there. */
struct conf_port {
	struct vlan_port vlan;
	uint32_t	 maclimit;	/* 0 = no limit of its own */
	uint32_t	 storm;		/* 0 = none, or CONF_STORM_SWITCH */
	uid_t		 uid;		/* (uid_t)-1: anyone may attach */
	gid_t		 gid;		/* (gid_t)-1: any group */
	int		 isolated;
	enum conf_sock	 sock;		/* made at start, owned by uid, gid */
	char		 sockpath[CONF_SOCKPATH_MAX];
	uint32_t	 stp_cost;	/* 0: by the kind of port */
	int		 stp_edge;	/* enum stp_edge */
	int		 bpduguard;
	struct shape_conf shape[2];	/* SHAPE_IN, SHAPE_OUT */
	uint16_t	 mirror_to;	/* a source: the mirror port, or 0 */
	uint8_t		 mirror;	/* a mirror port: CONF_MIRROR_* */
};

/* A static MAC table entry: "mac add ADDR vlan V port N". */
struct conf_mac {
	uint8_t		 mac[6];
	uint16_t	 vid;
	uint16_t	 port;
};

struct conf {
	uint32_t	 nports;	/* port numbers 0 .. nports-1 */
	uint32_t	 maclimit;
	uint32_t	 portmaclimit;	/* of ports with none of their own */
	uint32_t	 aging;		/* seconds; 0 = never */
	int		 hub;
	uint32_t	 qlen;		/* egress queue limit, frames */
	uint32_t	 storm;		/* flooded frames a second; 0 = off */
	uint32_t	 userports;	/* ports one user may hold; 0 = all */
	uint64_t	 memory;	/* bytes: queues and socket buffers */
	int		 stp;		/* spanning tree on */
	uint16_t	 stp_priority;
	uint16_t	 stp_fwddelay;	/* seconds */
	struct conf_port *port;		/* nports of them */
	struct conf_mac	*macs;		/* in the order they were added */
	uint32_t	 nmacs;
};

/* conf.c */
struct conf	*conf_new(uint32_t nports);
struct conf	*conf_dup(const struct conf *);
void		 conf_free(struct conf *);
int		 conf_known(const char *);
const char	*conf_name(size_t);
int		 conf_split(char *line, char **argv, int max);
int		 conf_set(struct conf *, char *line, char *err, size_t len);
int		 conf_load(struct conf *, const char *path, char *err,
		    size_t len);
void		 conf_dump(const struct conf *, FILE *);
const struct conf_mac *conf_mac_find(const struct conf *, const uint8_t *mac,
		    uint16_t vid);
uint32_t	 conf_storm(const struct conf *, uint32_t port);
const char	*conf_sock_name(enum conf_sock);

#endif
