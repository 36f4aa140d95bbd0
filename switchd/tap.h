/* SPDX-License-Identifier: ISC */
/* Tap interfaces: opened while still root, then ports like any other. */
#ifndef TAP_H
#define TAP_H

#include <stddef.h>
#include <stdint.h>

/* tap.c */
int	tap_open(const char *name, int *offload, char *err, size_t errlen);
int	tap_hwaddr(int fd, uint8_t *mac);

#endif
