// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Hook scripts read before they run (what `gputrace record` would show
 * later): a host driver bound while driver_override may still name
 * vfio-pci, a multi-function slot returned only in part, virsh
 * nodedev-reattach on devices libvirt reattaches itself, and work left
 * running in the background after the hook returns.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/hook_rules.h"
#include "audit/script_scan.h"
#include "sys/rootfs.h"
#include "sys/vmconf.h"
#include "util.h"

#define DOMAIN_XML_MAX	(1024 * 1024)

/* The first line that hands a device to a host driver while
 * driver_override may still name vfio-pci, read in file order (hooks keep
 * their phases in one file: a start branch that sets the override, a stop
 * branch that reprobes):
 *  - an explicit bind of a driver that is not vfio-pci/pci-stub with no
 *    clear before it, or after the script set the override again;
 *  - a reprobe or rescan after the script set the override and already
 *    reprobed once for it (the set's own reprobe is the start binding);
 *  - in a script that never aims at vfio-pci, any reprobe or rescan not
 *    preceded by a clear.
 * *SETS tells whether the script itself set the override it forgot. */
static const struct script_hit *unsafe_bind(const struct script_scan *s, bool *sets)
{
	bool aims_vfio = script_has(s, ACT_OVERRIDE_SET) || script_has(s, ACT_BIND_VFIO) ||
			 script_has(s, ACT_NEW_ID) || script_has(s, ACT_DETACH);
	bool cleared = false, pending = false;
	int probes = 0;

	for (size_t i = 0; i < s->n; i++) {
		const struct script_hit *h = &s->hits[i];

		switch (h->act) {
		case ACT_OVERRIDE_CLEAR:
		case ACT_REATTACH:
			cleared = true;
			pending = false;
			break;
		case ACT_OVERRIDE_SET:
			pending = true;
			probes = 0;
			break;
		case ACT_BIND_HOST:
			if (!cleared || pending) {
				*sets = pending;
				return h;
			}
			break;
		case ACT_PROBE:
		case ACT_RESCAN:
			if ((pending && probes++ >= 1) || (!aims_vfio && !cleared)) {
				*sets = pending;
				return h;
			}
			break;
		default:
			break;
		}
	}
	return NULL;
}

static void check_override(struct audit *a, const struct script_scan *s, const struct hook_ctx *c)
{
	bool sets = false;
	const struct script_hit *bind = unsafe_bind(s, &sets);
	struct audit_finding *f;
	char meaning[1024];

	if (!bind)
		return;
	snprintf(meaning, sizeof(meaning),
		 "this hands the device to a host driver (%s) without clearing driver_override "
		 "first: while it still names vfio-pci (%s), the kernel lets only vfio-pci bind, "
		 "so the host driver's bind fails and any reprobe puts the device back on "
		 "vfio-pci, although the hook carries on as if it had worked",
		 script_act_name(bind->act), sets ? "this script sets it earlier" :
		 "set by libvirt, driverctl, a udev rule or the start hook");
	f = audit_add(a, SEV_WARN, "hook-override-not-cleared", bind->file, bind->line, bind->text,
		      meaning,
		      "clear it for every function before the unbind/bind: "
		      "echo > /sys/bus/pci/devices/BDF/driver_override");
	audit_detail(f, sets ? AUDIT_MATCHED : AUDIT_GUESS, NULL, c->via);
}

static bool same_slot(const char *bdf, const char *slot)
{
	return !strncmp(bdf, slot, 10) && (bdf[10] == '.' || !bdf[10]);
}

static bool named(const struct script_scan *s, const char *bdf)
{
	for (size_t i = 0; i < s->naddrs; i++)
		if (!strcmp(s->addrs[i].bdf, bdf) ||
		    (strlen(s->addrs[i].bdf) == 10 && same_slot(bdf, s->addrs[i].bdf)))
			return true;
	return false;
}

/* Functions of SLOT the script never names: present in the tree, or given
 * to the VM. */
static void missing_functions(const struct audit *a, const struct script_scan *s,
			      const struct hook_ctx *c, const char *slot, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < a->ndevs && used < size; i++)
		if (same_slot(a->devs[i].bdf, slot) && !named(s, a->devs[i].bdf))
			used += snprintf(buf + used, size - used, "%s%s", used ? ", " : "",
					 a->devs[i].bdf);
	for (size_t i = 0; i < c->ndevs && used < size; i++)
		if (strlen(c->devs[i]) > 10 && same_slot(c->devs[i], slot) &&
		    !named(s, c->devs[i]) && !strstr(buf, c->devs[i]))
			used += snprintf(buf + used, size - used, "%s%s", used ? ", " : "",
					 c->devs[i]);
}

static void check_slots(struct audit *a, const struct script_scan *s, const struct hook_ctx *c)
{
	char slot[11], missing[512], meaning[1536], held[512] = "";
	struct audit_finding *f;
	size_t used = 0;

	if (!script_has(s, ACT_BIND_HOST) && !script_has(s, ACT_PROBE) &&
	    !script_has(s, ACT_UNBIND) && !script_has(s, ACT_REATTACH))
		return;
	for (size_t i = 0; i < c->ndevs && used < sizeof(held); i++)
		used += snprintf(held + used, sizeof(held) - used, "%s%s%s",
				 used ? ", " : "; the VM holds ", c->devs[i],
				 strlen(c->devs[i]) == 10 ? " (all functions)" : "");
	for (size_t i = 0; i < s->naddrs; i++) {
		bool first = true;

		if (strlen(s->addrs[i].bdf) != 12)
			continue;
		snprintf(slot, sizeof(slot), "%.10s", s->addrs[i].bdf);
		for (size_t k = 0; k < i; k++)
			first &= !same_slot(s->addrs[k].bdf, slot);
		missing_functions(a, s, c, slot, missing, sizeof(missing));
		if (!first || !missing[0])
			continue;
		snprintf(meaning, sizeof(meaning),
			 "the hook rebinds %s but never names %s of the same slot: a function left "
			 "on vfio-pci keeps the IOMMU group claimed, and its own reprobe or the "
			 "next start's group bind can pull the whole slot back to vfio-pci (the "
			 "GPU's HDMI audio function .1 is the usual one forgotten)%s",
			 s->addrs[i].bdf, missing, held);
		f = audit_add(a, SEV_WARN, "hook-partial-slot", s->addrs[i].file, s->addrs[i].line,
			      s->addrs[i].text, meaning,
			      "return every function of the slot (0000:0a:00.0 and .1 ...), in the "
			      "same way and order");
		audit_detail(f, AUDIT_GUESS, NULL, c->via);
	}
}

/* Whether domain XML (LEN bytes) has a managed PCI <hostdev> at BDF (any
 * address for ""), read by the one libvirt XML reader (sys/vmconf.c).
 * libvirt's default is managed='no'. */
static bool xml_managed(const char *xml, size_t len, const char *bdf)
{
	struct vmconf conf;
	long pid;

	if (vmconf_from_libvirt(xml, len, &conf, &pid))
		return false;
	for (size_t i = 0; i < conf.ndevs; i++)
		if (!conf.unmanaged[i] && (!bdf[0] || !strcmp(conf.devs[i], bdf)))
			return true;
	return false;
}

/* Whether libvirt domain DOMAIN (or any domain, for NULL) has BDF (or any
 * device, for "") as a managed PCI hostdev in /etc/libvirt/qemu/DOMAIN.xml. */
static bool domain_managed(struct audit *a, const char *domain, const char *bdf)
{
	char path[PATH_MAX], **names = NULL, *xml;
	bool yes = false;
	ssize_t len;
	int n = 1;

	if (!domain)
		n = root_list(a->root, "/etc/libvirt/qemu", &names);
	if (n < 0 && n != -ENOMEM)	/* the domains are not known: nor whether one is managed */
		audit_dir_unlisted(&(struct audit_dir_rule){ a, "hook-reattach-managed" },
				   "/etc/libvirt/qemu", n);
	for (int i = 0; i < n && !yes; i++) {
		snprintf(path, sizeof(path), "/etc/libvirt/qemu/%s%s", domain ? domain : names[i],
			 domain ? ".xml" : "");
		len = root_read_alloc(a->root, path, DOMAIN_XML_MAX, &xml);
		yes = len > 0 && xml_managed(xml, len, bdf);
		free(xml);
	}
	root_names_free(names, domain ? 0 : n);
	return yes;
}

/* When libvirt's own reattach of managed devices happens relative to the
 * hook's operation: after the stopped hook, before the release hook. */
static const char *reattach_order(const char *op)
{
	if (op && !strcmp(op, "release"))
		return "libvirt has already reattached them before the release hook runs, so "
		       "this unbinds and reprobes the device a second time";
	if (op && !strcmp(op, "stopped"))
		return "libvirt reattaches them right after the stopped hook, unbinding what this "
		       "hook bound and reprobing, so the final driver is whatever wins that reprobe";
	return "this second reattach races or repeats libvirt's own";
}

/* The address a line of the scan names, "" when none. */
static const char *line_addr(const struct script_scan *s, const struct script_hit *h)
{
	for (size_t i = 0; i < s->naddrs; i++)
		if (s->addrs[i].line == h->line && !strcmp(s->addrs[i].file, h->file))
			return s->addrs[i].bdf;
	return "";
}

/* The first nodedev-reattach of a device the domain manages (sure when
 * the line names the device and the hook its domain), or of an unnamed one
 * while some device is managed (a guess). */
static void check_reattach(struct audit *a, const struct script_scan *s, const struct hook_ctx *c)
{
	const struct script_hit *h = NULL;
	struct audit_finding *f;
	const char *bdf = "";
	char meaning[1024];

	if (!c->libvirt)
		return;
	for (size_t i = 0; i < s->n && !h; i++) {
		if (s->hits[i].act != ACT_REATTACH)
			continue;
		bdf = line_addr(s, &s->hits[i]);
		if (domain_managed(a, c->domain, bdf))
			h = &s->hits[i];
	}
	if (!h)
		return;
	snprintf(meaning, sizeof(meaning),
		 "%s has %s as <hostdev managed='yes'>: libvirt itself reattaches managed "
		 "devices to their host driver when the domain stops; %s",
		 c->domain ? c->domain : "a domain on this host", bdf[0] ? bdf : "a device",
		 reattach_order(c->op));
	f = audit_add(a, SEV_WARN, "hook-reattach-managed", h->file, h->line, h->text, meaning,
		      "drop the nodedev-reattach for managed devices (or set managed='no' and keep "
		      "the hook's detach/reattach pair)");
	audit_detail(f, c->domain && bdf[0] ? AUDIT_MATCHED : AUDIT_GUESS, NULL, c->via);
}

static void check_background(struct audit *a, const struct script_scan *s, const struct hook_ctx *c)
{
	struct audit_finding *f;

	for (size_t i = 0; i < s->n; i++) {
		if (s->hits[i].act != ACT_BACKGROUND)
			continue;
		f = audit_add(a, SEV_WARN, "hook-background", s->hits[i].file, s->hits[i].line,
			      s->hits[i].text,
			      "this keeps running after the hook returns: the VM manager moves on "
			      "(libvirt's own reattach, Proxmox's next start, a reboot request) while "
			      "it still rebinds or sleeps, so the order of binds depends on timing",
			      "run the work in the hook itself, or wait for it before returning");
		audit_detail(f, AUDIT_MATCHED, NULL, c->via);
	}
}

/* PATH's scan in SCANS, made now if it is not there yet; NULL without memory. */
static const struct script_scan *scan_of(struct audit *a, struct hook_scans *scans, const char *path)
{
	struct hook_scan *h;

	for (size_t i = 0; i < scans->n; i++)
		if (!strcmp(scans->v[i].path, path))
			return &scans->v[i].s;
	if (!(h = array_push((void **)&scans->v, &scans->n, &scans->cap, sizeof(*scans->v))))
		return NULL;
	if (!(h->path = strdup(path)) || script_scan_file(a->root, path, &h->s)) {
		free(h->path);
		script_scan_free(&h->s);
		scans->n--;
		return NULL;
	}
	if (h->s.cut[0])	/* once per script, however many VMs share it */
		audit_skip(a, "hook-override-not-cleared", h->s.cut);
	return &h->s;
}

int hook_rules_check(struct audit *a, struct hook_scans *scans, const char *path,
		     const struct hook_ctx *c)
{
	struct hook_scans once = { 0 };
	const struct script_scan *s = scan_of(a, scans ? scans : &once, path);

	if (s) {
		check_override(a, s, c);
		check_slots(a, s, c);
		check_reattach(a, s, c);
		check_background(a, s, c);
	}
	hook_scans_free(&once);
	return s ? 0 : -ENOMEM;
}

void hook_scans_free(struct hook_scans *scans)
{
	for (size_t i = 0; i < scans->n; i++) {
		free(scans->v[i].path);
		script_scan_free(&scans->v[i].s);
	}
	free(scans->v);
	memset(scans, 0, sizeof(*scans));
}
