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
#include "sys/rootfs.h"
#include "sys/pve_mapping.h"
#include "sys/sysfs.h"
#include "sys/vmconf.h"
#include "sys/vms.h"
#include "util.h"

#define PVE_CONF_DIR	"/etc/pve/qemu-server"
#define LIBVIRT_RUN_DIR	"/run/libvirt/qemu"	/* running domains' status XML */
#define LIBVIRT_CONF_DIR "/etc/libvirt/qemu"	/* every domain's definition */
#define XML_MAX		(1024 * 1024)

struct vm_list {
	struct vm_info *v;
	size_t n, cap;
};

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
	else
		vm->devs_cut = true;
}

static void add_conf_devs(struct vm_info *vm, const struct vmconf *c)
{
	for (size_t i = 0; i < c->ndevs; i++)
		add_dev(vm, c->devs[i]);
	vm->devs_cut |= c->devs_cut;
}

static void add_source(struct vm_info *vm, const char *src)
{
	size_t len = strlen(vm->source);

	snprintf(vm->source + len, sizeof(vm->source) - len, "%s%s", len ? ", " : "", src);
}

/* The entry for KIND/ID, created if new. NULL when out of memory. */
static struct vm_info *vm_get(struct vm_list *l, enum vm_kind kind, const char *id)
{
	struct vm_info *vm;

	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].kind == kind && id[0] && !strcmp(l->v[i].id, id))
			return &l->v[i];
	vm = array_push((void **)&l->v, &l->n, &l->cap, sizeof(*l->v));
	if (!vm)
		return NULL;
	vm->kind = kind;
	snprintf(vm->id, sizeof(vm->id), "%s", id);
	return vm;
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

/* A VM as its manager's file PATH describes it (CONF, its kind the
 * manager's), running as PID (0: not known): merged into what was seen of
 * it already. */
static void add_managed(struct vm_list *l, const struct vmconf *conf, const char *id, long pid,
			const char *path)
{
	struct vm_info *vm = vm_claim(l, conf->kind, id, pid);

	if (!vm)
		return;
	if (!vm->pid)
		vm->pid = pid;
	add_source(vm, path);
	add_conf_devs(vm, conf);
}

static bool pid_alive(const char *root, long pid)
{
	char rel[64];
	struct stat st;

	snprintf(rel, sizeof(rel), "/proc/%ld", pid);
	return pid > 0 && !root_stat(root, rel, &st, 1);
}

/* A VM's config (PATH under ROOT, links resolved inside it) into *BUF
 * (to free), NUL-terminated: its length, or -errno. */
static ssize_t read_conf(const char *root, const char *path, char **buf)
{
	return root_read_alloc(root, path, XML_MAX, buf);
}

/* ---- QEMU argv ----------------------------------------------------------- */

static void scan_qemu(const char *root, pid_t pid, char *buf, size_t size, struct vm_list *l)
{
	struct vmconf conf;
	struct vm_info *vm;
	const char **args;
	char src[64];
	int len, argc = 0, err;

	len = proc_read_cmdline(root, pid, buf, size - 1);
	if (len <= 0)
		return;
	buf[len] = '\0';
	/* every argument: libvirt's run to hundreds */
	for (int i = 0; i < len; i += strlen(buf + i) + 1)
		argc++;
	if (!(args = calloc(argc, sizeof(*args))))
		return;
	argc = 0;
	for (int i = 0; i < len; i += strlen(buf + i) + 1)
		args[argc++] = buf + i;
	err = vmconf_from_qemu_argv(args, argc, &conf);
	free(args);
	if (err)
		return;
	vm = vm_get(l, conf.kind, conf.kind == VM_QEMU ? "" : conf.id);
	if (!vm)
		return;
	if (conf.kind == VM_QEMU)
		snprintf(vm->id, sizeof(vm->id), "%s", conf.id);
	vm->pid = pid;
	snprintf(src, sizeof(src), "/proc/%d/cmdline", (int)pid);
	add_source(vm, src);
	add_conf_devs(vm, &conf);
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

/* A Proxmox config of a VM whose pid file names a live process: hostpciN
 * lines of its current section, through the resource mappings MAPS (read
 * once for every config). */
static void scan_pve_conf(const char *root, const char *path, struct vm_list *l,
			  const struct pve_mappings *maps)
{
	const char *base = strrchr(path, '/') + 1;
	struct vmconf conf = { 0 };
	char id[128], *text;
	long pid;

	snprintf(id, sizeof(id), "%.*s", (int)(strlen(base) - 5), base);
	pid = pve_pid(root, id);
	if (!pid || read_conf(root, path, &text) < 0)
		return;
	vmconf_from_pve(text, maps->text, maps->node, &conf);
	free(text);
	add_managed(l, &conf, id, pid, path);
}

/* ---- libvirt ------------------------------------------------------------- */

static void scan_libvirt_xml(const char *root, const char *path, struct vm_list *l)
{
	const char *base = strrchr(path, '/') + 1;
	struct vmconf conf;
	char name[128], *xml;
	long pid = 0;
	ssize_t n;
	int err;

	n = read_conf(root, path, &xml);
	err = n <= 0 || vmconf_from_libvirt(xml, n, &conf, &pid);
	free(xml);
	if (err)
		return;
	if (pid && !pid_alive(root, pid))
		return;		/* a status file left by a crash */
	snprintf(name, sizeof(name), "%.*s", (int)(strlen(base) - 4), base);
	add_managed(l, &conf, name, pid, path);
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
	buf = malloc(PROC_CMDLINE_MAX + 1);
	if (!buf) {
		free(pids);
		return -ENOMEM;
	}
	for (i = 0; i < npids; i++)
		scan_qemu(root, pids[i], buf, PROC_CMDLINE_MAX + 1, &l);
	free(pids);
	if (!conf_list(root, pve_dirs, 1, ".conf", &paths, &npaths)) {
		struct pve_mappings maps = { 0 };

		if (npaths)
			pve_mappings_read(root, &maps);
		for (i = 0; i < npaths; i++)
			scan_pve_conf(root, paths[i], &l, &maps);
		pve_mappings_free(&maps);
		conf_list_free(paths, npaths);
	}
	if (!conf_list(root, lv_dirs, 1, ".xml", &paths, &npaths)) {
		for (i = 0; i < npaths; i++)
			scan_libvirt_xml(root, paths[i], &l);
		conf_list_free(paths, npaths);
	}
	free(buf);
	*out = l.v;
	*n = l.n;
	return 0;
}

/* ---- one VM by its id ------------------------------------------------------ */

/* A running QEMU that names itself ID (-id, -name guest=). */
static int find_running(const char *root, const char *id, struct vmconf *out)
{
	struct vm_info *vms;
	size_t n;
	int err = -ENOENT;

	if (vms_scan(root, &vms, &n))
		return -ENOENT;
	for (size_t i = 0; i < n && err; i++) {
		if (strcmp(vms[i].id, id))
			continue;
		for (size_t k = 0; k < vms[i].ndevs; k++)
			vmconf_add_dev(out, vms[i].devs[k], false);
		out->devs_cut |= vms[i].devs_cut;
		out->kind = vms[i].kind;
		err = 0;
	}
	free(vms);
	return err;
}

int vm_find(const char *root, const char *id, struct vmconf *out)
{
	struct pve_mappings maps;
	char path[PATH_MAX], *buf;
	long pid;
	int err = -ENOENT;

	memset(out, 0, sizeof(*out));
	if (!id[0] || strchr(id, '/') || strlen(id) >= sizeof(out->id))
		return -ENOENT;
	snprintf(path, sizeof(path), PVE_CONF_DIR "/%s.conf", id);
	if (read_conf(root, path, &buf) >= 0) {
		pve_mappings_read(root, &maps);
		vmconf_from_pve(buf, maps.text, maps.node, out);
		pve_mappings_free(&maps);
		err = 0;
	} else {
		snprintf(path, sizeof(path), LIBVIRT_CONF_DIR "/%s.xml", id);
		if (read_conf(root, path, &buf) >= 0)
			err = vmconf_from_libvirt(buf, strlen(buf), out, &pid);
	}
	free(buf);
	if (err) {
		memset(out, 0, sizeof(*out));
		err = find_running(root, id, out);
	}
	if (!err)
		snprintf(out->id, sizeof(out->id), "%s", id);
	return err;
}
