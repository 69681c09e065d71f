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

	*ret = conf_list(a->root, dirs, 1, "", &paths, &n);
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

/* The program of the first RUN in T ("/usr/local/bin/x.sh" of
 * RUN+="/usr/local/bin/x.sh $kernel"), if it is an absolute path. */
static bool run_program(const char *t, char *prog, size_t size)
{
	const char *p = strstr(t, "RUN");
	size_t n;

	if (!p || !(p = strchr(p, '"')))
		return false;
	p++;
	if (*p != '/')
		return false;
	n = strcspn(p, " \t\"");
	snprintf(prog, size, "%.*s", (int)n, p);
	return true;
}

/* What the program a rule RUNs does to binding, read as the unit and hook
 * rules read scripts (one level of what it sources or calls):
 * "/x.sh:4 writes drivers_probe (reprobe), ..." in ACTS. False when it
 * binds nothing (or is a binary). */
static bool script_binds(const struct audit *a, const char *prog, char *acts, size_t size)
{
	struct script_scan s = { 0 };
	size_t used = 0;

	acts[0] = '\0';
	script_scan_file(a->root, prog, &s);
	for (size_t i = 0; i < s.n && used < size; i++) {
		if (!script_act_binds(s.hits[i].act))
			continue;
		used += snprintf(acts + used, size - used, "%s%s:%d %s", used ? ", " : "",
				 s.hits[i].file, s.hits[i].line, script_act_name(s.hits[i].act));
	}
	script_scan_free(&s);
	return used > 0;
}

static void check_rule_line(struct audit *a, const char *path, const struct conf_line *l,
			    int n_driverctl)
{
	char prog[256], acts[1024], meaning[1536];

	if (conf_is_comment(l->text) || !rule_acts(l->text))
		return;
	if (mentions(l->text, "driverctl")) {
		if (n_driverctl)
			audit_add(a, SEV_WARN, "driverctl-udev-rule", path, l->lineno, l->text,
				  "on every \"add\" uevent of a device with a driverctl override this "
				  "starts driverctl@... which writes driver_override and reprobes: a "
				  "remove+rescan done to return the GPU to the host puts it back on "
				  "the override driver",
				  "unset the override (driverctl unset-override BDF) instead of "
				  "rebinding around it");
		return;
	}
	if (mentions_binding(l->text)) {
		audit_add(a, SEV_WARN, "udev-rule-vfio", path, l->lineno, l->text,
			  "this rule changes which driver a device gets whenever its uevent "
			  "matches (add, bind, change ...): a rebind done by a hook can be undone "
			  "moments later by the udev worker",
			  "narrow the match (ACTION, KERNEL==\"0000:0a:00.*\") or remove the rule; "
			  "'gputrace record' shows whether it fired");
		return;
	}
	if (run_program(l->text, prog, sizeof(prog)) &&
	    script_binds(a, prog, acts, sizeof(acts))) {
		snprintf(meaning, sizeof(meaning),
			 "the rule runs %s, which changes driver binding (%s): each matching "
			 "uevent can rebind a device", prog, acts);
		audit_add(a, SEV_WARN, "udev-rule-vfio", path, l->lineno, l->text, meaning,
			  "narrow the rule's match or remove it; 'gputrace record' shows whether it "
			  "fired");
	}
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
	ret = conf_list(a->root, rules_dirs, sizeof(rules_dirs) / sizeof(rules_dirs[0]), ".rules",
			&paths, &n);
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
		for (size_t j = 0; j < f.n; j++)
			check_rule_line(a, paths[i], &f.lines[j], n_driverctl);
		conf_free(&f);
	}
	conf_list_free(paths, n);
	return ret == -ENOENT ? 0 : ret;
}
