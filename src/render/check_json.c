// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdlib.h>

#include "render/check_render.h"
#include "render/json_writer.h"

static void kv_str_or_null(struct json_writer *w, const char *key, const char *s)
{
	json_key(w, key);
	if (s && s[0])
		json_string(w, s);
	else
		json_null(w);
}

static void finding(struct json_writer *w, const struct audit_finding *f)
{
	json_object_start(w);
	json_kv_str(w, "severity", severity_key(f->severity));
	json_kv_str(w, "rule", f->rule);
	kv_str_or_null(w, "file", f->file);
	json_key(w, "line");
	if (f->line)
		json_u64(w, f->line);
	else
		json_null(w);
	json_kv_str(w, "text", f->text);
	json_kv_str(w, "meaning", f->meaning);
	json_kv_str(w, "hint", f->hint);
	json_kv_str(w, "certainty", audit_certainty_name(f->certainty));
	kv_str_or_null(w, "trigger", f->trigger);
	kv_str_or_null(w, "via", f->via);
	json_object_end(w);
}

void check_render_json(FILE *out, const struct audit *a, bool pretty)
{
	struct json_writer *w = json_new(out, pretty);
	size_t *order = calloc(a->n ? a->n : 1, sizeof(*order));
	size_t count[SEV_LEVELS] = { 0 };

	json_object_start(w);
	json_kv_str(w, "root", a->root ? a->root : "/");
	kv_str_or_null(w, "kernel_release", a->release);
	json_key(w, "findings");
	json_array_start(w);
	if (order) {
		check_order(a, order);
		for (size_t i = 0; i < a->n; i++)
			finding(w, &a->f[order[i]]);
	}
	json_array_end(w);
	free(order);
	json_key(w, "skipped");
	json_array_start(w);
	for (size_t i = 0; i < a->nskipped; i++) {
		json_object_start(w);
		json_kv_str(w, "rule", a->skipped[i].rule);
		json_kv_str(w, "why", a->skipped[i].why);
		json_object_end(w);
	}
	json_array_end(w);
	json_key(w, "backends");
	if (a->backends_probed) {
		json_array_start(w);
		for (size_t i = 0; i < GT_BACKENDS_N; i++) {
			json_object_start(w);
			json_kv_str(w, "name", a->backends[i].name);
			json_kv_bool(w, "ok", a->backends[i].ok);
			json_kv_str(w, "why", a->backends[i].why);
			json_object_end(w);
		}
		json_array_end(w);
	} else {
		json_null(w);
	}
	kv_str_or_null(w, "backend", a->chosen);
	for (size_t i = 0; i < a->n; i++)
		count[a->f[i].severity]++;
	json_key(w, "summary");
	json_object_start(w);
	json_kv_u64(w, "total", a->n);
	json_kv_u64(w, "high", count[SEV_HIGH]);
	json_kv_u64(w, "warn", count[SEV_WARN]);
	json_kv_u64(w, "info", count[SEV_INFO]);
	json_object_end(w);
	json_object_end(w);
	json_free(w);
}
