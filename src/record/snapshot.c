// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Snapshots of the live system as trace records: see snapshot.h. */
#include <stdio.h>

#include "record/snapshot.h"
#include "sys/configs.h"
#include "sys/pci.h"
#include "sys/procs.h"
#include "trace/trace.h"

struct snap_out {
	struct trace_writer *w;
	const char *phase;
	uint64_t ts_ns;
};

void snapshot_pci_state_keys(struct trace_writer *w, const struct pci_dev_info *d)
{
	trace_writer_kv_hex(w, "vendor", d->vendor, 4);
	trace_writer_kv_hex(w, "device", d->device, 4);
	trace_writer_kv_hex(w, "class", d->class, 6);
	trace_writer_kv_str(w, "driver", d->driver);
	trace_writer_kv_str(w, "driver_override", d->driver_override);
	trace_writer_kv_str(w, "power_state", d->power_state);
	trace_writer_kv_str(w, "runtime_status", d->runtime_status);
	trace_writer_kv_str(w, "enable", d->enable);
	trace_writer_kv_str(w, "d3cold_allowed", d->d3cold_allowed);
	trace_writer_kv_str(w, "reset_method", d->reset_method);
	trace_writer_kv_str(w, "iommu_group", d->iommu_group);
	trace_writer_kv_str(w, "boot_vga", d->boot_vga < 0 ? "" : d->boot_vga ? "1" : "0");
	trace_writer_kv_str(w, "link_speed", d->link_speed);
	trace_writer_kv_str(w, "link_width", d->link_width);
}

static int write_dev(struct trace_writer *w, const struct pci_dev_info *d,
		     const char *phase, uint64_t ts_ns)
{
	trace_writer_kv_begin(w, GT_REC_PCI, ts_ns);
	trace_writer_kv_str(w, "phase", phase);
	trace_writer_kv_str(w, "bdf", d->bdf);
	snapshot_pci_state_keys(w, d);
	trace_writer_kv_hex(w, "subvendor", d->subvendor, 4);
	trace_writer_kv_hex(w, "subdevice", d->subdevice, 4);
	trace_writer_kv_str(w, "vendor_name", d->vendor_name);
	trace_writer_kv_str(w, "device_name", d->device_name);
	trace_writer_kv_str(w, "class_name", d->class_name);
	return trace_writer_kv_end(w);
}

int snapshot_pci(struct trace_writer *w, const char *root, const char *phase,
		 uint64_t ts_ns)
{
	struct pci_dev_info *devs;
	size_t n, i;
	int err, first_err = 0;

	err = pci_scan(root, &devs, &n);
	if (err)
		return err;
	for (i = 0; i < n; i++) {
		err = write_dev(w, &devs[i], phase, ts_ns);
		if (err && !first_err)
			first_err = err;
	}
	pci_devs_free(devs);
	return first_err ? first_err : (int)n;
}

static int write_proc(void *ctx, const struct proc_info *p)
{
	const struct snap_out *o = ctx;
	struct trace_writer *w = o->w;

	trace_writer_kv_begin(w, GT_REC_PROCESS, o->ts_ns);
	trace_writer_kv_str(w, "phase", o->phase);
	trace_writer_kv_s64(w, "pid", p->pid);
	trace_writer_kv_s64(w, "ppid", p->ppid);
	trace_writer_kv_s64(w, "uid", p->uid);
	trace_writer_kv_s64(w, "euid", p->euid);
	trace_writer_kv_str(w, "comm", p->comm);
	trace_writer_kv_str(w, "exe", p->exe);
	trace_writer_kv_add(w, "cmdline", p->cmdline, p->cmdline_len);
	if (p->cmdline_cut)
		trace_writer_kv_u64(w, "cmdline_truncated", 1);
	trace_writer_kv_str(w, "cgroup", p->cgroup);
	trace_writer_kv_u64(w, "start_time", p->start_time);
	return trace_writer_kv_end(w);
}

int snapshot_processes(struct trace_writer *w, const char *root,
		       const char *phase, uint64_t ts_ns)
{
	struct snap_out o = { w, phase, ts_ns };

	return proc_each(root, write_proc, &o);
}

static int write_file(void *ctx, const struct config_file *f)
{
	const struct snap_out *o = ctx;
	struct trace_writer *w = o->w;
	char mode[8];

	trace_writer_kv_begin(w, GT_REC_FILE, o->ts_ns);
	trace_writer_kv_str(w, "phase", o->phase);
	trace_writer_kv_str(w, "path", f->path);
	if (f->hookscript)
		trace_writer_kv_str(w, "hookscript", f->hookscript);
	if (f->content) {
		snprintf(mode, sizeof(mode), "%04o", f->mode);
		trace_writer_kv_add(w, "content", f->content, f->len);
		if (f->truncated)
			trace_writer_kv_u64(w, "truncated", 1);
		trace_writer_kv_str(w, "mode", mode);
		trace_writer_kv_s64(w, "mtime", f->mtime);
	} else {
		trace_writer_kv_str(w, f->note_key, f->note_val);
	}
	return trace_writer_kv_end(w);
}

int snapshot_files(struct trace_writer *w, const char *root, const char *phase,
		   uint64_t ts_ns)
{
	struct snap_out o = { w, phase, ts_ns };

	return configs_read(root, write_file, &o);
}
