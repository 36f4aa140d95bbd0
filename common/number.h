/* SPDX-License-Identifier: ISC */
/* Numbers from untrusted text: configuration, requests, arguments. */
#ifndef NUMBER_H
#define NUMBER_H

/* number.c */
int	number_parse(const char *, unsigned long min, unsigned long max,
	    unsigned long *);

#endif
