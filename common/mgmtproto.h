/* SPDX-License-Identifier: ISC */
/*
 * The management protocol between switchd and switchctl (switchctl(8),
 * PROTOCOL): the greeting's version, the longest request line, and the
 * ranges both sides check.
 */
#ifndef MGMTPROTO_H
#define MGMTPROTO_H

#define MGMTPROTO_VERSION	1
#define MGMTPROTO_LINE_MAX	1024
#define MGMTPROTO_PORTS_MAX	4095	/* highest port number a switch has */

#endif
