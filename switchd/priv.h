/* SPDX-License-Identifier: ISC */
/* Giving up root for good, once the privileged work is done. */
#ifndef PRIV_H
#define PRIV_H

#include <sys/types.h>

#include <stddef.h>

/* priv.c */
int	priv_lookup(const char *user, const char *group, uid_t *, gid_t *,
	    gid_t *sockgid, char *err, size_t len);
int	priv_group(const char *, gid_t *);
void	priv_drop(uid_t, gid_t);

#endif
