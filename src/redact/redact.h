/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Redaction for `gputrace bundle --redact`: one mapping for the whole bundle,
 * so the same host, user or argument gets the same stand-in in every file.
 *
 *   hostnames (full and short)          -> host-1, host-2 ...
 *   users with uid >= 1000              -> user-1 ... (their home -> /home/user-N,
 *                                          as any other directory under /home)
 *   argv values that do not matter      -> <arg-1>, <arg-2> ...
 *   addresses, UUIDs, keys, serials     -> <ip-N>, <uuid-N> ... (redact_patterns.h)
 *
 * Names are replaced as whole words, case-sensitively: a host name as a
 * whole host name (letters, digits and '-' make one, so "vm.lan" becomes
 * "host-1.lan" but "vm-111-disk-0", "kvm", "VM" and the option "--vm" stay
 * on a host named "vm"), a user name wherever letters and digits end
 * ("alice_old" becomes "user-1_old"), and /etc/pve stays /etc/pve on a host
 * named "pve".
 * An argument is kept when the analysis needs it: argv[0], option names,
 * numbers (also as --opt=N), paths (a script run through an interpreter is
 * the culprit), the values of QEMU's -id, -name and -pidfile, vfio-pci
 * -device values, sysfs paths, PCI addresses and ids, driver names, hook
 * phases and the verbs of qm, virsh and driverctl. Kept arguments go
 * through redact_text like argv[0]. The value of a --password, --token
 * (...) option is never kept.
 */
#ifndef GPUTRACE_REDACT_H
#define GPUTRACE_REDACT_H

#include <stdbool.h>
#include <stddef.h>

struct redact;

struct redact *redact_new(void);
void redact_free(struct redact *r);

/* Learns what to hide on the system under ROOT (NULL: live): its hostname
 * (kernel and /etc/hostname), users from /etc/passwd with uid >= 1000 and
 * their homes, and $HOME. Returns 0, or -1 when a name could not be learnt
 * (redact_failure() says why). */
int redact_learn_system(struct redact *r, const char *root);

void redact_add_host(struct redact *r, const char *name);
void redact_add_user(struct redact *r, const char *name, const char *home);
/* A word an argv may keep (a driver name seen in a trace). */
void redact_keep_word(struct redact *r, const char *word);

/* Why R lost a name it should hide, NULL while it lost none: memory ran
 * out, a name was too long to hold, a file naming them could not be read,
 * more than 4096 names. What it would redact next could hold a name in
 * clear, so every later redaction fails and nothing redacted with R may
 * be kept. */
const char *redact_failure(const struct redact *r);
/* Marks R failed for WHY (a name seen that cannot be learnt). */
void redact_fail(struct redact *r, const char *why);

/* The stand-in for host NAME ("host-1"), or NULL if NAME is not known. */
const char *redact_host_name(const struct redact *r, const char *name);

/* Every known name in IN (LEN bytes) replaced. Returns a malloc'd buffer
 * (NUL-terminated past *OUTLEN) or NULL when out of memory, or when a
 * name could not be kept, now or before (redact_failure()). */
char *redact_text(struct redact *r, const char *in, size_t len, size_t *outlen);

/* The same for a JSON document: only string values change, never keys, so
 * a hostname equal to a field name cannot break the schema. */
char *redact_json(struct redact *r, const char *in, size_t len, size_t *outlen);

/* The same for an HTML page: its text only, never its markup (tags, class
 * names) nor its style and script, so a hostname such as "vm" or "lane"
 * cannot break the page. The page puts no name of the trace in an
 * attribute (only drivers and PCI addresses, which stay anyway). */
char *redact_html(struct redact *r, const char *in, size_t len, size_t *outlen);

/* A NUL-separated argv (LEN bytes, trailing NUL optional): arguments that
 * do not matter become <arg-N>, the rest go through redact_text. The
 * result keeps the NUL separators. */
char *redact_argv(struct redact *r, const char *in, size_t len, size_t *outlen);

/* ---- traces (redact_trace.c) -------------------------------------------- */

/* First pass over trace PATH: learns its hostname (header) and the driver
 * names it saw (kept in argv). Returns 0 or -errno with ERR set. */
int redact_trace_learn(struct redact *r, const char *path, char *err, size_t errlen);

/* Writes a copy of trace IN to OUT (created 0600) with every string
 * redacted: kv values (process argv through redact_argv), and every
 * string field of every event kind (task and ancestor comms, units, exec
 * filenames and argv, written bytes and sysfs path components, a guard's
 * value, the names in driver, PM and guard events). Record order,
 * timestamps and numbers stay, and so do the kernel's names (BDFs,
 * drivers, attributes), which redaction leaves as they are.
 * Returns 0 or -errno with ERR set. */
int redact_trace_rewrite(struct redact *r, const char *in, const char *out,
			 char *err, size_t errlen);

#endif /* GPUTRACE_REDACT_H */
