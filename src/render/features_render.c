// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* `gputrace features`: what the kernel lets gputrace attach, for people and
 * for scripts. */
#include <stdio.h>

#include "render/features_render.h"
#include "render/json_writer.h"

/* What guard can do here: enforce with the bpf LSM; without it, its dry
 * run watches through fentry; with neither, nothing. */
static const char *guard_mode(const struct gt_features *f)
{
	return f->bpf_lsm.ok ? "enforce" : f->fentry.ok ? "dry-run" : "none";
}

static const char *guard_mode_text(const struct gt_features *f)
{
	return f->bpf_lsm.ok ? "can enforce" : f->fentry.ok ? "--dry-run only" :
	       "cannot run: no fentry for --dry-run either";
}

void features_render_text(FILE *out, const struct gt_features *f, enum gt_backend b,
			  const char *why)
{
	const struct { const char *name; const struct gt_probe_result *r; } rows[] = {
		{ "ring buffer", &f->ringbuf }, { "raw_tp", &f->raw_tp },
		{ "fentry/fexit", &f->fentry }, { "kprobe", &f->kprobe },
	};

	fprintf(out, "kernel         %s\n", f->kernel_release);
	fprintf(out, "root           %s\n", f->root ? "yes" : "no (results below are not meaningful)");
	fprintf(out, "BTF            %s\n", f->btf ? "yes" : "no");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		fprintf(out, "%-14s %-4s %s\n", rows[i].name, rows[i].r->ok ? "yes" : "no", rows[i].r->why);
	fprintf(out, "%-14s %-4s %s\n", "kernel log", f->kmsg.ok ? "yes" : "no", f->kmsg.why);
	fprintf(out, "%-14s %-4s %s\n", "journal", f->journal.ok ? "yes" : "no", f->journal.why);
	fprintf(out, "%-14s %-4s %s (guard: %s)\n", "bpf LSM", f->bpf_lsm.ok ? "yes" : "no", f->bpf_lsm.why,
	       guard_mode_text(f));
	fprintf(out, "kernfs parent  %s\n", f->kernfs_parent_renamed ? "__parent (6.18+)" : "parent");
	fprintf(out, "hooked functions (BTF / kallsyms):\n");
	for (int i = 0; i < GT_FN_MAX; i++)
		fprintf(out, "  %-20s %-3s / %s\n", gt_hook_fn_names[i], f->fn_in_btf[i] ? "yes" : "no",
		       f->fn_in_kallsyms[i] ? "yes" : "no");
	fprintf(out, "devices, resets and power states, by backend:\n");
	for (int k = GT_BACKEND_FENTRY; k <= GT_BACKEND_TRACEPOINT; k++)
		fprintf(out, "  %-12s %s\n", backend_name(k), features_device_view(k));
	if (b == GT_BACKEND_AUTO)
		fprintf(out, "backend        none: %s\n", why);
	else
		fprintf(out, "backend        %s (%s)\n", backend_name(b), why);
}

static void probe_json(struct json_writer *w, const char *key, const struct gt_probe_result *r)
{
	json_key(w, key);
	json_object_start(w);
	json_kv_bool(w, "ok", r->ok);
	json_kv_s64(w, "err", r->err);
	json_kv_str(w, "why", r->why);
	json_object_end(w);
}

void features_render_json(FILE *out, const struct gt_features *f, enum gt_backend b,
			  const char *why, bool pretty)
{
	struct json_writer *w = json_new(out, pretty);

	json_object_start(w);
	json_kv_str(w, "kernel_release", f->kernel_release);
	json_kv_bool(w, "root", f->root);
	json_kv_bool(w, "btf", f->btf);
	probe_json(w, "ringbuf", &f->ringbuf);
	probe_json(w, "raw_tp", &f->raw_tp);
	probe_json(w, "fentry", &f->fentry);
	probe_json(w, "kprobe", &f->kprobe);
	probe_json(w, "kmsg", &f->kmsg);
	probe_json(w, "journal", &f->journal);
	probe_json(w, "bpf_lsm", &f->bpf_lsm);
	json_kv_str(w, "guard", guard_mode(f));
	json_kv_str(w, "printk_devkmsg", f->devkmsg);
	json_key(w, "device_view");
	json_object_start(w);
	for (int k = GT_BACKEND_FENTRY; k <= GT_BACKEND_TRACEPOINT; k++)
		json_kv_str(w, backend_name(k), features_device_view(k));
	json_object_end(w);
	json_kv_bool(w, "kernfs_parent_renamed", f->kernfs_parent_renamed);
	json_key(w, "functions");
	json_object_start(w);
	for (int i = 0; i < GT_FN_MAX; i++) {
		json_key(w, gt_hook_fn_names[i]);
		json_object_start(w);
		json_kv_bool(w, "btf", f->fn_in_btf[i]);
		json_kv_bool(w, "kallsyms", f->fn_in_kallsyms[i]);
		json_object_end(w);
	}
	json_object_end(w);
	if (b == GT_BACKEND_AUTO)
		json_kv_str(w, "backend", "");
	else
		json_kv_str(w, "backend", backend_name(b));
	json_kv_str(w, "backend_reason", why);
	json_object_end(w);
	json_free(w);
}
