// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdlib.h>
#include <string.h>

#include "render/check_render.h"
#include "render/text_wrap.h"
#include "text_escape.h"

void check_order(const struct audit *a, size_t *order)
{
	size_t k = 0;

	for (int sev = SEV_HIGH; sev >= SEV_INFO; sev--)
		for (size_t i = 0; i < a->n; i++)
			if ((int)a->f[i].severity == sev)
				order[k++] = i;
}

static void finding(FILE *out, const struct audit_finding *f)
{
	char where[1024];

	if (f->file[0] && f->line)
		snprintf(where, sizeof(where), "%s:%d", f->file, f->line);
	else
		snprintf(where, sizeof(where), "%s", f->file[0] ? f->file : "(kernel)");
	fprintf(out, "%-4s  %s  ", severity_name(f->severity), f->rule);
	/* file names and their lines are the audited tree's: escaped */
	text_escape_put(out, where, strlen(where));
	fprintf(out, "%s\n", f->certainty == AUDIT_GUESS ? "  (guess)" : "");
	if (f->text[0]) {
		fputs("      | ", out);
		text_escape_put(out, f->text, strlen(f->text));
		fputc('\n', out);
	}
	if (f->via)
		text_wrap(out, 6, "via:   ", f->via);
	if (f->trigger)
		text_wrap(out, 6, "runs:  ", f->trigger);
	text_wrap(out, 6, "means: ", f->meaning);
	text_wrap(out, 6, "fix:   ", f->hint);
	fputc('\n', out);
}

void check_render_text(FILE *out, const struct audit *a)
{
	size_t *order = calloc(a->n ? a->n : 1, sizeof(*order));
	size_t count[SEV_LEVELS] = { 0 };

	char esc[2][1024];

	fprintf(out, "gputrace check of %s (kernel %s)\n\n",
		text_escape_str(esc[0], sizeof(esc[0]), a->root ? a->root : "this host"),
		text_escape_str(esc[1], sizeof(esc[1]), a->release[0] ? a->release : "unknown"));
	if (order) {
		check_order(a, order);
		for (size_t i = 0; i < a->n; i++)
			finding(out, &a->f[order[i]]);
	}
	free(order);
	for (size_t i = 0; i < a->n; i++)
		count[a->f[i].severity]++;
	if (a->backends_probed) {
		fprintf(out, "backends:");
		for (size_t i = 0; i < GT_BACKENDS_N; i++)
			fprintf(out, "%s %s %s", i ? "," : "", a->backends[i].name,
				a->backends[i].ok ? "yes" : "no");
		fprintf(out, "; record would use %s\n", a->chosen[0] ? a->chosen : "none");
		for (size_t i = 0; i < GT_BACKENDS_N; i++)
			if (!a->backends[i].ok)
				fprintf(out, "  %s: %s\n", a->backends[i].name, a->backends[i].why);
	}
	for (size_t i = 0; i < a->nskipped; i++)
		fprintf(out, "not checked: %s: %s\n", a->skipped[i].rule,
			text_escape_str(esc[0], sizeof(esc[0]), a->skipped[i].why));
	if (!a->n)
		fprintf(out, "no findings: nothing configured here rebinds a GPU by itself\n");
	else
		fprintf(out, "%zu finding%s: %zu high, %zu warn, %zu info\n", a->n, a->n == 1 ? "" : "s",
			count[SEV_HIGH], count[SEV_WARN], count[SEV_INFO]);
}
