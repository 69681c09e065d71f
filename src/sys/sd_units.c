// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* systemd units of a tree, read as systemd would: see sd_units.h. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys/conffile.h"
#include "sys/rootfs.h"
#include "sys/sd_units.h"
#include "util.h"


const char *const sd_unit_dirs[SD_UNIT_DIRS] = {
	"/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system",
	"/lib/systemd/system", "/usr/lib/systemd/system",
};

static const char *const udev_dirs[] = {
	"/etc/udev/rules.d", "/run/udev/rules.d", "/usr/local/lib/udev/rules.d",
	"/lib/udev/rules.d", "/usr/lib/udev/rules.d",
};

/* Something that starts UNIT (a name, or a template "x@.service" when the
 * instance is only known at run time). */
struct trigger {
	char unit[SD_UNIT_NAME_MAX];
	char why[512];
};

/* As many as the tree has: a busy host enables hundreds of units, and a
 * trigger dropped for want of room would call a unit "nothing starts it". */
struct sd_triggers {
	const char *root;
	conf_unlisted_fn unlisted;
	void *ctx;
	struct trigger *t;
	size_t nt, cap;
	int err;		/* -ENOMEM when one could not be kept */
};

static void add_trigger(struct sd_triggers *u, const char *unit, const char *why)
{
	struct trigger *t;

	if (!unit[0] || strlen(unit) >= SD_UNIT_NAME_MAX)
		return;
	if (!(t = array_push((void **)&u->t, &u->nt, &u->cap, sizeof(*t)))) {
		u->err = -ENOMEM;
		return;
	}
	snprintf(t->unit, SD_UNIT_NAME_MAX, "%s", unit);
	snprintf(t->why, sizeof(t->why), "%s", why);
}

/* "foo@bar.service" -> "foo@.service"; other names unchanged. */
void sd_template_of(const char *name, char *tmpl, size_t size)
{
	const char *at = strchr(name, '@'), *dot = strrchr(name, '.');

	if (at && dot && dot > at)
		snprintf(tmpl, size, "%.*s%s", (int)(at - name + 1), name, dot);
	else
		snprintf(tmpl, size, "%s", name);
}

/* The file that defines unit NAME: the first directory with an entry of
 * that name wins; a link to /dev/null (masked) or anything else that is not
 * a regular file hides the unit. Instances fall back to their template. */
bool sd_unit_path(const char *root, const char *name, char *path, size_t size)
{
	char tmpl[SD_UNIT_NAME_MAX];
	struct stat st;

	for (int pass = 0; pass < 2; pass++) {
		if (pass)
			sd_template_of(name, tmpl, sizeof(tmpl));
		if (pass && !strcmp(tmpl, name))
			break;
		for (size_t d = 0; d < SD_UNIT_DIRS; d++) {
			const char *file = pass ? tmpl : name;

			if (snprintf(path, size, "%s/%s", sd_unit_dirs[d], file) >= (int)size ||
			    root_stat(root, path, &st, 0))
				continue;
			return !root_stat(root, path, &st, 1) && S_ISREG(st.st_mode) &&
			       st.st_size > 0;
		}
	}
	return false;
}

/* "Key=value" of SECTION in F: the value of the last assignment of KEY. */
const char *sd_unit_value(const struct conf_file *f, const char *section, const char *key)
{
	const char *val = NULL;
	size_t klen = strlen(key);
	char header[64];
	bool in = false;

	snprintf(header, sizeof(header), "[%s]", section);
	for (size_t i = 0; i < f->n; i++) {
		const char *t = f->lines[i].text;

		if (t[0] == '[')
			in = !strcmp(t, header);
		else if (in && !strncmp(t, key, klen) && (t[klen] == '=' || t[klen] == ' '))
			val = t + klen + strspn(t + klen, " =");
	}
	return val;
}

/* ---- what starts a unit ------------------------------------------------ */

/* A directory root_list could not read (N < 0): out of memory fails the
 * collection, anything else is told. */
static void said_unlisted(struct sd_triggers *u, const char *dir, int n)
{
	if (n == -ENOMEM)
		u->err = n;
	else if (n < 0 && u->unlisted)
		u->unlisted(u->ctx, dir, n);
}

/* *.wants/ and *.requires/ links: "enabled". */
static void collect_wants(struct sd_triggers *u)
{
	char dir[PATH_MAX], why[512], **names, **links;
	int n, k;

	for (size_t d = 0; d < SD_UNIT_DIRS; d++) {
		n = root_list(u->root, sd_unit_dirs[d], &names);
		said_unlisted(u, sd_unit_dirs[d], n);
		for (int i = 0; i < n; i++) {
			size_t len = strlen(names[i]);
			bool wants = str_has_suffix(names[i], ".wants");

			if (!wants && !str_has_suffix(names[i], ".requires"))
				continue;
			snprintf(dir, sizeof(dir), "%s/%s", sd_unit_dirs[d], names[i]);
			k = root_list(u->root, dir, &links);
			said_unlisted(u, dir, k);
			for (int j = 0; j < k; j++) {
				snprintf(why, sizeof(why), "%s by %.*s (%.200s/%.200s)",
					 wants ? "wanted" : "required", (int)(len - (wants ? 6 : 9)),
					 names[i], dir, links[j]);
				add_trigger(u, links[j], why);
			}
			root_names_free(links, k);
		}
		root_names_free(names, n);
	}
}

/* Enabled timers and path units start their Unit= (default: the same name
 * with .service). SCHEDULE keys say when. */
static void collect_activators(struct sd_triggers *u)
{
	static const char *const keys[] = {
		"OnBootSec", "OnStartupSec", "OnCalendar", "OnUnitActiveSec", "OnActiveSec",
		"PathExists", "PathExistsGlob", "PathChanged", "PathModified", "DirectoryNotEmpty",
	};
	char path[PATH_MAX], target[SD_UNIT_NAME_MAX], why[768];
	size_t nt = u->nt;
	struct conf_file f;

	/* NAME is not used past add_trigger(), which may move u->t */
	for (size_t i = 0; i < nt; i++) {
		const char *name = u->t[i].unit, *section, *v;
		size_t used;

		section = str_has_suffix(name, ".timer") ? "Timer" :
			  str_has_suffix(name, ".path") ? "Path" : NULL;
		if (!section || !sd_unit_path(u->root, name, path, sizeof(path)) ||
		    conf_read_in_root(u->root, path, &f))
			continue;
		v = sd_unit_value(&f, section, "Unit");
		if (v)
			snprintf(target, sizeof(target), "%s", v);
		else
			snprintf(target, sizeof(target), "%.*s.service",
				 (int)(strrchr(name, '.') - name), name);
		used = snprintf(why, sizeof(why), "%s %s",
				section[0] == 'T' ? "timer" : "path unit", name);
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]) && used < sizeof(why); k++)
			if ((v = sd_unit_value(&f, section, keys[k])))
				used += snprintf(why + used, sizeof(why) - used, " %s=%s", keys[k], v);
		conf_free(&f);
		add_trigger(u, target, why);
	}
}

/* The unit names a udev rule line starts: ENV{SYSTEMD_WANTS}="a b" and
 * RUN+="... systemctl [--no-block] start a". An instance made of a
 * substitution ("x@%k.service") stands for the template. */
static void udev_line(struct sd_triggers *u, const char *file, const struct conf_line *l)
{
	const char *p = strstr(l->text, "SYSTEMD_WANTS"), *start;
	char names[512], *w[16], why[PATH_MAX + 64], tmpl[SD_UNIT_NAME_MAX];
	int n;

	start = strstr(l->text, "systemctl");
	if (start && (start = strstr(start, " start ")))
		p = start + 6;
	else if (p && (p = strchr(p, '"')))
		p++;
	else
		return;
	snprintf(names, sizeof(names), "%.*s", (int)strcspn(p, "\""), p);
	n = conf_words(names, w, 16);
	snprintf(why, sizeof(why), "udev rule %s:%d", file, l->lineno);
	for (int i = 0; i < n; i++) {
		if (w[i][0] == '-')
			continue;
		sd_template_of(w[i], tmpl, sizeof(tmpl));
		add_trigger(u, strpbrk(w[i], "%$") ? tmpl : w[i], why);
	}
}

static int collect_udev(struct sd_triggers *u)
{
	struct conf_file f;
	char **paths;
	size_t n;
	int ret;

	ret = conf_list(u->root, udev_dirs, sizeof(udev_dirs) / sizeof(udev_dirs[0]), ".rules",
			&paths, &n);
	if (ret)
		return ret;
	for (size_t i = 0; i < n; i++) {
		if (conf_read(u->root, paths[i], &f))
			continue;	/* audit_udev reports unreadable rules */
		for (size_t j = 0; j < f.n; j++)
			if (!conf_is_comment(f.lines[j].text))
				udev_line(u, paths[i], &f.lines[j]);
		conf_free(&f);
	}
	conf_list_free(paths, n);
	return 0;
}

/* What starts service NAME (a file name, maybe a template): the triggers
 * of NAME and, for a template, of each of its instances, "; "-joined. */
void sd_triggers_of(const struct sd_triggers *u, const char *name, char *buf, size_t size)
{
	char tmpl[SD_UNIT_NAME_MAX];
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < u->nt && used < size; i++) {
		sd_template_of(u->t[i].unit, tmpl, sizeof(tmpl));
		if (strcmp(u->t[i].unit, name) && strcmp(tmpl, name))
			continue;
		if (strstr(buf, u->t[i].why))
			continue;
		used += snprintf(buf + used, size - used, "%s%s%s%s", used ? "; " : "",
				 strcmp(u->t[i].unit, name) ? u->t[i].unit : "",
				 strcmp(u->t[i].unit, name) ? ": " : "", u->t[i].why);
	}
}

/* ---- what a service runs ---------------------------------------------- */

static const char *const exec_keys[] = {
	"ExecCondition", "ExecStartPre", "ExecStart", "ExecStartPost", "ExecReload", "ExecStop",
	"ExecStopPost",
};
#define NEXEC_KEYS	(sizeof(exec_keys) / sizeof(exec_keys[0]))

static void drop_key(struct sd_service *sv, const char *key)
{
	size_t k = 0;

	for (size_t i = 0; i < sv->n; i++) {
		if (sv->exec[i].key == key) {
			free(sv->exec[i].file);
			free(sv->exec[i].cmd);
		} else {
			sv->exec[k++] = sv->exec[i];
		}
	}
	sv->n = k;
}

/* "ExecStart=-/usr/bin/x a" of [Service]: the prefixes (-@:+!) only change
 * how systemd runs the command; "ExecStart=" alone resets the list. */
static void exec_line(struct sd_service *sv, const char *file, const struct conf_line *l)
{
	const char *t = l->text, *v;
	size_t k;

	for (k = 0; k < NEXEC_KEYS; k++) {
		size_t n = strlen(exec_keys[k]);

		if (!strncmp(t, exec_keys[k], n) && (t[n] == '=' || t[n] == ' '))
			break;
	}
	if (k == NEXEC_KEYS)
		return;
	v = t + strlen(exec_keys[k]);
	v += strspn(v, " =");
	if (!*v) {
		drop_key(sv, exec_keys[k]);
		return;
	}
	v += strspn(v, "-@:+!");
	if (array_reserve((void **)&sv->exec, &sv->cap, sv->n + 1, sizeof(*sv->exec))) {
		sv->exec_cut = true;
		return;
	}
	sv->exec[sv->n].key = exec_keys[k];
	sv->exec[sv->n].line = l->lineno;
	sv->exec[sv->n].file = strdup(file);
	sv->exec[sv->n].cmd = strdup(v);
	if (sv->exec[sv->n].file && sv->exec[sv->n].cmd) {
		sv->n++;
	} else {
		free(sv->exec[sv->n].file);
		free(sv->exec[sv->n].cmd);
		sv->exec_cut = true;
	}
}

static void read_execs(const char *root, struct sd_service *sv, const char *file)
{
	struct conf_file f;
	bool in_service = false;

	if (conf_read_in_root(root, file, &f))
		return;
	for (size_t i = 0; i < f.n; i++) {
		const char *t = f.lines[i].text;

		if (t[0] == '[')
			in_service = !strcmp(t, "[Service]");
		else if (in_service && !conf_is_comment(t))
			exec_line(sv, file, &f.lines[i]);
	}
	conf_free(&f);
}

static int cmp_base(const void *x, const void *y)
{
	return strcmp(strrchr(*(char *const *)x, '/'), strrchr(*(char *const *)y, '/'));
}

/* The .conf files of NAME.d/ in every unit directory, in name order;
 * an earlier directory's file hides a same-named later one. */
static void read_dropins(const char *root, struct sd_service *sv)
{
	char dir[PATH_MAX], *paths[64], **names;
	size_t np = 0;
	int n;

	for (size_t d = 0; d < SD_UNIT_DIRS; d++) {
		snprintf(dir, sizeof(dir), "%s/%s.d", sd_unit_dirs[d], sv->name);
		n = root_list(root, dir, &names);
		for (int i = 0; i < n && np < 64; i++) {
			bool hidden = false;

			for (size_t k = 0; k < np; k++)
				hidden |= !strcmp(strrchr(paths[k], '/') + 1, names[i]);
			if (hidden || !str_has_suffix(names[i], ".conf") ||
			    asprintf(&paths[np], "%s/%s", dir, names[i]) < 0)
				continue;
			np++;
		}
		root_names_free(names, n);
	}
	qsort(paths, np, sizeof(paths[0]), cmp_base);
	for (size_t k = 0; k < np; k++) {
		read_execs(root, sv, paths[k]);
		free(paths[k]);
	}
}

void sd_service_free(struct sd_service *sv)
{
	for (size_t i = 0; i < sv->n; i++) {
		free(sv->exec[i].file);
		free(sv->exec[i].cmd);
	}
	free(sv->exec);
	sv->exec = NULL;
	sv->n = sv->cap = 0;
}


int sd_service_names(const char *root, char ***out, size_t *nout, conf_unlisted_fn unlisted,
		     void *ctx)
{
	char **seen = NULL, **names;
	size_t nseen = 0, cap = 0;
	int n, err = 0;

	for (size_t d = 0; d < SD_UNIT_DIRS && !err; d++) {
		n = root_list(root, sd_unit_dirs[d], &names);
		if (n == -ENOMEM)
			err = n;
		else if (n < 0 && unlisted)
			unlisted(ctx, sd_unit_dirs[d], n);
		for (int i = 0; i < n && !err; i++) {
			bool dup = false;

			for (size_t k = 0; k < nseen && !dup; k++)
				dup = !strcmp(seen[k], names[i]);
			if (dup || !str_has_suffix(names[i], ".service"))
				continue;
			if (array_reserve((void **)&seen, &cap, nseen + 1, sizeof(*seen)) ||
			    !(seen[nseen] = strdup(names[i]))) {
				err = -ENOMEM;
				break;
			}
			nseen++;
		}
		root_names_free(names, n);
	}
	if (err) {
		sd_names_free(seen, nseen);
		return err;
	}
	*out = seen;
	*nout = nseen;
	return 0;
}

void sd_names_free(char **names, size_t n)
{
	while (n)
		free(names[--n]);
	free(names);
}

int sd_service_read(const char *root, const char *name, struct sd_service *sv)
{
	memset(sv, 0, sizeof(*sv));
	snprintf(sv->name, sizeof(sv->name), "%s", name);
	if (!sd_unit_path(root, name, sv->path, sizeof(sv->path)))
		return -ENOENT;
	read_execs(root, sv, sv->path);
	read_dropins(root, sv);
	return 0;
}

int sd_triggers_collect(const char *root, struct sd_triggers **out, conf_unlisted_fn unlisted,
			void *ctx)
{
	struct sd_triggers *u = calloc(1, sizeof(*u));
	int ret;

	*out = NULL;
	if (!u)
		return -ENOMEM;
	u->root = root;
	u->unlisted = unlisted;
	u->ctx = ctx;
	collect_wants(u);
	collect_activators(u);
	ret = collect_udev(u);
	if (!ret)
		ret = u->err;
	if (ret) {
		sd_triggers_free(u);
		return ret;
	}
	*out = u;
	return 0;
}

void sd_triggers_free(struct sd_triggers *t)
{
	if (t)
		free(t->t);
	free(t);
}
