// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "sys/bpf_features.h"
#include "sys/kernel.h"
#include "util.h"

#define KPROBE_PMU_TYPE "/sys/bus/event_source/devices/kprobe/type"
#define VMLINUX_BTF "/sys/kernel/btf/vmlinux"

const char *const gt_hook_fn_names[GT_FN_MAX] = {
	[GT_FN_SYSFS_KF_WRITE]	  = "sysfs_kf_write",
	[GT_FN_PCI_DEVICE_PROBE]  = "pci_device_probe",
	[GT_FN_PCI_DEVICE_REMOVE] = "pci_device_remove",
	[GT_FN_PCI_ADD_DYNID]	  = "pci_add_dynid",
	[GT_FN_DO_PCI_ADD_DYNID]  = "do_pci_add_dynid",
};

/* Is NAME a string of the kernel's BTF? A streaming search of the file, a
 * millisecond where parsing it takes seven, with no 5 MiB buffer: enough to
 * choose a hook; loading the programs checks the choice. */
static bool btf_names(const char *name)
{
	char pat[64], buf[256 * 1024];
	size_t plen = snprintf(pat, sizeof(pat), "%c%s%c", 0, name, 0), keep = 0;
	int fd = open(VMLINUX_BTF, O_RDONLY | O_CLOEXEC);
	bool found = false;
	ssize_t n;

	if (fd < 0)
		return false;
	while (!found && (n = read(fd, buf + keep, sizeof(buf) - keep)) > 0) {
		size_t have = keep + n;

		found = memmem(buf, have, pat, plen) != NULL;
		keep = have < plen - 1 ? have : plen - 1;	/* a match across reads */
		memmove(buf, buf + have - keep, keep);
	}
	close(fd);
	return found;
}

/* r0 = 0; exit */
static const struct bpf_insn ret0[] = {
	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
	{ .code = BPF_JMP | BPF_EXIT },
};

static void set_result(struct gt_probe_result *r, bool ok, int err, const char *why)
{
	r->ok = ok;
	r->err = err;
	snprintf(r->why, sizeof(r->why), "%s", why);
}

static int load_ret0(enum bpf_prog_type type, enum bpf_attach_type attach, int btf_id)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = attach,
		    .attach_btf_id = btf_id);
	int fd = bpf_prog_load(type, NULL, "GPL", ret0, 2, &opts);

	return fd < 0 ? -errno : fd;
}

/* Is this tracing program type allowed at all? See features.h. */
static void probe_type_allowed(struct gt_probe_result *r, enum bpf_attach_type attach,
			       const char *what)
{
	int fd = load_ret0(BPF_PROG_TYPE_TRACING, attach, 1 /* not a valid target */);
	char why[96];

	if (fd >= 0)
		close(fd);
	if (fd == -EPERM) {
		snprintf(why, sizeof(why), "%s programs refused by this kernel (EPERM)", what);
		set_result(r, false, fd, why);
	} else {
		set_result(r, true, 0, "allowed (not yet attached)");
	}
}

/* Raw tracepoints need no attach target at load: a load tells it all. */
static void probe_raw_tp_allowed(struct gt_probe_result *r)
{
	int fd = load_ret0(BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0);
	char why[96];

	if (fd >= 0) {
		close(fd);
		set_result(r, true, 0, "allowed (not yet attached)");
		return;
	}
	snprintf(why, sizeof(why), "raw_tp programs refused by this kernel: %s", strerror(-fd));
	set_result(r, false, fd, why);
}

/* The outcome of attaching to NAME: LINK is an fd (closed here), or < 0
 * with errno set. */
static void attach_result(struct gt_probe_result *r, int link, const char *name)
{
	int err = errno;
	char why[96];

	if (link < 0) {
		snprintf(why, sizeof(why), "attach to %s failed: %s", name, strerror(err));
		set_result(r, false, -err, why);
		return;
	}
	snprintf(why, sizeof(why), "attached to %s", name);
	set_result(r, true, 0, why);
	close(link);
}

/* The real test: attach to a raw tracepoint. */
static void probe_raw_tp_attach(struct gt_probe_result *r, const char *name)
{
	int fd;

	if (!r->ok)
		return;
	fd = load_ret0(BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0);
	attach_result(r, fd < 0 ? fd : bpf_raw_tracepoint_open(name, fd), name);
	if (fd >= 0)
		close(fd);
}

static void probe_kprobe_pmu(struct gt_probe_result *r)
{
	if (access(KPROBE_PMU_TYPE, R_OK) == 0)
		set_result(r, true, 0, "kprobe PMU present (not yet attached)");
	else
		set_result(r, false, -ENOENT, "no kprobe PMU: kernel built without CONFIG_KPROBES");
}

void features_probe_quick(struct gt_features *f)
{
	struct utsname u;

	memset(f, 0, sizeof(*f));
	if (uname(&u) == 0)
		strlcpy0(f->kernel_release, u.release, sizeof(f->kernel_release));
	f->root = geteuid() == 0;
	f->btf = access(VMLINUX_BTF, R_OK) == 0;
	int rb = libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL);

	if (rb == 1)
		set_result(&f->ringbuf, true, 0, "ok");
	else if (rb == -EPERM || (rb <= 0 && !f->root))
		/* not root: the kernel refused the probe itself; it says nothing of the kernel */
		set_result(&f->ringbuf, false, -EPERM, "not permitted (EPERM): run as root");
	else
		set_result(&f->ringbuf, false, -EOPNOTSUPP, "no BPF ring buffer (needs 5.8+)");
	probe_raw_tp_allowed(&f->raw_tp);
	probe_type_allowed(&f->fentry, BPF_TRACE_FENTRY, "fentry");
	probe_kprobe_pmu(&f->kprobe);
}

/* Loads and attaches PROG to the BTF target NAME: the real test. */
static void probe_tracing_attach(struct gt_probe_result *r, const struct btf *btf,
				 enum bpf_attach_type attach, const char *name, int kind)
{
	int id = btf__find_by_name_kind(btf, name, kind);
	int fd;
	char why[96];

	if (!r->ok)
		return;
	if (id < 0) {
		snprintf(why, sizeof(why), "%s not in kernel BTF", name);
		set_result(r, false, -ENOENT, why);
		return;
	}
	fd = load_ret0(BPF_PROG_TYPE_TRACING, attach, id);
	if (fd < 0) {
		snprintf(why, sizeof(why), "load on %s failed: %s", name, strerror(-fd));
		set_result(r, false, fd, why);
		return;
	}
	attach_result(r, bpf_raw_tracepoint_open(NULL, fd), name);
	close(fd);
}

/* kprobe through the kprobe PMU, as libbpf does without tracefs. */
static void probe_kprobe_attach(struct gt_probe_result *r, const char *fn)
{
	struct perf_event_attr attr = { .size = sizeof(attr) };
	char buf[32], why[96];
	int type_fd, n, pfd, fd;

	if (!r->ok)
		return;
	type_fd = open(KPROBE_PMU_TYPE, O_RDONLY | O_CLOEXEC);
	n = type_fd < 0 ? -1 : read(type_fd, buf, sizeof(buf) - 1);
	if (type_fd >= 0)
		close(type_fd);
	if (n <= 0) {
		set_result(r, false, -ENOENT, "kprobe PMU type unreadable");
		return;
	}
	buf[n] = 0;
	attr.type = atoi(buf);
	attr.config1 = (__u64)(unsigned long)fn;
	fd = load_ret0(BPF_PROG_TYPE_KPROBE, 0, 0);
	if (fd < 0) {
		snprintf(why, sizeof(why), "kprobe program load failed: %s", strerror(-fd));
		set_result(r, false, fd, why);
		return;
	}
	pfd = syscall(SYS_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (pfd < 0 || ioctl(pfd, PERF_EVENT_IOC_SET_BPF, fd) < 0) {
		snprintf(why, sizeof(why), "kprobe on %s failed: %s", fn, strerror(errno));
		set_result(r, false, -errno, why);
	} else {
		snprintf(why, sizeof(why), "attached to %s", fn);
		set_result(r, true, 0, why);
	}
	if (pfd >= 0)
		close(pfd);
	close(fd);
}

static void scan_kallsyms(struct gt_features *f)
{
	FILE *fp = fopen("/proc/kallsyms", "re");
	char line[512];

	if (!fp)
		return;
	while (fgets(line, sizeof(line), fp)) {
		char *name = strrchr(line, ' ');

		if (!name)
			continue;
		name++;
		name[strcspn(name, "\t\n")] = 0;
		for (int i = 0; i < GT_FN_MAX; i++)
			if (!strcmp(name, gt_hook_fn_names[i]))
				f->fn_in_kallsyms[i] = true;
	}
	fclose(fp);
}

bool features_dynid_worker(void)
{
	return btf_names(gt_hook_fn_names[GT_FN_DO_PCI_ADD_DYNID]);
}

static void probe_kmsg(struct gt_features *f);

/* gputrace guard enforces through an lsm program: the bpf LSM must be in
 * the kernel's active list (a build option or lsm= at boot), and the
 * kernel must load such a program (a load, no attach: nothing runs). */
static void probe_bpf_lsm(struct gt_features *f, const struct btf *btf)
{
	char why[sizeof(f->bpf_lsm.why)];
	int r = kernel_bpf_lsm_active(why, sizeof(why));
	int id = btf ? btf__find_by_name_kind(btf, "bpf_lsm_file_permission", BTF_KIND_FUNC) : -1;
	int fd;

	if (r != 1) {
		set_result(&f->bpf_lsm, false, r < 0 ? r : -EPERM, why);
		return;
	}
	if (id < 0) {
		set_result(&f->bpf_lsm, false, -ENOENT, "bpf_lsm_file_permission not in kernel BTF");
		return;
	}
	fd = load_ret0(BPF_PROG_TYPE_LSM, BPF_LSM_MAC, id);
	if (fd < 0) {
		snprintf(why, sizeof(why), "bpf is an active LSM, but lsm programs are refused (%s)",
			 strerror(-fd));
		set_result(&f->bpf_lsm, false, fd, why);
		return;
	}
	close(fd);
	set_result(&f->bpf_lsm, true, 0, "bpf is an active LSM; an lsm program loads");
}

void features_probe_full(struct gt_features *f)
{
	struct btf *btf;

	features_probe_quick(f);
	f->dynid_worker = f->btf && features_dynid_worker();
	scan_kallsyms(f);
	btf = f->btf ? btf__load_vmlinux_btf() : NULL;
	if (!btf) {
		set_result(&f->fentry, false, -ENOENT, "no kernel BTF (" VMLINUX_BTF ")");
		probe_bpf_lsm(f, NULL);
	} else {
		int kn = btf__find_by_name_kind(btf, "kernfs_node", BTF_KIND_STRUCT);
		const struct btf_type *t = kn > 0 ? btf__type_by_id(btf, kn) : NULL;

		for (int i = 0; i < GT_FN_MAX; i++)
			f->fn_in_btf[i] = btf__find_by_name_kind(btf, gt_hook_fn_names[i],
								 BTF_KIND_FUNC) > 0;
		for (int i = 0; t && i < btf_vlen(t); i++)
			if (!strcmp(btf__name_by_offset(btf, btf_members(t)[i].name_off), "__parent"))
				f->kernfs_parent_renamed = true;
		probe_tracing_attach(&f->fentry, btf, BPF_TRACE_FENTRY,
				     gt_hook_fn_names[GT_FN_SYSFS_KF_WRITE], BTF_KIND_FUNC);
		probe_bpf_lsm(f, btf);
		btf__free(btf);
	}
	probe_raw_tp_attach(&f->raw_tp, "sys_enter");
	probe_kprobe_attach(&f->kprobe, gt_hook_fn_names[GT_FN_SYSFS_KF_WRITE]);
	probe_kmsg(f);
}

/* The kernel log is read the same way by every backend; writing one line
 * to it (the clock check) needs printk_devkmsg other than "off". */
static void probe_kmsg(struct gt_features *f)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	FILE *fp = fopen("/proc/sys/kernel/printk_devkmsg", "re");
	char why[96];

	f->devkmsg[0] = '\0';
	if (fp) {
		if (fgets(f->devkmsg, sizeof(f->devkmsg), fp))
			f->devkmsg[strcspn(f->devkmsg, "\n")] = '\0';
		fclose(fp);
	}
	if (fd < 0) {
		snprintf(why, sizeof(why), "/dev/kmsg: %s: no kernel log lines", strerror(errno));
		set_result(&f->kmsg, false, -errno, why);
		return;
	}
	close(fd);
	snprintf(why, sizeof(why), "/dev/kmsg readable; its clock %s", strcmp(f->devkmsg, "off") ?
		 "checked with one line of ours" : "not checked (printk_devkmsg=off)");
	set_result(&f->kmsg, true, 0, why);
}

const char *features_device_view(enum gt_backend b)
{
	/* No backend hooks the PCI reset or power-state functions yet: resets
	 * and D-state changes are seen through the attribute writes, the
	 * kernel log and the state read back after each event. */
	switch (b) {
	case GT_BACKEND_FENTRY:
	case GT_BACKEND_KPROBE:
		return "reset, power/control, d3cold_allowed writes with pid and result; "
		       "kernel log; power_state read back after each event and at marks";
	case GT_BACKEND_TRACEPOINT:
		return "reset, power/control, d3cold_allowed writes at the syscall with pid and result; "
		       "kernel log; power_state read back after each event and at marks; "
		       "bind/unbind without pid (uevents)";
	default:
		return "";
	}
}

static bool backend_works(const struct gt_features *f, enum gt_backend b, char *why, size_t size)
{
	const struct gt_probe_result *r;

	if (!f->root) {
		snprintf(why, size, "run as root (BPF needs CAP_BPF and CAP_PERFMON)");
		return false;
	}
	if (!f->btf) {
		snprintf(why, size, "kernel lacks BTF (" VMLINUX_BTF "): needs CONFIG_DEBUG_INFO_BTF=y");
		return false;
	}
	if (!f->ringbuf.ok) {
		snprintf(why, size, "%s", f->ringbuf.why);
		return false;
	}
	/* Process events use raw tracepoints in every backend; the
	 * tracepoint backend needs nothing more. */
	if (!f->raw_tp.ok) {
		snprintf(why, size, "%s", f->raw_tp.why);
		return false;
	}
	r = b == GT_BACKEND_FENTRY ? &f->fentry : b == GT_BACKEND_KPROBE ? &f->kprobe : &f->raw_tp;
	snprintf(why, size, "%s", r->why);
	return r->ok;
}

enum gt_backend features_choose(const struct gt_features *f, enum gt_backend want,
				char *why, size_t size)
{
	static const enum gt_backend order[GT_BACKENDS_N] = { GT_BACKEND_FENTRY, GT_BACKEND_KPROBE,
							      GT_BACKEND_TRACEPOINT };
	char reasons[GT_BACKENDS_N][128];

	if (want != GT_BACKEND_AUTO)
		return backend_works(f, want, why, size) ? want : GT_BACKEND_AUTO;
	for (int i = 0; i < GT_BACKENDS_N; i++) {
		if (backend_works(f, order[i], reasons[i], sizeof(reasons[i]))) {
			if (i == 0)
				snprintf(why, size, "fentry: %s", reasons[0]);
			else
				snprintf(why, size, "%s: %s; %s%s", backend_name(order[i]),
					 reasons[i], reasons[0], i == GT_BACKENDS_N - 1 ? "; " : "");
			if (i == GT_BACKENDS_N - 1)
				strncat(why, reasons[1], size - strlen(why) - 1);
			return order[i];
		}
	}
	snprintf(why, size, "%s", reasons[GT_BACKENDS_N - 1]);
	return GT_BACKEND_AUTO;
}

const char *backend_name(enum gt_backend b)
{
	switch (b) {
	case GT_BACKEND_FENTRY: return "fentry";
	case GT_BACKEND_KPROBE: return "kprobe";
	case GT_BACKEND_TRACEPOINT: return "tracepoint";
	default: return "auto";
	}
}

int backend_parse(const char *s, enum gt_backend *out)
{
	static const enum gt_backend all[] = { GT_BACKEND_AUTO, GT_BACKEND_FENTRY,
					       GT_BACKEND_KPROBE, GT_BACKEND_TRACEPOINT };

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (!strcmp(s, backend_name(all[i]))) {
			*out = all[i];
			return 0;
		}
	return -EINVAL;
}
