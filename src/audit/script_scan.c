// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Static reading of what a script does to driver binding: see script_scan.h. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/script_scan.h"
#include "sys/conffile.h"
#include "sys/pci.h"
#include "sys/rootfs.h"
#include "util.h"

#define SCRIPT_MAX	(256 * 1024)	/* bytes read per script */
#define FOLLOW_MAX	32		/* files read per scan */
#define LINE_MAX_LEN	4096		/* longer lines are cut for matching */

static const char *const act_names[ACT_COUNT] = {
	[ACT_OVERRIDE_SET] = "writes a driver to driver_override",
	[ACT_OVERRIDE_CLEAR] = "clears driver_override",
	[ACT_BIND_HOST] = "binds a driver through its bind file",
	[ACT_BIND_VFIO] = "binds vfio-pci through its bind file",
	[ACT_UNBIND] = "unbinds a device",
	[ACT_PROBE] = "writes drivers_probe (reprobe)",
	[ACT_NEW_ID] = "adds a dynamic id (new_id)",
	[ACT_REMOVE] = "removes a device (remove)",
	[ACT_RESCAN] = "rescans the bus (rescan)",
	[ACT_DRIVERCTL] = "runs driverctl set-override",
	[ACT_DETACH] = "runs virsh nodedev-detach",
	[ACT_REATTACH] = "runs virsh nodedev-reattach",
	[ACT_MODPROBE_VFIO] = "loads vfio-pci",
	[ACT_BACKGROUND] = "starts a background process",
};

const char *script_act_name(enum script_act act)
{
	return act < ACT_COUNT ? act_names[act] : "";
}

bool script_act_binds(enum script_act act)
{
	return act != ACT_BACKGROUND && act != ACT_OVERRIDE_CLEAR && act < ACT_COUNT;
}

static bool is_word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* WORD in T with no word character on either side (the edges of WORD
 * that are themselves punctuation, like "/bind", need no boundary). */
static const char *find_word(const char *t, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = t; (p = strstr(p, word)); p++) {
		bool left = p == t || !is_word_char(word[0]) || !is_word_char(p[-1]);
		bool right = !is_word_char(word[n - 1]) || !is_word_char(p[n]);

		if (left && right)
			return p;
	}
	return NULL;
}

/* A '>' that redirects output into a file: not "->" or "=>" (Perl), not
 * ">&" or "2>" (stderr), not into /dev/null. Or a tee, or a language's
 * write call. */
static bool writes(const char *t)
{
	for (const char *p = strchr(t, '>'); p; p = strchr(p + 1, '>')) {
		const char *target = p + 1 + (p[1] == '>');

		target += strspn(target, " \t\"'");
		if ((p > t && (p[-1] == '-' || p[-1] == '=' || p[-1] == '2' || p[-1] == '>')) ||
		    *target == '&' || !strncmp(target, "/dev/null", 9))
			continue;
		return true;
	}
	return find_word(t, "tee") || strstr(t, "write(") || strstr(t, ".write") ||
	       find_word(t, "print") || find_word(t, "printf");
}

/* Binding files of other buses and classes that passthrough scripts write
 * next to the GPU's: the virtual consoles' bind, the EFI framebuffer's
 * platform driver. They are not PCI driver binding. */
static bool not_pci(const char *t)
{
	return strstr(t, "vtcon") || strstr(t, "/bus/platform/") || strstr(t, "efi-framebuffer") ||
	       strstr(t, "/sys/class/");
}

/* bind, unbind, remove and rescan are generic names: the line must show it
 * is about a PCI device or driver ("echo 0 > ${v}/bind" in a loop over
 * /sys/class/vtconsole says nothing, and is not one). */
static bool pci_evidence(const char *t)
{
	return strcasestr(t, "pci") || strcasestr(t, "driver") || strcasestr(t, "dev") ||
	       strstr(t, "0000:");
}

/* echo / printf / ":" writing nothing but a newline ("echo > f",
 * echo "" > f, printf '\n' > f, ": > f", "> f"), also inside a Perl or
 * Python system("...") call. */
static bool writes_empty(const char *t)
{
	const char *gt = strchr(t, '>'), *p, *cmd;
	char val[64];
	size_t n = 0;

	if (!gt)
		return false;
	p = t + strspn(t, " \t");
	if (p == gt || *p == ':')
		return true;
	cmd = find_word(t, "echo");
	if (!cmd || cmd > gt)
		cmd = find_word(t, "printf");
	if (!cmd || cmd > gt)
		return false;
	for (p = cmd + (*cmd == 'e' ? 4 : 6); p < gt && n + 1 < sizeof(val); p++) {
		if (*p == '-' && (p[-1] == ' ' || p[-1] == '\t')) {
			p += strcspn(p, " \t") - 1;	/* -n, -e, -ne */
			continue;
		}
		if (*p != '"' && *p != '\'' && *p != ' ' && *p != '\t')
			val[n++] = *p;
	}
	val[n] = '\0';
	return !n || !strcmp(val, "\\n");
}

static bool bind_file_of_stub(const char *t, const char *bind)
{
	static const char *const stubs[] = { "vfio-pci", "vfio_pci", "pci-stub", "pci_stub" };

	for (size_t i = 0; i < sizeof(stubs) / sizeof(stubs[0]); i++) {
		size_t n = strlen(stubs[i]);

		if (bind - t >= (long)n && !strncmp(bind - n, stubs[i], n))
			return true;
	}
	return false;
}

/* A '&' that sends a command to the background: not "&&", "&>", ">&", and
 * followed by the end of the command (end of line, quote, ')', ';'). */
static bool backgrounds(const char *t)
{
	for (const char *p = strchr(t, '&'); p; p = strchr(p + 1, '&')) {
		const char *q = p + 1 + strspn(p + 1, " \t");

		if (p[1] == '&' || p[1] == '>' || (p > t && (p[-1] == '&' || p[-1] == '>')))
			continue;
		if (!*q || *q == '"' || *q == '\'' || *q == ')' || *q == ';' || *q == '#')
			return true;
	}
	return find_word(t, "nohup") || find_word(t, "setsid") || find_word(t, "systemd-run") ||
	       find_word(t, "disown");
}

static bool loads_vfio(const char *t)
{
	const char *m = find_word(t, "modprobe");

	return m && (find_word(m, "vfio-pci") || find_word(m, "vfio_pci")) &&
	       !find_word(m, "-r") && !find_word(m, "--remove") && !find_word(m, "-rv");
}

/* The acts of line T, one bit each. */
static unsigned int classify(const char *t)
{
	unsigned int acts = 0;
	const char *b;

	if (writes(t) && !not_pci(t)) {
		if (strstr(t, "driver_override"))
			acts |= 1u << (strstr(t, "vfio") || strstr(t, "stub") || !writes_empty(t) ?
				       ACT_OVERRIDE_SET : ACT_OVERRIDE_CLEAR);
		if ((b = find_word(t, "/bind")) && pci_evidence(t))
			acts |= 1u << (bind_file_of_stub(t, b) ? ACT_BIND_VFIO : ACT_BIND_HOST);
		if (find_word(t, "/unbind") && pci_evidence(t))
			acts |= 1u << ACT_UNBIND;
		if (strstr(t, "drivers_probe"))
			acts |= 1u << ACT_PROBE;
		if (find_word(t, "/new_id"))
			acts |= 1u << ACT_NEW_ID;
		if (find_word(t, "/remove") && pci_evidence(t))
			acts |= 1u << ACT_REMOVE;
		if (find_word(t, "/rescan") && pci_evidence(t))
			acts |= 1u << ACT_RESCAN;
	}
	if (find_word(t, "driverctl")) {
		if (find_word(t, "set-override") && !strstr(t, "unset-override"))
			acts |= 1u << ACT_DRIVERCTL;
		if (strstr(t, "unset-override"))
			acts |= 1u << ACT_OVERRIDE_CLEAR;
	}
	if (find_word(t, "nodedev-detach") || find_word(t, "nodedev-dettach"))
		acts |= 1u << ACT_DETACH;
	if (find_word(t, "nodedev-reattach"))
		acts |= 1u << ACT_REATTACH;
	if (loads_vfio(t))
		acts |= 1u << ACT_MODPROBE_VFIO;
	if (backgrounds(t))
		acts |= 1u << ACT_BACKGROUND;
	return acts;
}

/* ---- results --------------------------------------------------------- */

static int add_hit(struct script_scan *s, enum script_act act, const char *file, int line,
		   const char *text, const char *func)
{
	struct script_hit *h;

	if (array_reserve((void **)&s->hits, &s->cap_hits, s->n + 1, sizeof(*s->hits)))
		return -ENOMEM;
	h = &s->hits[s->n];
	h->act = act;
	h->line = line;
	h->file = strdup(file);
	h->text = strndup(text, LINE_MAX_LEN);
	h->func = func ? strdup(func) : NULL;
	if (!h->file || !h->text || (func && !h->func)) {
		free(h->file);
		free(h->text);
		free(h->func);
		return -ENOMEM;
	}
	s->n++;
	s->seen |= 1u << act;
	return 0;
}

static int add_addr(struct script_scan *s, const char *bdf, const char *file, int line,
		    const char *text)
{
	struct script_addr *grown;

	for (size_t i = 0; i < s->naddrs; i++)
		if (!strcmp(s->addrs[i].bdf, bdf))
			return 0;
	if (array_reserve((void **)&s->addrs, &s->cap_addrs, s->naddrs + 1, sizeof(*s->addrs)))
		return -ENOMEM;
	grown = s->addrs;
	snprintf(grown[s->naddrs].bdf, sizeof(grown[0].bdf), "%s", bdf);
	grown[s->naddrs].line = line;
	grown[s->naddrs].file = strdup(file);
	grown[s->naddrs].text = strndup(text, LINE_MAX_LEN);
	if (!grown[s->naddrs].file || !grown[s->naddrs].text) {
		free(grown[s->naddrs].file);
		free(grown[s->naddrs].text);
		return -ENOMEM;
	}
	s->naddrs++;
	return 0;
}

/* "0000:0a:00.1", "0000:0a:00" or "0a:00.1" (the short form only with a
 * function, so that "10:30" is not an address). */
static bool addr_shape(const char *c)
{
	size_t seg[3], nseg = 0;
	const char *p = c, *dot = strchr(c, '.');

	while (nseg < 3) {
		seg[nseg++] = strspn(p, "0123456789abcdefABCDEF");
		p += seg[nseg - 1];
		if (*p != ':')
			break;
		p++;
	}
	if (*p && !(*p == '.' && p[1] >= '0' && p[1] <= '7' && !p[2]))
		return false;
	if (nseg == 3)
		return seg[0] == 4 && seg[1] == 2 && seg[2] == 2;
	return nseg == 2 && seg[0] == 2 && seg[1] == 2 && dot;
}

static int scan_addrs(struct script_scan *s, const char *file, int line, const char *t)
{
	char cand[32], bdf[PCI_BDF_LEN];
	unsigned int d, b, sl, fn;
	size_t n;
	int used;

	for (const char *p = t; *p; p++) {
		if (!strncmp(p, "pci_", 4) && (p == t || !is_word_char(p[-1])) &&
		    sscanf(p, "pci_%4x_%2x_%2x_%1u%n", &d, &b, &sl, &fn, &used) == 4 &&
		    used == 16 && !is_word_char(p[used]) && fn < 8) {
			snprintf(bdf, sizeof(bdf), "%04x:%02x:%02x.%u", d, b, sl, fn);
			if (add_addr(s, bdf, file, line, t))
				return -ENOMEM;
			p += used - 1;
			continue;
		}
		if (!isxdigit((unsigned char)*p) ||
		    (p > t && (is_word_char(p[-1]) || p[-1] == ':' || p[-1] == '.')))
			continue;
		n = strspn(p, "0123456789abcdefABCDEF:.");
		snprintf(cand, sizeof(cand), "%.*s", (int)(n < sizeof(cand) ? n : sizeof(cand) - 1), p);
		while (n && (cand[strlen(cand) - 1] == '.' || cand[strlen(cand) - 1] == ':')) {
			cand[strlen(cand) - 1] = '\0';
			n--;
		}
		if (!is_word_char(p[n]) && addr_shape(cand) &&
		    !pci_bdf_normalize(cand, bdf, sizeof(bdf), 1) && add_addr(s, bdf, file, line, t))
			return -ENOMEM;
		p += n ? n - 1 : 0;
	}
	return 0;
}

/* ---- following ------------------------------------------------------- */

static int scan_level(const char *root, const char *path, int level, struct script_scan *s);

/* Tools whose effect the command line itself tells (classify() reads
 * "driverctl set-override", "virsh nodedev-detach"): driverctl is a shell
 * script, and reading it would report its own sysfs writes for any use. */
static bool is_known_tool(const char *path)
{
	static const char *const tools[] = {
		"driverctl", "virsh", "modprobe", "systemctl", "udevadm", "qm", "pvesh",
	};
	const char *base = strrchr(path, '/') + 1;

	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
		if (!strcmp(base, tools[i]))
			return true;
	return false;
}

/* An absolute path without shell expansions, as the first word of T after
 * the words that only run what follows (sudo, exec, bash, ...), or after
 * "." / "source". */
static bool followed_path(const char *t, char *path, size_t size)
{
	static const char *const runners[] = {
		"sudo", "exec", "command", "nohup", "setsid", "source", ".", "sh", "bash", "dash",
		"/bin/sh", "/bin/bash", "/usr/bin/bash", "/bin/dash", "/usr/bin/env", "env",
	};
	char buf[LINE_MAX_LEN], *w[8];
	int n, i = 0;

	snprintf(buf, sizeof(buf), "%s", t);
	n = conf_words(buf, w, 8);
	while (i < n) {
		size_t k;

		for (k = 0; k < sizeof(runners) / sizeof(runners[0]); k++)
			if (!strcmp(w[i], runners[k]))
				break;
		if (k == sizeof(runners) / sizeof(runners[0]))
			break;
		i++;
	}
	if (i >= n)
		return false;
	w[i][strcspn(w[i], ";&|)")] = '\0';
	if (w[i][0] == '"' || w[i][0] == '\'') {
		w[i]++;
		w[i][strcspn(w[i], "\"'")] = '\0';
	}
	if (w[i][0] != '/' || strpbrk(w[i], "$`*?") || is_known_tool(w[i]))
		return false;
	snprintf(path, size, "%s", w[i]);
	return true;
}

static int keep_line(struct script_scan *s, const char *t, const char *func)
{
	struct script_line *grown;

	if (array_reserve((void **)&s->lines, &s->cap_lines, s->nlines + 1, sizeof(*s->lines)))
		return -ENOMEM;
	grown = s->lines;
	grown[s->nlines].text = strndup(t, LINE_MAX_LEN);
	grown[s->nlines].func = func ? strdup(func) : NULL;
	if (!grown[s->nlines].text || (func && !grown[s->nlines].func)) {
		free(grown[s->nlines].text);
		free(grown[s->nlines].func);
		return -ENOMEM;
	}
	s->nlines++;
	return 0;
}

/* "name() {", "name ()", "function name {": a shell function's first line
 * (NAME set). One-liners ("f() { ...; }") are theirs alone. */
static bool func_def(const char *t, char *name, size_t size)
{
	const char *p = t, *q;
	size_t n = 0;
	bool keyword = !strncmp(p, "function ", 9);

	if (keyword)
		p += 9;
	while (is_word_char(p[n]))
		n++;
	if (!n || n >= size || isdigit((unsigned char)p[0]))
		return false;
	q = p + n;
	q += strspn(q, " \t");
	if (!strncmp(q, "()", 2))
		q += 2;
	else if (!keyword)
		return false;
	q += strspn(q, " \t");
	if (*q && *q != '{')
		return false;
	memcpy(name, p, n);
	name[n] = '\0';
	return true;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The index of NAME among the N sorted NAMES, or N. */
static size_t name_at(const char *const *names, size_t n, const char *name)
{
	size_t k = array_lower_bound(names, n, sizeof(*names), &name, cmp_name);

	return k < n && !strcmp(names[k], name) ? k : n;
}

/* Marks in CALLED each of the N sorted function NAMES that line L names
 * as a whole word outside the function itself: every word of the line
 * looked up once (what find_word() would say for each name; a name is
 * word characters only, func_def() says so). */
static void mark_called(const char *const *names, size_t n, const struct script_line *l, bool *called)
{
	char word[64];

	for (const char *p = l->text; *p;) {
		size_t len = 0, k;

		while (*p && !is_word_char(*p))
			p++;
		while (is_word_char(p[len]))
			len++;
		if (len && len < sizeof(word)) {
			memcpy(word, p, len);
			word[len] = '\0';
			k = name_at(names, n, word);
			if (k < n && (!l->func || strcmp(l->func, names[k])))
				called[k] = true;
		}
		p += len;
	}
}

/* Drops the hits inside shell functions that no line outside them names.
 * The lines are read once for all the functions, not once per hit: 87,000
 * hits in a function nobody calls took 29 s. Returns 0 or -ENOMEM. */
static int drop_uncalled(struct script_scan *s)
{
	const char **names = NULL;
	size_t n_names = 0, cap_names = 0, kept = 0, distinct = 0;
	bool *called, *keep;

	for (size_t i = 0; i < s->n; i++) {
		const char **slot;

		if (!s->hits[i].func)
			continue;
		if (!(slot = array_push((void **)&names, &n_names, &cap_names, sizeof(*names)))) {
			free(names);
			return -ENOMEM;
		}
		*slot = s->hits[i].func;
	}
	array_sort(names, n_names, sizeof(*names), cmp_name);
	for (size_t i = 0; i < n_names; i++)
		if (!distinct || strcmp(names[distinct - 1], names[i]))
			names[distinct++] = names[i];
	called = calloc(distinct ? distinct : 1, sizeof(*called));
	keep = calloc(s->n ? s->n : 1, sizeof(*keep));
	if (!called || !keep) {
		free(called);
		free(keep);
		free(names);
		return -ENOMEM;
	}
	for (size_t k = 0; k < s->nlines && distinct; k++)
		mark_called(names, distinct, &s->lines[k], called);
	/* all decided before a hit is freed: NAMES are the hits' own strings */
	for (size_t i = 0; i < s->n; i++)
		keep[i] = !s->hits[i].func || called[name_at(names, distinct, s->hits[i].func)];
	for (size_t i = 0; i < s->n; i++) {
		struct script_hit *h = &s->hits[i];

		if (keep[i]) {
			s->hits[kept++] = *h;
			continue;
		}
		free(h->file);
		free(h->text);
		free(h->func);
	}
	free(keep);
	free(called);
	free(names);
	s->n = kept;
	s->seen = 0;
	for (size_t i = 0; i < s->n; i++)
		s->seen |= 1u << s->hits[i].act;
	return 0;
}

static int scan_line(const char *root, const char *file, int lineno, const char *t, int level,
		     const char *func, struct script_scan *s)
{
	unsigned int acts = classify(t);
	char next[1024];
	int err = keep_line(s, t, func);

	for (int act = 0; act < ACT_COUNT && !err; act++)
		if (acts & (1u << act))
			err = add_hit(s, act, file, lineno, t, func);
	if (!err)
		err = scan_addrs(s, file, lineno, t);
	if (!err && level < 1 && followed_path(t, next, sizeof(next)))
		err = scan_level(root, next, level + 1, s);
	return err;
}

/* How much deeper in brace groups a shell line ends than it began: its
 * "{" and "}" words, outside quotes and comments ("${x}" and "{a,b}" are
 * neither). *OPENED when it has a "{". A body may close on a line of its
 * own ("}"), after a command ("cmd; }"), with a redirection ("} >>log"),
 * or hold a group of its own ("[ -e x ] || { echo no; exit 1; }"). */
static int brace_delta(const char *t, bool *opened)
{
	int delta = 0;
	char quote = 0;

	for (const char *p = t; *p; p++) {
		bool word_start = p == t || strchr(" \t;&|(", p[-1]);

		if (quote) {
			if (*p == '\\' && quote == '"' && p[1])
				p++;
			else if (*p == quote)
				quote = 0;
			continue;
		}
		if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (*p == '\\' && p[1]) {
			p++;
		} else if (*p == '#' && (p == t || p[-1] == ' ' || p[-1] == '\t')) {
			break;
		} else if (*p == '{' && (word_start || p[-1] == ')') &&	/* "name(){" */
			   (!p[1] || p[1] == ' ' || p[1] == '\t')) {
			delta++;
			*opened = true;
		} else if (*p == '}' && word_start && (!p[1] || strchr(" \t;&|)<>#", p[1]))) {
			delta--;
		}
	}
	return delta;
}

static int scan_level(const char *root, const char *path, int level, struct script_scan *s)
{
	struct conf_file f = { 0 };
	char *buf, func[64] = "";
	bool body_opened = false;	/* FUNC's "{" seen ("name()" may have it next line) */
	int depth = 0;			/* brace groups open in FUNC's body */
	ssize_t n;
	int err = 0;

	if (s->followed >= FOLLOW_MAX) {
		if (!s->cut[0])
			snprintf(s->cut, sizeof(s->cut), "%s not read: more than %d files sourced or "
				 "called", path, FOLLOW_MAX);
		return 0;
	}
	s->followed++;
	n = root_read_alloc(root, path, SCRIPT_MAX, &buf);
	if (n == -ENOMEM)
		return n;
	/* absent or not a file: nothing runs there; unreadable: not known */
	if (n < 0 && n != -ENOENT && n != -EINVAL && n != -ENOTDIR && !s->cut[0])
		snprintf(s->cut, sizeof(s->cut), "%s: %s", path, strerror((int)-n));
	/* Text only: an ELF binary (driverctl, bash, sshd) says nothing here. */
	if (n <= 0 || memchr(buf, '\0', n < SCRIPT_MAX ? n : SCRIPT_MAX)) {
		free(buf);
		return 0;
	}
	if (n >= SCRIPT_MAX) {	/* a file of MAX bytes or more reads as MAX */
		if (!s->cut[0])
			snprintf(s->cut, sizeof(s->cut), "%s: only its first %d KiB read", path,
				 SCRIPT_MAX / 1024);
		n = SCRIPT_MAX;
		buf[n] = '\0';
	}
	f.path = (char *)path;
	err = conf_split(&f, buf);
	free(buf);
	for (size_t i = 0; i < f.n && !err; i++) {
		const char *t = f.lines[i].text;
		char def[64];

		if (conf_is_comment(t))
			continue;
		if (!func[0] && func_def(t, def, sizeof(def))) {
			/* a one-liner is its own body; else the body runs to the
			 * "}" that closes it */
			body_opened = false;
			depth = brace_delta(t, &body_opened);
			err = scan_line(root, path, f.lines[i].lineno, t, level, def, s);
			if (!body_opened || depth > 0)
				snprintf(func, sizeof(func), "%s", def);
			continue;
		}
		if (func[0]) {
			depth += brace_delta(t, &body_opened);
			if (body_opened && depth <= 0) {
				/* the closing line: what it runs before its "}" is the body's */
				if (t[0] != '}')
					err = scan_line(root, path, f.lines[i].lineno, t, level, func, s);
				func[0] = '\0';
				continue;
			}
		}
		err = scan_line(root, path, f.lines[i].lineno, t, level, func[0] ? func : NULL, s);
	}
	f.path = NULL;
	conf_free(&f);
	return err;
}

int script_scan_file(const char *root, const char *path, struct script_scan *s)
{
	int err = scan_level(root, path, 0, s);

	return err ? err : drop_uncalled(s);
}

int script_scan_command(const char *root, const char *file, int line, const char *cmd,
			struct script_scan *s)
{
	int err = scan_line(root, file, line, cmd, -1, NULL, s);

	return err ? err : drop_uncalled(s);
}

void script_scan_free(struct script_scan *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->hits[i].file);
		free(s->hits[i].text);
		free(s->hits[i].func);
	}
	for (size_t i = 0; i < s->nlines; i++) {
		free(s->lines[i].text);
		free(s->lines[i].func);
	}
	free(s->lines);
	for (size_t i = 0; i < s->naddrs; i++) {
		free(s->addrs[i].file);
		free(s->addrs[i].text);
	}
	free(s->hits);
	free(s->addrs);
	memset(s, 0, sizeof(*s));
}

bool script_has(const struct script_scan *s, enum script_act act)
{
	return s->seen & (1u << act);
}

const struct script_hit *script_first(const struct script_scan *s, enum script_act act)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->hits[i].act == act)
			return &s->hits[i];
	return NULL;
}
