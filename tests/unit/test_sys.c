// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* src/sys: sysfs reader, PCI, process and config snapshots, against fake
 * trees built in a temporary directory and once against the live system. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "record/snapshot.h"
#include "sys/configs.h"
#include "sys/pci.h"
#include "sys/procs.h"
#include "sys/rootfs.h"
#include "sys/sysfs.h"
#include "sys/unix_listeners.h"
#include "trace/trace.h"

#define TS	42
#define GPU	"0000:0a:00.0"
#define AUDIO	"0000:0a:00.1"
#define HOOK	"local:snippets/gpu-reattach-hook.pl"

typedef int (*snapshot_fn)(struct trace_writer *w, const char *root,
			   const char *phase, uint64_t ts_ns);

struct fixture {
	char root[64];			/* fake tree */
	char out[64];			/* trace files live here */
	char path[PATH_MAX];		/* scratch for helpers */
	char val[4096];			/* last value returned by str() */
	struct trace_record *recs;	/* read back; data owned here */
	size_t nrecs;
	int ret;			/* what the snapshot function returned */
};

/* ---- fake trees ---------------------------------------------------------- */

static const char *at(struct fixture *f, const char *rel)
{
	snprintf(f->path, sizeof(f->path), "%s%s", f->root, rel);
	return f->path;
}

static void mkdirs(struct fixture *f, const char *rel)
{
	char *p;

	if (!rel[0])
		return;
	at(f, rel);
	for (p = f->path + strlen(f->root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(f->path, 0755);
		*p = '/';
	}
	mkdir(f->path, 0755);
}

/* Writes ROOT+REL (parents created) with LEN bytes of DATA. */
static void put_len(struct fixture *f, const char *rel, const void *data,
		    size_t len, mode_t mode)
{
	char dir[PATH_MAX];
	FILE *fp;

	snprintf(dir, sizeof(dir), "%s", rel);
	*strrchr(dir, '/') = '\0';
	if (dir[0])
		mkdirs(f, dir);
	fp = fopen(at(f, rel), "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(f->path, mode), 0);
}

static void put(struct fixture *f, const char *rel, const char *text)
{
	put_len(f, rel, text, strlen(text), 0644);
}

static void link_to(struct fixture *f, const char *rel, const char *target)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s", rel);
	*strrchr(dir, '/') = '\0';
	mkdirs(f, dir);
	assert_int_equal(symlink(target, at(f, rel)), 0);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	strcpy(f->root, "/tmp/test_sys.XXXXXX");
	strcpy(f->out, "/tmp/test_sys_out.XXXXXX");
	if (!mkdtemp(f->root) || !mkdtemp(f->out))
		return -1;
	*state = f;
	return 0;
}

static void free_recs(struct fixture *f)
{
	while (f->nrecs)
		free((void *)f->recs[--f->nrecs].data);
	free(f->recs);
	f->recs = NULL;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	free_recs(f);
	nftw(f->root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	nftw(f->out, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* ---- running a snapshot and reading it back ------------------------------ */

/* Runs FN into a fresh trace file and keeps a copy of every record. */
static void snapshot(struct fixture *f, snapshot_fn fn, const char *root)
{
	struct trace_writer *w;
	struct trace_reader *r;
	struct trace_record rec;
	char file[PATH_MAX], err[128];

	free_recs(f);
	snprintf(file, sizeof(file), "%s/snap.gtrace", f->out);
	w = trace_writer_create(file, true);
	assert_non_null(w);
	f->ret = fn(w, root, "start", TS);
	assert_int_equal(trace_writer_close(w), 0);
	r = trace_reader_open(file, err, sizeof(err));
	assert_non_null(r);
	while (trace_reader_next(r, &rec) == 1) {
		uint8_t *copy = malloc(rec.len);

		assert_non_null(copy);
		memcpy(copy, rec.data, rec.len);
		f->recs = realloc(f->recs, (f->nrecs + 1) * sizeof(*f->recs));
		assert_non_null(f->recs);
		rec.data = copy;
		f->recs[f->nrecs++] = rec;
	}
	assert_null(trace_reader_error(r));
	trace_reader_close(r);
}

/* Value of KEY (binary-safe) or NULL. */
static const uint8_t *val(const struct trace_record *rec, const char *key, size_t *len)
{
	struct kv_pair p;
	size_t off = 0;

	while (kv_next(rec, &off, &p) == 1)
		if (p.key_len == strlen(key) && !memcmp(p.key, key, p.key_len)) {
			*len = p.val_len;
			return p.val;
		}
	return NULL;
}

static const char *str(struct fixture *f, const struct trace_record *rec, const char *key)
{
	return kv_get(rec, key, f->val, sizeof(f->val));
}

/* First record of TYPE whose KEY is VALUE, or NULL. */
static const struct trace_record *find(struct fixture *f, uint16_t type,
				       const char *key, const char *value)
{
	const uint8_t *v;
	size_t i, len;

	for (i = 0; i < f->nrecs; i++) {
		if (f->recs[i].type != type)
			continue;
		v = val(&f->recs[i], key, &len);
		if (v && len == strlen(value) && !memcmp(v, value, len))
			return &f->recs[i];
	}
	return NULL;
}

static void assert_kv(struct fixture *f, const struct trace_record *rec,
		      const char *key, const char *expect)
{
	assert_non_null(rec);
	assert_non_null(str(f, rec, key));
	assert_string_equal(f->val, expect);
}

/* ---- sysfs reader -------------------------------------------------------- */

static void test_sysfs_read(void **state)
{
	struct fixture *f = *state;
	char buf[16];
	uint32_t v;

	put(f, "/a/text", "vfio-pci\n");
	put(f, "/a/hex", "0x030000\n");
	put(f, "/a/bad", "zz\n");
	put(f, "/a/empty", "");
	link_to(f, "/a/driver", "../../bus/pci/drivers/nouveau");

	assert_int_equal(sysfs_read(f->root, "/a/text", buf, 9), 8);
	assert_string_equal(buf, "vfio-pci");
	assert_int_equal(sysfs_read(f->root, "/a/text", buf, 8), -EOVERFLOW);
	assert_int_equal(sysfs_read(f->root, "/a/empty", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	assert_int_equal(sysfs_read(f->root, "/a/none", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(sysfs_read_hex(f->root, "/a/hex", &v), 0);
	assert_int_equal(v, 0x030000);
	assert_int_equal(sysfs_read_hex(f->root, "/a/bad", &v), -EINVAL);
	assert_int_equal(sysfs_read_link(f->root, "/a/driver", buf, sizeof(buf)), 7);
	assert_string_equal(buf, "nouveau");
	assert_int_equal(sysfs_read_link(f->root, "/a/text", buf, sizeof(buf)), -EINVAL);
	/* "/" and NULL both mean the live system */
	assert_int_equal(sysfs_read_hex("/", at(f, "/a/hex"), &v), 0);
	assert_int_equal(sysfs_read_hex(NULL, at(f, "/a/hex"), &v), 0);
}

/* Writes PATH (absolute, outside the tree) with TEXT. */
static void put_outside(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

/* gputrace runs as root: a --root tree's links, absolute or climbing out
 * with "..", resolve inside the tree as chroot would; the host's files
 * beside it are never read. */
static void test_root_confined(void **state)
{
	struct fixture *f = *state;
	char secret[PATH_MAX], up[PATH_MAX], dev[PATH_MAX], buf[64];
	struct pci_dev_info info, *d;
	struct stat st;
	size_t n;

	snprintf(secret, sizeof(secret), "%s/secret", f->out);
	put_outside(secret, "OUTSIDE\n");
	put(f, "/a/text", "vfio-pci\n");
	link_to(f, "/a/abs", secret);
	/* from ROOT/a: ".." is ROOT, "../.." /tmp, where f->out lives */
	snprintf(up, sizeof(up), "../..%s/secret", f->out + strlen("/tmp"));
	link_to(f, "/a/up", up);
	/* both reach the outside file when followed as the host would */
	assert_int_equal(sysfs_read(NULL, at(f, "/a/abs"), buf, sizeof(buf)), 7);
	assert_int_equal(sysfs_read(NULL, at(f, "/a/up"), buf, sizeof(buf)), 7);
	assert_string_equal(buf, "OUTSIDE");

	assert_int_equal(sysfs_read(f->root, "/a/abs", buf, sizeof(buf)), -ENOENT);
	assert_string_equal(buf, "");
	assert_int_equal(sysfs_read(f->root, "/a/up", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(sys_read_file(f->root, "/a/abs", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(sys_read_file(f->root, "/a/up", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(root_stat(f->root, "/a/abs", &st, 1), -ENOENT);
	/* an absolute link means the tree's own file, as in the copied host */
	link_to(f, "/a/abs_in", "/a/text");
	assert_int_equal(sysfs_read(f->root, "/a/abs_in", buf, sizeof(buf)), 8);
	assert_string_equal(buf, "vfio-pci");

	/* a directory outside: a driver link in it is not named ... */
	snprintf(dev, sizeof(dev), "%s/driver", f->out);
	assert_int_equal(symlink("../drivers/nouveau", dev), 0);
	link_to(f, "/a/dir", f->out);
	assert_int_equal(sysfs_read_link(NULL, at(f, "/a/dir/driver"), buf, sizeof(buf)), 7);
	assert_int_equal(sysfs_read_link(f->root, "/a/dir/driver", buf, sizeof(buf)), -ENOENT);
	assert_string_equal(buf, "");

	/* ... and a PCI device there is not listed, its override not read */
	snprintf(dev, sizeof(dev), "%s/vendor", f->out);
	put_outside(dev, "0x10de\n");
	snprintf(dev, sizeof(dev), "%s/device", f->out);
	put_outside(dev, "0x1b80\n");
	snprintf(dev, sizeof(dev), "%s/class", f->out);
	put_outside(dev, "0x030000\n");
	snprintf(dev, sizeof(dev), "%s/driver_override", f->out);
	put_outside(dev, "OUTSIDE\n");
	link_to(f, "/sys/bus/pci/devices/" GPU, f->out);
	assert_int_equal(pci_read_state(f->root, GPU, &info), -ENOENT);
	assert_int_equal(pci_list_states(f->root, &d, &n), 0);
	assert_int_equal(n, 0);
	pci_devs_free(d);
}

/* ---- PCI ----------------------------------------------------------------- */

static const char pci_ids[] =
	"# fake pci.ids\n"
	"10de  NVIDIA Corporation\n"
	"\t1b80  GP104 [GeForce GTX 1080]\n"
	"C 03  Display controller\n"
	"\t00  VGA compatible controller\n"
	"C 04  Multimedia controller\n"
	"\t03  Audio device\n";

/* Like real sysfs: devices under /sys/devices, links in /sys/bus/pci. */
static void fake_pci_dev(struct fixture *f, const char *bdf, const char *vendor,
			 const char *device, const char *class, const char *override)
{
	char dev[128], rel[256], link[128];

	snprintf(dev, sizeof(dev), "/sys/devices/pci0000:00/0000:00:03.1/%s", bdf);
	snprintf(rel, sizeof(rel), "%s/vendor", dev);
	put(f, rel, vendor);
	snprintf(rel, sizeof(rel), "%s/device", dev);
	put(f, rel, device);
	snprintf(rel, sizeof(rel), "%s/class", dev);
	put(f, rel, class);
	snprintf(rel, sizeof(rel), "%s/driver_override", dev);
	put(f, rel, override);
	snprintf(rel, sizeof(rel), "%s/iommu_group", dev);
	link_to(f, rel, "../../../../kernel/iommu_groups/14");
	snprintf(link, sizeof(link), "/sys/bus/pci/devices/%s", bdf);
	snprintf(rel, sizeof(rel), "../../../devices/pci0000:00/0000:00:03.1/%s", bdf);
	link_to(f, link, rel);
}

static void fake_gpu(struct fixture *f)
{
	const char *dir = "/sys/devices/pci0000:00/0000:00:03.1/" GPU;
	char rel[256];

	fake_pci_dev(f, GPU, "0x10de\n", "0x1b80\n", "0x030000\n", "(null)\n");
	fake_pci_dev(f, AUDIO, "0x10de\n", "0x10f0\n", "0x040300\n", "vfio-pci\n");
	snprintf(rel, sizeof(rel), "%s/driver", dir);
	link_to(f, rel, "../../../../bus/pci/drivers/nouveau");
	snprintf(rel, sizeof(rel), "%s/power_state", dir);
	put(f, rel, "D0\n");
	snprintf(rel, sizeof(rel), "%s/reset_method", dir);
	put(f, rel, "flr bus\n");
	snprintf(rel, sizeof(rel), "%s/boot_vga", dir);
	put(f, rel, "1\n");
	snprintf(rel, sizeof(rel), "%s/subsystem_vendor", dir);
	put(f, rel, "0x1458\n");
	snprintf(rel, sizeof(rel), "%s/subsystem_device", dir);
	put(f, rel, "0x3702\n");
	snprintf(rel, sizeof(rel), "%s/power/runtime_status", dir);
	put(f, rel, "suspended\n");
	snprintf(rel, sizeof(rel), "%s/enable", dir);
	put(f, rel, "1\n");
	snprintf(rel, sizeof(rel), "%s/d3cold_allowed", dir);
	put(f, rel, "1\n");
	snprintf(rel, sizeof(rel), "%s/current_link_speed", dir);
	put(f, rel, "8.0 GT/s PCIe\n");
	snprintf(rel, sizeof(rel), "%s/current_link_width", dir);
	put(f, rel, "16\n");
	/* not devices: ignored */
	mkdirs(f, "/sys/bus/pci/devices/junk");
	mkdirs(f, "/sys/bus/pci/devices/0000:0b:00.0");	/* vanished: no vendor */
}

static void test_pci_scan(void **state)
{
	struct fixture *f = *state;
	struct pci_dev_info *d;
	size_t n;

	fake_gpu(f);
	put(f, "/usr/share/misc/pci.ids", pci_ids);
	assert_int_equal(pci_scan(f->root, &d, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(d[0].bdf, GPU);
	assert_int_equal(d[0].vendor, 0x10de);
	assert_int_equal(d[0].device, 0x1b80);
	assert_int_equal(d[0].class, 0x030000);
	assert_int_equal(d[0].subvendor, 0x1458);
	assert_int_equal(d[0].subdevice, 0x3702);
	assert_string_equal(d[0].vendor_name, "NVIDIA Corporation");
	assert_string_equal(d[0].device_name, "GP104 [GeForce GTX 1080]");
	assert_string_equal(d[0].class_name, "VGA compatible controller");
	assert_string_equal(d[0].driver, "nouveau");
	assert_string_equal(d[0].driver_override, "");	/* "(null)" */
	assert_string_equal(d[0].iommu_group, "14");
	assert_string_equal(d[0].power_state, "D0");
	assert_string_equal(d[0].reset_method, "flr bus");
	assert_int_equal(d[0].boot_vga, 1);

	assert_string_equal(d[1].bdf, AUDIO);
	assert_string_equal(d[1].device_name, "");	/* not in pci.ids */
	assert_string_equal(d[1].class_name, "Audio device");
	assert_string_equal(d[1].driver, "");
	assert_string_equal(d[1].driver_override, "vfio-pci");
	assert_string_equal(d[1].power_state, "");	/* pre-5.19 kernel */
	assert_int_equal(d[1].boot_vga, -1);
	assert_int_equal(d[1].subvendor, 0);
	pci_devs_free(d);

	/* without pci.ids: ids only, no names, no error */
	assert_int_equal(unlink(at(f, "/usr/share/misc/pci.ids")), 0);
	assert_int_equal(pci_scan(f->root, &d, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(d[0].vendor_name, "");
	assert_string_equal(d[0].device_name, "");
	assert_string_equal(d[0].class_name, "");
	pci_devs_free(d);
}

static void test_pci_empty(void **state)
{
	struct fixture *f = *state;
	struct pci_dev_info *d;
	size_t n = 1;

	/* no /sys/bus/pci at all (a machine without PCI) */
	assert_int_equal(pci_scan(f->root, &d, &n), 0);
	assert_int_equal(n, 0);
	assert_null(d);
	mkdirs(f, "/sys/bus/pci/devices");
	assert_int_equal(pci_scan(f->root, &d, &n), 0);
	assert_int_equal(n, 0);
	snapshot(f, snapshot_pci, f->root);
	assert_int_equal(f->ret, 0);
	assert_int_equal(f->nrecs, 0);
}

/* The state re-read at marks and after events: same values as the
 * snapshot, absent attributes empty, a vanished device an error. */
static void test_pci_state(void **state)
{
	struct fixture *f = *state;
	struct pci_dev_info st, *all;
	size_t n;

	fake_gpu(f);
	assert_int_equal(pci_read_state(f->root, GPU, &st), 0);
	assert_int_equal(st.vendor, 0x10de);
	assert_int_equal(st.class, 0x030000);
	assert_string_equal(st.driver, "nouveau");
	assert_string_equal(st.driver_override, "");
	assert_string_equal(st.power_state, "D0");
	assert_string_equal(st.runtime_status, "suspended");
	assert_string_equal(st.enable, "1");
	assert_string_equal(st.link_speed, "8.0 GT/s PCIe");
	assert_string_equal(st.iommu_group, "14");
	assert_int_equal(st.boot_vga, 1);
	assert_string_equal(st.vendor_name, "");	/* no pci.ids lookup */
	assert_int_equal(pci_read_state(f->root, AUDIO, &st), 0);
	assert_string_equal(st.driver_override, "vfio-pci");
	assert_string_equal(st.runtime_status, "");
	assert_true(pci_read_state(f->root, "0000:0b:00.0", &st) < 0);
	assert_int_equal(pci_list_states(f->root, &all, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(all[0].bdf, GPU);
	free(all);
}

static void test_snapshot_pci(void **state)
{
	struct fixture *f = *state;
	const struct trace_record *rec;

	fake_gpu(f);
	put(f, "/usr/share/misc/pci.ids", pci_ids);
	snapshot(f, snapshot_pci, f->root);
	assert_int_equal(f->ret, 2);
	assert_int_equal(f->nrecs, 2);
	rec = find(f, GT_REC_PCI, "bdf", GPU);
	assert_int_equal(kv_ts(rec), TS);
	assert_kv(f, rec, "phase", "start");
	assert_kv(f, rec, "vendor", "10de");
	assert_kv(f, rec, "device", "1b80");
	assert_kv(f, rec, "subvendor", "1458");
	assert_kv(f, rec, "subdevice", "3702");
	assert_kv(f, rec, "class", "030000");
	assert_kv(f, rec, "vendor_name", "NVIDIA Corporation");
	assert_kv(f, rec, "device_name", "GP104 [GeForce GTX 1080]");
	assert_kv(f, rec, "class_name", "VGA compatible controller");
	assert_kv(f, rec, "driver", "nouveau");
	assert_kv(f, rec, "driver_override", "");
	assert_kv(f, rec, "iommu_group", "14");
	assert_kv(f, rec, "power_state", "D0");
	assert_kv(f, rec, "reset_method", "flr bus");
	assert_kv(f, rec, "boot_vga", "1");
	assert_kv(f, rec, "runtime_status", "suspended");
	assert_kv(f, rec, "enable", "1");
	assert_kv(f, rec, "d3cold_allowed", "1");
	assert_kv(f, rec, "link_speed", "8.0 GT/s PCIe");
	assert_kv(f, rec, "link_width", "16");
	rec = find(f, GT_REC_PCI, "bdf", AUDIO);
	assert_kv(f, rec, "class", "040300");
	assert_kv(f, rec, "driver", "");
	assert_kv(f, rec, "driver_override", "vfio-pci");
	assert_kv(f, rec, "boot_vga", "");
}

/* ---- processes ----------------------------------------------------------- */

/* /proc/PID/stat with COMM and fields 3..22 (starttime = START). */
static void fake_proc(struct fixture *f, int pid, int ppid, const char *comm,
		      const char *cmdline, size_t cmdline_len, const char *start)
{
	char rel[64], text[512];

	snprintf(rel, sizeof(rel), "/proc/%d/stat", pid);
	snprintf(text, sizeof(text),
		 "%d (%s) S %d %d %d 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 1 0 %s "
		 "1000 200 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 17 0 0 0\n",
		 pid, comm, ppid, pid, pid, start);
	put(f, rel, text);
	snprintf(rel, sizeof(rel), "/proc/%d/status", pid);
	snprintf(text, sizeof(text), "Name:\t%.15s\nUmask:\t0022\nState:\tS (sleeping)\n"
		 "Tgid:\t%d\nPid:\t%d\nPPid:\t%d\nUid:\t1000\t0\t0\t0\nGid:\t0\t0\t0\t0\n",
		 comm, pid, pid, ppid);
	put(f, rel, text);
	snprintf(rel, sizeof(rel), "/proc/%d/cgroup", pid);
	snprintf(text, sizeof(text), "0::/qemu.slice/%d.scope\n", pid);
	put(f, rel, text);
	snprintf(rel, sizeof(rel), "/proc/%d/cmdline", pid);
	put_len(f, rel, cmdline, cmdline_len, 0444);
}

/* A recorder is a gputrace of root's: another program, another user's
 * gputrace (a comm anyone may take) or a pid /proc does not show is not. */
static void test_root_gputrace(void **state)
{
	struct fixture *f = *state;

	put(f, "/proc/10/status", "Name:\tgputrace\nUmask:\t0022\nUid:\t0\t0\t0\t0\n");
	put(f, "/proc/11/status", "Name:\tgputrace\nUid:\t1000\t1000\t1000\t1000\n");
	put(f, "/proc/12/status", "Name:\tpython3\nUid:\t0\t0\t0\t0\n");
	put(f, "/proc/13/status", "Name:\tgputrace\\nx\nUid:\t0\t0\t0\t0\n");
	put(f, "/proc/14/status", "Name:\tgputrace-old\nUid:\t0\t0\t0\t0\n");
	put(f, "/proc/15/status", "garbage");
	assert_int_equal(proc_is_root_gputrace(f->root, 10), 1);
	assert_int_equal(proc_is_root_gputrace(f->root, 11), 0);
	assert_int_equal(proc_is_root_gputrace(f->root, 12), 0);
	assert_int_equal(proc_is_root_gputrace(f->root, 13), 0);
	assert_int_equal(proc_is_root_gputrace(f->root, 14), 0);
	assert_int_equal(proc_is_root_gputrace(f->root, 15), -EINVAL);
	assert_int_equal(proc_is_root_gputrace(f->root, 16), -ENOENT);
}

/* /proc/net/unix lines: a listening socket of the type asked whose
 * abstract name starts with the prefix; not a connection it accepted
 * (same name), not another type, not a path, not another name. */
static void test_unix_listener_lines(void **state)
{
	static const char *const head = "00000000f1e2fea5: 00000002 00000000 ";
	struct unix_listener l;
	char line[256];

#define LINE(rest) (snprintf(line, sizeof(line), "%s%s", head, rest), line)
	assert_int_equal(unix_listener_parse_line(LINE("00010000 0005 01 788351 @gputrace/record/32532\n"),
						  SOCK_SEQPACKET, "gputrace/record/", &l), 1);
	assert_string_equal(l.name, "gputrace/record/32532");
	assert_int_equal(l.uid, UNIX_LISTENER_UID_UNKNOWN);
	assert_int_equal(unix_listener_parse_line(LINE("00010000 0005 01 788351 @gputrace/record/a b"),
						  SOCK_SEQPACKET, "gputrace/record/", &l), 1);
	assert_string_equal(l.name, "gputrace/record/a b");
	assert_int_equal(unix_listener_parse_line(LINE("00000000 0005 02     0 @gputrace/record/32532\n"),
						  SOCK_SEQPACKET, "gputrace/record/", &l), 0);
	assert_int_equal(unix_listener_parse_line(LINE("00010000 0001 01 788351 @gputrace/record/32532\n"),
						  SOCK_SEQPACKET, "gputrace/record/", &l), 0);
	assert_int_equal(unix_listener_parse_line(LINE("00010000 0005 01 788351 /gputrace/record/5\n"),
						  SOCK_SEQPACKET, "gputrace/record/", &l), 0);
	assert_int_equal(unix_listener_parse_line(LINE("00010000 0005 01 788351 @gputrace/other/5\n"),
						  SOCK_SEQPACKET, "gputrace/record/", &l), 0);
	assert_int_equal(unix_listener_parse_line(LINE("00010000 0005 01 788351\n"),
						  SOCK_SEQPACKET, "gputrace/record/", &l), 0);
	assert_int_equal(unix_listener_parse_line("Num       RefCount Protocol Flags    Type St Inode Path\n",
						  SOCK_SEQPACKET, "gputrace/record/", &l), 0);
#undef LINE
}

/* The live listing finds a listener of ours, and says it is ours when the
 * kernel can (sock_diag); a connection to it is no listener. */
static void test_unix_listeners_live(void **state)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0), peer = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	struct unix_listener *v;
	int n, found = 0;
	socklen_t len;

	assert_true(fd >= 0 && peer >= 0);
	len = offsetof(struct sockaddr_un, sun_path) + 1 +
		snprintf(a.sun_path + 1, sizeof(a.sun_path) - 1, "gputrace-test/%d", (int)getpid());
	assert_int_equal(bind(fd, (struct sockaddr *)&a, len), 0);
	assert_int_equal(listen(fd, 1), 0);
	assert_int_equal(connect(peer, (struct sockaddr *)&a, len), 0);
	n = unix_listeners(SOCK_SEQPACKET, "gputrace-test/", &v);
	assert_true(n >= 1);
	for (int i = 0; i < n; i++) {
		if (strcmp(v[i].name, a.sun_path + 1))
			continue;
		found++;
		assert_true(v[i].uid == (long)geteuid() || v[i].uid == UNIX_LISTENER_UID_UNKNOWN);
	}
	assert_int_equal(found, 1);
	free(v);
	assert_int_equal(unix_listeners(SOCK_STREAM, "gputrace-test/", &v), 0);
	assert_null(v);
	close(peer);
	close(fd);
}

static void test_snapshot_processes(void **state)
{
	static const char kvm_argv[] = "/usr/bin/kvm\0-id\0" "111\0";
	struct fixture *f = *state;
	const struct trace_record *rec;
	char *big, buf[64];
	const uint8_t *v;
	size_t len;

	fake_proc(f, 4021, 1, "kvm) (x y", kvm_argv, sizeof(kvm_argv) - 1, "12345");
	link_to(f, "/proc/4021/exe", "/usr/bin/qemu-system-x86_64");
	big = malloc(PROC_CMDLINE_MAX + 100);
	assert_non_null(big);
	memset(big, 'a', PROC_CMDLINE_MAX + 100);
	fake_proc(f, 1, 0, "systemd", big, PROC_CMDLINE_MAX + 100, "1");
	free(big);
	fake_proc(f, 300, 1, "kworker/0:1", "", 0, "7");
	put(f, "/proc/300/cgroup", "1:name=systemd:/\n");	/* v1 only */
	mkdirs(f, "/proc/77");		/* exited while we scan */
	mkdirs(f, "/proc/sys");
	put(f, "/proc/cmdline", "quiet\n");

	assert_int_equal(proc_read_cmdline(f->root, 4021, buf, sizeof(buf)),
			 sizeof(kvm_argv) - 1);
	assert_memory_equal(buf, kvm_argv, sizeof(kvm_argv) - 1);
	assert_int_equal(proc_read_cmdline(f->root, 77, buf, sizeof(buf)), -ENOENT);

	snapshot(f, snapshot_processes, f->root);
	assert_int_equal(f->ret, 3);
	assert_int_equal(f->nrecs, 3);
	assert_kv(f, &f->recs[0], "pid", "1");	/* ascending pids */
	assert_kv(f, &f->recs[1], "pid", "300");
	rec = find(f, GT_REC_PROCESS, "pid", "4021");
	assert_kv(f, rec, "phase", "start");
	assert_kv(f, rec, "comm", "kvm) (x y");
	assert_kv(f, rec, "ppid", "1");
	assert_kv(f, rec, "uid", "1000");
	assert_kv(f, rec, "euid", "0");
	assert_kv(f, rec, "start_time", "12345");
	assert_kv(f, rec, "cgroup", "/qemu.slice/4021.scope");
	assert_kv(f, rec, "exe", "/usr/bin/qemu-system-x86_64");
	v = val(rec, "cmdline", &len);
	assert_non_null(v);
	assert_int_equal(len, sizeof(kvm_argv) - 1);
	assert_memory_equal(v, kvm_argv, len);
	assert_null(val(rec, "cmdline_truncated", &len));

	rec = find(f, GT_REC_PROCESS, "pid", "1");
	v = val(rec, "cmdline", &len);
	assert_int_equal(len, PROC_CMDLINE_MAX);
	assert_kv(f, rec, "cmdline_truncated", "1");
	assert_kv(f, rec, "exe", "");	/* no exe link */
	rec = find(f, GT_REC_PROCESS, "pid", "300");
	assert_kv(f, rec, "cgroup", "");
	assert_kv(f, rec, "cmdline", "");
}

/* ---- configuration files ------------------------------------------------- */

static void test_snapshot_files(void **state)
{
	struct fixture *f = *state;
	const struct trace_record *rec;
	const uint8_t *v;
	char *big;
	size_t len;

	put(f, "/etc/pve/qemu-server/111.conf",
	    "boot: order=scsi0\nhookscript: " HOOK "\nhostpci0: 0000:0a:00,pcie=1,x-vga=1\n"
	    "\n[snap1]\nhookscript: " HOOK "\n");
	put(f, "/etc/pve/qemu-server/112.conf", "hookscript: nas:snippets/other.pl\n");
	put(f, "/etc/pve/qemu-server/113.conf",
	    "hookscript: local:snippets/../../../etc/shadow\n");
	put(f, "/etc/pve/qemu-server/114.conf", "hookscript: ceph:snippets/x.pl\n");
	put(f, "/etc/pve/qemu-server/115.conf", "hookscript: local:snippets/gone.pl\n");
	put(f, "/etc/pve/storage.cfg", "dir: local\n\tpath /var/lib/vz\n\tcontent snippets\n\n"
	    "nfs: nas\n\texport /srv\n\tpath /mnt/pve/nas\n\tserver 10.0.0.2\n");
	put(f, "/mnt/pve/nas/snippets/other.pl", "#!/bin/sh\n");
	put(f, "/etc/pve/qemu-server/notes.txt", "not a config\n");
	put_len(f, "/var/lib/vz/snippets/gpu-reattach-hook.pl", "#!/usr/bin/perl\n", 16, 0755);
	put(f, "/etc/shadow", "root:secret\n");
	put(f, "/etc/modprobe.d/vfio.conf", "options vfio-pci ids=10de:1b80,10de:10f0\n");
	put(f, "/etc/modprobe.d/.hidden.conf", "x\n");
	put(f, "/usr/lib/modprobe.d/systemd.conf", "options bonding max_bonds=0\n");
	link_to(f, "/lib", "usr/lib");		/* merged /usr */
	put(f, "/etc/driverctl.d/pci-0000:0a:00.0", "vfio-pci\n");
	put(f, "/etc/udev/rules.d/61-gpu.rules", "ACTION==\"add\", RUN+=\"/bin/sh\"\n");
	put(f, "/etc/libvirt/qemu/win10.xml", "<domain/>\n");
	mkdirs(f, "/etc/libvirt/qemu/networks");
	put(f, "/run/libvirt/qemu/win10.xml", "<domstatus/>\n");
	put_len(f, "/etc/libvirt/hooks/qemu", "#!/bin/sh\n", 10, 0755);
	put(f, "/etc/libvirt/hooks/qemu.d/win10/release/end/revert.sh", "echo\n");
	link_to(f, "/etc/libvirt/hooks/qemu.d/win10/loop", ".");
	put(f, "/proc/cmdline", "root=/dev/sda1 vfio-pci.ids=10de:1b80\n");
	put(f, "/etc/pve/mapping/pci.cfg", "gpu\n\tmap id=10de:1b80,node=pve1,path=0000:0a:00\n");
	big = malloc(CONFIG_FILE_MAX + 10);
	assert_non_null(big);
	memset(big, '#', CONFIG_FILE_MAX + 10);
	put_len(f, "/etc/udev/rules.d/99-big.rules", big, CONFIG_FILE_MAX + 10, 0600);
	free(big);

	snapshot(f, snapshot_files, f->root);
	assert_true(f->ret > 0);

	rec = find(f, GT_REC_FILE, "path", "/etc/pve/qemu-server/111.conf");
	assert_kv(f, rec, "phase", "start");
	assert_kv(f, rec, "mode", "0644");
	assert_non_null(str(f, rec, "mtime"));
	assert_true(strtoll(f->val, NULL, 10) > 0);
	assert_null(find(f, GT_REC_FILE, "path", "/etc/pve/qemu-server/notes.txt"));
	rec = find(f, GT_REC_FILE, "path", "/etc/pve/mapping/pci.cfg");
	assert_kv(f, rec, "content", "gpu\n\tmap id=10de:1b80,node=pve1,path=0000:0a:00\n");

	/* the hookscript, once although named twice */
	rec = find(f, GT_REC_FILE, "path", "/var/lib/vz/snippets/gpu-reattach-hook.pl");
	assert_kv(f, rec, "hookscript", HOOK);
	assert_kv(f, rec, "content", "#!/usr/bin/perl\n");
	assert_kv(f, rec, "mode", "0755");
	assert_int_equal(rec - f->recs, f->nrecs - 5);	/* after listed files */
	/* another storage, its path from storage.cfg */
	rec = find(f, GT_REC_FILE, "path", "/mnt/pve/nas/snippets/other.pl");
	assert_kv(f, rec, "hookscript", "nas:snippets/other.pl");
	assert_kv(f, rec, "content", "#!/bin/sh\n");
	/* unknown storage: the reference only */
	rec = find(f, GT_REC_FILE, "path", "ceph:snippets/x.pl");
	assert_kv(f, rec, "missing", "1");
	assert_null(val(rec, "content", &len));
	rec = find(f, GT_REC_FILE, "path", "/var/lib/vz/snippets/gone.pl");
	assert_kv(f, rec, "hookscript", "local:snippets/gone.pl");
	assert_kv(f, rec, "missing", "1");
	/* a name climbing out of snippets/ is never followed */
	rec = find(f, GT_REC_FILE, "path", "local:snippets/../../../etc/shadow");
	assert_kv(f, rec, "missing", "1");
	assert_null(find(f, GT_REC_FILE, "path", "/etc/shadow"));

	assert_non_null(find(f, GT_REC_FILE, "path", "/etc/modprobe.d/vfio.conf"));
	assert_null(find(f, GT_REC_FILE, "path", "/etc/modprobe.d/.hidden.conf"));
	/* one copy of a file reached through /lib and /usr/lib */
	assert_non_null(find(f, GT_REC_FILE, "path", "/lib/modprobe.d/systemd.conf"));
	assert_null(find(f, GT_REC_FILE, "path", "/usr/lib/modprobe.d/systemd.conf"));
	assert_kv(f, find(f, GT_REC_FILE, "path", "/etc/driverctl.d/pci-0000:0a:00.0"),
		  "content", "vfio-pci\n");
	assert_non_null(find(f, GT_REC_FILE, "path", "/etc/udev/rules.d/61-gpu.rules"));
	assert_non_null(find(f, GT_REC_FILE, "path", "/etc/libvirt/qemu/win10.xml"));
	assert_non_null(find(f, GT_REC_FILE, "path", "/run/libvirt/qemu/win10.xml"));
	assert_non_null(find(f, GT_REC_FILE, "path", "/etc/libvirt/hooks/qemu"));
	assert_non_null(find(f, GT_REC_FILE, "path",
			     "/etc/libvirt/hooks/qemu.d/win10/release/end/revert.sh"));
	assert_kv(f, find(f, GT_REC_FILE, "path", "/proc/cmdline"), "content",
		  "root=/dev/sda1 vfio-pci.ids=10de:1b80\n");

	rec = find(f, GT_REC_FILE, "path", "/etc/udev/rules.d/99-big.rules");
	v = val(rec, "content", &len);
	assert_non_null(v);
	assert_int_equal(len, CONFIG_FILE_MAX);
	assert_kv(f, rec, "truncated", "1");
	assert_kv(f, rec, "mode", "0600");
	assert_null(val(find(f, GT_REC_FILE, "path", "/proc/cmdline"), "truncated", &len));
}

/* Past CONFIG_TOTAL_MAX files are listed but not copied. */
static void test_snapshot_files_total(void **state)
{
	struct fixture *f = *state;
	size_t nfull = CONFIG_TOTAL_MAX / CONFIG_FILE_MAX, i, len;
	const struct trace_record *rec;
	char rel[64], *chunk;

	chunk = malloc(CONFIG_FILE_MAX);
	assert_non_null(chunk);
	memset(chunk, 'x', CONFIG_FILE_MAX);
	for (i = 0; i <= nfull; i++) {
		snprintf(rel, sizeof(rel), "/etc/modprobe.d/%03zu.conf", i);
		put_len(f, rel, chunk, CONFIG_FILE_MAX, 0644);
	}
	free(chunk);
	put(f, "/proc/cmdline", "quiet\n");
	snapshot(f, snapshot_files, f->root);
	assert_int_equal(f->ret, nfull);
	snprintf(rel, sizeof(rel), "/etc/modprobe.d/%03zu.conf", nfull - 1);
	rec = find(f, GT_REC_FILE, "path", rel);
	assert_non_null(val(rec, "content", &len));
	assert_int_equal(len, CONFIG_FILE_MAX);
	assert_null(val(rec, "truncated", &len));
	snprintf(rel, sizeof(rel), "/etc/modprobe.d/%03zu.conf", nfull);
	assert_kv(f, find(f, GT_REC_FILE, "path", rel), "skipped", "1");
	assert_kv(f, find(f, GT_REC_FILE, "path", "/proc/cmdline"), "skipped", "1");
}

/* A config directory that is there but cannot be read (a symlink loop
 * here: root reads through any mode; a dead /etc/pve gives ENOTCONN) is
 * said in the snapshot and by root_list, not taken for an empty one; an
 * absent one is empty. */
static void test_unreadable_dir_said(void **state)
{
	struct fixture *f = *state;
	char **names;

	link_to(f, "/etc/pve/qemu-server", "/etc/pve/qemu-server");
	assert_int_equal(root_list(f->root, "/etc/pve/qemu-server", &names), -ELOOP);
	assert_int_equal(root_list(f->root, "/etc/absent", &names), 0);
	snapshot(f, snapshot_files, f->root);
	assert_kv(f, find(f, GT_REC_FILE, "path", "/etc/pve/qemu-server"), "error",
		  strerror(ELOOP));
}

/* Every hookscript the VM configs name is in the snapshot, however many
 * there are (each VM its own), copied or said missing once each, in the
 * order first named: VM 1000+I names h(I) and, in a snapshot section,
 * h(299-I), so each is named twice, the second time far from the first. */
static void test_snapshot_many_hookscripts(void **state)
{
	struct fixture *f = *state;
	char rel[64], text[160];
	size_t n = 0;

	put(f, "/etc/pve/storage.cfg", "dir: local\n\tpath /var/lib/vz\n\tcontent snippets\n");
	for (int i = 0; i < 300; i++) {
		snprintf(rel, sizeof(rel), "/etc/pve/qemu-server/%d.conf", 1000 + i);
		snprintf(text, sizeof(text), "hookscript: local:snippets/h%03d.pl\n[snap]\n"
			 "hookscript: local:snippets/h%03d.pl\n", i, 299 - i);
		put(f, rel, text);
		snprintf(rel, sizeof(rel), "/var/lib/vz/snippets/h%03d.pl", i);
		if (i % 2 == 0)		/* the odd ones are missing */
			put(f, rel, "#!/bin/sh\n");
	}
	snapshot(f, snapshot_files, f->root);
	assert_true(f->ret > 0);
	for (size_t i = 0; i < f->nrecs; i++) {
		int k = n / 2;

		if (f->recs[i].type != GT_REC_FILE || !str(f, &f->recs[i], "hookscript"))
			continue;
		assert_true(n < 300);
		snprintf(text, sizeof(text), "local:snippets/h%03d.pl", n % 2 ? 299 - k : k);
		assert_string_equal(f->val, text);
		n++;
	}
	assert_int_equal(n, 300);
	for (int i = 0; i < 300; i++) {
		snprintf(rel, sizeof(rel), "/var/lib/vz/snippets/h%03d.pl", i);
		snprintf(text, sizeof(text), "local:snippets/h%03d.pl", i);
		if (i % 2 == 0)
			assert_kv(f, find(f, GT_REC_FILE, "path", rel), "hookscript", text);
		else
			assert_kv(f, find(f, GT_REC_FILE, "path", rel), "missing", "1");
	}
}

/* ---- the live system ----------------------------------------------------- */

static int looks_like_bdf(const char *s)
{
	return strlen(s) >= 12 && s[strlen(s) - 8] == ':' &&
	       s[strlen(s) - 5] == ':' && s[strlen(s) - 2] == '.';
}

static void test_live(void **state)
{
	struct fixture *f = *state;
	const struct trace_record *rec;
	char pid[16], ppid[16], comm[32];
	struct stat st;
	size_t i;

	if (stat("/sys/bus/pci/devices", &st) == 0) {
		snapshot(f, snapshot_pci, "/");
		assert_true(f->ret >= 1);
		assert_int_equal(f->nrecs, f->ret);
		for (i = 0; i < f->nrecs; i++) {
			assert_non_null(str(f, &f->recs[i], "bdf"));
			assert_true(looks_like_bdf(f->val));
			assert_int_equal(strlen(str(f, &f->recs[i], "class")), 6);
		}
	}

	snapshot(f, snapshot_processes, "/");
	assert_true(f->ret >= 2);
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	snprintf(ppid, sizeof(ppid), "%d", (int)getppid());
	rec = find(f, GT_REC_PROCESS, "pid", pid);
	assert_kv(f, rec, "ppid", ppid);
	assert_int_equal(sysfs_read(NULL, "/proc/self/comm", comm, sizeof(comm)) > 0, 1);
	assert_kv(f, rec, "comm", comm);
	assert_non_null(str(f, rec, "start_time"));
	assert_true(strtoull(f->val, NULL, 10) > 0);

	snapshot(f, snapshot_files, "/");
	assert_true(f->ret >= 1);
	rec = find(f, GT_REC_FILE, "path", "/proc/cmdline");
	assert_non_null(rec);
	assert_non_null(val(rec, "content", &i));
	assert_true(i > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sysfs_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_root_confined, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pci_scan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pci_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pci_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_pci, setup, teardown),
		cmocka_unit_test_setup_teardown(test_root_gputrace, setup, teardown),
		cmocka_unit_test(test_unix_listener_lines),
		cmocka_unit_test(test_unix_listeners_live),
		cmocka_unit_test_setup_teardown(test_snapshot_processes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_files_total, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_many_hookscripts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unreadable_dir_said, setup, teardown),
		cmocka_unit_test_setup_teardown(test_live, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
