// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys/procs.h"
#include "sys/rootfs.h"
#include "sys/state_file.h"
#include "util.h"

static void state_path(pid_t pid, char *buf, size_t size, const char *suffix)
{
	snprintf(buf, size, STATE_DIR "/record-%d.state%s", (int)pid, suffix);
}

/* a newline in a value would start a key of its own */
static void put_str(FILE *f, const char *key, const char *val)
{
	fprintf(f, "%s=", key);
	for (const char *p = val; *p; p++)
		fputc(*p == '\n' || *p == '\r' ? '?' : *p, f);
	fputc('\n', f);
}

int state_file_write(const struct recorder_state *s)
{
	char path[128], tmp[128];
	FILE *f;
	int fd, err = 0;

	if (mkdir(STATE_DIR, 0700) && errno != EEXIST)
		return -errno;
	state_path(s->pid, path, sizeof(path), "");
	state_path(s->pid, tmp, sizeof(tmp), ".tmp");
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	if (!(f = fdopen(fd, "w"))) {
		err = -errno;
		close(fd);
		unlink(tmp);
		return err;
	}
	fprintf(f, "pid=%d\n", (int)s->pid);
	put_str(f, "file", s->file);
	put_str(f, "first", s->first);
	fprintf(f, "files=%" PRIu64 "\nsize=%" PRIu64 "\nbytes=%" PRIu64 "\n", s->files, s->size, s->bytes);
	fprintf(f, "events=%" PRIu64 "\nlost=%" PRIu64 "\n", s->events, s->lost);
	fprintf(f, "started_ns=%" PRIu64 "\nupdated_ns=%" PRIu64 "\n", s->started_ns, s->updated_ns);
	put_str(f, "backend", s->backend);
	put_str(f, "jsonl", s->jsonl);
	fprintf(f, "journal=%s\n", s->journal ? "on" : "off");
	if (fclose(f))
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

void state_file_remove(pid_t pid)
{
	char path[128];

	state_path(pid, path, sizeof(path), "");
	unlink(path);
}

static void set_str(char *dst, size_t size, const char *val)
{
	snprintf(dst, size, "%s", val);
}

static int parse(char *text, struct recorder_state *s)
{
	char *line, *save = NULL;

	memset(s, 0, sizeof(*s));
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *v = strchr(line, '=');

		if (!v)
			continue;
		*v++ = 0;
		if (!strcmp(line, "pid")) s->pid = atoi(v);
		else if (!strcmp(line, "file")) set_str(s->file, sizeof(s->file), v);
		else if (!strcmp(line, "first")) set_str(s->first, sizeof(s->first), v);
		else if (!strcmp(line, "files")) s->files = strtoull(v, NULL, 10);
		else if (!strcmp(line, "size")) s->size = strtoull(v, NULL, 10);
		else if (!strcmp(line, "bytes")) s->bytes = strtoull(v, NULL, 10);
		else if (!strcmp(line, "events")) s->events = strtoull(v, NULL, 10);
		else if (!strcmp(line, "lost")) s->lost = strtoull(v, NULL, 10);
		else if (!strcmp(line, "started_ns")) s->started_ns = strtoull(v, NULL, 10);
		else if (!strcmp(line, "updated_ns")) s->updated_ns = strtoull(v, NULL, 10);
		else if (!strcmp(line, "backend")) set_str(s->backend, sizeof(s->backend), v);
		else if (!strcmp(line, "jsonl")) set_str(s->jsonl, sizeof(s->jsonl), v);
		else if (!strcmp(line, "journal")) s->journal = !strcmp(v, "on");
	}
	return s->pid > 0 ? 0 : -EINVAL;
}

int state_file_list(const char *root, struct recorder_state **out)
{
	struct recorder_state *v = NULL;
	/* three paths of up to 4096 bytes and the counters: a file that fills
	 * this is not one a recorder wrote */
	char **names, path[512], text[3 * 4096 + 1024];
	size_t count = 0, cap = 0;
	int n;
	struct stat st;

	*out = NULL;
	if (root_stat(root, STATE_DIR, &st, 1) || !S_ISDIR(st.st_mode))
		return 0;
	/* root_list says nothing of a directory it may not read: a user
	 * who is not root must hear that, not "none" */
	if ((n = root_open(root, STATE_DIR, O_RDONLY | O_DIRECTORY)) < 0)
		return n;
	close(n);
	if ((n = root_list(root, STATE_DIR, &names)) < 0)
		return n;
	for (int i = 0; i < n; i++) {
		struct recorder_state s, *p;
		ssize_t len;

		if (strncmp(names[i], "record-", 7) || !str_has_suffix(names[i], ".state"))
			continue;
		snprintf(path, sizeof(path), STATE_DIR "/%s", names[i]);
		if ((len = root_read(root, path, text, sizeof(text) - 1)) <= 0 || len == sizeof(text) - 1)
			continue;
		text[len] = 0;
		/* a recorder still: not gone, its pid not reused by another program */
		if (parse(text, &s) || proc_is_root_gputrace(root, s.pid) != 1)
			continue;
		if (!(p = array_push((void **)&v, &count, &cap, sizeof(*v)))) {
			free(v);
			root_names_free(names, n);
			return -ENOMEM;
		}
		*p = s;
	}
	root_names_free(names, n);
	*out = v;
	return (int)count;
}
