/* SPDX-License-Identifier: ISC */
/*
 * VDE v3 request parsing: what libvdeplug and QEMU send must be
 * accepted with the right port, anything else refused with a reason.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vde.h"

#define TEST_WHY	128	/* room for a reason */

#define TEST_PATH	"/run/switchd/.01234-00000"

/* Request fields, written by hand so the parser is not tested by itself. */
struct test_req {
	uint32_t	 magic, version, type;
	sa_family_t	 family;
	const char	*path;		/* NULL: sun_path filled with 'x' */
	const void	*descr;
	size_t		 descrlen;
};

static const struct test_req test_good = {
	VDE_MAGIC, VDE_VERSION, 0, AF_UNIX, TEST_PATH, "QEMU", 4
};

/* Lays the request out at buf + 1 so the parser sees unaligned input. */
static size_t
test_mkreq(unsigned char *buf, const struct test_req *r)
{
	struct sockaddr_un	 sun;
	unsigned char		*p = buf + 1;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = r->family;
	if (r->path != NULL)
		memcpy(sun.sun_path, r->path, strlen(r->path));
	else
		memset(sun.sun_path, 'x', sizeof(sun.sun_path));
	memcpy(p, &r->magic, 4);
	memcpy(p + 4, &r->version, 4);
	memcpy(p + 8, &r->type, 4);
	memcpy(p + 12, &sun, sizeof(sun));
	memcpy(p + 12 + sizeof(sun), r->descr, r->descrlen);
	return 12 + sizeof(sun) + r->descrlen;
}

static int
test_parse(const struct test_req *r, struct vde_req *req, char *why)
{
	unsigned char	 buf[1 + 512];
	size_t		 len;

	why[0] = '\0';
	len = test_mkreq(buf, r);
	return vde_req_parse(buf + 1, len, req, why, TEST_WHY);
}

/* Parses r expecting failure, and returns the reason. */
static const char *
test_reject(const struct test_req *r)
{
	static char	 why[TEST_WHY];
	struct vde_req	 req;

	assert_int_equal(test_parse(r, &req, why), -1);
	assert_true(why[0] != '\0');
	return why;
}

static void
test_layout(void **state)
{
	(void)state;
	/* The wire layout depends on these; switchd(8), PROTOCOL. */
	assert_int_equal(sizeof(struct sockaddr_un), 110);
	assert_int_equal(VDE_REQ_HDRLEN, 122);
	assert_int_equal(VDE_REQ_HDRLEN + VDE_DESCR_MAX, VDE_REQ_MAX);
}

static void
test_any(void **state)
{
	struct vde_req	 req;
	char		 why[TEST_WHY];

	(void)state;
	assert_int_equal(test_parse(&test_good, &req, why), 0);
	assert_string_equal(why, "");
	assert_int_equal(req.type, 0);
	assert_int_equal(req.port, -1);
	assert_int_equal(req.sun.sun_family, AF_UNIX);
	assert_string_equal(req.sun.sun_path, TEST_PATH);
	assert_int_equal(req.sunlen,
	    offsetof(struct sockaddr_un, sun_path) + strlen(TEST_PATH) + 1);
	assert_string_equal(req.descr, "QEMU");
}

static void
test_port_n(void **state)
{
	struct test_req	 r = test_good;
	struct vde_req	 req;
	char		 why[TEST_WHY];

	(void)state;
	r.type = 3 << 8;
	assert_int_equal(test_parse(&r, &req, why), 0);
	assert_int_equal(req.port, 3);
	r.type = 0xffffffU << 8;
	assert_int_equal(test_parse(&r, &req, why), 0);
	assert_int_equal(req.port, 0xffffff);
}

static void
test_port0(void **state)
{
	struct test_req	 r = test_good;
	struct vde_req	 req;
	char		 why[TEST_WHY];

	(void)state;
	r.type = 1;
	assert_int_equal(test_parse(&r, &req, why), 0);
	assert_int_equal(req.port, 0);
}

static void
test_bad_type(void **state)
{
	struct test_req	 r = test_good;

	(void)state;
	r.type = 2;
	assert_string_equal(test_reject(&r), "bad request type");
	r.type = (5 << 8) | 1;
	assert_string_equal(test_reject(&r), "bad request type");
	r.type = 0xffffffff;
	assert_string_equal(test_reject(&r), "bad request type");
}

/*
 * Only the whole low byte tells a port request (0) from anything else:
 * a request with just its top low bit set is refused, not taken as
 * "port 0" or "port 3".
 */
static void
test_bad_type_low_byte(void **state)
{
	struct test_req	 r = test_good;

	(void)state;
	r.type = 0x80;
	assert_string_equal(test_reject(&r), "bad request type");
	r.type = (3 << 8) | 0x80;
	assert_string_equal(test_reject(&r), "bad request type");
}

static void
test_short_long(void **state)
{
	unsigned char	 buf[1 + 512];
	struct vde_req	 req;
	char		 why[TEST_WHY] = "";
	size_t		 len;

	(void)state;
	len = test_mkreq(buf, &test_good);
	assert_int_equal(vde_req_parse(buf + 1, 121, &req, why,
	    sizeof(why)), -1);
	assert_string_equal(why, "short request");
	assert_int_equal(vde_req_parse(buf + 1, 0, &req, why,
	    sizeof(why)), -1);
	assert_string_equal(why, "short request");
	/* 122 is the minimum: no description at all. */
	assert_int_equal(vde_req_parse(buf + 1, 122, &req, why,
	    sizeof(why)), 0);
	assert_string_equal(req.descr, "");
	/* A valid request padded with description bytes to 251. */
	memset(buf + 1 + len, 'a', 251 - len);
	assert_int_equal(vde_req_parse(buf + 1, 251, &req, why,
	    sizeof(why)), -1);
	assert_string_equal(why, "request too long");
}

static void
test_magic_version(void **state)
{
	struct test_req	 r = test_good;

	(void)state;
	r.magic = 0xcefaedfe;	/* the other byte order */
	assert_string_equal(test_reject(&r), "bad magic");
	r = test_good;
	r.version = 1;
	assert_string_equal(test_reject(&r), "unsupported version");
	r.version = 4;
	assert_string_equal(test_reject(&r), "unsupported version");
}

static void
test_bad_sun(void **state)
{
	struct test_req	 r = test_good;

	(void)state;
	r.path = NULL;
	assert_string_equal(test_reject(&r), "socket path not terminated");
	r.path = "";
	assert_string_equal(test_reject(&r), "empty or abstract socket path");
	r = test_good;
	r.family = AF_INET;
	assert_string_equal(test_reject(&r), "not a unix socket address");
}

/* sun_path[0] == 0 with a name after it: a Linux abstract socket. */
static void
test_abstract(void **state)
{
	unsigned char	 buf[1 + 512];
	struct vde_req	 req;
	char		 why[TEST_WHY] = "";
	size_t		 len;

	(void)state;
	len = test_mkreq(buf, &test_good);
	buf[1 + 12 + offsetof(struct sockaddr_un, sun_path)] = '\0';
	assert_int_equal(vde_req_parse(buf + 1, len, &req, why,
	    sizeof(why)), -1);
	assert_string_equal(why, "empty or abstract socket path");
}

/*
 * A client may leave junk after its path's NUL: the parsed address
 * carries zeros there, so two requests naming the same path give the
 * same address.
 */
static void
test_sun_junk(void **state)
{
	unsigned char		 buf[1 + 512];
	struct sockaddr_un	 want;
	struct vde_req		 req;
	char			 why[TEST_WHY] = "";
	size_t			 len, off, plen = strlen(TEST_PATH);

	(void)state;
	len = test_mkreq(buf, &test_good);
	off = 1 + 12 + offsetof(struct sockaddr_un, sun_path);
	memset(buf + off + plen + 1, 'J', sizeof(want.sun_path) - plen - 1);
	assert_int_equal(vde_req_parse(buf + 1, len, &req, why,
	    sizeof(why)), 0);
	memset(&want, 0, sizeof(want));
	want.sun_family = AF_UNIX;
	memcpy(want.sun_path, TEST_PATH, plen);
	assert_memory_equal(&req.sun, &want, sizeof(want));
	assert_int_equal(req.sunlen,
	    offsetof(struct sockaddr_un, sun_path) + plen + 1);
}

/* A 107-character path is the longest that fits with its NUL. */
static void
test_longest_path(void **state)
{
	char		 path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct test_req	 r = test_good;
	struct vde_req	 req;
	char		 why[TEST_WHY];

	(void)state;
	memset(path, 'p', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	r.path = path;
	assert_int_equal(test_parse(&r, &req, why), 0);
	assert_string_equal(req.sun.sun_path, path);
}

static void
test_descr(void **state)
{
	unsigned char	 raw[VDE_DESCR_MAX];
	char		 want[VDE_DESCR_MAX + 1];
	struct test_req	 r = test_good;
	struct vde_req	 req;
	char		 why[TEST_WHY];
	size_t		 i;

	(void)state;
	r.descrlen = 0;
	assert_int_equal(test_parse(&r, &req, why), 0);
	assert_string_equal(req.descr, "");

	for (i = 0; i < sizeof(raw); i++)
		raw[i] = (unsigned char)('a' + i % 26);
	memcpy(want, raw, sizeof(raw));
	want[VDE_DESCR_MAX] = '\0';
	r.descr = raw;
	r.descrlen = sizeof(raw);
	assert_int_equal(test_parse(&r, &req, why), 0);
	assert_int_equal(strlen(req.descr), VDE_DESCR_MAX);
	assert_string_equal(req.descr, want);

	r.descr = "ok\n\033[2J\x7f\xffz";
	r.descrlen = 10;
	assert_int_equal(test_parse(&r, &req, why), 0);
	assert_string_equal(req.descr, "ok??[2J??z");

	/* Some clients count the terminator: stop there. */
	r.descr = "vdeplug: user=0\0junk";
	r.descrlen = 20;
	assert_int_equal(test_parse(&r, &req, why), 0);
	assert_string_equal(req.descr, "vdeplug: user=0");
}

static void
test_build(void **state)
{
	unsigned char	 buf[VDE_REQ_MAX];
	char		 longdescr[200];
	struct vde_req	 req;
	char		 why[TEST_WHY] = "";
	size_t		 len;

	(void)state;
	len = vde_req_build(buf, sizeof(buf), -1, TEST_PATH, "switchplug");
	assert_int_equal(len, 122 + 10);
	assert_int_equal(vde_req_parse(buf, len, &req, why,
	    sizeof(why)), 0);
	assert_int_equal(req.port, -1);
	assert_string_equal(req.sun.sun_path, TEST_PATH);
	assert_string_equal(req.descr, "switchplug");

	len = vde_req_build(buf, sizeof(buf), 0, TEST_PATH, NULL);
	assert_int_equal(len, 122);
	assert_int_equal(vde_req_parse(buf, len, &req, why,
	    sizeof(why)), 0);
	assert_int_equal(req.type, 1);
	assert_int_equal(req.port, 0);

	len = vde_req_build(buf, sizeof(buf), 7, TEST_PATH, "");
	assert_int_equal(vde_req_parse(buf, len, &req, why,
	    sizeof(why)), 0);
	assert_int_equal(req.type, 7 << 8);
	assert_int_equal(req.port, 7);

	memset(longdescr, 'd', sizeof(longdescr) - 1);
	longdescr[sizeof(longdescr) - 1] = '\0';
	len = vde_req_build(buf, sizeof(buf), -1, TEST_PATH, longdescr);
	assert_int_equal(len, VDE_REQ_MAX);
	assert_int_equal(vde_req_parse(buf, len, &req, why,
	    sizeof(why)), 0);
	assert_int_equal(strlen(req.descr), VDE_DESCR_MAX);
}

/* The edges of what a client can ask for, through build and parse. */
static void
test_build_edges(void **state)
{
	unsigned char	 buf[VDE_REQ_MAX];
	struct vde_req	 req;
	char		 why[TEST_WHY] = "";
	size_t		 len;

	(void)state;
	/* The highest port number the type can carry. */
	memset(buf, 'x', sizeof(buf));
	len = vde_req_build(buf, sizeof(buf), 0xffffff, TEST_PATH, NULL);
	assert_int_equal(len, 122);
	assert_int_equal(vde_req_parse(buf, len, &req, why,
	    sizeof(why)), 0);
	assert_int_equal(req.type, 0xffffffU << 8);
	assert_int_equal(req.port, 0xffffff);

	/* A one-byte description arrives as that byte, and no more. */
	memset(buf, 'x', sizeof(buf));
	len = vde_req_build(buf, sizeof(buf), 5, TEST_PATH, "Q");
	assert_int_equal(len, 123);
	assert_int_equal(vde_req_parse(buf, len, &req, why,
	    sizeof(why)), 0);
	assert_int_equal(req.port, 5);
	assert_string_equal(req.descr, "Q");
}

static void
test_build_fail(void **state)
{
	unsigned char	 buf[VDE_REQ_MAX];
	char		 path[sizeof(((struct sockaddr_un *)0)->sun_path) + 1];

	(void)state;
	assert_int_equal(vde_req_build(buf, 125, -1, TEST_PATH, "QEMU"), 0);
	assert_int_equal(vde_req_build(buf, 126, -1, TEST_PATH, "QEMU"),
	    126);
	assert_int_equal(vde_req_build(buf, sizeof(buf), -2, TEST_PATH, ""),
	    0);
	assert_int_equal(vde_req_build(buf, sizeof(buf), 0x1000000,
	    TEST_PATH, ""), 0);
	assert_int_equal(vde_req_build(buf, sizeof(buf), -1, "", ""), 0);
	memset(path, 'p', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	assert_int_equal(vde_req_build(buf, sizeof(buf), -1, path, ""), 0);
	path[sizeof(path) - 2] = '\0';
	assert_int_equal(vde_req_build(buf, sizeof(buf), -1, path, ""), 122);
}

static void
test_reply(void **state)
{
	struct sockaddr_un	 sun, out;
	unsigned char		 buf[1 + sizeof(sun)];

	(void)state;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, "/run/switchd/003.12");
	memcpy(buf + 1, &sun, sizeof(sun));
	assert_int_equal(vde_reply_parse(buf + 1, sizeof(sun), &out), 0);
	assert_string_equal(out.sun_path, "/run/switchd/003.12");
	assert_int_equal(vde_reply_parse(buf + 1, sizeof(sun) - 1, &out), -1);

	sun.sun_family = AF_INET;
	memcpy(buf + 1, &sun, sizeof(sun));
	assert_int_equal(vde_reply_parse(buf + 1, sizeof(sun), &out), -1);

	sun.sun_family = AF_UNIX;
	memset(sun.sun_path, 'x', sizeof(sun.sun_path));
	memcpy(buf + 1, &sun, sizeof(sun));
	assert_int_equal(vde_reply_parse(buf + 1, sizeof(sun), &out), -1);

	memset(sun.sun_path, 0, sizeof(sun.sun_path));
	memcpy(buf + 1, &sun, sizeof(sun));
	assert_int_equal(vde_reply_parse(buf + 1, sizeof(sun), &out), -1);
}

/* One byte more than an address is not a reply from a VDE switch. */
static void
test_reply_too_long(void **state)
{
	struct sockaddr_un	 sun, out;
	unsigned char		 buf[sizeof(sun) + 1];

	(void)state;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, "/run/switchd/003.12");
	memcpy(buf, &sun, sizeof(sun));
	buf[sizeof(sun)] = 0;
	assert_int_equal(vde_reply_parse(buf, sizeof(sun), &out), 0);
	assert_int_equal(vde_reply_parse(buf, sizeof(buf), &out), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_any),
		cmocka_unit_test(test_port_n),
		cmocka_unit_test(test_port0),
		cmocka_unit_test(test_bad_type),
		cmocka_unit_test(test_bad_type_low_byte),
		cmocka_unit_test(test_short_long),
		cmocka_unit_test(test_magic_version),
		cmocka_unit_test(test_bad_sun),
		cmocka_unit_test(test_abstract),
		cmocka_unit_test(test_sun_junk),
		cmocka_unit_test(test_longest_path),
		cmocka_unit_test(test_descr),
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_build_edges),
		cmocka_unit_test(test_build_fail),
		cmocka_unit_test(test_reply),
		cmocka_unit_test(test_reply_too_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
