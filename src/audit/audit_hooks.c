// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Hook scripts that will not run as their author expects: Proxmox
 * hookscripts that are missing or not executable (the VM does not start),
 * libvirt hooks without an execute bit (libvirt skips them silently),
 * hostpci resource mappings that name no device on this node; and what
 * each hook that does run does to binding (hook_rules.c).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit/audit_findings.h"
#include "audit/hook_rules.h"
#include "sys/conffile.h"
#include "sys/configs.h"
#include "sys/pve_mapping.h"
#include "sys/rootfs.h"
#include "util.h"

#define PVE_CONF_DIR	"/etc/pve/qemu-server"
#define LIBVIRT_HOOK	"/etc/libvirt/hooks/qemu"
#define LIBVIRT_HOOK_D	"/etc/libvirt/hooks/qemu.d"
#define HOOK_DEPTH_MAX	5	/* qemu.d/<domain>/<op>/<subop>/<script> */

/* stat of host path PATH under the root, links resolved inside it (a
 * copied tree's absolute links point into the tree, never at this host). */
static int stat_host(const struct audit *a, const char *path, struct stat *st)
{
	return root_stat(a->root, path, st, 1);
}

/* Reports a hookscript that cannot run. Returns true with its host path in
 * SCRIPT when it exists. */
static bool pve_hookscript(struct audit *a, const char *conf, const struct conf_line *l,
			   char *script, size_t size)
{
	char volid[256], path[PATH_MAX], meaning[PATH_MAX + 256], hint[PATH_MAX + 64];
	const char *id = strrchr(conf, '/') + 1, *v = l->text + strlen("hookscript:");
	struct stat st;
	int err;

	v += strspn(v, " \t");
	snprintf(volid, sizeof(volid), "%.*s", (int)strcspn(v, " \t"), v);
	err = pve_volid_path(a->root, volid, path, sizeof(path));
	if (err) {
		snprintf(meaning, sizeof(meaning),
			 "'%s' does not name a file Proxmox can find (%s): 'qm start %.*s' fails "
			 "before QEMU runs, so no hook phase ever happens",
			 volid, err == -EINVAL ? "not a snippets volume" :
			 "its storage has no directory in /etc/pve/storage.cfg",
			 (int)strcspn(id, "."), id);
		audit_add(a, SEV_HIGH, "hookscript-missing", conf, l->lineno, l->text, meaning,
			  "use a 'dir' storage with the snippets content type and put the script "
			  "in its snippets/ directory, or remove the hookscript line");
		return false;
	}
	err = stat_host(a, path, &st);
	if (err || !S_ISREG(st.st_mode)) {
		snprintf(meaning, sizeof(meaning),
			 "the hookscript %s does not exist: 'qm start %.*s' fails with \"script "
			 "does not exist\", so no hook phase runs", path, (int)strcspn(id, "."), id);
		snprintf(hint, sizeof(hint), "create %s (chmod +x) or remove the hookscript line",
			 path);
		audit_add(a, SEV_HIGH, "hookscript-missing", conf, l->lineno, l->text, meaning,
			  hint);
	} else if (!(st.st_mode & 0111)) {
		snprintf(meaning, sizeof(meaning),
			 "the hookscript %s is not executable: 'qm start %.*s' fails with \"script "
			 "is not executable\", so no hook phase runs", path, (int)strcspn(id, "."), id);
		snprintf(hint, sizeof(hint), "chmod +x %s", path);
		audit_add(a, SEV_HIGH, "hookscript-not-executable", conf, l->lineno, l->text,
			  meaning, hint);
	}
	snprintf(script, size, "%s", path);
	return !err && S_ISREG(st.st_mode);
}

/* What one VM config names: its devices (mappings resolved) and its
 * hookscript. */
struct pve_vm {
	const char *conf;
	const struct pve_mappings *maps;	/* pci.cfg and node, read once */
	char id[64];
	char (*devs)[PCI_BDF_LEN];
	size_t ndevs, cap;
	char script[PATH_MAX];
	char via[PATH_MAX + 320];
};

static void pve_mapping_failed(struct audit *a, struct pve_vm *vm, const struct conf_line *l,
			       const char *name, int err)
{
	const char *node = vm->maps->node;
	char meaning[768], hint[1024];

	snprintf(meaning, sizeof(meaning),
		 "'qm start %s' fails before QEMU runs: %s", vm->id,
		 err == -ENOENT ? "there is no " PVE_MAPPING_PCI_CFG " to resolve the mapping in" :
		 err == -ESRCH ? "the mapping is not defined in " PVE_MAPPING_PCI_CFG :
		 err == -ENXIO ? "the mapping has no map entry (with a valid path) for this node" :
		 "the mapping file cannot be read");
	snprintf(hint, sizeof(hint),
		 "define '%s' for node %s (Datacenter > Resource Mappings, or a 'map "
		 "node=%s,path=0000:BB:DD' line in " PVE_MAPPING_PCI_CFG "), or name the device "
		 "directly (hostpciN: 0000:BB:DD)", name, node[0] ? node : "(unknown)",
		 node[0] ? node : "NODE");
	audit_add(a, SEV_HIGH, "pve-mapping-unresolved", vm->conf, l->lineno, l->text, meaning,
		  hint);
}

/* "hostpciN: VALUE": its devices join the VM's. */
static void pve_hostpci(struct audit *a, struct pve_vm *vm, const struct conf_line *l)
{
	const char *v = strchr(l->text, ':') + 1, *m;
	struct pve_pci_devs d;
	char name[128];
	int err = pve_hostpci_devs_text(v, vm->maps->text, vm->maps->node, &d);

	if (err == -ENOENT && vm->maps->err)
		err = vm->maps->err;	/* no pci.cfg, or unreadable */
	if (err) {
		m = strstr(v, "mapping=");
		if (m && err != -EINVAL) {
			snprintf(name, sizeof(name), "%.*s", (int)strcspn(m + 8, ","), m + 8);
			pve_mapping_failed(a, vm, l, name, err);
		}
		return;
	}
	if (d.cut) {
		char why[512];

		snprintf(why, sizeof(why), "%s line %d: the mapping pools more than %d functions for "
			 "this node; the rules see the first %d", vm->conf, l->lineno, PVE_PCI_DEVS_MAX,
			 PVE_PCI_DEVS_MAX);
		audit_skip(a, "hook-partial-slot", why);
	}
	if (array_reserve((void **)&vm->devs, &vm->cap, vm->ndevs + d.n, sizeof(*vm->devs)))
		return;
	memcpy(vm->devs + vm->ndevs, d.bdf, d.n * sizeof(d.bdf[0]));
	vm->ndevs += d.n;
}

static bool is_hostpci(const char *t)
{
	return !strncmp(t, "hostpci", 7) && t[7 + strspn(t + 7, "0123456789")] == ':';
}

/* Every hookscript line is checked; the first that exists is the one read. */
static void pve_hook_line(struct audit *a, struct pve_vm *vm, const struct conf_line *l)
{
	char script[PATH_MAX];

	if (pve_hookscript(a, vm->conf, l, script, sizeof(script)) && !vm->script[0]) {
		snprintf(vm->script, sizeof(vm->script), "%s", script);
		snprintf(vm->via, sizeof(vm->via), "VM %s: %.200s (%s:%d)", vm->id, l->text, vm->conf,
			 l->lineno);
	}
}

static int pve_conf(struct audit *a, const char *path, const struct pve_mappings *maps,
		    struct hook_scans *scans, char *err, size_t errlen)
{
	struct pve_vm vm = { .conf = path, .maps = maps };
	const char *base = strrchr(path, '/') + 1;
	struct hook_ctx c = { 0 };
	bool live = true;
	struct conf_file f;
	int ret;

	ret = conf_read(a->root, path, &f);
	if (ret == -ENOENT)
		return 0;
	if (ret)
		return audit_read_error(a, path, ret, err, errlen);
	snprintf(vm.id, sizeof(vm.id), "%.*s", (int)strcspn(base, "."), base);
	for (size_t j = 0; j < f.n; j++) {
		const char *t = f.lines[j].text;

		if (t[0] == '[')
			live = !strcmp(t, "[PENDING]");
		else if (live && is_hostpci(t))
			pve_hostpci(a, &vm, &f.lines[j]);
		else if (live && !strncmp(t, "hookscript:", 11))
			pve_hook_line(a, &vm, &f.lines[j]);
	}
	conf_free(&f);
	if (vm.via[0]) {
		c.via = vm.via;
		c.devs = (const char (*)[PCI_BDF_LEN])vm.devs;
		c.ndevs = vm.ndevs;
		ret = hook_rules_check(a, scans, vm.script, &c);
	}
	free(vm.devs);
	return ret;
}

/* The current config and pending changes; snapshots ([name]) do not run. */
static int pve_confs(struct audit *a, char *err, size_t errlen)
{
	static const char *const dirs[] = { PVE_CONF_DIR };
	struct pve_mappings maps = { 0 };
	struct hook_scans scans = { 0 };
	char **paths;
	size_t n, i;
	int ret;

	ret = conf_list_saying(a->root, dirs, 1, ".conf", &paths, &n, audit_dir_unlisted,
			       &(struct audit_dir_rule){ a, "hookscript-missing" });
	if (!ret && n)
		pve_mappings_read(a->root, &maps);
	for (i = 0; i < n && !ret; i++)
		ret = pve_conf(a, paths[i], &maps, &scans, err, errlen);
	hook_scans_free(&scans);
	pve_mappings_free(&maps);
	conf_list_free(paths, n);
	return ret;
}

static void libvirt_not_exec(struct audit *a, const char *path)
{
	char meaning[PATH_MAX + 256], hint[PATH_MAX + 16];

	snprintf(meaning, sizeof(meaning),
		 "libvirt (or the qemu.d dispatcher) runs only executable hooks: %s is skipped "
		 "without a message, so whatever it should rebind at start or stop never happens",
		 path);
	snprintf(hint, sizeof(hint), "chmod +x %s", path);
	audit_add(a, SEV_WARN, "hookscript-not-executable", path, 0, "", meaning, hint);
}

/* qemu.d/<domain>/<op>/<subop>/<script> serves one domain (through a
 * dispatcher in hooks/qemu); the dispatcher itself serves them all, and
 * so does a script right in qemu.d, which libvirt (6.5 and later) runs for
 * every domain after hooks/qemu. */
static void libvirt_hook_rules(struct audit *a, const char *path)
{
	char domain[256] = "", op[64] = "", via[PATH_MAX + 64];
	struct hook_ctx c = { .libvirt = true, .via = via };
	bool in_d = !strncmp(path, LIBVIRT_HOOK_D "/", strlen(LIBVIRT_HOOK_D "/"));

	if (in_d && !strchr(path + strlen(LIBVIRT_HOOK_D "/"), '/')) {
		snprintf(via, sizeof(via), "libvirt hook %s (libvirt runs it for every domain)", path);
	} else if (in_d) {
		const char *d = path + strlen(LIBVIRT_HOOK_D "/"), *o = d + strcspn(d, "/");

		snprintf(domain, sizeof(domain), "%.*s", (int)strcspn(d, "/"), d);
		c.domain = domain;
		if (*o && strchr(o + 1, '/')) {
			snprintf(op, sizeof(op), "%.*s", (int)strcspn(o + 1, "/"), o + 1);
			c.op = op;
		}
		snprintf(via, sizeof(via), "libvirt hook of domain %s", domain);
	} else {
		snprintf(via, sizeof(via), "libvirt hook %s (every domain)", path);
	}
	hook_rules_check(a, NULL, path, &c);
}

/* Every file below DIR must be executable; directories are walked. */
static void libvirt_tree(struct audit *a, const char *dir, int depth)
{
	char path[PATH_MAX], **names;
	struct stat st;
	int i, n;

	if (depth > HOOK_DEPTH_MAX)
		return;
	n = root_list(a->root, dir, &names);
	if (n < 0)
		audit_dir_unlisted(&(struct audit_dir_rule){ a, "hook-override-not-cleared" }, dir, n);
	for (i = 0; i < n; i++) {
		if (snprintf(path, sizeof(path), "%s/%s", dir, names[i]) >= (int)sizeof(path) ||
		    stat_host(a, path, &st))
			continue;
		if (S_ISDIR(st.st_mode))
			libvirt_tree(a, path, depth + 1);
		else if (S_ISREG(st.st_mode) && !(st.st_mode & 0111))
			libvirt_not_exec(a, path);
		else if (S_ISREG(st.st_mode))
			libvirt_hook_rules(a, path);
	}
	root_names_free(names, n);
}

int audit_hooks(struct audit *a, char *err, size_t errlen)
{
	struct stat st;
	int ret;

	ret = pve_confs(a, err, errlen);
	if (ret)
		return ret;
	if (!stat_host(a, LIBVIRT_HOOK, &st) && S_ISREG(st.st_mode) && !(st.st_mode & 0111))
		libvirt_not_exec(a, LIBVIRT_HOOK);
	else if (!stat_host(a, LIBVIRT_HOOK, &st) && S_ISREG(st.st_mode))
		libvirt_hook_rules(a, LIBVIRT_HOOK);
	libvirt_tree(a, LIBVIRT_HOOK_D, 1);
	return 0;
}
