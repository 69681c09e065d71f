// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd/cmd.h"
#include "cmd/cmd_opts.h"
#include "gputrace/event.h"
#include "record/recorder.h"
#include "record/rotate.h"
#include "render/record_render.h"
#include "util.h"

/* --duration's largest: about 31 years, far from where the deadline in
 * nanoseconds (uint64_t) would wrap */
#define DURATION_MAX_S 1e9

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: gputrace record [-o FILE] [-f] [-d SECS] [-b auto|fentry|kprobe|tracepoint] [-q]\n"
		"                       [--buffer-size MB] [--kmsg devices|all|off] [--read-journal on|off|DIR]\n"
		"                       [--max-size SIZE] [--keep N] [--jsonl FILE|-] [--journal]\n"
		"                       [--pm-hooks] [--mark-group GROUP] [--dry-run] [-v]\n"
		"\n"
		"Records every driver bind/unbind/probe failure, every write to the sysfs\n"
		"files that rebind devices (bind, unbind, new_id, driver_override,\n"
		"drivers_probe, remove, rescan, reset, ...), every process start and exit,\n"
		"the kernel log lines about the devices, and snapshots of PCI devices (and\n"
		"of the GPUs' state at every mark), processes and VM configs, into FILE.\n"
		"Prints one line per event while recording; stops on Ctrl-C, SIGTERM,\n"
		"SIGQUIT or --duration, always with an end snapshot and summary (SIGUSR1\n"
		"writes counters and buffered records at once and goes on; SIGHUP goes on\n"
		"in the next file, NAME.0001.gtrace, NAME.0002.gtrace, ... for FILE\n"
		"NAME.gtrace, each a whole trace; report, dump and bundle read the set as\n"
		"one recording).\n"
		"Takes 'gputrace mark' labels from root, or from GROUP with --mark-group.\n"
		"Needs root.\n"
		"\n"
		"Options:\n"
		"  -o, --output FILE     trace file (default gputrace-HOST-DATE-TIME.gtrace, mode 0600;\n"
		"                        a regular file: a trace cannot go to standard output)\n"
		"  -f, --force           overwrite FILE if it exists\n"
		"  -d, --duration SECS   stop after SECS seconds\n"
		"  -b, --backend NAME    auto (default), fentry, kprobe or tracepoint\n"
		"  -q, --quiet           no live event lines (the summary is still printed)\n"
		"      --buffer-size MB  kernel ring buffer size (default 4)\n"
		"      --kmsg WHICH      kernel log lines kept: devices (default: the traced\n"
		"                        devices, GPU drivers, IOMMU, AER, PCI core), all, off\n"
		"      --read-journal WHERE  systemd journal entries of the processes and units\n"
		"                        the trace shows: on (default: this host's journal), off,\n"
		"                        or a journal directory\n"
		"      --max-size SIZE   go on in the next file once FILE reaches SIZE (100M, 1G)\n"
		"      --keep N          keep the last N files of the recording, remove older ones\n"
		"      --jsonl FILE      also each record, as 'dump --json' shows it, one JSON line\n"
		"                        as it happens (snapshots left out), to FILE (appended to;\n"
		"                        replaced with --force) or standard output ('-': no live lines)\n"
		"      --journal         also each sysfs write, bind, unbind, probe failure, dynamic\n"
		"                        id and mark as a journal entry (GPUTRACE_* fields,\n"
		"                        SYSLOG_IDENTIFIER=gputrace); with -q, the summary too\n"
		"      --pm-hooks        fentry and kprobe backends: also hook the PCI reset and\n"
		"                        power-state functions (acting process and result)\n"
		"      --mark-group GROUP\n"
		"                        members of GROUP may add marks too (default: root only)\n"
		"      --dry-run         show the backend and hooks that would be used, attach nothing\n"
		"  -v, --verbose         libbpf messages (twice: debug)\n"
		"  -h, --help            this help\n"
		"\n"
		"Exit status: 0 (also when a signal ended it), 1 error (not root, no backend,\n"
		"FILE not writable), 2 usage.\n"
		"\n"
		"Examples:\n"
		"  gputrace record -o problem.gtrace            # until Ctrl-C\n"
		"  gputrace record -q -d 600 -o boot.gtrace &   # ten minutes, silent\n"
		"  gputrace record --dry-run                    # what would be attached here\n"
		"  gputrace record -q --max-size 100M --keep 20 -o /var/log/gputrace/host.gtrace\n"
		"  gputrace record -q --jsonl - | jq -c 'select(.kind==\"bind\")'\n");
}

static char *join_argv(int argc, char **argv)
{
	static char buf[1024];
	size_t off = snprintf(buf, sizeof(buf), "gputrace");

	for (int i = 0; i < argc && off < sizeof(buf); i++)
		off += snprintf(buf + off, sizeof(buf) - off, " %s", argv[i]);
	return buf;
}

/* A group name, or a number. */
static int parse_group(const char *arg, gid_t *gid)
{
	unsigned long long n;
	struct group *g;

	errno = 0;
	g = getgrnam(arg);
	if (g) {
		*gid = g->gr_gid;
		return 0;
	}
	if (cmd_parse_uint(arg, 0, (gid_t)-2, &n)) {	/* (gid_t)-1 is "no group" */
		*gid = n;
		return 0;
	}
	cmd_usage_err("--mark-group: no group '%s'", arg);
	return -1;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

int cmd_record(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "duration", required_argument, NULL, 'd' },
		{ "backend", required_argument, NULL, 'b' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "buffer-size", required_argument, NULL, 'B' },
		{ "kmsg", required_argument, NULL, 'K' },
		{ "read-journal", required_argument, NULL, 'J' },
		{ "pm-hooks", no_argument, NULL, 'P' },
		{ "max-size", required_argument, NULL, 'S' },
		{ "keep", required_argument, NULL, 'k' },
		{ "jsonl", required_argument, NULL, 'L' },
		{ "journal", no_argument, NULL, 'E' },
		{ "mark-group", required_argument, NULL, 'G' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ 0 }
	};
	static const struct recorder_live live = { render_text_heading, render_record_text,
						   render_record_json_line };
	struct recorder_opts o = { .ringbuf_bytes = GT_RINGBUF_DEFAULT_BYTES, .cmdline = join_argv(argc, argv),
				   .live = &live };
	struct cmd_opts cx;
	int c;

	cmd_opts_init(&cx, "record", usage, 0, "o:fd:b:qv", opts);
	while ((c = cmd_opts_next(&cx, argc, argv)) != -1) {
		switch (c) {
		case 'o':
			/* The writer puts each chunk at its offset (pwrite: a
			 * chunk a full disk refused is written again in place)
			 * and readers seek: a pipe cannot carry a trace. */
			if (!strcmp(optarg, "-"))
				return cmd_usage_err("-o -: a trace needs a seekable file, not standard output; "
						     "give a file name (--jsonl - streams the records)");
			o.path = optarg;
			break;
		case 'f': o.overwrite = true; break;
		case 'd':
			/* a deadline past 2^64 ns would wrap into the past */
			if (!cmd_parse_number(optarg, 0, DURATION_MAX_S, &o.duration) || o.duration <= 0)
				return cmd_usage_err("--duration wants a positive number of seconds up to %.0f, "
						     "not '%s'", DURATION_MAX_S, optarg);
			break;
		case 'b':
			if (backend_parse(optarg, &o.backend))
				return cmd_usage_err("unknown backend '%s': use auto, fentry, kprobe or tracepoint",
						     optarg);
			break;
		case 'q': o.quiet = true; break;
		case 'B': {
			unsigned long long mb;

			/* ring buffers are a power of two pages */
			if (!cmd_parse_uint(optarg, 1, 1024, &mb) || (mb & (mb - 1)))
				return cmd_usage_err("--buffer-size wants a power of two from 1 to 1024 (MiB), "
						     "not '%s'", optarg);
			o.ringbuf_bytes = mb << 20;
			break;
		}
		case 'K':
			if (kmsg_mode_parse(optarg, &o.kmsg))
				return cmd_usage_err("--kmsg wants all, devices or off, not '%s'", optarg);
			break;
		case 'J':
			o.journal_off = !strcmp(optarg, "off");
			o.journal_dir = strcmp(optarg, "on") && !o.journal_off ? optarg : NULL;
			/* a word that is neither is no directory ("yes", "true") */
			if (o.journal_dir && !strchr(o.journal_dir, '/') && !is_dir(o.journal_dir))
				return cmd_usage_err("--read-journal wants on, off or a directory of journal "
						     "files (a path, like /var/log/journal), not '%s'", optarg);
			break;
		case 'P': o.pm_hooks = true; break;
		case 'S':
			if (rotate_parse_size(optarg, &o.max_size) || o.max_size < 64 << 10)
				return cmd_usage_err("--max-size wants a size of at least 64k, like 100M or 1G, "
						     "not '%s'", optarg);
			break;
		case 'k': {
			unsigned long long n;

			if (!cmd_parse_uint(optarg, 1, 1000000, &n))
				return cmd_usage_err("--keep wants a number of files from 1 to 1000000, not '%s'",
						     optarg);
			o.keep = n;
			break;
		}
		case 'L': o.jsonl = optarg; break;
		case 'E': o.journal_send = true; break;
		case 'G':
			if (parse_group(optarg, &o.mark_group))
				return EXIT_USAGE;
			o.has_mark_group = true;
			break;
		case 'n': o.dry_run = true; break;
		case 'v': o.verbose++; break;
		default: return cx.exit;	/* --help, or a bad option (said) */
		}
	}
	/* standard output is the stream: live lines would break it */
	if (o.jsonl && !strcmp(o.jsonl, "-"))
		o.quiet = true;
	if (optind < argc)
		return cmd_usage_err("takes no arguments ('%s'); use -o FILE for the output", argv[optind]);
	return recorder_run(&o);
}
