// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The options every command shares (src/cmd/cmd_opts.c): what they set,
 * what comes back to the command, and the one line a bad option gets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "cmd/cmd_opts.h"
#include "util.h"

static int usage_calls;

static void fake_usage(FILE *out)
{
	usage_calls++;
	fprintf(out, "Usage: gputrace thing\n");
}

static const struct option thing_opts[] = {
	{ "device", required_argument, NULL, 'd' },
	{ "all", no_argument, NULL, 'A' },
	{ 0 }
};

/* What a command run with ARGV did: its options, what stdout and stderr
 * got, and the last value cmd_opts_next returned. */
struct run {
	struct cmd_opts o;
	char out[2048], err[2048];
	int last;
	int d_seen, A_seen;
	const char *device;
	int first_operand;
};

static void slurp_fd(int fd, char *buf, size_t size)
{
	ssize_t n = pread(fd, buf, size - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
}

static void run_opts(struct run *r, unsigned common, char **argv)
{
	int argc = 0, c, saved_out = dup(STDOUT_FILENO), saved_err = dup(STDERR_FILENO);
	FILE *out = tmpfile(), *err = tmpfile();

	while (argv[argc])
		argc++;
	memset(r, 0, sizeof(*r));
	fflush(stdout);
	fflush(stderr);
	dup2(fileno(out), STDOUT_FILENO);
	dup2(fileno(err), STDERR_FILENO);
	cmd_opts_init(&r->o, "thing", fake_usage, common, "d:", thing_opts);
	while ((c = cmd_opts_next(&r->o, argc, argv)) >= 0) {
		if (c == 'd') {
			r->d_seen++;
			r->device = optarg;
		} else if (c == 'A') {
			r->A_seen++;
		}
	}
	r->last = c;
	r->first_operand = optind;
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, STDOUT_FILENO);
	dup2(saved_err, STDERR_FILENO);
	close(saved_out);
	close(saved_err);
	slurp_fd(fileno(out), r->out, sizeof(r->out));
	slurp_fd(fileno(err), r->err, sizeof(r->err));
	fclose(out);
	fclose(err);
}

static void test_own_and_shared_options(void **state)
{
	char *argv[] = { "thing", "trace.gtrace", "-d", "0a:00.0", "--all", "--root", "/srv/t", "-p", NULL };
	struct run r;

	run_opts(&r, CMD_JSON | CMD_ROOT, argv);
	assert_int_equal(r.last, -1);
	assert_int_equal(r.d_seen, 1);
	assert_string_equal(r.device, "0a:00.0");
	assert_int_equal(r.A_seen, 1);
	assert_true(r.o.json);
	assert_true(r.o.pretty);
	assert_string_equal(r.o.root, "/srv/t");
	assert_string_equal(r.err, "");
	/* operands come last, whatever order they were given in */
	assert_int_equal(r.first_operand, 7);
	assert_string_equal(argv[7], "trace.gtrace");

	run_opts(&r, CMD_JSON, (char *[]){ "thing", "-j", NULL });
	assert_true(r.o.json);
	assert_false(r.o.pretty);
}

static void test_help_stops_with_zero(void **state)
{
	struct run r;

	usage_calls = 0;
	run_opts(&r, CMD_JSON, (char *[]){ "thing", "--help", "--no-such", NULL });
	assert_int_equal(r.last, CMD_OPTS_STOP);
	assert_int_equal(r.o.exit, EXIT_OK);
	assert_int_equal(usage_calls, 1);
	assert_string_equal(r.out, "Usage: gputrace thing\n");
	assert_string_equal(r.err, "");
}

/* Each refusal: exit 2, exactly the one line, never the help. */
static void assert_refused(unsigned common, char **argv, const char *line)
{
	struct run r;

	usage_calls = 0;
	run_opts(&r, common, argv);
	assert_int_equal(r.last, CMD_OPTS_STOP);
	assert_int_equal(r.o.exit, EXIT_USAGE);
	assert_int_equal(usage_calls, 0);
	assert_string_equal(r.out, "");
	assert_string_equal(r.err, line);
}

static void test_bad_options_one_line(void **state)
{
	assert_refused(CMD_JSON, (char *[]){ "thing", "--bogus=1", NULL },
		       "gputrace: thing: unknown option '--bogus'; try 'gputrace thing --help'\n");
	assert_refused(CMD_JSON, (char *[]){ "thing", "-jx", NULL },
		       "gputrace: thing: unknown option '-x'; try 'gputrace thing --help'\n");
	/* inside a cluster, after a long option: the letter, not the word before */
	assert_refused(CMD_JSON, (char *[]){ "thing", "--json", "-xj", NULL },
		       "gputrace: thing: unknown option '-x'; try 'gputrace thing --help'\n");
	assert_refused(CMD_JSON, (char *[]){ "thing", "-d", NULL },
		       "gputrace: thing: option '-d' needs a value; try 'gputrace thing --help'\n");
	assert_refused(CMD_JSON, (char *[]){ "thing", "--device", NULL },
		       "gputrace: thing: option '--device' needs a value; try 'gputrace thing --help'\n");
	assert_refused(CMD_JSON, (char *[]){ "thing", "--all=yes", NULL },
		       "gputrace: thing: option '--all' takes no value; try 'gputrace thing --help'\n");
	/* a shared option the command does not take is unknown to it */
	assert_refused(0, (char *[]){ "thing", "-j", NULL },
		       "gputrace: thing: unknown option '-j'; try 'gputrace thing --help'\n");
	assert_refused(CMD_JSON, (char *[]){ "thing", "--root", "/", NULL },
		       "gputrace: thing: unknown option '--root'; try 'gputrace thing --help'\n");
	assert_refused(CMD_COLOR, (char *[]){ "thing", "--color=sometimes", NULL },
		       "gputrace: thing: --color takes auto, always or never, not 'sometimes'; "
		       "try 'gputrace thing --help'\n");
}

/* An empty value is a forgotten one, however it was given. */
static void test_empty_value_refused(void **state)
{
	static const char line[] = "gputrace: thing: option '--device' needs a value, not an empty one; "
				   "try 'gputrace thing --help'\n";

	assert_refused(CMD_JSON, (char *[]){ "thing", "--device=", NULL }, line);
	assert_refused(CMD_JSON, (char *[]){ "thing", "--device", "", NULL }, line);
	assert_refused(CMD_JSON, (char *[]){ "thing", "-d", "", NULL },
		       "gputrace: thing: option '-d' needs a value, not an empty one; "
		       "try 'gputrace thing --help'\n");
	assert_refused(CMD_ROOT, (char *[]){ "thing", "--root", "", NULL },
		       "gputrace: thing: option '--root' needs a value, not an empty one; "
		       "try 'gputrace thing --help'\n");
}

/* The one number reader of the commands: what strtoul and strtod would
 * let through (a sign, a space, hex, inf, overflow) is refused. */
static void test_numbers_checked(void **state)
{
	static const char *const bad_uint[] = { "", " 5", "+5", "-5", "0x10", "5k", "1.5",
						"99999999999999999999", "18446744073709551616" };
	static const char *const bad_number[] = { "", " 1", "-1", "+1", "inf", "nan", "0x1p4", "1e400",
						  "1..2", "5s", ".", "e5" };
	unsigned long long n = 7;
	double v = 7;

	for (size_t i = 0; i < sizeof(bad_uint) / sizeof(bad_uint[0]); i++)
		if (cmd_parse_uint(bad_uint[i], 0, ~0ull, &n))
			fail_msg("'%s' read as a whole number", bad_uint[i]);
	assert_int_equal(n, 7);	/* untouched when refused */
	assert_true(cmd_parse_uint("18446744073709551615", 0, ~0ull, &n));
	assert_true(n == ~0ull);
	assert_true(cmd_parse_uint("1024", 1, 1024, &n));
	assert_false(cmd_parse_uint("1025", 1, 1024, &n));
	assert_false(cmd_parse_uint("0", 1, 1024, &n));
	for (size_t i = 0; i < sizeof(bad_number) / sizeof(bad_number[0]); i++)
		if (cmd_parse_number(bad_number[i], 0, 1e12, &v))
			fail_msg("'%s' read as a number", bad_number[i]);
	assert_true(v == 7);
	assert_true(cmd_parse_number("0.5", 0, 1e9, &v) && v == 0.5);
	assert_true(cmd_parse_number("1e3", 0, 1e9, &v) && v == 1000);
	assert_true(cmd_parse_number(".5", 0, 1e9, &v) && v == 0.5);
	assert_false(cmd_parse_number("99999999999999999999", 0, 1e9, &v));
}

static void test_color(void **state)
{
	struct run r;

	run_opts(&r, CMD_COLOR | CMD_JSON, (char *[]){ "thing", "--color=always", NULL });
	assert_true(r.o.color);
	run_opts(&r, CMD_COLOR | CMD_JSON, (char *[]){ "thing", "--color", "never", NULL });
	assert_false(r.o.color);
	/* JSON is never coloured */
	run_opts(&r, CMD_COLOR | CMD_JSON, (char *[]){ "thing", "--color=always", "-j", NULL });
	assert_false(r.o.color);
	/* auto: stdout here is a file, not a terminal */
	run_opts(&r, CMD_COLOR, (char *[]){ "thing", NULL });
	assert_false(r.o.color);
}

/* cmd_err as the command's options ask: text on stderr, or one JSON
 * object on stdout; cmd_usage_err always the one stderr line. */
static void test_errors_follow_the_output_mode(void **state)
{
	struct run r;
	int saved = dup(STDOUT_FILENO), saved_err = dup(STDERR_FILENO);
	FILE *out = tmpfile(), *err = tmpfile();
	char buf[512];

	run_opts(&r, CMD_JSON, (char *[]){ "thing", "-j", NULL });
	fflush(stdout);
	dup2(fileno(out), STDOUT_FILENO);
	dup2(fileno(err), STDERR_FILENO);
	cmd_err("%s: \"bad\"\tchunk", "f.gtrace");
	assert_int_equal(cmd_usage_err("takes one file"), EXIT_USAGE);
	cmd_opts_set_json(&r.o, false, false);
	cmd_err("plain");
	fflush(stdout);
	fflush(stderr);
	dup2(saved, STDOUT_FILENO);
	dup2(saved_err, STDERR_FILENO);
	close(saved);
	close(saved_err);
	slurp_fd(fileno(out), buf, sizeof(buf));
	assert_string_equal(buf, "{\"error\":\"f.gtrace: \\\"bad\\\"\\tchunk\"}\n");
	slurp_fd(fileno(err), buf, sizeof(buf));
	assert_string_equal(buf, "gputrace: thing: takes one file; try 'gputrace thing --help'\n"
				 "gputrace: plain\n");
	fclose(out);
	fclose(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_own_and_shared_options),
		cmocka_unit_test(test_help_stops_with_zero),
		cmocka_unit_test(test_bad_options_one_line),
		cmocka_unit_test(test_empty_value_refused),
		cmocka_unit_test(test_numbers_checked),
		cmocka_unit_test(test_color),
		cmocka_unit_test(test_errors_follow_the_output_mode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
