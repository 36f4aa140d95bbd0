/* SPDX-License-Identifier: ISC */
/*
 * The management socket seen from switchctl.  Every failure is reported
 * here, in words that say what to do about it, so callers only need to
 * exit when client_call() returns NULL.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "log.h"

#define CLIENT_REPLY_MAX	(1024UL * 1024 * 1024)
/* Connections tried while the switch has too many clients. */
#define CLIENT_TRIES		6

void
client_init(struct client *c, const char *path, const char *hint)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->path = path;
	c->hint = hint;
}

void
client_close(struct client *c)
{
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	free(c->buf);
	c->buf = NULL;
	c->len = c->cap = 0;
}

/* Who owns the socket, or the closest directory above it we may look at. */
static void
client_owner(const char *path, char *buf, size_t len)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)], *slash;
	struct passwd *pw;
	struct stat st;
	int r;

	snprintf(dir, sizeof(dir), "%s", path);
	while ((r = stat(dir, &st)) == -1 &&
	    (slash = strrchr(dir, '/')) != NULL && slash != dir)
		*slash = '\0';
	if (r == -1) {
		snprintf(buf, len, "another user");
		return;
	}
	if ((pw = getpwuid(st.st_uid)) != NULL)
		snprintf(buf, len, "%s", pw->pw_name);
	else
		snprintf(buf, len, "uid %ld", (long)st.st_uid);
}

static int
client_connect_once(struct client *c)
{
	struct sockaddr_un sun;
	char owner[64];
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if ((size_t)snprintf(sun.sun_path, sizeof(sun.sun_path), "%s",
	    c->path) >= sizeof(sun.sun_path)) {
		log_warnx("%s: path too long for a socket (at most %zu bytes)",
		    c->path, sizeof(sun.sun_path) - 1);
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		log_warn("socket");
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
		c->fd = fd;
		return 0;
	}
	switch (errno) {
	case ENOENT:
	case ECONNREFUSED:
	case ENOTDIR:
		log_warnx("no switch at %s (%s)", c->path, c->hint);
		break;
	case EACCES:
	case EPERM:
		client_owner(c->path, owner, sizeof(owner));
		log_warnx("%s: permission denied (the management socket "
		    "belongs to %s; run as that user or root)", c->path,
		    owner);
		break;
	default:
		log_warn("connect %s", c->path);
	}
	close(fd);
	return -1;
}

/* Wait for fd until the deadline; 0 when ready, -1 after reporting why. */
static int
client_wait(struct client *c, short events, const struct timespec *deadline)
{
	struct pollfd pfd = { c->fd, events, 0 };
	struct timespec now;
	long ms;
	int r;

	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		ms = (deadline->tv_sec - now.tv_sec) * 1000 +
		    (deadline->tv_nsec - now.tv_nsec) / 1000000;
		if (ms <= 0) {
			log_warnx("%s: no reply from the switch within %d "
			    "seconds", c->path, CLIENT_TIMEOUT);
			return -1;
		}
		if ((r = poll(&pfd, 1, (int)ms)) > 0)
			return 0;
		if (r == -1 && errno != EINTR) {
			log_warn("poll %s", c->path);
			return -1;
		}
	}
}

/* One line from the switch, without its newline, parsed as JSON. */
static json_object *
client_read(struct client *c)
{
	struct timespec deadline;
	json_object *o;
	char *nl, *p;
	ssize_t r;
	size_t n;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += CLIENT_TIMEOUT;
	while ((nl = c->len ? memchr(c->buf, '\n', c->len) : NULL) == NULL) {
		if (c->cap - c->len < 4096) {
			if (c->cap >= CLIENT_REPLY_MAX) {
				log_warnx("%s: reply larger than %lu bytes",
				    c->path, CLIENT_REPLY_MAX);
				return NULL;
			}
			n = c->cap ? c->cap * 2 : 65536;
			if ((p = realloc(c->buf, n)) == NULL) {
				log_warn("reading the reply");
				return NULL;
			}
			c->buf = p;
			c->cap = n;
		}
		if (client_wait(c, POLLIN, &deadline) == -1)
			return NULL;
		r = read(c->fd, c->buf + c->len, c->cap - c->len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			log_warn("read %s", c->path);
			return NULL;
		}
		if (r == 0) {
			log_warnx("%s: the switch closed the connection "
			    "without replying", c->path);
			return NULL;
		}
		c->len += (size_t)r;
	}
	*nl = '\0';
	o = json_tokener_parse(c->buf);
	n = (size_t)(nl - c->buf) + 1;
	memmove(c->buf, nl + 1, c->len - n);
	c->len -= n;
	if (o == NULL || !json_object_is_type(o, json_type_object)) {
		log_warnx("%s: the switch sent something that is not a JSON "
		    "object", c->path);
		json_object_put(o);
		return NULL;
	}
	return o;
}

static const char *
client_error(json_object *o)
{
	json_object *e;

	if (json_object_object_get_ex(o, "error", &e) &&
	    json_object_is_type(e, json_type_string))
		return json_object_get_string(e);
	return "the switch refused the request and gave no reason";
}

static int
client_ok(json_object *o)
{
	json_object *ok;

	return json_object_object_get_ex(o, "ok", &ok) &&
	    json_object_get_boolean(ok);
}

/*
 * Connect and read the greeting.  A switch with too many management
 * clients answers the greeting with an error: try again a few times
 * before giving up, as it asks.
 */
static int
client_connect(struct client *c)
{
	json_object *g = NULL, *v;
	int try, proto;

	for (try = 0; try < CLIENT_TRIES; try++) {
		if (try > 0)
			usleep(50000U << try);
		if (client_connect_once(c) == -1)
			return -1;
		if ((g = client_read(c)) == NULL) {
			client_close(c);
			return -1;
		}
		if (json_object_object_get_ex(g, "switchd", &v))
			break;
		if (try + 1 == CLIENT_TRIES || !json_object_object_get_ex(g,
		    "ok", &v)) {
			if (json_object_object_get_ex(g, "ok", &v))
				log_warnx("%s", client_error(g));
			else
				log_warnx("%s: not a switchd management "
				    "socket", c->path);
			json_object_put(g);
			client_close(c);
			return -1;
		}
		json_object_put(g);
		client_close(c);
	}
	proto = json_object_object_get_ex(g, "protocol", &v) ?
	    json_object_get_int(v) : 0;
	json_object_put(g);
	if (proto != CLIENT_PROTOCOL) {
		log_warnx("%s: the switch speaks management protocol %d, "
		    "this switchctl speaks %d", c->path, proto,
		    CLIENT_PROTOCOL);
		client_close(c);
		return -1;
	}
	return 0;
}

static int
client_write(struct client *c, const char *s, size_t len)
{
	struct timespec deadline;
	ssize_t r;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += CLIENT_TIMEOUT;
	while (len > 0) {
		if (client_wait(c, POLLOUT, &deadline) == -1)
			return -1;
		r = send(c->fd, s, len, MSG_NOSIGNAL);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			log_warn("write %s", c->path);
			return -1;
		}
		s += r;
		len -= (size_t)r;
	}
	return 0;
}

/*
 * Send one request (a line without its newline); the reply when the
 * switch says ok, else NULL once the reason has been printed.
 */
json_object *
client_call(struct client *c, const char *request)
{
	json_object *r;
	char *line;

	if (c->fd == -1 && client_connect(c) == -1)
		return NULL;
	if (asprintf(&line, "%s\n", request) == -1) {
		log_warn("asprintf");
		return NULL;
	}
	if (client_write(c, line, strlen(line)) == -1) {
		free(line);
		return NULL;
	}
	free(line);
	if ((r = client_read(c)) == NULL)
		return NULL;
	if (!client_ok(r)) {
		log_warnx("%s", client_error(r));
		json_object_put(r);
		return NULL;
	}
	return r;
}

/* The connection, for a caller that reads on its own: a capture. */
int
client_fd(const struct client *c)
{
	return c->fd;
}

/*
 * What the switch sent past the last reply, taken out of the buffer:
 * the first records of a capture may come with its reply.
 */
size_t
client_rest(struct client *c, void *buf, size_t len)
{
	size_t n = c->len < len ? c->len : len;

	if (n == 0)
		return 0;
	memcpy(buf, c->buf, n);
	memmove(c->buf, c->buf + n, c->len - n);
	c->len -= n;
	return n;
}
