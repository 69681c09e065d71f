// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * gputrace guard: while a VM's functions are back on their host drivers,
 * deny the writes that would take them off again, and name who tried
 * (bpf/guard/guard.bpf.c does the denying; docs/design.md, "Guard").
 *
 * Each function goes through three states, polled every 100 ms:
 *   waiting  not on a host driver (the VM runs, or it is unbound): nothing
 *            is denied for it;
 *   armed    on its host driver: writes that would move it are denied and
 *            driver_override is pinned to the host driver, so that a
 *            kernel-initiated reprobe (a stale dynamic id, a rescan) can
 *            only land there;
 *   starting the VM's start was seen (an exec the BPF side matched): the
 *            pin is off and the start's writes pass; armed again once the
 *            function came back to its host driver (the VM stopped), or at
 *            once if the start ended without moving it.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <glob.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/cmd_opts.h"
#include "gputrace/guard.h"
#include "gputrace/trace_format.h"
#include "record/disk_watch.h"
#include "record/guard_bpf.h"
#include "render/json_writer.h"
#include "render/record_render.h"
#include "status/status.h"
#include "sys/kernel.h"
#include "sys/pci.h"
#include "text_escape.h"
#include "sys/procs.h"
#include "sys/sysfs.h"
#include "sys/vmconf.h"
#include "sys/vms.h"
#include "trace/trace.h"
#include "util.h"

#define GUARD_DEVS_MAX	32
#define GUARD_ALLOW_MAX	16
#define TICK_MS		100
#define COUNTERS_INTERVAL_NS	(5 * 1000000000ull)	/* as record's */

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

enum dev_state { DEV_WAITING, DEV_ARMED, DEV_STARTING };

struct guarded {
	char bdf[PCI_BDF_LEN];
	uint32_t vendor, device;
	char host[GT_NAME_LEN];		/* its host driver, once seen */
	char saved_override[64];	/* before the pin; "" none */
	bool pinned;
	bool left_host;			/* since the start window opened */
	enum dev_state state;
};

struct guard {
	struct guarded devs[GUARD_DEVS_MAX];
	size_t ndevs;
	const char *allow[GUARD_ALLOW_MAX];
	size_t nallow;
	const char *vm;
	const char *out;
	bool dry_run, json, pretty, force;
	int verbose;			/* libbpf messages: -v info, -vv debug */
	pid_t window_pid;		/* the start's process, 0 if none */
	struct guard_bpf *bpf;
	struct trace_writer *w;
	struct disk_watch disk;		/* -o: a failing disk said while it lasts */
	uint64_t denials;
	uint32_t argv_pid;		/* whose argv the trace has last */
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: gputrace guard (--vm ID | --device BDF...) [--allow EXE]... [--dry-run]\n"
		"                      [-o TRACE [-f]] [-j|-p] [-v]\n"
		"\n"
		"While the functions are on their host drivers, denies (EPERM) the sysfs writes\n"
		"that would take them off: driver_override set to another driver, remove,\n"
		"unbind from the host driver, bind or new_id to another driver. Pins\n"
		"driver_override to the host driver meanwhile (restored at the end and when\n"
		"the VM starts). The VM's own start passes: `qm start ID` or a Proxmox GUI,\n"
		"API or HA worker (\"task UPID:...:qmstart:ID:...\"), or the libvirt daemon\n"
		"once its hook ran `ID prepare begin`, with all they start.\n"
		"Each denial is a line on stdout (and an event in TRACE). Needs the bpf LSM\n"
		"(lsm=...,bpf); --dry-run only logs, and also works without it.\n"
		"\n"
		"Options:\n"
		"      --vm ID         the devices of Proxmox VM ID or libvirt domain ID (its\n"
		"                      config), else of a running QEMU with that id\n"
		"      --device BDF    a function (0000:0a:00.0) or a slot (0a:00: all functions)\n"
		"      --allow EXE     writes by this executable pass (repeatable)\n"
		"      --dry-run       deny nothing, pin nothing: log what would be denied\n"
		"  -o, --output TRACE  also write the denials into TRACE (gputrace dump/report)\n"
		"  -f, --force         overwrite TRACE if it exists\n"
		"  -j, --json          each denial as a JSON object on one line (what the guard\n"
		"                      says of itself goes to stderr)\n"
		"  -p, --pretty        the same, indented\n"
		"  -v, --verbose       libbpf messages (twice: debug)\n"
		"  -h, --help          this help\n"
		"\n"
		"Exit status: 0 stopped by SIGINT or SIGTERM, 1 error (not root, no bpf LSM,\n"
		"no fentry for --dry-run, unknown VM, records of TRACE not written), 2 usage.\n"
		"Under -j/-p an error is {\"error\": \"...\"} on stdout.\n"
		"\n"
		"Examples:\n"
		"  gputrace guard --vm 111\n"
		"  gputrace guard --device 0a:00 --dry-run -o guard.gtrace\n");
}

/* The guard's own news (what it guards, starts seen, its end): stdout
 * beside the denial lines, stderr under --json (stdout is JSON only). */
static FILE *news(const struct guard *g)
{
	return g->json ? stderr : stdout;
}

/* ---- devices --------------------------------------------------------- */

static int add_device(struct guard *g, const char *bdf)
{
	struct pci_dev_info info;
	struct guarded *d;

	for (size_t i = 0; i < g->ndevs; i++)
		if (!strcmp(g->devs[i].bdf, bdf))
			return 0;
	if (g->ndevs == GUARD_DEVS_MAX)
		return -E2BIG;
	if (pci_read_state("/", bdf, &info))
		return -ENODEV;
	d = &g->devs[g->ndevs++];
	memset(d, 0, sizeof(*d));
	strlcpy0(d->bdf, bdf, sizeof(d->bdf));
	d->vendor = info.vendor;
	d->device = info.device;
	return 0;
}

/* A function, or every function of a slot. */
static int add_address(struct guard *g, const char *addr)
{
	char bdf[PCI_BDF_LEN], pattern[64];
	glob_t gl;
	int err = 0;

	if (pci_bdf_normalize(addr, bdf, sizeof(bdf), 1))
		return -EINVAL;
	if (strchr(bdf, '.'))
		return add_device(g, bdf);
	snprintf(pattern, sizeof(pattern), "/sys/bus/pci/devices/%s.*", bdf);
	if (glob(pattern, 0, NULL, &gl))
		return -ENODEV;
	for (size_t i = 0; i < gl.gl_pathc && !err; i++)
		err = add_device(g, strrchr(gl.gl_pathv[i], '/') + 1);
	globfree(&gl);
	return err;
}

static int resolve_vm(struct guard *g)
{
	struct vmconf c;
	int err;

	if ((err = vm_find("/", g->vm, &c))) {
		if (err != -ENOENT) {
			cmd_err("VM %s: %s", g->vm, strerror(-err));
			return err;
		}
		cmd_err("no Proxmox config /etc/pve/qemu-server/%s.conf, libvirt domain "
			"/etc/libvirt/qemu/%s.xml nor running QEMU with that id", g->vm, g->vm);
		return -ENOENT;
	}
	/* Guarding part of a VM's devices would leave the rest unwatched
	 * while the user believes them guarded. */
	if (c.devs_cut) {
		cmd_err("VM %s names more than %d PCI devices: guard watches at most %d", g->vm,
			VM_DEVS_MAX, GUARD_DEVS_MAX);
		return -E2BIG;
	}
	for (size_t i = 0; i < c.ndevs; i++)
		if ((err = add_address(g, c.devs[i]))) {
			if (err == -E2BIG)
				cmd_err("VM %s holds more than %d PCI functions: guard watches at most %d",
					g->vm, GUARD_DEVS_MAX, GUARD_DEVS_MAX);
			else
				cmd_err("%s device %s: %s", g->vm, c.devs[i], strerror(-err));
			return err;
		}
	if (!g->ndevs) {
		cmd_err("VM %s passes no PCI device through", g->vm);
		return -ENOENT;
	}
	fprintf(news(g), "gputrace guard: VM %s (%s):", g->vm, vm_kind_name(c.kind));
	for (size_t i = 0; i < g->ndevs; i++)
		fprintf(news(g), " %s", g->devs[i].bdf);
	fprintf(news(g), "\n");
	return 0;
}

/* ---- pin and arm ------------------------------------------------------- */

/* Not on a host driver: held for passthrough, or unbound. */
static bool is_stub(const char *drv)
{
	return !drv[0] || driver_is_stub(drv);
}

static void current_driver(const struct guarded *d, char *buf, size_t size)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", d->bdf);
	if (sysfs_read_link("/", path, buf, size) < 0)
		buf[0] = 0;
}

static int write_override(const struct guarded *d, const char *val)
{
	char path[128];
	int fd, err = 0;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", d->bdf);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		err = -errno;
	close(fd);
	return err;
}

/* A pin outlives a SIGKILLed guard: `gputrace status` names it through
 * this file (GUARD_PIN_DIR/BDF, holding the guard's pid), removed when
 * the pin is. */
static void note_pin(const struct guarded *d, bool pinned)
{
	char path[128];
	FILE *fp;

	snprintf(path, sizeof(path), GUARD_PIN_DIR "/%s", d->bdf);
	if (!pinned) {
		unlink(path);
		return;
	}
	mkdir("/run/gputrace", 0755);
	mkdir(GUARD_PIN_DIR, 0755);
	if ((fp = fopen(path, "we"))) {
		fprintf(fp, "%d %s\n", (int)getpid(), d->host);
		fclose(fp);
	}
}

static void pin(struct guard *g, struct guarded *d)
{
	char path[128];
	int err;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", d->bdf);
	if (sysfs_read("/", path, d->saved_override, sizeof(d->saved_override)) < 0 ||
	    !strcmp(d->saved_override, "(null)"))
		d->saved_override[0] = 0;
	if ((err = write_override(d, d->host))) {
		gt_warn("cannot pin %s's driver_override to %s: %s", d->bdf, d->host, strerror(-err));
		return;
	}
	d->pinned = true;
	note_pin(d, true);
}

static void unpin(struct guarded *d)
{
	char path[128], now[64];
	int err = 0;

	if (!d->pinned)
		return;
	/* Someone the guard let write (the VM's start, an --allow'ed tool)
	 * may have set it since: theirs stays. A lone newline clears it. */
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", d->bdf);
	if (sysfs_read("/", path, now, sizeof(now)) >= 0 && !strcmp(now, d->host))
		err = write_override(d, d->saved_override[0] ? d->saved_override : "\n");
	if (err)
		gt_warn("cannot restore %s's driver_override: %s", d->bdf, strerror(-err));
	d->pinned = false;
	note_pin(d, false);
}

/* Guards D on its host driver; a map the kernel refused leaves it waiting
 * (and said), to be tried again at the next tick. */
static void arm(struct guard *g, struct guarded *d)
{
	int err = guard_bpf_add_dev(g->bpf, d->bdf, d->host, d->vendor, d->device);

	if (!err)
		err = guard_bpf_arm(g->bpf, d->bdf, true);
	if (err) {
		gt_warn("%s is NOT guarded: the kernel refused its map entry (%s); trying again",
			d->bdf, strerror(-err));
		d->state = DEV_WAITING;
		return;
	}
	if (!g->dry_run)
		pin(g, d);
	d->state = DEV_ARMED;
	fprintf(news(g), "gputrace guard: %s %s on %s; driver_override %s %s (a reprobe can "
		"land nowhere else)\n", g->dry_run ? "watching" : "guarding", d->bdf, d->host,
		g->dry_run ? "would be pinned to" : d->pinned ? "pinned to" : "NOT pinned to",
		d->host);
}

static void disarm(struct guard *g, struct guarded *d, enum dev_state next)
{
	guard_bpf_arm(g->bpf, d->bdf, false);
	unpin(d);
	d->state = next;
}

/* One poll of every function's driver (see the states at the top). */
static void tick(struct guard *g)
{
	bool any_armed = false, window_alive = g->window_pid && kill(g->window_pid, 0) == 0;

	for (size_t i = 0; i < g->ndevs; i++) {
		struct guarded *d = &g->devs[i];
		char drv[GT_NAME_LEN];

		current_driver(d, drv, sizeof(drv));
		switch (d->state) {
		case DEV_WAITING:
			if (is_stub(drv))
				break;
			strlcpy0(d->host, drv, sizeof(d->host));
			arm(g, d);
			break;
		case DEV_ARMED:
			if (!strcmp(drv, d->host))
				break;
			/* A path the guard does not cover (or an --allow'ed writer). */
			fprintf(news(g), "gputrace guard: %s left %s (now %s) while guarded\n",
				d->bdf, d->host, drv[0] ? drv : "unbound");
			disarm(g, d, DEV_WAITING);
			break;
		case DEV_STARTING:
			if (strcmp(drv, d->host)) {
				d->left_host = true;
				break;
			}
			if (d->left_host || !window_alive)
				arm(g, d);
			break;
		}
		any_armed |= d->state == DEV_ARMED;
	}
	/* The start is over once a function is guarded again. */
	if (any_armed && g->window_pid) {
		guard_bpf_clear_windows(g->bpf);
		g->window_pid = 0;
	}
	fflush(news(g));
}

/* ---- events ------------------------------------------------------------ */

/* One denial on stdout (the render layer escapes what the writer set of
 * itself: comm, argv, ancestors, unit). */
static void show_denial(const struct guard *g, const struct gt_guard_event *ev,
			const char *argv, int argv_len)
{
	size_t len = argv_len > 0 ? (size_t)argv_len : 0;
	struct json_writer *w;

	if (!g->json) {
		render_guard_text(stdout, ev, real_ns(), argv, len);
		return;
	}
	if (!(w = json_new(stdout, g->pretty)))
		return;
	render_guard_json(w, ev, real_ns(), argv, len);
	json_free(w);
}

static void start_window(struct guard *g, const struct gt_guard_event *ev)
{
	char comm[GT_COMM_LEN * TEXT_ESCAPE_MAX + 1];

	/* The libvirt daemon's window outlives the hook that opened it. */
	g->window_pid = ev->window_pid ? ev->window_pid : ev->hdr.task.pid;
	fprintf(news(g), "gputrace guard: VM start seen: pid %u %s; writes of pid %u and its "
		"descendants pass, driver_override restored until the functions are back on their "
		"host drivers\n", ev->hdr.task.pid,
		text_escape(comm, sizeof(comm), ev->hdr.task.comm, strnlen(ev->hdr.task.comm, GT_COMM_LEN)),
		(unsigned)g->window_pid);
	for (size_t i = 0; i < g->ndevs; i++) {
		g->devs[i].left_host = false;
		disarm(g, &g->devs[i], DEV_STARTING);
	}
	fflush(stdout);
}

static int on_event(void *ctx, const void *data, size_t size)
{
	static char argv[PROC_CMDLINE_MAX];
	struct guard *g = ctx;
	struct gt_guard_event ev = {};
	int n;

	if (size < sizeof(struct gt_event_header) ||
	    ((const struct gt_event_header *)data)->kind != GT_EV_GUARD)
		return 0;
	memcpy(&ev, data, size < sizeof(ev) ? size : sizeof(ev));	/* ring memory is read-only */
	if (g->w)
		trace_writer_append(g->w, GT_REC_EVENT, &ev, sizeof(ev));
	if (ev.action == GT_GUARD_WINDOW) {
		start_window(g, &ev);
		return 0;
	}
	g->denials++;
	/* The writer usually lives on after its EPERM: its whole argv. */
	n = proc_read_cmdline("/", ev.hdr.task.pid, argv, sizeof(argv));
	if (g->w && n > 0 && ev.hdr.task.pid != g->argv_pid) {	/* once per writer */
		g->argv_pid = ev.hdr.task.pid;
		trace_writer_kv_begin(g->w, GT_REC_PROCESS, ev.hdr.ts_ns);
		trace_writer_kv_str(g->w, "phase", "exec");
		trace_writer_kv_u64(g->w, "pid", ev.hdr.task.pid);
		trace_writer_kv_add(g->w, "cmdline", argv, n);
		trace_writer_kv_end(g->w);
	}
	show_denial(g, &ev, argv, n);
	fflush(stdout);
	return 0;
}

/* ---- trace file -------------------------------------------------------- */

static int open_trace(struct guard *g, const char *cmdline)
{
	char boot_id[64], fmt[16];
	struct utsname u;

	g->w = trace_writer_create(g->out, g->force);
	if (!g->w) {
		cmd_err("cannot create %s: %s%s", g->out, strerror(errno),
			errno == EEXIST ? " (use --force to overwrite)" : "");
		return -1;
	}
	uname(&u);
	kernel_boot_id(boot_id, sizeof(boot_id));
	snprintf(fmt, sizeof(fmt), "%d.%d", GT_FORMAT_MAJOR, GT_FORMAT_MINOR);
	trace_writer_kv_begin(g->w, GT_REC_HEADER, mono_ns());
	trace_writer_kv_str(g->w, "tool_version", GPUTRACE_VERSION);
	trace_writer_kv_str(g->w, "format", fmt);
	trace_writer_kv_u64(g->w, "real_ns", real_ns());
	trace_writer_kv_str(g->w, "clock", "monotonic");
	trace_writer_kv_str(g->w, "hostname", u.nodename);
	trace_writer_kv_str(g->w, "kernel_release", u.release);
	trace_writer_kv_str(g->w, "boot_id", boot_id);
	trace_writer_kv_str(g->w, "backend", g->dry_run ? "guard-audit" : "guard");
	trace_writer_kv_str(g->w, "outcomes", "none");
	trace_writer_kv_u64(g->w, "recorder_pid", getpid());
	trace_writer_kv_str(g->w, "command", cmdline);
	trace_writer_kv_end(g->w);
	return 0;
}

/* The counters so far: at the end, every COUNTERS_INTERVAL_NS and when
 * writing resumes, so a loss is placed within that long (a report marks
 * the findings near it), not anywhere since the start. */
static void write_counters(struct guard *g)
{
	struct trace_writer_stats st;

	trace_writer_stats(g->w, &st);
	trace_writer_kv_begin(g->w, GT_REC_COUNTERS, mono_ns());
	trace_writer_kv_u64(g->w, "events", g->denials);
	trace_writer_kv_u64(g->w, "lost_driver", guard_bpf_lost(g->bpf));
	trace_writer_kv_u64(g->w, "records_lost", st.records_lost);
	trace_writer_kv_end(g->w);
}

/* The trace's last counters and END; -errno when the trace is not whole
 * (a write failed at any time, or closing it did). */
static int close_trace(struct guard *g)
{
	struct trace_writer_stats st;
	int err;

	if (!g->w)
		return 0;
	write_counters(g);
	trace_writer_kv_begin(g->w, GT_REC_END, mono_ns());
	trace_writer_kv_str(g->w, "reason", stop_signal ? strsignal(stop_signal) : "end");
	trace_writer_kv_end(g->w);
	trace_writer_stats(g->w, &st);
	err = trace_writer_close(g->w);
	g->w = NULL;
	/* the count first: the writer's error is its first, maybe long past */
	if (st.records_lost) {
		cmd_err("writing %s: %llu records not written (%s)", g->out,
			(unsigned long long)st.records_lost, strerror(-(st.last_error ? st.last_error : err)));
		return -EIO;
	}
	if (err) {
		cmd_err("writing %s: %s", g->out, strerror(-err));
		return err;
	}
	return 0;
}

/* ---- command ----------------------------------------------------------- */

static int parse(struct guard *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "vm", required_argument, NULL, 'm' },
		{ "device", required_argument, NULL, 'd' },
		{ "allow", required_argument, NULL, 'a' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ 0 }
	};
	struct cmd_opts cx;
	int c, err;

	cmd_opts_init(&cx, "guard", usage, CMD_JSON, "o:fv", opts);
	while ((c = cmd_opts_next(&cx, argc, argv)) != -1) {
		switch (c) {
		case 'm': g->vm = optarg; break;
		case 'd':
			if ((err = add_address(g, optarg)))
				return err == -E2BIG ?
				       cmd_usage_err("--device %s: guard watches at most %d functions",
						     optarg, GUARD_DEVS_MAX) :
				       cmd_usage_err("--device %s: %s", optarg,
						     err == -EINVAL ? "not a PCI address" : strerror(-err));
			break;
		case 'a':
			if (g->nallow == GUARD_ALLOW_MAX)
				return cmd_usage_err("at most %d --allow", GUARD_ALLOW_MAX);
			g->allow[g->nallow++] = optarg;
			break;
		case 'n': g->dry_run = true; break;
		case 'o': g->out = optarg; break;
		case 'f': g->force = true; break;
		case 'v': g->verbose++; break;
		default: return cx.exit;	/* --help, or a bad option (said) */
		}
	}
	g->json = cx.json;
	g->pretty = cx.pretty;
	if (optind != argc)
		return cmd_usage_err("unexpected argument '%s'", argv[optind]);
	if (!g->vm && !g->ndevs)
		return cmd_usage_err("needs --vm ID or --device BDF");
	return -1;
}

/* What makes the start of VM's flavour visible to the BPF side. */
static int watch_starts(struct guard *g)
{
	char pattern[GT_GUARD_PATTERN_MAX];
	int err;

	if (!g->vm)
		return 0;
	/* Proxmox: `qm start ID` (the CLI; its worker is its child). */
	snprintf(pattern, sizeof(pattern), "start %s", g->vm);
	err = guard_bpf_add_start(g->bpf, "qm", pattern, false);
	/* Proxmox's GUI, API and HA manager: a pvedaemon (pve-ha-lrm) worker
	 * named "task UPID:node:...:qmstart:ID:user:" starts it in-process. */
	snprintf(pattern, sizeof(pattern), ":qmstart:%s:", g->vm);
	if (!err)
		err = guard_bpf_add_task_start(g->bpf, pattern);
	/* libvirt: the daemon runs its qemu hook with "ID prepare begin"
	 * before it binds the devices: the window is the daemon's. */
	snprintf(pattern, sizeof(pattern), "%s prepare begin", g->vm);
	if (!err)
		err = guard_bpf_add_start(g->bpf, "qemu", pattern, true);
	return err;
}

/* A dry run that cannot watch still says what it would have done with
 * each function as it is now. */
static void show_plan(const struct guard *g)
{
	for (size_t i = 0; i < g->ndevs; i++) {
		char drv[GT_NAME_LEN];

		current_driver(&g->devs[i], drv, sizeof(drv));
		if (is_stub(drv))
			fprintf(news(g), "gputrace guard: dry run: %s is %s%s: would wait for it to be on "
				"its host driver, then log what would be denied\n", g->devs[i].bdf,
				drv[0] ? "on " : "unbound", drv);
		else
			fprintf(news(g), "gputrace guard: dry run: would watch %s on %s and log what would be "
				"denied; driver_override would be pinned to %s\n", g->devs[i].bdf, drv, drv);
	}
	fflush(news(g));
}

static int setup(struct guard *g)
{
	char why[256], err[256];
	int lsm = kernel_bpf_lsm_active(why, sizeof(why)), e;

	if (!g->dry_run && lsm != 1) {
		cmd_err("cannot enforce: %s; --dry-run logs what would be denied without it", why);
		return -1;
	}
	/* a refusal is said once, below; -v shows libbpf's own account */
	gt_bpf_set_verbose(g->verbose ? g->verbose : -1);
	g->bpf = guard_bpf_start(!g->dry_run, on_event, g, err, sizeof(err));
	if (!g->bpf && g->dry_run) {
		show_plan(g);
		cmd_err("%s; without fentry programs --dry-run cannot watch on this kernel (gputrace "
			"features: bpf LSM)", err);
		return -1;
	}
	if (!g->bpf) {
		cmd_err("%s; --dry-run logs what would be denied without it", err);
		return -1;
	}
	for (size_t i = 0; i < g->nallow; i++)
		if ((e = guard_bpf_allow_exe(g->bpf, g->allow[i]))) {
			cmd_err("--allow %s: %s", g->allow[i], strerror(-e));
			return -1;
		}
	for (size_t i = 0; i < g->ndevs; i++)
		if ((e = guard_bpf_add_dev(g->bpf, g->devs[i].bdf, "", g->devs[i].vendor,
					   g->devs[i].device))) {
			cmd_err("cannot guard %s: %s", g->devs[i].bdf, strerror(-e));
			return -1;
		}
	if ((e = watch_starts(g))) {
		cmd_err("cannot watch for the VM's start: %s", strerror(-e));
		return -1;
	}
	return 0;
}

static void join_argv(char *buf, size_t size, int argc, char **argv)
{
	size_t off = 0;

	buf[0] = 0;
	for (int i = 0; i < argc && off < size; i++)
		off += snprintf(buf + off, size - off, "%s%s", i ? " " : "", argv[i]);
}

int cmd_guard(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct guard *g = calloc(1, sizeof(*g));
	uint64_t next_counters;
	char cmdline[1024];
	int ret;

	if (!g)
		return EXIT_ERROR;
	ret = parse(g, argc, argv);
	if (ret >= 0)
		goto out;
	ret = EXIT_ERROR;
	if (geteuid() != 0) {
		cmd_err("guard needs root (BPF LSM programs need CAP_BPF and CAP_MAC_ADMIN)");
		goto out;
	}
	if (g->vm && resolve_vm(g))
		goto out;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	join_argv(cmdline, sizeof(cmdline), argc, argv);
	if (setup(g) || (g->out && open_trace(g, cmdline)))
		goto out;
	next_counters = mono_ns() + COUNTERS_INTERVAL_NS;
	fprintf(stderr, "gputrace: guard %s: ready (Ctrl-C to stop)\n",
		g->dry_run ? "dry run, nothing denied" : "enforcing");
	while (!stop_signal) {
		guard_bpf_poll(g->bpf, TICK_MS);
		tick(g);
		if (g->w) {
			uint64_t now = mono_ns();

			if (now >= next_counters) {
				write_counters(g);
				next_counters = now + COUNTERS_INTERVAL_NS;
			}
			trace_writer_flush(g->w);
			if (disk_watch_look(&g->disk, g->w, g->out, "the guard goes on") == DISK_WRITING_AGAIN) {
				write_counters(g);	/* the loss ends here */
				trace_writer_flush(g->w);
			}
		}
	}
	guard_bpf_poll(g->bpf, 0);
	ret = EXIT_OK;
out:
	for (size_t i = 0; i < g->ndevs && g->bpf; i++)
		unpin(&g->devs[i]);
	if (g->bpf)
		fprintf(news(g), "gputrace guard: ended (%s): %llu %s%s; driver_override restored\n",
			stop_signal ? strsignal(stop_signal) : "error", (unsigned long long)g->denials,
			g->dry_run ? "writes would have been denied" : "writes denied",
			g->bpf && guard_bpf_lost(g->bpf) ? ", some not seen (its ring buffer was full)" : "");
	if (close_trace(g) && ret == EXIT_OK)
		ret = EXIT_ERROR;	/* the trace asked for is not whole */
	guard_bpf_stop(g->bpf);
	free(g);
	return ret;
}
