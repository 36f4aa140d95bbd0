/* SPDX-License-Identifier: ISC */
/*
 * QEMU's own socket backends, for a QEMU built without VDE: DIR/stream,
 * where each connection of -netdev stream is a port, DIR/dgram, where
 * each sender address of -netdev dgram is a port, DIR/vhost, where each
 * connection of -netdev vhost-user is a port (vhost.c), and the sockets
 * of single ports that switchd.conf(5) names ("port N stream PATH").
 */
#ifndef NETDEV_H
#define NETDEV_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

struct netdev;
struct sw;

/* netdev.c */
struct netdev	*netdev_new(struct sw *, int dirfd, const char *dir,
		    mode_t mode, uid_t owner, gid_t group, char *err,
		    size_t len);
void		 netdev_check(const struct netdev *);
void		 netdev_start(struct netdev *);
void		 netdev_free(struct netdev *);
const char	*netdev_stream_path(const struct netdev *);
const char	*netdev_dgram_path(const struct netdev *);
const char	*netdev_vhost_path(const struct netdev *);
uint64_t	 netdev_refused(const struct netdev *);
void		 netdev_counters_reset(struct netdev *);

#endif
