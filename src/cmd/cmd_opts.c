// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The options every command shares, and the two ways a command says what
 * went wrong (cmd_opts.h). */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd_opts.h"
#include "render/json_writer.h"
#include "util.h"

/* getopt values of the shared long-only options: above any char. */
enum { OPT_COLOR = 0x100, OPT_ROOT };

/* How the running command says errors: one command runs per process, and
 * its errors are said the way its options ask wherever they are found.
 * A copy, not a pointer to its cmd_opts, which may live in a function that
 * has returned. */
static struct {
	const char *name;
	bool json, pretty;
} say = { "COMMAND", false, false };

/* The table stays zero-terminated; a command with more options than it
 * holds is a mistake to see at once, not an option that silently is not. */
static void add_option(struct cmd_opts *o, size_t *n, const struct option *opt)
{
	if (*n + 1 >= CMD_OPTS_MAX) {
		gt_err("%s: more than %d options: raise CMD_OPTS_MAX", o->name, CMD_OPTS_MAX - 1);
		abort();
	}
	o->all[(*n)++] = *opt;
}

void cmd_opts_init(struct cmd_opts *o, const char *name, void (*usage)(FILE *out), unsigned common,
		   const char *shortopts, const struct option *own)
{
	static const struct option help = { "help", no_argument, NULL, 'h' },
		json = { "json", no_argument, NULL, 'j' }, pretty = { "pretty", no_argument, NULL, 'p' },
		color = { "color", required_argument, NULL, OPT_COLOR },
		root = { "root", required_argument, NULL, OPT_ROOT };
	size_t n = 0;

	memset(o, 0, sizeof(*o));
	o->name = name;
	o->usage = usage;
	o->common = common;
	o->exit = EXIT_USAGE;
	o->color_when = "auto";
	for (; own && own->name; own++)
		add_option(o, &n, own);
	add_option(o, &n, &help);
	if (common & CMD_JSON) {
		add_option(o, &n, &json);
		add_option(o, &n, &pretty);
	}
	if (common & CMD_COLOR)
		add_option(o, &n, &color);
	if (common & CMD_ROOT)
		add_option(o, &n, &root);
	/* ':' first: a missing value is told apart from an unknown option */
	snprintf(o->shortopts, sizeof(o->shortopts), ":%sh%s", shortopts ? shortopts : "",
		 common & CMD_JSON ? "jp" : "");
	say.name = name;
	say.json = say.pretty = false;
	optind = 0;	/* a fresh scan (GNU getopt: also resets its state) */
	opterr = 0;	/* our one line, not getopt's */
}

static void vsay(bool usage, const char *fmt, va_list ap)
{
	char msg[1024];
	struct json_writer *w;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (usage) {
		gt_err("%s: %s; try 'gputrace %s --help'", say.name, msg, say.name);
		return;
	}
	if (!say.json) {
		gt_err("%s", msg);
		return;
	}
	fflush(stdout);
	w = json_new(stdout, say.pretty);
	json_object_start(w);
	json_kv_str(w, "error", msg);
	json_object_end(w);
	json_free(w);
	fflush(stdout);
}

int cmd_usage_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(true, fmt, ap);
	va_end(ap);
	return EXIT_USAGE;
}

void cmd_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(false, fmt, ap);
	va_end(ap);
}

/* Does WORD ("--name" or "--name=value") name the long option with VAL? */
static bool names_long(const struct cmd_opts *o, const char *word, int val)
{
	size_t len = strcspn(word + 2, "=");

	for (const struct option *opt = o->all; opt->name; opt++)
		if (opt->val == val && !strncmp(opt->name, word + 2, len))
			return true;
	return false;
}

/* One line for what getopt refused (RET '?' or ':'), exit 2. The word is
 * argv[optind - 1] for a long option (getopt has moved past it); a short
 * one may sit inside a cluster (-jx), so it is named by optopt. */
static int bad_option(struct cmd_opts *o, int ret, char **argv)
{
	const char *word = optind > 0 ? argv[optind - 1] : "";
	bool is_long = !strncmp(word, "--", 2) && (!optopt || ret == ':' || names_long(o, word, optopt));
	char name[64];

	if (is_long)
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(word, "="), word);
	else
		snprintf(name, sizeof(name), "-%c", optopt);
	if (ret == ':')
		return cmd_usage_err("option '%s' needs a value", name);
	if (is_long && optopt)
		return cmd_usage_err("option '%s' takes no value", name);
	return cmd_usage_err("unknown option '%s'", is_long || optopt ? name : word);
}

void cmd_opts_set_json(struct cmd_opts *o, bool json, bool pretty)
{
	o->json = say.json = json;
	o->pretty = say.pretty = json && pretty;
}

static bool color_on(const char *when)
{
	const char *term = getenv("TERM"), *no_color = getenv("NO_COLOR");

	if (!strcmp(when, "always"))
		return true;
	if (!strcmp(when, "never"))
		return false;
	/* no-color.org: NO_COLOR set and not empty */
	return isatty(STDOUT_FILENO) && !(no_color && no_color[0]) && !(term && !strcmp(term, "dumb"));
}

/* An empty value ("--root ''", "--root=") is a value forgotten, never
 * one meant: said as such, not left to fail later as a path or a name. */
static bool empty_value(struct cmd_opts *o, int c, int idx)
{
	char name[64];

	if (!optarg || optarg[0] || c == '?' || c == ':')
		return false;
	if (idx >= 0)
		snprintf(name, sizeof(name), "--%s", o->all[idx].name);
	else
		snprintf(name, sizeof(name), "-%c", c);
	o->exit = cmd_usage_err("option '%s' needs a value, not an empty one", name);
	return true;
}

int cmd_opts_next(struct cmd_opts *o, int argc, char **argv)
{
	int c, idx = -1;

	while ((c = getopt_long(argc, argv, o->shortopts, o->all, &idx)) != -1) {
		if (empty_value(o, c, idx))
			return CMD_OPTS_STOP;
		idx = -1;
		switch (c) {
		case 'h':
			o->usage(stdout);
			o->exit = EXIT_OK;
			return CMD_OPTS_STOP;
		case 'j': cmd_opts_set_json(o, true, o->pretty); break;
		case 'p': cmd_opts_set_json(o, true, true); break;
		case OPT_ROOT: o->root = optarg; break;
		case OPT_COLOR:
			if (strcmp(optarg, "auto") && strcmp(optarg, "always") && strcmp(optarg, "never")) {
				o->exit = cmd_usage_err("--color takes auto, always or never, not '%s'", optarg);
				return CMD_OPTS_STOP;
			}
			o->color_when = optarg;
			break;
		case '?':
		case ':':
			o->exit = bad_option(o, c, argv);
			return CMD_OPTS_STOP;
		default:
			return c;
		}
	}
	o->color = !o->json && color_on(o->color_when);
	return -1;
}

bool cmd_parse_uint(const char *arg, unsigned long long min, unsigned long long max,
		    unsigned long long *out)
{
	unsigned long long n;

	/* strtoull alone takes " 5", "+5", "-5" (as a huge number) and 0x10 */
	if (!arg[0] || strspn(arg, "0123456789") != strlen(arg))
		return false;
	errno = 0;
	n = strtoull(arg, NULL, 10);
	if (errno == ERANGE || n < min || n > max)
		return false;
	*out = n;
	return true;
}

bool cmd_parse_number(const char *arg, double min, double max, double *out)
{
	char *end;
	double v;

	/* strtod alone takes " 5", "inf", "nan" and 0x1p4 */
	if (!((arg[0] >= '0' && arg[0] <= '9') || arg[0] == '.') ||
	    strspn(arg, "0123456789.eE+-") != strlen(arg))
		return false;
	errno = 0;
	v = strtod(arg, &end);
	if (*end || errno == ERANGE || !isfinite(v) || v < min || v > max)
		return false;
	*out = v;
	return true;
}
