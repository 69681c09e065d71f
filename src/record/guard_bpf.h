/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Loads gputrace guard's BPF object (bpf/guard), fills its maps, and hands
 * its events to a callback. */
#ifndef GPUTRACE_GUARD_BPF_H
#define GPUTRACE_GUARD_BPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record/bpf_loader.h"

struct guard_bpf;

/* ENFORCE: the lsm program (denies); else fentry on
 * security_file_permission (sees only). NULL with a reason in ERR. */
struct guard_bpf *guard_bpf_start(bool enforce, gt_event_fn fn, void *ctx,
				  char *err, size_t errlen);

/* A protected function: added disarmed, then armed while on HOST. */
int guard_bpf_add_dev(struct guard_bpf *g, const char *bdf, const char *host,
		      uint32_t vendor, uint32_t device);
int guard_bpf_arm(struct guard_bpf *g, const char *bdf, bool armed);

/* Start detection: an exec with comm COMM whose argv holds the words of
 * PATTERN ("start 111"); PARENT: the window is its parent's. */
int guard_bpf_add_start(struct guard_bpf *g, const char *comm, const char *pattern, bool parent);

/* A start by a process that renamed itself "task UPID:...", whose argv
 * holds TEXT (":qmstart:111:"): Proxmox's GUI, API and HA workers. */
int guard_bpf_add_task_start(struct guard_bpf *g, const char *text);

/* An --allow executable (its file's device and inode). */
int guard_bpf_allow_exe(struct guard_bpf *g, const char *path);

/* Windows (opened by the BPF side at a VM's start): cleared when the guard
 * re-arms. */
void guard_bpf_clear_windows(struct guard_bpf *g);

int guard_bpf_poll(struct guard_bpf *g, int timeout_ms);
uint64_t guard_bpf_lost(struct guard_bpf *g);
void guard_bpf_stop(struct guard_bpf *g);

#endif
