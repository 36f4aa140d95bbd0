/* SPDX-License-Identifier: ISC */
#include <sys/types.h>

#include <cap-ng.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "number.h"
#include "priv.h"
#include "util.h"

#define PRIV_USER	"switchd"
#define PRIV_NOBODY	"nobody"
#define PRIV_NOBODY_UID	65534	/* the kernel's overflow uid */

/*
 * The user to run as (default: the dedicated user "switchd"), and the
 * group that owns the sockets: -g GROUP, or else the user's own group.
 * The daemon runs with that group as its only one, so it can reach the
 * clients' sockets, which libvdeplug opens to the switch socket's group.
 */
/* A group by name, or by number even when /etc/group has no name for it. */
int
priv_group(const char *name, gid_t *gid)
{
	struct group *gr;
	unsigned long id;

	if ((gr = getgrnam(name)) != NULL)
		*gid = gr->gr_gid;
	else if (number_parse(name, 0, (gid_t)-2, &id) == 0)
		*gid = (gid_t)id;
	else
		return -1;
	return 0;
}

/*
 * nobody is the user of every service that has none of its own: the
 * management socket and the socket directory would be theirs too, and
 * any of their processes could manage the switch or take its clients'
 * ports.
 */
static int
priv_nobody(uid_t uid)
{
	struct passwd *pw;

	if (uid == PRIV_NOBODY_UID)
		return 1;
	return (pw = getpwnam(PRIV_NOBODY)) != NULL && pw->pw_uid == uid;
}

int
priv_lookup(const char *user, const char *group, uid_t *uid, gid_t *gid,
    gid_t *sockgid, char *err, size_t len)
{
	struct passwd *pw;
	unsigned long id;

	if ((pw = getpwnam(user != NULL ? user : PRIV_USER)) != NULL) {
		*uid = pw->pw_uid;
		*gid = pw->pw_gid;
	} else if (user != NULL && number_parse(user, 0, (uid_t)-2, &id) == 0) {
		*uid = (uid_t)id;
		*gid = (gid_t)id;
	} else if (user != NULL)
		return util_err(err, len, "user %s: no such user", user);
	else
		return util_err(err, len, "no user \"%s\" to run the switch as "
		    "once it has given up root: create it with \"useradd "
		    "--system --no-create-home --shell /usr/sbin/nologin %s\", "
		    "or name another with -u", PRIV_USER, PRIV_USER);
	if (user == NULL)
		user = PRIV_USER;
	if (*uid == 0)
		return util_err(err, len, "user %s: the switch gives up root; "
		    "name another user with -u", user);
	if (priv_nobody(*uid))
		return util_err(err, len, "user %s: refusing to run as nobody, "
		    "whose every process could then manage the switch; give "
		    "the switch a user of its own: \"useradd --system "
		    "--no-create-home --shell /usr/sbin/nologin %s\"", user,
		    PRIV_USER);
	*sockgid = (gid_t)-1;
	if (group != NULL) {
		if (priv_group(group, sockgid) == -1)
			return util_err(err, len, "group %s: no such group",
			    group);
		*gid = *sockgid;
	}
	return 0;
}

/*
 * From root to uid/gid with no supplementary group and every capability
 * set empty, bounding and ambient included.  Any failure is fatal: a
 * switch that meant to drop and could not must not run.
 */
void
priv_drop(uid_t uid, gid_t gid)
{
	if (geteuid() != 0) {
		/* Not root, but maybe given capabilities: none is needed. */
		capng_clear(CAPNG_SELECT_BOTH);
		if (capng_apply(CAPNG_SELECT_BOTH) != 0)
			fatalx("cannot clear capabilities");
		return;
	}
	capng_clear(CAPNG_SELECT_ALL);
	if (capng_change_id((int)uid, (int)gid,
	    CAPNG_DROP_SUPP_GRP | CAPNG_CLEAR_BOUNDING |
	    CAPNG_CLEAR_AMBIENT) != 0)
		fatalx("cannot drop privileges to uid %ld gid %ld",
		    (long)uid, (long)gid);
	if (capng_have_capabilities(CAPNG_SELECT_CAPS) != CAPNG_NONE)
		fatalx("capabilities left after dropping privileges");
	if (getuid() == 0 || geteuid() == 0 || setuid(0) != -1)
		fatalx("still root after dropping privileges");
}
