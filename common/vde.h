/* SPDX-License-Identifier: ISC */
/*
 * The VDE v3 control handshake spoken by libvdeplug and QEMU
 * (switchd(8), PROTOCOL).
 */

#ifndef VDE_H
#define VDE_H

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <stddef.h>
#include <stdint.h>

#define VDE_MAGIC	0xfeedface
#define VDE_VERSION	3
#define VDE_REQ_MAX	250	/* largest request we read */
#define VDE_DESCR_MAX	128

/* Request header: magic, version, type, then the client's address. */
#define VDE_REQ_HDRLEN	(12 + sizeof(struct sockaddr_un))

struct vde_req {
	uint32_t		type;
	int			port;	/* -1 = any free port, else N */
	struct sockaddr_un	sun;	/* client's data socket */
	socklen_t		sunlen;
	/* NUL-terminated, non-printable bytes replaced by '?' */
	char			descr[VDE_DESCR_MAX + 1];
};

/* vde.c */
int	vde_req_parse(const void *, size_t, struct vde_req *, char *err,
	    size_t errlen);
size_t	vde_req_build(void *, size_t, int, const char *, const char *);
int	vde_reply_parse(const void *, size_t, struct sockaddr_un *);

#endif /* VDE_H */
