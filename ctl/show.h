/* SPDX-License-Identifier: ISC */
/*
 * The switch's replies as people read them: aligned tables and
 * key: value views on stdout.  show_json() prints a reply as it came.
 */
#ifndef SHOW_H
#define SHOW_H

#include <json-c/json.h>

/* show.c */
void	show_json(json_object *);
void	show_error(const char *);
void	show_info(json_object *);
void	show_ports(json_object *);
void	show_ports_long(json_object *);
void	show_port(json_object *);
void	show_macs(json_object *);
void	show_flushed(json_object *);
void	show_vlans(json_object *);
void	show_stp(json_object *);
void	show_config(json_object *);

#endif
