// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `make bench`: gputrace's costs, each printed as a ratio measured in this
 * one run (absolute numbers on a shared machine mean little):
 *   ready     time until all probes are attached, vs an equivalent bpftrace
 *   exit      time from SIGINT to exit; recorder peak RSS
 *   write     1-byte write(2) storm: cost the recorder adds vs an empty
 *             program on the same tracepoints
 *   guard     the same storm, and one on a sysfs attribute, with
 *             `gputrace guard` (its lsm program) vs without
 *   exec      fork+exec storm on one CPU with the recorder vs without, in
 *             short paired rounds; the programs' own in-kernel time
 *   burst     100k sysfs writes: events recorded and lost
 *   kmsg      recorder CPU at idle with the kernel log read vs not; a flood
 *             of 100k kernel log lines: lines recorded and lost
 * Conditions alternate round by round and medians are taken, so drifts in
 * machine load hit all of them alike.
 *
 *   gtbench GPUTRACE [--quick]     (env: GTBENCH_ONLY=ready,write,guard,exec,burst,kmsg;
 *                                   GTBENCH_ROUNDS=N; GTBENCH_BACKEND=...)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <glob.h>
#include <linux/bpf.h>

extern char **environ;

static const char *gt_bin;
static int rounds = 7;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct child {
	pid_t pid;
	int fd;		/* the watched output */
	double t_start;
};

/* Starts ARGV with FD_NO (1 or 2) on a pipe; waits until a line holds WORD.
 * Returns ms from spawn to that line, or -1. */
static double start_until(struct child *c, char *const argv[], int fd_no, const char *word)
{
	posix_spawn_file_actions_t fa;
	char buf[4096];
	size_t have = 0;
	int p[2];

	if (pipe(p))
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], fd_no);
	posix_spawn_file_actions_addclose(&fa, p[0]);
	posix_spawn_file_actions_addopen(&fa, fd_no == 1 ? 2 : 1, "/dev/null", O_WRONLY, 0);
	c->t_start = now_ms();
	if (posix_spawn(&c->pid, argv[0], &fa, NULL, argv, environ))
		return -1;
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	c->fd = p[0];
	for (;;) {
		struct pollfd pf = { .fd = c->fd, .events = POLLIN };
		ssize_t n;

		if (poll(&pf, 1, 10000) <= 0)
			return -1;
		n = read(c->fd, buf + have, sizeof(buf) - 1 - have);
		if (n <= 0)
			return -1;
		have += n;
		buf[have] = 0;
		if (strstr(buf, word))
			return now_ms() - c->t_start;
		if (have > sizeof(buf) / 2)
			have = 0;
	}
}

/* SIGINT, then wait: ms to exit, peak RSS in KiB, and the output after. */
static double stop_child(struct child *c, long *maxrss_kb, char *tail, size_t size)
{
	struct rusage ru;
	double t0 = now_ms(), t;
	int status;
	size_t have = 0;
	ssize_t n;

	kill(c->pid, SIGINT);
	/* A child that ignores SIGINT for 5 s is killed (and the time shows it). */
	while (wait4(c->pid, &status, WNOHANG, &ru) == 0) {
		if (now_ms() - t0 > 5000)
			kill(c->pid, SIGKILL);
		usleep(1000);
	}
	t = now_ms() - t0;
	if (maxrss_kb)
		*maxrss_kb = ru.ru_maxrss;
	while (tail && have + 1 < size && (n = read(c->fd, tail + have, size - 1 - have)) > 0)
		have += n;
	if (tail)
		tail[have] = 0;
	close(c->fd);
	return t;
}

static char trace_path[] = "/tmp/gtbench.gtrace";

/* Starts the recorder and returns at "ready" (READY_MS: how long that
 * took), or, without READY_MS, once it has settled: after ready it takes
 * its start snapshot (all of /proc, libpci's name table), a one-off burst
 * of CPU that is not the per-event cost the storms measure. */
static int start_recorder_kmsg(struct child *c, double *ready_ms, const char *kmsg)
{
	const char *backend = getenv("GTBENCH_BACKEND");	/* default: auto */
	char *argv[] = { (char *)gt_bin, "record", "-q", "-f", "-o", trace_path,
			 "-b", (char *)(backend ? backend : "auto"), "--kmsg", (char *)kmsg, NULL };
	double t = start_until(c, argv, 2, "ready");

	if (ready_ms)
		*ready_ms = t;
	else if (t >= 0)
		usleep(500 * 1000);
	return t < 0 ? -1 : 0;
}

static int start_recorder(struct child *c, double *ready_ms)
{
	return start_recorder_kmsg(c, ready_ms, "devices");
}

/* The recorder's per-boot cut of the kernel's BTF (src/record/core_btf.c). */
static void forget_core_btf(void)
{
	glob_t g;

	if (glob("/run/gputrace/core-*.btf", 0, NULL, &g) == 0)
		for (size_t i = 0; i < g.gl_pathc; i++)
			unlink(g.gl_pathv[i]);
	globfree(&g);
}

static void bench_ready(void)
{
	static const char *script =
		"tracepoint:syscalls:sys_enter_write { @w = count(); } "
		"tracepoint:sched:sched_process_exec { @e = count(); } "
		"tracepoint:sched:sched_process_exit { @x = count(); } "
		"BEGIN { printf(\"ready\\n\"); }";
	char *bt_argv[] = { "/usr/bin/bpftrace", "-B", "none", "-e", (char *)script, NULL };
	double gt_ready[32], gt_exit[32], bt_ready[32], gt_cold[32];
	long rss, max_rss = 0;
	int n = 0, nb = 0, nc = 0;

	for (int i = 0; i < rounds; i++) {
		struct child c;

		/* As the first recorder after boot: it cuts the kernel's BTF. */
		forget_core_btf();
		if (start_recorder(&c, &gt_cold[nc]) == 0) {
			nc++;
			stop_child(&c, NULL, NULL, 0);
		}
		if (start_recorder(&c, &gt_ready[n]) == 0) {
			usleep(200 * 1000);
			gt_exit[n++] = stop_child(&c, &rss, NULL, 0);
			if (rss > max_rss)
				max_rss = rss;
		}
		if (access(bt_argv[0], X_OK) == 0) {
			bt_ready[nb] = start_until(&c, bt_argv, 1, "ready");
			if (bt_ready[nb] > 0)
				nb++;
			stop_child(&c, NULL, NULL, 0);
		}
	}
	if (!n) {
		printf("ready: recorder did not start\n");
		return;
	}
	double g = median(gt_ready, n), e = median(gt_exit, n);

	printf("ready     gputrace %.1f ms", g);
	if (nb) {
		double b = median(bt_ready, nb);
		printf(", bpftrace %.1f ms: %.1fx sooner (target >= 3x)", b, b / g);
	} else {
		printf(", bpftrace not runnable here (needs tracefs and /usr/bin/bpftrace)");
	}
	if (nc)
		printf("\n          first start after boot (cuts the kernel's BTF, then cached): %.1f ms",
		       median(gt_cold, nc));
	if (nc && nb)
		printf(": %.1fx sooner than bpftrace", median(bt_ready, nb) / median(gt_cold, nc));
	printf("\nexit      %.1f ms from SIGINT to exit (target <= 100 ms)\n", e);
	printf("memory    recorder peak RSS %.1f MiB (target <= 16 MiB)\n", max_rss / 1024.0);
}

/* ns per 1-byte write(2) to /dev/null. */
static double write_storm(long n)
{
	int fd = open("/dev/null", O_WRONLY);
	double t0 = now_ms();

	for (long i = 0; i < n; i++)
		if (write(fd, "x", 1) != 1)
			break;
	t0 = now_ms() - t0;
	close(fd);
	return t0 * 1e6 / n;
}

/* An empty program on each tracepoint the recorder uses: N=2 the syscall
 * path (sys_enter, sys_exit), N=4 also process exec and exit. Raw
 * tracepoints, like the recorder's. */
static int attach_empty(int links[4], int n)
{
	static const struct bpf_insn ret0[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	const char *tps[4] = { "sys_enter", "sys_exit", "sched_process_exec", "sched_process_exit" };

	for (int i = 0; i < n; i++) {
		int fd = bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, "gtbench_empty", "GPL", ret0, 2, NULL);

		links[i] = fd < 0 ? -1 : bpf_raw_tracepoint_open(tps[i], fd);
		if (fd >= 0)
			close(fd);
		if (links[i] < 0)
			return -1;
	}
	return 0;
}

static void bench_write(void)
{
	const long n = 1000000;
	double base[32], empty[32], rec[32];
	int nr = 0;

	for (int i = 0; i < rounds; i++) {
		struct child c;
		int links[4];

		base[nr] = write_storm(n);
		if (attach_empty(links, 2)) {
			printf("write     cannot attach empty raw_tp programs: %s\n", strerror(errno));
			return;
		}
		empty[nr] = write_storm(n);
		close(links[0]);
		close(links[1]);
		if (start_recorder(&c, NULL))
			return;
		rec[nr] = write_storm(n);
		stop_child(&c, NULL, NULL, 0);
		nr++;
	}
	double b = median(base, nr), e = median(empty, nr), r = median(rec, nr);
	printf("write     %.0f ns/write bare, %.0f with empty syscall programs (+%.0f), %.0f with gputrace"
	       " (+%.0f, %+.1f%%): %.2fx the empty programs' cost (targets: tracepoint <= 1.5x,"
	       " fentry <= +2%%)\n", b, e, e - b, r, r - b, (r / b - 1) * 100, (r - b) / (e - b));
}

/* ns per 1-byte pwrite(2) to a sysfs attribute gputrace guard does not
 * judge (drivers_autoprobe, "1": what it is already): the sysfs part of
 * the guard's check, up to its attribute-name lookup. */
static double sysfs_storm(long n)
{
	int fd = open("/sys/bus/pci/drivers_autoprobe", O_WRONLY);
	double t0 = now_ms();

	if (fd < 0)
		return -1;
	for (long i = 0; i < n; i++)
		if (pwrite(fd, "1", 1, 0) != 1)
			break;
	t0 = now_ms() - t0;
	close(fd);
	return t0 * 1e6 / n;
}

/* gputrace guard's cost: its lsm program runs on every permission check
 * of every read and write on the machine. Writes to /dev/null (outside
 * sysfs: a mask test and three loads) and to an unjudged sysfs attribute,
 * without and with the guard of GTBENCH_GUARD_DEVICE. Printed next to the recorder's cost on the same /dev/null storm
 * (the "write" line). */
static void bench_guard(void)
{
	const char *dev = getenv("GTBENCH_GUARD_DEVICE");
	char *argv[] = { (char *)gt_bin, "guard", "--device", (char *)dev, NULL };
	const long n = 200000;
	double base[32], guarded[32], sbase[32], sguarded[32];
	int nr = 0;

	/* Only where told: the guard pins the device's driver_override, and
	 * the host's own devices are nobody's to touch (guest.sh sets it). */
	if (!dev) {
		printf("guard     skipped: set GTBENCH_GUARD_DEVICE to a function the guard may pin\n");
		return;
	}
	for (int i = 0; i < rounds; i++) {
		struct child c;

		base[nr] = write_storm(n);
		sbase[nr] = sysfs_storm(n / 10);
		if (start_until(&c, argv, 2, "ready") < 0) {
			printf("guard     cannot start `gputrace guard --device %s` (see gputrace features)\n", dev);
			return;
		}
		usleep(300 * 1000);	/* armed at its first poll */
		guarded[nr] = write_storm(n);
		sguarded[nr] = sysfs_storm(n / 10);
		stop_child(&c, NULL, NULL, 0);
		nr++;
	}
	double b = median(base, nr), g = median(guarded, nr);
	double sb = median(sbase, nr), sg = median(sguarded, nr);

	printf("guard     %.0f ns/write bare, %.0f guarded (%+.0f, %+.1f%%) outside sysfs; "
	       "%.0f ns/sysfs write bare, %.0f guarded (%+.0f, %+.1f%%)\n", b, g, g - b, (g / b - 1) * 100,
	       sb, sg, sg - sb, (sg / sb - 1) * 100);
}

/* The storm runs on one CPU: parent and child then never wait for a
 * cross-CPU wakeup, which on a VM costs more, and varies more, than the
 * probes being measured. The recorder stays free to run elsewhere, as on
 * any real host; its own CPU time is measured apart (recorder_cpu_ns). */
static double exec_storm(int n)
{
	char *argv[] = { "/bin/true", NULL };
	cpu_set_t all, one;
	double t0;

	sched_getaffinity(0, sizeof(all), &all);
	CPU_ZERO(&one);
	for (int cpu = CPU_SETSIZE - 1; cpu >= 0; cpu--)
		if (CPU_ISSET(cpu, &all)) {
			CPU_SET(cpu, &one);
			break;
		}
	sched_setaffinity(0, sizeof(one), &one);
	t0 = now_ms();
	for (int i = 0; i < n; i++) {
		pid_t pid;

		if (posix_spawn(&pid, argv[0], NULL, NULL, argv, environ) == 0)
			waitpid(pid, NULL, 0);
	}
	t0 = now_ms() - t0;
	sched_setaffinity(0, sizeof(all), &all);
	return t0 * 1e3 / n;
}

/* CPU time of all of PID's threads so far, in ns (schedstat's first field). */
static double recorder_cpu_ns(pid_t pid)
{
	char pattern[64];
	double sum = 0;
	glob_t g;

	snprintf(pattern, sizeof(pattern), "/proc/%d/task/*/schedstat", (int)pid);
	if (glob(pattern, 0, NULL, &g))
		return 0;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		FILE *fp = fopen(g.gl_pathv[i], "r");
		unsigned long long ns;

		if (fp && fscanf(fp, "%llu", &ns) == 1)
			sum += ns;
		if (fp)
			fclose(fp);
	}
	globfree(&g);
	return sum;
}

/* Run time so far of the BPF programs whose name starts with PREFIX
 * (kernel.bpf_stats: only counted while stats are enabled). */
static double progs_run_ns(const char *prefix)
{
	__u32 id = 0;
	double ns = 0;

	while (bpf_prog_get_next_id(id, &id) == 0) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);
		int fd = bpf_prog_get_fd_by_id(id);

		if (fd < 0)
			continue;
		if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0 &&
		    !strncmp(info.name, prefix, strlen(prefix)))
			ns += info.run_time_ns;
		close(fd);
	}
	return ns;
}

/* The programs' own time per fork+exec, from the kernel's BPF run-time
 * stats: precise where the wall clock above is noisy, but it leaves out
 * what the probes cost around the programs (the syscall slow path), and
 * includes the stats' own two clock reads per run, for both alike. */
static void bench_exec_kernel(double bare_us)
{
	const int n = 500;
	int stats = bpf_enable_stats(BPF_STATS_RUN_TIME), links[4];
	double empty, rec;
	struct child c;

	if (stats < 0) {
		printf("exec      in-kernel time: cannot enable BPF stats: %s\n", strerror(errno));
		return;
	}
	if (attach_empty(links, 4)) {
		close(stats);
		return;
	}
	empty = progs_run_ns("gtbench_empty");
	exec_storm(n);
	empty = (progs_run_ns("gtbench_empty") - empty) / n / 1e3;
	for (int l = 0; l < 4; l++)
		close(links[l]);
	if (start_recorder(&c, NULL)) {
		close(stats);
		return;
	}
	rec = progs_run_ns("gt_");
	exec_storm(n);
	rec = (progs_run_ns("gt_") - rec) / n / 1e3;
	stop_child(&c, NULL, NULL, 0);
	close(stats);
	/* Absolute times, not a difference: the fentry and kprobe backends
	 * do not attach to the syscall tracepoints the empty programs use. */
	printf("exec      in-kernel BPF time per fork+exec: gputrace's programs %.1f us (%.2f%% of a"
	       " bare fork+exec), empty programs on the same four tracepoints as the tracepoint"
	       " backend %.1f us (%.2f%%)\n", rec, rec / bare_us * 100, empty, empty / bare_us * 100);
}

/* Per round, one block of each condition, in an order that rotates round
 * by round; each block is compared with the bare block of its own round.
 * Exec costs 2 ms on a slow VM and its time drifts by several percent within
 * seconds, so many short paired rounds beat a few long ones: the median of
 * the paired ratios is printed with its quartiles, which show the noise. */
static double bench_exec(void)
{
	enum { BARE, EMPTY, REC, NCOND };
	const int n_rounds = rounds * 3, block = 300;
	double bare_us[3 * 31], empty_pct[3 * 31], rec_pct[3 * 31], own_pct[3 * 31];

	for (int i = 0; i < n_rounds; i++) {
		double t[NCOND] = { 0 };

		for (int k = 0; k < NCOND; k++) {
			int cond = (i + k) % NCOND, links[4];
			struct child c;

			if (cond == BARE) {
				t[cond] = exec_storm(block);
			} else if (cond == EMPTY) {
				if (attach_empty(links, 4)) {
					printf("exec      cannot attach empty raw_tp programs: %s\n", strerror(errno));
					return -1;
				}
				t[cond] = exec_storm(block);
				for (int l = 0; l < 4; l++)
					close(links[l]);
			} else {
				if (start_recorder(&c, NULL))
					return -1;
				double cpu = recorder_cpu_ns(c.pid);

				t[cond] = exec_storm(block);
				cpu = recorder_cpu_ns(c.pid) - cpu;
				stop_child(&c, NULL, NULL, 0);
				own_pct[i] = cpu / (t[cond] * 1e3 * block) * 100;
			}
		}
		empty_pct[i] = (t[EMPTY] / t[BARE] - 1) * 100;
		rec_pct[i] = (t[REC] / t[BARE] - 1) * 100;
		bare_us[i] = t[BARE];
	}
	double b = median(bare_us, n_rounds), e = median(empty_pct, n_rounds);
	double r = median(rec_pct, n_rounds);	/* sorts rec_pct: quartiles below */
	printf("exec      %.0f us per fork+exec bare (storm on one CPU); median of %d paired rounds:"
	       " empty programs %+.1f%%, gputrace %+.1f%% (quartiles %+.1f%% .. %+.1f%%) (target <= +2%%);"
	       " the recorder itself used %.2f%% of a CPU meanwhile\n", b, n_rounds, e, r,
	       rec_pct[n_rounds / 4], rec_pct[(3 * n_rounds) / 4], median(own_pct, n_rounds));
	return b;
}

/* A PCI device without driver whose driver_override can be written: clearing
 * it again and again changes nothing. */
static int driverless_override(char *path, size_t size)
{
	FILE *fp = popen("for d in /sys/bus/pci/devices/*; do [ -e $d/driver ] && continue; "
			 "[ \"$(cat $d/driver_override 2>/dev/null)\" = '(null)' ] && "
			 "{ echo $d/driver_override; break; }; done", "r");
	bool ok = fp && fgets(path, size, fp);

	if (fp)
		pclose(fp);
	if (!ok)
		return -1;
	path[strcspn(path, "\n")] = 0;
	return 0;
}

static void bench_burst(void)
{
	const int n = 100000;
	char path[256], tail[4096], cmd[512];
	struct child c;
	long recorded = -1;
	FILE *fp;
	int fd;

	if (driverless_override(path, sizeof(path))) {
		printf("burst     skipped: no driverless PCI device with driver_override here\n");
		return;
	}
	if (start_recorder(&c, NULL))
		return;
	fd = open(path, O_WRONLY);
	double t0 = now_ms();
	for (int i = 0; i < n; i++)
		if (write(fd, "\n", 1) != 1)
			break;
	t0 = now_ms() - t0;
	close(fd);
	stop_child(&c, NULL, tail, sizeof(tail));
	snprintf(cmd, sizeof(cmd), "%s dump --json %s | grep -c '\"kind\":\"sysfs_write\"'",
		 gt_bin, trace_path);
	fp = popen(cmd, "r");
	if (fp && fscanf(fp, "%ld", &recorded) != 1)
		recorded = -1;
	if (fp)
		pclose(fp);
	char *lost = strstr(tail, "lost: ");
	printf("burst     %d sysfs writes in %.0f ms: %ld recorded, %s%.*s (target 0 lost)\n", n, t0,
	       recorded, lost ? "" : "lost unknown", lost ? (int)strcspn(lost, ";") : 0, lost ? lost : "");
}

/* Recorder CPU over IDLE_S seconds with nothing to record, as a
 * percentage of one CPU. */
static double idle_cpu_pct(const char *kmsg, double idle_s)
{
	struct child c;
	double cpu;

	if (start_recorder_kmsg(&c, NULL, kmsg))
		return -1;
	cpu = recorder_cpu_ns(c.pid);
	usleep(idle_s * 1e6);
	cpu = recorder_cpu_ns(c.pid) - cpu;
	stop_child(&c, NULL, NULL, 0);
	return cpu / (idle_s * 1e9) * 100;
}

/* One value of the last counters record of the trace. */
static long last_counter(const char *key)
{
	char cmd[512];
	long v = -1;
	FILE *fp;

	snprintf(cmd, sizeof(cmd), "%s dump --json %s | jq -r 'select(.type==\"counters\") | .%s' | tail -n 1",
		 gt_bin, trace_path, key);
	fp = popen(cmd, "r");
	if (fp && fscanf(fp, "%ld", &v) != 1)
		v = -1;
	if (fp)
		pclose(fp);
	return v;
}

/* A line to /dev/kmsg per open: with printk_devkmsg=ratelimit (the
 * default) each open file may write 10 lines per 5 s, the rest dropped by
 * the kernel before any reader sees them. Debug level: not printed on the
 * console, which would slow the writer down instead of the reader. */
static double kmsg_flood(int n)
{
	double t0 = now_ms();
	char line[128];

	for (int i = 0; i < n; i++) {
		int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC), len;

		if (fd < 0)
			return -1;
		len = snprintf(line, sizeof(line), "<15>pci 0000:00:00.0: gtbench kmsg flood %d\n", i);
		if (write(fd, line, len) != len) {
			close(fd);
			return -1;
		}
		close(fd);
	}
	return now_ms() - t0;
}

static void bench_kmsg(void)
{
	const int n = 100000;
	double on[31], off[31], t, cpu;
	long kept, lost, seen;
	char tail[4096];
	struct child c;

	for (int i = 0; i < rounds; i++) {
		/* alternate which goes first: a drift hits both alike */
		if (i % 2) {
			off[i] = idle_cpu_pct("off", 3);
			on[i] = idle_cpu_pct("devices", 3);
		} else {
			on[i] = idle_cpu_pct("devices", 3);
			off[i] = idle_cpu_pct("off", 3);
		}
	}
	printf("kmsg      idle recorder CPU, median of %d rounds of 3 s: kernel log read %.3f%%, "
	       "not read %.3f%% of a CPU (target: no measurable difference)\n", rounds,
	       median(on, rounds), median(off, rounds));
	if (start_recorder(&c, NULL))
		return;
	cpu = recorder_cpu_ns(c.pid);
	t = kmsg_flood(n);
	usleep(300 * 1000);
	cpu = recorder_cpu_ns(c.pid) - cpu;
	stop_child(&c, NULL, tail, sizeof(tail));
	kept = last_counter("kmsg_lines");
	lost = last_counter("lost_kmsg");
	seen = last_counter("kmsg_seen");
	printf("kmsg      flood of %d kernel log lines in %.0f ms: %ld recorded, %ld lost (counted), "
	       "%ld read in all; recorded + lost = %ld (target: %d); recorder %.1f us of CPU a line\n",
	       n, t, kept, lost, seen, kept + lost, n, cpu / 1e3 / n);
}

int main(int argc, char **argv)
{
	const char *only = getenv("GTBENCH_ONLY");	/* e.g. "exec": one part */

	if (argc < 2) {
		fprintf(stderr, "usage: gtbench GPUTRACE [--quick]\n");
		return 2;
	}
	gt_bin = argv[1];
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 2 && !strcmp(argv[2], "--quick"))
		rounds = 3;
	if (getenv("GTBENCH_ROUNDS"))	/* more rounds: a finer median on a noisy box */
		rounds = atoi(getenv("GTBENCH_ROUNDS"));
	if (rounds < 1 || rounds > 31)
		rounds = 7;
	printf("backend   %s\n", getenv("GTBENCH_BACKEND") ? getenv("GTBENCH_BACKEND") : "auto");
	if (geteuid() != 0) {
		printf("bench: needs root\n");
		return 1;
	}
	if (!only || strstr(only, "ready"))
		bench_ready();
	if (!only || strstr(only, "write"))
		bench_write();
	if (!only || strstr(only, "guard"))
		bench_guard();
	if (!only || strstr(only, "exec")) {
		double bare_us = bench_exec();

		if (bare_us > 0)
			bench_exec_kernel(bare_us);
	}
	if (!only || strstr(only, "burst"))
		bench_burst();
	if (!only || strstr(only, "kmsg"))
		bench_kmsg();
	unlink(trace_path);
	return 0;
}
