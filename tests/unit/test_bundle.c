// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* `gputrace bundle`: the archive round-trips (extracted with tar, every part
 * present, mode 0600), and with --redact no original hostname or user name
 * is left in any file, the traces' records included. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fake_tree.h"

#include <dirent.h>

#include "cmd/cmd.h"
#include "gputrace/event.h"
#include "trace/trace.h"
#include "util.h"

#define HOST		"gt-secret-host"
#define TREE_HOST	"gt-tree-host"
#define USER		"alicesecret"

static const char *const parts[] = {
	"report.txt", "report.md", "report.json", "report.html", "status.txt", "status.json",
	"check.txt", "check.json", "kernel.txt", "README.txt",
};

struct fx {
	struct tree t;
	char trace[PATH_MAX], archive[PATH_MAX], x[PATH_MAX], out[PATH_MAX];
};

/* A small trace as the recorder would write it on host HOST, with a hook
 * run by USER. */
static void write_trace(const char *path)
{
	static const char cmd[] = "/home/" USER "/hook.pl\0" "111\0post-stop\0--token=" HOST;
	static const char args[] = "/bin/sh\0-c\0echo 0000:0a:00.0 > /sys/bus/pci/drivers_probe";
	struct trace_writer *w = trace_writer_create(path, true);
	struct gt_exec_event ex;

	assert_non_null(w);
	trace_writer_kv_begin(w, GT_REC_HEADER, 1);
	trace_writer_kv_str(w, "tool_version", "test");
	trace_writer_kv_str(w, "format", "1.0");
	trace_writer_kv_u64(w, "real_ns", 1700000000000000000ull);
	trace_writer_kv_str(w, "hostname", HOST);
	trace_writer_kv_str(w, "kernel_release", "6.1.0-18-amd64");
	trace_writer_kv_end(w);
	trace_writer_kv_begin(w, GT_REC_PCI, 2);
	trace_writer_kv_str(w, "phase", "start");
	trace_writer_kv_str(w, "bdf", "0000:0a:00.0");
	trace_writer_kv_str(w, "vendor", "10de");
	trace_writer_kv_str(w, "device", "1b80");
	trace_writer_kv_str(w, "class", "030000");
	trace_writer_kv_str(w, "driver", "vfio-pci");
	trace_writer_kv_end(w);
	trace_writer_kv_begin(w, GT_REC_PROCESS, 3);
	trace_writer_kv_str(w, "phase", "start");
	trace_writer_kv_s64(w, "pid", 5120);
	trace_writer_kv_add(w, "cmdline", cmd, sizeof(cmd));
	trace_writer_kv_str(w, "exe", "/home/" USER "/hook.pl");
	trace_writer_kv_end(w);
	trace_writer_kv_begin(w, GT_REC_FILE, 4);
	trace_writer_kv_str(w, "path", "/etc/pve/qemu-server/111.conf");
	trace_writer_kv_str(w, "content", "hookscript: local:snippets/hook.pl\n# on " HOST "\n");
	trace_writer_kv_end(w);
	memset(&ex, 0, sizeof(ex));
	ex.hdr.kind = GT_EV_EXEC;
	ex.hdr.ts_ns = 5;
	ex.hdr.task.pid = 5121;
	strcpy(ex.hdr.task.comm, "sh");
	strcpy(ex.filename, "/bin/sh");
	memcpy(ex.args, args, sizeof(args));
	ex.args_len = sizeof(args);
	ex.hdr.size = offsetof(struct gt_exec_event, args) + ex.args_len;
	assert_int_equal(trace_writer_append(w, GT_REC_EVENT, &ex, ex.hdr.size), 0);
	trace_writer_kv_begin(w, GT_REC_END, 6);
	trace_writer_kv_end(w);
	assert_int_equal(trace_writer_close(w), 0);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct tree *t, sys;

	if (!f || tree_new(&f->t, "test_bundle"))
		return -1;
	t = &f->t;
	snprintf(f->trace, sizeof(f->trace), "%s/rec/problem.gtrace", t->root);
	snprintf(f->archive, sizeof(f->archive), "%s/b.tar.gz", t->root);
	snprintf(f->x, sizeof(f->x), "%s/x", t->root);
	snprintf(f->out, sizeof(f->out), "%s/out.txt", t->root);
	tree_mkdirs(t, "/rec");
	tree_mkdirs(t, "/x");
	write_trace(f->trace);
	/* the tree status and check read */
	tree_put(t, "/sys-root/proc/sys/kernel/hostname", TREE_HOST "\n");
	tree_put(t, "/sys-root/proc/sys/kernel/osrelease", "6.1.0-18-amd64\n");
	tree_put(t, "/sys-root/proc/cmdline", "root=/dev/sda1 vfio-pci.ids=10de:1b80\n");
	tree_put(t, "/sys-root/etc/passwd", "root:x:0:0::/root:/bin/sh\n" USER ":x:1000:1000::/home/" USER ":/bin/bash\n");
	tree_put(t, "/sys-root/etc/udev/rules.d/61-gpu.rules",
		 "ACTION==\"add\", SUBSYSTEM==\"pci\", RUN+=\"/home/" USER "/bin/vfio-bind.sh " TREE_HOST "\"\n");
	snprintf(sys.root, sizeof(sys.root), "%.50s/sys-root", t->root);
	tree_pci(&sys, "0000:0a:00.0", "0x10de\n", "0x1b80\n", "0x030000\n", "vfio-pci", NULL, "14", "1\n");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	tree_remove(&f->t);
	free(f);
	return 0;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "r");
	char *buf;
	long n;

	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc(n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	*len = n;
	return buf;
}

/* The one directory tar extracted. */
static void top_dir(struct fx *f, char *dir, size_t size)
{
	struct dirent *de;
	DIR *dp = opendir(f->x);
	int n = 0;

	assert_non_null(dp);
	while ((de = readdir(dp)))
		if (de->d_name[0] != '.') {
			snprintf(dir, size, "%.200s/%.200s", f->x, de->d_name);
			n++;
		}
	closedir(dp);
	assert_int_equal(n, 1);
}

static void extract(struct fx *f, char *dir, size_t size)
{
	char cmd[PATH_MAX * 2 + 64];
	struct stat st;

	assert_int_equal(stat(f->archive, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	snprintf(cmd, sizeof(cmd), "tar -xzf '%s' -C '%s'", f->archive, f->x);
	assert_int_equal(system(cmd), 0);
	top_dir(f, dir, size);
}

static void assert_parts(const char *dir)
{
	char path[PATH_MAX + 64];
	struct stat st;

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, parts[i]);
		if (stat(path, &st) || !st.st_size)
			fail_msg("%s missing or empty", parts[i]);
	}
	snprintf(path, sizeof(path), "%s/traces/01-problem.gtrace", dir);
	assert_int_equal(stat(path, &st), 0);
}

static void test_bundle_round_trip(void **state)
{
	struct fx *f = *state;
	char dir[PATH_MAX], path[PATH_MAX + 64], err[256], root[PATH_MAX], *buf;
	char *argv[] = { "bundle", "-o", f->archive, "--root", root, f->trace, NULL };
	struct trace_reader *tr;
	struct trace_record rec;
	size_t len;

	snprintf(root, sizeof(root), "%s/sys-root", f->t.root);
	assert_int_equal(run_quiet(cmd_bundle, 6, argv, f->out), EXIT_OK);
	buf = slurp(f->out, &len);
	assert_null(strstr(buf, "warning"));	/* every part made */
	free(buf);
	extract(f, dir, sizeof(dir));
	assert_parts(dir);
	assert_non_null(strstr(dir, "gputrace-bundle-" TREE_HOST "-"));
	/* the trace is the original, byte for byte readable */
	snprintf(path, sizeof(path), "%s/traces/01-problem.gtrace", dir);
	tr = trace_reader_open(path, err, sizeof(err));
	assert_non_null(tr);
	while (trace_reader_next(tr, &rec) == 1)
		;
	assert_null(trace_reader_error(tr));
	trace_reader_close(tr);
	snprintf(path, sizeof(path), "%s/check.txt", dir);
	buf = slurp(path, &len);
	assert_non_null(strstr(buf, "vfio-ids-cmdline"));
	free(buf);
	snprintf(path, sizeof(path), "%s/status.txt", dir);
	buf = slurp(path, &len);
	assert_non_null(strstr(buf, "1 display device on this tree"));
	free(buf);
	snprintf(path, sizeof(path), "%s/README.txt", dir);
	buf = slurp(path, &len);
	assert_non_null(strstr(buf, "Not redacted"));
	free(buf);
	/* the same output again: refused without -f */
	assert_int_equal(run_quiet(cmd_bundle, 6, argv, f->out), EXIT_ERROR);
	buf = slurp(f->out, &len);
	assert_non_null(strstr(buf, "use -f to overwrite"));
	free(buf);
}

static void no_secret(const char *what, const char *buf, size_t len)
{
	static const char *const secrets[] = { HOST, TREE_HOST, USER };

	for (size_t i = 0; i < 3; i++)
		if (memmem(buf, len, secrets[i], strlen(secrets[i])))
			fail_msg("%s still contains %s", what, secrets[i]);
}

static void test_bundle_redacted(void **state)
{
	struct fx *f = *state;
	char dir[PATH_MAX], path[PATH_MAX + 64], err[256], root[PATH_MAX], *buf;
	char *argv[] = { "bundle", "--redact", "-o", f->archive, "--root", root, f->trace, NULL };
	struct trace_reader *tr;
	struct trace_record rec;
	size_t len, nrec = 0;

	snprintf(root, sizeof(root), "%s/sys-root", f->t.root);
	assert_int_equal(run_quiet(cmd_bundle, 7, argv, f->out), EXIT_OK);
	extract(f, dir, sizeof(dir));
	assert_parts(dir);
	no_secret("the bundle's directory name", dir, strlen(dir));
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, parts[i]);
		buf = slurp(path, &len);
		no_secret(parts[i], buf, len);
		free(buf);
	}
	snprintf(path, sizeof(path), "%s/check.txt", dir);
	buf = slurp(path, &len);
	assert_non_null(strstr(buf, "/home/user-"));	/* the rule is there, redacted */
	free(buf);
	snprintf(path, sizeof(path), "%s/README.txt", dir);
	buf = slurp(path, &len);
	assert_non_null(strstr(buf, "REDACTED"));
	free(buf);
	/* the trace inside: every record, decompressed */
	snprintf(path, sizeof(path), "%s/traces/01-problem.gtrace", dir);
	tr = trace_reader_open(path, err, sizeof(err));
	assert_non_null(tr);
	while (trace_reader_next(tr, &rec) == 1) {
		no_secret("a trace record", (const char *)rec.data, rec.len);
		nrec++;
	}
	assert_null(trace_reader_error(tr));
	trace_reader_close(tr);
	assert_int_equal(nrec, 6);
}

/* A libvirt domain named as a user is (the names redaction hides are
 * whole words): in the redacted copies it is user-N, and --vm with the
 * name the user knows still finds it (it was "no VM"), in the report and
 * the README, with the user's name in neither. */
static void test_bundle_redacted_vm_named_as_a_user(void **state)
{
	static const char args[] = "/usr/bin/qemu-system-x86_64\0-name\0guest=" USER ",debug-threads=on"
				   "\0-device\0vfio-pci,host=0000:0a:00.0,id=hostdev0";
	struct fx *f = *state;
	char dir[PATH_MAX], path[PATH_MAX + 64], root[PATH_MAX], trace[PATH_MAX + 16], *buf;
	char *argv[] = { "bundle", "--redact", "-o", f->archive, "--root", root, "--vm", USER,
			 trace, NULL };
	struct trace_writer *w;
	struct gt_exec_event ex;
	size_t len;

	snprintf(root, sizeof(root), "%s/sys-root", f->t.root);
	snprintf(trace, sizeof(trace), "%s/rec/libvirt.gtrace", f->t.root);
	assert_non_null(w = trace_writer_create(trace, true));
	trace_writer_kv_begin(w, GT_REC_HEADER, 1);
	trace_writer_kv_str(w, "format", "1.0");
	trace_writer_kv_u64(w, "real_ns", 1700000000000000000ull);
	trace_writer_kv_str(w, "hostname", HOST);
	trace_writer_kv_end(w);
	memset(&ex, 0, sizeof(ex));
	ex.hdr.kind = GT_EV_EXEC;
	ex.hdr.ts_ns = 5;
	ex.hdr.task.pid = 7000;
	strcpy(ex.hdr.task.comm, "qemu-system-x86");
	strcpy(ex.filename, "/usr/bin/qemu-system-x86_64");
	memcpy(ex.args, args, sizeof(args));
	ex.args_len = sizeof(args);
	ex.hdr.size = offsetof(struct gt_exec_event, args) + ex.args_len;
	assert_int_equal(trace_writer_append(w, GT_REC_EVENT, &ex, ex.hdr.size), 0);
	trace_writer_kv_begin(w, GT_REC_END, 6);
	trace_writer_kv_end(w);
	assert_int_equal(trace_writer_close(w), 0);

	assert_int_equal(run_quiet(cmd_bundle, 9, argv, f->out), EXIT_OK);
	extract(f, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/report.txt", dir);
	buf = slurp(path, &len);
	no_secret("report.txt", buf, len);
	assert_non_null(strstr(buf, "VM user-"));	/* user-N: this host's users come first */
	assert_non_null(strstr(buf, " (libvirt, QEMU pid 7000)"));
	free(buf);
	snprintf(path, sizeof(path), "%s/README.txt", dir);
	buf = slurp(path, &len);
	no_secret("README.txt", buf, len);
	assert_non_null(strstr(buf, "for VM user-"));
	free(buf);

	/* a --vm the traces lack is said of the traces given, by the names
	 * the user knows: not of a temp copy, nor by stand-ins */
	assert_int_equal(unlink(f->archive), 0);
	argv[7] = "win11";
	assert_int_equal(run_quiet(cmd_bundle, 9, argv, f->out), EXIT_ERROR);
	buf = slurp(f->out, &len);
	assert_non_null(strstr(buf, "--vm win11: no VM 'win11' in "));
	assert_non_null(strstr(buf, "libvirt.gtrace; known: " USER));
	assert_null(strstr(buf, "gputrace-bundle."));
	free(buf);
	assert_int_equal(access(f->archive, F_OK), -1);	/* no bundle without its report */
}

/* -f with a user's symlink at the output: the link is replaced by the
 * archive, the file it pointed to keeps its bytes and mode. */
static void test_bundle_force_replaces_symlink(void **state)
{
	struct fx *f = *state;
	char victim[PATH_MAX + 16], dir[PATH_MAX], root[PATH_MAX];
	char *argv[] = { "bundle", "-f", "-o", f->archive, "--root", root, f->trace, NULL };
	struct stat st;

	snprintf(root, sizeof(root), "%s/sys-root", f->t.root);
	snprintf(victim, sizeof(victim), "%s/victim", f->t.root);
	tree_put(&f->t, "/victim", "keep me");
	assert_int_equal(chmod(victim, 0644), 0);
	assert_int_equal(symlink(victim, f->archive), 0);
	assert_int_equal(run_quiet(cmd_bundle, 7, argv, f->out), EXIT_OK);
	assert_int_equal(lstat(f->archive, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(stat(victim, &st), 0);
	assert_int_equal(st.st_size, 7);
	assert_int_equal(st.st_mode & 0777, 0644);
	extract(f, dir, sizeof(dir));
	assert_parts(dir);
}

static void test_bundle_bad_input(void **state)
{
	struct fx *f = *state;
	char missing[PATH_MAX + 16], *buf;
	char *argv[] = { "bundle", "-o", f->archive, missing, NULL };
	char *none[] = { "bundle", NULL };
	struct stat st;
	size_t len;

	snprintf(missing, sizeof(missing), "%s/absent.gtrace", f->t.root);
	assert_int_equal(run_quiet(cmd_bundle, 4, argv, f->out), EXIT_ERROR);
	buf = slurp(f->out, &len);
	assert_non_null(strstr(buf, "absent.gtrace"));
	free(buf);
	assert_int_equal(stat(f->archive, &st), -1);	/* nothing written */
	tree_put(&f->t, "/junk.gtrace", "not a trace");
	snprintf(missing, sizeof(missing), "%s/junk.gtrace", f->t.root);
	assert_int_equal(run_quiet(cmd_bundle, 4, argv, f->out), EXIT_ERROR);
	buf = slurp(f->out, &len);
	assert_non_null(strstr(buf, "not a gputrace trace"));
	free(buf);
	assert_int_equal(run_quiet(cmd_bundle, 1, none, f->out), EXIT_USAGE);
}

/* A FIFO named like a trace, in a trace directory or by name: bundle,
 * report and dump each say so in one line and exit 1, as for any file
 * there that is no trace, instead of blocking in open() for a writer (the
 * alarm turns a hang into a failure). */
static void test_fifo_among_traces(void **state)
{
	struct fx *f = *state;
	char dir[PATH_MAX], fifo[PATH_MAX + 16], *buf;
	char *bundle_dir[] = { "bundle", "-o", f->archive, dir, NULL };
	char *bundle_fifo[] = { "bundle", "-o", f->archive, fifo, NULL };
	char *report_dir[] = { "report", dir, NULL };
	char *dump_dir[] = { "dump", dir, NULL };
	struct stat st;
	size_t len;

	snprintf(dir, sizeof(dir), "%s/rec", f->t.root);
	snprintf(fifo, sizeof(fifo), "%s/rec/zz.gtrace", f->t.root);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	alarm(20);
	assert_int_equal(run_quiet(cmd_bundle, 4, bundle_dir, f->out), EXIT_ERROR);
	buf = slurp(f->out, &len);
	assert_non_null(strstr(buf, "zz.gtrace: not a regular file\n"));
	assert_ptr_equal(strchr(buf, '\n'), buf + len - 1);	/* that line only */
	free(buf);
	assert_int_equal(stat(f->archive, &st), -1);	/* nothing written */
	assert_int_equal(run_quiet(cmd_bundle, 4, bundle_fifo, f->out), EXIT_ERROR);
	assert_int_equal(run_quiet(cmd_report, 2, report_dir, f->out), EXIT_ERROR);
	buf = slurp(f->out, &len);
	assert_non_null(strstr(buf, "zz.gtrace: not a regular file\n"));
	free(buf);
	assert_int_equal(run_quiet(cmd_dump, 2, dump_dir, f->out), EXIT_ERROR);
	alarm(0);
	buf = slurp(f->out, &len);
	assert_non_null(strstr(buf, "zz.gtrace: not a regular file\n"));
	free(buf);
}

/* A --root that is not there: the archive is still written (the traces
 * are worth having, exit 0), and each part that failed says so in one
 * line on stderr, not only inside the archive. */
static void test_bundle_warns_of_failed_parts(void **state)
{
	static const char *const warned[] = { "status failed", "check failed", "kernel.txt:" };
	struct fx *f = *state;
	char root[PATH_MAX], *buf, *line;
	char *argv[] = { "bundle", "-o", f->archive, "--root", root, f->trace, NULL };
	char *vm_argv[] = { "bundle", "-f", "-o", f->archive, "--vm", "999", f->trace, NULL };
	struct stat st;
	size_t len;
	int lines = 0;

	snprintf(root, sizeof(root), "%s/no-such-root", f->t.root);
	assert_int_equal(run_quiet(cmd_bundle, 6, argv, f->out), EXIT_OK);
	assert_int_equal(stat(f->archive, &st), 0);
	buf = slurp(f->out, &len);
	for (size_t i = 0; i < sizeof(warned) / sizeof(warned[0]); i++) {
		line = strstr(buf, warned[i]);
		assert_non_null(line);
		assert_non_null(strstr(line, "no-such-root"));
	}
	for (line = buf; (line = strstr(line, "warning:")); line++)
		lines++;
	assert_int_equal(lines, 3);	/* one a part */
	free(buf);

	/* a report that fails (a recording that never started) fails in its
	 * four forms: one line still, and the bundle is made */
	{
		char empty[300];
		char *empty_argv[] = { "bundle", "-f", "-o", f->archive, empty, NULL };
		struct trace_writer *w;

		snprintf(empty, sizeof(empty), "%s/rec/empty.gtrace", f->t.root);
		assert_non_null(w = trace_writer_create(empty, false));
		trace_writer_kv_begin(w, GT_REC_HEADER, 1);
		trace_writer_kv_str(w, "hostname", "pve1");
		trace_writer_kv_end(w);
		assert_int_equal(trace_writer_close(w), 0);
		assert_int_equal(run_quiet(cmd_bundle, 5, empty_argv, f->out), EXIT_OK);
	}
	buf = slurp(f->out, &len);
	assert_non_null(strstr(buf, "report failed"));
	assert_non_null(strstr(buf, "never started"));
	lines = 0;
	for (line = buf; (line = strstr(line, "warning:")); line++)
		lines++;
	assert_int_equal(lines, 1);
	free(buf);

	/* a VM the traces lack is a typo: no bundle without the report asked for */
	assert_int_equal(run_quiet(cmd_bundle, 7, vm_argv, f->out), EXIT_ERROR);
	buf = slurp(f->out, &len);
	assert_non_null(strstr(buf, "--vm 999: no VM '999'"));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bundle_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bundle_redacted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bundle_redacted_vm_named_as_a_user, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bundle_force_replaces_symlink, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bundle_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fifo_among_traces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bundle_warns_of_failed_parts, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
