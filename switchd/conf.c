#include <sys/types.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "number.h"
#include "port.h"
#include "priv.h"
#include "switchd.h"

struct conf_cmd {
	const char	*name;
	int		 minargs;
	int		 maxargs;
	int		 (*fn)(struct switchd *, int, char **, char *, size_t);
};

static int	conf_ports(struct switchd *, int, char **, char *, size_t);
static int	conf_maclimit(struct switchd *, int, char **, char *, size_t);
static int	conf_aging(struct switchd *, int, char **, char *, size_t);
static int	conf_hub(struct switchd *, int, char **, char *, size_t);
static int	conf_queue(struct switchd *, int, char **, char *, size_t);
static int	conf_port(struct switchd *, int, char **, char *, size_t);

static const struct conf_cmd conf_cmds[] = {
	{ "ports",	1, 1,	conf_ports },
	{ "maclimit",	1, 1,	conf_maclimit },
	{ "aging",	1, 1,	conf_aging },
	{ "hub",	1, 1,	conf_hub },
	{ "queue",	1, 1,	conf_queue },
	{ "port",	2, 5,	conf_port },
};

static int
conf_err(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
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

/* "all", or a list like 10,20,30-39; the bits of every VLAN named. */
int
conf_vlans(const char *s, uint64_t *bits)
{
	char buf[CONF_LINE_MAX], *tok, *save = NULL, *dash;
	unsigned long a, b, v;

	memset(bits, 0, 64 * sizeof(*bits));
	if (strcmp(s, "none") == 0)
		return 0;
	if (strcmp(s, "all") == 0) {
		for (v = 1; v <= VLAN_MAX; v++)
			bits[v >> 6] |= 1ULL << (v & 63);
		return 0;
	}
	/* Every comma separates two members: no empty list, no ",,". */
	if (strlen(s) >= sizeof(buf) || *s == '\0' || *s == ',' ||
	    s[strlen(s) - 1] == ',' || strstr(s, ",,") != NULL)
		return -1;
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if ((dash = strchr(tok, '-')) != NULL)
			*dash++ = '\0';
		if (number_parse(tok, VLAN_MIN, VLAN_MAX, &a) == -1)
			return -1;
		b = a;
		if (dash != NULL &&
		    (number_parse(dash, VLAN_MIN, VLAN_MAX, &b) == -1 || b < a))
			return -1;
		for (v = a; v <= b; v++)
			bits[v >> 6] |= 1ULL << (v & 63);
	}
	return 0;
}

void
conf_vlans_str(const uint64_t *bits, char *buf, size_t len)
{
	unsigned int v, start, n = 0, all = 1;
	size_t off = 0;

	buf[0] = '\0';
	for (v = VLAN_MIN; v <= VLAN_MAX; v++)
		if (!((bits[v >> 6] >> (v & 63)) & 1))
			all = 0;
	if (all) {
		snprintf(buf, len, "all");
		return;
	}
	for (v = VLAN_MIN; v <= VLAN_MAX + 1; v++) {
		if (v <= VLAN_MAX && ((bits[v >> 6] >> (v & 63)) & 1))
			continue;
		/* v ends a run of members (possibly empty) */
		start = v;
		while (start > VLAN_MIN &&
		    ((bits[(start - 1) >> 6] >> ((start - 1) & 63)) & 1))
			start--;
		if (start == v || off >= len)
			continue;
		off += (size_t)snprintf(buf + off, len - off, "%s%u", n++ ?
		    "," : "", start);
		if (v - 1 > start && off < len)
			off += (size_t)snprintf(buf + off, len - off, "-%u",
			    v - 1);
	}
	if (n == 0)
		snprintf(buf, len, "none");
}

static int
conf_ports(struct switchd *sd, int argc, char **argv, char *err, size_t len)
{
	unsigned long n;
	uint32_t i;

	(void)argc;
	if (number_parse(argv[1], 2, FWD_PORTS_MAX, &n) == -1)
		return conf_err(err, len, "ports: '%s' is not a number from "
		    "2 to %d", argv[1], FWD_PORTS_MAX);
	if (n == sd->nports)
		return 0;
	for (i = 0; i < sd->nports; i++)
		if (sd->ports[i] != NULL)
			return conf_err(err, len, "ports: the number of ports "
			    "changes only with a restart");
	return switchd_resize(sd, (uint32_t)n) == -1 ?
	    conf_err(err, len, "ports: out of memory") : 0;
}

static int
conf_maclimit(struct switchd *sd, int argc, char **argv, char *err,
    size_t len)
{
	unsigned long n;

	(void)argc;
	if (number_parse(argv[1], 1, FDB_LIMIT_MAX, &n) == -1)
		return conf_err(err, len, "maclimit: '%s' is not a number from "
		    "1 to %u", argv[1], FDB_LIMIT_MAX);
	if (n != sd->fwd->fdb->limit && fdb_setlimit(sd->fwd->fdb,
	    (uint32_t)n) == -1)
		return conf_err(err, len, "maclimit: out of memory");
	return 0;
}

static int
conf_aging(struct switchd *sd, int argc, char **argv, char *err, size_t len)
{
	unsigned long n;

	(void)argc;
	if (number_parse(argv[1], 0, 1000000, &n) == -1)
		return conf_err(err, len, "aging: '%s' is not a number of "
		    "seconds from 0 (never) to 1000000", argv[1]);
	sd->fwd->fdb->aging = (uint32_t)n;
	switchd_aging_timer(sd);
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

static int
conf_hub(struct switchd *sd, int argc, char **argv, char *err, size_t len)
{
	(void)argc;
	if (conf_onoff(argv[1], &sd->fwd->hub) == -1)
		return conf_err(err, len, "hub: '%s' is not on or off",
		    argv[1]);
	return 0;
}

static int
conf_queue(struct switchd *sd, int argc, char **argv, char *err, size_t len)
{
	unsigned long n;
	uint32_t i;

	(void)argc;
	if (number_parse(argv[1], 1, 65536, &n) == -1)
		return conf_err(err, len, "queue: '%s' is not a number of "
		    "frames from 1 to 65536", argv[1]);
	if (n == sd->qlen)
		return 0;
	for (i = 0; i < sd->nports; i++)
		if (sd->ports[i] != NULL)
			return conf_err(err, len, "queue: the queue length "
			    "changes only with a restart");
	sd->qlen = (uint32_t)n;
	return 0;
}

static int
conf_port_vlan(struct switchd *sd, uint16_t num, int argc, char **argv,
    char *err, size_t len)
{
	struct vlan_port vp;
	unsigned long v, native = 0;

	memset(&vp, 0, sizeof(vp));
	if (strcmp(argv[2], "access") == 0) {
		if (argc != 4 || number_parse(argv[3], VLAN_MIN, VLAN_MAX,
		    &v) == -1)
			return conf_err(err, len, "port %u access: '%s' is not "
			    "a VLAN from 1 to 4094", num, argc > 3 ? argv[3] :
			    "");
		vlan_access(&vp, (uint16_t)v);
	} else {
		if (argc != 4 && !(argc == 6 && strcmp(argv[4], "native") == 0))
			return conf_err(err, len, "usage: port N trunk "
			    "VLANS|all [native VLAN]");
		if (argc == 6 && number_parse(argv[5], VLAN_MIN, VLAN_MAX,
		    &native) == -1)
			return conf_err(err, len, "port %u trunk: native '%s' "
			    "is not a VLAN from 1 to 4094", num, argv[5]);
		vlan_trunk(&vp, (uint16_t)native);
		if (conf_vlans(argv[3], vp.allowed) == -1)
			return conf_err(err, len, "port %u trunk: '%s' is not "
			    "a list of VLANs from 1 to 4094 (like 10,20,30-39 "
			    "or all)", num, argv[3]);
	}
	if (memcmp(&sd->fwd->ports[num].vlan, &vp, sizeof(vp)) != 0) {
		sd->fwd->ports[num].vlan = vp;
		fwd_port_reconf(sd->fwd, num);
	}
	return 0;
}

static int
conf_port_owner(struct switchd *sd, uint16_t num, int argc, char **argv,
    char *err, size_t len)
{
	struct passwd *pw;
	unsigned long id;
	int user = strcmp(argv[2], "user") == 0;

	if (argc != 4)
		return conf_err(err, len, "usage: port N %s NAME|any", argv[2]);
	if (strcmp(argv[3], "any") == 0) {
		if (user)
			sd->portcfg[num].uid = (uid_t)-1;
		else
			sd->portcfg[num].gid = (gid_t)-1;
	} else if (user) {
		if ((pw = getpwnam(argv[3])) != NULL)
			sd->portcfg[num].uid = pw->pw_uid;
		else if (number_parse(argv[3], 0, (uid_t)-2, &id) == 0)
			sd->portcfg[num].uid = (uid_t)id;
		else
			return conf_err(err, len, "port %u user: no such user "
			    "'%s'", num, argv[3]);
	} else if (priv_group(argv[3], &sd->portcfg[num].gid) == -1)
		return conf_err(err, len, "port %u group: no such group '%s'",
		    num, argv[3]);
	return 0;
}

static int
conf_port(struct switchd *sd, int argc, char **argv, char *err, size_t len)
{
	unsigned long num, n;

	if (number_parse(argv[1], 1, sd->nports - 1, &num) == -1)
		return conf_err(err, len, "port: '%s' is not a port from 1 to "
		    "%u", argv[1], sd->nports - 1);
	if (argc < 3)
		return conf_err(err, len, "port %lu: access, trunk, maclimit, "
		    "user or group?", num);
	if (strcmp(argv[2], "access") == 0 || strcmp(argv[2], "trunk") == 0)
		return conf_port_vlan(sd, (uint16_t)num, argc, argv, err, len);
	if (strcmp(argv[2], "user") == 0 || strcmp(argv[2], "group") == 0)
		return conf_port_owner(sd, (uint16_t)num, argc, argv, err, len);
	if (strcmp(argv[2], "maclimit") == 0) {
		if (argc != 4 || number_parse(argv[3], 0, FDB_LIMIT_MAX,
		    &n) == -1)
			return conf_err(err, len, "port %lu maclimit: '%s' is "
			    "not a number (0 for none)", num,
			    argc > 3 ? argv[3] : "");
		sd->fwd->ports[num].maclimit = (uint32_t)n;
		return 0;
	}
	return conf_err(err, len, "port %lu: unknown setting '%s'", num,
	    argv[2]);
}

int
conf_known(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(conf_cmds) / sizeof(conf_cmds[0]); i++)
		if (strcmp(name, conf_cmds[i].name) == 0)
			return 1;
	return 0;
}

int
conf_exec(struct switchd *sd, char *line, char *err, size_t len)
{
	char *argv[CONF_ARGS_MAX];
	size_t i;
	int argc;

	if ((argc = conf_split(line, argv, CONF_ARGS_MAX)) == -1)
		return conf_err(err, len, "too many words");
	if (argc == 0)
		return 0;
	for (i = 0; i < sizeof(conf_cmds) / sizeof(conf_cmds[0]); i++) {
		const struct conf_cmd *c = &conf_cmds[i];

		if (strcmp(argv[0], c->name) != 0)
			continue;
		if (argc - 1 < c->minargs || argc - 1 > c->maxargs)
			return conf_err(err, len, "%s: wrong number of "
			    "arguments", c->name);
		return c->fn(sd, argc, argv, err, len);
	}
	return conf_err(err, len, "unknown setting '%s'", argv[0]);
}

/* Back to the defaults, before the file is read again. */
void
conf_reset(struct switchd *sd)
{
	uint32_t i;

	for (i = 0; i < sd->nports; i++) {
		/* No flush: the caller forgets only what really changed. */
		vlan_access(&sd->fwd->ports[i].vlan, VLAN_DEFAULT);
		sd->fwd->ports[i].maclimit = 0;
		sd->portcfg[i].uid = (uid_t)-1;
		sd->portcfg[i].gid = (gid_t)-1;
	}
	sd->fwd->hub = 0;
	sd->fwd->fdb->aging = FDB_AGING_DEFAULT;
	switchd_aging_timer(sd);
	(void)fdb_setlimit(sd->fwd->fdb, FDB_LIMIT_DEFAULT);
}

int
conf_load(struct switchd *sd, const char *path)
{
	char line[CONF_LINE_MAX + 2], err[256];
	FILE *f;
	int lineno = 0, bad = 0;

	if ((f = fopen(path, "re")) == NULL) {
		log_warn("%s", path);
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			log_warnx("%s:%d: line longer than %d characters", path,
			    lineno, CONF_LINE_MAX);
			bad = 1;
			break;
		}
		if (conf_exec(sd, line, err, sizeof(err)) == -1) {
			log_warnx("%s:%d: %s", path, lineno, err);
			bad = 1;
		}
	}
	if (ferror(f)) {
		log_warn("%s", path);
		bad = 1;
	}
	fclose(f);
	return bad ? -1 : 0;
}

void
conf_dump(struct switchd *sd, FILE *f)
{
	struct fwd *w = sd->fwd;
	struct passwd *pw;
	struct group *gr;
	char vl[CONF_LINE_MAX];
	uint32_t i;

	fprintf(f, "ports %u\nmaclimit %u\naging %u\nhub %s\nqueue %u\n",
	    sd->nports, w->fdb->limit, w->fdb->aging, w->hub ? "on" : "off",
	    sd->qlen);
	for (i = 1; i < sd->nports; i++) {
		const struct fwd_port *p = &w->ports[i];

		if (p->vlan.trunk) {
			conf_vlans_str(p->vlan.allowed, vl, sizeof(vl));
			fprintf(f, "port %u trunk %s", i, vl);
			if (p->vlan.pvid)
				fprintf(f, " native %u", p->vlan.pvid);
			fputc('\n', f);
		} else if (p->vlan.pvid != VLAN_DEFAULT)
			fprintf(f, "port %u access %u\n", i, p->vlan.pvid);
		if (p->maclimit)
			fprintf(f, "port %u maclimit %u\n", i, p->maclimit);
		if (sd->portcfg[i].uid != (uid_t)-1) {
			if ((pw = getpwuid(sd->portcfg[i].uid)) != NULL)
				fprintf(f, "port %u user %s\n", i, pw->pw_name);
			else
				fprintf(f, "port %u user %lu\n", i,
				    (unsigned long)sd->portcfg[i].uid);
		}
		if (sd->portcfg[i].gid != (gid_t)-1) {
			if ((gr = getgrgid(sd->portcfg[i].gid)) != NULL)
				fprintf(f, "port %u group %s\n", i, gr->gr_name);
			else
				fprintf(f, "port %u group %lu\n", i,
				    (unsigned long)sd->portcfg[i].gid);
		}
	}
}
