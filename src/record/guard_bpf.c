// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "gputrace/guard.h"
#include "gputrace_guard.skel.h"
#include "record/guard_bpf.h"
#include "util.h"

struct guard_bpf {
	struct gputrace_guard_bpf *skel;
	struct ring_buffer *rb;
};

static int fill_attrs(struct gputrace_guard_bpf *skel)
{
	static const struct { const char *name; __u32 attr; } attrs[] = {
		{ "driver_override", GT_GATTR_OVERRIDE }, { "remove", GT_GATTR_REMOVE },
		{ "unbind", GT_GATTR_UNBIND }, { "bind", GT_GATTR_BIND },
		{ "new_id", GT_GATTR_NEW_ID },
	};
	int fd = bpf_map__fd(skel->maps.gt_guard_attrs);

	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		char key[GT_NAME_LEN] = {};

		strlcpy0(key, attrs[i].name, sizeof(key));
		if (bpf_map_update_elem(fd, key, &attrs[i].attr, BPF_ANY))
			return -errno;
	}
	return 0;
}

struct guard_bpf *guard_bpf_start(bool enforce, gt_event_fn fn, void *ctx,
				  char *err, size_t errlen)
{
	struct guard_bpf *g = calloc(1, sizeof(*g));
	int ret;

	if (!g || !(g->skel = gputrace_guard_bpf__open())) {
		snprintf(err, errlen, "cannot open the guard's BPF object: %s", strerror(errno));
		free(g);
		return NULL;
	}
	bpf_program__set_autoload(g->skel->progs.gt_guard_lsm, enforce);
	bpf_program__set_autoload(g->skel->progs.gt_guard_fentry, !enforce);
	g->skel->rodata->gt_self_pid = getpid();
	g->skel->rodata->gt_guard_enforce = enforce;
	/* Denials are few: a small ring. */
	bpf_map__set_max_entries(g->skel->maps.gt_events, 256 << 10);
	ret = gputrace_guard_bpf__load(g->skel);
	if (!ret)
		ret = fill_attrs(g->skel);
	if (ret) {
		snprintf(err, errlen, "cannot load the guard's %s program: %s", enforce ?
			 "lsm/file_permission" : "fentry/security_file_permission", strerror(-ret));
		goto fail;
	}
	ret = gputrace_guard_bpf__attach(g->skel);
	if (ret) {
		snprintf(err, errlen, "cannot attach the guard: %s", strerror(-ret));
		goto fail;
	}
	g->rb = ring_buffer__new(bpf_map__fd(g->skel->maps.gt_events),
				 (ring_buffer_sample_fn)fn, ctx, NULL);
	if (!g->rb) {
		snprintf(err, errlen, "cannot open the guard's ring buffer: %s", strerror(errno));
		goto fail;
	}
	return g;
fail:
	guard_bpf_stop(g);
	return NULL;
}

static void name_key(char key[GT_NAME_LEN], const char *s)
{
	memset(key, 0, GT_NAME_LEN);
	strlcpy0(key, s, GT_NAME_LEN);
}

int guard_bpf_add_dev(struct guard_bpf *g, const char *bdf, const char *host,
		      uint32_t vendor, uint32_t device)
{
	struct gt_guard_dev d = { .vendor = vendor, .device = device };
	char key[GT_NAME_LEN];

	name_key(key, bdf);
	strlcpy0(d.host_driver, host, sizeof(d.host_driver));
	return bpf_map_update_elem(bpf_map__fd(g->skel->maps.gt_guard_devs), key, &d, BPF_ANY) ?
	       -errno : 0;
}

/* Arming also lists the function's ids for new_id; disarming drops them
 * (two guarded functions with the same ids share the entry: rare, and
 * then new_id is judged while either is armed). */
int guard_bpf_arm(struct guard_bpf *g, const char *bdf, bool armed)
{
	int fd = bpf_map__fd(g->skel->maps.gt_guard_devs);
	int ids = bpf_map__fd(g->skel->maps.gt_guard_ids);
	struct gt_guard_dev d;
	struct gt_guard_id id = {};
	char key[GT_NAME_LEN];

	name_key(key, bdf);
	if (bpf_map_lookup_elem(fd, key, &d))
		return -errno;
	d.armed = armed;
	id.vendor = d.vendor;
	id.device = d.device;
	/* armed without its ids, a new_id to a stub would pass: say so */
	if (armed && bpf_map_update_elem(ids, &id, d.host_driver, BPF_ANY))
		return -errno;
	if (!armed)
		bpf_map_delete_elem(ids, &id);	/* shared by another: gone already */
	return bpf_map_update_elem(fd, key, &d, BPF_ANY) ? -errno : 0;
}

int guard_bpf_add_start(struct guard_bpf *g, const char *comm, const char *pattern, bool parent)
{
	struct gt_guard_start st = { .allow_parent = parent };
	char key[GT_COMM_LEN] = {};
	size_t n = strlen(pattern);

	if (n + 2 >= sizeof(st.pattern))	/* the BPF side masks with its size - 1 */
		return -ENAMETOOLONG;
	strlcpy0(key, comm, sizeof(key));
	/* "\0start\0111\0": words between NULs, as they are in argv. */
	memcpy(st.pattern + 1, pattern, n);
	for (size_t i = 1; i <= n; i++)
		if (st.pattern[i] == ' ')
			st.pattern[i] = 0;
	st.len = n + 2;
	return bpf_map_update_elem(bpf_map__fd(g->skel->maps.gt_guard_starts), key, &st, BPF_ANY) ?
	       -errno : 0;
}

int guard_bpf_add_task_start(struct guard_bpf *g, const char *text)
{
	struct gt_guard_start st = { 0 };
	char key[GT_COMM_LEN] = "task UPID:";
	size_t n = strlen(text);

	if (!n || n + 1 >= sizeof(st.pattern))
		return -ENAMETOOLONG;
	memcpy(st.pattern, text, n);	/* inside one argv string: no NULs around */
	st.len = n;
	return bpf_map_update_elem(bpf_map__fd(g->skel->maps.gt_guard_starts), key, &st, BPF_ANY) ?
	       -errno : 0;
}

int guard_bpf_allow_exe(struct guard_bpf *g, const char *path)
{
	struct gt_guard_exe exe = {};
	struct stat st;
	__u8 one = 1;

	if (stat(path, &st))
		return -errno;
	/* The kernel's internal dev_t: major in the top 12 bits. */
	exe.dev = ((uint64_t)major(st.st_dev) << 20) | minor(st.st_dev);
	exe.ino = st.st_ino;
	return bpf_map_update_elem(bpf_map__fd(g->skel->maps.gt_guard_exes), &exe, &one, BPF_ANY) ?
	       -errno : 0;
}

void guard_bpf_clear_windows(struct guard_bpf *g)
{
	int fd = bpf_map__fd(g->skel->maps.gt_guard_allowed);
	__u32 key, next;

	while (bpf_map_get_next_key(fd, NULL, &next) == 0) {
		key = next;
		if (bpf_map_delete_elem(fd, &key))
			break;
	}
}

int guard_bpf_poll(struct guard_bpf *g, int timeout_ms)
{
	return ring_buffer__poll(g->rb, timeout_ms);
}

uint64_t guard_bpf_lost(struct guard_bpf *g)
{
	int ncpu = libbpf_num_possible_cpus();
	__u32 key = GT_CNT_LOST_DRIVER;
	uint64_t sum = 0, *vals;

	if (ncpu <= 0 || !(vals = calloc(ncpu, sizeof(*vals))))
		return 0;
	if (!bpf_map_lookup_elem(bpf_map__fd(g->skel->maps.gt_counters), &key, vals))
		for (int c = 0; c < ncpu; c++)
			sum += vals[c];
	free(vals);
	return sum;
}

void guard_bpf_stop(struct guard_bpf *g)
{
	if (!g)
		return;
	ring_buffer__free(g->rb);
	gputrace_guard_bpf__destroy(g->skel);
	free(g);
}
