/* SPDX-License-Identifier: ISC */
#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "fdb.h"
#include "fwd.h"
#include "log.h"
#include "number.h"
#include "priv.h"
#include "stp.h"
#include "util.h"

struct conf_cmd {
	const char	*name;
	int		 minargs;
	int		 maxargs;
	int		 (*fn)(struct conf *, int, char **, char *, size_t);
};

static int	conf_ports(struct conf *, int, char **, char *, size_t);
static int	conf_maclimit(struct conf *, int, char **, char *, size_t);
static int	conf_portmaclimit(struct conf *, int, char **, char *,
		    size_t);
static int	conf_aging(struct conf *, int, char **, char *, size_t);
static int	conf_hub(struct conf *, int, char **, char *, size_t);
static int	conf_queue(struct conf *, int, char **, char *, size_t);
static int	conf_storm_set(struct conf *, int, char **, char *, size_t);
static int	conf_port(struct conf *, int, char **, char *, size_t);
static int	conf_mac(struct conf *, int, char **, char *, size_t);
static int	conf_userports(struct conf *, int, char **, char *, size_t);
static int	conf_memory(struct conf *, int, char **, char *, size_t);
static int	conf_stp(struct conf *, int, char **, char *, size_t);

static const struct conf_cmd conf_cmds[] = {
	{ "ports",	1, 1,	conf_ports },
	{ "maclimit",	1, 1,	conf_maclimit },
	{ "portmaclimit", 1, 1,	conf_portmaclimit },
	{ "aging",	1, 1,	conf_aging },
	{ "hub",	1, 1,	conf_hub },
	{ "queue",	1, 1,	conf_queue },
	{ "storm",	1, 1,	conf_storm_set },
	{ "userports",	1, 1,	conf_userports },
	{ "port",	2, CONF_ARGS_MAX - 1, conf_port },
	{ "mac",	4, 6,	conf_mac },
	{ "memory",	1, 1,	conf_memory },
	{ "stp",	1, 2,	conf_stp },
};

static void
conf_port_defaults(struct conf_port *cp, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		memset(&cp[i], 0, sizeof(cp[i]));
		vlan_access(&cp[i].vlan, VLAN_DEFAULT);
		cp[i].storm = CONF_STORM_SWITCH;
		cp[i].uid = (uid_t)-1;
		cp[i].gid = (gid_t)-1;
	}
}

/* The defaults, as switchd runs with no file and no option. */
struct conf *
conf_new(uint32_t nports)
{
	struct conf *c;

	if (nports < 2 || nports > FWD_PORTS_MAX ||
	    (c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	if ((c->port = calloc(nports, sizeof(*c->port))) == NULL) {
		free(c);
		return NULL;
	}
	c->nports = nports;
	c->maclimit = FDB_LIMIT_DEFAULT;
	c->portmaclimit = FDB_PORTLIMIT_DEFAULT;
	c->aging = FDB_AGING_DEFAULT;
	c->qlen = CONF_QLEN_DEFAULT;
	c->storm = CONF_STORM_DEFAULT;
	c->userports = CONF_USERPORTS_DEFAULT;
	c->memory = CONF_MEMORY_DEFAULT;
	c->stp_priority = STP_PRIORITY_DEFAULT;
	c->stp_fwddelay = STP_FWD_DELAY_DEFAULT;
	conf_port_defaults(c->port, nports);
	return c;
}

struct conf *
conf_dup(const struct conf *c)
{
	struct conf *d;

	if ((d = malloc(sizeof(*d))) == NULL)
		return NULL;
	*d = *c;
	d->macs = NULL;
	if ((d->port = calloc(c->nports, sizeof(*d->port))) == NULL ||
	    (c->nmacs > 0 && (d->macs = calloc(c->nmacs,
	    sizeof(*d->macs))) == NULL)) {
		free(d->port);
		free(d);
		return NULL;
	}
	memcpy(d->port, c->port, c->nports * sizeof(*d->port));
	if (c->nmacs > 0)
		memcpy(d->macs, c->macs, c->nmacs * sizeof(*d->macs));
	return d;
}

void
conf_free(struct conf *c)
{
	if (c == NULL)
		return;
	free(c->port);
	free(c->macs);
	free(c);
}

int
conf_split(char *line, char **argv, int max)
{
	char *p, *save = NULL;
	int n = 0;

	if ((p = strchr(line, '#')) != NULL)
		*p = '\0';
	for (p = strtok_r(line, " \t\r\n", &save); p != NULL;
	    p = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == max)
			return -1;
		argv[n++] = p;
	}
	return n;
}

/* Ports beyond the new number are forgotten, new ones get defaults. */
static int
conf_ports(struct conf *c, int argc, char **argv, char *err, size_t len)
{
	struct conf_port *cp;
	unsigned long n;
	uint32_t i;

	(void)argc;
	if (number_parse(argv[1], 2, FWD_PORTS_MAX, &n) == -1)
		return util_err(err, len, "ports: '%s' is not a number from "
		    "2 to %d", argv[1], FWD_PORTS_MAX);
	if (n == c->nports)
		return 0;
	for (i = 0; i < c->nmacs; i++)
		if (c->macs[i].port >= n)
			return util_err(err, len, "ports: a static MAC address "
			    "is on port %u", c->macs[i].port);
	for (i = 1; i < n && i < c->nports; i++)
		if (c->port[i].mirror_to >= n)
			return util_err(err, len, "ports: port %u is mirrored to "
			    "port %u", i, c->port[i].mirror_to);
	if ((cp = reallocarray(c->port, n, sizeof(*cp))) == NULL)
		return util_err(err, len, "ports: out of memory");
	if (n > c->nports)
		conf_port_defaults(cp + c->nports, (uint32_t)n - c->nports);
	c->port = cp;
	c->nports = (uint32_t)n;
	/* A mirror port whose sources are all gone is a mirror no more. */
	for (i = 1; i < n; i++)
		if (cp[i].mirror_to != 0)
			cp[cp[i].mirror_to].mirror |= 0x80;
	for (i = 1; i < n; i++)
		cp[i].mirror = cp[i].mirror & 0x80 ? cp[i].mirror & 0x7f : 0;
	return 0;
}

static int
conf_maclimit(struct conf *c, int argc, char **argv, char *err, size_t len)
{
	unsigned long n;

	(void)argc;
	if (number_parse(argv[1], 1, FDB_LIMIT_MAX, &n) == -1)
		return util_err(err, len, "maclimit: '%s' is not a number from "
		    "1 to %u", argv[1], FDB_LIMIT_MAX);
	c->maclimit = (uint32_t)n;
	return 0;
}

static int
conf_portmaclimit(struct conf *c, int argc, char **argv, char *err,
    size_t len)
{
	unsigned long n;

	(void)argc;
	if (number_parse(argv[1], 0, FDB_LIMIT_MAX, &n) == -1)
		return util_err(err, len, "portmaclimit: '%s' is not a number "
		    "from 0 (none) to %u", argv[1], FDB_LIMIT_MAX);
	c->portmaclimit = (uint32_t)n;
	return 0;
}

static int
conf_aging(struct conf *c, int argc, char **argv, char *err, size_t len)
{
	unsigned long n;

	(void)argc;
	if (number_parse(argv[1], 0, CONF_AGING_MAX, &n) == -1)
		return util_err(err, len, "aging: '%s' is not a number of "
		    "seconds from 0 (never) to %d", argv[1], CONF_AGING_MAX);
	c->aging = (uint32_t)n;
	return 0;
}

static int
conf_hub(struct conf *c, int argc, char **argv, char *err, size_t len)
{
	(void)argc;
	if (strcmp(argv[1], "on") == 0)
		c->hub = 1;
	else if (strcmp(argv[1], "off") == 0)
		c->hub = 0;
	else
		return util_err(err, len, "hub: '%s' is not on or off",
		    argv[1]);
	return 0;
}

static int
conf_queue(struct conf *c, int argc, char **argv, char *err, size_t len)
{
	unsigned long n;

	(void)argc;
	if (number_parse(argv[1], 1, CONF_QLEN_MAX, &n) == -1)
		return util_err(err, len, "queue: '%s' is not a number of "
		    "frames from 1 to %d", argv[1], CONF_QLEN_MAX);
	c->qlen = (uint32_t)n;
	return 0;
}

/* Bytes, or with a suffix K, M or G (powers of 1024). */
static int
conf_memory(struct conf *c, int argc, char **argv, char *err, size_t len)
{
	unsigned long long n;
	char *end;
	int shift = 0;

	(void)argc;
	errno = 0;
	n = strtoull(argv[1], &end, 10);
	if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	else if (*end == 'G' || *end == 'g')
		shift = 30;
	if (shift != 0)
		end++;
	if (argv[1][0] < '0' || argv[1][0] > '9' || *end != '\0' ||
	    errno != 0 || n > CONF_MEMORY_MAX >> shift ||
	    n << shift < CONF_MEMORY_MIN)
		return util_err(err, len, "memory: '%s' is not a size from 1M "
		    "to 64G (bytes, or with K, M or G)", argv[1]);
	c->memory = (uint64_t)n << shift;
	return 0;
}

static int
conf_storm_set(struct conf *c, int argc, char **argv, char *err, size_t len)
{
	unsigned long n;

	(void)argc;
	if (number_parse(argv[1], 0, FWD_STORM_MAX, &n) == -1)
		return util_err(err, len, "storm: '%s' is not a number of "
		    "frames a second from 0 (off) to %d", argv[1],
		    FWD_STORM_MAX);
	c->storm = (uint32_t)n;
	return 0;
}

static int
conf_onoff(const char *s, int *v)
{
	if (strcmp(s, "on") == 0)
		*v = 1;
	else if (strcmp(s, "off") == 0)
		*v = 0;
	else
		return -1;
	return 0;
}

/* stp on|off, stp priority N, stp forward-delay S */
static int
conf_stp(struct conf *c, int argc, char **argv, char *err, size_t len)
{
	unsigned long n;

	if (argc == 2) {
		if (conf_onoff(argv[1], &c->stp) == -1)
			return util_err(err, len, "stp: '%s' is not on, off, "
			    "priority or forward-delay", argv[1]);
		return 0;
	}
	if (strcmp(argv[1], "priority") == 0) {
		if (number_parse(argv[2], 0, STP_PRIORITY_MAX, &n) == -1 ||
		    n % 4096 != 0)
			return util_err(err, len, "stp priority: '%s' is not a "
			    "multiple of 4096 from 0 to %d", argv[2],
			    STP_PRIORITY_MAX);
		c->stp_priority = (uint16_t)n;
		return 0;
	}
	if (strcmp(argv[1], "forward-delay") == 0) {
		if (number_parse(argv[2], STP_FWD_DELAY_MIN,
		    STP_FWD_DELAY_MAX, &n) == -1)
			return util_err(err, len, "stp forward-delay: '%s' is "
			    "not a number of seconds from %d to %d", argv[2],
			    STP_FWD_DELAY_MIN, STP_FWD_DELAY_MAX);
		c->stp_fwddelay = (uint16_t)n;
		return 0;
	}
	return util_err(err, len, "usage: stp on|off, stp priority N or stp "
	    "forward-delay SECONDS");
}

/* port N stp cost C|default, port N stp edge on|off|auto|default */
static int
conf_port_stp(struct conf_port *cp, unsigned long num, int argc,
    char **argv, char *err, size_t len)
{
	unsigned long n;

	if (argc != 5)
		return util_err(err, len, "usage: port N stp cost C|default or "
		    "port N stp edge on|off|auto|default");
	if (strcmp(argv[3], "cost") == 0) {
		if (strcmp(argv[4], "default") == 0)
			cp->stp_cost = 0;
		else if (number_parse(argv[4], 1, STP_COST_MAX, &n) == 0)
			cp->stp_cost = (uint32_t)n;
		else
			return util_err(err, len, "port %lu stp cost: '%s' is "
			    "not a number from 1 to %d, or default", num,
			    argv[4], STP_COST_MAX);
		return 0;
	}
	if (strcmp(argv[3], "edge") == 0) {
		if (strcmp(argv[4], "on") == 0)
			cp->stp_edge = STP_EDGE_ON;
		else if (strcmp(argv[4], "off") == 0)
			cp->stp_edge = STP_EDGE_OFF;
		else if (strcmp(argv[4], "auto") == 0)
			cp->stp_edge = STP_EDGE_AUTO;
		else if (strcmp(argv[4], "default") == 0)
			cp->stp_edge = STP_EDGE_KIND;
		else
			return util_err(err, len, "port %lu stp edge: '%s' is "
			    "not on, off, auto or default", num, argv[4]);
		return 0;
	}
	return util_err(err, len, "port %lu stp: cost or edge?", num);
}

/* How many ports one user (root aside) may hold at once. */
static int
conf_userports(struct conf *c, int argc, char **argv, char *err, size_t len)
{
	unsigned long n;

	(void)argc;
	if (number_parse(argv[1], 0, FWD_PORTS_MAX, &n) == -1)
		return util_err(err, len, "userports: '%s' is not a number of "
		    "ports from 0 (no limit) to %d", argv[1], FWD_PORTS_MAX);
	c->userports = (uint32_t)n;
	return 0;
}

/* The storm limit a port runs with: its own, or the switch's. */
uint32_t
conf_storm(const struct conf *c, uint32_t port)
{
	return c->port[port].storm == CONF_STORM_SWITCH ? c->storm :
	    c->port[port].storm;
}

static int
conf_port_storm(struct conf_port *cp, unsigned long num, int argc,
    char **argv, char *err, size_t len)
{
	unsigned long n;

	if (argc == 4 && strcmp(argv[3], "default") == 0) {
		cp->storm = CONF_STORM_SWITCH;
		return 0;
	}
	if (argc != 4 || number_parse(argv[3], 0, FWD_STORM_MAX, &n) == -1)
		return util_err(err, len, "port %lu storm: '%s' is not a "
		    "number of frames a second from 0 (off) to %d, or "
		    "default", num, argc > 3 ? argv[3] : "", FWD_STORM_MAX);
	cp->storm = (uint32_t)n;
	return 0;
}

static int
conf_port_vlan(struct conf_port *cp, unsigned long num, int argc,
    char **argv, char *err, size_t len)
{
	struct vlan_port vp;
	unsigned long v, native = 0;

	memset(&vp, 0, sizeof(vp));
	if (strcmp(argv[2], "access") == 0) {
		if (argc != 4 || number_parse(argv[3], VLAN_MIN, VLAN_MAX,
		    &v) == -1)
			return util_err(err, len, "port %lu access: '%s' is not "
			    "a VLAN from 1 to 4094", num, argc > 3 ? argv[3] :
			    "");
		vlan_access(&vp, (uint16_t)v);
	} else {
		if (argc != 4 && !(argc == 6 && strcmp(argv[4], "native") == 0))
			return util_err(err, len, "usage: port N trunk "
			    "VLANS|all [native VLAN]");
		if (argc == 6 && number_parse(argv[5], VLAN_MIN, VLAN_MAX,
		    &native) == -1)
			return util_err(err, len, "port %lu trunk: native '%s' "
			    "is not a VLAN from 1 to 4094", num, argv[5]);
		vlan_trunk(&vp, (uint16_t)native);
		if (vlanlist_parse(argv[3], vp.allowed) == -1)
			return util_err(err, len, "port %lu trunk: '%s' is not "
			    "a list of VLANs from 1 to 4094 (like 10,20,30-39 "
			    "or all)", num, argv[3]);
	}
	cp->vlan = vp;
	return 0;
}

static int
conf_port_owner(struct conf_port *cp, unsigned long num, int argc,
    char **argv, char *err, size_t len)
{
	struct passwd *pw;
	unsigned long id;
	int user = strcmp(argv[2], "user") == 0;

	if (argc != 4)
		return util_err(err, len, "usage: port N %s NAME|any", argv[2]);
	if (strcmp(argv[3], "any") == 0) {
		if (user)
			cp->uid = (uid_t)-1;
		else
			cp->gid = (gid_t)-1;
	} else if (user) {
		if ((pw = getpwnam(argv[3])) != NULL)
			cp->uid = pw->pw_uid;
		else if (number_parse(argv[3], 0, (uid_t)-2, &id) == 0)
			cp->uid = (uid_t)id;
		else
			return util_err(err, len, "port %lu user: no such user "
			    "'%s'", num, argv[3]);
	} else if (priv_group(argv[3], &cp->gid) == -1)
		return util_err(err, len, "port %lu group: no such group '%s'",
		    num, argv[3]);
	return 0;
}

/* "stream", "dgram" or "vhost": how switchd.conf(5) names a socket. */
const char *
conf_sock_name(enum conf_sock s)
{
	return s == CONF_SOCK_STREAM ? "stream" : s == CONF_SOCK_DGRAM ?
	    "dgram" : s == CONF_SOCK_VHOST ? "vhost" : "none";
}

/* port N stream|dgram|vhost PATH [user NAME] [group NAME] */
static int
conf_port_sock(struct conf *c, unsigned long num, int argc, char **argv,
    char *err, size_t len)
{
	struct conf_port np = c->port[num];
	char *ov[4];
	uint32_t i;
	int a;

	if (argc < 4 || argc % 2 != 0)
		return util_err(err, len, "usage: port N %s PATH [user NAME] "
		    "[group NAME]", argv[2]);
	if (argv[3][0] != '/' || strlen(argv[3]) >= sizeof(np.sockpath))
		return util_err(err, len, "port %lu %s: '%s' is not an "
		    "absolute path of fewer than %zu characters", num, argv[2],
		    argv[3], sizeof(np.sockpath));
	for (i = 1; i < c->nports; i++)
		if (i != num && c->port[i].sock != CONF_SOCK_NONE &&
		    strcmp(c->port[i].sockpath, argv[3]) == 0)
			return util_err(err, len, "port %lu %s: %s is the "
			    "socket of port %u already", num, argv[2], argv[3],
			    i);
	np.sock = strcmp(argv[2], "stream") == 0 ? CONF_SOCK_STREAM :
	    strcmp(argv[2], "dgram") == 0 ? CONF_SOCK_DGRAM : CONF_SOCK_VHOST;
	snprintf(np.sockpath, sizeof(np.sockpath), "%s", argv[3]);
	for (a = 4; a < argc; a += 2) {
		if (strcmp(argv[a], "user") != 0 &&
		    strcmp(argv[a], "group") != 0)
			return util_err(err, len, "usage: port N %s PATH "
			    "[user NAME] [group NAME]", argv[2]);
		ov[0] = argv[0];
		ov[1] = argv[1];
		ov[2] = argv[a];
		ov[3] = argv[a + 1];
		if (conf_port_owner(&np, num, 4, ov, err, len) == -1)
			return -1;
	}
	c->port[num] = np;
	return 0;
}

/* port N ingress|egress off | rate R delay T jitter T loss P duplicate P */
static int
conf_port_shape(struct conf_port *cp, unsigned long num, int argc,
    char **argv, char *err, size_t len)
{
	char why[256];
	int dir = strcmp(argv[2], "ingress") == 0 ? SHAPE_IN : SHAPE_OUT;

	if (shape_parse(&cp->shape[dir], argc - 3, argv + 3, why,
	    sizeof(why)) == -1)
		return util_err(err, len, "port %lu %s: %s", num, argv[2], why);
	return 0;
}

/* Port num stops being a mirror port: its sources are copied no more. */
static void
conf_mirror_clear(struct conf *c, unsigned long num)
{
	uint32_t i;

	c->port[num].mirror = 0;
	for (i = 1; i < c->nports; i++)
		if (c->port[i].mirror_to == num)
			c->port[i].mirror_to = 0;
}

/* port N mirror off | port N mirror port LIST [rx|tx|both] */
static int
conf_port_mirror(struct conf *c, unsigned long num, int argc, char **argv,
    char *err, size_t len)
{
	uint64_t src[VLANLIST_WORDS];
	uint8_t dir = CONF_MIRROR_RX | CONF_MIRROR_TX;
	uint32_t i;

	if (argc == 4 && strcmp(argv[3], "off") == 0) {
		conf_mirror_clear(c, num);
		return 0;
	}
	if ((argc != 5 && argc != 6) || strcmp(argv[3], "port") != 0)
		return util_err(err, len, "usage: port N mirror port M[,...] "
		    "[rx|tx|both] or port N mirror off");
	if (numlist_parse(argv[4], 1, c->nports - 1, src) == -1)
		return util_err(err, len, "port %lu mirror: '%s' is not a list "
		    "of ports from 1 to %u (like 3,5-7)", num, argv[4],
		    c->nports - 1);
	if (argc == 6 && strcmp(argv[5], "rx") == 0)
		dir = CONF_MIRROR_RX;
	else if (argc == 6 && strcmp(argv[5], "tx") == 0)
		dir = CONF_MIRROR_TX;
	else if (argc == 6 && strcmp(argv[5], "both") != 0)
		return util_err(err, len, "port %lu mirror: '%s' is not rx, tx "
		    "or both", num, argv[5]);
	if (VLANLIST_BITSET(src, num))
		return util_err(err, len, "port %lu mirror: a port cannot "
		    "mirror itself", num);
	if (c->port[num].mirror_to != 0)
		return util_err(err, len, "port %lu mirror: port %lu is "
		    "mirrored to port %u; a mirror port is no source", num,
		    num, c->port[num].mirror_to);
	for (i = 1; i < c->nports; i++) {
		if (!VLANLIST_BITSET(src, i))
			continue;
		if (c->port[i].mirror != 0)
			return util_err(err, len, "port %lu mirror: port %u is "
			    "a mirror port itself", num, i);
		if (c->port[i].mirror_to != 0 && c->port[i].mirror_to != num)
			return util_err(err, len, "port %lu mirror: port %u is "
			    "mirrored to port %u already", num, i,
			    c->port[i].mirror_to);
	}
	conf_mirror_clear(c, num);
	c->port[num].mirror = dir;
	for (i = 1; i < c->nports; i++)
		if (VLANLIST_BITSET(src, i))
			c->port[i].mirror_to = (uint16_t)num;
	return 0;
}

static int
conf_port(struct conf *c, int argc, char **argv, char *err, size_t len)
{
	struct conf_port *cp;
	unsigned long num, n;

	if (number_parse(argv[1], 1, c->nports - 1, &num) == -1)
		return util_err(err, len, "port: '%s' is not a port from 1 to "
		    "%u", argv[1], c->nports - 1);
	cp = &c->port[num];
	if (argc < 3)
		return util_err(err, len, "port %lu: access, trunk, maclimit, "
		    "storm, isolated, stp, bpduguard, user, group, stream, "
		    "dgram, vhost, ingress, egress or mirror?", num);
	if (strcmp(argv[2], "access") == 0 || strcmp(argv[2], "trunk") == 0)
		return conf_port_vlan(cp, num, argc, argv, err, len);
	if (strcmp(argv[2], "user") == 0 || strcmp(argv[2], "group") == 0)
		return conf_port_owner(cp, num, argc, argv, err, len);
	if (strcmp(argv[2], "stream") == 0 || strcmp(argv[2], "dgram") == 0 ||
	    strcmp(argv[2], "vhost") == 0)
		return conf_port_sock(c, num, argc, argv, err, len);
	if (strcmp(argv[2], "isolated") == 0) {
		if (argc != 4 || (strcmp(argv[3], "on") != 0 &&
		    strcmp(argv[3], "off") != 0))
			return util_err(err, len, "usage: port N isolated on|off");
		cp->isolated = strcmp(argv[3], "on") == 0;
		return 0;
	}
	if (strcmp(argv[2], "storm") == 0)
		return conf_port_storm(cp, num, argc, argv, err, len);
	if (strcmp(argv[2], "ingress") == 0 || strcmp(argv[2], "egress") == 0)
		return conf_port_shape(cp, num, argc, argv, err, len);
	if (strcmp(argv[2], "mirror") == 0)
		return conf_port_mirror(c, num, argc, argv, err, len);
	if (strcmp(argv[2], "stp") == 0)
		return conf_port_stp(cp, num, argc, argv, err, len);
	if (strcmp(argv[2], "bpduguard") == 0) {
		if (argc != 4 || conf_onoff(argv[3], &cp->bpduguard) == -1)
			return util_err(err, len, "usage: port N bpduguard "
			    "on|off");
		return 0;
	}
	if (strcmp(argv[2], "maclimit") == 0) {
		if (argc != 4 || number_parse(argv[3], 0, FDB_LIMIT_MAX,
		    &n) == -1)
			return util_err(err, len, "port %lu maclimit: '%s' is "
			    "not a number (0 for portmaclimit's)", num,
			    argc > 3 ? argv[3] : "");
		cp->maclimit = (uint32_t)n;
		return 0;
	}
	return util_err(err, len, "port %lu: unknown setting '%s'", num,
	    argv[2]);
}

/* 02:00:00:aa:bb:cc, a station's address: not a group, not zero. */
static int
conf_macaddr(const char *s, uint8_t *mac)
{
	static const char hex[] = "0123456789abcdef";
	const char *h, *l;
	int i;

	if (strlen(s) != 17)
		return -1;
	for (i = 0; i < 6; i++) {
		if ((h = strchr(hex, tolower((unsigned char)s[i * 3]))) ==
		    NULL || (l = strchr(hex, tolower((unsigned char)
		    s[i * 3 + 1]))) == NULL || *h == '\0' || *l == '\0' ||
		    (i < 5 && s[i * 3 + 2] != ':'))
			return -1;
		mac[i] = (uint8_t)((h - hex) << 4 | (l - hex));
	}
	if ((mac[0] & 1) || (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] |
	    mac[5]) == 0)
		return -1;
	return 0;
}

const struct conf_mac *
conf_mac_find(const struct conf *c, const uint8_t *mac, uint16_t vid)
{
	uint32_t i;

	for (i = 0; i < c->nmacs; i++)
		if (c->macs[i].vid == vid && memcmp(c->macs[i].mac, mac, 6) == 0)
			return &c->macs[i];
	return NULL;
}

/* mac add ADDR vlan V port N | mac del ADDR vlan V */
static int
conf_mac(struct conf *c, int argc, char **argv, char *err, size_t len)
{
	struct conf_mac m, *found, *macs;
	unsigned long v, n = 0;
	int add = strcmp(argv[1], "add") == 0;

	if (!(add && argc == 7 && strcmp(argv[5], "port") == 0) &&
	    !(strcmp(argv[1], "del") == 0 && argc == 5))
		return util_err(err, len, "usage: mac add ADDR vlan V port N | "
		    "mac del ADDR vlan V");
	memset(&m, 0, sizeof(m));
	if (conf_macaddr(argv[2], m.mac) == -1)
		return util_err(err, len, "mac: '%s' is not a station's MAC "
		    "address like 02:00:00:aa:bb:cc", argv[2]);
	if (strcmp(argv[3], "vlan") != 0 ||
	    number_parse(argv[4], VLAN_MIN, VLAN_MAX, &v) == -1)
		return util_err(err, len, "mac %s: 'vlan %s' is not a VLAN "
		    "from 1 to 4094", argv[2], argv[4]);
	m.vid = (uint16_t)v;
	if (add && number_parse(argv[6], 1, c->nports - 1, &n) == -1)
		return util_err(err, len, "mac %s: '%s' is not a port from 1 "
		    "to %u", argv[2], argv[6], c->nports - 1);
	m.port = (uint16_t)n;
	found = (struct conf_mac *)conf_mac_find(c, m.mac, m.vid);
	if (!add) {
		if (found == NULL)
			return util_err(err, len, "mac %s vlan %lu: no such "
			    "static address", argv[2], v);
		memmove(found, found + 1, (size_t)(c->macs + c->nmacs -
		    found - 1) * sizeof(*found));
		c->nmacs--;
		return 0;
	}
	if (found != NULL) {
		found->port = m.port;
		return 0;
	}
	if (c->nmacs >= CONF_MACS_MAX)
		return util_err(err, len, "mac: at most %d static addresses",
		    CONF_MACS_MAX);
	if ((macs = reallocarray(c->macs, c->nmacs + 1, sizeof(*macs))) ==
	    NULL)
		return util_err(err, len, "mac: out of memory");
	c->macs = macs;
	c->macs[c->nmacs++] = m;
	return 0;
}

int
conf_known(const char *name)
{
	size_t i;

	for (i = 0; i < nitems(conf_cmds); i++)
		if (strcmp(name, conf_cmds[i].name) == 0)
			return 1;
	return 0;
}

/* The name of the i-th setting, NULL past the last: for tests. */
const char *
conf_name(size_t i)
{
	return i < nitems(conf_cmds) ? conf_cmds[i].name : NULL;
}

/* One line of switchd.conf(5) into c; c is unchanged when it fails. */
int
conf_set(struct conf *c, char *line, char *err, size_t len)
{
	char *argv[CONF_ARGS_MAX];
	size_t i;
	int argc;

	if ((argc = conf_split(line, argv, CONF_ARGS_MAX)) == -1)
		return util_err(err, len, "too many words");
	if (argc == 0)
		return 0;
	for (i = 0; i < nitems(conf_cmds); i++) {
		const struct conf_cmd *cc = &conf_cmds[i];

		if (strcmp(argv[0], cc->name) != 0)
			continue;
		if (argc - 1 < cc->minargs || argc - 1 > cc->maxargs)
			return util_err(err, len, "%s: wrong number of "
			    "arguments", cc->name);
		return cc->fn(c, argc, argv, err, len);
	}
	return util_err(err, len, "unknown setting '%s'", argv[0]);
}

/*
 * Every line of the file into c.  Each bad line is logged, as a compiler
 * would; err names the first and counts the others.
 */
int
conf_load(struct conf *c, const char *path, char *err, size_t len)
{
	char line[CONF_LINE_MAX + 2], msg[256], first[300];
	FILE *f;
	int lineno = 0, bad = 0;

	if ((f = fopen(path, "re")) == NULL)
		return util_err(err, len, "%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			snprintf(msg, sizeof(msg), "line longer than %d "
			    "characters", CONF_LINE_MAX);
			lineno = -lineno;	/* the last one read */
		} else if (conf_set(c, line, msg, sizeof(msg)) == 0)
			continue;
		log_warnx("%s:%d: %s", path, abs(lineno), msg);
		if (bad++ == 0)
			snprintf(first, sizeof(first), "%s:%d: %s", path,
			    abs(lineno), msg);
		if (lineno < 0)
			break;
	}
	if (ferror(f)) {
		fclose(f);
		return util_err(err, len, "%s: %s", path, strerror(errno));
	}
	fclose(f);
	if (bad > 1)
		return util_err(err, len, "%s (and %d more errors)", first,
		    bad - 1);
	if (bad)
		return util_err(err, len, "%s", first);
	return 0;
}

/* "port N mirror port LIST DIR", its sources found among c's ports. */
static void
conf_dump_mirror(const struct conf *c, uint32_t n, FILE *f)
{
	static const char *const dir[] = { "", "rx", "tx", "both" };
	uint64_t src[VLANLIST_WORDS];
	char *list;
	size_t len = (size_t)c->nports * 6;
	uint32_t i;

	memset(src, 0, sizeof(src));
	for (i = 1; i < c->nports; i++)
		if (c->port[i].mirror_to == n)
			src[i >> 6] |= 1ULL << (i & 63);
	if ((list = malloc(len)) == NULL)
		return;
	numlist_str(src, 1, c->nports - 1, list, len);
	fprintf(f, "port %u mirror port %s %s\n", n, list,
	    dir[c->port[n].mirror & 3]);
	free(list);
}

static void
conf_dump_port(const struct conf *c, uint32_t i, FILE *f)
{
	const struct conf_port *cp = &c->port[i];
	char vl[VLANLIST_STR_MAX], sh[SHAPE_STR_MAX];
	struct passwd *pw;
	struct group *gr;

	if (cp->vlan.trunk) {
		vlanlist_str(cp->vlan.allowed, vl, sizeof(vl));
		fprintf(f, "port %u trunk %s", i, vl);
		if (cp->vlan.pvid)
			fprintf(f, " native %u", cp->vlan.pvid);
		fputc('\n', f);
	} else if (cp->vlan.pvid != VLAN_DEFAULT)
		fprintf(f, "port %u access %u\n", i, cp->vlan.pvid);
	if (cp->maclimit)
		fprintf(f, "port %u maclimit %u\n", i, cp->maclimit);
	if (cp->isolated)
		fprintf(f, "port %u isolated on\n", i);
	if (cp->storm != CONF_STORM_SWITCH)
		fprintf(f, "port %u storm %u\n", i, cp->storm);
	if (cp->sock != CONF_SOCK_NONE)
		fprintf(f, "port %u %s %s\n", i, conf_sock_name(cp->sock),
		    cp->sockpath);
	if (cp->stp_cost)
		fprintf(f, "port %u stp cost %u\n", i, cp->stp_cost);
	if (cp->stp_edge != STP_EDGE_KIND)
		fprintf(f, "port %u stp edge %s\n", i,
		    cp->stp_edge == STP_EDGE_ON ? "on" :
		    cp->stp_edge == STP_EDGE_OFF ? "off" : "auto");
	if (cp->bpduguard)
		fprintf(f, "port %u bpduguard on\n", i);
	if (shape_on(&cp->shape[SHAPE_IN])) {
		shape_str(&cp->shape[SHAPE_IN], sh, sizeof(sh));
		fprintf(f, "port %u ingress %s\n", i, sh);
	}
	if (shape_on(&cp->shape[SHAPE_OUT])) {
		shape_str(&cp->shape[SHAPE_OUT], sh, sizeof(sh));
		fprintf(f, "port %u egress %s\n", i, sh);
	}
	if (cp->mirror)
		conf_dump_mirror(c, i, f);
	if (cp->uid != (uid_t)-1) {
		if ((pw = getpwuid(cp->uid)) != NULL)
			fprintf(f, "port %u user %s\n", i, pw->pw_name);
		else
			fprintf(f, "port %u user %lu\n", i,
			    (unsigned long)cp->uid);
	}
	if (cp->gid != (gid_t)-1) {
		if ((gr = getgrgid(cp->gid)) != NULL)
			fprintf(f, "port %u group %s\n", i, gr->gr_name);
		else
			fprintf(f, "port %u group %lu\n", i,
			    (unsigned long)cp->gid);
	}
}

/* In the largest unit that says it exactly. */
static void
conf_dump_memory(uint64_t m, FILE *f)
{
	static const char unit[] = " KMG";
	int i = 0;

	while (i < 3 && m % 1024 == 0) {
		m /= 1024;
		i++;
	}
	fprintf(f, "memory %llu%.*s\n", (unsigned long long)m, i > 0,
	    &unit[i]);
}

void
conf_dump(const struct conf *c, FILE *f)
{
	uint32_t i;

	fprintf(f, "ports %u\nmaclimit %u\naging %u\nhub %s\nqueue %u\n",
	    c->nports, c->maclimit, c->aging, c->hub ? "on" : "off", c->qlen);
	fprintf(f, "portmaclimit %u\n", c->portmaclimit);
	fprintf(f, "storm %u\n", c->storm);
	fprintf(f, "userports %u\n", c->userports);
	conf_dump_memory(c->memory, f);
	fprintf(f, "stp %s\nstp priority %u\nstp forward-delay %u\n",
	    c->stp ? "on" : "off", c->stp_priority, c->stp_fwddelay);
	for (i = 1; i < c->nports; i++)
		conf_dump_port(c, i, f);
	for (i = 0; i < c->nmacs; i++) {
		const uint8_t *m = c->macs[i].mac;

		fprintf(f, "mac add %02x:%02x:%02x:%02x:%02x:%02x vlan %u "
		    "port %u\n", m[0], m[1], m[2], m[3], m[4], m[5],
		    c->macs[i].vid, c->macs[i].port);
	}
}
