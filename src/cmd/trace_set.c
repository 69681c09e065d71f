// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Trace arguments as a list of files: a directory stands for its .gtrace
 * files, and the files of one rotated recording (record --max-size, --keep,
 * SIGHUP) are put in their order, wherever the shell's glob put them. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd/cmd.h"
#include "cmd/cmd_opts.h"
#include "gputrace/trace_format.h"
#include "trace/trace.h"
#include "util.h"

struct set_file {
	char *path;
	char set[64];		/* header "set"; "" for a trace older than rotation */
	unsigned long seq;	/* header "set_seq" */
	int group;		/* where the set's first file was given */
	int given;		/* its own position */
};

static void read_set(struct set_file *f)
{
	struct trace_reader *r = trace_reader_open(f->path, NULL, 0);
	struct trace_record rec;
	char buf[32];

	/* unreadable: left where it is, for the reader to say why */
	if (!r)
		return;
	if (trace_reader_next(r, &rec) == 1 && rec.type == GT_REC_HEADER) {
		kv_get(&rec, "set", f->set, sizeof(f->set));
		if (kv_get(&rec, "set_seq", buf, sizeof(buf)))
			f->seq = strtoul(buf, NULL, 10);
	}
	trace_reader_close(r);
}

static int cmp_files(const void *a, const void *b)
{
	const struct set_file *x = a, *y = b;

	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->given - y->given;
}

struct set_list {
	struct set_file *v;
	size_t n, cap;
};

static int add(struct set_list *l, const char *path)
{
	struct set_file *f = array_push((void **)&l->v, &l->n, &l->cap, sizeof(*l->v));

	if (!f)
		return -ENOMEM;
	f->given = (int)(l->n - 1);
	if (!(f->path = strdup(path))) {
		l->n--;
		return -ENOMEM;
	}
	return 0;
}

static int add_dir(struct set_list *l, const char *dir)
{
	struct dirent **ents;
	int count = scandir(dir, &ents, NULL, alphasort), err = 0, found = 0;

	if (count < 0) {
		cmd_err("%s: %s", dir, strerror(errno));
		return EXIT_ERROR;
	}
	for (int i = 0; i < count; i++) {
		size_t len = strlen(ents[i]->d_name);
		char path[4096];

		if (!err && len > 7 && !strcmp(ents[i]->d_name + len - 7, ".gtrace") &&
		    ents[i]->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
			err = add(l, path);
			found++;
		}
		free(ents[i]);
	}
	free(ents);
	if (err) {
		cmd_err("out of memory");
		return EXIT_ERROR;
	}
	if (!found) {
		cmd_err("%s: no .gtrace file in this directory", dir);
		return EXIT_ERROR;
	}
	return 0;
}

int cmd_trace_files(char **args, int nargs, char ***out, int *nout)
{
	struct set_list l = { 0 };
	struct set_file *v;
	char **paths;
	int n, ret = 0;
	struct stat st;

	for (int i = 0; i < nargs && !ret; i++) {
		if (strcmp(args[i], "-") && !stat(args[i], &st) && S_ISDIR(st.st_mode))
			ret = add_dir(&l, args[i]);
		else if (add(&l, args[i])) {
			cmd_err("out of memory");
			ret = EXIT_ERROR;
		}
	}
	v = l.v;
	n = (int)l.n;
	if (!ret && !(paths = calloc(n + 1, sizeof(*paths)))) {
		cmd_err("out of memory");
		ret = EXIT_ERROR;
	}
	if (ret) {
		for (int i = 0; i < n; i++)
			free(v[i].path);
		free(v);
		return ret;
	}
	for (int i = 0; i < n; i++) {
		v[i].group = i;
		if (strcmp(v[i].path, "-"))
			read_set(&v[i]);
		for (int j = 0; j < i && v[i].set[0]; j++)
			if (!strcmp(v[j].set, v[i].set)) {
				v[i].group = v[j].group;
				break;
			}
	}
	qsort(v, n, sizeof(*v), cmp_files);
	for (int i = 0; i < n; i++)
		paths[i] = v[i].path;
	free(v);
	*out = paths;
	*nout = n;
	return 0;
}
