/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * systemd units of a tree (ROOT as in rootfs.h): where a unit's file is
 * (the first unit directory with an entry of that name wins; a link to
 * /dev/null masks it; an instance "x@i.service" falls back to its template
 * "x@.service"), the commands of a service (Exec*= of the file and of its
 * NAME.d/ *.conf drop-ins, "ExecStart=" resetting the list), and what starts
 * a unit without anyone asking: *.wants/ and *.requires/ links, enabled
 * timers and path units, udev rules (ENV{SYSTEMD_WANTS}, RUN+="systemctl
 * start ...").
 */
#ifndef GPUTRACE_SYS_SD_UNITS_H
#define GPUTRACE_SYS_SD_UNITS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "sys/conffile.h"

#define SD_UNIT_DIRS		5
#define SD_UNIT_NAME_MAX	256

/* systemd's search path for system units, highest priority first. */
extern const char *const sd_unit_dirs[SD_UNIT_DIRS];

struct sd_exec {
	const char *key;	/* "ExecStart" ... (static) */
	char *file;		/* the unit file or drop-in, host path */
	int line;
	char *cmd;		/* the command, prefixes (-@:+!) removed */
};

struct sd_service {
	char name[SD_UNIT_NAME_MAX];
	char path[PATH_MAX];
	struct sd_exec *exec;	/* every command line, in order */
	size_t n, cap;
	bool exec_cut;		/* one could not be kept (out of memory) */
};

/* True with PATH set when unit NAME has a readable, non-empty file. */
bool sd_unit_path(const char *root, const char *name, char *path, size_t size);

/* "foo@bar.service" -> "foo@.service"; other names unchanged. */
void sd_template_of(const char *name, char *tmpl, size_t size);

/* The value of the last "KEY=" of [SECTION] in F, or NULL. */
const char *sd_unit_value(const struct conf_file *f, const char *section, const char *key);

/* Every *.service file name of the unit directories, once, sorted within
 * each directory; UNLISTED (may be NULL) told of a directory there but
 * unreadable. Returns 0 with *NAMES (sd_names_free) and *N, or -ENOMEM. */
int sd_service_names(const char *root, char ***names, size_t *n, conf_unlisted_fn unlisted,
		     void *ctx);
void sd_names_free(char **names, size_t n);

/* Reads service NAME's commands. Returns 0 (free with sd_service_free) or
 * -ENOENT when it has no file or is masked. */
int sd_service_read(const char *root, const char *name, struct sd_service *sv);
void sd_service_free(struct sd_service *sv);

struct sd_triggers;

/* What starts which unit in the tree; UNLISTED (may be NULL) told of a
 * unit or *.wants directory there but unreadable. Returns 0 with *OUT, or
 * -ENOMEM. */
int sd_triggers_collect(const char *root, struct sd_triggers **out, conf_unlisted_fn unlisted,
			void *ctx);

/* "wanted by multi-user.target (...)", "timer x.timer OnBootSec=30s",
 * "udev rule FILE:LINE", "; "-joined, for unit NAME (for a template, each
 * instance's, prefixed with the instance); "" when nothing starts it. */
void sd_triggers_of(const struct sd_triggers *t, const char *name, char *buf, size_t size);
void sd_triggers_free(struct sd_triggers *t);

#endif /* GPUTRACE_SYS_SD_UNITS_H */
