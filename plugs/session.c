/* SPDX-License-Identifier: ISC */
/*
 * The glue between a switch port and a framed stream: frames cross over,
 * and each side stops reading while the other cannot take more.
 */

#include <inttypes.h>
#include <stddef.h>

#include "log.h"

#include "session.h"

static void
session_from_switch(void *arg, const unsigned char *f, size_t len)
{
	struct session	*s = arg;

	if (s->lk == NULL) {
		s->nolink++;
		return;
	}
	link_send(s->lk, f, len);
	if (link_busy(s->lk))
		vdeconn_pause(s->vc, 1);
}

static void
session_switch_drained(void *arg)
{
	struct session	*s = arg;

	if (s->lk != NULL)
		link_resume(s->lk);
}

static void
session_stats(void *arg)
{
	struct session	*s = arg;

	if (s->lk != NULL)
		link_stats(s->lk);
	if (s->nolink > 0)
		log_info("%s: %" PRIu64 " frames from the switch dropped while "
		    "the link was down", vdeconn_label(s->vc), s->nolink);
}

const struct vdeconn_cb session_vdeconn_cb = {
	.frame = session_from_switch,
	.drained = session_switch_drained,
	.stats = session_stats,
};

static void
session_from_link(void *arg, const unsigned char *f, size_t len)
{
	struct session	*s = arg;

	vdeconn_send(s->vc, f, len);
}

static int
session_switch_busy(void *arg)
{
	struct session	*s = arg;

	return vdeconn_busy(s->vc);
}

static void
session_link_drained(void *arg)
{
	struct session	*s = arg;

	vdeconn_pause(s->vc, 0);
}

static void
session_link_end(void *arg, int how)
{
	struct session	*s = arg;

	s->ended(s, how);
}

const struct link_cb session_link_cb = {
	.frame = session_from_link,
	.busy = session_switch_busy,
	.drained = session_link_drained,
	.end = session_link_end,
};

/* Starts carrying frames over lk; the vdeconn reads the switch again. */
void
session_link(struct session *s, struct link *lk)
{
	s->lk = lk;
	link_start(lk);
	vdeconn_pause(s->vc, 0);
}

/*
 * Frees the link. Frames from the switch are read and dropped until the
 * next one, so that the switch does not queue them for nobody.
 */
void
session_unlink(struct session *s)
{
	link_free(s->lk);
	s->lk = NULL;
	vdeconn_pause(s->vc, 0);
}
