/* SPDX-License-Identifier: ISC */
/*
 * Attaching to a switch as a VDE client, and moving frames through the
 * port it gives. The switch is local and trusted to speak the protocol,
 * but what goes into it comes from transport peers: vdeconn_send() is
 * the one place every such frame passes, and it checks each one.
 */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frame.h"
#include "log.h"
#include "vde.h"

#include "switchplug.h"
#include "vdeconn.h"

#define VDECONN_TIMEOUT	5000	/* ms for the switch to answer */
#define VDECONN_BURST	64	/* frames read from the switch per wakeup */
#define VDECONN_SOCKBUF	(256 * 1024)

struct vdeconn_qf {
	STAILQ_ENTRY(vdeconn_qf) entry;
	size_t			 len;
	unsigned char		 data[];
};

/* Kinds of drop, each logged at its own pace. */
enum vdeconn_drop {
	VDECONN_DROP_RUNT,
	VDECONN_DROP_GIANT,
	VDECONN_DROP_BADSRC,
	VDECONN_DROP_QFULL,
	VDECONN_DROP_ERROR,
	VDECONN_DROP_RXBAD,
	VDECONN_DROP_NKINDS
};

struct vdeconn_stats {
	uint64_t	tx_frames, tx_bytes;	/* into the switch */
	uint64_t	rx_frames, rx_bytes;	/* out of the switch */
	uint64_t	runts, giants, badsrc;	/* refused from the transport */
	uint64_t	qfull, detached, errors; /* lost on the way in */
	uint64_t	rx_bad;		/* wrong length from the switch */
};

struct vdeconn {
	LIST_ENTRY(vdeconn)	 entry;
	struct ev_loop		*loop;
	const struct plug_opts	*o;
	const struct vdeconn_cb	*cb;
	void			*arg;
	char			 label[128];	/* the transport, for logs */
	char			 descr[VDE_DESCR_MAX + 1];
	int			 ctlfd;
	int			 datafd;
	int			 portnum;	/* -1 when unknown */
	int			 up;
	int			 paused;
	ev_io			 ctl_w;
	ev_io			 rx_w;
	ev_io			 tx_w;
	ev_timer		 retry_w;
	double			 backoff;
	STAILQ_HEAD(, vdeconn_qf) q;
	unsigned int		 qlen;
	struct vdeconn_stats	 st;
	struct log_ratelim	 rl[VDECONN_DROP_NKINDS];
};

static LIST_HEAD(, vdeconn) vdeconn_all = LIST_HEAD_INITIALIZER(vdeconn_all);

static void	vdeconn_ctl_cb(struct ev_loop *, ev_io *, int);
static void	vdeconn_rx_cb(struct ev_loop *, ev_io *, int);
static void	vdeconn_tx_cb(struct ev_loop *, ev_io *, int);
static void	vdeconn_retry_cb(struct ev_loop *, ev_timer *, int);
static void	vdeconn_drop(struct vdeconn *, enum vdeconn_drop,
		    const char *, ...) __attribute__((format(printf, 3, 4)));

/* Per-frame trouble: always counted, logged at most once a second. */
static void
vdeconn_drop(struct vdeconn *vc, enum vdeconn_drop kind, const char *fmt, ...)
{
	char	 msg[256];
	va_list	 ap;
	int	 n;

	if ((n = log_ratelim(&vc->rl[kind], ev_now(vc->loop), 1.0)) == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n > 1)
		log_warnx("%s: %s (%d similar not logged)", vc->label, msg,
		    n - 1);
	else
		log_warnx("%s: %s", vc->label, msg);
}

/* Our end of the data channel: in the switch directory, else in /tmp. */
static int
vdeconn_bind(int fd, const char *dir, struct sockaddr_un *me)
{
	static unsigned int	 seq;
	const char		*dirs[2] = { dir, "/tmp" };
	int			 i, tries;

	for (i = 0; i < 2; i++) {
		for (tries = 0; tries < 100; tries++) {
			memset(me, 0, sizeof(*me));
			me->sun_family = AF_UNIX;
			if ((size_t)snprintf(me->sun_path,
			    sizeof(me->sun_path), "%s/.plug-%ld-%u", dirs[i],
			    (long)getpid(), seq++) >= sizeof(me->sun_path)) {
				errno = ENAMETOOLONG;
				break;
			}
			if (bind(fd, (struct sockaddr *)me, sizeof(*me)) == 0)
				return 0;
			if (errno != EADDRINUSE)
				break;
		}
	}
	return -1;
}

/*
 * The switch must be able to connect to our socket. As libvdeplug does,
 * keep it private unless the switch runs as someone else (a root switchd
 * runs as its own user), then open it to the switch's group, or to all
 * when we cannot give it that group. The path is unlinked as soon as the
 * switch has answered, and once we connect to the switch's end nobody
 * else can send to the socket anyway.
 */
static void
vdeconn_perm(const char *ctlpath, const char *path)
{
	struct stat	 st;
	mode_t		 mode = 0700;

	if (stat(ctlpath, &st) == 0 && st.st_uid != 0 &&
	    st.st_uid != geteuid())
		mode = chown(path, (uid_t)-1, st.st_gid) == 0 ? 0770 : 0777;
	(void)chmod(path, mode);
}

/* Exactly one sockaddr_un comes back, or the switch hangs up on us. */
static int
vdeconn_reply(int fd, struct sockaddr_un *sw, char *err, size_t len)
{
	unsigned char	 buf[sizeof(struct sockaddr_un)];
	struct pollfd	 pfd;
	size_t		 have = 0;
	ssize_t		 r;
	int		 n;

	while (have < sizeof(buf)) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		if ((n = poll(&pfd, 1, VDECONN_TIMEOUT)) == 0)
			return util_err(err, len, "the switch did not answer "
			    "in time");
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return util_err(err, len, "%s", strerror(errno));
		}
		r = read(fd, buf + have, sizeof(buf) - have);
		if (r == 0)
			return util_err(err, len, "the switch refused the port "
			    "(busy, out of range or not allowed: see its log)");
		if (r == -1) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return util_err(err, len, "%s", strerror(errno));
		}
		have += (size_t)r;
	}
	if (vde_reply_parse(buf, have, sw) == -1)
		return util_err(err, len, "malformed reply from the switch");
	return 0;
}

/* "DIR/005.12" is port 5 for switchd and vde_switch alike. */
static int
vdeconn_portnum(const char *path)
{
	const char	*base = strrchr(path, '/');
	char		*end;
	long		 n;

	base = base == NULL ? path : base + 1;
	n = strtol(base, &end, 10);
	if (end == base || *end != '.' || n < 0 || n > 0xffffff)
		return -1;
	return (int)n;
}

static int
vdeconn_attach(struct vdeconn *vc, int *fail, char *why, size_t whylen)
{
	struct sockaddr_un	 ctl, me, sw;
	unsigned char		 req[VDE_REQ_MAX];
	size_t			 len;
	int			 ctlfd, datafd, sz = VDECONN_SOCKBUF;

	*fail = VDECONN_REFUSED;
	memset(&ctl, 0, sizeof(ctl));
	ctl.sun_family = AF_UNIX;
	if ((size_t)snprintf(ctl.sun_path, sizeof(ctl.sun_path), "%s/ctl",
	    vc->o->dir) >= sizeof(ctl.sun_path)) {
		*fail = VDECONN_ABSENT;
		util_err(why, whylen, "%s/ctl: path too long", vc->o->dir);
		return -1;
	}
	ctlfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	datafd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (ctlfd == -1 || datafd == -1) {
		util_err(why, whylen, "socket: %s", strerror(errno));
		goto fail;
	}
	if (connect(ctlfd, (struct sockaddr *)&ctl, sizeof(ctl)) == -1) {
		if (errno != EAGAIN)
			*fail = VDECONN_ABSENT;
		util_err(why, whylen, "cannot reach the switch (%s: %s)",
		    ctl.sun_path, strerror(errno));
		goto fail;
	}
	if (vdeconn_bind(datafd, vc->o->dir, &me) == -1) {
		util_err(why, whylen, "cannot make a socket in %s or "
		    "/tmp: %s", vc->o->dir, strerror(errno));
		goto fail;
	}
	vdeconn_perm(ctl.sun_path, me.sun_path);
	len = vde_req_build(req, sizeof(req), vc->o->port, me.sun_path,
	    vc->descr);
	if (len == 0 || send(ctlfd, req, len, MSG_NOSIGNAL) != (ssize_t)len) {
		util_err(why, whylen, "cannot send the request to %s",
		    ctl.sun_path);
		goto unlink;
	}
	if (vdeconn_reply(ctlfd, &sw, why, whylen) == -1)
		goto unlink;
	if (connect(datafd, (struct sockaddr *)&sw, sizeof(sw)) == -1) {
		util_err(why, whylen, "connect %s: %s", sw.sun_path,
		    strerror(errno));
		goto unlink;
	}
	(void)unlink(me.sun_path);
	(void)setsockopt(datafd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	(void)setsockopt(datafd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	vc->ctlfd = ctlfd;
	vc->datafd = datafd;
	vc->portnum = vdeconn_portnum(sw.sun_path);
	return 0;
unlink:
	(void)unlink(me.sun_path);
fail:
	if (ctlfd != -1)
		close(ctlfd);
	if (datafd != -1)
		close(datafd);
	return -1;
}

static void
vdeconn_up(struct vdeconn *vc)
{
	vc->up = 1;
	vc->backoff = 0;
	ev_io_init(&vc->ctl_w, vdeconn_ctl_cb, vc->ctlfd, EV_READ);
	ev_io_init(&vc->rx_w, vdeconn_rx_cb, vc->datafd, EV_READ);
	ev_io_init(&vc->tx_w, vdeconn_tx_cb, vc->datafd, EV_WRITE);
	ev_io_start(vc->loop, &vc->ctl_w);
	if (!vc->paused)
		ev_io_start(vc->loop, &vc->rx_w);
	if (vc->portnum >= 0)
		log_info("%s: attached to %s port %d", vc->label, vc->o->dir,
		    vc->portnum);
	else
		log_info("%s: attached to %s", vc->label, vc->o->dir);
}

static void
vdeconn_flushq(struct vdeconn *vc)
{
	struct vdeconn_qf	*qf;

	while ((qf = STAILQ_FIRST(&vc->q)) != NULL) {
		STAILQ_REMOVE_HEAD(&vc->q, entry);
		free(qf);
	}
	vc->qlen = 0;
}

static void
vdeconn_down(struct vdeconn *vc)
{
	ev_io_stop(vc->loop, &vc->ctl_w);
	ev_io_stop(vc->loop, &vc->rx_w);
	ev_io_stop(vc->loop, &vc->tx_w);
	if (vc->ctlfd != -1)
		close(vc->ctlfd);
	if (vc->datafd != -1)
		close(vc->datafd);
	vc->ctlfd = vc->datafd = -1;
	vc->up = 0;
	vc->st.detached += vc->qlen;
	vdeconn_flushq(vc);
}

static void
vdeconn_schedule(struct vdeconn *vc, const char *why)
{
	vc->backoff = switchplug_backoff(vc->backoff);
	log_warnx("%s: %s; attaching again in %.2gs", vc->label, why,
	    vc->backoff);
	ev_timer_set(&vc->retry_w, vc->backoff, 0.);
	ev_timer_start(vc->loop, &vc->retry_w);
}

/* The switch is gone: the end, unless we were asked to wait for it. */
static void
vdeconn_lost(struct vdeconn *vc, const char *why)
{
	char	 msg[PATH_MAX + 128];

	snprintf(msg, sizeof(msg), "%s port %d: %s", vc->o->dir, vc->portnum,
	    why);
	vdeconn_down(vc);
	if (!vc->o->reconnect)
		fatalx("%s: %s; exiting", vc->label, msg);
	vdeconn_schedule(vc, msg);
	/* Input held back for the queue may flow again (and be dropped). */
	vc->cb->drained(vc->arg);
}

static void
vdeconn_retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct vdeconn	*vc = container_of(w, struct vdeconn, retry_w);
	char		 why[PATH_MAX + 128];
	int		 fail;

	(void)loop;
	(void)revents;
	if (vdeconn_attach(vc, &fail, why, sizeof(why)) == -1) {
		vdeconn_schedule(vc, why);
		return;
	}
	vdeconn_up(vc);
}

static void
vdeconn_ctl_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct vdeconn	*vc = container_of(w, struct vdeconn, ctl_w);
	char		 buf[256];
	ssize_t		 r;

	(void)loop;
	(void)revents;
	/* The switch has nothing to say after its reply: ignore it. */
	r = read(vc->ctlfd, buf, sizeof(buf));
	if (r > 0 || (r == -1 && (errno == EAGAIN || errno == EINTR)))
		return;
	vdeconn_lost(vc, r == 0 ? "the switch closed the port" :
	    strerror(errno));
}

static void
vdeconn_rx_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	static unsigned char	 buf[FRAME_MAX];
	struct vdeconn		*vc = container_of(w, struct vdeconn, rx_w);
	ssize_t			 n;
	int			 i;

	(void)loop;
	(void)revents;
	for (i = 0; i < VDECONN_BURST && vc->up && !vc->paused; i++) {
		n = recv(vc->datafd, buf, sizeof(buf), MSG_TRUNC);
		if (n == -1) {
			if (errno != EAGAIN && errno != EINTR) {
				vc->st.errors++;
				vdeconn_drop(vc, VDECONN_DROP_ERROR, "receive from the "
				    "switch: %s", strerror(errno));
			}
			return;
		}
		if (n < FRAME_MIN || n > FRAME_MAX) {
			vc->st.rx_bad++;
			vdeconn_drop(vc, VDECONN_DROP_RXBAD, "frame of %zd bytes from "
			    "the switch dropped", n);
			continue;
		}
		vc->st.rx_frames++;
		vc->st.rx_bytes += (uint64_t)n;
		vc->cb->frame(vc->arg, buf, (size_t)n);
	}
}

static void
vdeconn_tx_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct vdeconn		*vc = container_of(w, struct vdeconn, tx_w);
	struct vdeconn_qf	*qf;

	(void)revents;
	while ((qf = STAILQ_FIRST(&vc->q)) != NULL) {
		if (send(vc->datafd, qf->data, qf->len, MSG_DONTWAIT) == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			vc->st.errors++;
			vdeconn_drop(vc, VDECONN_DROP_ERROR, "send to the switch: "
			    "%s", strerror(errno));
		} else {
			vc->st.tx_frames++;
			vc->st.tx_bytes += qf->len;
		}
		STAILQ_REMOVE_HEAD(&vc->q, entry);
		free(qf);
		vc->qlen--;
	}
	ev_io_stop(loop, w);
	vc->cb->drained(vc->arg);
}

/*
 * Returns 0 when the frame went to the switch or waits in the queue,
 * -1 when it was dropped (and counted).
 */
int
vdeconn_send(struct vdeconn *vc, const unsigned char *f, size_t len)
{
	struct vdeconn_qf	*qf;

	if (len < FRAME_MIN) {
		vc->st.runts++;
		vdeconn_drop(vc, VDECONN_DROP_RUNT, "frame too short (%zu bytes) "
		    "dropped", len);
		return -1;
	}
	if (len > FRAME_MAX) {
		vc->st.giants++;
		vdeconn_drop(vc, VDECONN_DROP_GIANT, "frame longer than %d bytes "
		    "(%zu) dropped", FRAME_MAX, len);
		return -1;
	}
	/* No station sends from a group address. */
	if (f[6] & 1) {
		vc->st.badsrc++;
		vdeconn_drop(vc, VDECONN_DROP_BADSRC, "frame from a multicast source "
		    "address dropped");
		return -1;
	}
	if (!vc->up) {
		vc->st.detached++;
		return -1;
	}
	if (vc->qlen == 0) {
		if (send(vc->datafd, f, len, MSG_DONTWAIT) == (ssize_t)len) {
			vc->st.tx_frames++;
			vc->st.tx_bytes += len;
			return 0;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			vc->st.errors++;
			vdeconn_drop(vc, VDECONN_DROP_ERROR, "send to the switch: "
			    "%s", strerror(errno));
			return -1;
		}
	}
	if (vc->qlen >= VDECONN_QMAX ||
	    (qf = malloc(sizeof(*qf) + len)) == NULL) {
		vc->st.qfull++;
		vdeconn_drop(vc, VDECONN_DROP_QFULL, "switch busy, queue full: frame "
		    "dropped");
		return -1;
	}
	qf->len = len;
	memcpy(qf->data, f, len);
	STAILQ_INSERT_TAIL(&vc->q, qf, entry);
	vc->qlen++;
	ev_io_start(vc->loop, &vc->tx_w);
	return 0;
}

/* True while frames wait for the switch: the transport should hold on. */
int
vdeconn_busy(const struct vdeconn *vc)
{
	return vc->qlen > 0;
}

/* Stops or resumes reading frames from the switch. */
void
vdeconn_pause(struct vdeconn *vc, int pause)
{
	vc->paused = pause;
	if (!vc->up)
		return;
	if (pause)
		ev_io_stop(vc->loop, &vc->rx_w);
	else
		ev_io_start(vc->loop, &vc->rx_w);
}

const char *
vdeconn_label(const struct vdeconn *vc)
{
	return vc->label;
}

/*
 * Attaches to the switch in o->dir. On failure returns NULL and sets
 * *fail, unless asked to wait for the switch (-r): then it returns a
 * detached connection that keeps trying.
 */
struct vdeconn *
vdeconn_open(struct ev_loop *loop, const struct plug_opts *o,
    const char *label, const struct vdeconn_cb *cb, void *arg, int *fail)
{
	struct vdeconn	*vc;
	char		 why[PATH_MAX + 128];

	if ((vc = calloc(1, sizeof(*vc))) == NULL)
		fatal("calloc");
	vc->loop = loop;
	vc->o = o;
	vc->cb = cb;
	vc->arg = arg;
	vc->ctlfd = vc->datafd = -1;
	vc->portnum = -1;
	STAILQ_INIT(&vc->q);
	snprintf(vc->label, sizeof(vc->label), "%s", label);
	if (o->descr != NULL)
		snprintf(vc->descr, sizeof(vc->descr), "%s", o->descr);
	else
		snprintf(vc->descr, sizeof(vc->descr), "switchplug %s", label);
	ev_timer_init(&vc->retry_w, vdeconn_retry_cb, 0., 0.);
	if (vdeconn_attach(vc, fail, why, sizeof(why)) == -1) {
		if (!o->reconnect) {
			log_warnx("%s: %s", label, why);
			free(vc);
			return NULL;
		}
		vdeconn_schedule(vc, why);
	} else
		vdeconn_up(vc);
	LIST_INSERT_HEAD(&vdeconn_all, vc, entry);
	return vc;
}

/* Detaches: closing the control stream frees the port in the switch. */
void
vdeconn_close(struct vdeconn *vc)
{
	if (vc == NULL)
		return;
	ev_timer_stop(vc->loop, &vc->retry_w);
	vdeconn_down(vc);
	LIST_REMOVE(vc, entry);
	free(vc);
}

void
vdeconn_stats_all(void)
{
	struct vdeconn	*vc;

	LIST_FOREACH(vc, &vdeconn_all, entry) {
		log_info("%s: %s port %d %s: to the switch %" PRIu64
		    " frames %" PRIu64 " bytes, from it %" PRIu64 " frames %"
		    PRIu64 " bytes", vc->label, vc->o->dir, vc->portnum,
		    vc->up ? "attached" : "detached", vc->st.tx_frames,
		    vc->st.tx_bytes, vc->st.rx_frames, vc->st.rx_bytes);
		log_info("%s: dropped on the way to the switch: %" PRIu64
		    " too short, %" PRIu64 " too long, %" PRIu64
		    " bad source, %" PRIu64 " queue full, %" PRIu64
		    " detached, %" PRIu64 " errors; from it: %" PRIu64
		    " bad length", vc->label,
		    vc->st.runts, vc->st.giants, vc->st.badsrc, vc->st.qfull,
		    vc->st.detached, vc->st.errors, vc->st.rx_bad);
		if (vc->cb->stats != NULL)
			vc->cb->stats(vc->arg);
	}
}
