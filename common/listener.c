/* SPDX-License-Identifier: ISC */
#include <sys/resource.h>
#include <sys/socket.h>

#include <errno.h>
#include <unistd.h>

#include "listener.h"
#include "log.h"
#include "util.h"

#define LISTENER_PAUSE	1.0	/* seconds without accepting */

static void
listener_update(struct listener *l)
{
	if (l->fd == -1)
		return;
	if (l->held || ev_is_active(&l->pause))
		ev_io_stop(l->loop, &l->io);
	else
		ev_io_start(l->loop, &l->io);
}

static void
listener_pause(struct listener *l, const char *why)
{
	log_warnx("%s: %s; not accepting for a second", l->name, why);
	ev_timer_set(&l->pause, LISTENER_PAUSE, 0.0);
	ev_timer_start(l->loop, &l->pause);
	listener_update(l);
}

static void
listener_pause_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	listener_update(container_of(w, struct listener, pause));
}

/*
 * Descriptors are handed out lowest first, so a new one numbered n
 * means all below n are taken: fewer than `reserve` are left above it
 * when n + reserve reaches the limit.
 */
static int
listener_affordable(const struct listener *l, int fd)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur == RLIM_INFINITY)
		return 1;
	return (rlim_t)fd + l->reserve < rl.rlim_cur;
}

static void
listener_accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct listener *l = container_of(w, struct listener, io);
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int fd;

	(void)loop;
	(void)revents;
	fd = accept4(l->fd, (struct sockaddr *)&ss, &len,
	    SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd == -1) {
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		    errno == ENOMEM)
			listener_pause(l, "out of descriptors or memory");
		return;
	}
	if (!listener_affordable(l, fd)) {
		close(fd);
		listener_pause(l, "descriptors run short, connection closed");
		return;
	}
	l->cb(l, fd, (struct sockaddr *)&ss, len);
}

void
listener_init(struct listener *l, struct ev_loop *loop, int fd,
    unsigned int reserve, const char *name, listener_cb cb)
{
	l->loop = loop;
	l->fd = fd;
	l->reserve = reserve;
	l->held = 0;
	l->name = name;
	l->cb = cb;
	ev_io_init(&l->io, listener_accept_cb, fd, EV_READ);
	ev_timer_init(&l->pause, listener_pause_cb, LISTENER_PAUSE, 0.0);
}

void
listener_start(struct listener *l)
{
	listener_update(l);
}

/* Stop accepting (on) until the owner has room again (off). */
void
listener_hold(struct listener *l, int on)
{
	l->held = on;
	listener_update(l);
}

void
listener_close(struct listener *l)
{
	if (l->fd == -1)
		return;
	ev_io_stop(l->loop, &l->io);
	ev_timer_stop(l->loop, &l->pause);
	close(l->fd);
	l->fd = -1;
}
