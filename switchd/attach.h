/* SPDX-License-Identifier: ISC */
/*
 * The VDE control socket, DIR/ctl: where QEMU and libvdeplug programs
 * ask for a port, get a data socket, and stay connected for as long as
 * they use it.  The handshake is described in switchd(8), PROTOCOL.
 */
#ifndef ATTACH_H
#define ATTACH_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

/* The last refusals, for switchctl info: who was refused, and why. */
#define ATTACH_REFUSALS	8
struct attach_refusal {
	time_t		 when;		/* wall clock */
	uid_t		 uid;
	pid_t		 pid;
	char		 why[256];
};

struct attach;
struct sw;

/* Who asks for a port, as the kernel says. */
struct attach_who {
	uid_t		 uid;
	gid_t		 gid;
	pid_t		 pid;
	const gid_t	*groups;	/* supplementary */
	int		 ngroups;
};

/* attach.c */
struct attach	*attach_new(struct sw *, const char *dir, mode_t mode,
		    uid_t runuid, uid_t owner, gid_t group, char *err,
		    size_t len);
void		 attach_start(struct attach *);
void		 attach_free(struct attach *);
const char	*attach_dir(const struct attach *);
int		 attach_dirfd(const struct attach *);
const char	*attach_path(const struct attach *);
uint64_t	 attach_refused(const struct attach *);
const struct attach_refusal *
		 attach_refusal(const struct attach *, unsigned int);
void		 attach_counters_reset(struct attach *);
int		 attach_may(const struct sw *, const struct attach_who *,
		    int num);
int		 attach_pick_for(struct sw *, const struct attach_who *,
		    int want);
uint32_t	 attach_ports_of(const struct sw *, uid_t);

#endif
