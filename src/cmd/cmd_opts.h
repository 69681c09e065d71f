/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The part of the command line every command shares, read one way:
 * -h/--help always, and where a command takes them -j/--json, -p/--pretty,
 * --color WHEN and --root DIR. One way to say what went wrong, too:
 *   - a usage error (exit 2): one line on stderr that ends in
 *     "try 'gputrace CMD --help'", never the whole help;
 *   - any other error (exit 1): one line on stderr, or under -j/-p one
 *     {"error": "..."} object on stdout, so that a script reading JSON
 *     always reads JSON.
 */
#ifndef GPUTRACE_CMD_OPTS_H
#define GPUTRACE_CMD_OPTS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

/* Which shared options a command takes, besides -h/--help. */
enum {
	CMD_JSON = 1 << 0,	/* -j/--json (compact), -p/--pretty (indented) */
	CMD_COLOR = 1 << 1,	/* --color auto|always|never */
	CMD_ROOT = 1 << 2,	/* --root DIR: a copied system tree */
};

#define CMD_OPTS_MAX 40

struct cmd_opts {
	const char *name;		/* the command, for messages */
	void (*usage)(FILE *out);
	unsigned common;		/* CMD_* */
	/* what the shared options said */
	bool json, pretty;
	bool color;			/* --color against the terminal, NO_COLOR, TERM */
	const char *root;		/* NULL: not given */
	int exit;			/* what to return once cmd_opts_next gave CMD_OPTS_STOP */
	/* getopt's view: the command's options and the shared ones */
	const char *color_when;
	struct option all[CMD_OPTS_MAX];
	char shortopts[64];
};

#define CMD_OPTS_STOP (-2)

/* OWN: the command's options (ending in { 0 }, none may use 'j', 'p' or 'h'),
 * SHORTOPTS its short letters in getopt's form. */
void cmd_opts_init(struct cmd_opts *o, const char *name, void (*usage)(FILE *out), unsigned common,
		   const char *shortopts, const struct option *own);

/* The next of the command's own options (getopt_long's value, optarg set),
 * -1 after the last (optind: the first operand), or CMD_OPTS_STOP when the
 * command must return o->exit now: --help was printed (0), or a bad option
 * was said in one line (2). */
int cmd_opts_next(struct cmd_opts *o, int argc, char **argv);

/* JSON output (and errors) for a command that has another way to ask for
 * it than -j/-p (report --format json). */
void cmd_opts_set_json(struct cmd_opts *o, bool json, bool pretty);

/* A usage error: "gputrace: CMD: MESSAGE; try 'gputrace CMD --help'" on
 * stderr. Returns EXIT_USAGE. */
int cmd_usage_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Any other error: one line on stderr, or under -j/-p {"error": MESSAGE} on
 * stdout. The caller exits non-zero. */
void cmd_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The one checked reading of an option's number; the caller says what it
 * wants when false (cmd_usage_err). A whole number: decimal digits only
 * (no sign, space, hex or suffix), from MIN to MAX, no overflow. */
bool cmd_parse_uint(const char *arg, unsigned long long min, unsigned long long max,
		    unsigned long long *out);

/* A decimal number ("12", "0.5", "1e3"; no sign, hex, inf or nan), finite,
 * from MIN to MAX. */
bool cmd_parse_number(const char *arg, double min, double max, double *out);

#endif
