/* SPDX-License-Identifier: ISC */
/*
 * The socket directory and the sockets switchd binds, made without
 * trusting a name twice.  DIR is opened once, without following a link,
 * and refused unless it belongs to root or to the user the switch runs
 * as and nobody else may change what is in it; from then on every check,
 * removal, mode and owner goes through that descriptor.  Only bind()
 * takes a path: what it made is then looked up in the directory, without
 * following a link, and checked before its mode and owner are set.
 */
#ifndef SOCKDIR_H
#define SOCKDIR_H

#include <sys/types.h>

#include <stddef.h>

/* sockdir.c */
int	sockdir_open(const char *dir, uid_t runuid, char *err, size_t len);
int	sockdir_parent(const char *path, char *err, size_t len);
int	sockdir_own(int dirfd, const char *dir, mode_t, uid_t, gid_t,
	    char *err, size_t len);
int	sockdir_clear(int dirfd, const char *path, char *err, size_t len);
int	sockdir_clear_type(int dirfd, const char *path, int type, char *err,
	    size_t len);
int	sockdir_bind(int dirfd, int fd, const char *path, mode_t, uid_t,
	    gid_t, char *err, size_t len);
const char *sockdir_name(const char *path);

#endif
