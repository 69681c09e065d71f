/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Values redaction hides by their shape, wherever they are (config files,
 * argv, the kernel command line, mark labels, bytes written to sysfs):
 *
 *   IPv4 (with a /prefix) and IPv6 addresses      -> <ip-N>
 *   MAC addresses                                 -> <mac-N>
 *   UUIDs (root=UUID=, boot_id, smbios, vmgenid)  -> <uuid-N>
 *   SSH public key blobs, URL-encoded too         -> <key-N>
 *   the values of ip=, root=, nfsroot=, resume=, cryptdevice= (kernel
 *   command line), serial=, asset=, <serial>, libvirt's sysinfo entries
 *   serial and asset, cipassword:, password=, the disk name after
 *   /dev/disk/by-id/ (model and serial, or WWN)   -> <secret-N>
 *
 * PCI addresses (0000:0a:00.0, 0a:00.0) and id pairs (10de:1b80) are never
 * one of these: a BDF has neither "::" nor eight groups, and dotted
 * numbers only make an IPv4 address in fours (also right after a colon:
 * "inet addr:10.0.0.5"). Any of these may follow a label's colon
 * ("hwaddr:", "uuid:"), none but an IPv4 address another colon.
 */
#ifndef GPUTRACE_REDACT_PATTERNS_H
#define GPUTRACE_REDACT_PATTERNS_H

#include <stddef.h>

struct redact_match {
	const char *kind;	/* "ip", "mac", "uuid", "key", "secret" */
	size_t keep;		/* bytes at the start that stay ("ip=") */
	size_t len;		/* bytes matched, KEEP included */
};

/* Whether a value to hide starts at IN+I (LEN bytes in all). */
int redact_pattern_at(const char *in, size_t len, size_t i, struct redact_match *m);

#endif
