/* SPDX-License-Identifier: ISC */
#include <sys/ioctl.h>

#include <linux/if.h>
#include <linux/if_tun.h>

#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"

#define TAP_DEV	"/dev/net/tun"

/*
 * What the kernel may hand us: partial checksums and TCP segments of up
 * to 64 KiB, so a stream between two taps crosses the switch in a few
 * large frames instead of many small ones.  Frames for ports that cannot
 * take them are completed or cut up on the way out (gso.c).
 */
#define TAP_OFFLOADS	(TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN)

/*
 * Every frame read or written carries a struct virtio_net_hdr in front
 * (IFF_VNET_HDR).  Returns the descriptor, or -1 with a message that says
 * why in words a user can act on; *offload tells whether the kernel took
 * the offloads.
 */
int
tap_open(const char *name, int *offload, char *err, size_t errlen)
{
	struct ifreq ifr;
	int fd, e;

	if (strlen(name) >= IFNAMSIZ) {
		snprintf(err, errlen, "tap %s: name longer than %d characters",
		    name, IFNAMSIZ - 1);
		return -1;
	}
	if ((fd = open(TAP_DEV, O_RDWR | O_NONBLOCK | O_CLOEXEC)) == -1) {
		e = errno;
		snprintf(err, errlen, "tap %s: %s: %s%s", name, TAP_DEV,
		    strerror(e), e == ENOENT ? " (is the tun module loaded?)" :
		    e == EACCES || e == EPERM ? " (creating a tap needs root)" :
		    "");
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(fd, TUNSETIFF, &ifr) == -1) {
		e = errno;
		snprintf(err, errlen, "tap %s: %s%s", name, strerror(e),
		    e == EBUSY ? " (the name is taken by an interface in use)" :
		    e == EPERM ? " (creating a tap needs root or CAP_NET_ADMIN)" :
		    e == EINVAL ? " (the name is taken by another kind of "
		    "interface)" : "");
		close(fd);
		return -1;
	}
	*offload = ioctl(fd, TUNSETOFFLOAD, (unsigned long)TAP_OFFLOADS) == 0;
	return fd;
}

/* The interface's own address: the host's, on the tap's network. */
int
tap_hwaddr(int fd, uint8_t *mac)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) == -1)
		return -1;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}
