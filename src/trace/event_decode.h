/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Decoding kernel events (include/gputrace/event.h) as stored in a trace. */
#ifndef GPUTRACE_TRACE_EVENT_DECODE_H
#define GPUTRACE_TRACE_EVENT_DECODE_H

#include <stdbool.h>
#include <stddef.h>

#include "gputrace/event.h"

/* Copies a stored event into OUT, zero-filling what an older recorder did
 * not write (structs only grow at the end): the struct of its kind, not
 * the rest of the union. Returns the kind, or -1 if the payload is too
 * short to be an event. Unknown kinds are returned too (the whole union
 * zero-filled). */
int event_decode(const void *data, size_t len, union gt_event_any *out);

/* The bytes of KIND's struct in this version (0 for a kind it does not
 * know): what a decoded event holds, whatever the record's length. */
size_t event_kind_size(int kind);

const char *event_kind_name(int kind);

/* The children an exit left without naming them (past GT_ORPHANS_MAX);
 * *AT_LEAST says the count stopped at the walk's bound. 0 for traces from
 * before format 1.2, which did not count them. */
unsigned exit_unnamed_children(const struct gt_exit_event *e, bool *at_least);

/* "/sys/bus/pci/drivers/vfio-pci/bind" from the leaf-first components. */
void sysfs_write_path(const struct gt_sysfs_write *w, char *buf, size_t size);

/* The attribute name (leaf component). */
const char *sysfs_write_attr(const struct gt_sysfs_write *w);

/* The PCI function a sysfs write is about, its sysfs name into BDF (""
 * when none). The path component nearest the leaf that names a function
 * (".../0000:00:01.0/0000:0a:00.0/driver_override" is 0a:00.0's, not its
 * bridge's); else, for the attributes that take a function's name (bind,
 * unbind, drivers_probe), the name written, as the kernel compares it.
 * Other writes name none: new_id and remove_id carry vendor and device
 * ids, a bus's rescan no function. Every reader of writes asks this; it
 * builds no string (the recorder asks for every write of a burst).
 * Returns whether a function was found. */
bool sysfs_write_device(const struct gt_sysfs_write *w, char *bdf, size_t size);

/* Written bytes as text: trailing newline dropped, control bytes escaped. */
void sysfs_write_value(const struct gt_sysfs_write *w, char *buf, size_t size);

/* The written value as a store method reads it, unescaped: a C string, so
 * up to the first NUL, less the newline "echo" adds (a lone newline stays:
 * it is how driver_override is cleared). *VAL points into W; returns the
 * length. Escaping is left to whatever shows it. */
size_t sysfs_write_bytes(const struct gt_sysfs_write *w, const char **val);

/* A GT_EV_GUARD action's name: "driver_override", "unbind", "vm_start". */
const char *guard_action_name(int action);

/* What a guard event's writer tried, one phrase: `driver_override="vfio-pci"
 * on 0000:0a:00.0`, `unbind "0000:0a:00.0" from nouveau`.
 * Control bytes of the value are shown as '?'. */
void guard_event_what(const struct gt_guard_event *g, char *buf, size_t size);

/* "D0", "D3hot", "D3cold" for a pci_power_t value; "unknown" else. */
const char *pci_power_name(int state);

/* "exited 0", "killed by SIGKILL" from a wait(2) status. */
void exit_status_str(int status, char *buf, size_t size);

#endif
