// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * PCI device snapshot. Devices are enumerated from sysfs with our own reader;
 * libpci is used only to turn ids into names from pci.ids.
 *
 * Why not pci_scan_bus()/pci_fill_info(): libpci reports every problem through
 * its error() callback, which it declares noreturn (the default exits). A
 * device removed while we scan (remove + rescan is one of the paths we
 * record), an unreadable vendor file or a missing /sys/bus/pci would end the
 * recorder. Its automatic method probing may also fall back to raw port I/O,
 * and this tool must not touch devices.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pci/pci.h>

#include "sys/pci.h"
#include "sys/rootfs.h"
#include "sys/sysfs.h"
#include "util.h"

#define PCI_DEVICES_DIR	"/sys/bus/pci/devices"
#define PCI_DEVS_MAX	65536	/* 256 buses x 32 slots x 8 functions */

/* ---- names --------------------------------------------------------------- */

/* libpci declares error() noreturn. Without pci_init() it is reached only
 * when pci.ids is corrupt; report and exit as lspci would. */
static void __attribute__((noreturn, format(printf, 1, 2)))
names_fatal(char *msg, ...)
{
	va_list ap;

	va_start(ap, msg);
	fputs("gputrace: libpci: ", stderr);
	vfprintf(stderr, msg, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(EXIT_FAILURE);
}

static void __attribute__((format(printf, 1, 2))) names_quiet(char *msg, ...)
{
	(void)msg;
}

struct pci_names {
	struct pci_access *pacc;
	int flags;
	int ids_fd;	/* a tree's own pci.ids, read by libpci through /proc */
};

/* A tree's pci.ids, opened inside it: libpci opens what it is given by
 * name, and a name joined under the tree would follow a planted link out of
 * it. libpci also tries the default name without ".gz"; so do we. Returns
 * an fd of a regular file or -1. */
static int tree_ids_open(const char *root, const char *name)
{
	char plain[4096];
	size_t len = strlen(name);
	struct stat st;
	int fd = root_open(root, name, O_RDONLY);

	if (fd < 0 && len > 3 && !strcmp(name + len - 3, ".gz") && len - 3 < sizeof(plain)) {
		snprintf(plain, sizeof(plain), "%.*s", (int)(len - 3), name);
		fd = root_open(root, plain, O_RDONLY);
	}
	if (fd >= 0 && (fstat(fd, &st) || !S_ISREG(st.st_mode))) {
		close(fd);
		fd = -1;
	}
	return fd < 0 ? -1 : fd;
}

static void names_open(struct pci_names *nm, const char *root)
{
	struct pci_access *a = pci_alloc();
	char path[64], *name = NULL;

	a->error = names_fatal;
	a->warning = names_quiet;
	a->debug = names_quiet;
	/* pci.ids only: no ~/.pciids-cache, no DNS, and no udev hwdb, which
	 * is built from the same database (libpci 3.9 also leaks a udev
	 * context per lookup when hwdb.bin is absent). Ids are recorded
	 * anyway, so a report can name devices pci.ids lacked here. */
	a->id_lookup_mode = 0;
	nm->flags = PCI_LOOKUP_NO_NUMBERS | PCI_LOOKUP_NO_HWDB;
	/* A fake tree carries its own pci.ids, or has none: then no names,
	 * never the host's (an empty name opens nothing). */
	nm->ids_fd = -1;
	if (!sys_root_is_live(root)) {
		nm->ids_fd = tree_ids_open(root, a->id_file_name);
		if (nm->ids_fd >= 0) {
			snprintf(path, sizeof(path), "/proc/self/fd/%d", nm->ids_fd);
			name = strdup(path);
		}
		if (name)
			pci_set_name_list_path(a, name, 1);
		else
			pci_set_name_list_path(a, (char *)"", 0);
	}
	nm->pacc = a;
}

static void names_close(struct pci_names *nm)
{
	pci_cleanup(nm->pacc);
	if (nm->ids_fd >= 0)
		close(nm->ids_fd);
}

static void name_copy(char *dst, size_t size, const char *name)
{
	snprintf(dst, size, "%s", name ? name : "");
}

static void names_lookup(struct pci_names *nm, struct pci_dev_info *d)
{
	char buf[256];
	struct pci_access *a = nm->pacc;

	name_copy(d->vendor_name, sizeof(d->vendor_name),
		  pci_lookup_name(a, buf, sizeof(buf), nm->flags | PCI_LOOKUP_VENDOR,
				  d->vendor));
	name_copy(d->device_name, sizeof(d->device_name),
		  pci_lookup_name(a, buf, sizeof(buf), nm->flags | PCI_LOOKUP_DEVICE,
				  d->vendor, d->device));
	name_copy(d->class_name, sizeof(d->class_name),
		  pci_lookup_name(a, buf, sizeof(buf), nm->flags | PCI_LOOKUP_CLASS,
				  d->class >> 8));
}

/* ---- sysfs --------------------------------------------------------------- */

static int attr_path(char *buf, size_t size, const char *bdf, const char *attr)
{
	int n = snprintf(buf, size, PCI_DEVICES_DIR "/%s/%s", bdf, attr);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static int read_hex(const char *root, const char *bdf, const char *attr,
		    uint32_t *val)
{
	char path[256];
	int err = attr_path(path, sizeof(path), bdf, attr);

	return err ? err : sysfs_read_hex(root, path, val);
}

/* Optional text attribute: "" when absent or unreadable. */
static void read_opt(const char *root, const char *bdf, const char *attr,
		     char *buf, size_t size)
{
	char path[256];

	if (attr_path(path, sizeof(path), bdf, attr) ||
	    sysfs_read(root, path, buf, size) < 0)
		buf[0] = '\0';
}

static void read_link_opt(const char *root, const char *bdf, const char *attr,
			  char *buf, size_t size)
{
	char path[256];

	if (attr_path(path, sizeof(path), bdf, attr) ||
	    sysfs_read_link(root, path, buf, size) < 0)
		buf[0] = '\0';
}

int pci_read_state(const char *root, const char *bdf, struct pci_dev_info *d)
{
	uint32_t vendor, device, v;
	char buf[16];
	int err;

	memset(d, 0, sizeof(*d));
	snprintf(d->bdf, sizeof(d->bdf), "%.*s", (int)sizeof(d->bdf) - 1, bdf);
	err = read_hex(root, bdf, "vendor", &vendor);
	if (!err)
		err = read_hex(root, bdf, "device", &device);
	if (!err)
		err = read_hex(root, bdf, "class", &d->class);
	if (err)
		return err;
	d->vendor = vendor;
	d->device = device;
	if (!read_hex(root, bdf, "subsystem_vendor", &v))
		d->subvendor = v;
	if (!read_hex(root, bdf, "subsystem_device", &v))
		d->subdevice = v;
	read_link_opt(root, bdf, "driver", d->driver, sizeof(d->driver));
	read_link_opt(root, bdf, "iommu_group", d->iommu_group, sizeof(d->iommu_group));
	read_opt(root, bdf, "driver_override", d->driver_override,
		 sizeof(d->driver_override));
	/* The kernel prints an unset override (a NULL pointer) with "%s", so
	 * "(null)" means none; no driver can be named that. */
	if (!strcmp(d->driver_override, "(null)"))
		d->driver_override[0] = '\0';
	read_opt(root, bdf, "power_state", d->power_state, sizeof(d->power_state));
	read_opt(root, bdf, "reset_method", d->reset_method, sizeof(d->reset_method));
	read_opt(root, bdf, "boot_vga", buf, sizeof(buf));
	d->boot_vga = buf[0] ? buf[0] == '1' : -1;
	read_opt(root, bdf, "power/runtime_status", d->runtime_status, sizeof(d->runtime_status));
	read_opt(root, bdf, "enable", d->enable, sizeof(d->enable));
	read_opt(root, bdf, "d3cold_allowed", d->d3cold_allowed, sizeof(d->d3cold_allowed));
	read_opt(root, bdf, "current_link_speed", d->link_speed, sizeof(d->link_speed));
	read_opt(root, bdf, "current_link_width", d->link_width, sizeof(d->link_width));
	return 0;
}

/* Same-width lowercase hex: string order is bus order (a longer,
 * VMD-style domain sorts after the 4-digit ones). */
static int cmp_bdf(const void *a, const void *b)
{
	const char *x = ((const struct pci_dev_info *)a)->bdf;
	const char *y = ((const struct pci_dev_info *)b)->bdf;

	if (strlen(x) != strlen(y))
		return strlen(x) < strlen(y) ? -1 : 1;
	return strcmp(x, y);
}

int pci_list_states(const char *root, struct pci_dev_info **out, size_t *n)
{
	struct pci_dev_info *devs = NULL;
	size_t count = 0, cap = 0;
	struct dirent *de;
	DIR *dp;
	int err;

	*out = NULL;
	*n = 0;
	if ((err = root_opendir(root, PCI_DEVICES_DIR, &dp)))
		return err == -ENOENT ? 0 : err;	/* no PCI bus: no devices */
	while ((de = readdir(dp)) && count < PCI_DEVS_MAX) {
		if (!pci_name_is_sysfs(de->d_name, strlen(de->d_name)))
			continue;
		if (array_reserve((void **)&devs, &cap, count + 1, sizeof(*devs))) {
			closedir(dp);
			free(devs);
			return -ENOMEM;
		}
		/* a device that fails went away meanwhile: left out */
		if (!pci_read_state(root, de->d_name, &devs[count]))
			count++;
	}
	closedir(dp);
	if (count)
		qsort(devs, count, sizeof(*devs), cmp_bdf);
	*out = devs;
	*n = count;
	return 0;
}

int pci_scan(const char *root, struct pci_dev_info **out, size_t *n)
{
	struct pci_names nm;
	int err = pci_list_states(root, out, n);

	if (err || !*n)
		return err;
	names_open(&nm, root);
	for (size_t i = 0; i < *n; i++)
		names_lookup(&nm, &(*out)[i]);
	names_close(&nm);
	return 0;
}

/* Up to MAX hex digits of *P, advancing it; -1 if there are none. */
static long hex_field(const char **p, int max)
{
	long v = 0;
	int n = 0;

	for (; n < max && isxdigit((unsigned char)**p); n++, (*p)++)
		v = v * 16 + (isdigit((unsigned char)**p) ? **p - '0' : (tolower(**p) - 'a' + 10));
	return n ? v : -1;
}

int pci_bdf_normalize(const char *in, char *out, size_t size, int allow_slot)
{
	long f[3] = { 0 }, fn = -1;
	const char *p = in;
	int n = 0, len;

	/* domain:bus:slot or bus:slot, then an optional .function */
	while (n < 3) {
		f[n] = hex_field(&p, n == 0 ? 8 : 4);
		if (f[n++] < 0 || *p != ':')
			break;
		p++;
	}
	if (n < 2 || f[n - 1] < 0)
		return -EINVAL;
	if (n == 2) {
		f[2] = f[1];
		f[1] = f[0];
		f[0] = 0;
	}
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '7')
			return -EINVAL;
		fn = *p++ - '0';
	}
	if (*p || f[1] > 0xff || f[2] > 0x1f || (fn < 0 && !allow_slot))
		return -EINVAL;
	if (fn < 0)
		len = snprintf(out, size, "%04lx:%02lx:%02lx", f[0], f[1], f[2]);
	else
		len = snprintf(out, size, "%04lx:%02lx:%02lx.%ld", f[0], f[1], f[2], fn);
	return len < 0 || (size_t)len >= size ? -EINVAL : 0;
}

void pci_devs_free(struct pci_dev_info *devs)
{
	free(devs);
}
