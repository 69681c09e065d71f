// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <string.h>

#include "record/disk_watch.h"
#include "trace/trace.h"
#include "util.h"

enum disk_change disk_watch_look(struct disk_watch *dw, const struct trace_writer *w,
				 const char *path, const char *goes_on)
{
	enum disk_change change = DISK_SAME;
	struct trace_writer_stats st;

	trace_writer_stats(w, &st);
	if (st.records_lost > dw->lost_seen && !dw->failing) {
		dw->failing = true;
		change = DISK_FAILING;
		gt_warn("%s: %s (%s): %llu records not written so far; %s and writes again when it can",
			path, st.last_error == -ENOSPC || st.last_error == -EDQUOT ? "disk full" : "write failed",
			strerror(-st.last_error), (unsigned long long)st.records_lost, goes_on);
	} else if (dw->failing && st.records > dw->written_seen && st.records_lost == dw->lost_seen) {
		dw->failing = false;
		change = DISK_WRITING_AGAIN;
		gt_warn("%s: writing again; %llu records were not written", path,
			(unsigned long long)st.records_lost);
	}
	dw->lost_seen = st.records_lost;
	dw->written_seen = st.records;
	return change;
}

void disk_watch_new_file(struct disk_watch *dw)
{
	dw->lost_seen = dw->written_seen = 0;
}
