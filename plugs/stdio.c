/* SPDX-License-Identifier: ISC */
/*
 * The port over stdin/stdout with vde_plug's 2-byte framing, so that
 * "dpipe switchplug A = ssh host switchplug B" joins two switches and
 * either end may be vdeplug4's vde_plug. The end of stdin is the end.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "log.h"

#include "session.h"
#include "switchplug.h"

static struct {
	struct ev_loop	*loop;
	struct session	 s;
	int		 fl[2];		/* stdin, stdout flags to restore */
} stdio;

/* The descriptors may be shared with a shell: give them back as found. */
static void
stdio_restore(void)
{
	int	 fd;

	for (fd = 0; fd < 2; fd++)
		if (stdio.fl[fd] != -1)
			(void)fcntl(fd, F_SETFL, stdio.fl[fd]);
}

static void
stdio_nonblock(void)
{
	int	 fd;

	for (fd = 0; fd < 2; fd++) {
		if ((stdio.fl[fd] = fcntl(fd, F_GETFL)) == -1)
			fatal("%s", fd == 0 ? "stdin" : "stdout");
		if (fcntl(fd, F_SETFL, stdio.fl[fd] | O_NONBLOCK) == -1)
			fatal("%s: non-blocking", fd == 0 ? "stdin" : "stdout");
	}
	atexit(stdio_restore);
}

static void
stdio_ended(struct session *s, int how)
{
	switch (how) {
	case LINK_EOF:
		log_debug("stdio: end of input");
		ev_break(stdio.loop, EVBREAK_ALL);
		break;
	case LINK_WERROR:
		/* The peer stopped reading; its stdin may still have more. */
		log_warnx("stdio: frames from the switch are dropped from "
		    "now on");
		link_kill_output(s->lk);
		vdeconn_pause(s->vc, 0);
		break;
	default:
		fatalx("stdio: cannot go on");
	}
}

void
stdio_start(struct ev_loop *loop, const struct plug_opts *o)
{
	struct link	*lk;
	int		 fail;

	stdio.loop = loop;
	stdio.fl[0] = stdio.fl[1] = -1;
	stdio.s.ended = stdio_ended;
	stdio.s.vc = vdeconn_open(loop, o, "stdio", &session_vdeconn_cb,
	    &stdio.s, &fail);
	if (stdio.s.vc == NULL)
		exit(1);
	stdio_nonblock();
	lk = link_new(loop, STDIN_FILENO, STDOUT_FILENO, 2, "stdio",
	    &session_link_cb, &stdio.s);
	link_resync(lk, 1);
	session_link(&stdio.s, lk);
}

void
stdio_stop(void)
{
	if (stdio.s.lk != NULL)
		link_free(stdio.s.lk);
	stdio.s.lk = NULL;
	vdeconn_close(stdio.s.vc);
	stdio.s.vc = NULL;
}
