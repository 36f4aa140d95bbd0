/* SPDX-License-Identifier: ISC */
/*
 * The VDE attach request and the switch's reply: whatever a local user
 * writes to DIR/ctl.  A request that parses must come out clean (a
 * terminated, non-empty path; a printable description; a port the wire
 * type can carry) and survive a round trip through vde_req_build().
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vde.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_req_check(const struct vde_req *req)
{
	size_t i, plen;

	assert(req->sun.sun_family == AF_UNIX);
	plen = strnlen(req->sun.sun_path, sizeof(req->sun.sun_path));
	assert(plen > 0 && plen < sizeof(req->sun.sun_path));
	/* Bytes after the path's NUL are cleared. */
	for (i = plen; i < sizeof(req->sun.sun_path); i++)
		assert(req->sun.sun_path[i] == '\0');
	assert(req->sunlen == offsetof(struct sockaddr_un, sun_path) + plen + 1);
	assert(req->port >= -1 && req->port <= 0xffffff);
	assert(strnlen(req->descr, sizeof(req->descr)) <= VDE_DESCR_MAX);
	for (i = 0; req->descr[i] != '\0'; i++)
		assert(req->descr[i] >= 0x20 && req->descr[i] < 0x7f);
}

/* What parses must build back into a request that parses the same. */
static void
fuzz_req_roundtrip(const struct vde_req *req)
{
	unsigned char buf[VDE_REQ_MAX + 16];
	struct vde_req again;
	char why[128] = "";
	size_t n;

	n = vde_req_build(buf, sizeof(buf), req->port, req->sun.sun_path,
	    req->descr);
	assert(n == VDE_REQ_HDRLEN + strlen(req->descr));
	assert(vde_req_parse(buf, n, &again, why, sizeof(why)) == 0);
	assert(again.port == req->port);
	assert(again.type == req->type);
	assert(again.sunlen == req->sunlen);
	assert(memcmp(&again.sun, &req->sun, sizeof(req->sun)) == 0);
	assert(strcmp(again.descr, req->descr) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vde_req req;
	struct sockaddr_un sun;
	char why[128] = "";
	unsigned char *buf;

	/* One byte in: the parser must not rely on alignment. */
	if ((buf = malloc(size + 1)) == NULL)
		return 0;
	memcpy(buf + 1, data, size);

	if (vde_req_parse(buf + 1, size, &req, why, sizeof(why)) == 0) {
		assert(size >= VDE_REQ_HDRLEN &&
		    size <= VDE_REQ_HDRLEN + VDE_DESCR_MAX);
		fuzz_req_check(&req);
		fuzz_req_roundtrip(&req);
	} else
		assert(why[0] != '\0');

	memset(&sun, 0x55, sizeof(sun));
	if (vde_reply_parse(buf + 1, size, &sun) == 0) {
		size_t plen = strnlen(sun.sun_path, sizeof(sun.sun_path));

		assert(size == sizeof(sun));
		assert(sun.sun_family == AF_UNIX);
		assert(plen > 0 && plen < sizeof(sun.sun_path));
	}
	free(buf);
	return 0;
}
