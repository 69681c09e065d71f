/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Loads the BPF object for one backend, attaches it, and hands every event
 * the kernel emits to a callback. */
#ifndef GPUTRACE_BPF_LOADER_H
#define GPUTRACE_BPF_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gputrace/event.h"
#include "sys/bpf_features.h"

struct gt_bpf;

/* Called for each event; DATA is read-only ring buffer memory. */
typedef int (*gt_event_fn)(void *ctx, const void *data, size_t size);

/* Where dynamic ids are caught: pci_add_dynid() (vfio-pci ids=, and new_id
 * on most kernels) or, where it exists, its 3-argument worker
 * do_pci_add_dynid() that new_id calls directly (Debian's 6.1 and 6.12);
 * by the backend's own hook or by a kprobe pair inside the fentry backend
 * (pci_add_dynid has 8 arguments, x86 trampolines take 6 before 6.6). */
enum gt_dynid_hook {
	GT_DYNID_NATIVE = 0,	/* the backend's own hook */
	GT_DYNID_KPROBE,	/* kprobe pair, within the fentry backend */
	GT_DYNID_OFF,		/* not hooked: new_id writes are still recorded */
};

struct gt_dynid_plan {
	enum gt_dynid_hook how;
	bool worker;		/* do_pci_add_dynid rather than pci_add_dynid */
};

/* Opens, loads and attaches the programs of BACKEND. On failure returns NULL
 * with a one-line reason in ERR. */
struct gt_bpf *gt_bpf_start(enum gt_backend backend, struct gt_dynid_plan dynid,
			    gt_event_fn fn, void *ctx, size_t ringbuf_bytes,
			    char *err, size_t errlen);

/* The reset and power-state hooks of BACKEND (bpf/pm: fexit, or kprobe and
 * kretprobe pairs), loaded after B is attached and sharing its ring buffer;
 * each hook only if the kernel has its function. Returns 0, or -errno with
 * a reason in ERR: the recording goes on without them. */
int gt_bpf_pm_start(struct gt_bpf *b, enum gt_backend backend, char *err, size_t errlen);

/* The ring buffer's epoll fd, readable when events wait. */
int gt_bpf_fd(struct gt_bpf *b);

/* Waits up to TIMEOUT_MS for events, then as gt_bpf_drain(). */
int gt_bpf_poll(struct gt_bpf *b, int timeout_ms);

/* Hands every waiting event to the callback; returns how many, or -errno. */
int gt_bpf_drain(struct gt_bpf *b);

/* Sums the per-CPU kernel counters (enum gt_counter). */
void gt_bpf_counters(struct gt_bpf *b, uint64_t out[GT_CNT_MAX]);

/* The times the kernel did not run one of the programs when its hook hit
 * (recursion_misses: a program re-entered on a CPU, or one skipped while
 * another ran; counted for trampoline programs since 5.12, for raw
 * tracepoints and kprobes by later kernels): events lost without a
 * counter of ours seeing them. 0 where the kernel does not count. */
uint64_t gt_bpf_runs_missed(struct gt_bpf *b);

/* Names of the programs attached, for --dry-run and the trace header. */
int gt_bpf_programs(struct gt_bpf *b, char *buf, size_t size);

/* What BACKEND would attach, without loading anything (--dry-run). */
int gt_bpf_plan(enum gt_backend backend, struct gt_dynid_plan dynid, char *buf, size_t size);

void gt_bpf_stop(struct gt_bpf *b);

/* The cut of the kernel's BTF this boot's recorders use (core_btf.c) in
 * PATH. Returns 1 if it exists, 0 if not yet (the next start makes it),
 * -errno if there can be none (no boot id): PATH then names its folder. */
int gt_bpf_core_btf(char *path, size_t size);

/* libbpf messages: -1 none, 0 warnings, 1 info, 2 debug, through our printer
 * from now on (every loader). Returns the old level. */
int gt_bpf_set_verbose(int verbose);

/* The attribute names whose writes are recorded (sysfs_write.bpf.c). */
extern const char *const gt_watched_attrs[];

#endif
