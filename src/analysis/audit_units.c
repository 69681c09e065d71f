// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * systemd services that bind PCI devices: a command (driverctl
 * set-override, virsh nodedev-detach, modprobe vfio-pci) or a script that
 * writes driver_override, bind, unbind, new_id, drivers_probe, remove or
 * rescan, in any Exec*= of the unit or its drop-ins. What starts the unit
 * decides the severity: enabled (a *.wants/ or *.requires/ link), an enabled
 * timer or path unit, or a udev rule (SYSTEMD_WANTS, RUN systemctl start)
 * make it a warning; a unit nothing starts is worth knowing only.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/audit.h"
#include "analysis/script_scan.h"
#include "sys/conffile.h"
#include "sys/rootfs.h"

#define TRIGGERS_MAX	256
#define UNIT_NAME_MAX	256

/* systemd's search path for system units, highest priority first. */
static const char *const unit_dirs[] = {
	"/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system",
	"/lib/systemd/system", "/usr/lib/systemd/system",
};
#define NUNIT_DIRS	(sizeof(unit_dirs) / sizeof(unit_dirs[0]))

static const char *const udev_dirs[] = {
	"/etc/udev/rules.d", "/run/udev/rules.d", "/usr/local/lib/udev/rules.d",
	"/lib/udev/rules.d", "/usr/lib/udev/rules.d",
};

/* Something that starts UNIT (a name, or a template "x@.service" when the
 * instance is only known at run time). */
struct trigger {
	char unit[UNIT_NAME_MAX];
	char why[512];
};

struct units {
	struct audit *a;
	struct trigger t[TRIGGERS_MAX];
	size_t nt;
};

static bool has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), k = strlen(suffix);

	return n > k && !strcmp(name + n - k, suffix);
}

static void add_trigger(struct units *u, const char *unit, const char *why)
{
	if (u->nt == TRIGGERS_MAX || !unit[0] || strlen(unit) >= UNIT_NAME_MAX)
		return;
	snprintf(u->t[u->nt].unit, UNIT_NAME_MAX, "%s", unit);
	snprintf(u->t[u->nt].why, sizeof(u->t[0].why), "%s", why);
	u->nt++;
}

/* "foo@bar.service" -> "foo@.service"; other names unchanged. */
static void template_of(const char *name, char *tmpl, size_t size)
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
static bool unit_path(const struct units *u, const char *name, char *path, size_t size)
{
	char tmpl[UNIT_NAME_MAX];
	struct stat st;

	for (int pass = 0; pass < 2; pass++) {
		if (pass)
			template_of(name, tmpl, sizeof(tmpl));
		if (pass && !strcmp(tmpl, name))
			break;
		for (size_t d = 0; d < NUNIT_DIRS; d++) {
			if (snprintf(path, size, "%s/%s", unit_dirs[d], pass ? tmpl : name) >= (int)size ||
			    root_stat(u->a->root, path, &st, 0))
				continue;
			return !root_stat(u->a->root, path, &st, 1) && S_ISREG(st.st_mode) &&
			       st.st_size > 0;
		}
	}
	return false;
}

/* "Key=value" of SECTION in F: the value of the last assignment of KEY. */
static const char *unit_value(const struct conf_file *f, const char *section, const char *key)
{
	const char *val = NULL, *sect = "";
	size_t klen = strlen(key);

	for (size_t i = 0; i < f->n; i++) {
		const char *t = f->lines[i].text;

		if (t[0] == '[')
			sect = t;
		else if (!strncmp(sect + 1, section, strlen(section)) &&
			 sect[1 + strlen(section)] == ']' && !strncmp(t, key, klen) &&
			 (t[klen] == '=' || t[klen] == ' '))
			val = t + klen + strspn(t + klen, " =");
	}
	return val;
}

/* ---- what starts a unit ------------------------------------------------ */

/* *.wants/ and *.requires/ links: "enabled". */
static void collect_wants(struct units *u)
{
	char dir[PATH_MAX], why[512], **names, **links;
	int n, k;

	for (size_t d = 0; d < NUNIT_DIRS; d++) {
		n = root_list(u->a->root, unit_dirs[d], &names);
		for (int i = 0; i < n; i++) {
			size_t len = strlen(names[i]);
			bool wants = has_suffix(names[i], ".wants");

			if (!wants && !has_suffix(names[i], ".requires"))
				continue;
			snprintf(dir, sizeof(dir), "%s/%s", unit_dirs[d], names[i]);
			k = root_list(u->a->root, dir, &links);
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
static void collect_activators(struct units *u)
{
	static const char *const keys[] = {
		"OnBootSec", "OnStartupSec", "OnCalendar", "OnUnitActiveSec", "OnActiveSec",
		"PathExists", "PathExistsGlob", "PathChanged", "PathModified", "DirectoryNotEmpty",
	};
	char path[PATH_MAX], target[UNIT_NAME_MAX], why[768];
	size_t nt = u->nt;
	struct conf_file f;

	for (size_t i = 0; i < nt; i++) {
		const char *name = u->t[i].unit, *section, *v;
		size_t used;

		section = has_suffix(name, ".timer") ? "Timer" : has_suffix(name, ".path") ? "Path" : NULL;
		if (!section || !unit_path(u, name, path, sizeof(path)) ||
		    conf_read_in_root(u->a->root, path, &f))
			continue;
		v = unit_value(&f, section, "Unit");
		if (v)
			snprintf(target, sizeof(target), "%s", v);
		else
			snprintf(target, sizeof(target), "%.*s.service",
				 (int)(strrchr(name, '.') - name), name);
		used = snprintf(why, sizeof(why), "%s %s", section[0] == 'T' ? "timer" : "path unit", name);
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]) && used < sizeof(why); k++)
			if ((v = unit_value(&f, section, keys[k])))
				used += snprintf(why + used, sizeof(why) - used, " %s=%s", keys[k], v);
		conf_free(&f);
		add_trigger(u, target, why);
	}
}

/* The unit names a udev rule line starts: ENV{SYSTEMD_WANTS}="a b" and
 * RUN+="... systemctl [--no-block] start a". An instance made of a
 * substitution ("x@%k.service") stands for the template. */
static void udev_line(struct units *u, const char *file, const struct conf_line *l)
{
	const char *p = strstr(l->text, "SYSTEMD_WANTS"), *start;
	char names[512], *w[16], why[PATH_MAX + 64], tmpl[UNIT_NAME_MAX];
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
		template_of(w[i], tmpl, sizeof(tmpl));
		add_trigger(u, strpbrk(w[i], "%$") ? tmpl : w[i], why);
	}
}

static int collect_udev(struct units *u)
{
	struct conf_file f;
	char **paths;
	size_t n;
	int ret;

	ret = conf_list(u->a->root, udev_dirs, sizeof(udev_dirs) / sizeof(udev_dirs[0]), ".rules",
			&paths, &n);
	if (ret)
		return ret;
	for (size_t i = 0; i < n; i++) {
		if (conf_read(u->a->root, paths[i], &f))
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
static void triggers_of(const struct units *u, const char *name, char *buf, size_t size)
{
	char tmpl[UNIT_NAME_MAX];
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < u->nt && used < size; i++) {
		template_of(u->t[i].unit, tmpl, sizeof(tmpl));
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
#define EXECS_MAX	64

struct exec_cmd {
	const char *key;
	char *file;
	int line;
	char *cmd;
};

struct service {
	char name[UNIT_NAME_MAX];
	char path[PATH_MAX];
	struct exec_cmd cmd[EXECS_MAX];
	size_t n;
};

static void drop_key(struct service *sv, const char *key)
{
	size_t k = 0;

	for (size_t i = 0; i < sv->n; i++) {
		if (sv->cmd[i].key == key) {
			free(sv->cmd[i].file);
			free(sv->cmd[i].cmd);
		} else {
			sv->cmd[k++] = sv->cmd[i];
		}
	}
	sv->n = k;
}

/* "ExecStart=-/usr/bin/x a" of [Service]: the prefixes (-@:+!) only change
 * how systemd runs the command; "ExecStart=" alone resets the list. */
static void exec_line(struct service *sv, const char *file, const struct conf_line *l)
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
	if (sv->n == EXECS_MAX)
		return;
	sv->cmd[sv->n].key = exec_keys[k];
	sv->cmd[sv->n].line = l->lineno;
	sv->cmd[sv->n].file = strdup(file);
	sv->cmd[sv->n].cmd = strdup(v);
	if (sv->cmd[sv->n].file && sv->cmd[sv->n].cmd)
		sv->n++;
	else
		free(sv->cmd[sv->n].file), free(sv->cmd[sv->n].cmd);
}

static void read_execs(struct units *u, struct service *sv, const char *file)
{
	struct conf_file f;
	bool in_service = false;

	if (conf_read_in_root(u->a->root, file, &f))
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
static void read_dropins(struct units *u, struct service *sv)
{
	char dir[PATH_MAX], *paths[64], **names;
	size_t np = 0;
	int n;

	for (size_t d = 0; d < NUNIT_DIRS; d++) {
		snprintf(dir, sizeof(dir), "%s/%s.d", unit_dirs[d], sv->name);
		n = root_list(u->a->root, dir, &names);
		for (int i = 0; i < n && np < 64; i++) {
			bool hidden = false;

			for (size_t k = 0; k < np; k++)
				hidden |= !strcmp(strrchr(paths[k], '/') + 1, names[i]);
			if (hidden || !has_suffix(names[i], ".conf") ||
			    asprintf(&paths[np], "%s/%s", dir, names[i]) < 0)
				continue;
			np++;
		}
		root_names_free(names, n);
	}
	qsort(paths, np, sizeof(paths[0]), cmp_base);
	for (size_t k = 0; k < np; k++) {
		read_execs(u, sv, paths[k]);
		free(paths[k]);
	}
}

static void service_free(struct service *sv)
{
	for (size_t i = 0; i < sv->n; i++) {
		free(sv->cmd[i].file);
		free(sv->cmd[i].cmd);
	}
	sv->n = 0;
}

/* ---- findings ---------------------------------------------------------- */

/* "line 4 unbinds a device, line 5 writes ..." for the hits of FILE. */
static void describe_hits(const struct script_scan *s, const char *file, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < s->n && used < size; i++)
		if (!strcmp(s->hits[i].file, file) && script_act_binds(s->hits[i].act))
			used += snprintf(buf + used, size - used, "%sline %d %s", used ? ", " : "",
					 s->hits[i].line, script_act_name(s->hits[i].act));
}

static void report_file(struct units *u, const struct service *sv, const struct exec_cmd *c,
			const struct script_scan *s, const struct script_hit *first,
			const char *triggers)
{
	char acts[1024], via[PATH_MAX + 1024], meaning[2048], hint[512];
	struct audit_finding *f;

	describe_hits(s, first->file, acts, sizeof(acts));
	snprintf(via, sizeof(via), "%s %s=%s (%s:%d)", sv->name, c->key, c->cmd, c->file, c->line);
	if (triggers[0]) {
		snprintf(meaning, sizeof(meaning),
			 "%s changes driver binding each time it runs, and something starts it "
			 "without anyone asking (see trigger: boot, timer, path or udev event): "
			 "%s. A GPU handed back to the host can be taken again at the next boot "
			 "or event", sv->name, acts);
		snprintf(hint, sizeof(hint),
			 "if the GPU should go back to the host between VM runs, 'systemctl "
			 "disable --now %s' (and its timer, path unit or udev rule) and let the VM "
			 "manager bind vfio-pci at start; 'gputrace record' shows when it runs",
			 sv->name);
	} else {
		snprintf(meaning, sizeof(meaning),
			 "%s changes driver binding (%s), but nothing starts it: no *.wants/ link, "
			 "timer, path unit or udev rule names it, so it runs only when started by "
			 "hand or by another unit", sv->name, acts);
		snprintf(hint, sizeof(hint), "nothing to do unless something starts %s", sv->name);
	}
	f = audit_add(u->a, triggers[0] ? AUDIT_WARN : AUDIT_INFO, "unit-binds-device", first->file,
		      first->line, first->text, meaning, hint);
	audit_detail(f, AUDIT_MATCHED, triggers[0] ? triggers : NULL, via);
}

/* One finding per script (or unit file) a command binds devices from,
 * at its first binding line. */
static int check_command(struct units *u, const struct service *sv, const struct exec_cmd *c,
			 const char *triggers)
{
	struct script_scan s = { 0 };
	int err = script_scan_command(u->a->root, c->file, c->line, c->cmd, &s);

	for (size_t i = 0; i < s.n && !err; i++) {
		bool seen = false;

		if (!script_act_binds(s.hits[i].act))
			continue;
		for (size_t k = 0; k < i; k++)
			seen |= script_act_binds(s.hits[k].act) && !strcmp(s.hits[k].file, s.hits[i].file);
		if (!seen)
			report_file(u, sv, c, &s, &s.hits[i], triggers);
	}
	script_scan_free(&s);
	return err;
}

static int check_service(struct units *u, const char *name)
{
	struct service *sv = calloc(1, sizeof(*sv));
	char triggers[2048];
	int err = 0;

	if (!sv)
		return -ENOMEM;
	snprintf(sv->name, sizeof(sv->name), "%s", name);
	if (unit_path(u, name, sv->path, sizeof(sv->path))) {
		read_execs(u, sv, sv->path);
		read_dropins(u, sv);
		triggers_of(u, name, triggers, sizeof(triggers));
		for (size_t i = 0; i < sv->n && !err; i++)
			err = check_command(u, sv, &sv->cmd[i], triggers);
	}
	service_free(sv);
	free(sv);
	return err;
}

/* Every *.service file name in the unit directories, once. */
static int check_services(struct units *u)
{
	char **seen = NULL, **grown, **names;
	size_t nseen = 0;
	int n, err = 0;

	for (size_t d = 0; d < NUNIT_DIRS && !err; d++) {
		n = root_list(u->a->root, unit_dirs[d], &names);
		for (int i = 0; i < n && !err; i++) {
			bool dup = false;

			for (size_t k = 0; k < nseen && !dup; k++)
				dup = !strcmp(seen[k], names[i]);
			if (dup || !has_suffix(names[i], ".service"))
				continue;
			grown = reallocarray(seen, nseen + 1, sizeof(*seen));
			if (!grown || !(grown[nseen] = strdup(names[i]))) {
				seen = grown ? grown : seen;
				err = -ENOMEM;
				break;
			}
			seen = grown;
			nseen++;
			err = check_service(u, names[i]);
		}
		root_names_free(names, n);
	}
	while (nseen)
		free(seen[--nseen]);
	free(seen);
	return err;
}

int audit_units(struct audit *a, char *err, size_t errlen)
{
	struct units *u = calloc(1, sizeof(*u));
	int ret;

	if (!u)
		return -ENOMEM;
	u->a = a;
	collect_wants(u);
	collect_activators(u);
	ret = collect_udev(u);
	if (!ret)
		ret = check_services(u);
	free(u);
	if (ret)
		snprintf(err, errlen, "systemd units: %s", strerror(-ret));
	return ret;
}
