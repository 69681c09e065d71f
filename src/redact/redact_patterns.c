// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "redact/redact_patterns.h"

static bool hex(char c)
{
	return isxdigit((unsigned char)c);
}

static bool alnum(char c)
{
	return isalnum((unsigned char)c);
}

/* Nothing word-like right before I: the value starts a token. */
static bool starts_token(const char *in, size_t i, const char *also)
{
	/* after a URL escape ("%20AAAA...", "%2Fhome") a token starts too */
	if (i >= 3 && in[i - 3] == '%' && hex(in[i - 2]) && hex(in[i - 1]))
		return true;
	return i == 0 || (!alnum(in[i - 1]) && !strchr(also, in[i - 1]));
}

/* Whether the colon right before IN+I ends a label ("hwaddr:", "uuid:",
 * "inet6 addr:") and not a group of an address, a BDF or a time: the word
 * before it has a letter that is no hex digit, or is longer than an IPv6
 * group. Any value may start after a label. */
static bool after_label(const char *in, size_t i)
{
	size_t w;
	bool word = false;

	if (i < 2 || in[i - 1] != ':')
		return false;
	for (w = i - 1; w > 0 && alnum(in[w - 1]); w--)
		word |= !hex(in[w - 1]);
	return word || i - 1 - w > 4;
}

/* A decimal 0..255 at IN+I: its length, 0 if none. */
static size_t octet(const char *in, size_t len, size_t i)
{
	size_t n = 0;
	unsigned v = 0;

	while (i + n < len && n < 4 && isdigit((unsigned char)in[i + n]))
		v = v * 10 + (in[i + n++] - '0');
	return n && n < 4 && v <= 255 ? n : 0;
}

/* A "/N" prefix length (0..32) at IN+P: its length, 0 if none. What
 * follows an address after a slash may be something else that starts
 * with digits: netconsole's "10.0.0.8/00:11:22:33:44:55" names a MAC. */
static size_t prefix_len(const char *in, size_t len, size_t p)
{
	size_t q = p + 1;
	unsigned bits = 0;

	if (q >= len || in[p] != '/')
		return 0;
	while (q < len && q < p + 3 && isdigit((unsigned char)in[q]))
		bits = bits * 10 + (in[q++] - '0');
	if (q == p + 1 || bits > 32 || (q < len && (alnum(in[q]) || in[q] == ':')))
		return 0;
	return q - p;
}

static size_t ipv4_at(const char *in, size_t len, size_t i)
{
	size_t p = i, n;

	for (int k = 0; k < 4; k++) {
		if (k) {
			if (p >= len || in[p] != '.')
				return 0;
			p++;
		}
		if (!(n = octet(in, len, p)))
			return 0;
		p += n;
	}
	/* a fifth number: a version string, not an address */
	if (p < len && (alnum(in[p]) || (in[p] == '.' && p + 1 < len && isdigit((unsigned char)in[p + 1]))))
		return 0;
	return p - i + prefix_len(in, len, p);
}

static size_t ipv6_at(const char *in, size_t len, size_t i)
{
	size_t p = i, colons = 0, v4;
	bool dbl = false;

	while (p < len && (hex(in[p]) || in[p] == ':')) {
		if (in[p] == ':') {
			colons++;
			dbl |= p > i && in[p - 1] == ':';
		}
		p++;
	}
	if (colons < 2 || (!dbl && colons != 7))
		return 0;
	/* an IPv4 tail (::ffff:192.0.2.1): back to the last colon */
	if (p < len && in[p] == '.') {
		size_t last = p;

		while (last > i && in[last - 1] != ':')
			last--;
		if (!(v4 = ipv4_at(in, len, last)))
			return 0;
		return last + v4 - i;
	}
	if (p < len && (alnum(in[p]) || in[p] == '_'))
		return 0;
	return p - i;
}

static size_t mac_at(const char *in, size_t len, size_t i)
{
	if (len - i < 17)
		return 0;
	for (int k = 0; k < 6; k++) {
		const char *g = in + i + k * 3;

		if (!hex(g[0]) || !hex(g[1]) || (k < 5 && g[2] != ':' && g[2] != '-'))
			return 0;
	}
	if (len - i > 17 && (alnum(in[i + 17]) || in[i + 17] == ':'))
		return 0;
	return 17;
}

static size_t uuid_at(const char *in, size_t len, size_t i)
{
	static const int groups[] = { 8, 4, 4, 4, 12 };
	size_t p = i;

	for (int k = 0; k < 5; k++) {
		for (int n = 0; n < groups[k]; n++, p++)
			if (p >= len || !hex(in[p]))
				return 0;
		if (k < 4 && (p >= len || in[p++] != '-'))
			return 0;
	}
	return p < len && alnum(in[p]) ? 0 : p - i;
}

/* An SSH public key blob: base64 of a length-prefixed key type, so it
 * starts "AAAA"; in a Proxmox sshkeys line it is URL-encoded. */
static size_t key_blob_at(const char *in, size_t len, size_t i)
{
	size_t p = i;

	if (len - i < 40 || memcmp(in + i, "AAAA", 4))
		return 0;
	while (p < len) {
		if (alnum(in[p]) || in[p] == '+' || in[p] == '/' || in[p] == '=')
			p++;
		else if (p + 2 < len && (!strncasecmp(in + p, "%2B", 3) ||
					 !strncasecmp(in + p, "%2F", 3) || !strncasecmp(in + p, "%3D", 3)))
			p += 3;		/* '+', '/', '=' URL-encoded; "%20" ends it */
		else
			break;
	}
	return p - i >= 40 ? p - i : 0;
}

/* Keys whose value is hidden whole, up to the end of the token. A quote
 * in a key stands for either quote (XML attributes take both). */
static const struct {
	const char *key;
	const char *ends;	/* bytes that end the value */
	const char *kind;	/* the stand-in's */
} secret_keys[] = {
	{ "ip=", " \t\n\"'", "secret" },
	{ "root=", " \t\n\"'", "secret" },
	{ "nfsroot=", " \t\n\"'", "secret" },
	{ "resume=", " \t\n\"'", "secret" },
	{ "cryptdevice=", " \t\n\"'", "secret" },
	{ "rd.luks.uuid=", " \t\n\"'", "secret" },
	{ "rd.luks.name=", " \t\n\"'", "secret" },
	{ "serial=", " \t\n\"',<", "secret" },
	{ "asset=", " \t\n\"',<", "secret" },		/* QEMU's -smbios type=2,3 */
	{ "<serial>", "<\n", "secret" },
	/* libvirt's <sysinfo type='smbios'>; a UUID there may lack its
	 * dashes, and gets the stand-in of the same UUID elsewhere */
	{ "<entry name='serial'>", "<\n", "secret" },
	{ "<entry name='asset'>", "<\n", "secret" },
	{ "<entry name='uuid'>", "<\n", "uuid" },
	/* libvirt's <oemStrings>: free text handed to the guest (cloud-init
	 * data, licence keys); the named entries above are the only others */
	{ "<entry>", "<\n", "secret" },
	/* a device's model and serial (disk, USB serial adapter, keyboard),
	 * a disk's WWN, or a label a user chose */
	{ "/dev/disk/by-id/", " \t\n\"',/<", "secret" },
	{ "/dev/disk/by-label/", " \t\n\"',/<", "secret" },
	{ "/dev/disk/by-partlabel/", " \t\n\"',/<", "secret" },
	{ "/dev/serial/by-id/", " \t\n\"',/<", "secret" },
	{ "/dev/input/by-id/", " \t\n\"',/<", "secret" },
	{ "cipassword:", "\n", "secret" },
	{ "password=", " \t\n\"',&", "secret" },
};

static bool key_at(const char *in, const char *key, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (in[k] != key[k] && !(key[k] == '\'' && in[k] == '"'))
			return false;
	return true;
}

/* Is V (LEN bytes) a stand-in already, "<secret-1>" or, in a page,
 * "&lt;secret-1&gt;"? A part redacted twice (a report made from a
 * redacted trace) keeps the one it has. */
static bool is_stand_in(const char *v, size_t len)
{
	size_t open = len >= 2 && v[0] == '<' ? 1 : len >= 8 && !strncmp(v, "&lt;", 4) ? 4 : 0;
	size_t close = open == 1 ? 1 : 4, k;

	if (!open || len < open + close + 3 ||
	    strncmp(v + len - close, open == 1 ? ">" : "&gt;", close))
		return false;
	for (k = open; k < len - close && islower((unsigned char)v[k]); k++)
		;
	if (k == open || k >= len - close || v[k++] != '-' || k >= len - close)
		return false;
	for (; k < len - close; k++)
		if (!isdigit((unsigned char)v[k]))
			return false;
	return true;
}

static size_t secret_at(const char *in, size_t len, size_t i, struct redact_match *m)
{
	for (size_t k = 0; k < sizeof(secret_keys) / sizeof(secret_keys[0]); k++) {
		size_t n, p;

		if (in[i] != secret_keys[k].key[0])	/* no key starts with a quote */
			continue;
		n = strlen(secret_keys[k].key);
		if (len - i <= n || !key_at(in + i, secret_keys[k].key, n))
			continue;
		p = i + n;
		while (p < len && in[p] && !strchr(secret_keys[k].ends, in[p]))
			p++;
		if (p == i + n || is_stand_in(in + i + n, p - i - n))
			return 0;
		m->keep = n;
		m->kind = secret_keys[k].kind;
		return p - i;
	}
	return 0;
}

int redact_pattern_at(const char *in, size_t len, size_t i, struct redact_match *m)
{
	size_t n;

	m->keep = 0;
	if (starts_token(in, i, "._-") && (n = secret_at(in, len, i, m))) {
		/* kind and keep set */
	} else if (!starts_token(in, i, ".:") && !after_label(in, i)) {
		/* Right after another colon, an IPv4 address and nothing
		 * else ("fe:10.9.8.7", "ab:10.0.0.5:4444"): a MAC's or an IPv6
		 * address's next group would look like one of their own, but
		 * four dotted numbers are never the tail of a BDF, a time or
		 * a MAC. An IPv6 address with an IPv4 tail (::ffff:192.0.2.1)
		 * was taken whole from its first byte; if that failed, its
		 * tail is still an address and goes alone. */
		if (i == 0 || in[i - 1] != ':' || !(n = ipv4_at(in, len, i)))
			return 0;
		m->kind = "ip";
	} else if ((n = uuid_at(in, len, i))) {
		m->kind = "uuid";
	} else if ((n = mac_at(in, len, i))) {
		m->kind = "mac";
	} else if ((n = ipv4_at(in, len, i)) || (n = ipv6_at(in, len, i))) {
		m->kind = "ip";
	} else if ((n = key_blob_at(in, len, i))) {
		m->kind = "key";
	} else {
		return 0;
	}
	m->len = n;
	return 1;
}
