/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* What every rule family of `check` shares: adding findings and skipped
 * rules to a struct audit, and the lookups on the host's devices. In a
 * file of its own so the families never call back into the runner
 * (audit.c). */
#ifndef GPUTRACE_AUDIT_AUDIT_FINDINGS_H
#define GPUTRACE_AUDIT_AUDIT_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "audit/audit.h"

/* Returns the finding added (NULL when out of memory), for audit_detail. */
struct audit_finding *audit_add(struct audit *a, enum severity sev, const char *rule,
				const char *file, int line, const char *text,
				const char *meaning, const char *hint);
/* Sets the certainty, and TRIGGER and VIA when not NULL. F may be NULL. */
void audit_detail(struct audit_finding *f, enum audit_certainty c, const char *trigger,
		  const char *via);
void audit_skip(struct audit *a, const char *rule, const char *why);

/* A directory of config files RULE reads that is there but could not be
 * read (sys/conffile.h conf_unlisted_fn): RULE is said to be unchecked
 * there, not passed as clean. CTX: a struct audit_dir_rule. */
struct audit_dir_rule {
	struct audit *a;
	const char *rule;
};
void audit_dir_unlisted(void *ctx, const char *dir, int err);

/* Host drivers whose blacklisting matters (GPU and HDMI audio drivers, and
 * whatever display devices in the tree are bound to now). */
bool audit_is_host_driver(const struct audit *a, const char *module);

/* "0000:0a:00.0 (10de:1b80)" for devices matching an ids= list
 * ("10de:1b80,10de:10f0"); "" when none. */
void audit_ids_matches(const struct audit *a, const char *ids, char *buf, size_t size);

/* A file read failure other than "absent" as a one-line error; returns ERR. */
int audit_read_error(const struct audit *a, const char *path, int err, char *buf, size_t size);

#endif /* GPUTRACE_AUDIT_AUDIT_FINDINGS_H */
