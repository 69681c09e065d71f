// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Configuration file snapshot: see configs.h for what and why. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys/configs.h"
#include "sys/rootfs.h"
#include "sys/sysfs.h"
#include "util.h"

#define PVE_QEMU_DIR	"/etc/pve/qemu-server"
#define PVE_STORAGE_CFG	"/etc/pve/storage.cfg"
#define HOOKS_TREE	"/etc/libvirt/hooks/qemu.d"
#define TREE_DEPTH_MAX	6	/* qemu.d/<domain>/<op>/<subop>/<script> is 4 */
#define SEEN_MAX	4096

/* Directories whose entries ending in SUFFIX are copied ("*SUFFIX"). */
static const struct {
	const char *dir, *suffix;
} config_dirs[] = {
	{ PVE_QEMU_DIR, ".conf" },
	{ "/etc/libvirt/qemu", ".xml" },
	{ "/run/libvirt/qemu", ".xml" },	/* live domains, as started */
	{ "/etc/modprobe.d", ".conf" },
	{ "/lib/modprobe.d", ".conf" },
	{ "/usr/lib/modprobe.d", ".conf" },
	{ "/etc/driverctl.d", "" },
	{ "/etc/udev/rules.d", ".rules" },
};

static const char *const config_files[] = {
	"/proc/cmdline",
	"/etc/libvirt/hooks/qemu",
	"/etc/pve/mapping/pci.cfg",	/* what "hostpciN: mapping=NAME" names */
};

struct snap {
	config_file_fn fn;
	void *ctx;
	const char *root;
	char *buf;			/* CONFIG_FILE_MAX + 1 bytes */
	size_t total;			/* content bytes copied so far */
	int copied, first_err;
	struct { dev_t dev; ino_t ino; } seen[SEEN_MAX];
	size_t nseen;
	char **hooks;			/* hookscript volume ids, in order */
	size_t nhooks, hookcap;
};

static void give(struct snap *s, const struct config_file *f)
{
	int err = s->fn(s->ctx, f);

	if (err && !s->first_err)
		s->first_err = err;
}

/* A file without content: KEY says why (missing, skipped, error). */
static void rec_note(struct snap *s, const char *path, const char *hook,
		     const char *key, const char *val)
{
	give(s, &(struct config_file){ .path = path, .hookscript = hook,
				       .note_key = key, .note_val = val });
}

/* The same file reached twice (merged /usr makes /lib/modprobe.d and
 * /usr/lib/modprobe.d one directory) is copied once, under its first path.
 * Directories of the hook tree are remembered here too. */
static bool seen_before(struct snap *s, const struct stat *st)
{
	size_t i;

	for (i = 0; i < s->nseen; i++)
		if (s->seen[i].dev == st->st_dev && s->seen[i].ino == st->st_ino)
			return true;
	if (s->nseen < SEEN_MAX) {
		s->seen[s->nseen].dev = st->st_dev;
		s->seen[s->nseen].ino = st->st_ino;
		s->nseen++;
	}
	return false;
}

static void collect_hookscripts(struct snap *s, const char *text, size_t len);

/* Opens the host file PATH if it is a regular file not copied yet. Returns
 * the fd, or -1 after noting in the trace why a named hookscript could not
 * be opened (a listed file that vanished meanwhile is simply left out). */
static int open_config(struct snap *s, const char *path, const char *hook,
		       struct stat *st)
{
	/* O_NONBLOCK (root_open adds it): a FIFO in a rules directory must
	 * not hang us. */
	int fd = root_open(s->root, path, O_RDONLY);

	if (fd < 0) {
		if (fd != -ENOENT)
			rec_note(s, path, hook, "error", strerror(-fd));
		else if (hook)
			rec_note(s, path, hook, "missing", "1");
		return -1;
	}
	if (fstat(fd, st) || !S_ISREG(st->st_mode) || seen_before(s, st)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Copies the host file PATH. HOOK is the Proxmox volume id it was named by,
 * or NULL for a file found by listing. */
static void copy_file(struct snap *s, const char *path, const char *hook)
{
	size_t budget, len;
	struct stat st;
	ssize_t n;
	int fd;

	fd = open_config(s, path, hook, &st);
	if (fd < 0)
		return;
	budget = CONFIG_TOTAL_MAX - s->total;
	if (budget > CONFIG_FILE_MAX)
		budget = CONFIG_FILE_MAX;
	if (!budget) {
		close(fd);
		rec_note(s, path, hook, "skipped", "1");
		return;
	}
	/* One byte past the budget tells "exactly full" from "cut";
	 * st_size cannot, as procfs files report 0. */
	n = sys_read_fd(fd, s->buf, budget + 1);
	close(fd);
	if (n < 0) {
		rec_note(s, path, hook, "error", strerror(-n));
		return;
	}
	len = (size_t)n > budget ? budget : (size_t)n;
	give(s, &(struct config_file){ .path = path, .hookscript = hook, .content = s->buf,
				       .len = len, .truncated = (size_t)n > budget,
				       .mode = st.st_mode & 07777, .mtime = st.st_mtim.tv_sec });
	s->total += len;
	s->copied++;
	if (!hook && !strncmp(path, PVE_QEMU_DIR "/", strlen(PVE_QEMU_DIR "/")))
		collect_hookscripts(s, s->buf, len);
}

/* ---- directory listings ------------------------------------------------ */

/* A directory there but unreadable (N, root_list's -errno) is said in the
 * trace, as an unreadable file is: not taken for an empty one. */
static void unlisted(struct snap *s, const char *dir, int n)
{
	if (n == -ENOMEM && !s->first_err)
		s->first_err = n;
	else if (n < 0)
		rec_note(s, dir, NULL, "error", strerror(-n));
}

static void copy_dir(struct snap *s, const char *dir, const char *suffix)
{
	char path[PATH_MAX];
	char **list;
	int i, n = root_list(s->root, dir, &list);

	unlisted(s, dir, n);
	for (i = 0; i < n; i++) {
		const char *name = list[i];

		if (name[0] == '.' || !str_has_suffix(name, suffix))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, name) < (int)sizeof(path))
			copy_file(s, path, NULL);
	}
	root_names_free(list, n);
}

/* Every regular file below DIR. Hook trees may hold symlinked directories,
 * loops included: each directory is walked once and depth is bounded. */
static void copy_tree(struct snap *s, const char *dir, int depth)
{
	char path[PATH_MAX];
	struct stat st;
	char **list;
	int i, n;

	if (depth > TREE_DEPTH_MAX || root_stat(s->root, dir, &st, 1) ||
	    !S_ISDIR(st.st_mode) || seen_before(s, &st))
		return;
	n = root_list(s->root, dir, &list);
	unlisted(s, dir, n);
	for (i = 0; i < n; i++) {
		const char *name = list[i];

		if (name[0] == '.' ||
		    snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path) ||
		    root_stat(s->root, path, &st, 1))
			continue;
		if (S_ISDIR(st.st_mode))
			copy_tree(s, path, depth + 1);
		else if (S_ISREG(st.st_mode))
			copy_file(s, path, NULL);
	}
	root_names_free(list, n);
}

/* ---- Proxmox hookscripts ----------------------------------------------- */

/* "hookscript: local:snippets/NAME" lines. Every section counts ([PENDING]
 * and snapshots included): a stale or pending hook is evidence too. */
static void collect_hookscripts(struct snap *s, const char *text, size_t len)
{
	const char *p = text, *end = text + len, *eol, *v;
	size_t vlen;

	for (; p < end; p = eol + 1) {
		eol = memchr(p, '\n', end - p);
		if (!eol)
			eol = end;
		if (eol - p < 11 || strncmp(p, "hookscript:", 11))
			continue;
		for (v = p + 11; v < eol && (*v == ' ' || *v == '\t'); v++)
			;
		for (vlen = 0; v + vlen < eol && v[vlen] != ' ' && v[vlen] != '\t' &&
			       v[vlen] != '\r'; vlen++)
			;
		if (!vlen)
			continue;
		/* the repeats go when they are copied (drop_repeated_hooks) */
		if (s->nhooks && strlen(s->hooks[s->nhooks - 1]) == vlen &&
		    !memcmp(s->hooks[s->nhooks - 1], v, vlen))
			continue;
		/* each one named is copied, or the snapshot says it failed */
		if (array_reserve((void **)&s->hooks, &s->hookcap, s->nhooks + 1, sizeof(*s->hooks)) ||
		    !(s->hooks[s->nhooks] = strndup(v, vlen))) {
			if (!s->first_err)
				s->first_err = -ENOMEM;
			continue;
		}
		s->nhooks++;
	}
}

/* The "path" of storage STORAGE in storage.cfg ("dir: NAME" section, tab
 * indented "path /x" line). Returns 0 with PATH filled, or -ENOENT. */
static int storage_path(const char *root, const char *storage, char *path, size_t size)
{
	char cfg[64 * 1024], *line, *save = NULL;
	bool in_section = false;
	const char *colon;
	ssize_t n;

	n = sys_read_file(root, PVE_STORAGE_CFG, cfg, sizeof(cfg) - 1);
	cfg[n > 0 ? n : 0] = '\0';
	for (line = strtok_r(cfg, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] != ' ' && line[0] != '\t') {
			colon = strchr(line, ':');
			in_section = colon && !strcmp(colon + 1 + strspn(colon + 1, " \t"),
						      storage);
			continue;
		}
		line += strspn(line, " \t");
		if (in_section && !strncmp(line, "path", 4) && (line[4] == ' ' || line[4] == '\t')) {
			snprintf(path, size, "%s", line + 5 + strspn(line + 5, " \t"));
			return path[0] == '/' ? 0 : -ENOENT;
		}
	}
	/* Proxmox defines "local" itself when storage.cfg does not. */
	if (!strcmp(storage, "local")) {
		snprintf(path, size, "/var/lib/vz");
		return 0;
	}
	return -ENOENT;
}

/* "STORAGE:snippets/NAME" to a host path. NAME may not climb out of the
 * snippets directory: a config must not make us copy /etc/shadow. */
static int resolve_volid(const char *root, const char *volid, char *path, size_t size)
{
	char storage[128], base[PATH_MAX];
	const char *colon = strchr(volid, ':'), *name;
	size_t slen;

	if (!colon || strncmp(colon + 1, "snippets/", 9))
		return -EINVAL;
	slen = colon - volid;
	name = colon + 10;
	if (!slen || slen >= sizeof(storage) || !name[0] || strchr(name, '/') ||
	    !strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	memcpy(storage, volid, slen);
	storage[slen] = '\0';
	if (storage_path(root, storage, base, sizeof(base)))
		return -ENOENT;
	if (snprintf(path, size, "%s/snippets/%s", base, name) >= (int)size)
		return -ENAMETOOLONG;
	return 0;
}

int pve_volid_path(const char *root, const char *volid, char *path, size_t size)
{
	return resolve_volid(root, volid, path, size);
}

static int cmp_hook_slot(const void *a, const void *b)
{
	char *const *x = *(char *const *const *)a, *const *y = *(char *const *const *)b;
	int c = strcmp(*x, *y);

	return c ? c : (x > y) - (x < y);	/* then in the order named */
}

/* Every hookscript named twice or more is kept where it was first named:
 * the slots sorted by name, then place, put repeats after their first. Sorted,
 * not compared pairwise: a cluster's configs may name thousands. */
static void drop_repeated_hooks(struct snap *s)
{
	char ***slots = calloc(s->nhooks, sizeof(*slots));
	size_t i;

	if (!slots) {
		if (s->nhooks && !s->first_err)
			s->first_err = -ENOMEM;		/* copied twice, not lost */
		return;
	}
	for (i = 0; i < s->nhooks; i++)
		slots[i] = &s->hooks[i];
	array_sort(slots, s->nhooks, sizeof(*slots), cmp_hook_slot);
	for (i = 1; i < s->nhooks; i++)
		if (!strcmp(*slots[i], *slots[i - 1])) {
			free(*slots[i]);
			*slots[i] = NULL;
			slots[i] = slots[i - 1];	/* the first, for the next compare */
		}
	free(slots);
}

static void copy_hookscripts(struct snap *s)
{
	char path[PATH_MAX];
	size_t i;

	drop_repeated_hooks(s);
	for (i = 0; i < s->nhooks; i++) {
		if (!s->hooks[i])
			continue;
		if (resolve_volid(s->root, s->hooks[i], path, sizeof(path)))
			rec_note(s, s->hooks[i], s->hooks[i], "missing", "1");
		else
			copy_file(s, path, s->hooks[i]);
		free(s->hooks[i]);
	}
	free(s->hooks);
	s->hooks = NULL;
	s->nhooks = s->hookcap = 0;
}

int configs_read(const char *root, config_file_fn fn, void *ctx)
{
	struct snap *s = calloc(1, sizeof(*s));
	size_t i;
	int ret;

	if (!s || !(s->buf = malloc(CONFIG_FILE_MAX + 1))) {
		free(s);
		return -ENOMEM;
	}
	s->fn = fn;
	s->ctx = ctx;
	s->root = root;
	for (i = 0; i < sizeof(config_dirs) / sizeof(config_dirs[0]); i++)
		copy_dir(s, config_dirs[i].dir, config_dirs[i].suffix);
	for (i = 0; i < sizeof(config_files) / sizeof(config_files[0]); i++)
		copy_file(s, config_files[i], NULL);
	copy_tree(s, HOOKS_TREE, 1);
	copy_hookscripts(s);
	ret = s->first_err ? s->first_err : s->copied;
	free(s->buf);
	free(s);
	return ret;
}
