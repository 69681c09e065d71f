// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdio.h>
#include <string.h>

#include "render/status_render.h"
#include "render/text_wrap.h"
#include "sys/state_file.h"
#include "text_escape.h"
#include "util.h"

#define PEERS_MAX	64

void status_vm_name(const struct vm_info *vm, char *buf, size_t size)
{
	switch (vm->kind) {
	case VM_PROXMOX:
		snprintf(buf, size, "Proxmox VM %s", vm->id);
		break;
	case VM_LIBVIRT:
		snprintf(buf, size, "libvirt domain %s", vm->id);
		break;
	default:
		snprintf(buf, size, "QEMU%s%s", vm->id[0] ? " VM " : " process", vm->id);
	}
}

/* Names from a --root tree or a live sysfs a user may have shaped. */
static void put_esc(FILE *out, const char *s)
{
	text_escape_put(out, s, strlen(s));
}

static void title(FILE *out, const struct pci_dev_info *d)
{
	char cls[80];

	if (d->class_name[0])
		snprintf(cls, sizeof(cls), "%s", d->class_name);
	else
		snprintf(cls, sizeof(cls), "Class %04x", d->class >> 8);
	put_esc(out, d->bdf);
	fputs("  ", out);
	put_esc(out, cls);
	fputs(": ", out);
	if (d->vendor_name[0] && d->device_name[0]) {
		put_esc(out, d->vendor_name);
		fputc(' ', out);
		put_esc(out, d->device_name);
	} else if (d->vendor_name[0]) {
		put_esc(out, d->vendor_name);
		fprintf(out, " device");
	}
	else
		fprintf(out, "device");
	fprintf(out, " [%04x:%04x]\n", d->vendor, d->device);
}

static void why_text(const struct status_entry *e, char *buf, size_t size)
{
	if (e->why & STATUS_ASKED)
		snprintf(buf, size, "asked for with --device%s",
			 e->why & STATUS_DISPLAY ? " (display device)" : "");
	else if (!e->with[0])
		snprintf(buf, size, "display device");
	else
		snprintf(buf, size, "%s%s%s%s %s", e->why & STATUS_DISPLAY ? "display device, " : "",
			 e->why & STATUS_SLOT ? "same slot" : "",
			 (e->why & STATUS_SLOT) && (e->why & STATUS_GROUP) ? " and " : "",
			 e->why & STATUS_GROUP ? "same IOMMU group" : "",
			 e->with[0] ? "as" : "");
	if (e->with[0]) {
		size_t n = strlen(buf);

		snprintf(buf + n, size - n, " %s", e->with);
	}
}

static void row(FILE *out, const char *label, const char *value)
{
	fprintf(out, "    %-16s ", label);
	put_esc(out, value);
	fputc('\n', out);
}

/* A driver_override gputrace guard pinned and did not restore (it was
 * killed): say whose it is and how to clear it. */
static void guard_pin(FILE *out, const struct status_entry *e)
{
	char buf[256];

	if (!e->pin_pid)
		return;
	snprintf(buf, sizeof(buf), "pinned by gputrace guard (pid %d%s); clear it with: "
		 "echo > /sys/bus/pci/devices/%s/driver_override", e->pin_pid,
		 e->pin_gone ? ", not running" : "", e->dev->bdf);
	row(out, "", buf);
}

static void entry(FILE *out, const struct status *st, const struct status_entry *e)
{
	const struct pci_dev_info *d = e->dev, *peers[PEERS_MAX];
	char buf[1024], name[160];
	size_t n, used;

	title(out, d);
	why_text(e, buf, sizeof(buf));
	row(out, "shown because", buf);
	row(out, "driver", d->driver[0] ? d->driver : "(none)");
	row(out, "driver_override", d->driver_override[0] ? d->driver_override : "(none)");
	guard_pin(out, e);
	if (d->iommu_group[0]) {
		n = status_group_peers(st, d, peers, PEERS_MAX);
		used = snprintf(buf, sizeof(buf), "%s", d->iommu_group);
		for (size_t i = 0; i < n && used < sizeof(buf); i++)
			used += snprintf(buf + used, sizeof(buf) - used, "%s%s", i ? " " : " (with ",
					 peers[i]->bdf);
		if (n && used < sizeof(buf))
			snprintf(buf + used, sizeof(buf) - used, ")");
		if (!n && used < sizeof(buf))
			snprintf(buf + used, sizeof(buf) - used, " (alone)");
		row(out, "IOMMU group", buf);
	} else {
		row(out, "IOMMU group", "(none: IOMMU off or not supported)");
	}
	row(out, "power state", d->power_state[0] ? d->power_state : "(unknown)");
	/* A GPU left runtime-suspended or in D3cold, or never enabled, is
	 * the "bound but black screen" of a bug report. */
	snprintf(buf, sizeof(buf), "%s, enable count %s, d3cold %s",
		 d->runtime_status[0] ? d->runtime_status : "(unknown)",
		 d->enable[0] ? d->enable : "?",
		 !d->d3cold_allowed[0] ? "?" : d->d3cold_allowed[0] == '1' ? "allowed" : "not allowed");
	row(out, "runtime PM", buf);
	if (d->link_speed[0]) {
		snprintf(buf, sizeof(buf), "%s x%s", d->link_speed, d->link_width[0] ? d->link_width : "?");
		row(out, "link", buf);
	}
	row(out, "reset method", d->reset_method[0] ? d->reset_method : "(none)");
	row(out, "boot VGA", d->boot_vga < 0 ? "-" : d->boot_vga ? "yes" : "no");
	if (!e->nholders && !e->maybe_holder)
		row(out, "held by", "no running VM");
	for (size_t i = 0; i < e->nholders; i++) {
		const struct vm_info *vm = e->holders[i];

		status_vm_name(vm, name, sizeof(name));
		if (vm->pid)
			snprintf(buf, sizeof(buf), "%s, pid %d (from %s)", name, (int)vm->pid, vm->source);
		else
			snprintf(buf, sizeof(buf), "%s (from %s)", name, vm->source);
		text_wrap(out, 4, i ? "                 " : "held by          ", buf);
	}
	if (e->holders_cut) {
		snprintf(buf, sizeof(buf), "and more running VMs (the first %d are shown)",
			 STATUS_HOLDERS_MAX);
		text_wrap(out, 4, "                 ", buf);
	}
	if (e->maybe_holder) {
		status_vm_name(e->maybe_holder, name, sizeof(name));
		snprintf(buf, sizeof(buf), "not known for %s: it names more than %d PCI devices and "
			 "only the first %d are kept", name, VM_DEVS_MAX, VM_DEVS_MAX);
		text_wrap(out, 4, e->nholders ? "                 " : "held by          ", buf);
	}
	fputc('\n', out);
}

/* pid, file, size, events, lost of each running recorder */
static void recorders(FILE *out, const struct status *st)
{
	static char esc[sizeof(st->recorders->file) * TEXT_ESCAPE_MAX + 1];
	char since[40];

	if (st->nrecorders < 0) {
		fprintf(out, "Recorders: not listed (%s: %s; root sees them)\n", STATE_DIR,
			strerror(-st->nrecorders));
		return;
	}
	if (!st->nrecorders) {
		fprintf(out, "Recorders: none running\n");
		return;
	}
	fprintf(out, "Recorders: %d running\n", st->nrecorders);
	for (int i = 0; i < st->nrecorders; i++) {
		const struct recorder_state *r = &st->recorders[i];

		text_escape(esc, sizeof(esc), r->file, strlen(r->file));
		fmt_wall(r->started_ns, true, since, sizeof(since));
		fprintf(out, "  pid %d  %s  %.1f KiB", (int)r->pid, esc, r->size / 1024.0);
		if (r->files > 1)
			fprintf(out, " (file %llu of the recording, %.1f KiB in all)",
				(unsigned long long)r->files, r->bytes / 1024.0);
		fprintf(out, "  %llu events  %llu lost  %s backend, since %s%s%s\n",
			(unsigned long long)r->events, (unsigned long long)r->lost, r->backend, since,
			r->jsonl[0] ? ", --jsonl" : "", r->journal ? ", --journal" : "");
	}
}

void status_render_text(FILE *out, const struct status *st)
{
	const char *where = st->root ? "this tree" : "this host";

	if (!st->device[0] && !st->ndisplay) {
		fprintf(out, "No display device (PCI class 03xx) on %s: no GPU to show.\n", where);
		fprintf(out, "%zu PCI device%s scanned; 'gputrace status --device BDF' shows any "
			"one of them.\n", st->ndevs, st->ndevs == 1 ? "" : "s");
	} else {
		if (!st->device[0])
			fprintf(out, "%zu display device%s on %s, %zu function%s shown\n\n", st->ndisplay,
				st->ndisplay == 1 ? "" : "s", where, st->nshown, st->nshown == 1 ? "" : "s");
		for (size_t i = 0; i < st->nshown; i++)
			entry(out, st, &st->shown[i]);
	}
	if (!st->device[0])
		recorders(out, st);
}
