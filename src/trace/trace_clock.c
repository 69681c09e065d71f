// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* A trace's times are the recorder's CLOCK_MONOTONIC; its header holds one
 * reading of both clocks, which puts them on the wall clock. */
#include <stdlib.h>

#include "trace/trace.h"

uint64_t trace_clock_wall_ns(const struct trace_clock *c, uint64_t mono)
{
	if (!c->valid)
		return mono;
	return c->real_ns + (int64_t)(mono - c->mono_ns);
}

void trace_clock_update(struct trace_clock *c, const struct trace_record *rec)
{
	char buf[32];

	if (rec->type != GT_REC_HEADER || !kv_get(rec, "real_ns", buf, sizeof(buf)))
		return;
	c->real_ns = strtoull(buf, NULL, 10);
	c->mono_ns = kv_ts(rec);
	c->valid = true;
}
