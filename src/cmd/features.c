// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <getopt.h>
#include <stdio.h>

#include "cmd/cmd.h"
#include "cmd/cmd_opts.h"
#include "record/features.h"
#include "render/json_writer.h"
#include "util.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: gputrace features [-j|-p]\n"
		"\n"
		"Probes what this kernel lets gputrace attach (real loads and attaches of\n"
		"tiny programs, nothing left behind) and says which backend 'record' would\n"
		"use, and why. Needs root for meaningful answers.\n"
		"\n"
		"Options:\n"
		"  -j, --json          JSON, on one line\n"
		"  -p, --pretty        JSON, indented\n"
		"  -h, --help          this help\n"
		"\n"
		"Exit status: 0 a backend can run, 1 none can (the output says why), 2 usage.\n"
		"\n"
		"Examples:\n"
		"  gputrace features\n"
		"  gputrace features --json | jq .backend\n");
}

static void text(const struct gt_features *f, enum gt_backend b, const char *why)
{
	const struct { const char *name; const struct gt_probe_result *r; } rows[] = {
		{ "ring buffer", &f->ringbuf }, { "raw_tp", &f->raw_tp },
		{ "fentry/fexit", &f->fentry }, { "kprobe", &f->kprobe },
	};

	printf("kernel         %s\n", f->kernel_release);
	printf("root           %s\n", f->root ? "yes" : "no (results below are not meaningful)");
	printf("BTF            %s\n", f->btf ? "yes" : "no");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		printf("%-14s %-4s %s\n", rows[i].name, rows[i].r->ok ? "yes" : "no", rows[i].r->why);
	printf("%-14s %-4s %s\n", "kernel log", f->kmsg.ok ? "yes" : "no", f->kmsg.why);
	printf("%-14s %-4s %s\n", "journal", f->journal.ok ? "yes" : "no", f->journal.why);
	printf("%-14s %-4s %s (guard: %s)\n", "bpf LSM", f->bpf_lsm.ok ? "yes" : "no", f->bpf_lsm.why,
	       f->bpf_lsm.ok ? "can enforce" : "--dry-run only");
	printf("kernfs parent  %s\n", f->kernfs_parent_renamed ? "__parent (6.18+)" : "parent");
	printf("hooked functions (BTF / kallsyms):\n");
	for (int i = 0; i < GT_FN_MAX; i++)
		printf("  %-20s %-3s / %s\n", gt_hook_fn_names[i], f->fn_in_btf[i] ? "yes" : "no",
		       f->fn_in_kallsyms[i] ? "yes" : "no");
	printf("devices, resets and power states, by backend:\n");
	for (int k = GT_BACKEND_FENTRY; k <= GT_BACKEND_TRACEPOINT; k++)
		printf("  %-12s %s\n", backend_name(k), features_device_view(k));
	if (b == GT_BACKEND_AUTO)
		printf("backend        none: %s\n", why);
	else
		printf("backend        %s (%s)\n", backend_name(b), why);
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

static void json(const struct gt_features *f, enum gt_backend b, const char *why, bool pretty)
{
	struct json_writer *w = json_new(stdout, pretty);

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

int cmd_features(int argc, char **argv)
{
	struct gt_features f;
	struct cmd_opts cx;
	enum gt_backend b;
	char why[512];

	cmd_opts_init(&cx, "features", usage, CMD_JSON, "", NULL);
	if (cmd_opts_next(&cx, argc, argv) != -1)
		return cx.exit;	/* --help, or a bad option (said) */
	if (optind != argc)
		return cmd_usage_err("takes no arguments ('%s')", argv[optind]);
	features_probe_full(&f);
	b = features_choose(&f, GT_BACKEND_AUTO, why, sizeof(why));
	if (cx.json)
		json(&f, b, why, cx.pretty);
	else
		text(&f, b, why);
	return b == GT_BACKEND_AUTO ? EXIT_ERROR : EXIT_OK;
}
