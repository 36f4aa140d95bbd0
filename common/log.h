/* SPDX-License-Identifier: ISC */
/*
 * Logging for switchd, switchctl and switchplug: stderr in the
 * foreground, syslog(LOG_DAEMON) when daemonised.
 */

#ifndef LOG_H
#define LOG_H

/*
 * Rate limiter for messages a peer can trigger once per frame. Zero it
 * before first use. Only the caller's clock is used, so it can be driven
 * from ev_now() and tested without sleeping.  log_ratelim() allows one
 * message an interval; log_ratelim_burst() a burst of them at once, then
 * one an interval, a token bucket.
 */
struct log_ratelim {
	double		last;		/* when the bucket last refilled */
	unsigned int	suppressed;	/* messages dropped since one passed */
	unsigned int	spent;		/* of the burst: 0 is a full bucket */
};

/* log.c */
void	log_init(const char *, int, int);
void	log_setsink(void (*)(const char *));
int		log_syslog_ok(void);
void	log_setverbose(int);
int	log_getverbose(void);

void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...)
	    __attribute__((noreturn, format(printf, 1, 2)));
void	fatalx(const char *, ...)
	    __attribute__((noreturn, format(printf, 1, 2)));

int	log_ratelim(struct log_ratelim *, double, double);
int	log_ratelim_burst(struct log_ratelim *, double, double, unsigned int);

#endif /* LOG_H */
