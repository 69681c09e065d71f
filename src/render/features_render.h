/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* `gputrace features` output: the probe results and the backend `record`
 * would choose (B, AUTO when none, and WHY), as text or JSON. */
#ifndef GPUTRACE_RENDER_FEATURES_RENDER_H
#define GPUTRACE_RENDER_FEATURES_RENDER_H

#include <stdbool.h>
#include <stdio.h>

#include "sys/bpf_features.h"

void features_render_text(FILE *out, const struct gt_features *f, enum gt_backend b,
			  const char *why);
void features_render_json(FILE *out, const struct gt_features *f, enum gt_backend b,
			  const char *why, bool pretty);

#endif
