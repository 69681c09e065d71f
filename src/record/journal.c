// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-journal.h>

#include "gputrace/event.h"
#include "record/journal.h"
#include "sys/bpf_features.h"
#include "trace/event_decode.h"
#include "trace/trace.h"
#include "util.h"

/* ---- who ------------------------------------------------------------------ */

static size_t pid_slot(const struct journal_who *w, uint32_t pid)
{
	size_t i = (pid * 2654435761u) & (w->pid_cap - 1);

	while (w->pids[i] && w->pids[i] != pid)
		i = (i + 1) & (w->pid_cap - 1);
	return i;
}

static bool grow_pids(struct journal_who *w)
{
	struct journal_who g = { .pid_cap = w->pid_cap ? w->pid_cap * 2 : 1024 };

	if (!(g.pids = calloc(g.pid_cap, sizeof(*g.pids))))
		return false;
	for (size_t i = 0; i < w->pid_cap; i++)
		if (w->pids[i])
			g.pids[pid_slot(&g, w->pids[i])] = w->pids[i];
	free(w->pids);
	w->pids = g.pids;
	w->pid_cap = g.pid_cap;
	return true;
}

bool journal_who_has_pid(const struct journal_who *w, uint32_t pid)
{
	return pid && w->pid_cap && w->pids[pid_slot(w, pid)] == pid;
}

bool journal_who_add_pid(struct journal_who *w, uint32_t pid)
{
	size_t i;

	if (!pid || journal_who_has_pid(w, pid))
		return true;
	/* at most half full: probes stay short */
	if ((w->n_pids + 1) * 2 > w->pid_cap && !grow_pids(w))
		return false;
	i = pid_slot(w, pid);
	w->pids[i] = pid;
	w->n_pids++;
	return true;
}

bool journal_who_has_unit(const struct journal_who *w, const char *unit, size_t len)
{
	for (size_t i = 0; i < w->n_units; i++)
		if (strlen(w->units[i]) == len && !memcmp(w->units[i], unit, len))
			return true;
	return false;
}

bool journal_who_add_unit(struct journal_who *w, const char *unit, size_t len)
{
	if (!len || len >= sizeof(w->units[0]) || journal_who_has_unit(w, unit, len))
		return true;
	if (array_reserve((void **)&w->units, &w->unit_cap, w->n_units + 1, sizeof(*w->units)))
		return false;
	memcpy(w->units[w->n_units], unit, len);
	w->units[w->n_units++][len] = '\0';
	return true;
}

void journal_who_free(struct journal_who *w)
{
	free(w->pids);
	free(w->units);
	memset(w, 0, sizeof(*w));
}

void journal_who_note_event(struct journal_who *w, const void *data, size_t size)
{
	const struct gt_event_header *h = data;
	const struct gt_task *t = &h->task;

	if (size < sizeof(*h) || h->kind == GT_EV_EXIT)
		return;
	journal_who_add_unit(w, t->unit, strnlen(t->unit, GT_UNIT_LEN));
	/* An exec brings its unit (a VM's scope, a monitor's service) but
	 * not its pid: every process of a busy host would, unbounded. The
	 * tasks acting on devices bring themselves and their ancestors (the
	 * hook's shells). */
	if (h->kind == GT_EV_EXEC)
		return;
	journal_who_add_pid(w, t->pid);
	for (int i = 0; i < t->n_ancestors && i < GT_ANCESTRY_MAX; i++)
		if (t->ancestors[i].pid > 1)
			journal_who_add_pid(w, t->ancestors[i].pid);
}

/* ---- sd-journal ------------------------------------------------------------- */

/* libsystemd is loaded when a recording starts, not linked: hosts without
 * it (and the lab's initramfs) record everything else. */
#define LIBSYSTEMD	"libsystemd.so.0"
#define SD_FUNCS(X) \
	X(sd_journal_open) X(sd_journal_open_directory) X(sd_journal_close) \
	X(sd_journal_seek_tail) X(sd_journal_previous) X(sd_journal_next) \
	X(sd_journal_get_fd) X(sd_journal_process) X(sd_journal_get_data) \
	X(sd_journal_get_realtime_usec) X(sd_journal_get_monotonic_usec)

#define SD_PTR(f) __typeof__(f) *f;
#define SD_NAME(f) #f,
static const char *const sd_names[] = { SD_FUNCS(SD_NAME) };

/* The typed pointers the calls use, and the same as an array to fill. */
static union {
	struct { SD_FUNCS(SD_PTR) };
	void *sym[sizeof(sd_names) / sizeof(sd_names[0])];
} sd;
_Static_assert(sizeof(sd) == sizeof(sd.sym), "one pointer per name");

static int sd_load(char *why, size_t size)
{
	static void *lib;

	if (!lib)
		lib = dl_open_syms(LIBSYSTEMD, "libsystemd0 not installed", sd_names, sd.sym,
				   sizeof(sd_names) / sizeof(sd_names[0]), why, size);
	return lib ? 0 : -1;
}

struct journal {
	sd_journal *j;
	int fd;
	bool read_failed;	/* said once */
};

static bool any_match(const char *pattern)
{
	glob_t g;
	bool found = glob(pattern, GLOB_NOSORT, NULL, &g) == 0 && g.gl_pathc > 0;

	globfree(&g);
	return found;
}

/* sd_journal_open() succeeds on a host without journald, with nothing to
 * read ever: tell that apart. */
static bool system_journal_exists(void)
{
	return any_match("/run/log/journal/*/*.journal*") ||
	       any_match("/var/log/journal/*/*.journal*");
}

/* The same for --read-journal DIR: journal files in it, or in the machine
 * directories below it, as journald lays them out. */
static bool dir_has_journal(const char *dir)
{
	char pat[PATH_MAX];

	if (snprintf(pat, sizeof(pat), "%s/*.journal*", dir) < (int)sizeof(pat) && any_match(pat))
		return true;
	return snprintf(pat, sizeof(pat), "%s/*/*.journal*", dir) < (int)sizeof(pat) && any_match(pat);
}

struct journal *journal_open(const char *dir, char *why, size_t size)
{
	struct journal *j;
	int err;

	if (sd_load(why, size))
		return NULL;
	if (!dir && !system_journal_exists()) {
		snprintf(why, size, "no journal files in /run/log/journal or /var/log/journal "
			 "(no systemd-journald on this host)");
		return NULL;
	}
	if (dir && !dir_has_journal(dir)) {
		snprintf(why, size, "no journal files in %s (nor in a directory below it)", dir);
		return NULL;
	}
	if (!(j = calloc(1, sizeof(*j)))) {
		snprintf(why, size, "out of memory");
		return NULL;
	}
	err = dir ? sd.sd_journal_open_directory(&j->j, dir, 0) :
		    sd.sd_journal_open(&j->j, SD_JOURNAL_LOCAL_ONLY);
	if (err < 0) {
		snprintf(why, size, "cannot open the journal%s%s: %s", dir ? " in " : "",
			 dir ? dir : "", strerror(-err));
		free(j);
		return NULL;
	}
	/* From now on: position on the last entry, next() reads what comes. */
	sd.sd_journal_seek_tail(j->j);
	sd.sd_journal_previous(j->j);
	j->fd = sd.sd_journal_get_fd(j->j);
	/* without it (no inotify instance left: a host of many containers)
	 * the files journald starts after a rotation are never opened */
	if (j->fd < 0)
		gt_warn("journal: cannot watch it (%s): entries written after journald's next "
			"rotation may be missing", strerror(-j->fd));
	return j;
}

int journal_fd(struct journal *j)
{
	return j ? j->fd : -1;
}

void journal_close(struct journal *j)
{
	if (!j)
		return;
	sd.sd_journal_close(j->j);
	free(j);
}

/* FIELD's value of the current entry (after "FIELD="), or NULL. */
static const char *get(struct journal *j, const char *field, size_t *len)
{
	size_t flen = strlen(field), n;
	const void *d;

	if (sd.sd_journal_get_data(j->j, field, &d, &n) < 0 || n <= flen)
		return NULL;
	*len = n - flen - 1;
	return (const char *)d + flen + 1;
}

static uint32_t get_u32(struct journal *j, const char *field)
{
	char buf[16];
	size_t n;
	const char *v = get(j, field, &n);

	if (!v || n >= sizeof(buf))
		return 0;
	memcpy(buf, v, n);
	buf[n] = '\0';
	return strtoul(buf, NULL, 10);
}

static void add_field(struct trace_writer *w, struct journal *j, const char *key,
		      const char *field)
{
	size_t n;
	const char *v = get(j, field, &n);

	if (v)
		trace_writer_kv_add(w, key, v, n);
}

/* Why the current entry is kept, or NULL. */
static const char *entry_why(struct journal *j, const struct journal_who *who)
{
	static const char *const unit_fields[] = { "_SYSTEMD_UNIT", "UNIT", NULL };
	const char *v;
	size_t n;

	/* Kernel lines come from /dev/kmsg, with their own filter. */
	if ((v = get(j, "_TRANSPORT", &n)) && n == 6 && !memcmp(v, "kernel", 6))
		return NULL;
	if (journal_who_has_pid(who, get_u32(j, "_PID")))
		return "pid";
	for (int i = 0; unit_fields[i]; i++)
		if ((v = get(j, unit_fields[i], &n)) && journal_who_has_unit(who, v, n))
			return "unit";
	return NULL;
}

/* The entry's time on the trace's clock: journald's CLOCK_MONOTONIC
 * receipt time when the entry is of this boot, else its wall clock. */
static uint64_t entry_ts(struct journal *j, const char *boot_id, const struct trace_clock *c,
			 uint64_t *real_us)
{
	uint64_t mono_us;
	sd_id128_t boot;
	char hex[33];

	*real_us = 0;
	sd.sd_journal_get_realtime_usec(j->j, real_us);
	if (sd.sd_journal_get_monotonic_usec(j->j, &mono_us, &boot) >= 0) {
		for (int i = 0; i < 16; i++)
			snprintf(hex + 2 * i, 3, "%02x", boot.bytes[i]);
		if (!strcmp(hex, boot_id))
			return mono_us * 1000;
	}
	return c->valid ? c->mono_ns + (int64_t)(*real_us * 1000 - c->real_ns) : 0;
}

static void write_entry(struct journal *j, struct trace_writer *w, const char *why,
			const char *boot_id, const struct trace_clock *c)
{
	uint64_t real_us, ts = entry_ts(j, boot_id, c, &real_us);

	trace_writer_kv_begin(w, GT_REC_JOURNAL, ts);
	add_field(w, j, "pid", "_PID");
	add_field(w, j, "comm", "_COMM");
	add_field(w, j, "unit", "_SYSTEMD_UNIT");
	add_field(w, j, "about_unit", "UNIT");
	add_field(w, j, "identifier", "SYSLOG_IDENTIFIER");
	add_field(w, j, "priority", "PRIORITY");
	add_field(w, j, "msg", "MESSAGE");
	trace_writer_kv_u64(w, "realtime_us", real_us);
	trace_writer_kv_str(w, "why", why);
}

int journal_drain(struct journal *j, struct trace_writer *w, const struct journal_who *who,
		  const char *boot_id, const struct trace_clock *clock, uint64_t *seen,
		  void (*show)(void *ctx, uint16_t type), void *ctx)
{
	int n = 0, ret;

	if (!j)
		return 0;
	sd.sd_journal_process(j->j);
	while ((ret = sd.sd_journal_next(j->j)) > 0) {
		const char *why;

		(*seen)++;
		if (!(why = entry_why(j, who)))
			continue;
		write_entry(j, w, why, boot_id, clock);
		if (show)
			show(ctx, GT_REC_JOURNAL);
		trace_writer_kv_end(w);
		n++;
	}
	if (ret < 0 && !j->read_failed) {
		j->read_failed = true;
		gt_warn("journal: reading it failed (%s): entries may be missing from now on",
			strerror(-ret));
	}
	return n;	/* what was written, error or not */
}

/* Every backend reads the journal alike, through libsystemd. */
void journal_probe(struct gt_probe_result *r)
{
	char why[sizeof(r->why)];
	struct journal *j = journal_open(NULL, why, sizeof(why));

	r->ok = j != NULL;
	r->err = j ? 0 : -ENOENT;
	snprintf(r->why, sizeof(r->why), "%s", j ? "this host's journal, through sd-journal" : why);
	journal_close(j);
}
