/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What a script or a command line does to PCI driver binding, read
 * statically: each line that writes driver_override, bind, unbind, new_id,
 * drivers_probe, remove or rescan, or runs driverctl, virsh nodedev-*,
 * modprobe vfio-pci, or starts something in the background. Shell, Perl and
 * Python hooks are all read line by line: the sysfs file names and the
 * commands are what give a binding away, whatever the language. Sourced
 * files (". FILE", "source FILE") and scripts called by absolute path are
 * followed one level. The addresses a script names are kept too.
 */
#ifndef GPUTRACE_AUDIT_SCRIPT_SCAN_H
#define GPUTRACE_AUDIT_SCRIPT_SCAN_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "sys/pci.h"

enum script_act {
	ACT_OVERRIDE_SET,	/* a driver name (or an unknown value) to driver_override */
	ACT_OVERRIDE_CLEAR,	/* "" / "\n" to driver_override, driverctl unset-override */
	ACT_BIND_HOST,		/* drivers/<not vfio-pci, pci-stub>/bind */
	ACT_BIND_VFIO,		/* drivers/vfio-pci/bind (or pci-stub) */
	ACT_UNBIND,
	ACT_PROBE,		/* /sys/bus/pci/drivers_probe */
	ACT_NEW_ID,
	ACT_REMOVE,		/* devices/BDF/remove */
	ACT_RESCAN,
	ACT_DRIVERCTL,		/* driverctl set-override */
	ACT_DETACH,		/* virsh nodedev-detach */
	ACT_REATTACH,		/* virsh nodedev-reattach */
	ACT_MODPROBE_VFIO,
	ACT_BACKGROUND,		/* &, nohup, setsid, systemd-run, disown */
	ACT_COUNT,
};

struct script_hit {
	enum script_act act;
	char *file;		/* host path, "" for an inline command */
	int line;
	char *text;
	char *func;		/* the shell function it is in, NULL at top level */
};

/* A line read, kept to tell whether a shell function is ever called. */
struct script_line {
	char *text;
	char *func;		/* the function it is in (or defines), NULL */
};

/* A PCI address a script names ("0000:0a:00.1", "0a:00.1",
 * "pci_0000_0a_00_1"), normalised. */
struct script_addr {
	char bdf[PCI_BDF_LEN];
	char *file;
	int line;
	char *text;		/* the line that first names it */
};

struct script_scan {
	struct script_hit *hits;
	size_t n, cap_hits;
	struct script_addr *addrs;
	size_t naddrs, cap_addrs;
	struct script_line *lines;
	size_t nlines, cap_lines;
	unsigned int seen;	/* bit per enum script_act */
	int followed;		/* files read so far */
	/* What was not read, "" when all was: a script past SCRIPT_MAX, more
	 * files than FOLLOW_MAX, one that cannot be read. The first such. */
	char cut[PATH_MAX + 96];
};

/* Scans host file PATH under ROOT and one level of what it sources or
 * calls. A missing, non-regular or binary file adds nothing. What a shell
 * function does counts only if something read calls it: a hook that
 * sources a library runs the library's top level and the functions it
 * calls, not every function the library has. Returns 0 or -ENOMEM. */
int script_scan_file(const char *root, const char *path, struct script_scan *s);

/* Scans one command line (a unit's ExecStart= value, a udev RUN) as if it
 * were a line of FILE at LINE, following the script it runs. */
int script_scan_command(const char *root, const char *file, int line, const char *cmd,
			struct script_scan *s);

void script_scan_free(struct script_scan *s);

/* True if S has a hit of ACT; the first such hit (or NULL). */
bool script_has(const struct script_scan *s, enum script_act act);
const struct script_hit *script_first(const struct script_scan *s, enum script_act act);

/* "writes driver_override", "binds a host driver", ... */
const char *script_act_name(enum script_act act);

/* Acts that change which driver a device has. */
bool script_act_binds(enum script_act act);

#endif /* GPUTRACE_AUDIT_SCRIPT_SCAN_H */
