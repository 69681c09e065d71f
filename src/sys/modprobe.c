// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* modprobe.d files and statements: see modprobe.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys/modprobe.h"

/* kmod's search order: earlier directories override same-named files. */
static const char *const modprobe_dirs[] = {
	"/etc/modprobe.d",
	"/run/modprobe.d",
	"/usr/local/lib/modprobe.d",
	"/lib/modprobe.d",
	"/usr/lib/modprobe.d",
};

struct unlisted {
	char *bad;
	size_t badlen;
	int err;
};

/* A directory that cannot be read is an error, as a file is. */
static void first_unlisted(void *ctx, const char *dir, int err)
{
	struct unlisted *u = ctx;

	if (u->err)
		return;
	u->err = err;
	if (u->bad)
		snprintf(u->bad, u->badlen, "%s", dir);
}

int modprobe_read(const char *root, struct modprobe_conf *mc, char *bad, size_t badlen)
{
	struct unlisted u = { bad, badlen, 0 };
	char **paths;
	size_t n, i;
	int err;

	memset(mc, 0, sizeof(*mc));
	err = conf_list_saying(root, modprobe_dirs, sizeof(modprobe_dirs) / sizeof(modprobe_dirs[0]),
			       ".conf", &paths, &n, first_unlisted, &u);
	if (!err && u.err) {
		conf_list_free(paths, n);
		err = u.err;
	}
	if (err)
		return err;
	mc->files = calloc(n ? n : 1, sizeof(*mc->files));
	if (!mc->files) {
		conf_list_free(paths, n);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		err = conf_read(root, paths[i], &mc->files[mc->n]);
		if (err) {
			if (bad)
				snprintf(bad, badlen, "%s", paths[i]);
			break;
		}
		mc->n++;
	}
	conf_list_free(paths, n);
	if (err)
		modprobe_free(mc);
	return err;
}

void modprobe_free(struct modprobe_conf *mc)
{
	for (size_t i = 0; i < mc->n; i++)
		conf_free(&mc->files[i]);
	free(mc->files);
	memset(mc, 0, sizeof(*mc));
}

int modprobe_next(const struct modprobe_conf *mc, size_t *file, size_t *line,
		  struct modprobe_stmt *st)
{
	for (; *file < mc->n; (*file)++, *line = 0) {
		const struct conf_file *f = &mc->files[*file];

		while (*line < f->n) {
			const struct conf_line *l = &f->lines[(*line)++];

			if (conf_is_comment(l->text))
				continue;
			st->path = f->path;
			st->lineno = l->lineno;
			st->text = l->text;
			snprintf(st->buf, sizeof(st->buf), "%s", l->text);
			st->nwords = conf_words(st->buf, st->words, MODPROBE_WORDS_MAX);
			if (st->nwords)
				return 1;
		}
	}
	return 0;
}
