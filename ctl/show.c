/* SPDX-License-Identifier: ISC */
/*
 * Human output.  Only what the switch sent is shown, and a field it did
 * not send shows as "?" rather than stopping the whole table: a newer
 * switch may rename or drop one.
 */
#include <inttypes.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "log.h"
#include "show.h"
#include "table.h"

/*
 * The ports table fits 80 columns: user names and VLAN modes are cut,
 * counts shortened, and the description takes what is left.
 */
#define SHOW_WIDTH	80
#define SHOW_USER_MAX	8
#define SHOW_VLAN_MAX	16

static json_object *
show_get(json_object *o, const char *key)
{
	json_object *v;

	return o != NULL && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static const char *
show_str(json_object *o, const char *key)
{
	json_object *v = show_get(o, key);

	return v != NULL ? json_object_get_string(v) : "?";
}

static uint64_t
show_u64(json_object *o, const char *key)
{
	json_object *v = show_get(o, key);

	return v != NULL ? json_object_get_uint64(v) : 0;
}

static int
show_has(json_object *o, const char *key)
{
	return show_get(o, key) != NULL;
}

static json_object *
show_array(json_object *o, const char *key)
{
	json_object *v = show_get(o, key);

	return v != NULL && json_object_is_type(v, json_type_array) ? v : NULL;
}

void
show_json(json_object *o)
{
	printf("%s\n", json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
}

/*
 * With -j, every error of switchctl's, as the switch words its own
 * refusals: {"error": "...", "ok": false}.
 */
void
show_error(const char *msg)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "error", json_object_new_string(msg));
	json_object_object_add(o, "ok", json_object_new_boolean(0));
	show_json(o);
	json_object_put(o);
}

static void
show_kv(struct table *t, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
show_kv(struct table *t, const char *key, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		s = NULL;
	va_end(ap);
	table_cell(t, "%s:", key);
	table_cell(t, "%s", s ? s : "?");
	free(s);
}

static void
show_duration(uint64_t s, char *buf, size_t len)
{
	if (s >= 86400)
		snprintf(buf, len, "%" PRIu64 "d %02u:%02u:%02u", s / 86400,
		    (unsigned)(s % 86400 / 3600), (unsigned)(s % 3600 / 60),
		    (unsigned)(s % 60));
	else
		snprintf(buf, len, "%02u:%02u:%02u", (unsigned)(s / 3600),
		    (unsigned)(s % 3600 / 60), (unsigned)(s % 60));
}

/* The limit on flooded frames, of the switch or of one port. */
static void
show_storm(struct table *t, json_object *o)
{
	if (show_u64(o, "storm"))
		show_kv(t, "storm limit", "%" PRIu64 " flooded frames a second",
		    show_u64(o, "storm"));
	else
		show_kv(t, "storm limit", "off");
}

/* "uid 1000 (alice) pid 42" of o's "uid" and "pid". */
static void
show_who(json_object *o, char *buf, size_t len)
{
	struct passwd *pw = getpwuid((uid_t)show_u64(o, "uid"));

	snprintf(buf, len, "uid %" PRIu64 "%s%s%s pid %" PRIu64,
	    show_u64(o, "uid"), pw ? " (" : "", pw ? pw->pw_name : "",
	    pw ? ")" : "", show_u64(o, "pid"));
}

/* The last attach refusals, the last first: what the refused were told. */
static void
show_refusals(json_object *r)
{
	json_object *a = show_array(r, "attach_refusals"), *o;
	size_t i, n = a ? json_object_array_length(a) : 0;
	char when[32], who[128];
	time_t t;

	if (n == 0)
		return;
	printf("\nlast attach refusals:\n");
	for (i = 0; i < n; i++) {
		o = json_object_array_get_idx(a, i);
		t = (time_t)show_u64(o, "time");
		strftime(when, sizeof(when), "%m-%d %H:%M:%S",
		    localtime(&t));
		show_who(o, who, sizeof(who));
		printf("  %s  %s: %s\n", when, who, show_str(o, "reason"));
	}
}

/* The captures running: whose, of what, and how they keep up. */
static void
show_captures(json_object *r)
{
	json_object *a = show_array(r, "captures"), *o;
	size_t i, n = a ? json_object_array_length(a) : 0;
	char vlan[32], who[128];

	if (n == 0)
		return;
	printf("\ncaptures:\n");
	for (i = 0; i < n; i++) {
		o = json_object_array_get_idx(a, i);
		show_who(o, who, sizeof(who));
		if (show_u64(o, "vlan"))
			snprintf(vlan, sizeof(vlan), ", VLAN %" PRIu64,
			    show_u64(o, "vlan"));
		else
			vlan[0] = '\0';
		printf("  %s: ports %s%s: %" PRIu64 " frames, %" PRIu64
		    " lost\n", who, show_str(o, "ports"), vlan,
		    show_u64(o, "frames"), show_u64(o, "lost"));
	}
}

void
show_info(json_object *r)
{
	static const char kv[] = "ll";
	struct table *t = table_new(2, NULL, kv);
	char up[64];

	show_duration(show_u64(r, "uptime"), up, sizeof(up));
	show_kv(t, "version", "%s (management protocol %" PRIu64 ")",
	    show_str(r, "version"), show_u64(r, "protocol"));
	show_kv(t, "uptime", "%s", up);
	show_kv(t, "directory", "%s", show_str(r, "dir"));
	show_kv(t, "attach socket", "%s", show_str(r, "ctl"));
	if (show_has(r, "stream"))
		show_kv(t, "QEMU stream socket", "%s", show_str(r, "stream"));
	if (show_has(r, "dgram"))
		show_kv(t, "QEMU dgram socket", "%s", show_str(r, "dgram"));
	if (show_has(r, "vhost"))
		show_kv(t, "QEMU vhost-user socket", "%s",
		    show_str(r, "vhost"));
	show_kv(t, "management socket", "%s", show_str(r, "mgmt"));
	show_kv(t, "ports", "%" PRIu64 " in use of %" PRIu64,
	    show_u64(r, "ports"), show_u64(r, "ports_max"));
	show_kv(t, "MAC entries", "%" PRIu64 " in use of %" PRIu64,
	    show_u64(r, "macs"), show_u64(r, "macs_max"));
	if (show_u64(r, "portmaclimit"))
		show_kv(t, "MAC limit per port", "%" PRIu64 " unless the port "
		    "has its own", show_u64(r, "portmaclimit"));
	else
		show_kv(t, "MAC limit per port", "none unless the port has "
		    "its own");
	show_kv(t, "aging", show_u64(r, "aging") ? "%" PRIu64 " s" :
	    "never (%" PRIu64 ")", show_u64(r, "aging"));
	show_kv(t, "hub", "%s", json_object_get_boolean(show_get(r, "hub")) ?
	    "on" : "off");
	show_kv(t, "queue", "%" PRIu64 " frames per port",
	    show_u64(r, "queue_max"));
	show_storm(t, r);
	show_kv(t, "memory", "%" PRIu64 " bytes in use of %" PRIu64
	    " (%" PRIu64 " queued), %" PRIu64 " frames dropped for it",
	    show_u64(r, "memory"), show_u64(r, "memory_max"),
	    show_u64(r, "memory_queued"), show_u64(r, "memory_drops"));
	show_kv(t, "management clients", "%" PRIu64 " of %" PRIu64,
	    show_u64(r, "mgmt_clients"), show_u64(r, "mgmt_clients_max"));
	show_kv(t, "MAC moves", "%" PRIu64, show_u64(r, "moves"));
	show_kv(t, "not learned, table full", "%" PRIu64,
	    show_u64(r, "learn_full"));
	show_kv(t, "attach refused", "%" PRIu64,
	    show_u64(r, "attach_refused"));
	show_kv(t, "attach/detach not logged", "%" PRIu64 " lines",
	    show_u64(r, "attach_unlogged"));
	show_kv(t, "changes refused", "%" PRIu64,
	    show_u64(r, "mgmt_refused"));
	if (show_has(r, "netdev_refused"))
		show_kv(t, "stream, dgram, vhost refused", "%" PRIu64,
		    show_u64(r, "netdev_refused"));
	if (show_has(r, "stream_errors"))
		show_kv(t, "streams out of step", "%" PRIu64,
		    show_u64(r, "stream_errors"));
	if (show_has(r, "vhost_errors"))
		show_kv(t, "vhost-user peers dropped", "%" PRIu64,
		    show_u64(r, "vhost_errors"));
	if (show_array(r, "captures") != NULL)
		show_kv(t, "captures", "%zu running of %" PRIu64,
		    json_object_array_length(show_array(r, "captures")),
		    show_u64(r, "captures_max"));
	show_kv(t, "log level", "%s", show_str(r, "loglevel"));
	table_print(t, stdout);
	table_free(t);
	show_captures(r);
	show_refusals(r);
}

/* "access 10", "trunk 10,20-29 native 1", "trunk all" */
static void
show_vlanmode(json_object *v, char *buf, size_t len)
{
	const char *mode = show_str(v, "mode");

	if (strcmp(mode, "access") == 0)
		snprintf(buf, len, "access %" PRIu64, show_u64(v, "vlan"));
	else if (strcmp(mode, "trunk") == 0 && show_u64(v, "native") != 0)
		snprintf(buf, len, "trunk %s native %" PRIu64,
		    show_str(v, "allowed"), show_u64(v, "native"));
	else if (strcmp(mode, "trunk") == 0)
		snprintf(buf, len, "trunk %s", show_str(v, "allowed"));
	else
		snprintf(buf, len, "%s", mode);
}

static uint64_t
show_drops(json_object *p)
{
	json_object *d = show_get(p, "drops");
	uint64_t n = 0;

	if (d == NULL || !json_object_is_type(d, json_type_object))
		return 0;
	json_object_object_foreach(d, key, v) {
		(void)key;
		n += json_object_get_uint64(v);
	}
	return n;
}

static void
show_peer(json_object *p, char *buf, size_t len)
{
	if (show_has(p, "ifname"))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%s/%" PRId64, show_str(p, "user"),
		    json_object_get_int64(show_get(p, "pid")));
}

/* s cut to max columns, ending in more when it was longer. */
static void
show_cut(const char *s, size_t max, const char *more, char *buf,
    size_t len)
{
	if (strlen(s) > max)
		snprintf(buf, len, "%.*s%s", (int)(max - strlen(more)), s,
		    more);
	else
		snprintf(buf, len, "%s", s);
}

/* A count in at most 5 columns: 12345, 123k, 1.2M, 12G. */
static void
show_count(uint64_t n, char *buf, size_t len)
{
	static const char units[] = "kMGTPE";
	uint64_t unit = 1000;
	int i;

	if (n < 100000) {
		snprintf(buf, len, "%" PRIu64, n);
		return;
	}
	for (i = 0; n / unit >= 1000 && units[i + 1] != '\0'; i++)
		unit *= 1000;
	if (n / (unit / 10) < 100)
		snprintf(buf, len, "%" PRIu64 ".%" PRIu64 "%c", n / unit,
		    n / (unit / 10) % 10, units[i]);
	else
		snprintf(buf, len, "%" PRIu64 "%c", n / unit, units[i]);
}

/*
 * The description without the words libvdeplug adds, "user=alice" and
 * "pid=4242", when they only say again what the switch knows of the
 * client.
 */
static void
show_descr(json_object *p, char *buf, size_t len)
{
	const char *d = show_str(p, "descr"), *end;
	char user[128], pid[32];
	size_t n, off = 0;

	snprintf(user, sizeof(user), "user=%s", show_str(p, "user"));
	snprintf(pid, sizeof(pid), "pid=%" PRId64,
	    json_object_get_int64(show_get(p, "pid")));
	buf[0] = '\0';
	for (; *d != '\0'; d = end) {
		d += strspn(d, " ");
		end = d + strcspn(d, " ");
		n = (size_t)(end - d);
		if (n == 0 || (!show_has(p, "ifname") &&
		    ((n == strlen(user) && strncasecmp(d, user, n) == 0) ||
		    (n == strlen(pid) && strncasecmp(d, pid, n) == 0))))
			continue;
		if (off + n + 2 > len)
			break;
		off += (size_t)snprintf(buf + off, len - off, "%s%.*s",
		    off ? " " : "", (int)n, d);
	}
	if (off == 0)
		snprintf(buf, len, "-");
}

/*
 * The columns before the description take 61 at most, counts of 5 and
 * the gaps included: the description has 19 at least.
 */
void
show_ports(json_object *r)
{
	static const char *const heads[] = { "PORT", "KIND", "USER", "VLAN",
	    "IN", "OUT", "DROPS", "DESCRIPTION" };
	json_object *a = show_array(r, "ports"), *p;
	struct table *t;
	char vl[2048], cut[32], n[3][16], d[256];
	size_t i, np = a ? json_object_array_length(a) : 0;

	t = table_new(8, heads, "rlllrrrl");
	table_fit(t, 7, SHOW_WIDTH);
	for (i = 0; i < np; i++) {
		p = json_object_array_get_idx(a, i);
		table_cell(t, "%" PRIu64, show_u64(p, "port"));
		table_cell(t, "%s", show_str(p, "kind"));
		show_cut(show_has(p, "ifname") ? "-" : show_str(p, "user"),
		    SHOW_USER_MAX, "+", cut, sizeof(cut));
		table_cell(t, "%s", cut);
		show_vlanmode(show_get(p, "vlan"), vl, sizeof(vl));
		show_cut(vl, SHOW_VLAN_MAX, "...", cut, sizeof(cut));
		table_cell(t, "%s", cut);
		show_count(show_u64(p, "rx_frames"), n[0], sizeof(n[0]));
		show_count(show_u64(p, "tx_frames"), n[1], sizeof(n[1]));
		show_count(show_drops(p), n[2], sizeof(n[2]));
		table_cell(t, "%s", n[0]);
		table_cell(t, "%s", n[1]);
		table_cell(t, "%s", n[2]);
		show_descr(p, d, sizeof(d));
		table_cell(t, "%s", d);
	}
	table_print(t, stdout);
	table_free(t);
	if (np == 0)
		printf("(no port in use)\n");
}

/* -l: every column, every number in full, descriptions as they came. */
void
show_ports_long(json_object *r)
{
	static const char *const heads[] = { "PORT", "KIND", "DESCRIPTION",
	    "USER/PID", "VLAN", "RX-FRAMES", "RX-BYTES", "TX-FRAMES",
	    "TX-BYTES", "DROPS", "MACS", "QUEUE" };
	json_object *a = show_array(r, "ports"), *p;
	struct table *t;
	char vl[2048], peer[128];
	const char *d;
	size_t i, n = a ? json_object_array_length(a) : 0;

	t = table_new(12, heads, "rllllrrrrrrr");
	for (i = 0; i < n; i++) {
		p = json_object_array_get_idx(a, i);
		d = show_str(p, "descr");
		show_vlanmode(show_get(p, "vlan"), vl, sizeof(vl));
		show_peer(p, peer, sizeof(peer));
		table_cell(t, "%" PRIu64, show_u64(p, "port"));
		table_cell(t, "%s", show_str(p, "kind"));
		table_cell(t, "%s", *d ? d : "-");
		table_cell(t, "%s", peer);
		table_cell(t, "%s", vl);
		table_cell(t, "%" PRIu64, show_u64(p, "rx_frames"));
		table_cell(t, "%" PRIu64, show_u64(p, "rx_bytes"));
		table_cell(t, "%" PRIu64, show_u64(p, "tx_frames"));
		table_cell(t, "%" PRIu64, show_u64(p, "tx_bytes"));
		table_cell(t, "%" PRIu64, show_drops(p));
		if (show_u64(p, "maclimit"))
			table_cell(t, "%" PRIu64 "/%" PRIu64,
			    show_u64(p, "macs"), show_u64(p, "maclimit"));
		else
			table_cell(t, "%" PRIu64, show_u64(p, "macs"));
		table_cell(t, "%" PRIu64 "/%" PRIu64, show_u64(p, "queue"),
		    show_u64(p, "queue_max"));
	}
	table_print(t, stdout);
	table_free(t);
	if (n == 0)
		printf("(no port in use)\n");
}

/* Who may attach, from "allow_user" and "allow_group". */
static void
show_allow(struct table *t, json_object *p)
{
	int u = show_has(p, "allow_user"), g = show_has(p, "allow_group");

	if (!show_has(p, "attached"))
		return;		/* a switch too old to say */
	if (u && g)
		show_kv(t, "may attach", "%s, as a member of %s (and root)",
		    show_str(p, "allow_user"), show_str(p, "allow_group"));
	else if (u)
		show_kv(t, "may attach", "%s (and root)",
		    show_str(p, "allow_user"));
	else if (g)
		show_kv(t, "may attach", "members of %s (and root)",
		    show_str(p, "allow_group"));
	else
		show_kv(t, "may attach", "anyone");
	if (show_has(p, "socket"))
		show_kv(t, "its own socket", "%s (QEMU -netdev %s)",
		    show_str(p, "socket"), show_str(p, "socket_kind"));
}

/* A vhost-user port: what QEMU and the switch agreed on, and its pace. */
static void
show_vhost(struct table *t, json_object *v)
{
	json_object *f = show_array(v, "features");
	char buf[512];
	size_t i, n = f ? json_object_array_length(f) : 0, off = 0;

	buf[0] = '\0';
	for (i = 0; i < n && off < sizeof(buf); i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s",
		    i ? " " : "", json_object_get_string(
		    json_object_array_get_idx(f, i)));
	show_kv(t, "features", "%s", n ? buf : "none agreed on yet");
	show_kv(t, "rings", "receive %" PRIu64 "%s, transmit %" PRIu64 "%s",
	    show_u64(v, "rx_ring"), json_object_get_boolean(show_get(v,
	    "rx_up")) ? "" : " (stopped)", show_u64(v, "tx_ring"),
	    json_object_get_boolean(show_get(v, "tx_up")) ? "" : " (stopped)");
	show_kv(t, "kicks", "%" PRIu64 " (%.0f/s)", show_u64(v, "kicks"),
	    json_object_get_double(show_get(v, "kicks_per_s")));
	show_kv(t, "calls", "%" PRIu64 " (%.0f/s)", show_u64(v, "calls"),
	    json_object_get_double(show_get(v, "calls_per_s")));
	show_kv(t, "guest memory", "%" PRIu64 " MiB in %" PRIu64 " regions",
	    show_u64(v, "memory") >> 20, show_u64(v, "regions"));
}

/* What belongs to the port's number, whoever is attached. */
static void
show_settings(struct table *t, json_object *p)
{
	char vl[2048];

	show_vlanmode(show_get(p, "vlan"), vl, sizeof(vl));
	show_kv(t, "VLAN", "%s", vl);
	if (show_has(p, "isolated") && json_object_get_boolean(
	    show_get(p, "isolated")))
		show_kv(t, "isolated", "yes: reaches only ports that are not");
}

static void
show_limits(struct table *t, json_object *p)
{
	if (show_u64(p, "maclimit"))
		show_kv(t, "MAC limit", "%" PRIu64 "%s", show_u64(p, "maclimit"),
		    json_object_get_boolean(show_get(p, "maclimit_own")) ? "" :
		    " (the switch's portmaclimit)");
	else
		show_kv(t, "MAC limit", "none");
}

/*
 * A port's part in mirroring, and its impaired links: what it is set
 * to, and for a port in use, what each did and holds.
 */
static void
show_shape(struct table *t, json_object *p)
{
	static const char *const dirs[] = { "ingress", "egress" };
	json_object *o;
	char key[64];
	size_t i;

	if (show_has(p, "mirror"))
		show_kv(t, "mirror port", "gets copies of port %s (%s); "
		    "forwards nothing", show_str(show_get(p, "mirror"),
		    "sources"), show_str(show_get(p, "mirror"), "direction"));
	if (show_has(p, "mirror_to"))
		show_kv(t, "mirrored to", "port %" PRIu64 " (%s), %" PRIu64
		    " copies", show_u64(p, "mirror_to"),
		    show_str(p, "mirror_direction"), show_u64(p, "mirrored"));
	for (i = 0; i < 2; i++) {
		if ((o = show_get(p, dirs[i])) == NULL)
			continue;
		show_kv(t, dirs[i], "%s", show_str(o, "setting"));
		if (!show_has(o, "delayed") ||
		    (strcmp(show_str(o, "setting"), "off") == 0 &&
		    show_u64(o, "delayed") + show_u64(o, "lost") +
		    show_u64(o, "overflow") + show_u64(o, "duplicated") == 0))
			continue;
		snprintf(key, sizeof(key), "  %s held", dirs[i]);
		show_kv(t, key, "%" PRIu64 " frames; %" PRIu64 " now, %"
		    PRIu64 " bytes", show_u64(o, "delayed"),
		    show_u64(o, "queue"), show_u64(o, "queue_bytes"));
		snprintf(key, sizeof(key), "  %s lost", dirs[i]);
		show_kv(t, key, "%" PRIu64, show_u64(o, "lost"));
		snprintf(key, sizeof(key), "  %s duplicated", dirs[i]);
		show_kv(t, key, "%" PRIu64, show_u64(o, "duplicated"));
		snprintf(key, sizeof(key), "  %s overflow", dirs[i]);
		show_kv(t, key, "%" PRIu64 " (no room to hold)",
		    show_u64(o, "overflow"));
	}
	if (show_has(p, "captures"))
		show_kv(t, "captures", "%" PRIu64 " running; %" PRIu64
		    " frames copied, %" PRIu64 " lost",
		    show_u64(p, "captures"), show_u64(p, "captured"),
		    show_u64(p, "capture_lost"));
}

void
show_port(json_object *r)
{
	json_object *p = show_get(r, "port"), *d;
	struct table *t = table_new(2, NULL, "ll");
	char key[64];

	show_kv(t, "port", "%" PRIu64, show_u64(p, "port"));
	if (show_has(p, "attached") && !json_object_get_boolean(
	    show_get(p, "attached"))) {
		show_kv(t, "attached", "nothing");
		show_settings(t, p);
		show_limits(t, p);
		show_storm(t, p);
		show_shape(t, p);
		show_allow(t, p);
		table_print(t, stdout);
		table_free(t);
		return;
	}
	show_kv(t, "kind", "%s", show_str(p, "kind"));
	show_kv(t, "description", "%s", show_str(p, "descr"));
	if (show_has(p, "ifname")) {
		show_kv(t, "interface", "%s", show_str(p, "ifname"));
		show_kv(t, "offloads", "%s", json_object_get_boolean(
		    show_get(p, "offload")) ? "checksum, TCP segmentation" :
		    "none");
	} else {
		show_kv(t, "user", "%s (uid %" PRId64 ")", show_str(p, "user"),
		    json_object_get_int64(show_get(p, "uid")));
		show_kv(t, "pid", "%" PRId64,
		    json_object_get_int64(show_get(p, "pid")));
	}
	if (show_has(p, "vhost"))
		show_vhost(t, show_get(p, "vhost"));
	show_settings(t, p);
	show_kv(t, "frames in", "%" PRIu64, show_u64(p, "rx_frames"));
	show_kv(t, "bytes in", "%" PRIu64, show_u64(p, "rx_bytes"));
	show_kv(t, "frames out", "%" PRIu64, show_u64(p, "tx_frames"));
	show_kv(t, "bytes out", "%" PRIu64, show_u64(p, "tx_bytes"));
	show_kv(t, "drops", "%" PRIu64, show_drops(p));
	if ((d = show_get(p, "drops")) != NULL &&
	    json_object_is_type(d, json_type_object)) {
		json_object_object_foreach(d, reason, v) {
			snprintf(key, sizeof(key), "  %s", reason);
			show_kv(t, key, "%" PRIu64, json_object_get_uint64(v));
		}
	}
	show_kv(t, "MAC entries", "%" PRIu64, show_u64(p, "macs"));
	show_limits(t, p);
	show_kv(t, "not learned, limit", "%" PRIu64,
	    show_u64(p, "learn_refused"));
	show_storm(t, p);
	show_kv(t, "queue", "%" PRIu64 " of %" PRIu64 " frames",
	    show_u64(p, "queue"), show_u64(p, "queue_max"));
	show_shape(t, p);
	show_allow(t, p);
	table_print(t, stdout);
	table_free(t);
}

/* By port, then VLAN, then MAC: what is on each port reads as a block. */
static int
show_maccmp(const void *a, const void *b)
{
	json_object *x = *(json_object *const *)a;
	json_object *y = *(json_object *const *)b;
	uint64_t px = show_u64(x, "port"), py = show_u64(y, "port");
	uint64_t vx = show_u64(x, "vlan"), vy = show_u64(y, "vlan");

	if (px != py)
		return px < py ? -1 : 1;
	if (vx != vy)
		return vx < vy ? -1 : 1;
	return strcmp(show_str(x, "mac"), show_str(y, "mac"));
}

void
show_macs(json_object *r)
{
	static const char *const heads[] = { "MAC", "VLAN", "PORT", "AGE" };
	json_object *a = show_array(r, "macs"), *m;
	struct table *t = table_new(4, heads, "lrrr");
	size_t i, n = a ? json_object_array_length(a) : 0;

	if (a != NULL)
		json_object_array_sort(a, show_maccmp);
	for (i = 0; i < n; i++) {
		m = json_object_array_get_idx(a, i);
		table_cell(t, "%s", show_str(m, "mac"));
		table_cell(t, "%" PRIu64, show_u64(m, "vlan"));
		table_cell(t, "%" PRIu64, show_u64(m, "port"));
		if (show_has(m, "static") && json_object_get_boolean(
		    show_get(m, "static")))
			table_cell(t, "static");
		else
			table_cell(t, "%" PRIu64 "s", show_u64(m, "age"));
	}
	table_print(t, stdout);
	table_free(t);
	if (n == 0)
		printf("(no MAC entry)\n");
}

void
show_flushed(json_object *r)
{
	uint64_t n = show_u64(r, "flushed");

	printf("%" PRIu64 " MAC %s flushed\n", n, n == 1 ? "entry" : "entries");
}

/* A sorted list of port numbers as "1-3,7", "-" when empty; malloc'd. */
static char *
show_portlist(json_object *a)
{
	size_t i, j, n = a ? json_object_array_length(a) : 0, len;
	int64_t first, last;
	char *buf = NULL;
	FILE *f;

	if ((f = open_memstream(&buf, &len)) == NULL)
		fatal("open_memstream");
	for (i = 0; i < n; i = j) {
		first = last = json_object_get_int64(
		    json_object_array_get_idx(a, i));
		for (j = i + 1; j < n && json_object_get_int64(
		    json_object_array_get_idx(a, j)) == last + 1; j++)
			last++;
		fprintf(f, "%s%" PRId64, i ? "," : "", first);
		if (last > first)
			fprintf(f, "-%" PRId64, last);
	}
	if (n == 0)
		fputc('-', f);
	if (fclose(f) == EOF)
		fatal("open_memstream");
	return buf;
}

/*
 * One row per run of consecutive VLANs with the same members, so that a
 * trunk carrying "all" takes one line and not 4094.
 */
void
show_vlans(json_object *r)
{
	static const char *const heads[] = { "VLAN", "ACCESS", "TRUNK" };
	json_object *a = show_array(r, "vlans"), *v;
	struct table *t = table_new(3, heads, "lll");
	size_t i, j, n = a ? json_object_array_length(a) : 0;
	char *acc, *tr, *acc2, *tr2;
	uint64_t first, last;
	int same;

	for (i = 0; i < n; i = j) {
		v = json_object_array_get_idx(a, i);
		first = last = show_u64(v, "vlan");
		acc = show_portlist(show_array(v, "access"));
		tr = show_portlist(show_array(v, "trunk"));
		for (j = i + 1; j < n; j++) {
			v = json_object_array_get_idx(a, j);
			acc2 = show_portlist(show_array(v, "access"));
			tr2 = show_portlist(show_array(v, "trunk"));
			same = show_u64(v, "vlan") == last + 1 &&
			    strcmp(acc, acc2) == 0 && strcmp(tr, tr2) == 0;
			free(acc2);
			free(tr2);
			if (!same)
				break;
			last++;
		}
		if (last > first)
			table_cell(t, "%" PRIu64 "-%" PRIu64, first, last);
		else
			table_cell(t, "%" PRIu64, first);
		table_cell(t, "%s", acc);
		table_cell(t, "%s", tr);
		free(acc);
		free(tr);
	}
	table_print(t, stdout);
	table_free(t);
	if (n == 0)
		printf("(no port in use)\n");
}

void
show_stp(json_object *r)
{
	static const char *const heads[] = { "PORT", "ROLE", "STATE", "COST",
	    "EDGE", "PROTO", "TX", "RX", "BAD" };
	json_object *a = show_array(r, "ports"), *p;
	struct table *kv = table_new(2, NULL, "ll"), *t;
	size_t i, n = a ? json_object_array_length(a) : 0;

	show_kv(kv, "spanning tree", "%s", json_object_get_boolean(
	    show_get(r, "enabled")) ? "on" : "off");
	show_kv(kv, "bridge ID", "%s", show_str(r, "bridge_id"));
	show_kv(kv, "root ID", "%s%s", show_str(r, "root_id"),
	    strcmp(show_str(r, "root_id"), show_str(r, "bridge_id")) == 0 ?
	    " (this switch)" : "");
	show_kv(kv, "root path cost", "%" PRIu64, show_u64(r, "root_cost"));
	if (show_u64(r, "root_port"))
		show_kv(kv, "root port", "%" PRIu64, show_u64(r, "root_port"));
	show_kv(kv, "forward delay", "%" PRIu64 " s",
	    show_u64(r, "forward_delay"));
	show_kv(kv, "topology changes", "%" PRIu64,
	    show_u64(r, "topology_changes"));
	show_kv(kv, "malformed BPDUs", "%" PRIu64, show_u64(r, "bad_bpdus"));
	show_kv(kv, "shut by BPDU guard", "%" PRIu64,
	    show_u64(r, "bpduguard_shut"));
	table_print(kv, stdout);
	table_free(kv);
	if (n == 0)
		return;
	putchar('\n');
	t = table_new(9, heads, "rlllllrrr");
	for (i = 0; i < n; i++) {
		p = json_object_array_get_idx(a, i);
		table_cell(t, "%" PRIu64, show_u64(p, "port"));
		table_cell(t, "%s", show_str(p, "role"));
		table_cell(t, "%s", show_str(p, "state"));
		table_cell(t, "%" PRIu64, show_u64(p, "cost"));
		table_cell(t, "%s", json_object_get_boolean(show_get(p,
		    "edge")) ? "yes" : "no");
		table_cell(t, "%s", show_str(p, "protocol"));
		table_cell(t, "%" PRIu64, show_u64(p, "bpdu_tx"));
		table_cell(t, "%" PRIu64, show_u64(p, "bpdu_rx"));
		table_cell(t, "%" PRIu64, show_u64(p, "bpdu_bad"));
	}
	table_print(t, stdout);
	table_free(t);
}

void
show_config(json_object *r)
{
	fputs(show_str(r, "config"), stdout);
}
