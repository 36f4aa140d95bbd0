/* SPDX-License-Identifier: ISC */
/*
 * switchctl: look at and change a running switchd through its management
 * socket (switchctl(8)).
 */
#include <sys/stat.h>
#include <sys/un.h>

#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "cmd.h"
#include "log.h"
#include "show.h"
#include "util.h"

#define SWITCHCTL_USAGE \
	"usage: switchctl [-jl] [-s dir | -S path] command [argument ...]\n" \
	"       switchctl -h | -V\n"

static void
usage(void)
{
	fputs(SWITCHCTL_USAGE, stderr);
	exit(1);
}

/* -h, or no command: the usage, then what each command does. */
static void
help(FILE *f, int status)
{
	fputs(SWITCHCTL_USAGE, f);
	fputc('\n', f);
	cmd_list(f);
	exit(status);
}

/*
 * What to do when no switch answers: start one, unless -S or -s was
 * given what the other one takes.
 */
static void
switchctl_hint(char *buf, size_t len, const char *spath, const char *dir)
{
	struct stat st;

	if (spath != NULL && stat(spath, &st) == 0 && S_ISDIR(st.st_mode))
		snprintf(buf, len, "%s is a directory: -S takes the management "
		    "socket, such as %s/mgmt; or give the directory with -s %s",
		    spath, spath, spath);
	else if (spath != NULL)
		snprintf(buf, len, "is switchd running? start it with: "
		    "switchd -S %s", spath);
	else if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode))
		snprintf(buf, len, "%s is not a directory: -s takes the socket "
		    "directory; give a socket with -S %s", dir, dir);
	else
		snprintf(buf, len, "is switchd running? start it with: "
		    "switchd -s %s", dir);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help",	no_argument,	NULL,	'h' },
		{ "json",	no_argument,	NULL,	'j' },
		{ "long",	no_argument,	NULL,	'l' },
		{ "version",	no_argument,	NULL,	'V' },
		{ NULL,		0,		NULL,	0 }
	};
	char dir[PATH_MAX], path[PATH_MAX + 8], hint[4 * PATH_MAX];
	const char *sdir = NULL, *spath = NULL;
	struct cmd_env env;
	struct client c;
	int ch, i, rc;

	log_init("switchctl", 1, 0);
	memset(&env, 0, sizeof(env));
	/* '+': the words after the command are its own, "-1" included. */
	while ((ch = getopt_long(argc, argv, "+hjlS:s:V", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'h':
			help(stdout, 0);
			break;
		case 'j':
			env.json = 1;
			break;
		case 'l':
			env.full = 1;
			break;
		case 'S':
			spath = optarg;
			break;
		case 's':
			sdir = optarg;
			break;
		case 'V':
			if (argc != 2)
				usage();
			printf("switchctl %s\n", VERSION);
			return 0;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		help(stderr, 1);
	if (sdir != NULL && spath != NULL)
		usage();
	/* From here on a script piping -j into jq gets its errors too. */
	if (env.json)
		log_setsink(show_error);
	/* A common slip, answered rather than sent to the switch. */
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "-j") == 0 ||
		    strcmp(argv[i], "--json") == 0 ||
		    strcmp(argv[i], "-l") == 0 ||
		    strcmp(argv[i], "--long") == 0) {
			log_warnx("%s goes before the command: switchctl %s "
			    "%s ...", argv[i], argv[i], argv[0]);
			return 1;
		}

	if (spath != NULL)
		snprintf(path, sizeof(path), "%s", spath);
	else {
		if (sdir != NULL)
			snprintf(dir, sizeof(dir), "%s", sdir);
		else if (util_sockdir(dir, sizeof(dir)) == -1)
			fatalx("socket directory: path too long; use -s");
		snprintf(path, sizeof(path), "%s/mgmt", dir);
	}
	switchctl_hint(hint, sizeof(hint), spath, dir);
	signal(SIGPIPE, SIG_IGN);
	client_init(&c, path, hint);
	env.client = &c;
	rc = cmd_run(&env, argc, argv);
	client_close(&c);
	return rc;
}
