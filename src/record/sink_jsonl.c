// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* record --jsonl: each record as `dump --json` shows it, one line each,
 * the moment the trace writer takes it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "gputrace/trace_format.h"
#include "record/sinks.h"
#include "trace/trace.h"

int sink_jsonl_open(struct sink_jsonl *s, const char *path, bool overwrite, sink_json_line_fn line)
{
	int fd;

	memset(s, 0, sizeof(*s));
	if (!line)
		return -EINVAL;
	s->line = line;
	if (!strcmp(path, "-")) {
		s->out = stdout;
		return 0;
	}
	/* appended to, not truncated, without --force: a pipeline's file
	 * (a tail input) may be read while we start */
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW |
		  (overwrite ? O_TRUNC : 0), 0600);
	if (fd < 0)
		return -errno;
	if (!(s->out = fdopen(fd, "a"))) {
		int err = -errno;

		close(fd);
		return err;
	}
	s->own = true;
	return 0;
}

/* Snapshots are the file's starting point, not things that happened:
 * a stream reader has the live system for that. */
static bool is_snapshot(uint16_t type, const struct trace_record *rec)
{
	char phase[16];

	if (type == GT_REC_PCI || type == GT_REC_FILE)
		return true;
	return type == GT_REC_PROCESS && kv_get(rec, "phase", phase, sizeof(phase)) &&
	       strcmp(phase, "exec");
}

void sink_jsonl_record(struct sink_jsonl *s, uint16_t type, const void *data, uint32_t len)
{
	struct trace_record rec = { .type = type, .len = len, .data = data };

	if (!s->out)
		return;
	/* ids are positions in the file being written, as dump shows them */
	if (type == GT_REC_HEADER) {
		s->rec_id = 0;
		trace_clock_update(&s->clock, &rec);
	}
	rec.id = ++s->rec_id;
	if (is_snapshot(type, &rec))
		return;
	clearerr(s->out);
	if (s->line(s->out, &rec, &s->clock) || ferror(s->out))
		s->failed++;
	else
		s->lines++;
}

void sink_jsonl_flush(struct sink_jsonl *s)
{
	if (s->out)
		fflush(s->out);
}

void sink_jsonl_close(struct sink_jsonl *s)
{
	if (s->out && s->own)
		fclose(s->out);
	else if (s->out)
		fflush(s->out);
	s->out = NULL;
}
