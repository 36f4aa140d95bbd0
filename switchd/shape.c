/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shape.h"
#include "util.h"

int
shape_on(const struct shape_conf *c)
{
	return c->rate != 0 || c->delay != 0 || c->jitter != 0 ||
	    c->loss != 0 || c->dup != 0;
}

/* The bucket's depth in bits. */
static double
shape_depth(uint64_t rate)
{
	double d = (double)rate * SHAPE_BURST_NS / 1e9;

	return d < SHAPE_BURST_MIN ? SHAPE_BURST_MIN : d;
}

/* A full bucket; the random draws from seed, so that tests repeat. */
void
shape_init(struct shape *s, const struct shape_conf *c, uint64_t seed,
    uint64_t now)
{
	memset(s, 0, sizeof(*s));
	s->rnd[0] = (unsigned short)seed;
	s->rnd[1] = (unsigned short)(seed >> 16);
	s->rnd[2] = (unsigned short)(seed >> 32);
	s->last = now;
	shape_set(s, c, now);
}

/*
 * A new setting starts with a full bucket.  Frames already let through
 * keep their time: a frame that comes after them still goes after them.
 */
void
shape_set(struct shape *s, const struct shape_conf *c, uint64_t now)
{
	s->c = *c;
	s->tokens = c->rate ? shape_depth(c->rate) : 0;
	s->stamp = now;
}

/* A draw from 0 to n - 1. */
static uint32_t
shape_draw(struct shape *s, uint32_t n)
{
	return (uint32_t)(((uint64_t)nrand48(s->rnd) * n) >> 31);
}

/*
 * A frame of len bytes arrives at now.  Returns how many copies of it go
 * (1, or 2 when duplicated), SHAPE_LOST, or SHAPE_FULL when it would
 * have to wait and room says the caller cannot hold another; *when is
 * the time they go, now or later.  Loss is drawn first, so that a lost
 * frame takes nothing of the rate; a duplicate takes its own share.
 * Frames go in the order they came: jitter never lets one overtake
 * another.
 */
int
shape_frame(struct shape *s, uint64_t now, size_t len, int room,
    uint64_t *when)
{
	const struct shape_conf *c = &s->c;
	double bits, depth;
	uint64_t go = now, t;
	int copies = 1;
	int64_t j;

	if (c->loss != 0 && shape_draw(s, SHAPE_PPM) < c->loss)
		return SHAPE_LOST;
	if (c->dup != 0 && shape_draw(s, SHAPE_PPM) < c->dup)
		copies = 2;
	bits = (double)len * 8 * copies;
	if (c->rate != 0) {
		depth = shape_depth(c->rate);
		if (now > s->stamp) {
			s->tokens += (double)(now - s->stamp) * (double)c->rate /
			    1e9;
			if (s->tokens > depth)
				s->tokens = depth;
			s->stamp = now;
		}
		s->tokens -= bits;
		if (s->tokens < 0)
			go = now + (uint64_t)ceil(-s->tokens * 1e9 /
			    (double)c->rate);
	}
	t = go + (uint64_t)c->delay * 1000;
	if (c->jitter != 0) {
		j = (int64_t)shape_draw(s, 2 * c->jitter + 1) - c->jitter;
		t = j < 0 && (uint64_t)-j * 1000 > t ? 0 : t + j * 1000;
	}
	if (t < s->last)
		t = s->last;
	if (t < now)
		t = now;
	if (t > now && !room) {
		s->tokens += c->rate != 0 ? bits : 0;
		return SHAPE_FULL;
	}
	s->last = t;
	*when = t;
	return copies;
}

/*
 * A decimal number (digits, a point and more digits) times scale, as a
 * whole number, and what follows it in *end.  -1 when s does not start
 * with one, or it is too large.
 */
static int
shape_number(const char *s, double scale, double max, uint64_t *v,
    const char **end)
{
	size_t n = strspn(s, "0123456789.");
	double d;
	char *e;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	d = strtod(s, &e);
	/* strtod() takes more: exponents, hexadecimal. */
	if (errno != 0 || e != s + n)
		return -1;
	d = round(d * scale);
	if (d > max)
		return -1;
	*v = (uint64_t)d;
	*end = e;
	return 0;
}

/* 10mbit, 1.5gbit, 64kbit, 8000bit: bits a second. */
static int
shape_rate(const char *s, uint64_t *v)
{
	static const struct {
		const char	*unit;
		double		 scale;
	} units[] = { { "bit", 1 }, { "kbit", 1e3 }, { "mbit", 1e6 },
	    { "gbit", 1e9 } };
	const char *end;
	size_t i;
	uint64_t n;

	for (i = 0; i < nitems(units); i++) {
		if (shape_number(s, units[i].scale, SHAPE_RATE_MAX, &n,
		    &end) == 0 && strcmp(end, units[i].unit) == 0 &&
		    n >= SHAPE_RATE_MIN) {
			*v = n;
			return 0;
		}
	}
	return -1;
}

/* 40ms, 1.5ms, 500us, 2s: microseconds. */
static int
shape_time(const char *s, uint32_t *v)
{
	static const struct {
		const char	*unit;
		double		 scale;
	} units[] = { { "us", 1 }, { "ms", 1e3 }, { "s", 1e6 } };
	const char *end;
	size_t i;
	uint64_t n;

	for (i = 0; i < nitems(units); i++) {
		if (shape_number(s, units[i].scale, SHAPE_TIME_MAX, &n,
		    &end) == 0 && strcmp(end, units[i].unit) == 0) {
			*v = (uint32_t)n;
			return 0;
		}
	}
	return -1;
}

/* 1%, 0.1%, 0.0001%: parts per million. */
static int
shape_percent(const char *s, uint32_t *v)
{
	const char *end;
	uint64_t n;

	if (shape_number(s, SHAPE_PPM / 100, SHAPE_PPM, &n, &end) == -1 ||
	    strcmp(end, "%") != 0)
		return -1;
	*v = (uint32_t)n;
	return 0;
}

/*
 * The words after "ingress" or "egress": "off", or any of rate R,
 * delay T, jitter T, loss P and duplicate P, each once.  What the words
 * do not name is off: a line says the whole setting.
 */
int
shape_parse(struct shape_conf *c, int argc, char **argv, char *err,
    size_t len)
{
	struct shape_conf n;
	unsigned int seen = 0, bit;
	int i, bad;

	memset(&n, 0, sizeof(n));
	if (argc == 1 && strcmp(argv[0], "off") == 0) {
		*c = n;
		return 0;
	}
	if (argc == 0 || argc % 2 != 0)
		return util_err(err, len, "off, or rate, delay, jitter, loss "
		    "and duplicate, each with its value");
	for (i = 0; i < argc; i += 2) {
		if (strcmp(argv[i], "rate") == 0) {
			bit = 1;
			bad = shape_rate(argv[i + 1], &n.rate) == -1;
		} else if (strcmp(argv[i], "delay") == 0) {
			bit = 2;
			bad = shape_time(argv[i + 1], &n.delay) == -1;
		} else if (strcmp(argv[i], "jitter") == 0) {
			bit = 4;
			bad = shape_time(argv[i + 1], &n.jitter) == -1;
		} else if (strcmp(argv[i], "loss") == 0) {
			bit = 8;
			bad = shape_percent(argv[i + 1], &n.loss) == -1;
		} else if (strcmp(argv[i], "duplicate") == 0) {
			bit = 16;
			bad = shape_percent(argv[i + 1], &n.dup) == -1;
		} else
			return util_err(err, len, "'%s' is not rate, delay, "
			    "jitter, loss or duplicate", argv[i]);
		if (seen & bit)
			return util_err(err, len, "%s given twice", argv[i]);
		seen |= bit;
		if (!bad)
			continue;
		if (bit == 1)
			return util_err(err, len, "rate '%s' is not a rate from "
			    "1kbit to 100gbit (bit, kbit, mbit or gbit)",
			    argv[i + 1]);
		if (bit < 8)
			return util_err(err, len, "%s '%s' is not a time up to "
			    "10s (us, ms or s)", argv[i], argv[i + 1]);
		return util_err(err, len, "%s '%s' is not a percentage from "
		    "0%% to 100%%, to 0.0001%%", argv[i], argv[i + 1]);
	}
	*c = n;
	return 0;
}

/* A whole number over scale, without the zeros a decimal point leaves. */
static void
shape_decimal(char *buf, size_t len, uint64_t v, uint64_t scale,
    const char *unit)
{
	char frac[24];
	uint64_t d;
	int digits = 0;
	size_t n;

	if (v % scale == 0) {
		snprintf(buf, len, "%llu%s", (unsigned long long)(v / scale),
		    unit);
		return;
	}
	for (d = scale; d > 1 && digits < 12; d /= 10)
		digits++;
	snprintf(frac, sizeof(frac), "%0*llu", digits & 15,
	    (unsigned long long)(v % scale));
	for (n = strlen(frac); n > 0 && frac[n - 1] == '0'; n--)
		frac[n - 1] = '\0';
	snprintf(buf, len, "%llu.%s%s", (unsigned long long)(v / scale), frac,
	    unit);
}

static void
shape_timestr(char *buf, size_t len, uint32_t us)
{
	if (us >= 1000000)
		shape_decimal(buf, len, us, 1000000, "s");
	else if (us >= 1000)
		shape_decimal(buf, len, us, 1000, "ms");
	else
		snprintf(buf, len, "%uus", us);
}

/* The setting in the words shape_parse() reads back: "off" for none. */
void
shape_str(const struct shape_conf *c, char *buf, size_t len)
{
	char v[32];
	size_t off = 0;

	buf[0] = '\0';
	if (!shape_on(c)) {
		snprintf(buf, len, "off");
		return;
	}
	if (c->rate != 0) {
		if (c->rate >= 1000000000)
			shape_decimal(v, sizeof(v), c->rate, 1000000000,
			    "gbit");
		else if (c->rate >= 1000000)
			shape_decimal(v, sizeof(v), c->rate, 1000000, "mbit");
		else
			shape_decimal(v, sizeof(v), c->rate, 1000, "kbit");
		off += (size_t)snprintf(buf + off, len - off, " rate %s", v);
	}
	if (c->delay != 0 && off < len) {
		shape_timestr(v, sizeof(v), c->delay);
		off += (size_t)snprintf(buf + off, len - off, " delay %s", v);
	}
	if (c->jitter != 0 && off < len) {
		shape_timestr(v, sizeof(v), c->jitter);
		off += (size_t)snprintf(buf + off, len - off, " jitter %s", v);
	}
	if (c->loss != 0 && off < len) {
		shape_decimal(v, sizeof(v), c->loss, 10000, "%");
		off += (size_t)snprintf(buf + off, len - off, " loss %s", v);
	}
	if (c->dup != 0 && off < len) {
		shape_decimal(v, sizeof(v), c->dup, 10000, "%");
		snprintf(buf + off, len - off, " duplicate %s", v);
	}
	memmove(buf, buf + 1, strlen(buf));
}
