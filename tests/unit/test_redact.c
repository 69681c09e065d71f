// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Redaction for bundles: names as whole words, consistent stand-ins,
 * argv rules, JSON keys untouched, and redacted copies of traces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fake_tree.h"

#include "analysis/redact.h"
#include "model/event.h"
#include "trace/trace.h"

#define HOST	"gt-secret-host"

static char *text(struct redact *r, const char *in)
{
	static char out[4096];
	size_t n;
	char *s = redact_text(r, in, strlen(in), &n);

	assert_non_null(s);
	snprintf(out, sizeof(out), "%s", s);
	free(s);
	return out;
}

/* argv as "a b c" (spaces for the NUL separators) */
static char *argv_of(struct redact *r, const char *argv, size_t len)
{
	static char out[4096];
	size_t n;
	char *s = redact_argv(r, argv, len, &n);

	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		out[i] = s[i] ? s[i] : ' ';
	out[n] = '\0';
	free(s);
	return out;
}

static void test_names_whole_words(void **state)
{
	struct redact *r = redact_new();

	redact_add_host(r, "pve1.example.lan");
	redact_add_host(r, "vm");
	redact_add_host(r, "pve");
	redact_add_user(r, "alice", "/srv/homes/al");
	assert_string_equal(text(r, "pve1.example.lan pve1 pve1-backup"), "host-1 host-1 host-1-backup");
	assert_string_equal(text(r, "vm kvm VM qemu-vm --vm 111 -vm"), "host-2 kvm VM qemu-host-2 --vm 111 -vm");
	assert_string_equal(text(r, "/etc/pve/qemu-server on pve"), "/etc/pve/qemu-server on host-3");
	assert_string_equal(text(r, "/home/alice/x alice_old /srv/homes/al/hook.sh"),
			    "/home/user-1/x user-1_old /home/user-1/hook.sh");
	assert_string_equal(redact_host_name(r, "pve1"), "host-1");
	assert_null(redact_host_name(r, "alice"));
	/* same name, same stand-in: a second add changes nothing */
	redact_add_host(r, "pve1");
	assert_string_equal(text(r, "pve1"), "host-1");
	redact_free(r);
}

static void test_json_keys_kept(void **state)
{
	struct redact *r = redact_new();
	const char *in = "{\"vm\":\"vm\",\"a\":[\"x vm\",\"q\\\"vm\"],\"n\":1}";
	size_t n;
	char *out;

	redact_add_host(r, "vm");
	out = redact_json(r, in, strlen(in), &n);
	assert_string_equal(out, "{\"vm\":\"host-1\",\"a\":[\"x host-1\",\"q\\\"host-1\"],\"n\":1}");
	free(out);
	redact_free(r);
}

static void test_argv_rules(void **state)
{
	struct redact *r = redact_new();
	static const char kvm[] =
		"/usr/bin/kvm\0-id\0" "111\0-name\0gpu-vm,debug-threads=on\0-pidfile\0/var/run/qemu-server/111.pid\0"
		"-device\0vfio-pci,host=0000:0a:00.0,id=hostpci0.0\0-device\0virtio-net-pci,mac=BC:24:11:AA:BB:CC\0"
		"-drive\0file=/dev/zvol/rpool/secret-disk\0--password=hunter2\0-drive\0file=/dev/zvol/rpool/secret-disk";
	static const char hook[] = "/home/alice/bin/gpu-hook.sh\0" "111\0post-stop\0secret-token\0nouveau";
	static const char sh[] = "sh\0-c\0echo 0000:0a:00.0 > /sys/bus/pci/drivers_probe";
	static const char newid[] = "printf\0" "10de 1b80\0mydriver";

	redact_add_user(r, "alice", "/home/alice");
	assert_string_equal(argv_of(r, kvm, sizeof(kvm) - 1),
		"/usr/bin/kvm -id 111 -name gpu-vm,debug-threads=on -pidfile /var/run/qemu-server/111.pid "
		"-device vfio-pci,host=0000:0a:00.0,id=hostpci0.0 -device <arg-1> "
		"-drive <arg-2> --password=<arg-3> -drive <arg-2>");
	assert_string_equal(argv_of(r, hook, sizeof(hook)),
		"/home/user-1/bin/gpu-hook.sh 111 post-stop <arg-4> nouveau ");
	assert_string_equal(argv_of(r, sh, sizeof(sh) - 1),
		"sh -c echo 0000:0a:00.0 > /sys/bus/pci/drivers_probe");
	redact_keep_word(r, "mydriver");
	assert_string_equal(argv_of(r, newid, sizeof(newid) - 1), "printf 10de 1b80 mydriver");
	redact_free(r);
}

static void test_learn_system(void **state)
{
	struct tree t;
	struct redact *r = redact_new();

	assert_int_equal(tree_new(&t, "test_redact"), 0);
	tree_put(&t, "/proc/sys/kernel/hostname", "pve7\n");
	tree_put(&t, "/etc/hostname", "pve7.corp.example\n");
	tree_put(&t, "/etc/passwd",
		 "root:x:0:0:root:/root:/bin/bash\n"
		 "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n"
		 "bob:x:1000:1000:Bob,,,:/home/bob:/bin/bash\n"
		 "carol:x:1001:1001::/data/c:/bin/zsh\n"
		 "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
	assert_int_equal(redact_learn_system(r, t.root), 0);
	assert_string_equal(text(r, "pve7 pve7.corp.example bob carol /data/c root www-data nobody"),
			    "host-1 host-1 user-1 user-2 /home/user-2 root www-data nobody");
	redact_free(r);
	tree_remove(&t);
}

/* A trace with the host's name, a user's paths and argv, rewritten. */
static void test_trace_rewrite(void **state)
{
	struct tree t;
	struct redact *r = redact_new();
	struct trace_writer *w;
	struct trace_reader *tr;
	struct trace_record rec;
	struct gt_exec_event ex;
	union gt_event_any ev;
	char in[PATH_MAX], out[PATH_MAX], err[256], buf[4096];
	static const char cmd[] = "/home/alice/hook.pl\0" "111\0post-stop\0" HOST;
	static const char args[] = "/home/alice/hook.pl\0" "111\0post-stop\0--token=s3cr3t";
	int kinds = 0;

	assert_int_equal(tree_new(&t, "test_redact"), 0);
	snprintf(in, sizeof(in), "%s/in.gtrace", t.root);
	snprintf(out, sizeof(out), "%s/out.gtrace", t.root);
	w = trace_writer_create(in, false);
	assert_non_null(w);
	trace_writer_kv_begin(w, GT_REC_HEADER, 1);
	trace_writer_kv_str(w, "hostname", HOST);
	trace_writer_kv_str(w, "kernel_release", "6.1.0");
	trace_writer_kv_end(w);
	trace_writer_kv_begin(w, GT_REC_PCI, 2);
	trace_writer_kv_str(w, "bdf", "0000:0a:00.0");
	trace_writer_kv_str(w, "driver", "fancygpu");
	trace_writer_kv_end(w);
	trace_writer_kv_begin(w, GT_REC_PROCESS, 3);
	trace_writer_kv_s64(w, "pid", 5120);
	trace_writer_kv_add(w, "cmdline", cmd, sizeof(cmd));
	trace_writer_kv_str(w, "exe", "/home/alice/hook.pl");
	trace_writer_kv_end(w);
	memset(&ex, 0, sizeof(ex));
	ex.hdr.kind = GT_EV_EXEC;
	ex.hdr.ts_ns = 4;
	ex.hdr.task.pid = 5121;
	strcpy(ex.hdr.task.comm, HOST);	/* cut to 15 bytes, as the kernel does */
	ex.hdr.task.comm[15] = 0;
	strcpy(ex.hdr.task.unit, "session-3.scope");
	strcpy(ex.filename, "/home/alice/hook.pl");
	memcpy(ex.args, args, sizeof(args));
	ex.args_len = sizeof(args);
	ex.hdr.size = offsetof(struct gt_exec_event, args) + ex.args_len;
	assert_int_equal(trace_writer_append(w, GT_REC_EVENT, &ex, ex.hdr.size), 0);
	assert_int_equal(trace_writer_close(w), 0);

	redact_add_user(r, "alice", "/home/alice");
	assert_int_equal(redact_trace_learn(r, in, err, sizeof(err)), 0);
	assert_int_equal(redact_trace_rewrite(r, in, out, err, sizeof(err)), 0);

	tr = trace_reader_open(out, err, sizeof(err));
	assert_non_null(tr);
	while (trace_reader_next(tr, &rec) == 1) {
		assert_null(memmem(rec.data, rec.len, "alice", 5));
		assert_null(memmem(rec.data, rec.len, "secret-host", 11));
		assert_null(memmem(rec.data, rec.len, "s3cr3t", 6));
		if (rec.type == GT_REC_HEADER) {
			assert_string_equal(kv_get(&rec, "hostname", buf, sizeof(buf)), "host-1");
			assert_string_equal(kv_get(&rec, "kernel_release", buf, sizeof(buf)), "6.1.0");
			kinds |= 1;
		} else if (rec.type == GT_REC_PCI) {
			assert_string_equal(kv_get(&rec, "driver", buf, sizeof(buf)), "fancygpu");
			kinds |= 2;
		} else if (rec.type == GT_REC_PROCESS) {
			assert_string_equal(kv_get(&rec, "exe", buf, sizeof(buf)), "/home/user-1/hook.pl");
			kinds |= 4;
		} else if (rec.type == GT_REC_EVENT) {
			assert_int_equal(event_decode(rec.data, rec.len, &ev), GT_EV_EXEC);
			assert_string_equal(ev.exec.filename, "/home/user-1/hook.pl");
			assert_int_equal(ev.hdr.task.pid, 5121);
			assert_string_equal(ev.hdr.task.unit, "session-3.scope");
			assert_int_equal(ev.exec.args_len, rec.len - offsetof(struct gt_exec_event, args));
			assert_memory_equal(ev.exec.args, "/home/user-1/hook.pl\0" "111\0post-stop\0--token=<arg-",
					    sizeof("/home/user-1/hook.pl\0" "111\0post-stop\0--token=<arg-") - 1);
			kinds |= 8;
		}
	}
	assert_null(trace_reader_error(tr));
	trace_reader_close(tr);
	assert_int_equal(kinds, 15);

	/* a file that is not a trace: a clear error */
	tree_put(&t, "/junk", "not a trace");
	assert_int_equal(redact_trace_learn(r, tree_at(&t, "/junk"), err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not a gputrace trace"));
	redact_free(r);
	tree_remove(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_whole_words),
		cmocka_unit_test(test_json_keys_kept),
		cmocka_unit_test(test_argv_rules),
		cmocka_unit_test(test_learn_system),
		cmocka_unit_test(test_trace_rewrite),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
