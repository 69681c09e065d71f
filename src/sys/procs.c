// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Process snapshot from /proc. Processes come and go while we read: any
 * process whose files vanish half-way is left out, never reported as an
 * error. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sys/procs.h"
#include "sys/rootfs.h"
#include "sys/sysfs.h"
#include "util.h"

#define PROC_PIDS_MAX	(4 * 1024 * 1024)	/* kernel pid_max limit */


static int pid_path(char *buf, size_t size, pid_t pid, const char *file)
{
	int n = snprintf(buf, size, "/proc/%d/%s", (int)pid, file);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* Reads a small text file of PID, NUL-terminated. */
static int pid_read_text(const char *root, pid_t pid, const char *file,
			 char *buf, size_t size)
{
	char path[64];
	ssize_t n;
	int err;

	err = pid_path(path, sizeof(path), pid, file);
	if (err)
		return err;
	n = sys_read_file(root, path, buf, size - 1);
	if (n < 0)
		return n;
	buf[n] = '\0';
	return 0;
}

int proc_read_cmdline(const char *root, pid_t pid, char *buf, size_t size)
{
	char path[64];
	int err;

	err = pid_path(path, sizeof(path), pid, "cmdline");
	return err ? err : (int)sys_read_file(root, path, buf, size);
}

/*
 * /proc/PID/stat is "pid (comm) state ppid ...". comm is whatever the process
 * set (spaces, parentheses, "a) b (c"), so the fields after it are parsed from
 * the last ')'. starttime is field 22.
 */
static int parse_stat(char *buf, struct proc_info *p)
{
	char *open = strchr(buf, '('), *close = strrchr(buf, ')');
	char *tok, *save = NULL;
	int field;

	if (!open || !close || close < open)
		return -EINVAL;
	*close = '\0';
	snprintf(p->comm, sizeof(p->comm), "%s", open + 1);
	field = 3;
	for (tok = strtok_r(close + 1, " \n", &save); tok;
	     tok = strtok_r(NULL, " \n", &save), field++) {
		if (field == 4)
			p->ppid = strtol(tok, NULL, 10);
		if (field == 22) {
			p->start_time = strtoull(tok, NULL, 10);
			return 0;
		}
	}
	return -EINVAL;
}

/* Real and effective uid from the "Uid:" line of /proc/PID/status. */
static int parse_uids(const char *status, struct proc_info *p)
{
	const char *line = strstr(status, "\nUid:");

	if (!line || sscanf(line + 5, "%ld %ld", &p->uid, &p->euid) != 2)
		return -EINVAL;
	return 0;
}

int proc_is_root_gputrace(const char *root, pid_t pid)
{
	struct proc_info p;
	char text[4096];
	int err = pid_read_text(root, pid, "status", text, sizeof(text));

	if (err)
		return err;
	/* "Name:" is the first line; a comm holding a newline shows as "\n" */
	if (strncmp(text, "Name:\t", 6) || parse_uids(text, &p))
		return -EINVAL;
	return !strncmp(text + 6, "gputrace\n", 9) && p.euid == 0;
}

/* The cgroup v2 path: the "0::" line ("" on a v1-only host). */
static void parse_cgroup(const char *text, struct proc_info *p)
{
	const char *line = text;
	size_t len;

	p->cgroup[0] = '\0';
	while (line && *line) {
		if (!strncmp(line, "0::", 3)) {
			line += 3;
			len = strcspn(line, "\n");
			if (len >= sizeof(p->cgroup))
				len = sizeof(p->cgroup) - 1;
			memcpy(p->cgroup, line, len);
			p->cgroup[len] = '\0';
			return;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
}

static void read_exe(const char *root, struct proc_info *p)
{
	char rel[64];

	/* Unreadable for kernel threads, zombies and, unprivileged, other
	 * users' processes: all mean "unknown". */
	if (pid_path(rel, sizeof(rel), p->pid, "exe") ||
	    root_readlink(root, rel, p->exe, sizeof(p->exe)) < 0)
		p->exe[0] = '\0';
}

/* Fills P for P->pid. Returns 0, or -errno when the process is gone. */
static int proc_read(const char *root, struct proc_info *p)
{
	char text[8192];
	int n, err;

	err = pid_read_text(root, p->pid, "stat", text, sizeof(text));
	if (!err)
		err = parse_stat(text, p);
	if (!err)
		err = pid_read_text(root, p->pid, "status", text, sizeof(text));
	if (!err)
		err = parse_uids(text, p);
	if (err)
		return err;
	/* Its cgroup file vanishing means the process exited; other errors
	 * leave the path unknown. */
	err = pid_read_text(root, p->pid, "cgroup", text, sizeof(text));
	if (err == -ENOENT || err == -ESRCH)
		return err;
	parse_cgroup(err ? "" : text, p);
	n = proc_read_cmdline(root, p->pid, p->cmdline, PROC_CMDLINE_MAX + 1);
	if (n == -ENOENT || n == -ESRCH)
		return n;
	p->cmdline_len = n < 0 ? 0 : n;
	p->cmdline_cut = p->cmdline_len > PROC_CMDLINE_MAX;
	if (p->cmdline_cut)
		p->cmdline_len = PROC_CMDLINE_MAX;
	read_exe(root, p);
	return 0;
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

/* Numeric entries of ROOT/proc, sorted. */
static int list_pids(const char *root, pid_t **out, size_t *n)
{
	size_t count = 0, cap = 0;
	pid_t *pids = NULL;
	char *end;
	struct dirent *de;
	long pid;
	DIR *dp;
	int err;

	*out = NULL;
	*n = 0;
	err = root_opendir(root, "/proc", &dp);
	if (err)
		return err;
	while ((de = readdir(dp)) && count < PROC_PIDS_MAX) {
		pid = strtol(de->d_name, &end, 10);
		if (*end || end == de->d_name || pid <= 0 || pid > INT_MAX)
			continue;
		if (array_reserve((void **)&pids, &cap, count + 1, sizeof(*pids))) {
			closedir(dp);
			free(pids);
			return -ENOMEM;
		}
		pids[count++] = pid;
	}
	closedir(dp);
	if (count)
		qsort(pids, count, sizeof(*pids), cmp_pid);
	*out = pids;
	*n = count;
	return 0;
}

int proc_list_pids(const char *root, pid_t **pids, size_t *n)
{
	return list_pids(root, pids, n);
}

int proc_each(const char *root, proc_fn fn, void *ctx)
{
	struct proc_info *p;
	size_t n, i;
	int err, first_err = 0, seen = 0;
	pid_t *pids;

	err = list_pids(root, &pids, &n);
	if (err)
		return err;
	p = malloc(sizeof(*p));
	if (p)
		p->cmdline = malloc(PROC_CMDLINE_MAX + 1);
	if (!p || !p->cmdline) {
		free(p);
		free(pids);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		char *cmdline = p->cmdline;

		memset(p, 0, sizeof(*p));
		p->cmdline = cmdline;
		p->pid = pids[i];
		if (proc_read(root, p))
			continue;
		err = fn(ctx, p);
		if (err && !first_err)
			first_err = err;
		seen++;
	}
	free(p->cmdline);
	free(p);
	free(pids);
	return first_err ? first_err : seen;
}
