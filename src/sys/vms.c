// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Which running VM holds which PCI device. Three views that usually agree:
 * the QEMU argv (what QEMU was really given), the Proxmox config of a VM
 * whose pid file is live, and libvirt's status XML of a running domain.
 * One VM seen by two of them is reported once, with both sources.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sys/conffile.h"
#include "sys/pci.h"
#include "sys/procs.h"
#include "sys/sysfs.h"
#include "sys/vms.h"

#define PVE_CONF_DIR	"/etc/pve/qemu-server"
#define PVE_MAPPING	"/etc/pve/mapping/pci.cfg"
#define LIBVIRT_RUN_DIR	"/run/libvirt/qemu"
#define XML_MAX		(1024 * 1024)

struct vm_list {
	struct vm_info *v;
	size_t n, cap;
};

const char *vm_kind_name(enum vm_kind kind)
{
	switch (kind) {
	case VM_PROXMOX: return "proxmox";
	case VM_LIBVIRT: return "libvirt";
	default:	 return "qemu";
	}
}

bool vm_holds(const struct vm_info *vm, const char *bdf)
{
	for (size_t i = 0; i < vm->ndevs; i++) {
		size_t len = strlen(vm->devs[i]);

		if (!strcmp(vm->devs[i], bdf) ||
		    (!strchr(vm->devs[i], '.') && !strncmp(vm->devs[i], bdf, len) && bdf[len] == '.'))
			return true;
	}
	return false;
}

static void add_dev(struct vm_info *vm, const char *bdf)
{
	for (size_t i = 0; i < vm->ndevs; i++)
		if (!strcmp(vm->devs[i], bdf))
			return;
	if (vm->ndevs < VM_DEVS_MAX)
		snprintf(vm->devs[vm->ndevs++], sizeof(vm->devs[0]), "%s", bdf);
}

static void add_source(struct vm_info *vm, const char *src)
{
	size_t len = strlen(vm->source);

	snprintf(vm->source + len, sizeof(vm->source) - len, "%s%s", len ? ", " : "", src);
}

/* The entry for KIND/ID, created if new. NULL when out of memory. */
static struct vm_info *vm_get(struct vm_list *l, enum vm_kind kind, const char *id)
{
	struct vm_info *grown;

	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].kind == kind && id[0] && !strcmp(l->v[i].id, id))
			return &l->v[i];
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		grown = realloc(l->v, l->cap * sizeof(*grown));
		if (!grown)
			return NULL;
		l->v = grown;
	}
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	l->v[l->n].kind = kind;
	snprintf(l->v[l->n].id, sizeof(l->v[0].id), "%s", id);
	return &l->v[l->n++];
}

/* A VM known by its manager's files whose QEMU process was not recognised
 * as the manager's (no -id, no guest=): the same VM, found by its pid. */
static struct vm_info *vm_claim(struct vm_list *l, enum vm_kind kind, const char *id, long pid)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].kind == kind && !strcmp(l->v[i].id, id))
			return &l->v[i];
	for (size_t i = 0; pid > 0 && i < l->n; i++)
		if (l->v[i].kind == VM_QEMU && l->v[i].pid == pid) {
			l->v[i].kind = kind;
			snprintf(l->v[i].id, sizeof(l->v[i].id), "%s", id);
			return &l->v[i];
		}
	return vm_get(l, kind, id);
}

static bool pid_alive(const char *root, long pid)
{
	char rel[64], full[PATH_MAX];
	struct stat st;

	snprintf(rel, sizeof(rel), "/proc/%ld", pid);
	return pid > 0 && !sys_path(full, sizeof(full), root, rel) && !stat(full, &st);
}

/* ---- QEMU argv ----------------------------------------------------------- */

/* Value of "KEY": "VALUE" in a JSON -device argument, unescaped enough for
 * device and path names. */
static int json_member(const char *json, const char *key, char *out, size_t size)
{
	char pat[64];
	const char *p;
	size_t n = 0;

	snprintf(pat, sizeof(pat), "\"%s\"", key);
	p = strstr(json, pat);
	if (!p)
		return -ENOENT;
	p += strlen(pat);
	p += strspn(p, " \t");
	if (*p++ != ':')
		return -ENOENT;
	p += strspn(p, " \t");
	if (*p++ != '"')
		return -ENOENT;
	while (*p && *p != '"' && n + 1 < size)
		out[n++] = *p++;
	out[n] = '\0';
	return 0;
}

/* "KEY=VALUE" member of a "driver,k=v,..." option string. */
static int opt_member(const char *opts, const char *key, char *out, size_t size)
{
	size_t klen = strlen(key), n;
	const char *p = opts;

	while (p && *p) {
		if (!strncmp(p, key, klen) && p[klen] == '=') {
			n = strcspn(p + klen + 1, ",");
			snprintf(out, size, "%.*s", (int)n, p + klen + 1);
			return 0;
		}
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return -ENOENT;
}

static bool is_vfio_driver(const char *drv)
{
	return !strcmp(drv, "vfio-pci") || !strcmp(drv, "vfio-pci-nohotplug");
}

int qemu_vfio_host(const char *value, char *bdf, size_t size)
{
	char drv[64] = "", host[PATH_MAX] = "";
	const char *base;
	size_t n;

	if (value[0] == '{') {
		if (json_member(value, "driver", drv, sizeof(drv)) || !is_vfio_driver(drv))
			return -ENOENT;
		if (json_member(value, "host", host, sizeof(host)))
			json_member(value, "sysfsdev", host, sizeof(host));
	} else {
		n = strcspn(value, ",");
		if (memchr(value, '=', n))
			opt_member(value, "driver", drv, sizeof(drv));
		else
			snprintf(drv, sizeof(drv), "%.*s", (int)n, value);
		if (!is_vfio_driver(drv))
			return -ENOENT;
		if (opt_member(value, "host", host, sizeof(host)))
			opt_member(value, "sysfsdev", host, sizeof(host));
	}
	base = strrchr(host, '/');	/* sysfsdev=/sys/bus/pci/devices/BDF */
	base = base ? base + 1 : host;
	return pci_bdf_normalize(base, bdf, size, 1) ? -ENOENT : 0;
}

static bool is_qemu(const char *argv0)
{
	const char *base = strrchr(argv0, '/');

	base = base ? base + 1 : argv0;
	return !strncmp(base, "qemu-system-", 12) || !strcmp(base, "kvm") ||
	       !strcmp(base, "qemu-kvm");
}

static void scan_qemu(const char *root, pid_t pid, char *buf, size_t size, struct vm_list *l)
{
	const char *args[4096], *name = "", *pveid = "", *v;
	char bdf[20], id[128], src[64], from_pidfile[64];
	enum vm_kind kind = VM_QEMU;
	struct vm_info *vm;
	int len, argc = 0, i;

	len = proc_read_cmdline(root, pid, buf, size - 1);
	if (len <= 0)
		return;
	buf[len] = '\0';
	for (i = 0; i < len && argc < 4096; i += strlen(buf + i) + 1)
		args[argc++] = buf + i;
	if (!argc || !is_qemu(args[0]))
		return;
	for (i = 1; i + 1 < argc; i++) {
		v = args[i + 1];
		if (!strcmp(args[i], "-id")) {
			pveid = v;
		} else if (!strcmp(args[i], "-pidfile") && strstr(v, "/qemu-server/") && !pveid[0]) {
			v = strrchr(v, '/') + 1;	/* /var/run/qemu-server/ID.pid */
			snprintf(from_pidfile, sizeof(from_pidfile), "%.*s", (int)strcspn(v, "."), v);
			pveid = from_pidfile;
		} else if (!strcmp(args[i], "-name")) {
			name = v;
		}
	}
	if (pveid[0]) {
		kind = VM_PROXMOX;
		snprintf(id, sizeof(id), "%s", pveid);
	} else if (!strncmp(name, "guest=", 6)) {
		kind = VM_LIBVIRT;
		snprintf(id, sizeof(id), "%.*s", (int)strcspn(name + 6, ","), name + 6);
	} else {
		snprintf(id, sizeof(id), "%.*s", (int)strcspn(name, ","), name);
	}
	vm = vm_get(l, kind, kind == VM_QEMU ? "" : id);
	if (!vm)
		return;
	if (kind == VM_QEMU)
		snprintf(vm->id, sizeof(vm->id), "%s", id);
	vm->pid = pid;
	snprintf(src, sizeof(src), "/proc/%d/cmdline", (int)pid);
	add_source(vm, src);
	for (i = 1; i + 1 < argc; i++)
		if ((!strcmp(args[i], "-device") || !strcmp(args[i], "--device")) &&
		    !qemu_vfio_host(args[i + 1], bdf, sizeof(bdf)))
			add_dev(vm, bdf);
}

/* ---- Proxmox ------------------------------------------------------------- */

/* Live pid of VM ID from its pid file, or 0. */
static long pve_pid(const char *root, const char *id)
{
	static const char *const dirs[] = { "/var/run/qemu-server", "/run/qemu-server" };
	char rel[256], buf[32];
	long pid;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(rel, sizeof(rel), "%s/%s.pid", dirs[i], id);
		if (sysfs_read(root, rel, buf, sizeof(buf)) > 0) {
			pid = strtol(buf, NULL, 10);
			return pid_alive(root, pid) ? pid : 0;
		}
	}
	return 0;
}

/* Adds every ';'-separated address of LIST (up to its first ','). */
static void add_addr_list(struct vm_info *vm, const char *list)
{
	char one[64], bdf[20];
	size_t n;

	while (*list && *list != ',') {
		n = strcspn(list, ";,");
		snprintf(one, sizeof(one), "%.*s", (int)n, list);
		if (!pci_bdf_normalize(one, bdf, sizeof(bdf), 1))
			add_dev(vm, bdf);
		list += n;
		if (*list == ';')
			list++;
	}
}

/* A resource mapping ("mapping=NAME"): the "map" entries of this node in
 * /etc/pve/mapping/pci.cfg. */
static void add_mapping(const char *root, struct vm_info *vm, const char *name, size_t nlen)
{
	char node[256] = "", val[256];
	struct conf_file f;
	bool in = false;

	if (conf_read(root, PVE_MAPPING, &f))
		return;
	sysfs_read(root, "/proc/sys/kernel/hostname", node, sizeof(node));
	for (size_t i = 0; i < f.n; i++) {
		const char *t = f.lines[i].text;

		if (strncmp(t, "map ", 4)) {
			in = strlen(t) == nlen && !strncmp(t, name, nlen);
			continue;
		}
		if (!in || (node[0] && !opt_member(t + 4, "node", val, sizeof(val)) &&
			    strcmp(val, node)))
			continue;
		if (!opt_member(t + 4, "path", val, sizeof(val)))
			add_addr_list(vm, val);
	}
	conf_free(&f);
}

/* "hostpci0: 0000:0a:00,pcie=1" / "hostpci1: host=0a:00.0;0a:00.1" /
 * "hostpci2: mapping=gpu,..." in the current section of the config. */
static void scan_pve_conf(const char *root, const char *path, struct vm_list *l)
{
	char id[128], val[256];
	const char *base = strrchr(path, '/') + 1, *v;
	struct vm_info *vm;
	struct conf_file f;
	long pid;

	snprintf(id, sizeof(id), "%.*s", (int)(strlen(base) - 5), base);
	pid = pve_pid(root, id);
	if (!pid || conf_read(root, path, &f))
		return;
	vm = vm_claim(l, VM_PROXMOX, id, pid);
	if (!vm) {
		conf_free(&f);
		return;
	}
	if (!vm->pid)
		vm->pid = pid;
	add_source(vm, path);
	for (size_t i = 0; i < f.n && f.lines[i].text[0] != '['; i++) {
		const char *t = f.lines[i].text;

		if (strncmp(t, "hostpci", 7) || !(v = strchr(t, ':')))
			continue;
		v += 1 + strspn(v + 1, " \t");
		if (!opt_member(v, "mapping", val, sizeof(val)))
			add_mapping(root, vm, val, strlen(val));
		else if (!opt_member(v, "host", val, sizeof(val)))
			add_addr_list(vm, val);
		else if (!strchr(v, '=') || strcspn(v, "=") > strcspn(v, ","))
			add_addr_list(vm, v);
	}
	conf_free(&f);
}

/* ---- libvirt ------------------------------------------------------------- */

/* Attribute NAME of the tag spanning [TAG, END). */
static int xml_attr(const char *tag, const char *end, const char *name, char *out, size_t size)
{
	size_t nlen = strlen(name), n;
	const char *p;

	for (p = tag; p && p < end; p++) {
		p = strstr(p, name);
		if (!p || p >= end)
			return -ENOENT;
		if ((p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\n') && p[nlen] == '=' &&
		    (p[nlen + 1] == '\'' || p[nlen + 1] == '"')) {
			n = strcspn(p + nlen + 2, p[nlen + 1] == '\'' ? "'" : "\"");
			snprintf(out, size, "%.*s", (int)n, p + nlen + 2);
			return 0;
		}
	}
	return -ENOENT;
}

/* Within [P, END): first TAG ("<address") as [*START, *TAG_END). */
static const char *xml_find(const char *p, const char *end, const char *tag, const char **tag_end)
{
	const char *s = strstr(p, tag);

	if (!s || s >= end)
		return NULL;
	*tag_end = strchr(s, '>');
	return *tag_end && *tag_end < end ? s : NULL;
}

static void add_hostdev(struct vm_info *vm, const char *addr, const char *end)
{
	static const char *const names[] = { "domain", "bus", "slot", "function" };
	long v[4];
	char val[32], bdf[20];

	for (int i = 0; i < 4; i++) {
		if (xml_attr(addr, end, names[i], val, sizeof(val)))
			return;
		v[i] = strtol(val, NULL, 0);
	}
	snprintf(bdf, sizeof(bdf), "%04lx:%02lx:%02lx.%lx", v[0] & 0xffff, v[1] & 0xff,
		 v[2] & 0x1f, v[3] & 7);
	add_dev(vm, bdf);
}

static void scan_libvirt_xml(const char *root, const char *path, struct vm_list *l, char *xml)
{
	const char *base = strrchr(path, '/') + 1, *p, *hd_end, *tag_end, *src, *src_end, *addr;
	char name[128], val[64];
	struct vm_info *vm;
	long pid = 0;
	ssize_t n;

	n = sys_read_file(root, path, xml, XML_MAX);
	if (n <= 0)
		return;
	xml[n] = '\0';
	p = xml_find(xml, xml + n, "<domstatus", &tag_end);
	if (p && !xml_attr(p, tag_end, "pid", val, sizeof(val))) {
		pid = strtol(val, NULL, 10);
		if (!pid_alive(root, pid))
			return;		/* a status file left by a crash */
	}
	snprintf(name, sizeof(name), "%.*s", (int)(strlen(base) - 4), base);
	vm = vm_claim(l, VM_LIBVIRT, name, pid);
	if (!vm)
		return;
	if (!vm->pid)
		vm->pid = pid;
	add_source(vm, path);
	for (p = xml; (p = strstr(p, "<hostdev")); p = hd_end) {
		hd_end = strstr(p, "</hostdev>");
		if (!hd_end)
			break;
		if (!xml_find(p, hd_end, "<hostdev", &tag_end) ||
		    xml_attr(p, tag_end, "type", val, sizeof(val)) || strcmp(val, "pci"))
			continue;
		/* The <address> inside <source> is the host's; the one after it
		 * is where the guest sees the device. */
		src = xml_find(p, hd_end, "<source", &tag_end);
		if (!src)
			continue;
		src_end = strstr(tag_end, "</source>");
		if (!src_end || src_end > hd_end)
			continue;
		addr = xml_find(tag_end, src_end, "<address", &tag_end);
		if (addr)
			add_hostdev(vm, addr, tag_end);
	}
}

/* ---- all ----------------------------------------------------------------- */

int vms_scan(const char *root, struct vm_info **out, size_t *n)
{
	static const char *const pve_dirs[] = { PVE_CONF_DIR };
	static const char *const lv_dirs[] = { LIBVIRT_RUN_DIR };
	struct vm_list l = { 0 };
	char **paths, *buf;
	size_t npids, npaths, i;
	pid_t *pids;
	int err;

	*out = NULL;
	*n = 0;
	err = proc_list_pids(root, &pids, &npids);
	if (err)
		return err;
	buf = malloc(XML_MAX + 1);
	if (!buf) {
		free(pids);
		return -ENOMEM;
	}
	for (i = 0; i < npids; i++)
		scan_qemu(root, pids[i], buf, PROC_CMDLINE_MAX + 1, &l);
	free(pids);
	if (!conf_list(root, pve_dirs, 1, ".conf", &paths, &npaths)) {
		for (i = 0; i < npaths; i++)
			scan_pve_conf(root, paths[i], &l);
		conf_list_free(paths, npaths);
	}
	if (!conf_list(root, lv_dirs, 1, ".xml", &paths, &npaths)) {
		for (i = 0; i < npaths; i++)
			scan_libvirt_xml(root, paths[i], &l, buf);
		conf_list_free(paths, npaths);
	}
	free(buf);
	*out = l.v;
	*n = l.n;
	return 0;
}
