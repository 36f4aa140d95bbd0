/*
 * Settings as lines of text: the configuration file (switchd.conf(5)),
 * command-line options and switchctl all change the switch through
 * conf_exec(), and conf_dump() writes the running settings back out in
 * the same form.
 */
#ifndef CONF_H
#define CONF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct switchd;

#define CONF_LINE_MAX	1024
#define CONF_ARGS_MAX	16

int	conf_known(const char *);
int	conf_exec(struct switchd *, char *line, char *err, size_t errlen);
int	conf_load(struct switchd *, const char *path);
void	conf_reset(struct switchd *);
void	conf_dump(struct switchd *, FILE *);
int	conf_split(char *line, char **argv, int max);
int	conf_vlans(const char *s, uint64_t *bits);
void	conf_vlans_str(const uint64_t *bits, char *buf, size_t len);

#endif
