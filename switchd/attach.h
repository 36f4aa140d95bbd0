/*
 * The VDE control socket, DIR/ctl: where QEMU and libvdeplug programs
 * ask for a port, get a data socket, and stay connected for as long as
 * they use it.
 */
#ifndef ATTACH_H
#define ATTACH_H

struct switchd;

int	attach_listen(struct switchd *);
void	attach_start(struct switchd *);
void	attach_close(struct switchd *);

#endif
