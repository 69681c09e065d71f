/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* One function per command, all with the same signature (argv[0] is the
 * command name); main.c dispatches through a table of these. */
#ifndef GPUTRACE_CMD_H
#define GPUTRACE_CMD_H

int cmd_record(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_mark(int argc, char **argv);
int cmd_features(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_bundle(int argc, char **argv);
int cmd_guard(int argc, char **argv);

/* Trace arguments: "-" (once) becomes a copy of standard input. Returns 0
 * or an exit code, the reason already printed. */
int cmd_trace_args(char **traces, int n);

/* Trace arguments as files: a directory is its .gtrace files, and the files
 * of one rotated recording go in their order (trace_set.c). Returns 0 with
 * a NULL-terminated *OUT of *NOUT strings (free each and the array), or an
 * exit code, the reason already printed. */
int cmd_trace_files(char **args, int nargs, char ***out, int *nout);

#endif
