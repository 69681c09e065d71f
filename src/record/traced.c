// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record/traced.h"
#include "sys/pci.h"
#include "util.h"

struct traced_dev *traced_find(const struct traced *t, const char *bdf)
{
	/* A handful of devices: a scan beats any index. */
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->devs[i].bdf, bdf))
			return &t->devs[i];
	return NULL;
}

struct traced_dev *traced_add(struct traced *t, const char *bdf)
{
	struct traced_dev *d = traced_find(t, bdf);

	if (d)
		return d;
	if (strlen(bdf) >= PCI_BDF_LEN)
		return NULL;
	d = array_push((void **)&t->devs, &t->n, &t->cap, sizeof(*t->devs));
	if (!d)
		return NULL;
	strcpy(d->bdf, bdf);
	return d;
}

void traced_free(struct traced *t)
{
	free(t->devs);
	memset(t, 0, sizeof(*t));
}

static bool hexc(char c)
{
	return isxdigit((unsigned char)c);
}

/* "bb:dd.f" at P, with at least 7 bytes left. */
static bool short_bdf_at(const char *p)
{
	return hexc(p[0]) && hexc(p[1]) && p[2] == ':' && hexc(p[3]) && hexc(p[4]) &&
	       p[5] == '.' && p[6] >= '0' && p[6] <= '7';
}

/* A match must not be the middle of a longer hex word ("1234:0a:00.0" is
 * found from its start, never from "34:0a:00.0"), nor go on past the
 * function digit. */
static bool bounded(const char *text, size_t len, size_t start, size_t end)
{
	if (start > 0 && (hexc(text[start - 1]) || text[start - 1] == ':'))
		return false;
	return end >= len || !isalnum((unsigned char)text[end]);
}

/* The domain's hex digits before "bb:dd.f" at I (4 to 8 of them), or 0. */
static size_t domain_len(const char *text, size_t i)
{
	size_t n = 0;

	if (i < 2 || text[i - 1] != ':')
		return 0;
	while (n < 8 && i - 1 > n && hexc(text[i - 2 - n]))
		n++;
	return n >= 4 ? n : 0;
}

int bdf_next(const char *text, size_t len, size_t *pos, char bdf[PCI_BDF_LEN])
{
	for (size_t i = *pos; i + 7 <= len; i++) {
		char tmp[PCI_BDF_LEN + 8];
		size_t dom, start;

		if (!short_bdf_at(text + i))
			continue;
		dom = domain_len(text, i);
		start = dom ? i - 1 - dom : i;
		if (!bounded(text, len, start, i + 7))
			continue;
		*pos = i + 7;
		snprintf(tmp, sizeof(tmp), "%.*s", (int)(i + 7 - start), text + start);
		if (pci_bdf_normalize(tmp, bdf, PCI_BDF_LEN, 0) == 0)
			return 1;
	}
	*pos = len;
	return 0;
}
