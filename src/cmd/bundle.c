// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `gputrace bundle`: one archive to attach to a bug report. The traces, the
 * report in three forms, status, check and the kernel's identity, each as a
 * file a maintainer can open without gputrace (except the traces).
 */
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit.h"
#include "cmd/cmd.h"
#include "cmd/cmd_opts.h"
#include "redact/redact.h"
#include "render/archive.h"
#include "render/check_render.h"
#include "render/html.h"
#include "render/json_writer.h"
#include "render/report_render.h"
#include "render/status_render.h"
#include "status/status.h"
#include "sys/kernel.h"
#include "sys/sysfs.h"
#include "trace/trace.h"
#include "util.h"

#define TRACES_MAX	64
#define PARTS_MAX	16	/* report, status, check, kernel, README files */

struct bundle {
	const char *root;		/* NULL: this host */
	const char *vm;
	char *report_vm;		/* --vm as the redacted copies name it (a
					 * domain named after the host is host-1-...),
					 * or a copy of vm */
	bool redact;
	struct redact *r;
	const char *traces[TRACES_MAX];	/* as given */
	char *report_paths[TRACES_MAX];	/* what report reads: redacted copies or the originals */
	int ntraces;
	char tmpdir[512];
	char top[256];			/* directory inside the archive */
	struct tar_out *tar;
	char *files[TRACES_MAX + PARTS_MAX];	/* what the archive holds, below top */
	int nfiles;
	char err[1024];
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: gputrace bundle [-o FILE.tar.gz] [-f] [--redact] [--vm ID] [--root DIR] [-j|-p]\n"
		"                       TRACE...|DIR\n"
		"\n"
		"Writes one archive (mode 0600) to attach to a bug report, like\n"
		"nvidia-bug-report or pvereport but with the timeline:\n"
		"  traces/*.gtrace                  the recordings (a directory: its .gtrace files)\n"
		"  report.txt, report.md, report.json  'gputrace report' of the traces\n"
		"  report.html                      the same drawn: each VM stop as a picture\n"
		"  status.txt, status.json          'gputrace status' of this host now\n"
		"  check.txt, check.json            'gputrace check' of this host now\n"
		"  kernel.txt                       uname -a and /proc/cmdline\n"
		"  README.txt                       what each file is\n"
		"\n"
		"Options:\n"
		"  -o, --output FILE   default gputrace-bundle-HOST-DATE.tar.gz here\n"
		"  -f, --force         overwrite FILE if it exists\n"
		"      --redact        replace hostnames (host-N), users and their homes\n"
		"                      (user-N) and argv values the analysis does not need\n"
		"                      (<arg-N>) in every file, traces included (rewritten)\n"
		"      --vm ID         focus the report on one VM (VMID or domain name)\n"
		"      --root DIR      take status and check from a copied tree, not this host\n"
		"  -j, --json          say what was written as JSON, on one line: archive,\n"
		"                      bytes, directory, redacted, files (default: the path)\n"
		"  -p, --pretty        the same, indented\n"
		"  -h, --help          this help\n"
		"\n"
		"Exit status: 0 written, 1 error (a trace unreadable, a --vm the traces lack,\n"
		"FILE exists), 2 usage.\n"
		"Under -j/-p an error is {\"error\": \"...\"} on stdout.\n"
		"\n"
		"Examples:\n"
		"  gputrace bundle problem.gtrace\n"
		"  gputrace bundle --redact --vm 111 -o /tmp/gpu-bug.tar.gz problem.gtrace baseline.gtrace\n");
}

/* ---- parts ---------------------------------------------------------------- */

/* Notes NAME for the JSON result (best effort: only the list is short). */
static void add_file_name(struct bundle *b, const char *name)
{
	if (b->nfiles < TRACES_MAX + PARTS_MAX && (b->files[b->nfiles] = strdup(name)))
		b->nfiles++;
}

/* Adds NAME with the text in BUF/LEN, redacted when asked (JSON through the
 * JSON-aware variant). Frees BUF. */
static int add_part(struct bundle *b, const char *name, char *buf, size_t len)
{
	char path[512], *red = NULL;
	size_t rlen = len, n = strlen(name);
	int ret;

	if (!buf) {
		snprintf(b->err, sizeof(b->err), "%s: out of memory", name);
		return -1;
	}
	if (b->redact) {
		red = n > 5 && !strcmp(name + n - 5, ".json") ? redact_json(b->r, buf, len, &rlen) :
		      n > 5 && !strcmp(name + n - 5, ".html") ? redact_html(b->r, buf, len, &rlen) :
		      redact_text(b->r, buf, len, &rlen);
		if (!red) {
			free(buf);
			snprintf(b->err, sizeof(b->err), "%s: cannot redact: %s", name,
				 redact_failure(b->r) ? redact_failure(b->r) : strerror(ENOMEM));
			return -1;
		}
	}
	snprintf(path, sizeof(path), "%s/%s", b->top, name);
	ret = tar_add(b->tar, path, red ? red : buf, rlen, b->err, sizeof(b->err));
	free(red);
	free(buf);
	if (!ret)
		add_file_name(b, name);
	return ret;
}

/* A memory stream a part is printed into. */
struct mem {
	char *buf;
	size_t len;
	FILE *fp;
};

static FILE *mem_open(struct mem *m)
{
	m->buf = NULL;
	m->len = 0;
	m->fp = open_memstream(&m->buf, &m->len);
	return m->fp;
}

static char *mem_close(struct mem *m)
{
	if (!m->fp)
		return NULL;
	fclose(m->fp);
	return m->buf;
}

/* What a part holds when its command failed: the reason, in its format. */
static void failed(FILE *fp, bool json, const char *what, const char *why)
{
	struct json_writer *w;

	if (!json) {
		fprintf(fp, "gputrace %s failed: %s\n", what, why);
		return;
	}
	w = json_new(fp, true);
	json_object_start(w);
	json_kv_str(w, "error", why);
	json_object_end(w);
	json_free(w);
}

/* The page's form of the same: the reason may name a file, so escaped. */
static void failed_html(FILE *fp, const char *what, const char *why)
{
	fprintf(fp, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/><title>gputrace %s "
		"failed</title></head><body><p>gputrace %s failed: ", what, what);
	html_escape(fp, why, strlen(why));
	fprintf(fp, "</p></body></html>\n");
}

static int add_report(struct bundle *b)
{
	static const struct { const char *fmt, *name; } forms[] = {
		{ "text", "report.txt" }, { "md", "report.md" }, { "json", "report.json" },
		{ "html", "report.html" },
	};
	char err[1024];
	bool warned = false;
	struct mem m;
	int ret;

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		if (!mem_open(&m))
			return add_part(b, forms[i].name, NULL, 0);
		err[0] = '\0';
		ret = report_render_files((const char *const *)b->report_paths, b->ntraces, b->report_vm,
					  forms[i].fmt, m.fp, err, sizeof(err));
		if (ret == -ENOENT && b->vm) {
			/* a mistyped --vm: no bundle without the report it asked for,
			 * said of the traces as given (not of their redacted copies
			 * in a temp directory, with the VMs' names as redacted) */
			FILE *sink = b->redact ? fopen("/dev/null", "we") : NULL;
			char given[sizeof(err)] = "";

			ret = sink ? report_render_files(b->traces, b->ntraces, b->vm, "text", sink, given,
							 sizeof(given)) : -ENOENT;
			if (ret == -ENOENT && given[0])
				snprintf(err, sizeof(err), "%s", given);
			else if (!ret)	/* there, but redaction renamed it out of reach */
				snprintf(err, sizeof(err), "the redacted traces name this VM otherwise: give "
					 "its id (VMID or QEMU -id), or bundle without --redact");
			if (sink)
				fclose(sink);
			free(mem_close(&m));
			snprintf(b->err, sizeof(b->err), "--vm %.64s: %.900s", b->vm, err);
			return -1;
		}
		if (ret < 0) {
			/* The bundle is still worth having: the traces are in it.
			 * One warning for the part, whichever forms failed. */
			if (!warned)
				gt_warn("report failed: %s; the bundle says so in report.*",
					err[0] ? err : "unknown error");
			warned = true;
			free(mem_close(&m));
			if (!mem_open(&m))
				return add_part(b, forms[i].name, NULL, 0);
			if (!strcmp(forms[i].fmt, "html"))
				failed_html(m.fp, "report", err[0] ? err : "unknown error");
			else
				failed(m.fp, !strcmp(forms[i].fmt, "json"), "report", err[0] ? err : "unknown error");
		}
		mem_close(&m);
		if (add_part(b, forms[i].name, m.buf, m.len))
			return -1;
	}
	return 0;
}

static int add_status(struct bundle *b)
{
	struct status st;
	struct mem m;
	char err[1024];
	int ret;

	ret = status_collect(b->root, NULL, &st, err, sizeof(err));
	if (ret)
		gt_warn("status failed: %s; the bundle says so in status.txt and status.json", err);
	for (int json = 0; json < 2; json++) {
		if (!mem_open(&m))
			return add_part(b, json ? "status.json" : "status.txt", NULL, 0);
		if (ret)
			failed(m.fp, json, "status", err);
		else if (json)
			status_render_json(m.fp, &st, true);
		else
			status_render_text(m.fp, &st);
		mem_close(&m);
		if (add_part(b, json ? "status.json" : "status.txt", m.buf, m.len)) {
			status_free(&st);
			return -1;
		}
	}
	status_free(&st);
	return 0;
}

static int add_check(struct bundle *b)
{
	struct audit_opts o = { .root = b->root, .probe_backends = !b->root };
	struct audit a;
	struct mem m;
	char err[1024];
	int ret;

	ret = audit_run(&o, &a, err, sizeof(err));
	if (ret)
		gt_warn("check failed: %s; the bundle says so in check.txt and check.json", err);
	for (int json = 0; json < 2; json++) {
		if (!mem_open(&m))
			return add_part(b, json ? "check.json" : "check.txt", NULL, 0);
		if (ret)
			failed(m.fp, json, "check", err);
		else if (json)
			check_render_json(m.fp, &a, true);
		else
			check_render_text(m.fp, &a);
		mem_close(&m);
		if (add_part(b, json ? "check.json" : "check.txt", m.buf, m.len)) {
			audit_free(&a);
			return -1;
		}
	}
	audit_free(&a);
	return 0;
}

static int add_kernel(struct bundle *b)
{
	char cmdline[KERNEL_CMDLINE_MAX], release[128];
	struct utsname u;
	bool unread = false;
	struct mem m;

	if (!mem_open(&m))
		return add_part(b, "kernel.txt", NULL, 0);
	if (!b->root && !uname(&u)) {
		fprintf(m.fp, "uname -a: %s %s %s %s %s\n", u.sysname, u.nodename, u.release,
			u.version, u.machine);
	} else {
		if (kernel_release(b->root, release, sizeof(release))) {
			snprintf(release, sizeof(release), "unknown");
			unread = true;
		}
		fprintf(m.fp, "kernel release (from %s): %s\n", b->root, release);
	}
	if (kernel_cmdline(b->root, cmdline, sizeof(cmdline))) {
		snprintf(cmdline, sizeof(cmdline), "(unreadable)");
		unread = true;
	}
	if (unread)
		gt_warn("kernel.txt: the kernel release or command line of %s is unreadable; the "
			"bundle says so in kernel.txt", b->root ? b->root : "this host");
	fprintf(m.fp, "/proc/cmdline: %s\n", cmdline);
	mem_close(&m);
	return add_part(b, "kernel.txt", m.buf, m.len);
}

/* Were all of B's traces recorded on this boot of this machine? Read from
 * each trace's header (the originals: a redacted copy's boot_id is a
 * stand-in). A trace without a header counts as another boot. */
static bool traces_of_this_boot(const struct bundle *b)
{
	char boot[64] = "", err[512], buf[128];

	if (kernel_boot_id(boot, sizeof(boot)))
		return false;
	for (int i = 0; i < b->ntraces; i++) {
		struct trace_reader *tr = trace_reader_open(b->traces[i], err, sizeof(err));
		struct trace_record rec;
		bool same = false;

		if (tr && trace_reader_next(tr, &rec) == 1 && rec.type == GT_REC_HEADER)
			same = kv_get(&rec, "boot_id", buf, sizeof(buf)) && !strcmp(buf, boot);
		trace_reader_close(tr);
		if (!same)
			return false;
	}
	return true;
}

static int add_readme(struct bundle *b, char **names)
{
	struct mem m;

	if (!mem_open(&m))
		return add_part(b, "README.txt", NULL, 0);
	fprintf(m.fp,
		"gputrace %s bug-report bundle\n"
		"\n"
		"traces/           the recordings (gputrace record); read them with\n"
		"                  'gputrace dump FILE' or 'gputrace report FILE'\n",
		GPUTRACE_VERSION);
	for (int i = 0; i < b->ntraces; i++)
		fprintf(m.fp, "                    %s\n", names[i]);
	fprintf(m.fp,
		"report.txt        the report of all traces%s%s: timeline, findings\n"
		"report.md         the same in Markdown, to paste into a forum or tracker\n"
		"report.json       the same as JSON, for scripts\n"
		"report.html       the same as one page to open in a browser: each device's\n"
		"                  driver over time, each VM stop zoomed (no network needed)\n"
		"status.txt/.json  every GPU function when the bundle was made: driver,\n"
		"                  driver_override, IOMMU group, power, reset, holding VM\n"
		"check.txt/.json   configuration that will rebind a GPU later, with file\n"
		"                  and line (modprobe.d, cmdline, udev, driverctl, hooks)\n"
		"kernel.txt        uname -a and the kernel command line\n"
		"\n", b->report_vm ? " for VM " : "", b->report_vm ? b->report_vm : "");
	if (b->root)
		fprintf(m.fp, "status, check and kernel.txt describe the tree %s, not a live host.\n\n",
			b->root);
	else if (!traces_of_this_boot(b))
		fprintf(m.fp, "status, check and kernel.txt describe the machine this bundle was made on,\n"
			"as it was then: some or all of the traces were recorded on another boot,\n"
			"or another host.\n\n");
	if (b->redact)
		fprintf(m.fp,
			"REDACTED: hostnames are host-N, users with uid >= 1000 and their home\n"
			"directories user-N (/home/user-N), and process arguments the analysis\n"
			"does not need arg-N; in every file, IP and MAC addresses, UUIDs (the\n"
			"boot id, SMBIOS and libvirt ones), keys and the values of secret-looking\n"
			"options (passwords, tokens, the kernel's root and ip options) are ip-N,\n"
			"mac-N, uuid-N, key-N and secret-N: the same stand-in for the same value\n"
			"in every file. The traces were rewritten the same way (process and exec\n"
			"argv, comms, units, file contents, header, written values); timestamps,\n"
			"pids, PCI addresses, ids, driver names and sysfs paths are unchanged.\n");
	else
		fprintf(m.fp, "Not redacted: hostnames, users and full command lines are as recorded.\n");
	mem_close(&m);
	return add_part(b, "README.txt", m.buf, m.len);
}

/* ---- traces ---------------------------------------------------------------- */

static int prepare_traces(struct bundle *b, char **names)
{
	char path[PATH_MAX], err[512], base[256];
	struct trace_reader *tr;
	size_t n;
	char *red;

	for (int i = 0; i < b->ntraces; i++) {
		tr = trace_reader_open(b->traces[i], err, sizeof(err));
		if (!tr) {
			snprintf(b->err, sizeof(b->err), "%s", err);
			return -1;
		}
		trace_reader_close(tr);
		if (b->redact && redact_trace_learn(b->r, b->traces[i], b->err, sizeof(b->err)))
			return -1;
	}
	for (int i = 0; i < b->ntraces; i++) {
		const char *slash = strrchr(b->traces[i], '/');

		snprintf(base, sizeof(base), "%s", slash ? slash + 1 : b->traces[i]);
		if (b->redact) {
			if (!(red = redact_text(b->r, base, strlen(base), &n))) {
				snprintf(b->err, sizeof(b->err), "cannot redact: %s",
					 redact_failure(b->r) ? redact_failure(b->r) : strerror(ENOMEM));
				return -1;
			}
			snprintf(base, sizeof(base), "%s", red);
			free(red);
		}
		/* Two traces with one name (a/x.gtrace b/x.gtrace) stay two files. */
		if (asprintf(&names[i], "traces/%02d-%s", i + 1, base) < 0) {
			names[i] = NULL;
			snprintf(b->err, sizeof(b->err), "out of memory");
			return -1;
		}
		if (b->redact) {
			snprintf(path, sizeof(path), "%s/%02d.gtrace", b->tmpdir, i + 1);
			if (redact_trace_rewrite(b->r, b->traces[i], path, b->err, sizeof(b->err)))
				return -1;
			b->report_paths[i] = strdup(path);
		} else {
			b->report_paths[i] = strdup(b->traces[i]);
		}
		if (!b->report_paths[i]) {
			snprintf(b->err, sizeof(b->err), "out of memory");
			return -1;
		}
	}
	return 0;
}

/* What a bundle killed half way (Ctrl-C, a closed terminal, a crash)
 * leaves in its temp dir: removed by the handler, with calls that are
 * safe in one, before the signal does what it does. */
static char dying_dir[512];
static char dying_files[TRACES_MAX][sizeof(dying_dir) + 16];

static void remove_tmpdir_and_die(int sig)
{
	for (int i = 0; i < TRACES_MAX && dying_dir[0]; i++)
		unlink(dying_files[i]);
	if (dying_dir[0])
		rmdir(dying_dir);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* ON: from now until the temp dir is removed; off: as before. */
static void remove_tmpdir_on_signals(const struct bundle *b, bool on)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS, SIGABRT, SIGFPE };

	snprintf(dying_dir, sizeof(dying_dir), "%s", on ? b->tmpdir : "");
	for (int i = 0; i < TRACES_MAX; i++)
		snprintf(dying_files[i], sizeof(dying_files[i]), "%s/%02d.gtrace",
			 on ? b->tmpdir : "", i + 1);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], on ? remove_tmpdir_and_die : SIG_DFL);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

/* ---- command ---------------------------------------------------------------- */

static void host_name(struct bundle *b, char *buf, size_t size)
{
	const char *red;

	if (sys_root_is_live(b->root) ? gethostname(buf, size) :
	    sysfs_read(b->root, "/proc/sys/kernel/hostname", buf, size) <= 0)
		snprintf(buf, size, "host");
	buf[strcspn(buf, ".")] = '\0';
	if (b->redact) {
		red = redact_host_name(b->r, buf);
		snprintf(buf, size, "%s", red ? red : "host");
	}
}

/* Writes the archive; its name into OUTPUT (given or made). */
static int make_bundle(struct bundle *b, char *output, size_t size, bool force)
{
	char host[128], date[32], *names[TRACES_MAX] = { 0 };
	const char *tmp = getenv("TMPDIR");
	time_t now = time(NULL);
	struct tm tm;
	int ret = -1;

	/* The traces come from this host, status and check from ROOT: hide
	 * the names of both. */
	if (b->redact && (!(b->r = redact_new()) || redact_learn_system(b->r, NULL) ||
			  (b->root && redact_learn_system(b->r, b->root)))) {
		snprintf(b->err, sizeof(b->err), "cannot redact: %s",
			 b->r && redact_failure(b->r) ? redact_failure(b->r) : strerror(ENOMEM));
		return -1;
	}
	snprintf(b->tmpdir, sizeof(b->tmpdir), "%s/gputrace-bundle.XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	if (!mkdtemp(b->tmpdir)) {
		snprintf(b->err, sizeof(b->err), "%.512s: %s", b->tmpdir, strerror(errno));
		b->tmpdir[0] = '\0';
		return -1;
	}
	remove_tmpdir_on_signals(b, true);
	if (prepare_traces(b, names))
		goto out;
	if (b->vm && !(b->report_vm = b->redact ? redact_text(b->r, b->vm, strlen(b->vm), &(size_t){ 0 }) :
				       strdup(b->vm))) {
		snprintf(b->err, sizeof(b->err), "cannot redact --vm: %s",
			 b->redact && redact_failure(b->r) ? redact_failure(b->r) : strerror(ENOMEM));
		goto out;
	}
	host_name(b, host, sizeof(host));
	localtime_r(&now, &tm);
	strftime(date, sizeof(date), "%Y%m%d-%H%M%S", &tm);
	snprintf(b->top, sizeof(b->top), "gputrace-bundle-%s-%s", host, date);
	if (!output[0])
		snprintf(output, size, "%s.tar.gz", b->top);
	b->tar = tar_create(output, force, b->err, sizeof(b->err));
	if (!b->tar)
		goto out;
	for (int i = 0; i < b->ntraces; i++) {
		char name[512];

		snprintf(name, sizeof(name), "%s/%s", b->top, names[i]);
		if (tar_add_file(b->tar, name, b->report_paths[i], b->err, sizeof(b->err)))
			goto out;
		add_file_name(b, names[i]);
	}
	if (add_report(b) || add_status(b) || add_check(b) || add_kernel(b) || add_readme(b, names))
		goto out;
	ret = tar_close(b->tar, b->err, sizeof(b->err));
	b->tar = NULL;
out:
	tar_abort(b->tar);
	for (int i = 0; i < b->ntraces; i++) {
		free(names[i]);
		free(b->report_paths[i]);
	}
	free(b->report_vm);
	nftw(b->tmpdir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	remove_tmpdir_on_signals(b, false);
	redact_free(b->r);
	return ret;
}

/* What was written: the path (text), or what the archive holds (JSON). */
static void show_result(const struct bundle *b, const char *output, const struct cmd_opts *cx)
{
	struct json_writer *w;
	struct stat st;

	if (!cx->json) {
		printf("%s\n", output);
		return;
	}
	w = json_new(stdout, cx->pretty);
	json_object_start(w);
	json_kv_str(w, "archive", output);
	json_kv_u64(w, "bytes", stat(output, &st) ? 0 : (uint64_t)st.st_size);
	json_kv_str(w, "directory", b->top);
	json_kv_bool(w, "redacted", b->redact);
	json_key(w, "files");
	json_array_start(w);
	for (int i = 0; i < b->nfiles; i++)
		json_string(w, b->files[i]);
	json_array_end(w);
	json_object_end(w);
	json_free(w);
}

int cmd_bundle(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "redact", no_argument, NULL, 'R' },
		{ "vm", required_argument, NULL, 'v' },
		{ 0 }
	};
	char output[PATH_MAX] = "";
	struct bundle b = { 0 };
	struct cmd_opts cx;
	bool force = false;
	char **files;
	int c, ret, nfiles;

	cmd_opts_init(&cx, "bundle", usage, CMD_JSON | CMD_ROOT, "o:f", opts);
	while ((c = cmd_opts_next(&cx, argc, argv)) != -1) {
		switch (c) {
		case 'o': snprintf(output, sizeof(output), "%s", optarg); break;
		case 'f': force = true; break;
		case 'R': b.redact = true; break;
		case 'v': b.vm = optarg; break;
		default: return cx.exit;	/* --help, or a bad option (said) */
		}
	}
	if (cx.root && !sys_root_is_live(cx.root))
		b.root = cx.root;
	if (optind == argc)
		return cmd_usage_err("needs at least one trace (record one with 'gputrace record -o FILE')");
	/* a directory, or the files of a rotated recording, in their order */
	if ((c = cmd_trace_files(argv + optind, argc - optind, &files, &nfiles)))
		return c;
	if (nfiles > TRACES_MAX) {
		for (int i = 0; i < nfiles; i++)
			free(files[i]);
		free(files);
		return cmd_usage_err("takes at most %d traces (%d given)", TRACES_MAX, nfiles);
	}
	for (int i = 0; i < nfiles; i++)
		b.traces[b.ntraces++] = files[i];
	ret = make_bundle(&b, output, sizeof(output), force);
	if (ret)
		cmd_err("%s", b.err);
	else
		show_result(&b, output, &cx);
	for (int i = 0; i < b.nfiles; i++)
		free(b.files[i]);
	for (int i = 0; i < nfiles; i++)
		free(files[i]);
	free(files);
	return ret ? EXIT_ERROR : EXIT_OK;
}
