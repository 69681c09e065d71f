// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <string.h>

#include "render/json_writer.h"
#include "render/status_render.h"
#include "status/status.h"
#include "sys/state_file.h"

#define PEERS_MAX	64

static void str_or_null(struct json_writer *w, const char *key, const char *s)
{
	json_key(w, key);
	if (s[0])
		json_string(w, s);
	else
		json_null(w);
}

static void hex(struct json_writer *w, const char *key, unsigned int v, int width)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%0*x", width, v);
	json_kv_str(w, key, buf);
}

/* The members every mention of a VM carries. */
static void vm_fields(struct json_writer *w, const struct vm_info *vm)
{
	json_kv_str(w, "kind", vm_kind_name(vm->kind));
	json_kv_str(w, "id", vm->id);
	json_key(w, "pid");
	if (vm->pid)
		json_s64(w, vm->pid);
	else
		json_null(w);
	json_kv_str(w, "source", vm->source);
}

static void vm_ref(struct json_writer *w, const struct vm_info *vm)
{
	json_object_start(w);
	vm_fields(w, vm);
	json_object_end(w);
}

static void entry(struct json_writer *w, const struct status *st, const struct status_entry *e)
{
	const struct pci_dev_info *d = e->dev, *peers[PEERS_MAX];
	size_t n;

	json_object_start(w);
	json_kv_str(w, "bdf", d->bdf);
	hex(w, "vendor", d->vendor, 4);
	hex(w, "device", d->device, 4);
	hex(w, "subvendor", d->subvendor, 4);
	hex(w, "subdevice", d->subdevice, 4);
	hex(w, "class", d->class, 6);
	json_kv_str(w, "vendor_name", d->vendor_name);
	json_kv_str(w, "device_name", d->device_name);
	json_kv_str(w, "class_name", d->class_name);
	json_key(w, "shown_because");
	json_array_start(w);
	if (e->why & STATUS_DISPLAY)
		json_string(w, "display");
	if (e->why & STATUS_SLOT)
		json_string(w, "slot");
	if (e->why & STATUS_GROUP)
		json_string(w, "iommu_group");
	if (e->why & STATUS_ASKED)
		json_string(w, "asked");
	json_array_end(w);
	str_or_null(w, "with", e->with);
	str_or_null(w, "driver", d->driver);
	str_or_null(w, "driver_override", d->driver_override);
	str_or_null(w, "iommu_group", d->iommu_group);
	json_key(w, "iommu_group_peers");
	json_array_start(w);
	n = status_group_peers(st, d, peers, PEERS_MAX);
	for (size_t i = 0; i < n; i++)
		json_string(w, peers[i]->bdf);
	json_array_end(w);
	str_or_null(w, "power_state", d->power_state);
	str_or_null(w, "runtime_status", d->runtime_status);
	str_or_null(w, "enable", d->enable);
	str_or_null(w, "d3cold_allowed", d->d3cold_allowed);
	str_or_null(w, "link_speed", d->link_speed);
	str_or_null(w, "link_width", d->link_width);
	str_or_null(w, "reset_method", d->reset_method);
	json_key(w, "boot_vga");
	if (d->boot_vga < 0)
		json_null(w);
	else
		json_bool(w, d->boot_vga);
	json_key(w, "held_by");
	json_array_start(w);
	for (size_t i = 0; i < e->nholders; i++)
		vm_ref(w, e->holders[i]);
	json_array_end(w);
	/* false: more VMs hold it than listed, or one that names too many
	 * devices to be kept whole may (maybe_held_by) */
	json_kv_bool(w, "held_by_complete", !e->holders_cut && !e->maybe_holder);
	json_key(w, "maybe_held_by");
	if (e->maybe_holder)
		vm_ref(w, e->maybe_holder);
	else
		json_null(w);
	/* a driver_override gputrace guard pinned: who, and whether it runs */
	json_key(w, "guard_pin");
	if (!e->pin_pid) {
		json_null(w);
	} else {
		json_object_start(w);
		json_kv_u64(w, "pid", (uint64_t)e->pin_pid);
		json_kv_bool(w, "running", !e->pin_gone);
		json_object_end(w);
	}
	json_object_end(w);
}

/* "recorders": [...], or null with "recorders_error" when they could not
 * be listed (not root). */
static void recorders(struct json_writer *w, const struct status *st)
{
	json_key(w, "recorders");
	if (st->nrecorders < 0) {
		json_null(w);
		json_kv_str(w, "recorders_error", strerror(-st->nrecorders));
		return;
	}
	json_array_start(w);
	for (int i = 0; i < st->nrecorders; i++) {
		const struct recorder_state *r = &st->recorders[i];

		json_object_start(w);
		json_kv_s64(w, "pid", r->pid);
		json_kv_str(w, "file", r->file);
		json_kv_str(w, "first_file", r->first);
		json_kv_u64(w, "files", r->files);
		json_kv_u64(w, "size", r->size);
		json_kv_u64(w, "bytes", r->bytes);
		json_kv_u64(w, "events", r->events);
		json_kv_u64(w, "lost", r->lost);
		json_kv_str(w, "backend", r->backend);
		json_kv_u64(w, "started_ns", r->started_ns);
		json_kv_u64(w, "updated_ns", r->updated_ns);
		str_or_null(w, "jsonl", r->jsonl);
		json_kv_bool(w, "journal", r->journal);
		json_object_end(w);
	}
	json_array_end(w);
}

void status_render_json(FILE *out, const struct status *st, bool pretty)
{
	struct json_writer *w = json_new(out, pretty);

	json_object_start(w);
	json_kv_str(w, "root", st->root ? st->root : "/");
	str_or_null(w, "device", st->device);
	json_kv_u64(w, "pci_devices", st->ndevs);
	json_kv_u64(w, "display_devices", st->ndisplay);
	json_key(w, "devices");
	json_array_start(w);
	for (size_t i = 0; i < st->nshown; i++)
		entry(w, st, &st->shown[i]);
	json_array_end(w);
	json_key(w, "vms");
	json_array_start(w);
	for (size_t i = 0; i < st->nvms; i++) {
		const struct vm_info *vm = &st->vms[i];

		json_object_start(w);
		vm_fields(w, vm);
		json_key(w, "devices");
		json_array_start(w);
		for (size_t j = 0; j < vm->ndevs; j++)
			json_string(w, vm->devs[j]);
		json_array_end(w);
		json_kv_bool(w, "devices_cut", vm->devs_cut);
		json_object_end(w);
	}
	json_array_end(w);
	recorders(w, st);
	json_object_end(w);
	json_free(w);
}
