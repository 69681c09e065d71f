/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* `gputrace check` output: text for people, JSON for scripts (schema in
 * docs/status-check-bundle.md). Both come from the same struct audit. */
#ifndef GPUTRACE_RENDER_CHECK_RENDER_H
#define GPUTRACE_RENDER_CHECK_RENDER_H

#include <stdbool.h>
#include <stdio.h>

#include "audit/audit.h"

void check_render_text(FILE *out, const struct audit *a);
void check_render_json(FILE *out, const struct audit *a, bool pretty);

/* Finding indexes by severity, highest first, file order kept within a
 * severity. ORDER has room for a->n. */
void check_order(const struct audit *a, size_t *order);

#endif
