/* SPDX-License-Identifier: ISC */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sockdir.h"
#include "util.h"

/* "alice (uid 1000)", or "uid 1000" for a number with no name. */
static const char *
sockdir_user(uid_t uid, char *buf, size_t len)
{
	struct passwd *pw;

	if ((pw = getpwuid(uid)) != NULL)
		snprintf(buf, len, "%s (uid %ld)", pw->pw_name, (long)uid);
	else
		snprintf(buf, len, "uid %ld", (long)uid);
	return buf;
}

/* The last component of path: the name a socket has in its directory. */
const char *
sockdir_name(const char *path)
{
	const char *s;

	return (s = strrchr(path, '/')) != NULL ? s + 1 : path;
}

static int
sockdir_owner(const char *dir, uid_t uid, uid_t runuid, char *err,
    size_t len)
{
	char owner[96], runner[96];

	return util_err(err, len, "socket directory %s belongs to %s, not to "
	    "root or to %s, who runs the switch: whoever made it could swap "
	    "the sockets in it, so it is not used; remove it (as root), or "
	    "give another directory with -s", dir,
	    sockdir_user(uid, owner, sizeof(owner)),
	    sockdir_user(runuid, runner, sizeof(runner)));
}

/*
 * DIR, made for its owner alone when it does not exist, opened without
 * following a link.  An existing one is taken only from root or from
 * runuid, who alone could then change what is in it: anyone else could
 * swap the control socket for one of their own, or the sockets for links
 * that make root change the mode and owner of another file.  Nor may its
 * group or others write to it, unless it is runuid's and sticky, as
 * switchd leaves it when -m lets them write (so that clients can bind
 * their sockets there): then nobody can remove or rename what another
 * user put there.  Nothing is changed in a directory refused.
 */
int
sockdir_open(const char *dir, uid_t runuid, char *err, size_t len)
{
	struct stat st;
	int fd, e;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		return util_err(err, len, "socket directory %s: %s", dir,
		    strerror(errno));
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1) {
		/* Looked at again by name, only to say why. */
		e = errno;
		if (lstat(dir, &st) == 0 && S_ISLNK(st.st_mode))
			return util_err(err, len, "socket directory %s is a "
			    "symbolic link, which is not followed; give the "
			    "directory itself with -s", dir);
		if (e == EACCES && lstat(dir, &st) == 0 &&
		    st.st_uid != 0 && st.st_uid != runuid)
			return sockdir_owner(dir, st.st_uid, runuid, err, len);
		if (e == ENOTDIR)
			return util_err(err, len, "socket directory %s exists "
			    "and is not a directory", dir);
		return util_err(err, len, "socket directory %s: %s", dir,
		    strerror(e));
	}
	if (fstat(fd, &st) == -1) {
		util_err(err, len, "socket directory %s: %s", dir,
		    strerror(errno));
		goto refuse;
	}
	if (st.st_uid != 0 && st.st_uid != runuid) {
		sockdir_owner(dir, st.st_uid, runuid, err, len);
		goto refuse;
	}
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 && !(st.st_uid != 0 &&
	    st.st_uid == runuid && (st.st_mode & S_ISVTX) != 0)) {
		util_err(err, len, "socket directory %s may be written by its "
		    "group or others (mode %04o), who could swap the sockets "
		    "in it, so it is not used; remove it, or take their write "
		    "permission away (chmod go-w %s)", dir,
		    (unsigned int)(st.st_mode & 07777), dir);
		goto refuse;
	}
	return fd;
refuse:
	close(fd);
	return -1;
}

/*
 * The directory that holds path (a socket given by itself, as with -S),
 * opened to look up and remove the socket there by descriptor.  Links
 * on the way are followed: /var/run is one.
 */
int
sockdir_parent(const char *path, char *err, size_t len)
{
	char dir[PATH_MAX];
	const char *name = sockdir_name(path);
	int fd;

	if (name == path)
		snprintf(dir, sizeof(dir), ".");
	else if (name - path == 1)
		snprintf(dir, sizeof(dir), "/");
	else if ((size_t)snprintf(dir, sizeof(dir), "%.*s",
	    (int)(name - path - 1), path) >= sizeof(dir))
		return util_err(err, len, "%s: path too long", path);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return util_err(err, len, "%s: %s", dir, strerror(errno));
	return fd;
}

/* DIR's mode and owner, through its descriptor (-1: left as it is). */
int
sockdir_own(int dirfd, const char *dir, mode_t mode, uid_t owner,
    gid_t group, char *err, size_t len)
{
	if (fchmod(dirfd, mode) == -1)
		return util_err(err, len, "chmod %s: %s", dir,
		    strerror(errno));
	if ((owner != (uid_t)-1 || group != (gid_t)-1) &&
	    fchown(dirfd, owner, group) == -1)
		return util_err(err, len, "chown %s: %s", dir,
		    strerror(errno));
	return 0;
}

/*
 * Make room for a listening socket at path, in dirfd: nothing there, or
 * the socket of a switch that died (nobody listens: it is removed).  A
 * socket someone answers on is a switch that runs, and is never
 * removed; nor is a link or anything but a socket, which is not ours to
 * remove.  The socket is opened without following a link and probed
 * through that descriptor, so the check is on what would be removed.
 */
int
sockdir_clear(int dirfd, const char *path, char *err, size_t len)
{
	return sockdir_clear_type(dirfd, path, SOCK_STREAM, err, len);
}

/* sockdir_clear() for a socket of type: a datagram socket is probed so. */
int
sockdir_clear_type(int dirfd, const char *path, int type, char *err,
    size_t len)
{
	const char *name = sockdir_name(path);
	struct sockaddr_un sun;
	struct stat st;
	int fd, s, r, e;

	if ((fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC)) ==
	    -1) {
		if (errno == ENOENT)
			return 0;
		return util_err(err, len, "%s: %s", path, strerror(errno));
	}
	if (fstat(fd, &st) == -1) {
		util_err(err, len, "%s: %s", path, strerror(errno));
		goto refuse;
	}
	if (S_ISLNK(st.st_mode)) {
		util_err(err, len, "%s is a symbolic link, which is not "
		    "followed nor removed; remove it, or give another path",
		    path);
		goto refuse;
	}
	if (!S_ISSOCK(st.st_mode)) {
		util_err(err, len, "%s exists and is not a socket, so it is "
		    "not removed; remove it, or give another path", path);
		goto refuse;
	}
	/* Non-blocking: a switch too busy to accept at once is alive. */
	if ((s = socket(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1) {
		util_err(err, len, "socket: %s", strerror(errno));
		goto refuse;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "/proc/self/fd/%d", fd);
	r = connect(s, (const struct sockaddr *)&sun, sizeof(sun));
	e = errno;
	close(s);
	if (r == 0 || e == EAGAIN || e == EINPROGRESS) {
		util_err(err, len, "another switch is running on %s", path);
		goto refuse;
	}
	if (e != ECONNREFUSED) {
		util_err(err, len, "%s: a socket that cannot be probed (%s), "
		    "so it is not removed", path, strerror(e));
		goto refuse;
	}
	close(fd);
	if (unlinkat(dirfd, name, 0) == -1 && errno != ENOENT)
		return util_err(err, len, "unlink %s: %s", path,
		    strerror(errno));
	return 0;
refuse:
	close(fd);
	return -1;
}

/*
 * Bind fd to path, a name in dirfd, born with mode (through the umask,
 * so it is never more open than asked), then give it mode and owner
 * exactly (-1: left as it is).  bind() takes only a path; so what is at
 * that name in dirfd is opened without following a link, and changed
 * only if it is a socket this process just made: one link, its owner us.
 */
int
sockdir_bind(int dirfd, int fd, const char *path, mode_t mode, uid_t owner,
    gid_t group, char *err, size_t len)
{
	struct sockaddr_un sun;
	char proc[64];
	struct stat st;
	mode_t omask;
	int pfd, r, e;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if ((size_t)snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path) >=
	    sizeof(sun.sun_path))
		return util_err(err, len, "%s: path too long", path);
	omask = umask(~mode & 0777);
	r = bind(fd, (const struct sockaddr *)&sun, sizeof(sun));
	e = errno;
	umask(omask);
	if (r == -1)
		return util_err(err, len, "%s: %s", path, strerror(e));
	if ((pfd = openat(dirfd, sockdir_name(path), O_PATH | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return util_err(err, len, "%s: not found where it was just "
		    "made: %s", path, strerror(errno));
	if (fstat(pfd, &st) == -1 || !S_ISSOCK(st.st_mode) ||
	    st.st_uid != geteuid() || st.st_nlink != 1) {
		close(pfd);
		return util_err(err, len, "%s: what is there is not the socket "
		    "just made; its mode and owner are not set", path);
	}
	/* A descriptor of O_PATH takes no fchmod(); its /proc link does. */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pfd);
	if (chmod(proc, mode) == -1) {
		util_err(err, len, "chmod %s: %s", path, strerror(errno));
		goto fail;
	}
	if ((owner != (uid_t)-1 || group != (gid_t)-1) &&
	    fchownat(pfd, "", owner, group, AT_EMPTY_PATH) == -1) {
		util_err(err, len, "chown %s: %s", path, strerror(errno));
		goto fail;
	}
	close(pfd);
	return 0;
fail:
	close(pfd);
	return -1;
}
