/* SPDX-License-Identifier: ISC */
/*
 * Open addressing with linear probing and backward-shift deletion: one
 * cache line per lookup in the common case, no tombstones to clean up.
 * The table has at least twice as many slots as its limit, so probes stay
 * short and an insert always finds a slot.
 *
 * Linear probing is only as good as its hash: keys that share a home
 * slot make one cluster that every lookup landing in it walks to the
 * end.  Peers choose their source addresses, so the hash is SipHash
 * keyed with 16 random bytes drawn when the table is made: without the
 * key, no set of addresses is more likely to collide than any other.
 * Each lookup and each learn hashes its key once.
 */
#include <sys/random.h>

#include <assert.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "fdb.h"

_Static_assert(crypto_shorthash_KEYBYTES == FDB_HASHKEY_BYTES,
    "the fdb key is a SipHash key");
_Static_assert(crypto_shorthash_BYTES == sizeof(uint64_t),
    "SipHash-2-4 gives 64 bits");

static uint32_t
fdb_slots(uint32_t limit)
{
	uint32_t n = 64;

	while (n < limit * 2)
		n <<= 1;
	return n;
}

static inline uint32_t
fdb_hash(const struct fdb *f, uint64_t key)
{
	unsigned char out[crypto_shorthash_BYTES];
	uint64_t h;

	crypto_shorthash(out, (const unsigned char *)&key, sizeof(key),
	    f->hashkey);
	memcpy(&h, out, sizeof(h));
	return (uint32_t)h & f->mask;
}

uint64_t
fdb_key(const uint8_t *mac, uint16_t vid)
{
	return (uint64_t)vid << 48 | (uint64_t)mac[0] << 40 |
	    (uint64_t)mac[1] << 32 | (uint64_t)mac[2] << 24 |
	    (uint64_t)mac[3] << 16 | (uint64_t)mac[4] << 8 | mac[5];
}

struct fdb *
fdb_new(uint32_t limit, uint32_t aging, uint32_t nports)
{
	struct fdb *f;

	if (limit == 0 || limit > FDB_LIMIT_MAX)
		return NULL;
	if (sodium_init() == -1 || (f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	if (getrandom(f->hashkey, sizeof(f->hashkey), 0) !=
	    (ssize_t)sizeof(f->hashkey)) {
		free(f);
		return NULL;
	}
	f->mask = fdb_slots(limit) - 1;
	f->limit = limit;
	f->aging = aging;
	f->nports = nports;
	f->tab = calloc((size_t)f->mask + 1, sizeof(*f->tab));
	f->portcount = calloc(nports, sizeof(*f->portcount));
	if (f->tab == NULL || f->portcount == NULL) {
		fdb_free(f);
		return NULL;
	}
	return f;
}

void
fdb_free(struct fdb *f)
{
	if (f == NULL)
		return;
	free(f->tab);
	free(f->portcount);
	free(f);
}

/*
 * The slot holding key, or else the empty slot where it would go; with
 * the number of slots looked at in *probes when that is not NULL.
 */
static inline uint32_t
fdb_slot(const struct fdb *f, uint64_t key, uint32_t *probes)
{
	uint32_t i = fdb_hash(f, key), n = 1;

	while (f->tab[i].key != key && f->tab[i].key != 0) {
		i = (i + 1) & f->mask;
		n++;
	}
	if (probes != NULL)
		*probes = n;
	return i;
}

static struct fdb_entry *
fdb_find(const struct fdb *f, uint64_t key)
{
	struct fdb_entry *e;

	if (key == 0)	/* the empty-slot marker: VLAN 0 never holds MACs */
		return NULL;
	e = &f->tab[fdb_slot(f, key, NULL)];
	return e->key == key ? e : NULL;
}

/* key is not in the table, and the table has room. */
static struct fdb_entry *
fdb_insert(struct fdb *f, struct fdb_entry *e, uint64_t key)
{
	e->key = key;
	f->count++;
	return e;
}

/* Backward-shift deletion keeps every probe chain unbroken. */
static void
fdb_remove(struct fdb *f, struct fdb_entry *e)
{
	uint32_t i = (uint32_t)(e - f->tab), j = i, home;

	f->portcount[e->port]--;
	f->count--;
	for (;;) {
		j = (j + 1) & f->mask;
		if (f->tab[j].key == 0)
			break;
		home = fdb_hash(f, f->tab[j].key);
		/* Move j back to i unless its home lies cyclically in (i, j]. */
		if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
			continue;
		f->tab[i] = f->tab[j];
		i = j;
	}
	memset(&f->tab[i], 0, sizeof(f->tab[i]));
}

static int
fdb_expired(const struct fdb *f, const struct fdb_entry *e, uint32_t now)
{
	return f->aging != 0 && !(e->flags & FDB_F_STATIC) &&
	    now - e->seen >= f->aging;
}

enum fdb_learn
fdb_learn(struct fdb *f, const uint8_t *mac, uint16_t vid, uint16_t port,
    uint32_t now, uint32_t portlimit, uint16_t *oldport)
{
	struct fdb_entry *e;
	uint64_t key;

	/* Group bit set: broadcast or multicast; all zero: no station. */
	if ((mac[0] & 1) || (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] |
	    mac[5]) == 0)
		return FDB_IGNORED;
	key = fdb_key(mac, vid);
	e = &f->tab[fdb_slot(f, key, NULL)];
	if (e->key == key) {
		if (e->flags & FDB_F_STATIC) {
			*oldport = e->port;
			return e->port == port ? FDB_HIT : FDB_STATIC;
		}
		e->seen = now;
		if (e->port == port)
			return FDB_HIT;
		*oldport = e->port;
		if (portlimit != 0 && f->portcount[port] >= portlimit) {
			fdb_remove(f, e);
			return FDB_PORTFULL;
		}
		f->portcount[e->port]--;
		f->portcount[port]++;
		e->port = port;
		return FDB_MOVED;
	}
	if (f->count >= f->limit)
		return FDB_FULL;
	if (portlimit != 0 && f->portcount[port] >= portlimit)
		return FDB_PORTFULL;
	fdb_insert(f, e, key);
	e->port = port;
	e->seen = now;
	f->portcount[port]++;
	return FDB_NEW;
}

int
fdb_lookup(const struct fdb *f, const uint8_t *mac, uint16_t vid,
    uint32_t now)
{
	const struct fdb_entry *e;

	if ((e = fdb_find(f, fdb_key(mac, vid))) == NULL ||
	    fdb_expired(f, e, now))
		return -1;
	return e->port;
}

/*
 * Removal shifts later entries back into the slot just looked at, so a
 * slot is examined again after each removal instead of moving on.
 */
static uint32_t
fdb_sweep(struct fdb *f, int (*match)(const struct fdb *,
    const struct fdb_entry *, const void *), const void *arg)
{
	uint32_t i, n = 0, start;

	if (f->count == 0)
		return 0;
	/* Start just after an empty slot so no chain wraps past the start. */
	for (start = 0; f->tab[start].key != 0; start++)
		;
	for (i = 0; i <= f->mask; ) {
		struct fdb_entry *e = &f->tab[(start + i) & f->mask];

		if (e->key != 0 && match(f, e, arg)) {
			fdb_remove(f, e);
			n++;
		} else
			i++;
	}
	return n;
}

static int
fdb_match_old(const struct fdb *f, const struct fdb_entry *e, const void *arg)
{
	return fdb_expired(f, e, *(const uint32_t *)arg);
}

uint32_t
fdb_age(struct fdb *f, uint32_t now)
{
	if (f->aging == 0)
		return 0;
	return fdb_sweep(f, fdb_match_old, &now);
}

struct fdb_sel {
	int	port;
	int	vid;
};

static int
fdb_match_sel(const struct fdb *f, const struct fdb_entry *e, const void *arg)
{
	const struct fdb_sel *s = arg;

	(void)f;
	return !(e->flags & FDB_F_STATIC) &&
	    (s->port < 0 || e->port == s->port) &&
	    (s->vid < 0 || (int)(e->key >> 48) == s->vid);
}

uint32_t
fdb_flush(struct fdb *f, int port, int vid)
{
	struct fdb_sel s = { port, vid };

	return fdb_sweep(f, fdb_match_sel, &s);
}

/*
 * A static entry for mac on port: made, or taken over from what was
 * learned.  In a full table a learned entry makes room; -1 when every
 * entry is static.
 */
int
fdb_static_set(struct fdb *f, const uint8_t *mac, uint16_t vid,
    uint16_t port)
{
	uint64_t key = fdb_key(mac, vid);
	struct fdb_entry *e;
	uint32_t i;

	if (port >= f->nports || key == 0)
		return -1;
	if ((e = fdb_find(f, key)) == NULL) {
		if (f->count >= f->limit) {
			for (i = 0; i <= f->mask; i++)
				if (f->tab[i].key != 0 &&
				    !(f->tab[i].flags & FDB_F_STATIC))
					break;
			if (i > f->mask)
				return -1;
			fdb_remove(f, &f->tab[i]);
		}
		e = fdb_insert(f, &f->tab[fdb_slot(f, key, NULL)], key);
		e->port = port;
		f->portcount[port]++;
	} else if (e->port != port) {
		f->portcount[e->port]--;
		f->portcount[port]++;
		e->port = port;
	}
	e->flags |= FDB_F_STATIC;
	e->seen = 0;
	return 0;
}

void
fdb_static_clear(struct fdb *f, const uint8_t *mac, uint16_t vid)
{
	struct fdb_entry *e;

	if ((e = fdb_find(f, fdb_key(mac, vid))) != NULL &&
	    (e->flags & FDB_F_STATIC))
		fdb_remove(f, e);
}

/* The port of a static entry, or -1. */
int
fdb_static_port(const struct fdb *f, const uint8_t *mac, uint16_t vid)
{
	const struct fdb_entry *e;

	if ((e = fdb_find(f, fdb_key(mac, vid))) == NULL ||
	    !(e->flags & FDB_F_STATIC))
		return -1;
	return e->port;
}

uint32_t
fdb_count(const struct fdb *f)
{
	return f->count;
}

uint32_t
fdb_portcount(const struct fdb *f, uint16_t port)
{
	return port < f->nports ? f->portcount[port] : 0;
}

void
fdb_setaging(struct fdb *f, uint32_t aging)
{
	f->aging = aging;
}

/* A known key, for tests that must place entries the same way each run. */
void
fdb_setkey(struct fdb *f, const uint8_t key[FDB_HASHKEY_BYTES])
{
	assert(f->count == 0);	/* entries would be in the wrong slots */
	memcpy(f->hashkey, key, sizeof(f->hashkey));
}

/* How many slots a lookup of (mac, vid) looks at: 1 is the best case. */
uint32_t
fdb_probes(const struct fdb *f, const uint8_t *mac, uint16_t vid)
{
	uint32_t n;

	fdb_slot(f, fdb_key(mac, vid), &n);
	return n;
}

/*
 * A smaller limit than the current count keeps the static entries, then
 * the first learned ones found.  The hash key stays: it is the table's,
 * not the slot array's.
 */
int
fdb_setlimit(struct fdb *f, uint32_t limit)
{
	struct fdb_entry *old = f->tab, *e;
	uint32_t oldmask = f->mask, i;
	int pass;

	if (limit == 0 || limit > FDB_LIMIT_MAX)
		return -1;
	if ((f->tab = calloc(fdb_slots(limit), sizeof(*f->tab))) == NULL) {
		f->tab = old;
		return -1;
	}
	f->mask = fdb_slots(limit) - 1;
	f->limit = limit;
	f->count = 0;
	memset(f->portcount, 0, f->nports * sizeof(*f->portcount));
	for (pass = FDB_F_STATIC; pass >= 0; pass -= FDB_F_STATIC)
		for (i = 0; i <= oldmask; i++) {
			if (old[i].key == 0 || f->count >= limit ||
			    (old[i].flags & FDB_F_STATIC) != pass)
				continue;
			e = fdb_insert(f, &f->tab[fdb_slot(f, old[i].key,
			    NULL)], old[i].key);
			e->seen = old[i].seen;
			e->port = old[i].port;
			e->flags = old[i].flags;
			f->portcount[e->port]++;
		}
	free(old);
	return 0;
}

void
fdb_walk(const struct fdb *f, fdb_walk_cb cb, void *arg)
{
	uint32_t i;
	uint8_t mac[6];

	for (i = 0; i <= f->mask; i++) {
		const struct fdb_entry *e = &f->tab[i];
		int k;

		if (e->key == 0)
			continue;
		for (k = 0; k < 6; k++)
			mac[k] = (uint8_t)(e->key >> (40 - 8 * k));
		if (cb(arg, mac, (uint16_t)(e->key >> 48), e->port, e->seen))
			return;
	}
}
