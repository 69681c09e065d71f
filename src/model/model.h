/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What a trace says, understood: processes, sysfs writes, device driver
 * transitions, VMs and hook runs, built in one pass over the records of one
 * or more traces (model_load.c), VMs and hooks discovered after
 * (model_vms.c). The findings (src/findings) read only this.
 */
#ifndef GPUTRACE_MODEL_H
#define GPUTRACE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gputrace/event.h"
#include "sys/pci.h"
#include "sys/vmconf.h"
#include "util.h"

#define MODEL_DRV_LEN	GT_NAME_LEN

/* One process generation (pids are reused). A busy host's trace holds
 * hundreds of thousands: the strings live in the model's text store, each
 * as long as it is, rather than in fixed arrays here. */
struct m_proc {
	uint32_t pid, ppid, uid;
	char comm[GT_COMM_LEN];
	const char *unit;	/* never NULL; "" if none */
	const char *exe;	/* never NULL */
	const char *argv;	/* NUL-separated, argv_len bytes; never NULL */
	size_t argv_len;
	bool argv_cut;		/* longer than the kernel side keeps (GT_ARGS_MAX) */
	uint32_t boot;		/* index in the model's boots: pids are each boot's own */
	uint64_t start_ns;	/* exec time; 0: running before the trace */
	uint64_t exit_ns;	/* 0: not seen exiting */
	int exit_status;
	uint64_t rec_id;	/* exec record, 0 from a snapshot */
	long prev_image;	/* the same process before this exec (a script that
				 * exec'd its worker), index in procs; -1 none */
	long next_image;	/* the image it exec'd next; -1 none */
	long hook;		/* the hook run it is, index in hooks; -1 none */
};

/* A sysfs write; its path and value live in the model's text store (a
 * rebind storm is hundreds of thousands of writes). */
struct m_write {
	uint64_t ts_ns, end_ns;
	const char *path;		/* "/sys/bus/pci/drivers/vfio-pci/bind" */
	char attr[GT_NAME_LEN];
	const char *value;		/* as the kernel read it (sysfs_write_bytes()):
					 * raw bytes, escaped by whoever shows them */
	char bdf[PCI_BDF_LEN];		/* the function it is about, "" none:
					 * sysfs_write_device(), asked once here;
					 * compare this, never path or value */
	int64_t ret;
	const struct gt_task *task;	/* in the model's task store; never NULL */
	uint64_t rec_id;
};

/* A test phase (baseline, problem, recovery): from marks ("problem" or
 * "problem-start" opens it, "problem-end" or the next mark closes it), or,
 * with several traces and no marks, one per trace file. */
struct m_phase {
	char name[128];
	uint64_t start_ns, end_ns;
};

enum m_trans_kind { M_BIND, M_UNBIND, M_PROBE_FAIL, M_ADD, M_REMOVE };

/* A device's driver changing (or failing to), from a BPF event or a uevent. */
struct m_trans {
	uint64_t ts_ns;
	enum m_trans_kind kind;
	char bdf[PCI_BDF_LEN];
	char driver[MODEL_DRV_LEN];	/* bound to / unbound from / failed */
	int err;
	bool from_uevent;		/* no pid: task is inferred (or empty) */
	bool task_known;
	const struct gt_task *task;	/* the acting task (or inferred writer);
					 * never NULL: empty when unknown */
	long cause;			/* index of the sysfs write in flight, -1 */
	uint64_t rec_id;
};

/* A transition in the index by device (bdf, then time), with the latest
 * driver change (bind, unbind, remove), remove and add of its device up
 * to it: indices into trans, M_NO_TRANS for none. The driver a device had
 * at any moment is then a binary search, not a walk of every transition
 * (a finding per stub bind of many devices made that quadratic). */
#define M_NO_TRANS UINT32_MAX
struct m_dev_trans {
	const char *bdf;		/* its transition's */
	uint32_t trans, last_change, last_remove, last_add;
};

struct m_dynid {
	uint64_t ts_ns;
	uint64_t removed_ns;		/* remove_id seen, 0: never */
	bool via_new_id;		/* a write to new_id; else module load (ids=) */
	bool preexisting;		/* in the table before the trace: a new_id
					 * answered EEXIST (ids= at boot, an older
					 * new_id); ts_ns 1, task empty */
	char driver[MODEL_DRV_LEN];
	uint32_t vendor, device;
	int ret;
	const struct gt_task *task;	/* never NULL: empty for preexisting */
	uint64_t rec_id;
};

/* An exit of a process whose exec we never saw (a fork: a daemonized QEMU). */
struct m_exit {
	uint64_t ts_ns;
	uint32_t pid, ppid;
	uint32_t boot;			/* index in the model's boots */
	char comm[GT_COMM_LEN];
	int status;
};

/* A child left alive by its parent's exit, before it was reparented. */
struct m_orphan {
	uint64_t ts_ns;			/* the parent's exit */
	uint32_t pid, parent;
	uint32_t boot;			/* index in the model's boots */
};

struct m_mark {
	uint64_t ts_ns;
	char label[128];
	uint64_t rec_id;
};

/* A device as the recording found it: a trace's account, not the live
 * system's (sys/pci.h struct pci_dev_info, which record/snapshot.c writes
 * into the PCI records this is read back from, in model_load.c only). */
struct m_pci {			/* from the start snapshot */
	char bdf[PCI_BDF_LEN];
	uint32_t vendor, device;
	uint32_t class;			/* 0x030000: a display controller */
	char driver[MODEL_DRV_LEN];
	char override[MODEL_DRV_LEN];
	char name[128];
};

/* A kernel log line (KMSG record) or a journal entry (JOURNAL record):
 * what the kernel and the hooks said, beside what they did. */
enum m_log_source { M_LOG_KERNEL, M_LOG_JOURNAL };

struct m_log {
	uint64_t ts_ns;
	enum m_log_source source;
	int level;			/* syslog priority 0 (emerg) .. 7 (debug), -1 unknown */
	char bdf[PCI_BDF_LEN];	/* kernel: the PCI device it is about, "" */
	char why[8];			/* kernel: device aer iommu driver pci all; journal: pid unit */
	uint32_t pid;			/* journal: the process; 0 for the kernel */
	const char *comm;		/* journal: _COMM; never NULL */
	const char *unit;		/* journal: _SYSTEMD_UNIT; never NULL */
	const char *msg;		/* never NULL, msg_len bytes (may hold newlines) */
	size_t msg_len;
	uint64_t rec_id;
};

/* A device's state: the start and end PCI snapshots (cause "start",
 * "end") and the PCI_STATE records (cause "mark", "write reset", "bind",
 * "uevent remove", ...). Empty strings: attribute absent. Both records
 * carry the same keys (record/snapshot.c snapshot_pci_state_keys), read
 * back in one place (model_load.c). */
struct m_devstate {
	uint64_t ts_ns;
	char bdf[PCI_BDF_LEN];
	char cause[48];
	char label[128];		/* the mark's, for cause "mark" */
	bool missing;			/* the device was gone */
	char driver[MODEL_DRV_LEN], override[MODEL_DRV_LEN];
	char power_state[16], runtime_status[16], enable[8], d3cold_allowed[4];
	char reset_method[64], link_speed[32], link_width[8];
	uint64_t rec_id;
};

/* A PCI reset or power-state change the kernel made (record --pm-hooks:
 * the kernel functions, whoever called them, vfio-pci's own resets too). */
struct m_pm {
	uint64_t ts_ns;
	bool reset;			/* a reset; else a power-state change */
	int ret;			/* 0 or -errno */
	int state;			/* power: the state asked for (0 D0 .. 4 D3cold) */
	int now_state;			/* the device's state when the function returned */
	char bdf[PCI_BDF_LEN];
	char function[GT_NAME_LEN];	/* pci_reset_function, pci_set_power_state, ... */
	const struct gt_task *task;	/* never NULL */
	uint64_t rec_id;
};

struct m_vm {
	char id[VM_ID_LEN];		/* "111", "win10", or the qemu pid */
	enum vm_kind flavour;		/* sys/vms.h: the live-system view uses the same */
	uint32_t pid;			/* the QEMU process (its exec) */
	uint32_t daemon_pid;		/* -daemonize: the child the VM ran in (the
					 * pid its pidfile names), 0 none seen */
	uint32_t uid;			/* its user: root, or the daemon's QEMU user */
	const struct m_proc *proc;	/* its exec */
	uint64_t start_ns;		/* 0: running when the trace began */
	uint64_t stop_ns;		/* 0: still running at the end */
	int exit_status;
	bool stop_requested;		/* qm stop/shutdown or virsh seen before the stop */
	char devs[VM_DEVS_MAX][PCI_BDF_LEN];
	int n_devs;
	bool devs_cut;			/* it held more: those are not tied to it */
	uint64_t rec_id;
};

/* A root QEMU whose command line was cut (m_proc.argv_cut) with no config
 * of it in the trace to name its devices: those past the cut are not
 * known. VM: its id, "" when even that is not known (a plain QEMU whose
 * vfio-pci devices, if any, are all past the cut). */
struct m_argv_cut {
	const struct m_proc *proc;
	char vm[VM_ID_LEN];
};

struct m_hook {
	char vm[VM_ID_LEN];
	char phase[32];			/* post-stop, "stopped end", ... */
	char script[256];
	const struct m_proc *proc;
	uint64_t start_ns, end_ns;	/* end 0: not seen ending */
	int exit_status;
	bool user_rule;			/* matched --hook PATTERN */
};

/* One link of the chain of processes that started another, parent first:
 * who spawned it, as it was when it was spawned (at its exec), so a child
 * reparented to init after its parent exited still names that parent. */
struct m_spawn {
	uint32_t pid;
	char comm[GT_COMM_LEN];
	const struct m_proc *proc;	/* its exec, NULL if never seen */
	bool inferred;			/* a fork without exec: the parent is the
					 * latest run of the same program */
};

#define M_SPAWN_MAX 12

/* A write gputrace guard denied (or, in a dry run, would have): nothing
 * moved, but its writer is a culprit all the same. */
struct m_guard {
	uint64_t ts_ns;
	struct gt_guard_event ev;
	uint64_t rec_id;
};

struct model {
	/* from the header of the first trace */
	char hostname[65], kernel[65], backend[16];
	bool outcomes_from_uevents;	/* in any of the traces */
	bool trace_uevent_outcomes;	/* loading: in the trace being read */
	char other_hosts[256];		/* hosts of later traces that differ */
	/* the boots the traces come from, told apart by boot_id, in the order
	 * first read; a trace without one is taken for the last trace's boot */
	struct m_boot {
		char id[64];
		uint64_t first_ns, last_ns;	/* its traces' records span */
		size_t n_orphans;		/* exits naming children: a recorder
						 * that records them */
	} *boots;
	size_t n_boots, cap_boots;
	uint32_t boot;			/* loading: the boot of the trace being read */
	/* rotated recordings (record --max-size, SIGHUP): a file that goes on
	 * from the one before (same set, next set_seq) adds no devices,
	 * configs or phase of its own; its processes are the same ones */
	char set_id[64];		/* loading: the last header's set */
	unsigned long set_seq;
	bool continues;			/* loading: this file goes on from the last */
	int set_missing;		/* files of a set that were not given (a gap) */
	bool rolled;			/* loading: the last file ended with a roll */
	char rolled_next[128];		/* loading: the file it rolled to (END "next") */
	int next_not_given;		/* files that rolled to a next file not given */
	char next_missing[128];		/* the first such next file ("" unnamed) */
	unsigned long next_missing_seq;	/* its set_seq */
	int64_t shift;			/* loading: this trace's wall - monotonic;
					 * every time below is wall clock (ns) */
	bool truncated;			/* a chunk cut off, or no END record */
	bool cut_short, cut_by_damage;	/* why: a file ends early, or was read up
					 * to a damaged chunk only */
	unsigned int newer_minor;	/* a file of a newer minor format (what it adds
					 * is not read), 0 none */
	bool headless;			/* a file without its header record: cut or altered */
	bool oom;			/* a record could not be kept: loading fails */
	uint64_t lost;			/* events and records lost, every file's */
	uint64_t runs_missed;		/* of lost: runs of the recorder's programs the
					 * kernel skipped (recursion_misses: another
					 * BPF program ran on that CPU), each an event
					 * or a write nobody needed */
	uint64_t lost_kmsg;		/* kernel log lines overwritten before read */
	uint64_t lost_first_ns;		/* the earliest a loss may have begun */
	/* uevent outcomes whose cause was not searched past the bound on
	 * writes looked at (a storm of sysfs writes): how many, the first */
	uint64_t causes_unsearched, causes_unsearched_first_ns;
	/* When losses happened: from the counters record before each rise (or
	 * its file's start) to the one that showed it. A finding near one is
	 * uncertain. */
	struct m_lost_window { uint64_t from_ns, to_ns; } *lost_windows;
	size_t n_lost_windows, cap_lost_windows;
	/* loading: a recording's counters (kernel side, recorder) go on
	 * through its rotated files and start again with each recording;
	 * records_lost starts again in each file */
	uint64_t lost_before;		/* of the recordings and files read before */
	uint64_t lost_recording;	/* this recording's counters, the most seen */
	uint64_t lost_records;		/* this file's records_lost, the most seen */
	uint64_t missed_before, missed_recording;	/* the same for runs_missed */
	uint64_t counters_prev_ns;	/* this file's previous counters, or its start */
	uint64_t first_ns, last_ns;

	struct m_proc *procs; size_t n_procs, cap_procs;
	struct m_write *writes; size_t n_writes, cap_writes;
	struct m_trans *trans; size_t n_trans, cap_trans;
	struct m_dev_trans *trans_by_dev;	/* n_trans of them, once loaded */
	struct m_dynid *dynids; size_t n_dynids, cap_dynids;
	/* loading: the dynids by driver and ids, chained in a hash table (a
	 * new_id or remove_id looks at the entries of its ids, not at every
	 * entry: 40k distinct ids took 2.4 s) */
	uint32_t *dynid_buckets, *dynid_next;	/* indices + 1, 0: end */
	size_t n_dynid_buckets;
	struct m_mark *marks; size_t n_marks, cap_marks;
	struct m_exit *exits; size_t n_exits, cap_exits;
	struct m_orphan *orphans; size_t n_orphans, cap_orphans;
	/* Exits that left more children than they name: a child past
	 * the named ones is tied to its parent later only by inference */
	struct m_crowded_exit {
		uint64_t ts_ns, rec_id;
		uint32_t pid;
		uint32_t boot;		/* index in the model's boots */
		char comm[GT_COMM_LEN];
		char unit[GT_UNIT_LEN];	/* its cgroup: a forked child keeps it */
		unsigned named, children;
		bool at_least;		/* the kernel's count stopped at its bound */
	} *crowded_exits;
	size_t n_crowded_exits, cap_crowded_exits;
	struct m_phase *phases; size_t n_phases, cap_phases;
	struct m_pci *pci; size_t n_pci, cap_pci;
	struct m_vm *vms; size_t n_vms, cap_vms;
	struct m_argv_cut *argv_cuts; size_t n_argv_cuts, cap_argv_cuts;
	struct m_hook *hooks; size_t n_hooks, cap_hooks;
	/* VM configs from the snapshot, read by sys/vmconf.c (the live view's
	 * reader too): Proxmox "111" -> hostpci devices and hookscript;
	 * libvirt "win10" -> PCI hostdevs of its domain XML */
	struct m_conf {
		char vmid[VM_ID_LEN];
		bool libvirt;
		const char *text;	/* the file, in the text store */
		size_t text_len;
		struct vmconf conf;
	} *confs;
	size_t n_confs, cap_confs;
	const char *pve_mapping;	/* /etc/pve/mapping/pci.cfg, NULL if none */
	struct text_store text;		/* the strings procs point into */
	/* The acting tasks of writes, transitions, dynamic ids and pm events,
	 * a run of identical ones stored once (a storm's events are one
	 * thread's: 260 bytes each, twice the rest of a write) */
	struct m_task_block *task_blocks;
	const struct gt_task *last_task;
	size_t *proc_by_pid;		/* procs indices sorted by pid, then start */
	size_t *proc_by_comm;		/* ... by comm, then start */
	size_t *orphan_by_pid;		/* orphans indices by pid, then time */
	size_t *exit_by_pid;		/* exits indices by pid, then time */
	struct m_pid_slot {		/* loading: (boot, pid) -> its newest procs index + 1 */
		uint32_t pid;
		uint32_t boot;
		uint32_t idx1;
	} *latest;
	size_t n_latest, cap_latest;
	bool all_users;			/* VMs and hooks of any user, not only root's */
	char read_error[256];		/* a trace that could not be read whole (a finding) */
	/* Each file read, by who started it (boot, start clocks, recording and
	 * place in it): a file given twice, or a copy of it, is read once. */
	struct m_file {
		char started[192];
		char path[128];
	} *files;
	size_t n_files, cap_files;
	char repeated[300];		/* "B repeats A": the first file read once */
	int n_repeated;
	/* trace format 1.1: kernel log and journal, device states; by time */
	struct m_log *logs; size_t n_logs, cap_logs;
	struct m_devstate *states; size_t n_states, cap_states;
	struct m_guard *guards; size_t n_guards, cap_guards;	/* gputrace guard's trace */
	struct m_pm *pms; size_t n_pms, cap_pms;		/* resets, power states; by time */
};

/* Loads TRACES into M (zeroed by the caller). Returns 0, or -errno with a
 * one-line reason in ERR (a trace that could not be read). */
int model_load(struct model *m, const char *const *traces, int n, const char *hook_pattern,
	       char *err, size_t errlen);
void model_free(struct model *m);

/* Where PID's generations begin in M->proc_by_pid (by pid, then start):
 * the first index whose process has a pid not below PID. */
size_t model_first_of_pid(const struct model *m, uint32_t pid);

/* The process generation PID had at TS (NULL if unknown), in the boot
 * running at TS (model_boot_at). */
const struct m_proc *model_proc_at(const struct model *m, uint32_t pid, uint64_t ts);

/* The same within BOOT (an index in m->boots), when the boot is known: a
 * process's parent is of its boot, whatever TS says. */
const struct m_proc *model_proc_in_boot(const struct model *m, uint32_t boot, uint32_t pid, uint64_t ts);

/* The boot whose traces' span holds TS, when exactly one boot's does:
 * pids at TS are that boot's. -1 when the traces come from one boot, or
 * none or several hold TS (traces of two hosts at once): then any boot's. */
long model_boot_at(const struct model *m, uint64_t ts);

/* The last record's time of P's boot when the traces come from several
 * (a VM's story ends with its boot: what a later boot does is another
 * story), else of all the traces. */
uint64_t model_last_ns_of(const struct model *m, const struct m_proc *p);

/* The chain of processes that started TASK (as seen at TS), parent first,
 * into OUT (at most M_SPAWN_MAX); returns its length. The living part comes
 * from TASK's ancestry at TS, the rest from the exec records (model_procs.c). */
int model_spawn_chain(const struct model *m, const struct gt_task *task, uint64_t ts,
		      struct m_spawn *out);

/* The hook run P is (P, or an image P exec'd from, is a hook's process), or NULL. */
const struct m_hook *model_hook_of_proc(const struct model *m, const struct m_proc *p);

/* The last image of P's process (what it exec'd into, and so on). */
const struct m_proc *model_last_image(const struct model *m, const struct m_proc *p);

/* argv as one line (spaces), into BUF. */
void model_argv_line(const struct m_proc *p, char *buf, size_t size);

/* The driver BDF was on just before TS ("" unbound, NULL unknown). */
const char *model_driver_before(const struct model *m, const char *bdf, uint64_t ts);

/* BDF's transitions at or after FROM_TS, in time order: *N entries of the
 * index, each naming one in M->trans; NULL when none. A lookup by device
 * and time instead of a walk of every transition (a walk per VM run, and
 * per run again for the next taker, took 67 s for 2,000 runs). */
const struct m_dev_trans *model_dev_trans(const struct model *m, const char *bdf, uint64_t from_ts,
					  size_t *n);

/* Writes looked at for a driver change's cause: bounds a pathological
 * trace (a storm of sysfs writes); a cause not found within them is
 * counted (causes_unsearched). */
#define MODEL_CAUSE_SCAN_MAX	4096

/* The index of the first element of ARR (N of them, sorted by ts_ns, as
 * the model's writes, transitions, log lines, PM calls and states are once
 * loaded) at or after TS: where the walk of a time window starts. */
#define model_first_at(arr, n, ts) \
	array_lower_bound_u64((arr), (n), sizeof(*(arr)), offsetof(__typeof__(*(arr)), ts_ns), (ts))

/* The latest transition of KIND (M_REMOVE or M_ADD) of BDF before TS, or NULL. */
const struct m_trans *model_last_trans(const struct model *m, const char *bdf, uint64_t ts,
				       enum m_trans_kind kind);

/* Does the trace mention device BDF anywhere (snapshot, transition, VM, write)? */
bool model_knows_device(const struct model *m, const char *bdf);

/* P, a slot just taken in one of M's arrays; a NULL one sets M->oom. */
static inline void *model_kept(struct model *m, void *p)
{
	if (!p)
		m->oom = true;
	return p;
}

/* Sorts the process index model_proc_at uses (after loading); 0 or -ENOMEM. */
int model_index_procs(struct model *m);

/* VM and hook discovery after loading (model_vms.c). */
void model_find_vms(struct model *m);
void model_find_hooks(struct model *m, const char *hook_pattern);

/* Hooks that run after a VM stopped: those that give devices back. */
static inline bool hook_is_after_stop(const struct m_hook *h)
{
	return !__builtin_strcmp(h->phase, "post-stop") || !__builtin_strncmp(h->phase, "stopped", 7) ||
	       !__builtin_strncmp(h->phase, "release", 7) || !__builtin_strcmp(h->phase, "unit") ||
	       h->user_rule;
}

/* A hook run for VM ID: named after it, or a user rule that names none. */
static inline bool hook_for_vm(const struct m_hook *h, const char *id)
{
	return !h->vm[0] || !__builtin_strcmp(h->vm, id);
}

#endif
