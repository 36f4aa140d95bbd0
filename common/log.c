/* SPDX-License-Identifier: ISC */
/*
 * Logging: one place that decides between stderr and syslog, so every
 * binary reports errors the same way.
 */

#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "log.h"

#define LOG_MSGMAX	1024

/*
 * Until log_init() runs, messages go to stderr so that early errors
 * (bad command line) are never lost.
 */
static char	log_progname[64] = "switchd";
static int	log_foreground = 1;
static int	log_verbose;
static void	(*log_sink)(const char *);

static void	log_vlog(int, int, const char *, va_list)
		    __attribute__((format(printf, 3, 0)));

void
log_init(const char *progname, int foreground, int verbose)
{
	/* Copied so the caller may pass a temporary such as basename(). */
	if (progname != NULL)
		snprintf(log_progname, sizeof(log_progname), "%s", progname);
	log_foreground = foreground;
	log_verbose = verbose;
	if (!foreground)
		openlog(log_progname, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

/*
 * Every message to fn, and nowhere else, until it is set back to NULL:
 * switchctl -j prints its errors as JSON on stdout through it.
 */
void
log_setsink(void (*fn)(const char *))
{
	log_sink = fn;
}

/* Whether a syslog daemon listens on /dev/log: 0 when nothing would. */
int
log_syslog_ok(void)
{
	struct stat st;

	return stat(_PATH_LOG, &st) == 0 && S_ISSOCK(st.st_mode);
}

void
log_setverbose(int verbose)
{
	log_verbose = verbose;
}

int
log_getverbose(void)
{
	return log_verbose;
}

/*
 * errnum is the errno to describe, 0 for none. errno is preserved so
 * callers can log and then still inspect or return it.
 */
static void
log_vlog(int pri, int errnum, const char *fmt, va_list ap)
{
	char	 msg[LOG_MSGMAX];
	int	 saved_errno = errno;
	size_t	 n;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (errnum != 0) {
		n = strlen(msg);
		snprintf(msg + n, sizeof(msg) - n, ": %s", strerror(errnum));
	}
	if (log_sink != NULL)
		log_sink(msg);
	else if (log_foreground)
		fprintf(stderr, "%s: %s\n", log_progname, msg);
	else
		syslog(pri, "%s", msg);
	errno = saved_errno;
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vlog(LOG_INFO, 0, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	 ap;

	if (log_verbose <= 0)
		return;
	va_start(ap, fmt);
	log_vlog(LOG_DEBUG, 0, fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;
	int	 errnum = errno;

	va_start(ap, fmt);
	log_vlog(LOG_WARNING, errnum, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vlog(LOG_WARNING, 0, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	 ap;
	int	 errnum = errno;

	va_start(ap, fmt);
	log_vlog(LOG_CRIT, errnum, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vlog(LOG_CRIT, 0, fmt, ap);
	va_end(ap);
	exit(1);
}

/*
 * Returns 0 when the caller must stay silent, else 1 + the number of
 * messages suppressed since the last one allowed, so the caller can
 * append "(N similar messages suppressed)" when the result is above 1.
 * burst messages pass at once; each interval after one passed from a
 * full bucket gives room for one more.  A zeroed limiter is full; a
 * clock that went backwards allows one, rather than muting the caller
 * until it catches up.
 */
int
log_ratelim_burst(struct log_ratelim *rl, double now, double interval,
    unsigned int burst)
{
	unsigned int	 n;
	double		 k;	/* intervals since the last refill */

	if (burst == 0)
		burst = 1;
	if (now < rl->last) {
		rl->last = now;
		if (rl->spent >= burst)
			rl->spent = burst - 1;
	} else if (now - rl->last >= interval) {
		k = (now - rl->last) / interval;
		if (k >= rl->spent) {
			rl->spent = 0;
			rl->last = now;
		} else {
			/* Whole intervals only: the rest counts next time. */
			n = (unsigned int)k;
			rl->spent -= n;
			rl->last += n * interval;
		}
	}
	if (rl->spent >= burst) {
		if (rl->suppressed < UINT_MAX)
			rl->suppressed++;
		return 0;
	}
	/* The refill clock runs from the first message out of a full bucket. */
	if (rl->spent++ == 0)
		rl->last = now;
	n = rl->suppressed;
	rl->suppressed = 0;
	if (n >= (unsigned int)INT_MAX)
		return INT_MAX;
	return (int)n + 1;
}

/* One message an interval. */
int
log_ratelim(struct log_ratelim *rl, double now, double interval)
{
	return log_ratelim_burst(rl, now, interval, 1);
}
