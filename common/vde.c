/* SPDX-License-Identifier: ISC */
/*
 * VDE v3 control request and reply. Requests come from any local user
 * who can reach the control socket, so every byte is checked before use
 * and all reads go through memcpy: the buffer has no alignment promise.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util.h"
#include "vde.h"

#define VDE_OFF_MAGIC	0
#define VDE_OFF_VERSION	4
#define VDE_OFF_TYPE	8
#define VDE_OFF_SUN	12

/* Type 1 asks for port 0, the management-reserved port in vde_switch. */
#define VDE_TYPE_ANY	0
#define VDE_TYPE_PORT0	1
#define VDE_PORT_MAX	0xffffff	/* what fits above the type's low byte */

static uint32_t
vde_get32(const unsigned char *p, size_t off)
{
	uint32_t	 v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

static void
vde_put32(unsigned char *p, size_t off, uint32_t v)
{
	memcpy(p + off, &v, sizeof(v));
}

/* Maps the wire type to a port number; -2 when the type is invalid. */
static int
vde_type_port(uint32_t type)
{
	if (type == VDE_TYPE_ANY)
		return -1;
	if (type == VDE_TYPE_PORT0)
		return 0;
	if ((type & 0xff) != 0)
		return -2;
	return (int)(type >> 8);
}

/*
 * A pathname address: AF_UNIX, a NUL within sun_path, and not empty
 * (an empty first byte would mean a Linux abstract socket, which we do
 * not talk to: there is no file whose permissions we could check).
 * Bytes after the NUL are cleared so the address compares and logs
 * deterministically.
 */
static const char *
vde_sun_check(struct sockaddr_un *sun)
{
	char	*nul;

	if (sun->sun_family != AF_UNIX)
		return "not a unix socket address";
	nul = memchr(sun->sun_path, '\0', sizeof(sun->sun_path));
	if (nul == NULL)
		return "socket path not terminated";
	if (nul == sun->sun_path)
		return "empty or abstract socket path";
	memset(nul, 0, sizeof(sun->sun_path) - (size_t)(nul - sun->sun_path));
	return NULL;
}

/*
 * The description is for humans reading logs and switchctl output: stop
 * at a NUL (some clients send one) and hide anything that could mess
 * up a terminal or a log line.
 */
static void
vde_descr_copy(char *dst, const unsigned char *src, size_t len)
{
	size_t	 i;

	for (i = 0; i < len && src[i] != '\0'; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? (char)src[i] : '?';
	dst[i] = '\0';
}

int
vde_req_parse(const void *buf, size_t len, struct vde_req *req, char *err,
    size_t errlen)
{
	const unsigned char	*p = buf;
	const char		*why;

	memset(req, 0, sizeof(*req));
	if (len < VDE_REQ_HDRLEN)
		return util_err(err, errlen, "short request");
	if (len > VDE_REQ_HDRLEN + VDE_DESCR_MAX)
		return util_err(err, errlen, "request too long");
	if (vde_get32(p, VDE_OFF_MAGIC) != VDE_MAGIC)
		return util_err(err, errlen, "bad magic");
	if (vde_get32(p, VDE_OFF_VERSION) != VDE_VERSION)
		return util_err(err, errlen, "unsupported version");
	req->type = vde_get32(p, VDE_OFF_TYPE);
	if ((req->port = vde_type_port(req->type)) == -2)
		return util_err(err, errlen, "bad request type");
	memcpy(&req->sun, p + VDE_OFF_SUN, sizeof(req->sun));
	if ((why = vde_sun_check(&req->sun)) != NULL)
		return util_err(err, errlen, "%s", why);
	req->sunlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    strlen(req->sun.sun_path) + 1);
	vde_descr_copy(req->descr, p + VDE_REQ_HDRLEN, len - VDE_REQ_HDRLEN);
	return 0;
}

/*
 * Builds the request a client sends. The description is truncated to
 * VDE_DESCR_MAX, as libvdeplug does; it is informational only.
 */
size_t
vde_req_build(void *buf, size_t bufsize, int port, const char *path,
    const char *descr)
{
	struct sockaddr_un	 sun;
	unsigned char		*p = buf;
	size_t			 dlen, len;
	uint32_t		 type;

	if (port == -1)
		type = VDE_TYPE_ANY;
	else if (port == 0)
		type = VDE_TYPE_PORT0;
	else if (port > 0 && port <= VDE_PORT_MAX)
		type = (uint32_t)port << 8;
	else
		return 0;
	if (path == NULL || path[0] == '\0' ||
	    strlen(path) >= sizeof(sun.sun_path))
		return 0;
	dlen = descr == NULL ? 0 : strnlen(descr, VDE_DESCR_MAX);
	len = VDE_REQ_HDRLEN + dlen;
	if (bufsize < len)
		return 0;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path));
	vde_put32(p, VDE_OFF_MAGIC, VDE_MAGIC);
	vde_put32(p, VDE_OFF_VERSION, VDE_VERSION);
	vde_put32(p, VDE_OFF_TYPE, type);
	memcpy(p + VDE_OFF_SUN, &sun, sizeof(sun));
	if (dlen > 0)
		memcpy(p + VDE_REQ_HDRLEN, descr, dlen);
	return len;
}

/* The switch answers with exactly one address: its end of the port. */
int
vde_reply_parse(const void *buf, size_t len, struct sockaddr_un *out)
{
	struct sockaddr_un	 sun;

	if (len != sizeof(sun))
		return -1;
	memcpy(&sun, buf, sizeof(sun));
	if (vde_sun_check(&sun) != NULL)
		return -1;
	*out = sun;
	return 0;
}
