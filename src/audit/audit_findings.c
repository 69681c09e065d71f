// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The findings list of a check, and the lookups its rule families share. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit_findings.h"
#include "sys/kernel.h"
#include "util.h"

static const char *const host_drivers[] = {
	"nouveau", "nvidia", "nvidia_drm", "nvidia_modeset", "nvidiafb", "rivafb",
	"amdgpu", "radeon", "radeonfb", "i915", "xe", "snd_hda_intel",
	"snd_hda_codec_hdmi",
};

static char *dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

static void finding_free(struct audit_finding *f)
{
	free(f->file);
	free(f->text);
	free(f->meaning);
	free(f->hint);
	free(f->trigger);
	free(f->via);
}

struct audit_finding *audit_add(struct audit *a, enum severity sev, const char *rule,
				const char *file, int line, const char *text,
				const char *meaning, const char *hint)
{
	struct audit_finding *f;

	if (array_reserve((void **)&a->f, &a->cap, a->n + 1, sizeof(*a->f)))
		return NULL;
	f = &a->f[a->n];
	memset(f, 0, sizeof(*f));
	f->severity = sev;
	f->rule = rule;
	f->file = dup_or_empty(file);
	f->line = line;
	f->text = dup_or_empty(text);
	f->meaning = dup_or_empty(meaning);
	f->hint = dup_or_empty(hint);
	if (!f->file || !f->text || !f->meaning || !f->hint) {
		finding_free(f);
		return NULL;
	}
	a->n++;
	return f;
}

void audit_detail(struct audit_finding *f, enum audit_certainty c, const char *trigger,
		  const char *via)
{
	if (!f)
		return;
	f->certainty = c;
	if (trigger && !f->trigger)
		f->trigger = strdup(trigger);
	if (via && !f->via)
		f->via = strdup(via);
}

const char *audit_certainty_name(enum audit_certainty c)
{
	return c == AUDIT_GUESS ? "guess" : "matched";
}

void audit_skip(struct audit *a, const char *rule, const char *why)
{
	for (size_t i = 0; i < a->nskipped; i++)	/* once, however often it is met */
		if (!strcmp(a->skipped[i].rule, rule) && !strcmp(a->skipped[i].why, why))
			return;
	if (array_reserve((void **)&a->skipped, &a->capskipped, a->nskipped + 1,
			  sizeof(*a->skipped)))
		return;
	a->skipped[a->nskipped].rule = rule;
	if ((a->skipped[a->nskipped].why = strdup(why)))
		a->nskipped++;
}

void audit_dir_unlisted(void *ctx, const char *dir, int err)
{
	const struct audit_dir_rule *d = ctx;
	char why[PATH_MAX + 128];

	snprintf(why, sizeof(why), "cannot list %s%s: %s", d->a->root ? d->a->root : "", dir,
		 strerror(-err));
	audit_skip(d->a, d->rule, why);
}

bool audit_is_host_driver(const struct audit *a, const char *module)
{
	size_t i;

	for (i = 0; i < sizeof(host_drivers) / sizeof(host_drivers[0]); i++)
		if (module_name_eq(module, host_drivers[i]))
			return true;
	for (i = 0; i < a->ndevs; i++)
		if (pci_class_is_display(a->devs[i].class) && a->devs[i].driver[0] &&
		    !module_name_eq(a->devs[i].driver, "vfio-pci") &&
		    module_name_eq(module, a->devs[i].driver))
			return true;
	return false;
}

/* One entry of an ids= list: "vendor:device[:subvendor:subdevice[...]]". */
static bool id_matches(const char *id, size_t len, const struct pci_dev_info *d)
{
	unsigned int v[4];
	char buf[64];
	int n;

	snprintf(buf, sizeof(buf), "%.*s", (int)len, id);
	n = sscanf(buf, "%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3]);
	if (n < 2)
		return false;
	/* PCI_ANY_ID (ffffffff) matches anything, as in the kernel. */
	return (v[0] == 0xffffffff || v[0] == d->vendor) &&
	       (v[1] == 0xffffffff || v[1] == d->device) &&
	       (n < 3 || v[2] == 0xffffffff || v[2] == d->subvendor) &&
	       (n < 4 || v[3] == 0xffffffff || v[3] == d->subdevice);
}

void audit_ids_matches(const struct audit *a, const char *ids, char *buf, size_t size)
{
	size_t used = 0, len;
	const char *p;

	buf[0] = '\0';
	for (size_t i = 0; i < a->ndevs; i++) {
		for (p = ids; *p; p += len + (p[len] == ',')) {
			len = strcspn(p, ",");
			if (len && id_matches(p, len, &a->devs[i])) {
				used += snprintf(buf + used, used < size ? size - used : 0, "%s%s (%04x:%04x)",
						 used ? ", " : "", a->devs[i].bdf, a->devs[i].vendor,
						 a->devs[i].device);
				break;
			}
		}
		if (used >= size)
			break;
	}
}

int audit_read_error(const struct audit *a, const char *path, int err, char *buf, size_t size)
{
	snprintf(buf, size, "cannot read %s%s: %s", a->root ? a->root : "", path, strerror(-err));
	return err;
}

void audit_free(struct audit *a)
{
	for (size_t i = 0; i < a->n; i++)
		finding_free(&a->f[i]);
	for (size_t i = 0; i < a->nskipped; i++)
		free(a->skipped[i].why);
	free(a->f);
	free(a->skipped);
	pci_devs_free(a->devs);
	memset(a, 0, sizeof(*a));
}
