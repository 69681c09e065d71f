// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Logical lines and directory sets of configuration files: see conffile.h. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sys/conffile.h"
#include "sys/rootfs.h"
#include "util.h"

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static char *trim(char *s)
{
	size_t n;

	while (is_blank(*s))
		s++;
	n = strlen(s);
	while (n && is_blank(s[n - 1]))
		s[--n] = '\0';
	return s;
}

int conf_is_comment(const char *text)
{
	while (is_blank(*text))
		text++;
	return *text == '#';
}

static int add_line(struct conf_file *f, size_t *cap, int lineno, const char *text)
{
	if (array_reserve((void **)&f->lines, cap, f->n + 1, sizeof(*f->lines)))
		return -ENOMEM;
	f->lines[f->n].lineno = lineno;
	f->lines[f->n].text = strdup(text);
	if (!f->lines[f->n].text)
		return -ENOMEM;
	f->n++;
	return 0;
}

int conf_split(struct conf_file *f, char *buf)
{
	char *p = buf, *eol, *acc = NULL, *t;
	size_t cap = 0, acc_cap = 0, acc_len = 0, len;
	int lineno = 0, first = 0, err = 0, cont;

	while (*p && !err) {
		eol = strchr(p, '\n');
		if (eol)
			*eol = '\0';
		lineno++;
		len = strlen(p);
		if (len && p[len - 1] == '\r')
			p[--len] = '\0';
		cont = len && p[len - 1] == '\\';
		if (cont)
			p[--len] = '\0';
		if (!acc_len)
			first = lineno;
		/* the logical line so far, a blank, this line and its NUL */
		if (array_reserve((void **)&acc, &acc_cap, acc_len + len + 2, 1)) {
			err = -ENOMEM;
			break;
		}
		/* A continuation joins with one blank, as kmod and udev do. */
		if (acc_len) {
			while (acc_len && is_blank(acc[acc_len - 1]))
				acc_len--;
			acc[acc_len++] = ' ';
			while (len && is_blank(*p)) {
				p++;
				len--;
			}
		}
		memcpy(acc + acc_len, p, len);
		acc_len += len;
		acc[acc_len] = '\0';
		if (!cont || !eol) {
			t = trim(acc);
			if (*t)
				err = add_line(f, &cap, first, t);
			acc_len = 0;
		}
		if (!eol)
			break;
		p = eol + 1;
	}
	free(acc);
	return err;
}

/* Reads ROOT+PATH (links resolved inside ROOT) into OUT; BINARY false
 * refuses a file with a NUL byte (-EINVAL). Not a regular file: absent. */
static int read_lines(const char *root, const char *path, struct conf_file *out, bool binary)
{
	char *buf;
	ssize_t n;
	int err;

	memset(out, 0, sizeof(*out));
	n = root_read_alloc(root, path, CONF_FILE_MAX + 1, &buf);
	if (n == -EINVAL)
		n = -ENOENT;
	if (n < 0 || n > CONF_FILE_MAX || (!binary && memchr(buf, '\0', n))) {
		free(buf);
		return n < 0 ? (int)n : n > CONF_FILE_MAX ? -EFBIG : -EINVAL;
	}
	out->path = strdup(path);
	err = out->path ? conf_split(out, buf) : -ENOMEM;
	free(buf);
	if (err)
		conf_free(out);
	return err;
}

int conf_read(const char *root, const char *path, struct conf_file *out)
{
	return read_lines(root, path, out, true);
}

int conf_read_in_root(const char *root, const char *path, struct conf_file *out)
{
	return read_lines(root, path, out, false);
}

void conf_free(struct conf_file *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->lines[i].text);
	free(f->lines);
	free(f->path);
	memset(f, 0, sizeof(*f));
}

int conf_words(char *text, char **words, int max)
{
	int n = 0;

	while (n < max) {
		while (is_blank(*text))
			text++;
		if (!*text)
			break;
		words[n++] = text;
		while (*text && !is_blank(*text))
			text++;
		if (*text)
			*text++ = '\0';
	}
	return n;
}

/* ---- directory sets ------------------------------------------------------ */

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* A file of one of the directories; of the files of one name, the first
 * directory's is taken, and a masked one (a symlink to /dev/null, or
 * anything not a regular file) still hides later directories' files of
 * that name. */
struct entry {
	char *path;
	size_t dir;		/* its directory's place in the list */
	int regular;
};

/* By name, then directory: the one taken of each name comes first (a
 * sort, not a search of the names taken for each file: 16k files took
 * seconds). */
static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = strcmp(base_name(x->path), base_name(y->path));

	if (c)
		return c;
	return x->dir < y->dir ? -1 : x->dir > y->dir;
}

int conf_list(const char *root, const char *const *dirs, size_t ndirs,
	      const char *suffix, char ***paths, size_t *n)
{
	return conf_list_saying(root, dirs, ndirs, suffix, paths, n, NULL, NULL);
}

int conf_list_saying(const char *root, const char *const *dirs, size_t ndirs,
		     const char *suffix, char ***paths, size_t *n,
		     conf_unlisted_fn unlisted, void *ctx)
{
	char host[PATH_MAX], **list, **names = NULL;
	struct entry *e = NULL;
	size_t count = 0, cap = 0, kept = 0, i;
	struct stat st;
	int nnames = 0;

	*paths = NULL;
	*n = 0;
	for (size_t d = 0; d < ndirs; d++) {
		nnames = root_list(root, dirs[d], &names);
		if (nnames == -ENOMEM)
			goto nomem;
		if (nnames < 0 && unlisted)
			unlisted(ctx, dirs[d], nnames);
		for (int k = 0; k < nnames; k++) {
			const char *name = names[k];

			if ((suffix[0] && !str_has_suffix(name, suffix)) ||
			    snprintf(host, sizeof(host), "%s/%s", dirs[d], name) >= (int)sizeof(host))
				continue;
			if (array_reserve((void **)&e, &cap, count + 1, sizeof(*e)))
				goto nomem;
			e[count].dir = d;
			e[count].regular = !root_stat(root, host, &st, 1) && S_ISREG(st.st_mode);
			if (!(e[count].path = strdup(host)))
				goto nomem;
			count++;
		}
		root_names_free(names, nnames);
		names = NULL;
		nnames = 0;
	}
	if (count)
		qsort(e, count, sizeof(*e), cmp_entry);
	list = calloc(count + 1, sizeof(*list));
	if (!list)
		goto nomem;
	for (i = 0; i < count; i++)	/* the first of each name, if a file */
		if (e[i].regular && (!i || strcmp(base_name(e[i - 1].path), base_name(e[i].path))))
			list[kept++] = e[i].path;
		else
			e[i].regular = -1;	/* freed below: its name is compared next */
	for (i = 0; i < count; i++)
		if (e[i].regular < 0)
			free(e[i].path);
	free(e);
	*paths = list;
	*n = kept;
	return 0;
nomem:
	root_names_free(names, nnames);
	for (i = 0; i < count; i++)
		free(e[i].path);
	free(e);
	return -ENOMEM;
}

void conf_list_free(char **paths, size_t n)
{
	while (n)
		free(paths[--n]);
	free(paths);
}

bool conf_next_line(const char **text, char *line, size_t size, bool *indented, int *lineno)
{
	const char *p = *text, *end;
	size_t n;

	if (!*p)
		return false;
	end = p + strcspn(p, "\n");
	*text = *end ? end + 1 : end;
	if (lineno)
		(*lineno)++;
	*indented = *p == ' ' || *p == '\t';
	p += strspn(p, " \t");
	n = end - p;
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
		n--;
	snprintf(line, size, "%.*s", (int)(n < size ? n : size - 1), p);
	return true;
}
