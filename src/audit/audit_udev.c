// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Rebinds that happen on uevents or at the next probe: driver_override
 * values left on devices, driverctl overrides and the udev rule that
 * reapplies them on every "add", and udev rules that write driver_override,
 * bind files or drivers_probe (directly or through a script they RUN).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit/audit_findings.h"
#include "audit/script_scan.h"
#include "sys/conffile.h"
#include "sys/rootfs.h"

#define DRIVERCTL_DIR	"/etc/driverctl.d"

static const char *const rules_dirs[] = {
	"/etc/udev/rules.d", "/run/udev/rules.d", "/usr/local/lib/udev/rules.d",
	"/lib/udev/rules.d", "/usr/lib/udev/rules.d",
};

/* Words that mean "this changes which driver gets the device". */
static const char *const bind_words[] = {
	"driver_override", "vfio", "drivers_probe", "new_id", "remove_id", "/bind", "/unbind",
};

static void check_overrides(struct audit *a)
{
	char path[128], meaning[512], hint[512];

	for (size_t i = 0; i < a->ndevs; i++) {
		const struct pci_dev_info *d = &a->devs[i];

		if (!d->driver_override[0])
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", d->bdf);
		snprintf(meaning, sizeof(meaning),
			 "while set, only %s may bind %s: a reprobe after any unbind puts it back "
			 "on %s, and binding another driver fails (currently bound: %s)",
			 d->driver_override, d->bdf, d->driver_override,
			 d->driver[0] ? d->driver : "none");
		snprintf(hint, sizeof(hint),
			 "clear it before returning the device to the host: echo > %s (or "
			 "'driverctl unset-override %s' if driverctl set it)", path, d->bdf);
		audit_add(a, SEV_WARN, "driver-override-set", path, 0, d->driver_override,
			  meaning, hint);
	}
}

/* /etc/driverctl.d/pci-BDF holds the driver name. Returns the count. */
static int check_driverctl(struct audit *a, char *err, size_t errlen, int *ret)
{
	static const char *const dirs[] = { DRIVERCTL_DIR };
	char **paths, text[256], meaning[512], hint[256];
	const char *name;
	size_t n;
	int count = 0, r;

	*ret = conf_list_saying(a->root, dirs, 1, "", &paths, &n, audit_dir_unlisted,
				&(struct audit_dir_rule){ a, "driverctl-override" });
	if (*ret)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char drv[128];

		name = strrchr(paths[i], '/') + 1;
		r = root_read(a->root, paths[i], drv, sizeof(drv) - 1);
		if (r < 0) {
			*ret = audit_read_error(a, paths[i], r, err, errlen);
			break;
		}
		drv[r] = '\0';
		drv[strcspn(drv, "\n")] = '\0';
		snprintf(text, sizeof(text), "%s: %s", name, drv);
		snprintf(meaning, sizeof(meaning),
			 "driverctl sets driver_override=%s on %s at boot and again on every "
			 "\"add\" uevent (remove+rescan, hotplug), then reprobes it",
			 drv, strncmp(name, "pci-", 4) ? name : name + 4);
		snprintf(hint, sizeof(hint), "driverctl unset-override %s",
			 strncmp(name, "pci-", 4) ? name : name + 4);
		audit_add(a, SEV_WARN, "driverctl-override", paths[i], 1, text, meaning, hint);
		count++;
	}
	conf_list_free(paths, n);
	return count;
}

static bool mentions(const char *text, const char *word)
{
	size_t n = strlen(word);

	for (; *text; text++)
		if (!strncasecmp(text, word, n))
			return true;
	return false;
}

static bool mentions_binding(const char *text)
{
	for (size_t i = 0; i < sizeof(bind_words) / sizeof(bind_words[0]); i++)
		if (mentions(text, bind_words[i]))
			return true;
	return false;
}

/* A rule acts (rather than matches) when it runs something or assigns an
 * attribute: RUN, PROGRAM, IMPORT{program}, SYSTEMD_WANTS, ATTR{x}="...". */
static bool rule_acts(const char *t)
{
	const char *p;

	if (strstr(t, "RUN") || strstr(t, "PROGRAM") || strstr(t, "IMPORT{program}") ||
	    strstr(t, "SYSTEMD_WANTS"))
		return true;
	for (p = t; (p = strstr(p, "ATTR{")); p++) {
		const char *close = strchr(p, '}');

		if (close && ((close[1] == '=' && close[2] != '=') ||
			      (close[1] == '+' && close[2] == '=')))
			return true;
	}
	return false;
}

/* The value of the next RUN assignment of rule line T from *POS on
 * (RUN+="...", RUN="...", RUN{program}+="..."; RUN{builtin} runs no
 * program), into VAL. A rule may RUN several programs. */
static bool next_run(const char *t, size_t *pos, char *val, size_t size)
{
	const char *p = t + *pos, *q, *end;

	while ((p = strstr(p, "RUN"))) {
		bool builtin = false;

		q = p + 3;
		if (p > t && (isalnum((unsigned char)p[-1]) || p[-1] == '_')) {
			p = q;
			continue;
		}
		if (*q == '{') {
			builtin = !strncmp(q, "{builtin}", 9);
			if (!(q = strchr(q, '}')))
				return false;
			q++;
		}
		q += strspn(q, " \t");
		if (*q == '+' || *q == ':')
			q++;
		if (*q != '=' || q[1] == '=') {		/* "==" matches, it runs nothing */
			p = q;
			continue;
		}
		q++;
		q += strspn(q, " \t");
		if (*q != '"') {
			p = q;
			continue;
		}
		q++;
		end = q + strcspn(q, "\"");
		*pos = (size_t)(end - t) + (*end ? 1 : 0);
		if (builtin) {
			p = t + *pos;
			continue;
		}
		snprintf(val, size, "%.*s", (int)(end - q), q);
		return true;
	}
	return false;
}

/* A RUN value as udev runs it: a program named without a path is looked
 * for in udev's own directory (/usr/lib/udev, or /lib/udev). */
static void run_command(const struct audit *a, const char *val, char *cmd, size_t size)
{
	static const char *const dirs[] = { "/usr/lib/udev", "/lib/udev" };
	struct stat st;
	size_t word;

	val += strspn(val, " \t");
	word = strcspn(val, " \t");
	snprintf(cmd, size, "%s", val);
	if (!word || memchr(val, '/', word))
		return;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(cmd, size, "%s/%s", dirs[i], val);
		cmd[strlen(dirs[i]) + 1 + word] = '\0';
		if (!root_stat(a->root, cmd, &st, 1)) {
			snprintf(cmd, size, "%s/%s", dirs[i], val);
			return;
		}
	}
	snprintf(cmd, size, "%s", val);
}

/* What the programs a rule RUNs do to binding, read as the unit and hook
 * rules read them (through sh/bash/env to the script, one level of what
 * it sources or calls): "/x.sh:4 writes drivers_probe (reprobe), ..." in
 * ACTS, the first such program in PROG. Returns 0 or -ENOMEM. */
static int runs_bind(struct audit *a, const struct conf_line *l, const char *path,
		     char *prog, size_t prog_size, char *acts, size_t size)
{
	char val[1024], cmd[PATH_MAX + 1024];
	size_t used = 0, pos = 0;
	int err = 0;

	acts[0] = prog[0] = '\0';
	while (!err && next_run(l->text, &pos, val, sizeof(val))) {
		struct script_scan s = { 0 };
		size_t before = used;

		run_command(a, val, cmd, sizeof(cmd));
		err = script_scan_command(a->root, path, l->lineno, cmd, &s);
		if (s.cut[0])
			audit_skip(a, "udev-rule-vfio", s.cut);
		for (size_t i = 0; !err && i < s.n && used < size; i++) {
			if (!script_act_binds(s.hits[i].act))
				continue;
			used += snprintf(acts + used, size - used, "%s%s:%d %s", used ? ", " : "",
					 s.hits[i].file, s.hits[i].line, script_act_name(s.hits[i].act));
		}
		script_scan_free(&s);
		if (used > before && !prog[0])
			snprintf(prog, prog_size, "%.*s", (int)strcspn(cmd, " \t"), cmd);
	}
	return err;
}

/* driverctl's own rule: it acts only for the devices driverctl overrides. */
static bool is_driverctl_rule(const char *t)
{
	return mentions(t, "driverctl@") || mentions(t, DRIVERCTL_DIR) ||
	       mentions(t, "driverctl --no-save load-override") ||
	       mentions(t, "driverctl --nosave load-override");
}

static int check_rule_line(struct audit *a, const char *path, const struct conf_line *l,
			   int n_driverctl)
{
	char prog[256], acts[1024], meaning[1536];
	int err;

	if (conf_is_comment(l->text) || !rule_acts(l->text))
		return 0;
	if (mentions(l->text, "driverctl") && (n_driverctl || is_driverctl_rule(l->text))) {
		if (n_driverctl)
			audit_add(a, SEV_WARN, "driverctl-udev-rule", path, l->lineno, l->text,
				  "on every \"add\" uevent of a device with a driverctl override this "
				  "starts driverctl@... which writes driver_override and reprobes: a "
				  "remove+rescan done to return the GPU to the host puts it back on "
				  "the override driver",
				  "unset the override (driverctl unset-override BDF) instead of "
				  "rebinding around it");
		return 0;
	}
	if (mentions_binding(l->text) || mentions(l->text, "set-override")) {
		audit_add(a, SEV_WARN, "udev-rule-vfio", path, l->lineno, l->text,
			  "this rule changes which driver a device gets whenever its uevent "
			  "matches (add, bind, change ...): a rebind done by a hook can be undone "
			  "moments later by the udev worker",
			  "narrow the match (ACTION, KERNEL==\"0000:0a:00.*\") or remove the rule; "
			  "'gputrace record' shows whether it fired");
		return 0;
	}
	if ((err = runs_bind(a, l, path, prog, sizeof(prog), acts, sizeof(acts))) || !acts[0])
		return err;
	snprintf(meaning, sizeof(meaning),
		 "the rule runs %s, which changes driver binding (%s): each matching "
		 "uevent can rebind a device", prog, acts);
	audit_add(a, SEV_WARN, "udev-rule-vfio", path, l->lineno, l->text, meaning,
		  "narrow the rule's match or remove it; 'gputrace record' shows whether it "
		  "fired");
	return 0;
}

int audit_udev(struct audit *a, char *err, size_t errlen)
{
	char **paths;
	struct conf_file f;
	int ret, n_driverctl;
	size_t n, i;

	check_overrides(a);
	n_driverctl = check_driverctl(a, err, errlen, &ret);
	if (ret)
		return ret;
	ret = conf_list_saying(a->root, rules_dirs, sizeof(rules_dirs) / sizeof(rules_dirs[0]),
			       ".rules", &paths, &n, audit_dir_unlisted,
			       &(struct audit_dir_rule){ a, "udev-rule-vfio" });
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
		for (size_t j = 0; j < f.n && !ret; j++)
			ret = check_rule_line(a, paths[i], &f.lines[j], n_driverctl);
		conf_free(&f);
		if (ret) {
			snprintf(err, errlen, "%s: %s", paths[i], strerror(-ret));
			break;
		}
	}
	conf_list_free(paths, n);
	return ret == -ENOENT ? 0 : ret;
}
