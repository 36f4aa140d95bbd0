/* SPDX-License-Identifier: ISC */
/*
 * The learning table: (VLAN, MAC) -> port, with a size limit, a per-port
 * limit and aging.  A port is a number: one of switchd's ports, or the
 * remote endpoint behind which switchplug's VXLAN has seen an address.
 * Pure code: time is passed in by the caller.  Its
 * keys come from peers, so slots are chosen by a keyed hash (SipHash)
 * with a secret key of the table's own: nobody outside can choose
 * addresses that pile up in one place.
 */
#ifndef FDB_H
#define FDB_H

#include <stddef.h>
#include <stdint.h>

#define FDB_LIMIT_DEFAULT	16384
#define FDB_LIMIT_MAX		(1U << 22)
#define FDB_AGING_DEFAULT	300
/*
 * The limit of a port with none of its own.  A virtual machine shows a
 * handful of addresses, a few hundred if it bridges containers; 1024
 * leaves it room for that, while one port alone fills at most a 16th of
 * the default table, so that it takes 16 hostile ports to fill it.
 */
#define FDB_PORTLIMIT_DEFAULT	1024
#define FDB_HASHKEY_BYTES	16

enum fdb_learn {
	FDB_HIT,	/* known on this port, refreshed */
	FDB_NEW,	/* learned */
	FDB_MOVED,	/* was on another port, now on this one */
	FDB_FULL,	/* table at its limit: not learned */
	FDB_PORTFULL,	/* port at its own limit: not learned */
	FDB_STATIC,	/* a static entry's address from another port */
	FDB_IGNORED	/* broadcast, multicast or zero source: never learned */
};

struct fdb_entry {
	uint64_t	 key;	/* vid << 48 | mac; 0 = empty slot */
	uint32_t	 seen;
	uint16_t	 port;
	uint16_t	 flags;
};

/* Set by configuration: never learned elsewhere, never aged or flushed. */
#define FDB_F_STATIC	0x0001

struct fdb {
	struct fdb_entry	*tab;
	uint32_t		 mask;
	uint32_t		 count;
	uint32_t		 limit;
	uint32_t		 aging;		/* seconds; 0 = never expire */
	uint32_t		*portcount;
	uint32_t		 nports;
	uint8_t			 hashkey[FDB_HASHKEY_BYTES];
};

/* fdb.c */
struct fdb	*fdb_new(uint32_t limit, uint32_t aging, uint32_t nports);
void		 fdb_free(struct fdb *);
int		 fdb_setlimit(struct fdb *, uint32_t limit);
void		 fdb_setaging(struct fdb *, uint32_t aging);
void		 fdb_setkey(struct fdb *, const uint8_t key[FDB_HASHKEY_BYTES]);
uint32_t	 fdb_probes(const struct fdb *, const uint8_t *mac,
		    uint16_t vid);
uint64_t	 fdb_key(const uint8_t *mac, uint16_t vid);
enum fdb_learn	 fdb_learn(struct fdb *, const uint8_t *mac, uint16_t vid,
		    uint16_t port, uint32_t now, uint32_t portlimit,
		    uint16_t *oldport);
int		 fdb_lookup(const struct fdb *, const uint8_t *mac, uint16_t vid,
		    uint32_t now);
uint32_t	 fdb_age(struct fdb *, uint32_t now);
uint32_t	 fdb_flush(struct fdb *, int port, int vid);
int		 fdb_static_set(struct fdb *, const uint8_t *mac, uint16_t vid,
		    uint16_t port);
void		 fdb_static_clear(struct fdb *, const uint8_t *mac,
		    uint16_t vid);
int		 fdb_static_port(const struct fdb *, const uint8_t *mac,
		    uint16_t vid);
uint32_t	 fdb_count(const struct fdb *);
uint32_t	 fdb_portcount(const struct fdb *, uint16_t port);

/* Walk every entry; stop early when cb returns non-zero. */
typedef int (*fdb_walk_cb)(void *arg, const uint8_t *mac, uint16_t vid,
    uint16_t port, uint32_t seen);
void		 fdb_walk(const struct fdb *, fdb_walk_cb, void *arg);

#endif
