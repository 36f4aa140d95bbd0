/* SPDX-License-Identifier: ISC */
/*
 * What is cheap to check is checked here, before connecting, so that a
 * typo gets an answer even when no switch is running; the switch checks
 * everything again and has the last word (the number of ports, users and
 * groups are its to know).
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "client.h"
#include "cmd.h"
#include "log.h"
#include "number.h"
#include "show.h"
#include "vlanlist.h"

#define CMD_PORT_MAX	MGMTPROTO_PORTS_MAX

struct cmd {
	const char	*name;
	int		 (*fn)(struct cmd_env *, const struct cmd *, int,
			    char **);
	const char	*usage;		/* as in switchctl(8) */
	const char	*help;		/* one sentence for switchctl help */
};

static int	cmd_info(struct cmd_env *, const struct cmd *, int, char **);
static int	cmd_ports(struct cmd_env *, const struct cmd *, int, char **);
static int	cmd_port(struct cmd_env *, const struct cmd *, int, char **);
static int	cmd_macs(struct cmd_env *, const struct cmd *, int, char **);
static int	cmd_vlans(struct cmd_env *, const struct cmd *, int, char **);
static int	cmd_config(struct cmd_env *, const struct cmd *, int, char **);
static int	cmd_stp(struct cmd_env *, const struct cmd *, int, char **);
static int	cmd_set(struct cmd_env *, const struct cmd *, int, char **);
static int	cmd_disconnect(struct cmd_env *, const struct cmd *, int,
		    char **);
static int	cmd_counters(struct cmd_env *, const struct cmd *, int,
		    char **);
static int	cmd_loglevel(struct cmd_env *, const struct cmd *, int,
		    char **);
static int	cmd_reload(struct cmd_env *, const struct cmd *, int, char **);
static int	cmd_help(struct cmd_env *, const struct cmd *, int, char **);
static int	cmd_capture(struct cmd_env *, const struct cmd *, int, char **);

static const struct cmd cmd_table[] = {
	{ "info",	cmd_info,	"info",
	    "The switch's version, uptime, limits and counters." },
	{ "ports",	cmd_ports,	"ports",
	    "A line for each port in use; with -l, every column." },
	{ "port",	cmd_port,	"port N",
	    "Everything about port N; its settings with nothing there." },
	{ "macs",	cmd_macs,	"macs [flush] [port N] [vlan V]",
	    "The MAC address table, or with flush, forget entries of it." },
	{ "vlans",	cmd_vlans,	"vlans",
	    "Each VLAN in use, with its access and trunk ports." },
	{ "stp",	cmd_stp,	"stp",
	    "Spanning tree: the root, and each port's role and state." },
	{ "config",	cmd_config,	"config",
	    "The running configuration, as switchd.conf(5) lines." },
	{ "set",	cmd_set,	"set setting [argument ...]",
	    "Change a setting now: a switchd.conf(5) line, as words." },
	{ "disconnect",	cmd_disconnect,	"disconnect N",
	    "Detach the client on port N." },
	{ "counters",	cmd_counters,	"counters reset [N]",
	    "Set the counters of port N, or of all, back to zero." },
	{ "loglevel",	cmd_loglevel,	"loglevel info | debug",
	    "Log only what matters, or details too." },
	{ "reload",	cmd_reload,	"reload",
	    "Read the configuration file again, as SIGHUP does." },
	{ "capture",	cmd_capture,	"capture [port N ...] [vlan V] [-c count]",
	    "Write the frames of ports, as they pass, as pcap to stdout." },
	{ "help",	cmd_help,	"help [command]",
	    "List the commands, or explain one." },
};
#define CMD_N	(sizeof(cmd_table) / sizeof(cmd_table[0]))

/*
 * A usage line of switchctl(8) on stderr; with -j, an error like any
 * other, through the log.
 */
static void
cmd_usagef(const struct cmd_env *env, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
cmd_usagef(const struct cmd_env *env, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		fatal("vasprintf");
	va_end(ap);
	if (env->json)
		log_warnx("usage: switchctl %s", s);
	else
		fprintf(stderr, "usage: switchctl %s\n", s);
	free(s);
}

static int
cmd_usage(const struct cmd_env *env, const struct cmd *c)
{
	cmd_usagef(env, "%s", c->usage);
	return 1;
}

static const struct cmd *
cmd_find(const char *name)
{
	size_t i;

	for (i = 0; i < CMD_N; i++)
		if (strcmp(name, cmd_table[i].name) == 0)
			return &cmd_table[i];
	return NULL;
}

static int
cmd_unknown(const char *name)
{
	char names[256] = "";
	size_t i;

	for (i = 0; i < CMD_N; i++) {
		strcat(names, i ? ", " : "");
		strcat(names, cmd_table[i].name);
	}
	log_warnx("unknown command '%s' (commands: %s)", name, names);
	return 1;
}

/* The command list of switchctl -h and switchctl help. */
void
cmd_list(FILE *f)
{
	size_t i;

	fprintf(f, "commands:\n");
	for (i = 0; i < CMD_N; i++)
		fprintf(f, "  %-11s %s\n", cmd_table[i].name,
		    cmd_table[i].help);
	fprintf(f, "switchctl help COMMAND explains one; switchctl(8) has "
	    "them all.\n");
}

static json_object *
cmd_json(const struct cmd *c)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "command", json_object_new_string(c->name));
	json_object_object_add(o, "usage", json_object_new_string(c->usage));
	json_object_object_add(o, "help", json_object_new_string(c->help));
	return o;
}

/* Asks nothing of the switch: it answers without one. */
static int
cmd_help(struct cmd_env *env, const struct cmd *c, int argc, char **argv)
{
	const struct cmd *h;
	json_object *o, *a;
	size_t i;

	if (argc > 2)
		return cmd_usage(env, c);
	if (argc == 2 && (h = cmd_find(argv[1])) == NULL)
		return cmd_unknown(argv[1]);
	if (argc == 2 && env->json) {
		o = cmd_json(h);
		show_json(o);
		json_object_put(o);
	} else if (argc == 2)
		printf("usage: switchctl %s\n%s\n", h->usage, h->help);
	else if (env->json) {
		o = json_object_new_object();
		a = json_object_new_array();
		for (i = 0; i < CMD_N; i++)
			json_object_array_add(a, cmd_json(&cmd_table[i]));
		json_object_object_add(o, "commands", a);
		show_json(o);
		json_object_put(o);
	} else
		cmd_list(stdout);
	return 0;
}

static int
cmd_portnum(const char *s)
{
	if (number_parse(s, 1, CMD_PORT_MAX, NULL) == -1) {
		log_warnx("'%s' is not a port number from 1 to %d", s,
		    CMD_PORT_MAX);
		return -1;
	}
	return 0;
}

static int
cmd_vlan(const char *s)
{
	if (number_parse(s, VLAN_MIN, VLAN_MAX, NULL) == -1) {
		log_warnx("'%s' is not a VLAN from %d to %d", s, VLAN_MIN,
		    VLAN_MAX);
		return -1;
	}
	return 0;
}

/*
 * A count: a number from min up.  The largest a setting takes is the
 * switch's to know, and its refusal names the whole range.
 */
static int
cmd_count(const char *what, const char *s, unsigned long min)
{
	const char *digits = s[0] == '-' ? s + 1 : s;
	unsigned long v;

	if (*digits == '\0' || digits[strspn(digits, "0123456789")] != '\0') {
		log_warnx("%s: '%s' is not a number (%lu or more)", what, s,
		    min);
		return -1;
	}
	if (s[0] == '-' || (number_parse(s, 0, ULONG_MAX, &v) == 0 &&
	    v < min)) {
		log_warnx("%s: '%s' must be %lu or more", what, s, min);
		return -1;
	}
	return 0;
}

/* "all", or VLANs and ranges of VLANs separated by commas: 10,20,30-39 */
static int
cmd_vlanlist(const char *s)
{
	uint64_t bits[VLANLIST_WORDS];

	if (strcmp(s, "none") == 0 || vlanlist_parse(s, bits) == -1) {
		log_warnx("'%s' is not a list of VLANs from %d to %d (like "
		    "10,20,30-39) or all", s, VLAN_MIN, VLAN_MAX);
		return -1;
	}
	return 0;
}

/*
 * One request line from words.  A word may not hold what would split it
 * into two words or two requests on the wire.
 */
static char *
cmd_line(int argc, char **argv)
{
	char *line, *p;
	size_t len = 0;
	int i;

	for (i = 0; i < argc; i++) {
		for (p = argv[i]; *p != '\0'; p++)
			if ((unsigned char)*p <= ' ' || *p == 0x7f ||
			    *p == '#') {
				log_warnx("'%s': an argument may not contain "
				    "spaces, control characters or '#'",
				    argv[i]);
				return NULL;
			}
		if (*argv[i] == '\0') {
			log_warnx("empty argument");
			return NULL;
		}
		len += strlen(argv[i]) + 1;
	}
	if (len > CLIENT_LINE_MAX) {
		log_warnx("request longer than %d bytes", CLIENT_LINE_MAX);
		return NULL;
	}
	if ((line = calloc(1, len + 1)) == NULL)
		fatal("calloc");
	for (i = 0; i < argc; i++) {
		if (i > 0)
			strcat(line, " ");
		strcat(line, argv[i]);
	}
	return line;
}

/* Send the words, print the reply with show (NULL: nothing to show). */
static int
cmd_call(struct cmd_env *env, int argc, char **argv,
    void (*show)(json_object *))
{
	json_object *r;
	char *line;

	if ((line = cmd_line(argc, argv)) == NULL)
		return 1;
	r = client_call(env->client, line);
	free(line);
	if (r == NULL)
		return 1;
	if (env->json)
		show_json(r);
	else if (show != NULL)
		show(r);
	json_object_put(r);
	return 0;
}

static int
cmd_info(struct cmd_env *env, const struct cmd *c, int argc, char **argv)
{
	if (argc != 1)
		return cmd_usage(env, c);
	return cmd_call(env, argc, argv, show_info);
}

static int
cmd_ports(struct cmd_env *env, const struct cmd *c, int argc, char **argv)
{
	if (argc != 1)
		return cmd_usage(env, c);
	return cmd_call(env, argc, argv, env->full ? show_ports_long :
	    show_ports);
}

static int
cmd_port(struct cmd_env *env, const struct cmd *c, int argc, char **argv)
{
	if (argc > 2) {
		log_warnx("port shows one port; to change its settings: "
		    "switchctl set port %s ...", argv[1]);
		return 1;
	}
	if (argc != 2)
		return cmd_usage(env, c);
	if (cmd_portnum(argv[1]) == -1)
		return 1;
	return cmd_call(env, argc, argv, show_port);
}

static int
cmd_macs(struct cmd_env *env, const struct cmd *c, int argc, char **argv)
{
	int i = 1, port = 0, vlan = 0, flush = 0;

	if (argc > 1 && strcmp(argv[1], "flush") == 0) {
		flush = 1;
		i++;
	}
	for (; i < argc; i += 2) {
		if (i + 1 == argc)
			return cmd_usage(env, c);
		if (strcmp(argv[i], "port") == 0 && !port++) {
			if (cmd_portnum(argv[i + 1]) == -1)
				return 1;
		} else if (strcmp(argv[i], "vlan") == 0 && !vlan++) {
			if (cmd_vlan(argv[i + 1]) == -1)
				return 1;
		} else
			return cmd_usage(env, c);
	}
	return cmd_call(env, argc, argv, flush ? show_flushed : show_macs);
}

static int
cmd_vlans(struct cmd_env *env, const struct cmd *c, int argc, char **argv)
{
	if (argc != 1)
		return cmd_usage(env, c);
	return cmd_call(env, argc, argv, show_vlans);
}

static int
cmd_stp(struct cmd_env *env, const struct cmd *c, int argc, char **argv)
{
	if (argc != 1)
		return cmd_usage(env, c);
	return cmd_call(env, argc, argv, show_stp);
}

static int
cmd_config(struct cmd_env *env, const struct cmd *c, int argc, char **argv)
{
	if (argc != 1)
		return cmd_usage(env, c);
	return cmd_call(env, argc, argv, show_config);
}

/*
 * port N access V | trunk LIST [native V] | maclimit N | storm N | default |
 * isolated on|off |
 * user U | group G
 */
static int
cmd_set_port(const struct cmd_env *env, int argc, char **argv)
{
	if (argc < 3) {
		cmd_usagef(env, "set port N access | trunk | maclimit | storm "
		    "| user | group | ingress | egress | mirror ...");
		return -1;
	}
	if (cmd_portnum(argv[1]) == -1)
		return -1;
	if (strcmp(argv[2], "access") == 0) {
		if (argc != 4) {
			cmd_usagef(env, "set port N access V");
			return -1;
		}
		return cmd_vlan(argv[3]);
	}
	if (strcmp(argv[2], "trunk") == 0) {
		if (argc != 4 && (argc != 6 || strcmp(argv[4], "native"))) {
			cmd_usagef(env, "set port N trunk list | all "
			    "[native V]");
			return -1;
		}
		return cmd_vlanlist(argv[3]) == -1 || (argc == 6 &&
		    cmd_vlan(argv[5]) == -1) ? -1 : 0;
	}
	if (strcmp(argv[2], "maclimit") == 0) {
		if (argc != 4) {
			cmd_usagef(env, "set port N maclimit N");
			return -1;
		}
		return cmd_count("port maclimit", argv[3], 0);
	}
	if (strcmp(argv[2], "storm") == 0) {
		if (argc != 4) {
			cmd_usagef(env, "set port N storm N | default");
			return -1;
		}
		return strcmp(argv[3], "default") == 0 ? 0 :
		    cmd_count("port storm", argv[3], 0);
	}
	if (strcmp(argv[2], "user") == 0 || strcmp(argv[2], "group") == 0) {
		if (argc != 4) {
			cmd_usagef(env, "set port N %s name | any",
			    argv[2]);
			return -1;
		}
		return 0;
	}
	if (strcmp(argv[2], "isolated") == 0) {
		if (argc != 4 || (strcmp(argv[3], "on") != 0 &&
		    strcmp(argv[3], "off") != 0)) {
			cmd_usagef(env, "set port N isolated on | off");
			return -1;
		}
		return 0;
	}
	if (strcmp(argv[2], "stp") == 0) {
		/* cost C | default, edge on | off | auto | default */
		if (argc != 5 || (strcmp(argv[3], "cost") != 0 &&
		    strcmp(argv[3], "edge") != 0)) {
			cmd_usagef(env, "set port N stp cost C | default\n"
			    "       switchctl set port N stp edge on | off | "
			    "auto | default");
			return -1;
		}
		return 0;
	}
	if (strcmp(argv[2], "bpduguard") == 0) {
		if (argc != 4 || (strcmp(argv[3], "on") != 0 &&
		    strcmp(argv[3], "off") != 0)) {
			cmd_usagef(env, "set port N bpduguard on | off");
			return -1;
		}
		return 0;
	}
	if (strcmp(argv[2], "ingress") == 0 || strcmp(argv[2], "egress") == 0) {
		/* The switch reads the values: switchd.conf(5) says them. */
		if (argc < 4) {
			cmd_usagef(env, "set port N %s off | [rate R] "
			    "[delay T] [jitter T] [loss P%%] [duplicate P%%]",
			    argv[2]);
			return -1;
		}
		return 0;
	}
	if (strcmp(argv[2], "mirror") == 0) {
		if (!(argc == 4 && strcmp(argv[3], "off") == 0) &&
		    ((argc != 5 && argc != 6) || strcmp(argv[3], "port") != 0)) {
			cmd_usagef(env, "set port N mirror port M[,...] "
			    "[rx | tx | both]\n"
			    "       switchctl set port N mirror off");
			return -1;
		}
		return 0;
	}
	log_warnx("port %s: unknown setting '%s' (access, trunk, maclimit, "
	    "storm, isolated, stp, bpduguard, user, group, ingress, egress "
	    "or mirror)", argv[1], argv[2]);
	return -1;
}

static int
cmd_set_check(const struct cmd_env *env, int argc, char **argv)
{
	static const struct {
		const char	*name;
		unsigned long	 min;
	} counts[] = { { "ports", 2 }, { "maclimit", 1 },
	    { "portmaclimit", 0 }, { "aging", 0 }, { "queue", 1 },
	    { "storm", 0 }, { "userports", 0 } };
	size_t i;

	if (strcmp(argv[0], "port") == 0)
		return cmd_set_port(env, argc, argv);
	if (strcmp(argv[0], "mac") == 0) {
		/* The switch checks the address: it knows its ports. */
		if (!(argc == 7 && strcmp(argv[1], "add") == 0 &&
		    strcmp(argv[3], "vlan") == 0 &&
		    strcmp(argv[5], "port") == 0) &&
		    !(argc == 5 && strcmp(argv[1], "del") == 0 &&
		    strcmp(argv[3], "vlan") == 0)) {
			cmd_usagef(env, "set mac add ADDR vlan V port N\n"
			    "       switchctl set mac del ADDR vlan V");
			return -1;
		}
		return cmd_vlan(argv[4]) == -1 || (argc == 7 &&
		    cmd_portnum(argv[6]) == -1) ? -1 : 0;
	}
	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		if (strcmp(argv[0], counts[i].name) != 0)
			continue;
		if (argc != 2) {
			cmd_usagef(env, "set %s N", argv[0]);
			return -1;
		}
		return cmd_count(argv[0], argv[1], counts[i].min);
	}
	if (strcmp(argv[0], "memory") == 0) {
		/* A size like 256M: the switch checks it. */
		if (argc != 2) {
			cmd_usagef(env, "set memory SIZE");
			return -1;
		}
		return 0;
	}
	if (strcmp(argv[0], "hub") == 0) {
		if (argc != 2 || (strcmp(argv[1], "on") != 0 &&
		    strcmp(argv[1], "off") != 0)) {
			cmd_usagef(env, "set hub on | off");
			return -1;
		}
		return 0;
	}
	if (strcmp(argv[0], "stp") == 0) {
		/* on | off, priority N, forward-delay S: the switch checks */
		if (argc != 2 && argc != 3) {
			cmd_usagef(env, "set stp on | off\n"
			    "       switchctl set stp priority N\n"
			    "       switchctl set stp forward-delay SECONDS");
			return -1;
		}
		return 0;
	}
	log_warnx("unknown setting '%s' (ports, maclimit, portmaclimit, aging, "
	    "hub, queue, storm, memory, userports, stp, port or mac)", argv[0]);
	return -1;
}

/* The words after "set" are a line of switchd.conf(5), sent as they are. */
static int
cmd_set(struct cmd_env *env, const struct cmd *c, int argc, char **argv)
{
	if (argc < 2)
		return cmd_usage(env, c);
	if (cmd_set_check(env, argc - 1, argv + 1) == -1)
		return 1;
	return cmd_call(env, argc - 1, argv + 1, NULL);
}

static int
cmd_disconnect(struct cmd_env *env, const struct cmd *c, int argc,
    char **argv)
{
	if (argc != 2)
		return cmd_usage(env, c);
	if (cmd_portnum(argv[1]) == -1)
		return 1;
	return cmd_call(env, argc, argv, NULL);
}

static int
cmd_counters(struct cmd_env *env, const struct cmd *c, int argc, char **argv)
{
	if (argc < 2 || argc > 3 || strcmp(argv[1], "reset") != 0)
		return cmd_usage(env, c);
	if (argc == 3 && cmd_portnum(argv[2]) == -1)
		return 1;
	return cmd_call(env, argc, argv, NULL);
}

static int
cmd_loglevel(struct cmd_env *env, const struct cmd *c, int argc, char **argv)
{
	if (argc != 2 || (strcmp(argv[1], "info") != 0 &&
	    strcmp(argv[1], "debug") != 0))
		return cmd_usage(env, c);
	return cmd_call(env, argc, argv, NULL);
}

static int
cmd_reload(struct cmd_env *env, const struct cmd *c, int argc, char **argv)
{
	if (argc != 1)
		return cmd_usage(env, c);
	return cmd_call(env, argc, argv, NULL);
}

/*
 * capture [port N ...] [vlan V] [-c count]: ports as numbers or lists
 * (3 5-7), sent to the switch as one list, "count" for -c.
 */
static int
cmd_capture(struct cmd_env *env, const struct cmd *c, int argc, char **argv)
{
	uint64_t bits[VLANLIST_WORDS];
	char req[CLIENT_LINE_MAX + 1], ports[CLIENT_LINE_MAX] = "";
	unsigned long count = 0;
	int i, vlan = 0, inports = 0;
	size_t n = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-c") == 0 && i + 1 < argc && count == 0) {
			if (number_parse(argv[++i], 1, ULONG_MAX, &count) == -1) {
				log_warnx("capture -c: '%s' is not a number of "
				    "frames, 1 or more", argv[i]);
				return 1;
			}
			inports = 0;
		} else if (strcmp(argv[i], "vlan") == 0 && i + 1 < argc &&
		    vlan == 0) {
			if (cmd_vlan(argv[++i]) == -1)
				return 1;
			vlan = (int)strtol(argv[i], NULL, 10);
			inports = 0;
		} else if (strcmp(argv[i], "port") == 0 && i + 1 < argc &&
		    n == 0)
			inports = 1;
		else if (inports) {
			if (numlist_parse(argv[i], 1, CMD_PORT_MAX, bits) == -1) {
				log_warnx("capture: '%s' is not a port number "
				    "from 1 to %d, or a list like 3,5-7",
				    argv[i], CMD_PORT_MAX);
				return 1;
			}
			if (n + strlen(argv[i]) + 2 > sizeof(ports)) {
				log_warnx("capture: too many ports");
				return 1;
			}
			n += (size_t)snprintf(ports + n, sizeof(ports) - n,
			    "%s%s", n ? "," : "", argv[i]);
		} else
			return cmd_usage(env, c);
	}
	if (inports && n == 0)
		return cmd_usage(env, c);
	snprintf(req, sizeof(req), "capture%s%s", n ? " port " : "", ports);
	if (vlan)
		snprintf(req + strlen(req), sizeof(req) - strlen(req),
		    " vlan %d", vlan);
	if (count)
		snprintf(req + strlen(req), sizeof(req) - strlen(req),
		    " count %lu", count);
	return capture_run(env->client, req, count, env->json);
}

/* argv[0] is the command; the exit status of switchctl is returned. */
int
cmd_run(struct cmd_env *env, int argc, char **argv)
{
	const struct cmd *c;

	if ((c = cmd_find(argv[0])) == NULL)
		return cmd_unknown(argv[0]);
	return c->fn(env, c, argc, argv);
}
