// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Decoding kernel events as stored in traces: sizes from older or newer
 * recorders, bogus lengths, and how paths and written values are shown. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "trace/event_decode.h"

static struct gt_sysfs_write make_write(const char *const *leaf_first, int depth,
					const char *data, size_t len)
{
	struct gt_sysfs_write w;

	memset(&w, 0, sizeof(w));
	w.hdr.kind = GT_EV_SYSFS_WRITE;
	w.hdr.size = sizeof(w);
	for (int i = 0; i < depth; i++)
		strcpy(w.path[i], leaf_first[i]);
	w.depth = depth;
	memcpy(w.data, data, len);
	w.data_len = len;
	return w;
}

static void test_path_joined_root_first(void **state)
{
	const char *p[] = { "bind", "vfio-pci", "drivers", "pci", "bus" };
	struct gt_sysfs_write w = make_write(p, 5, "x", 1);
	char buf[256];

	sysfs_write_path(&w, buf, sizeof(buf));
	assert_string_equal(buf, "/sys/bus/pci/drivers/vfio-pci/bind");
	assert_string_equal(sysfs_write_attr(&w), "bind");
	w.path_truncated = 1;
	sysfs_write_path(&w, buf, sizeof(buf));
	assert_string_equal(buf, "/sys/.../bus/pci/drivers/vfio-pci/bind");
	sysfs_write_path(&w, buf, 13);		/* cut to fit, as snprintf would */
	assert_string_equal(buf, "/sys/.../bus");
}

static void test_value_newline_rules(void **state)
{
	const char *p[] = { "driver_override" };
	char buf[64];
	struct gt_sysfs_write w = make_write(p, 1, "vfio-pci\n", 9);

	sysfs_write_value(&w, buf, sizeof(buf));
	assert_string_equal(buf, "vfio-pci");		/* echo's newline dropped */
	w = make_write(p, 1, "\n", 1);
	sysfs_write_value(&w, buf, sizeof(buf));
	assert_string_equal(buf, "\\n");		/* a clear stays visible */
	w = make_write(p, 1, "a\x01\\", 3);
	sysfs_write_value(&w, buf, sizeof(buf));
	assert_string_equal(buf, "a\\x01\\x5c");
}

/* Only the used path components are emitted: the decoder zero-fills. */
static void test_short_event_zero_filled(void **state)
{
	const char *p[] = { "unbind", "bochs-drm", "drivers", "pci", "bus" };
	struct gt_sysfs_write w = make_write(p, 5, "0000:00:05.0", 12);
	size_t emitted = offsetof(struct gt_sysfs_write, path) + 5 * GT_NAME_LEN;
	union gt_event_any ev;
	char buf[256];

	memset(&ev, 0xaa, sizeof(ev));
	assert_int_equal(event_decode(&w, emitted, &ev), GT_EV_SYSFS_WRITE);
	assert_int_equal(ev.write.depth, 5);
	assert_int_equal(ev.write.path[5][0], 0);
	sysfs_write_path(&ev.write, buf, sizeof(buf));
	assert_string_equal(buf, "/sys/bus/pci/drivers/bochs-drm/unbind");
}

static void test_bogus_lengths_clamped(void **state)
{
	struct gt_exec_event e;
	struct gt_sysfs_write w;
	union gt_event_any ev;

	memset(&e, 0, sizeof(e));
	e.hdr.kind = GT_EV_EXEC;
	e.args_len = 1u << 30;
	assert_int_equal(event_decode(&e, sizeof(e), &ev), GT_EV_EXEC);
	assert_true(ev.exec.args_len <= GT_ARGS_MAX);

	memset(&w, 0, sizeof(w));
	w.hdr.kind = GT_EV_SYSFS_WRITE;
	w.depth = 200;
	w.data_len = 255;
	assert_int_equal(event_decode(&w, sizeof(w), &ev), GT_EV_SYSFS_WRITE);
	assert_true(ev.write.depth <= GT_PATH_DEPTH);
	assert_true(ev.write.data_len <= GT_DATA_MAX);
}

static void test_too_short_and_unknown(void **state)
{
	struct gt_event_header h = { .kind = 99, .size = sizeof(h) };
	union gt_event_any ev;

	assert_int_equal(event_decode(&h, sizeof(h) - 1, &ev), -1);
	/* a newer recorder's kind: returned, header intact, body ignored */
	assert_int_equal(event_decode(&h, sizeof(h), &ev), 99);
	assert_string_equal(event_kind_name(99), "unknown");
}

/* The function a write is about, from a sysfs path written root first. */
static void device_of(const char *path, const char *value, char bdf[32])
{
	const char *parts[GT_PATH_DEPTH];
	char copy[512], *save, *c;
	struct gt_sysfs_write w;
	int n = 0;
	bool found;

	snprintf(copy, sizeof(copy), "%s", path + strlen("/sys/"));
	for (c = strtok_r(copy, "/", &save); c && n < GT_PATH_DEPTH; c = strtok_r(NULL, "/", &save))
		parts[n++] = c;
	for (int i = 0; i < n / 2; i++) {
		const char *t = parts[i];

		parts[i] = parts[n - 1 - i];
		parts[n - 1 - i] = t;
	}
	w = make_write(parts, n, value, strlen(value));
	found = sysfs_write_device(&w, bdf, 32);
	assert_int_equal(found, bdf[0] != 0);
}

static void test_write_device(void **state)
{
	static const struct {
		const char *path, *value, *want;
	} cases[] = {
		/* below a bridge: the function's, not the bridge's */
		{ "/sys/devices/pci0000:00/0000:00:01.0/0000:0a:00.0/driver_override", "vfio-pci\n",
		  "0000:0a:00.0" },
		/* in the function's own directory, and deeper */
		{ "/sys/devices/pci0000:00/0000:00:01.0/reset", "1", "0000:00:01.0" },
		{ "/sys/devices/pci0000:00/0000:00:01.0/0000:0a:00.0/power/control", "auto", "0000:0a:00.0" },
		{ "/sys/devices/pci10000:00/10000:00:02.0/10000:01:00.0/remove", "1", "10000:01:00.0" },
		/* a path naming one wins over the value */
		{ "/sys/devices/pci0000:00/0000:00:01.0/0000:0a:00.0/driver_override", "0000:0b:00.0",
		  "0000:0a:00.0" },
		/* the attributes that take a function's name: the value */
		{ "/sys/bus/pci/drivers/vfio-pci/bind", "0000:0a:00.0\n", "0000:0a:00.0" },
		{ "/sys/bus/pci/drivers/nouveau/unbind", "0000:0a:00.1", "0000:0a:00.1" },
		{ "/sys/bus/pci/drivers_probe", "0000:0a:00.0\n", "0000:0a:00.0" },
		/* what the kernel would not take as a name names none */
		{ "/sys/bus/pci/drivers/vfio-pci/bind", "0a:00.0", "" },
		{ "/sys/bus/pci/drivers/vfio-pci/bind", "0000:0A:00.0", "" },
		{ "/sys/bus/pci/drivers/vfio-pci/bind", "0000:0a:00.0\n\n", "" },
		/* ids, a bus, a name written where no name is read: no function */
		{ "/sys/bus/pci/drivers/vfio-pci/new_id", "10de 1b80", "" },
		{ "/sys/devices/pci0000:00/pci_bus/0000:00/rescan", "1", "" },
		{ "/sys/module/vfio_pci/parameters/ids", "0000:0a:00.0", "" },
	};
	char bdf[32];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		device_of(cases[i].path, cases[i].value, bdf);
		assert_string_equal(bdf, cases[i].want);
	}
}

/* Exits as each format wrote them: before 1.2 one __u32 count of at most 8
 * named children; since, a __u16 of named ones (at most GT_ORPHANS_MAX) and
 * a __u16 of all the children seen, up to the kernel walk's bound. */
static void test_exit_children_named_and_unnamed(void **state)
{
	unsigned char old[offsetof(struct gt_exit_event, orphans) + 3 * sizeof(__u32)] = { 0 };
	struct gt_exit_event e = { 0 };
	uint32_t n_old = 3;
	union gt_event_any ev;
	bool at_least = true;

	/* 1.1: n_orphans as a little-endian __u32 (the high half 0) */
	((struct gt_event_header *)old)->kind = GT_EV_EXIT;
	memcpy(old + offsetof(struct gt_exit_event, n_orphans), &n_old, sizeof(n_old));
	assert_int_equal(event_decode(old, sizeof(old), &ev), GT_EV_EXIT);
	assert_int_equal(ev.exit.n_orphans, 3);
	assert_int_equal(exit_unnamed_children(&ev.exit, &at_least), 0);
	assert_false(at_least);

	/* 40 children, 32 named: 8 unnamed */
	e.hdr.kind = GT_EV_EXIT;
	e.n_orphans = GT_ORPHANS_MAX;
	e.n_children = 40;
	assert_int_equal(event_decode(&e, sizeof(e), &ev), GT_EV_EXIT);
	assert_int_equal(exit_unnamed_children(&ev.exit, &at_least), 40 - GT_ORPHANS_MAX);
	assert_false(at_least);
	/* the walk's bound: "at least" */
	e.n_children = GT_CHILDREN_SEEN_MAX;
	assert_int_equal(event_decode(&e, sizeof(e), &ev), GT_EV_EXIT);
	assert_int_equal(exit_unnamed_children(&ev.exit, &at_least), GT_CHILDREN_SEEN_MAX - GT_ORPHANS_MAX);
	assert_true(at_least);
	/* a count of named ones past what the record holds is cut to it, and
	 * the unnamed ones grow by as many */
	e.n_orphans = 30;
	e.n_children = 30;
	assert_int_equal(event_decode(&e, offsetof(struct gt_exit_event, orphans) + 10 * sizeof(__u32), &ev),
			 GT_EV_EXIT);
	assert_int_equal(ev.exit.n_orphans, 10);
	assert_int_equal(exit_unnamed_children(&ev.exit, &at_least), 20);
}

static void test_exit_status_text(void **state)
{
	char buf[64];

	exit_status_str(3 << 8, buf, sizeof(buf));
	assert_string_equal(buf, "exited 3");
	exit_status_str(9, buf, sizeof(buf));
	assert_string_equal(buf, "killed by SIGKILL");
	exit_status_str(11 | 0x80, buf, sizeof(buf));
	assert_string_equal(buf, "killed by SIGSEGV (core dumped)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_joined_root_first),
		cmocka_unit_test(test_value_newline_rules),
		cmocka_unit_test(test_short_event_zero_filled),
		cmocka_unit_test(test_bogus_lengths_clamped),
		cmocka_unit_test(test_too_short_and_unknown),
		cmocka_unit_test(test_write_device),
		cmocka_unit_test(test_exit_status_text),
		cmocka_unit_test(test_exit_children_named_and_unnamed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
