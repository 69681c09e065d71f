// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* One redaction mapping per bundle: see redact.h for the rules. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "redact/redact.h"
#include "redact/redact_patterns.h"
#include "sys/conffile.h"
#include "sys/sysfs.h"
#include "util.h"

/* Names matched at every position of every text: past this many, a trace
 * (crafted or not) would make a redacted bundle quadratic; it fails. */
#define NAMES_MAX	4096

struct pair {
	char *orig, *repl;
};

struct redact {
	struct pair *names;		/* hosts, users, homes; longest first */
	size_t nnames, namecap;
	/* Why a name could not be kept, "" while all were: it would pass in
	 * clear, so from then on every redaction fails, and the bundle. */
	char failure[160];
	int nhosts, nusers;
	struct pair *args;		/* "KIND:value" -> <KIND-N> */
	size_t nargs, argcap;
	struct {
		const char *kind;
		size_t n;
	} kinds[8];			/* stand-ins made so far, by kind */
	char **keep;			/* driver names seen in traces */
	size_t nkeep, keepcap;
};

/* Arguments hooks and managers take that say what happened. */
static const char *const keep_words[] = {
	"pre-start", "post-start", "pre-stop", "post-stop",
	"prepare", "start", "started", "stopped", "release", "migrate", "restore",
	"reconnect", "attach", "begin", "end", "stop", "shutdown", "cleanup", "reboot",
	"reset", "destroy", "nodedev-detach", "nodedev-reattach", "nodedev-reset",
	"set-override", "unset-override", "load-override", "list-overrides",
	"bind", "unbind", "add", "remove", "change", "rescan",
	"vfio-pci", "vfio_pci", "vfio", "vfio_iommu_type1", "vfio-pci-core", "pci-stub",
	"pci_stub", "nouveau", "nvidia", "nvidia_drm", "nvidia-drm", "nvidia_modeset",
	"nvidia-modeset", "nvidia_uvm", "nvidia-uvm", "amdgpu", "radeon", "i915", "xe",
	"snd_hda_intel", "snd-hda-intel", "snd_hda_codec_hdmi", "drm", "xhci_hcd",
};

/* QEMU options whose value names the VM or a passed-through device. */
static const char *const keep_value_of[] = { "-id", "-name", "-pidfile" };

struct redact *redact_new(void)
{
	return calloc(1, sizeof(struct redact));
}

void redact_free(struct redact *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->nnames; i++) {
		free(r->names[i].orig);
		free(r->names[i].repl);
	}
	free(r->names);
	for (i = 0; i < r->nargs; i++) {
		free(r->args[i].orig);
		free(r->args[i].repl);
	}
	for (i = 0; i < r->nkeep; i++)
		free(r->keep[i]);
	free(r->args);
	free(r->keep);
	free(r);
}

static const char *lookup(const struct redact *r, const char *orig)
{
	for (size_t i = 0; i < r->nnames; i++)
		if (!strcmp(r->names[i].orig, orig))
			return r->names[i].repl;
	return NULL;
}

static void fail(struct redact *r, const char *fmt, ...)
{
	va_list ap;

	if (r->failure[0])
		return;
	va_start(ap, fmt);
	vsnprintf(r->failure, sizeof(r->failure), fmt, ap);
	va_end(ap);
}

static void add_pair(struct redact *r, const char *orig, const char *repl)
{
	struct pair p;
	size_t i;

	if (!orig[0] || lookup(r, orig))
		return;
	if (r->nnames == NAMES_MAX) {
		fail(r, "more than %d names to hide", NAMES_MAX);
		return;
	}
	p.orig = strdup(orig);
	p.repl = strdup(repl);
	if (!p.orig || !p.repl ||
	    array_reserve((void **)&r->names, &r->namecap, r->nnames + 1, sizeof(*r->names))) {
		free(p.orig);
		free(p.repl);
		fail(r, "%s", strerror(ENOMEM));
		return;
	}
	/* Longest first, so "pve1.lan" is replaced before "pve1". */
	for (i = r->nnames; i > 0 && strlen(r->names[i - 1].orig) < strlen(orig); i--)
		r->names[i] = r->names[i - 1];
	r->names[i] = p;
	r->nnames++;
}

void redact_add_host(struct redact *r, const char *name)
{
	char repl[32], shortname[256];
	const char *known;
	size_t n;

	if (!name[0] || !strcmp(name, "localhost") || !strcmp(name, "(none)") ||
	    !strcmp(name, "localhost.localdomain"))
		return;
	n = strcspn(name, ".");
	snprintf(shortname, sizeof(shortname), "%.*s", (int)n, name);
	known = lookup(r, name);
	if (!known)
		known = lookup(r, shortname);
	if (!known) {
		snprintf(repl, sizeof(repl), "host-%d", ++r->nhosts);
		known = repl;
	} else {
		snprintf(repl, sizeof(repl), "%s", known);
		known = repl;
	}
	add_pair(r, name, known);
	add_pair(r, shortname, known);
}

void redact_add_user(struct redact *r, const char *name, const char *home)
{
	char repl[32], home_repl[48];
	const char *known = lookup(r, name);

	if (known) {
		snprintf(repl, sizeof(repl), "%s", known);
	} else {
		snprintf(repl, sizeof(repl), "user-%d", ++r->nusers);
		add_pair(r, name, repl);
	}
	if (home && home[0] == '/' && home[1] && strcmp(home, "/nonexistent") &&
	    strncmp(home, "/var/", 5) && strcmp(home, "/root")) {
		snprintf(home_repl, sizeof(home_repl), "/home/%s", repl);
		add_pair(r, home, home_repl);
	}
}

void redact_keep_word(struct redact *r, const char *word)
{
	if (!word[0])
		return;
	for (size_t i = 0; i < r->nkeep; i++)
		if (!strcmp(r->keep[i], word))
			return;
	if (array_reserve((void **)&r->keep, &r->keepcap, r->nkeep + 1, sizeof(*r->keep)))
		return;
	if ((r->keep[r->nkeep] = strdup(word)))
		r->nkeep++;
}

const char *redact_host_name(const struct redact *r, const char *name)
{
	const char *repl = lookup(r, name);

	return repl && !strncmp(repl, "host-", 5) ? repl : NULL;
}

/* An error that leaves a name unknown though the file has one: too long
 * to read whole, unreadable. A file that is not there holds none. */
static bool name_unread(int err)
{
	return err < 0 && err != -ENOENT && err != -ENOTDIR && err != -EINVAL;
}

/* /etc/hostname as hostname(5) has it: the name on a line, comment lines
 * ("#") ignored. Every other line is taken as a name too: more hidden,
 * never less. */
static void learn_hostname_file(struct redact *r, const char *root)
{
	struct conf_file f;
	int err = conf_read(root, "/etc/hostname", &f);

	if (err) {
		if (name_unread(err))
			fail(r, "/etc/hostname: cannot read it whole (%s)", strerror(-err));
		return;
	}
	for (size_t i = 0; i < f.n; i++) {
		const char *name = f.lines[i].text;

		if (conf_is_comment(name))
			continue;
		if (strlen(name) >= 256)
			fail(r, "/etc/hostname: a name of %zu bytes", strlen(name));
		else
			redact_add_host(r, name);
	}
	conf_free(&f);
}

int redact_learn_system(struct redact *r, const char *root)
{
	char buf[256];
	struct conf_file f;
	const char *home;
	int err;

	/* the kernel's: at most 64 bytes (HOST_NAME_MAX) */
	if (sysfs_read(root, "/proc/sys/kernel/hostname", buf, sizeof(buf)) > 0)
		redact_add_host(r, buf);
	if (sys_root_is_live(root) && !gethostname(buf, sizeof(buf)))
		redact_add_host(r, buf);
	learn_hostname_file(r, root);
	err = conf_read(root, "/etc/passwd", &f);
	if (name_unread(err))
		fail(r, "/etc/passwd: cannot read it whole (%s)", strerror(-err));
	if (!err) {
		for (size_t i = 0; i < f.n; i++) {
			char *fields[7], *p = f.lines[i].text;
			int k;
			long uid;

			for (k = 0; k < 7 && p; k++) {
				fields[k] = p;
				p = strchr(p, ':');
				if (p)
					*p++ = '\0';
			}
			if (k < 6)
				continue;
			uid = strtol(fields[2], NULL, 10);
			if (uid >= 1000 && uid != 65534)
				redact_add_user(r, fields[0], fields[5]);
		}
		conf_free(&f);
	}
	home = getenv("HOME");
	if (sys_root_is_live(root) && home && strcmp(home, "/root") && strcmp(home, "/") &&
	    !lookup(r, home)) {
		const char *base = strrchr(home, '/');

		redact_add_user(r, base && base[1] ? base + 1 : home, home);
	}
	return r->failure[0] ? -1 : 0;
}

/* ---- text ---------------------------------------------------------------- */

static bool is_host(const struct pair *p)
{
	return !strncmp(p->repl, "host-", 5);
}

/* What a name cannot end at. A host name is a whole name: its labels are
 * letters, digits and '-', so "vm-111-disk-0" on a host named "vm" is
 * another name, and "vm.lan", "vm:" or "vm_old" hold it. For a user only
 * letters and digits make a word: "alice_old" and "alice-admin" still show
 * the name inside them, and hiding it matters more than the look of the
 * result. */
static bool name_char(const struct pair *p, char c)
{
	return isalnum((unsigned char)c) || (c == '-' && is_host(p));
}

/* Our own file names hold the host between hyphens: record names a trace
 * gputrace-HOST-DATE-TIME.gtrace. */
static bool in_trace_name(const struct pair *p, const char *in, size_t i)
{
	static const char prefix[] = "gputrace-";
	size_t n = sizeof(prefix) - 1;

	return is_host(p) && i >= n && !memcmp(in + i - n, prefix, n) &&
	       (i == n || !name_char(p, in[i - n - 1]));
}

/* Whether names[k] matches at IN+I as a whole word. */
static bool match_at(const struct pair *p, const char *in, size_t len, size_t i)
{
	size_t n;
	bool trace_name;

	if (in[i] != p->orig[0])	/* most places: no strlen, no memcmp */
		return false;
	n = strlen(p->orig);
	if (!n || n > len - i || memcmp(in + i, p->orig, n))
		return false;
	trace_name = in_trace_name(p, in, i);
	/* a name right after a URL escape ("%2Fhome%2Falice", "%40alice")
	 * starts a word too */
	if (p->orig[0] != '/' && i > 0 && name_char(p, in[i - 1]) && !trace_name &&
	    !(i >= 3 && in[i - 3] == '%' && isxdigit((unsigned char)in[i - 2])))
		return false;
	if (i + n < len && name_char(p, in[i + n]) && name_char(p, p->orig[n - 1]) &&
	    !(trace_name && in[i + n] == '-'))
		return false;
	/* /etc/pve stays /etc/pve on a host named "pve" */
	if (is_host(p) && i >= 5 && !memcmp(in + i - 5, "/etc/", 5))
		return false;
	/* an option name ("--vm" on a host named "vm") is not a name */
	if (i > 0 && in[i - 1] == '-' && (i == 1 || !isalnum((unsigned char)in[i - 2])))
		return false;
	return true;
}

struct buf {
	char *p;
	size_t len, cap;
	bool failed;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (n > SIZE_MAX / 2 - b->len ||
	    array_reserve((void **)&b->p, &b->cap, b->len + n + 1, 1)) {
		b->failed = true;
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static char *finish(struct buf *b, size_t *outlen)
{
	if (!b->failed)
		put(b, "", 0);
	if (b->failed) {
		free(b->p);
		return NULL;
	}
	*outlen = b->len;
	return b->p;
}

static const char *standin(struct redact *r, const char *kind, const char *value, size_t len);

/* A directory under /home is a user's even when /etc/passwd does not name
 * them (a directory service, another host's trace): "/home/NAME" at IN+I
 * gets a /home/user-N of its own the first time it is seen, the stand-in
 * of NAME when NAME is a known user. Only the directory: a bare NAME may
 * be any word ("/home/data"). Our own stand-ins stay as they are. */
static void learn_home_at(struct redact *r, const char *in, size_t len, size_t i)
{
	static const char home[] = "/home/";
	char dir[256], repl[48];
	const char *user;
	size_t n = sizeof(home) - 1, end = i + n;

	if (len - i <= n || memcmp(in + i, home, n))
		return;
	while (end < len && (isalnum((unsigned char)in[end]) || strchr("._-", in[end])))
		end++;
	if (end == i + n)
		return;
	if (end - i >= sizeof(dir)) {
		fail(r, "a home directory of %zu bytes", end - i);
		return;
	}
	snprintf(dir, sizeof(dir), "%.*s", (int)(end - i), in + i);
	if (!strcmp(dir + n, ".") || !strcmp(dir + n, "..") || lookup(r, dir) ||
	    (!strncmp(dir + n, "user-", 5) && dir[n + 5] &&
	     !dir[n + 5 + strspn(dir + n + 5, "0123456789")]))
		return;
	user = lookup(r, dir + n);
	if (user && !strncmp(user, "user-", 5))
		snprintf(repl, sizeof(repl), "/home/%s", user);
	else
		snprintf(repl, sizeof(repl), "/home/user-%d", ++r->nusers);
	add_pair(r, dir, repl);
}

static void redact_into(struct redact *r, struct buf *b, const char *in, size_t len)
{
	size_t i = 0, start = 0, k;
	struct redact_match m;

	while (i < len) {
		learn_home_at(r, in, len, i);
		for (k = 0; k < r->nnames; k++)
			if (match_at(&r->names[k], in, len, i))
				break;
		if (k == r->nnames && redact_pattern_at(in, len, i, &m)) {
			const char *s = standin(r, m.kind, in + i + m.keep, m.len - m.keep);

			put(b, in + start, i + m.keep - start);
			put(b, s, strlen(s));
			i += m.len;
			start = i;
			continue;
		}
		if (k == r->nnames) {
			i++;
			continue;
		}
		put(b, in + start, i - start);
		put(b, r->names[k].repl, strlen(r->names[k].repl));
		i += strlen(r->names[k].orig);
		start = i;
	}
	put(b, in + start, len - start);
}

/* The redacted copy, or NULL when a name was lost, now or before, or
 * memory ran out: and then every later one fails too. */
static char *finish_redacted(struct redact *r, struct buf *b, size_t *outlen)
{
	char *out;

	if (r->failure[0])
		b->failed = true;
	out = finish(b, outlen);
	if (!out)
		fail(r, "%s", strerror(ENOMEM));
	return out;
}

void redact_fail(struct redact *r, const char *why)
{
	fail(r, "%s", why);
}

const char *redact_failure(const struct redact *r)
{
	return r->failure[0] ? r->failure : NULL;
}

char *redact_text(struct redact *r, const char *in, size_t len, size_t *outlen)
{
	struct buf b = { 0 };

	redact_into(r, &b, in, len);
	return finish_redacted(r, &b, outlen);
}

char *redact_json(struct redact *r, const char *in, size_t len, size_t *outlen)
{
	struct buf b = { 0 };
	size_t i = 0, start, end, after;

	while (i < len) {
		if (in[i] != '"') {
			start = i;
			while (i < len && in[i] != '"')
				i++;
			put(&b, in + start, i - start);
			continue;
		}
		start = ++i;
		while (i < len && in[i] != '"')
			i += in[i] == '\\' ? 2 : 1;
		end = i < len ? i : len;
		after = end + 1;
		while (after < len && isspace((unsigned char)in[after]))
			after++;
		put(&b, "\"", 1);
		if (after < len && in[after] == ':')
			put(&b, in + start, end - start);	/* a key */
		else
			redact_into(r, &b, in + start, end - start);
		if (end < len)
			put(&b, "\"", 1);
		i = end + 1;
	}
	return finish_redacted(r, &b, outlen);
}

/* Is IN (at I, LEN bytes) the tag "<NAME" (any case), followed by a space,
 * '>' or '/'? */
static bool tag_at(const char *in, size_t i, size_t len, const char *name)
{
	size_t n = strlen(name);

	return i + 1 + n < len && in[i] == '<' && !strncasecmp(in + i + 1, name, n) &&
	       (in[i + 1 + n] == '>' || in[i + 1 + n] == '/' || isspace((unsigned char)in[i + 1 + n]));
}

char *redact_html(struct redact *r, const char *in, size_t len, size_t *outlen)
{
	struct buf b = { 0 };
	size_t i = 0, start;

	while (i < len) {
		if (in[i] != '<') {
			struct buf t = { 0 };

			start = i;
			while (i < len && in[i] != '<')
				i++;
			/* the text has no '<' of its own: each one now is a
			 * stand-in's ("<ip-1>"), escaped to show as text */
			redact_into(r, &t, in + start, i - start);
			for (size_t k = 0; k < t.len; k++)
				if (t.p[k] == '<' || t.p[k] == '>')
					put(&b, t.p[k] == '<' ? "&lt;" : "&gt;", 4);
				else
					put(&b, t.p + k, 1);
			b.failed |= t.failed;
			free(t.p);
			continue;
		}
		/* a style or script element: the page's own code, to its end tag */
		if (tag_at(in, i, len, "style") || tag_at(in, i, len, "script")) {
			const char *end = tag_at(in, i, len, "style") ? "</style" : "</script";
			const char *e = memmem(in + i, len - i, end, strlen(end));

			start = i;
			i = e ? (size_t)(e - in) : len;
			put(&b, in + start, i - start);
		}
		start = i;
		while (i < len && in[i] != '>')
			i++;
		i += i < len;
		put(&b, in + start, i - start);	/* markup: tag names, classes */
	}
	return finish_redacted(r, &b, outlen);
}

/* ---- argv ---------------------------------------------------------------- */

/* Numbers stay (VMIDs, pids, sizes): decimal or hex, with a fraction or a
 * size suffix ("8192M", "0.5", "0x10de", "-1"). */
static bool is_number(const char *s)
{
	const char *d;

	if (*s == '-' || *s == '+')
		s++;
	if ((s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))) {
		for (d = s + 2; isxdigit((unsigned char)*d); d++)
			;
		return d > s + 2 && !*d;
	}
	for (d = s; isdigit((unsigned char)*d); d++)
		;
	if (d == s)
		return false;
	if (*d == '.' && isdigit((unsigned char)d[1]))
		for (d++; isdigit((unsigned char)*d); d++)
			;
	if (*d && strchr("kKmMgGtT", *d))
		d++;
	if (*d == 'i' && d[1] == 'B')
		d += 2;
	else if (*d == 'B')
		d++;
	return !*d;
}

/* A path ("/root/fix.sh", "./fix.sh", "~/bin/x"): a script run through an
 * interpreter is the culprit, and its path is what the report names. It
 * goes through redact_text like argv[0], so the users, hosts and addresses
 * in it are replaced and the rest stays. With '=' or ',' it is an option
 * string ("/dev/sdb,serial=X"), not a path. */
static bool is_path(const char *arg)
{
	if (arg[0] != '/' && strncmp(arg, "./", 2) && strncmp(arg, "../", 3) &&
	    !(arg[0] == '~' && strchr(arg, '/')))
		return false;
	return !strpbrk(arg, "=,");
}

/* An option whose value is a secret whatever its shape: "--password 1234",
 * "--token=/abc" are not numbers or paths to keep. */
static bool is_secret_option(const char *opt, size_t len)
{
	static const char *const words[] = { "pass", "token", "secret", "key", "cred", "auth" };
	char name[64];

	if (opt[0] != '-')
		return false;
	snprintf(name, sizeof(name), "%.*s", (int)len, opt);
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasestr(name, words[i]))
			return true;
	return false;
}

static bool hexn(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* A PCI address ("0a:00.0", "0000:0a:00.0") or id pair ("10de:1b80",
 * "10de 1b80") anywhere in S. */
static bool has_pci_ref(const char *arg)
{
	for (const char *s = arg; *s; s++) {
		if (s > arg && isxdigit((unsigned char)s[-1]))
			continue;
		if (hexn(s, 2) && s[2] == ':' && hexn(s + 3, 2) && s[5] == '.' && s[6] >= '0' && s[6] <= '7')
			return true;
		if (hexn(s, 4) && (s[4] == ':' || s[4] == ' ') && hexn(s + 5, 4) &&
		    !isxdigit((unsigned char)s[9]))
			return true;
	}
	return false;
}

static bool keep_arg(const struct redact *r, const char *arg, const char *prev)
{
	size_t i;

	if (!arg[0] || (arg[0] == '-' && !strchr(arg, '=')))
		return true;			/* an option name */
	if (prev && !strchr(prev, '=') && is_secret_option(prev, strlen(prev)))
		return false;
	if (is_number(arg))
		return true;
	for (i = 0; i < sizeof(keep_value_of) / sizeof(keep_value_of[0]); i++)
		if (prev && !strcmp(prev, keep_value_of[i]))
			return true;
	if (prev && (!strcmp(prev, "-device") || !strcmp(prev, "--device")))
		return strstr(arg, "vfio-pci") != NULL;
	if (strstr(arg, "/sys/") || !strncmp(arg, "/sys", 4) || has_pci_ref(arg) ||
	    is_path(arg))
		return true;
	for (i = 0; i < sizeof(keep_words) / sizeof(keep_words[0]); i++)
		if (!strcmp(arg, keep_words[i]))
			return true;
	for (i = 0; i < r->nkeep; i++)
		if (!strcmp(arg, r->keep[i]))
			return true;
	return false;
}

/* A UUID by its hex digits alone, lower case: libvirt writes an SMBIOS
 * UUID without dashes, firmware in capitals, and both are the one in
 * <uuid>. */
static char *uuid_key(const char *value, size_t len)
{
	char *key = malloc(len + sizeof("uuid:"));
	size_t n = 5;

	if (!key)
		return NULL;
	memcpy(key, "uuid:", 5);
	for (size_t i = 0; i < len; i++)
		if (isxdigit((unsigned char)value[i]))
			key[n++] = (char)tolower((unsigned char)value[i]);
	key[n] = 0;
	return key;
}

/* <KIND-N> for VALUE, the same N for the same value everywhere. */
static const char *standin(struct redact *r, const char *kind, const char *value, size_t len)
{
	char repl[48], *key;
	size_t i, k, n;

	if (!strcmp(kind, "uuid"))
		key = uuid_key(value, len);
	else if (asprintf(&key, "%s:%.*s", kind, (int)len, value) < 0)
		key = NULL;
	if (!key)
		return "<redacted>";
	for (i = 0; i < r->nargs; i++)
		if (!strcmp(r->args[i].orig, key)) {
			free(key);
			return r->args[i].repl;
		}
	for (k = 0; k < sizeof(r->kinds) / sizeof(r->kinds[0]); k++)
		if (!r->kinds[k].kind || !strcmp(r->kinds[k].kind, kind))
			break;
	if (k == sizeof(r->kinds) / sizeof(r->kinds[0])) {
		free(key);
		return "<redacted>";
	}
	r->kinds[k].kind = kind;	/* static strings */
	n = r->kinds[k].n;
	if (array_reserve((void **)&r->args, &r->argcap, r->nargs + 1, sizeof(*r->args))) {
		free(key);
		return "<redacted>";
	}
	snprintf(repl, sizeof(repl), "<%s-%zu>", kind, n + 1);
	r->args[r->nargs].orig = key;
	r->args[r->nargs].repl = strdup(repl);
	if (!r->args[r->nargs].repl) {
		free(key);
		return "<redacted>";
	}
	r->kinds[k].n++;
	return r->args[r->nargs++].repl;
}

static const char *arg_standin(struct redact *r, const char *value)
{
	return standin(r, "arg", value, strlen(value));
}

char *redact_argv(struct redact *r, const char *in, size_t len, size_t *outlen)
{
	struct buf b = { 0 };
	const char *prev = NULL;
	char *copy;
	size_t i, n;
	int argi = 0;

	copy = malloc(len + 1);
	if (!copy) {
		fail(r, "%s", strerror(ENOMEM));
		return NULL;
	}
	memcpy(copy, in, len);
	copy[len] = '\0';
	for (i = 0; i < len; i += n + 1, argi++) {
		const char *arg = copy + i, *eq, *repl;

		n = strnlen(arg, len - i);
		if (argi == 0 || keep_arg(r, arg, prev)) {
			redact_into(r, &b, arg, n);
		} else {
			eq = arg[0] == '-' ? strchr(arg, '=') : NULL;
			if (eq) {		/* --opt=value: the name stays */
				put(&b, arg, eq + 1 - arg);
				arg = eq + 1;
			}
			if (eq && !is_secret_option(copy + i, eq - (copy + i)) &&
			    keep_arg(r, arg, NULL)) {	/* --vmid=111 */
				redact_into(r, &b, arg, strlen(arg));
			} else {
				repl = arg_standin(r, arg);
				put(&b, repl, strlen(repl));
			}
		}
		if (i + n < len)
			put(&b, "", 1);		/* the NUL separator */
		prev = copy + i;
	}
	free(copy);
	return finish_redacted(r, &b, outlen);
}
