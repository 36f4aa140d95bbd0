/* SPDX-License-Identifier: ISC */
/* Tap interfaces: opened while still root, then ports like any other. */
#ifndef TAP_H
#define TAP_H

#include <stddef.h>

/* tap.c */
int	tap_open(const char *name, int *offload, char *err, size_t errlen);

#endif
