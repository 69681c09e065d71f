/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The listening unix sockets of this network namespace with an abstract
 * name, and who made each: what `gputrace mark` looks for recorders in.
 * The kernel's socket diagnostics (sock_diag, as ss(8) uses) name each
 * socket's owner, a uid no user can forge (a socket is chown'ed only with
 * CAP_CHOWN), so other users' sockets are known without connecting to
 * them. Without sock_diag (a kernel built without unix_diag) the names come
 * from /proc/net/unix, with the owner unknown. */
#ifndef GPUTRACE_SYS_UNIX_LISTENERS_H
#define GPUTRACE_SYS_UNIX_LISTENERS_H

#include <stddef.h>
#include <sys/types.h>

#define UNIX_LISTENER_UID_UNKNOWN ((long)-1)

struct unix_listener {
	char name[108];		/* the abstract name after its leading NUL */
	long uid;		/* the socket's owner, or UNIX_LISTENER_UID_UNKNOWN */
};

/* Listening sockets of TYPE (SOCK_SEQPACKET, ...) whose abstract name
 * starts with PREFIX. Returns the count with *OUT to free() (NULL when
 * none), or -errno when neither source could be read. */
int unix_listeners(int type, const char *prefix, struct unix_listener **out);

/* One line of /proc/net/unix: 1 with L filled when it is a listener of
 * TYPE whose abstract name starts with PREFIX (owner unknown), else 0. */
int unix_listener_parse_line(const char *line, int type, const char *prefix,
			     struct unix_listener *l);

#endif
