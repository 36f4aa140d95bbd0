/* SPDX-License-Identifier: ISC */
/*
 * Live captures (switchctl capture).  A management client that asks for
 * one gets, on its connection, a copy of every frame that enters or
 * leaves the ports it chose, as records that switchctl writes out as
 * pcap (switchctl(8), PROTOCOL).  A capture never holds the switch back:
 * each has a queue of its own, bounded, that the loop writes to the
 * client's non-blocking socket as fast as the client reads.  A frame
 * that finds the queue full is not copied, only counted, and the count
 * goes to the client with the capture's end.
 */
#ifndef SNOOP_H
#define SNOOP_H

#include <sys/queue.h>
#include <sys/types.h>

#include <ev.h>
#include <stddef.h>
#include <stdint.h>

#include "vlanlist.h"

#define SNOOP_MAX	8		/* captures at once */
#define SNOOP_QUEUE	(1024 * 1024)	/* bytes a capture may have unsent */
#define SNOOP_HDR	16		/* a record's header */

enum snoop_dir {
	SNOOP_IN,	/* as the port's peer sent it */
	SNOOP_OUT	/* as the port's peer was sent it */
};

/* What a capture wants: which ports, which VLAN, how many frames. */
struct snoop_spec {
	uint64_t	 ports[VLANLIST_WORDS];	/* a bit per port number */
	int		 all;		/* every port, whatever the bits */
	int		 vid;		/* 0: any VLAN */
	uint64_t	 count;		/* 0: until the client says */
};

struct sw;

struct snoop {
	LIST_ENTRY(snoop) entry;
	struct sw	*sw;
	struct snoop_spec spec;
	uid_t		 uid;
	pid_t		 pid;
	int		 fd;		/* -1 until started */
	ev_io		 r_w;
	ev_io		 w_w;
	int		 ending;	/* takes no more; closes once written */
	uint64_t	 frames;	/* copied */
	uint64_t	 lost;		/* not copied: the queue was full */
	unsigned char	*q;		/* a ring of SNOOP_QUEUE bytes */
	size_t		 qhead;
	size_t		 qlen;
	uint64_t	 mem;		/* what it costs the budget */
};

LIST_HEAD(snoop_list, snoop);

/* snoop.c */
struct snoop	*snoop_new(struct sw *, const struct snoop_spec *, uid_t,
		    pid_t, char *err, size_t len);
void		 snoop_start(struct snoop *, int fd, int stop);
void		 snoop_free(struct snoop *);
void		 snoop_free_all(struct sw *);
void		 snoop_frame(struct sw *, uint16_t port, enum snoop_dir,
		    const uint8_t *, size_t);
uint32_t	 snoop_count(const struct sw *, uint16_t port);

#endif
