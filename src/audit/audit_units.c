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

#include "audit/audit_findings.h"
#include "audit/script_scan.h"
#include "sys/sd_units.h"

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

static void report_file(struct audit *a, const struct sd_service *sv, const struct sd_exec *c,
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
	f = audit_add(a, triggers[0] ? SEV_WARN : SEV_INFO, "unit-binds-device", first->file,
		      first->line, first->text, meaning, hint);
	audit_detail(f, AUDIT_MATCHED, triggers[0] ? triggers : NULL, via);
}

/* sysfs writes before commands: the line that writes is the one to show. */
static bool is_sysfs_write(enum script_act act)
{
	return act != ACT_DRIVERCTL && act != ACT_DETACH && act != ACT_MODPROBE_VFIO &&
	       script_act_binds(act);
}

/* The hit of FILE a finding points at: its first sysfs write, or else its
 * first binding command. */
static const struct script_hit *shown_hit(const struct script_scan *s, const char *file)
{
	const struct script_hit *cmd = NULL;

	for (size_t i = 0; i < s->n; i++) {
		if (strcmp(s->hits[i].file, file) || !script_act_binds(s->hits[i].act))
			continue;
		if (is_sysfs_write(s->hits[i].act))
			return &s->hits[i];
		if (!cmd)
			cmd = &s->hits[i];
	}
	return cmd;
}

/* One finding per script (or unit file) a command binds devices from,
 * at the line that writes. */
static int check_command(struct audit *a, const struct sd_service *sv, const struct sd_exec *c,
			 const char *triggers)
{
	struct script_scan s = { 0 };
	int err = script_scan_command(a->root, c->file, c->line, c->cmd, &s);

	if (s.cut[0])
		audit_skip(a, "unit-binds-device", s.cut);

	for (size_t i = 0; i < s.n && !err; i++) {
		bool seen = false;

		if (!script_act_binds(s.hits[i].act))
			continue;
		for (size_t k = 0; k < i; k++)
			seen |= script_act_binds(s.hits[k].act) &&
				!strcmp(s.hits[k].file, s.hits[i].file);
		if (!seen)
			report_file(a, sv, c, &s, shown_hit(&s, s.hits[i].file), triggers);
	}
	script_scan_free(&s);
	return err;
}

static int check_service(struct audit *a, const struct sd_triggers *t, const char *name)
{
	struct sd_service *sv = malloc(sizeof(*sv));
	char triggers[2048];
	int err = 0;

	if (!sv)
		return -ENOMEM;
	if (!sd_service_read(a->root, name, sv)) {
		sd_triggers_of(t, name, triggers, sizeof(triggers));
		for (size_t i = 0; i < sv->n && !err; i++)
			err = check_command(a, sv, &sv->exec[i], triggers);
		if (!err && sv->exec_cut)
			err = -ENOMEM;	/* a command not read is a check not made */
		sd_service_free(sv);
	}
	free(sv);
	return err;
}

int audit_units(struct audit *a, char *err, size_t errlen)
{
	struct audit_dir_rule d = { a, "unit-binds-device" };
	struct sd_triggers *t;
	char **names = NULL;
	size_t n = 0;
	int ret;

	ret = sd_triggers_collect(a->root, &t, audit_dir_unlisted, &d);
	if (!ret)
		ret = sd_service_names(a->root, &names, &n, audit_dir_unlisted, &d);
	for (size_t i = 0; !ret && i < n; i++)
		ret = check_service(a, t, names[i]);
	sd_names_free(names, n);
	sd_triggers_free(t);
	return ret;
}
