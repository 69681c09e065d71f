// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Hook scripts that will not run as their author expects: Proxmox
 * hookscripts that are missing or not executable (the VM does not start),
 * libvirt hooks without an execute bit (libvirt skips them silently).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analysis/audit.h"
#include "sys/conffile.h"
#include "sys/configs.h"
#include "sys/sysfs.h"

#define PVE_CONF_DIR	"/etc/pve/qemu-server"
#define LIBVIRT_HOOK	"/etc/libvirt/hooks/qemu"
#define LIBVIRT_HOOK_D	"/etc/libvirt/hooks/qemu.d"
#define HOOK_DEPTH_MAX	5	/* qemu.d/<domain>/<op>/<subop>/<script> */

/* stat of host path PATH under the root: 0 or -errno. */
static int stat_host(const struct audit *a, const char *path, struct stat *st)
{
	char full[PATH_MAX];

	if (sys_path(full, sizeof(full), a->root, path))
		return -ENAMETOOLONG;
	return stat(full, st) ? -errno : 0;
}

static void pve_hookscript(struct audit *a, const char *conf, const struct conf_line *l)
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
		audit_add(a, AUDIT_HIGH, "hookscript-missing", conf, l->lineno, l->text, meaning,
			  "use a 'dir' storage with the snippets content type and put the script "
			  "in its snippets/ directory, or remove the hookscript line");
		return;
	}
	err = stat_host(a, path, &st);
	if (err || !S_ISREG(st.st_mode)) {
		snprintf(meaning, sizeof(meaning),
			 "the hookscript %s does not exist: 'qm start %.*s' fails with \"script "
			 "does not exist\", so no hook phase runs", path, (int)strcspn(id, "."), id);
		snprintf(hint, sizeof(hint), "create %s (chmod +x) or remove the hookscript line",
			 path);
		audit_add(a, AUDIT_HIGH, "hookscript-missing", conf, l->lineno, l->text, meaning,
			  hint);
	} else if (!(st.st_mode & 0111)) {
		snprintf(meaning, sizeof(meaning),
			 "the hookscript %s is not executable: 'qm start %.*s' fails with \"script "
			 "is not executable\", so no hook phase runs", path, (int)strcspn(id, "."), id);
		snprintf(hint, sizeof(hint), "chmod +x %s", path);
		audit_add(a, AUDIT_HIGH, "hookscript-not-executable", conf, l->lineno, l->text,
			  meaning, hint);
	}
}

/* The current config and pending changes; snapshots ([name]) do not run. */
static int pve_confs(struct audit *a, char *err, size_t errlen)
{
	static const char *const dirs[] = { PVE_CONF_DIR };
	struct conf_file f;
	char **paths;
	size_t n, i, j;
	bool live;
	int ret;

	ret = conf_list(a->root, dirs, 1, ".conf", &paths, &n);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		ret = conf_read(a->root, paths[i], &f);
		if (ret == -ENOENT)
			continue;
		if (ret) {
			audit_read_error(a, paths[i], ret, err, errlen);
			break;
		}
		live = true;
		for (j = 0; j < f.n; j++) {
			const char *t = f.lines[j].text;

			if (t[0] == '[')
				live = !strcmp(t, "[PENDING]");
			else if (live && !strncmp(t, "hookscript:", 11))
				pve_hookscript(a, paths[i], &f.lines[j]);
		}
		conf_free(&f);
	}
	conf_list_free(paths, n);
	return ret == -ENOENT ? 0 : ret;
}

static void libvirt_not_exec(struct audit *a, const char *path)
{
	char meaning[PATH_MAX + 256], hint[PATH_MAX + 16];

	snprintf(meaning, sizeof(meaning),
		 "libvirt (or the qemu.d dispatcher) runs only executable hooks: %s is skipped "
		 "without a message, so whatever it should rebind at start or stop never happens",
		 path);
	snprintf(hint, sizeof(hint), "chmod +x %s", path);
	audit_add(a, AUDIT_WARN, "hookscript-not-executable", path, 0, "", meaning, hint);
}

static int cmp_name(const struct dirent **x, const struct dirent **y)
{
	return strcmp((*x)->d_name, (*y)->d_name);
}

/* Every file below DIR must be executable; directories are walked. */
static void libvirt_tree(struct audit *a, const char *dir, int depth)
{
	char path[PATH_MAX], full[PATH_MAX];
	struct dirent **list;
	struct stat st;
	int i, n;

	if (depth > HOOK_DEPTH_MAX || sys_path(full, sizeof(full), a->root, dir) ||
	    (n = scandir(full, &list, NULL, cmp_name)) < 0)
		return;
	for (i = 0; i < n; i++) {
		if (list[i]->d_name[0] != '.' &&
		    snprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name) < (int)sizeof(path) &&
		    !stat_host(a, path, &st)) {
			if (S_ISDIR(st.st_mode))
				libvirt_tree(a, path, depth + 1);
			else if (S_ISREG(st.st_mode) && !(st.st_mode & 0111))
				libvirt_not_exec(a, path);
		}
		free(list[i]);
	}
	free(list);
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
	libvirt_tree(a, LIBVIRT_HOOK_D, 1);
	return 0;
}
