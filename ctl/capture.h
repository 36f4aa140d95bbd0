/* SPDX-License-Identifier: ISC */
/*
 * switchctl capture: a capture's records from the switch out as a pcap
 * stream (switchctl(8), capture and PROTOCOL).
 */
#ifndef CAPTURE_H
#define CAPTURE_H

#include <stdint.h>

struct client;

/* capture.c */
int	capture_run(struct client *, const char *request, uint64_t count,
	    int json);

#endif
