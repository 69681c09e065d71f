// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Proxmox hostpci values and PCI resource mappings: see pve_mapping.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys/pci.h"
#include "sys/conffile.h"
#include "sys/pve_mapping.h"
#include "sys/rootfs.h"
#include "sys/sysfs.h"

int pve_node_name(const char *root, char *node, size_t size)
{
	if (sysfs_read(root, "/proc/sys/kernel/hostname", node, size) <= 0 &&
	    sysfs_read(root, "/etc/hostname", node, size) <= 0) {
		node[0] = '\0';
		return -ENOENT;
	}
	node[strcspn(node, ". \t\n")] = '\0';
	return node[0] ? 0 : -ENOENT;
}

/* Value of KEY in a property string "a=1,key=v,b=2" into OUT. A value
 * without a key ("0000:0a:00,pcie=1") is the default key's, asked for with
 * KEY "". Returns 0 or -ENOENT. */
static int prop_value(const char *props, const char *key, char *out, size_t size)
{
	size_t klen = strlen(key), n;
	const char *p = props;

	for (; *p; p += n + (p[n] == ',')) {
		n = strcspn(p, ",");
		if (!klen && !memchr(p, '=', n)) {
			snprintf(out, size, "%.*s", (int)n, p);
			return 0;
		}
		if (klen && n > klen && !strncmp(p, key, klen) && p[klen] == '=') {
			snprintf(out, size, "%.*s", (int)(n - klen - 1), p + klen + 1);
			return 0;
		}
	}
	return -ENOENT;
}

/* Adds each ';'-separated address of LIST. Returns how many were valid. */
static int add_addresses(struct pve_pci_devs *out, const char *list)
{
	char one[64], bdf[PCI_BDF_LEN];
	size_t n;
	int added = 0;

	for (; *list; list += n + (list[n] == ';')) {
		n = strcspn(list, ";");
		snprintf(one, sizeof(one), "%.*s", (int)n, list);
		if (pci_bdf_normalize(one, bdf, sizeof(bdf), 1))
			continue;
		if (out->n == PVE_PCI_DEVS_MAX) {
			out->cut = true;
			continue;
		}
		memcpy(out->bdf[out->n++], bdf, sizeof(bdf));
		added++;
	}
	return added;
}

static void map_line(const char *props, const char *node, int lineno, struct pve_pci_devs *out)
{
	char val[256];

	if (node[0] && (prop_value(props, "node", val, sizeof(val)) || strcmp(val, node)))
		return;
	if (prop_value(props, "path", val, sizeof(val)) || !add_addresses(out, val))
		return;
	if (!out->map_line)
		out->map_line = lineno;
}

int pve_mapping_resolve_text(const char *text, const char *name, const char *node,
			     struct pve_pci_devs *out)
{
	char line[1024];
	bool in = false, indented;
	int lineno = 0;

	memset(out, 0, sizeof(*out));
	while (conf_next_line(&text, line, sizeof(line), &indented, &lineno)) {
		if (!line[0] || line[0] == '#')
			continue;
		if (!indented) {
			/* PVE's section header: a name alone on its line */
			in = !strcmp(line, name);
			if (in && !out->section_line)
				out->section_line = lineno;
		} else if (in && !strncmp(line, "map", 3) && (line[3] == ' ' || line[3] == '\t')) {
			map_line(line + 4 + strspn(line + 4, " \t"), node ? node : "", lineno, out);
		}
	}
	if (!out->section_line)
		return -ESRCH;
	return out->n ? 0 : -ENXIO;
}

int pve_mappings_read(const char *root, struct pve_mappings *m)
{
	ssize_t n;

	memset(m, 0, sizeof(*m));
	pve_node_name(root, m->node, sizeof(m->node));
	n = root_read_alloc(root, PVE_MAPPING_PCI_CFG, PVE_MAPPING_CFG_MAX, &m->text);
	if (n < 0)
		return m->err = n == -EINVAL ? -ENOENT : (int)n;
	/* a NUL inside ends the text there, as for any line-based reader */
	return 0;
}

void pve_mappings_free(struct pve_mappings *m)
{
	free(m->text);
	m->text = NULL;
}

/* The address part of a hostpciN value: 0 with VAL filled, 1 for a mapping
 * (its name in VAL), -EINVAL for neither. */
static int hostpci_value(const char *value, char *val, size_t size)
{
	value += strspn(value, " \t");
	if (!prop_value(value, "mapping", val, size))
		return 1;
	if (prop_value(value, "host", val, size) && prop_value(value, "", val, size))
		return -EINVAL;
	return 0;
}

int pve_hostpci_devs_text(const char *value, const char *mapping, const char *node,
			  struct pve_pci_devs *out)
{
	char val[256];
	int kind = hostpci_value(value, val, sizeof(val));

	memset(out, 0, sizeof(*out));
	if (kind < 0)
		return kind;
	if (kind)
		return mapping ? pve_mapping_resolve_text(mapping, val, node, out) : -ENOENT;
	return add_addresses(out, val) ? 0 : -EINVAL;
}
