// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "gputrace.skel.h"
#include "gputrace_pm.skel.h"
#include "record/bpf_loader.h"
#include "record/core_btf.h"
#include "util.h"

/* Attributes whose writes can change a device's driver or state: resets
 * (a function's `reset`, a bridge's `reset_subordinate` for its whole
 * bus), power (`power/control`, `d3cold_allowed`) and `enable`, which
 * powers a device up and enables it without any driver. */
const char *const gt_watched_attrs[] = {
	"bind", "unbind", "new_id", "remove_id", "drivers_probe", "drivers_autoprobe",
	"rescan", "driver_override", "remove", "reset", "reset_method", "reset_subordinate",
	"control", "d3cold_allowed", "enable", "sriov_numvfs", "sriov_drivers_autoprobe", NULL,
};

struct gt_bpf {
	struct gputrace_bpf *skel;
	struct gputrace_pm_bpf *pm;	/* reset/power hooks, if asked for and loaded */
	struct ring_buffer *rb;
};

static int libbpf_verbose;

static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (libbpf_verbose < 0)
		return 0;	/* an attempt whose failure has a fallback */
	if (level == LIBBPF_DEBUG && libbpf_verbose < 2)
		return 0;
	if (!libbpf_verbose && level != LIBBPF_WARN)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

int gt_bpf_set_verbose(int verbose)
{
	int old = libbpf_verbose;

	libbpf_set_print(libbpf_log);	/* guard loads its object without gt_bpf_start */
	libbpf_verbose = verbose;
	return old;
}

/* Which backend a program belongs to, from its section: fentry/fexit and
 * kprobe/kretprobe programs are backend-specific, the raw syscall tracepoints
 * are the tracepoint backend's, and the process hooks serve all. */
static bool program_wanted(const struct bpf_program *p, enum gt_backend b,
			   struct gt_dynid_plan dynid)
{
	const char *sec = bpf_program__section_name(p);

	if (strstr(sec, "pci_add_dynid")) {
		bool is_worker = strstr(sec, "/do_pci_add_dynid") != NULL;

		if (b == GT_BACKEND_TRACEPOINT || dynid.how == GT_DYNID_OFF ||
		    is_worker != dynid.worker)
			return false;
		if (dynid.how == GT_DYNID_KPROBE)
			return sec[0] == 'k';
	}

	if (!strncmp(sec, "fentry/", 7) || !strncmp(sec, "fexit/", 6))
		return b == GT_BACKEND_FENTRY;
	if (!strncmp(sec, "kprobe/", 7) || !strncmp(sec, "kretprobe/", 10))
		return b == GT_BACKEND_KPROBE;
	if (!strncmp(sec, "raw_tp/sys_", 11))
		return b == GT_BACKEND_TRACEPOINT;
	return true;
}

static int fill_watched(struct gputrace_bpf *skel)
{
	int fd = bpf_map__fd(skel->maps.gt_watched);
	__u8 one = 1;

	for (int i = 0; gt_watched_attrs[i]; i++) {
		char key[GT_NAME_LEN] = {};

		strlcpy0(key, gt_watched_attrs[i], sizeof(key));
		if (bpf_map_update_elem(fd, key, &one, BPF_ANY))
			return -errno;
	}
	return 0;
}

/* One failing write(2) on a read-only sysfs fd from this thread lets the
 * syscall probe learn kernfs's f_op (sysfs_write.bpf.c). */
static int calibrate_kernfs_fops(struct gputrace_bpf *skel)
{
	static const char *const files[] = { "/sys/kernel/uevent_seqnum",
					     "/sys/devices/system/cpu/online", NULL };

	skel->bss->gt_calib_tid = gettid();
	for (int i = 0; files[i] && !skel->bss->gt_kernfs_fops; i++) {
		int fd = open(files[i], O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			continue;
		if (write(fd, "", 0) < 0) {
			/* EBADF expected: the probe saw the call anyway */
		}
		close(fd);
	}
	skel->bss->gt_calib_tid = 0;
	return skel->bss->gt_kernfs_fops ? 0 : -ENOENT;
}

static const char *load_hint(int err)
{
	switch (-err) {
	case EPERM:
	case EACCES:
		return " (run as root; check kernel lockdown and kernel.unprivileged_bpf_disabled)";
	case ENOENT:
	case ESRCH:
		return " (a hooked kernel function is missing: try another --backend; see 'gputrace features')";
	default:
		return "";
	}
}

/* The cut of the kernel's BTF for this boot (core_btf.c), made now if
 * missing; "" when it cannot be had: libbpf then reads vmlinux BTF. */
static void core_btf_prepare(char *path, size_t size)
{
	struct gputrace_bpf *skel;
	int have = gt_bpf_core_btf(path, size);

	if (have > 0)
		return;
	if (have < 0) {
		path[0] = 0;
		return;
	}
	skel = gputrace_bpf__open();
	if (!skel || core_btf_write(bpf_object__btf(skel->obj), path))
		path[0] = 0;
	gputrace_bpf__destroy(skel);
}

int gt_bpf_core_btf(char *path, size_t size)
{
	size_t elf_size;
	const void *elf = gputrace_bpf__elf_bytes(&elf_size);
	int err = core_btf_cache_path(elf, elf_size, path, size);
	struct stat st;

	if (err) {
		snprintf(path, size, "%s", CORE_BTF_DIR);
		return err;
	}
	/* only a cut root made and nobody else can change is used */
	return !lstat(path, &st) && S_ISREG(st.st_mode) && st.st_uid == 0 &&
	       !(st.st_mode & (S_IWGRP | S_IWOTH));
}

/* Opens and loads the programs BACKEND needs, CO-RE relocated against
 * CORE_BTF if not "". 0 or -errno. */
static int load(struct gt_bpf *b, enum gt_backend backend, struct gt_dynid_plan dynid,
		size_t ringbuf_bytes, const char *core_btf)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .btf_custom_path = core_btf[0] ? core_btf : NULL);
	struct bpf_program *p;

	b->skel = gputrace_bpf__open_opts(&opts);
	if (!b->skel)
		return -errno;
	bpf_object__for_each_program(p, b->skel->obj)
		bpf_program__set_autoload(p, program_wanted(p, backend, dynid));
	b->skel->rodata->gt_self_pid = getpid();
	bpf_map__set_max_entries(b->skel->maps.gt_events, ringbuf_bytes);
	return gputrace_bpf__load(b->skel);
}

struct gt_bpf *gt_bpf_start(enum gt_backend backend, struct gt_dynid_plan dynid,
			    gt_event_fn fn, void *ctx, size_t ringbuf_bytes,
			    char *err, size_t errlen)
{
	struct gt_bpf *b = calloc(1, sizeof(*b));
	char core_btf[PATH_MAX];
	int ret, verbose = libbpf_verbose;

	libbpf_set_print(libbpf_log);
	if (!b) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	core_btf_prepare(core_btf, sizeof(core_btf));
	if (core_btf[0] && !libbpf_verbose)
		libbpf_verbose = -1;	/* a failure here has its fallback below */
	ret = load(b, backend, dynid, ringbuf_bytes, core_btf);
	libbpf_verbose = verbose;
	if (ret && core_btf[0]) {
		/* A damaged or incomplete cut must not stop a recording: once
		 * more with the kernel's own BTF; if that works the cut was at
		 * fault and goes (the next start makes a new one). */
		gputrace_bpf__destroy(b->skel);
		ret = load(b, backend, dynid, ringbuf_bytes, "");
		if (!ret) {
			gt_warn("%s did not fit this kernel: removed", core_btf);
			unlink(core_btf);
		}
	}
	if (ret) {
		snprintf(err, errlen, "cannot load the %s backend: %s%s", backend_name(backend),
			 strerror(-ret), load_hint(ret));
		goto fail;
	}
	ret = fill_watched(b->skel);
	if (ret) {
		snprintf(err, errlen, "cannot fill the watched-attribute map: %s", strerror(-ret));
		goto fail;
	}
	ret = gputrace_bpf__attach(b->skel);
	if (ret) {
		snprintf(err, errlen, "cannot attach the %s backend: %s%s", backend_name(backend),
			 strerror(-ret), load_hint(ret));
		goto fail;
	}
	if (backend == GT_BACKEND_TRACEPOINT && calibrate_kernfs_fops(b->skel))
		gt_warn("could not learn kernfs's file operations: every write(2) takes the slower check");
	b->rb = ring_buffer__new(bpf_map__fd(b->skel->maps.gt_events),
				 (ring_buffer_sample_fn)fn, ctx, NULL);
	if (!b->rb) {
		snprintf(err, errlen, "cannot open the ring buffer: %s", strerror(errno));
		goto fail;
	}
	return b;
fail:
	gt_bpf_stop(b);
	return NULL;
}

/* Only the hooks of BACKEND whose function the kernel has as a function of
 * its own: one missing target would fail the whole load. */
static int pm_autoload(struct gputrace_pm_bpf *pm, enum gt_backend backend)
{
	struct btf *btf = btf__load_vmlinux_btf();
	struct bpf_program *p;
	int n = 0;

	if (!btf)
		return -errno;
	bpf_object__for_each_program(p, pm->obj) {
		const char *fn = strchr(bpf_program__section_name(p), '/') + 1;
		bool have = program_wanted(p, backend, (struct gt_dynid_plan){ 0 }) &&
			    btf__find_by_name_kind(btf, fn, BTF_KIND_FUNC) > 0;

		bpf_program__set_autoload(p, have);
		n += have;
	}
	btf__free(btf);
	return n ? 0 : -ENOENT;
}

int gt_bpf_pm_start(struct gt_bpf *b, enum gt_backend backend, char *err, size_t errlen)
{
	struct gputrace_pm_bpf *pm = gputrace_pm_bpf__open();
	int ret;

	if (!pm) {
		snprintf(err, errlen, "cannot open the reset/power hooks: %s", strerror(errno));
		return -errno;
	}
	pm->rodata->gt_self_pid = getpid();
	/* Same ring buffer and counters: one drain, one loss count. */
	ret = bpf_map__reuse_fd(pm->maps.gt_events, bpf_map__fd(b->skel->maps.gt_events));
	if (!ret)
		ret = bpf_map__reuse_fd(pm->maps.gt_counters, bpf_map__fd(b->skel->maps.gt_counters));
	if (!ret)
		ret = pm_autoload(pm, backend);
	if (!ret)
		ret = gputrace_pm_bpf__load(pm);
	if (!ret)
		ret = gputrace_pm_bpf__attach(pm);
	if (ret) {
		snprintf(err, errlen, "reset/power hooks not attached: %s", strerror(-ret));
		gputrace_pm_bpf__destroy(pm);
		return ret;
	}
	b->pm = pm;
	return 0;
}

int gt_bpf_fd(struct gt_bpf *b)
{
	return ring_buffer__epoll_fd(b->rb);
}

int gt_bpf_poll(struct gt_bpf *b, int timeout_ms)
{
	return ring_buffer__poll(b->rb, timeout_ms);
}

int gt_bpf_drain(struct gt_bpf *b)
{
	return ring_buffer__consume(b->rb);
}

void gt_bpf_counters(struct gt_bpf *b, uint64_t out[GT_CNT_MAX])
{
	int ncpu = libbpf_num_possible_cpus();
	int fd = bpf_map__fd(b->skel->maps.gt_counters);
	uint64_t *vals;

	memset(out, 0, sizeof(uint64_t) * GT_CNT_MAX);
	if (ncpu <= 0 || !(vals = calloc(ncpu, sizeof(*vals))))
		return;
	for (__u32 k = 0; k < GT_CNT_MAX; k++) {
		if (bpf_map_lookup_elem(fd, &k, vals))
			continue;
		for (int c = 0; c < ncpu; c++)
			out[k] += vals[c];
	}
	free(vals);
}

static uint64_t runs_missed(struct bpf_object *obj)
{
	struct bpf_program *p;
	uint64_t n = 0;

	bpf_object__for_each_program(p, obj) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(p);

		memset(&info, 0, sizeof(info));
		if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len))
			n += info.recursion_misses;
	}
	return n;
}

uint64_t gt_bpf_runs_missed(struct gt_bpf *b)
{
	return runs_missed(b->skel->obj) + (b->pm ? runs_missed(b->pm->obj) : 0);
}

static void list_programs(struct bpf_object *obj, char *buf, size_t size, size_t *off, int *n)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, obj) {
		if (!bpf_program__autoload(p))
			continue;
		*off += snprintf(buf + *off, *off < size ? size - *off : 0, "%s%s",
				 (*n)++ ? " " : "", bpf_program__section_name(p));
	}
}

int gt_bpf_programs(struct gt_bpf *b, char *buf, size_t size)
{
	size_t off = 0;
	int n = 0;

	buf[0] = 0;
	list_programs(b->skel->obj, buf, size, &off, &n);
	if (b->pm)
		list_programs(b->pm->obj, buf, size, &off, &n);
	return n;
}

int gt_bpf_plan(enum gt_backend backend, struct gt_dynid_plan dynid, char *buf, size_t size)
{
	struct gt_bpf b = { .skel = gputrace_bpf__open() };
	struct bpf_program *p;
	int n;

	if (!b.skel)
		return -errno;
	bpf_object__for_each_program(p, b.skel->obj)
		bpf_program__set_autoload(p, program_wanted(p, backend, dynid));
	n = gt_bpf_programs(&b, buf, size);
	gputrace_bpf__destroy(b.skel);
	return n;
}

void gt_bpf_stop(struct gt_bpf *b)
{
	if (!b)
		return;
	ring_buffer__free(b->rb);
	gputrace_pm_bpf__destroy(b->pm);
	gputrace_bpf__destroy(b->skel);
	free(b);
}
