// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* gputrace guard's events as the rest of the tool reads them: the phrase
 * for a denial, and the report's rebind_denied findings from a guard's
 * trace. (The denying itself is proved in the lab: tests/lab/scenarios/
 * guard-*.sh.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "findings/report.h"
#include "render/features_render.h"
#include "render/record_render.h"
#include "report_builder.h"
#include "trace/event_decode.h"
#include "util.h"

static struct gt_guard_event denial(int action, const char *dir, const char *value,
				    const char *device, bool enforced)
{
	struct gt_guard_event g = { .action = action, .enforced = enforced,
				    .err = enforced ? -1 : 0, .value_seen = value != NULL };

	strlcpy0(g.dir, dir, sizeof(g.dir));
	strlcpy0(g.device, device, sizeof(g.device));
	strlcpy0(g.host_driver, "nouveau", sizeof(g.host_driver));
	if (value)
		strlcpy0(g.value, value, sizeof(g.value));
	return g;
}

static void test_what_each_action_says(void **state)
{
	struct gt_guard_event g;
	char buf[256];

	g = denial(GT_GUARD_OVERRIDE, GPU, "vfio-pci", GPU, true);
	guard_event_what(&g, buf, sizeof(buf));
	assert_string_equal(buf, "driver_override=\"vfio-pci\" on " GPU);
	g = denial(GT_GUARD_UNBIND, "nouveau", GPU, GPU, true);
	guard_event_what(&g, buf, sizeof(buf));
	assert_string_equal(buf, "unbind \"" GPU "\" from nouveau");
	g = denial(GT_GUARD_NEW_ID, "vfio-pci", "10de 1b80", "", true);
	guard_event_what(&g, buf, sizeof(buf));
	assert_string_equal(buf, "new_id \"10de 1b80\" to vfio-pci");
	g = denial(GT_GUARD_BIND, "vfio-pci", NULL, "", true);
	guard_event_what(&g, buf, sizeof(buf));
	assert_string_equal(buf, "bind \"(value not seen)\" to vfio-pci");
	g = denial(GT_GUARD_REMOVE, GPU, "1", GPU, true);
	guard_event_what(&g, buf, sizeof(buf));
	assert_string_equal(buf, "remove of " GPU);
}

static void test_value_control_bytes_are_masked(void **state)
{
	struct gt_guard_event g = denial(GT_GUARD_OVERRIDE, GPU, "vfio\x1b[2J", GPU, true);
	char buf[256];

	guard_event_what(&g, buf, sizeof(buf));
	assert_string_equal(buf, "driver_override=\"vfio?[2J\" on " GPU);
}

static void add_guard_event(struct tb *b, double ms, const struct gt_task *t, struct gt_guard_event g)
{
	tb_hdr(&g.hdr, GT_EV_GUARD, sizeof(g), ms, t);
	trace_writer_append(b->w, GT_REC_EVENT, &g, sizeof(g));
}

/* A guard event from a stranger's trace: its device, driver directory, host
 * driver and unit are printed escaped by `dump`, like every other event. */
static void test_dump_escapes_guard_event(void **state)
{
	struct gt_task t = tb_task(700, "gpu-watchdog", 1, "systemd", 0);
	struct gt_guard_event g = denial(GT_GUARD_UNBIND, "nou\x1b[2J", GPU, GPU, true);
	struct trace_clock c = { 0 };
	struct trace_record rec;
	struct trace_reader *r;
	char *out = NULL;
	size_t len = 0;
	FILE *fp;
	struct tb b;

	strlcpy0(g.host_driver, "nv\r", sizeof(g.host_driver));
	strcpy(t.unit, "u\x07.service");
	tb_open(&b, dir, "hostile-guard.gtrace", "guard");
	add_guard_event(&b, 100, &t, g);
	tb_close(&b);
	r = trace_reader_open(b.path, NULL, 0);
	assert_non_null(r);
	fp = open_memstream(&out, &len);
	while (trace_reader_next(r, &rec) == 1)
		if (rec.type == GT_REC_EVENT)
			render_record_text(fp, &rec, &c);
	fclose(fp);
	trace_reader_close(r);
	assert_null(strpbrk(out, "\x1b\x07\r"));
	assert_non_null(strstr(out, "nou\\x1b[2J"));
	assert_non_null(strstr(out, "(guarded on nv\\r)"));
	assert_non_null(strstr(out, "unit=u\\x07.service"));
	assert_int_equal(strchr(out, '\n') - out + 1, strlen(out));
	free(out);
}

static char *guard_text(const struct gt_guard_event *g, const char *argv, size_t argv_len)
{
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);

	render_guard_text(fp, g, 0, argv, argv_len);
	fclose(fp);
	return out;
}

/* The guard's own line, as the lab's checks read it: the write, then the
 * writer's pid, comm, whole argv, ancestry and unit. */
static void test_guard_line(void **state)
{
	static const char argv[] = "/usr/local/bin/gpu-watchdog\0" GPU "\0";
	struct gt_guard_event g = denial(GT_GUARD_OVERRIDE, GPU, "vfio-pci", GPU, true);
	char *out;

	g.hdr.task = tb_task(700, "gpu-watchdog", 705, "(udev-worker)", 1, "systemd", 0);
	out = guard_text(&g, argv, sizeof(argv) - 1);
	assert_non_null(strstr(out, " DENIED driver_override=\"vfio-pci\" on " GPU " (guarded on "
			       "nouveau) = EPERM: pid 700 gpu-watchdog, argv \"/usr/local/bin/"
			       "gpu-watchdog " GPU "\", ancestry (udev-worker)[705] < systemd[1], "
			       "unit -\n"));
	free(out);
	/* a dry run, no argv (the writer was gone), no ancestors */
	g = denial(GT_GUARD_REMOVE, GPU, "1", GPU, false);
	g.hdr.task = tb_task(42, "pci-reprobe", 0);
	strcpy(g.hdr.task.unit, "reprobe.service");
	out = guard_text(&g, NULL, 0);
	assert_non_null(strstr(out, " WOULD DENY remove of " GPU " (guarded on nouveau) = passed "
			       "(dry run): pid 42 pci-reprobe, ancestry, unit reprobe.service\n"));
	free(out);
}

/* Whatever the writer set of itself (comm, argv, ancestors' comms, unit)
 * and the driver names reach the terminal escaped, on one line. */
static void test_guard_line_escapes(void **state)
{
	static const char argv[] = "rogue\0\x1b[2J\0a\nb\0";
	struct gt_guard_event g = denial(GT_GUARD_UNBIND, "nou\x1b]0;x", GPU, GPU, true);
	char *out;

	g.hdr.task = tb_task(700, "dog\r", 1, "sys\x07", 0);
	strcpy(g.hdr.task.unit, "u\x1b.service");
	strlcpy0(g.host_driver, "nv\r", sizeof(g.host_driver));
	out = guard_text(&g, argv, sizeof(argv) - 1);
	assert_null(strpbrk(out, "\x1b\x07\r"));
	assert_string_equal(strchr(out, '\n'), "\n");	/* one line */
	assert_non_null(strstr(out, "(guarded on nv\\r)"));
	assert_non_null(strstr(out, "pid 700 dog\\r, argv \"rogue \\x1b[2J a\\nb\""));
	assert_non_null(strstr(out, "ancestry sys\\x07[1], unit u\\x1b.service"));
	free(out);
}

static void test_guard_json(void **state)
{
	static const char argv[] = "driverctl\0set-override\0";
	struct gt_guard_event g = denial(GT_GUARD_OVERRIDE, GPU, "vfio-pci", GPU, true);
	struct json_writer *w;
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);

	g.hdr.task = tb_task(710, "driverctl", 1, "systemd", 0);
	w = json_new(fp, false);
	render_guard_json(w, &g, 0, argv, sizeof(argv) - 1);
	json_free(w);
	fclose(fp);
	assert_non_null(strstr(out, "\"time\":\"1970-01-01T00:00:00.000000Z\""));
	assert_non_null(strstr(out, "\"action\":\"driver_override\",\"denied\":true,\"err\":-1,"
			       "\"what\":\"driver_override=\\\"vfio-pci\\\" on " GPU "\""));
	assert_non_null(strstr(out, "\"device\":\"" GPU "\",\"host_driver\":\"nouveau\","
			       "\"pid\":710,\"comm\":\"driverctl\",\"argv\":[\"driverctl\","
			       "\"set-override\"],\"ancestry\":[{\"pid\":1,\"comm\":\"systemd\"}],"
			       "\"unit\":\"\"}"));
	free(out);
}

static void test_denials_are_findings(void **state)
{
	struct gt_task dog = tb_task(700, "gpu-watchdog", 1, "systemd", 0);
	struct gt_task dctl = tb_task(710, "driverctl", 705, "(udev-worker)", 1, "systemd", 0);
	struct run r = { 0 };
	struct report rep;
	const struct finding *f;

	tb_open(&r.b, dir, "guard.gtrace", "guard");
	tb_pci(&r.b, GPU, "10de", "1b80", "nouveau");
	add_guard_event(&r.b, 100, &dog, denial(GT_GUARD_OVERRIDE, GPU, "vfio-pci", GPU, true));
	add_guard_event(&r.b, 200, &dctl, denial(GT_GUARD_UNBIND, "nouveau", GPU, GPU, false));
	assert_int_equal(build(&r, NULL, &rep), 0);
	f = find(&rep, F_REBIND_DENIED, GPU);
	assert_non_null(f);
	assert_int_equal(f->severity, SEV_WARN);
	assert_true(f->has_culprit);
	assert_string_equal(f->culprit.comm, "gpu-watchdog");
	assert_int_equal(f->mech, MECH_OVERRIDE);
	assert_string_equal(f->driver_from, "nouveau");
	assert_string_equal(f->driver_to, "vfio-pci");
	assert_non_null(strstr(f->summary, "denied (EPERM)"));
	/* the dry run's would-be denial: INFO, the writer named */
	for (size_t i = 0; i < rep.f.n; i++)
		if (rep.f.v[i].kind == F_REBIND_DENIED && !strcmp(rep.f.v[i].culprit.comm, "driverctl")) {
			assert_int_equal(rep.f.v[i].severity, SEV_INFO);
			assert_int_equal(rep.f.v[i].mech, MECH_UNBIND_ONLY);
			f = NULL;
		}
	assert_null(f);
	report_free(&rep);
}

/* A watchdog that tries again every second: one finding that counts its
 * attempts and names the last, not one each; another program's attempt,
 * or the same program's on another write, stays its own. */
static void test_repeated_denials_counted(void **state)
{
	struct gt_task other = tb_task(900, "gpu-fixer", 1, "systemd", 0);
	struct run r = { 0 };
	struct report rep;
	size_t n_denied = 0;
	const struct finding *f = NULL;

	tb_open(&r.b, dir, "guard-loop.gtrace", "guard");
	tb_pci(&r.b, GPU, "10de", "1b80", "nouveau");
	for (int i = 0; i < 30; i++) {
		struct gt_task dog = tb_task(700 + i, "gpu-watchdog", 1, "systemd", 0);

		add_guard_event(&r.b, 1000 * (i + 1), &dog, denial(GT_GUARD_OVERRIDE, GPU, "vfio-pci", GPU, true));
		add_guard_event(&r.b, 1000 * (i + 1) + 10, &dog, denial(GT_GUARD_UNBIND, "nouveau", GPU, GPU, true));
	}
	add_guard_event(&r.b, 40000, &other, denial(GT_GUARD_OVERRIDE, GPU, "vfio-pci", GPU, true));
	assert_int_equal(build(&r, NULL, &rep), 0);
	for (size_t i = 0; i < rep.f.n; i++) {
		if (rep.f.v[i].kind != F_REBIND_DENIED)
			continue;
		n_denied++;
		if (!strcmp(rep.f.v[i].culprit.comm, "gpu-watchdog") && rep.f.v[i].mech == MECH_OVERRIDE)
			f = &rep.f.v[i];
	}
	assert_int_equal(n_denied, 3);	/* the watchdog's two writes, the fixer's */
	assert_non_null(f);
	assert_int_equal(f->repeats, 29);
	assert_int_equal(f->culprit.pid, 700);
	assert_int_equal(f->last_pid, 729);
	assert_non_null(strstr(f->summary, "; 30 times in all, the last by pid 729 at "));
	report_free(&rep);
}

/* features says what guard can do here: a dry run needs fentry when the
 * bpf LSM is off, and nothing works without either. */
static void test_features_says_what_guard_can_do(void **state)
{
	static const struct { bool lsm, fentry; const char *text, *json; } cases[] = {
		{ true, true, "(guard: can enforce)", "\"guard\":\"enforce\"" },
		{ false, true, "(guard: --dry-run only)", "\"guard\":\"dry-run\"" },
		{ false, false, "(guard: cannot run: no fentry for --dry-run either)", "\"guard\":\"none\"" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct gt_features f = { .bpf_lsm.ok = cases[i].lsm, .fentry.ok = cases[i].fentry };
		char *buf = NULL;
		size_t len = 0;
		FILE *fp = open_memstream(&buf, &len);

		features_render_text(fp, &f, GT_BACKEND_TRACEPOINT, "");
		features_render_json(fp, &f, GT_BACKEND_TRACEPOINT, "", false);
		fclose(fp);
		assert_non_null(strstr(buf, cases[i].text));
		assert_non_null(strstr(buf, cases[i].json));
		free(buf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_what_each_action_says),
		cmocka_unit_test(test_value_control_bytes_are_masked),
		cmocka_unit_test(test_dump_escapes_guard_event),
		cmocka_unit_test(test_guard_line),
		cmocka_unit_test(test_guard_line_escapes),
		cmocka_unit_test(test_guard_json),
		cmocka_unit_test(test_denials_are_findings),
		cmocka_unit_test(test_repeated_denials_counted),
		cmocka_unit_test(test_features_says_what_guard_can_do),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
