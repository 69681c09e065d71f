// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Proxmox hostpci values and PCI resource mappings: see pve_mapping.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "sys/conffile.h"
#include "sys/pci.h"
#include "sys/pve_mapping.h"
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
	char one[64];
	size_t n;
	int added = 0;

	for (; *list; list += n + (list[n] == ';')) {
		n = strcspn(list, ";");
		snprintf(one, sizeof(one), "%.*s", (int)n, list);
		if (out->n < PVE_PCI_DEVS_MAX &&
		    !pci_bdf_normalize(one, out->bdf[out->n], sizeof(out->bdf[0]), 1)) {
			out->n++;
			added++;
		}
	}
	return added;
}

/* A section header is an unindented name alone on its line; conf_read
 * trims lines, so "no blank inside" is what tells it from a property. */
static bool is_header(const char *text)
{
	return !strpbrk(text, " \t");
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

int pve_mapping_resolve(const char *root, const char *name, const char *node,
			struct pve_pci_devs *out)
{
	char own[256] = "";
	struct conf_file f;
	bool in = false;
	int ret;

	memset(out, 0, sizeof(*out));
	if (!node) {
		pve_node_name(root, own, sizeof(own));
		node = own;
	}
	ret = conf_read(root, PVE_MAPPING_PCI_CFG, &f);
	if (ret)
		return ret;
	for (size_t i = 0; i < f.n; i++) {
		const char *t = f.lines[i].text;

		if (conf_is_comment(t))
			continue;
		if (is_header(t)) {
			in = !strcmp(t, name);
			if (in && !out->section_line)
				out->section_line = f.lines[i].lineno;
		} else if (in && !strncmp(t, "map", 3) && (t[3] == ' ' || t[3] == '\t')) {
			map_line(t + 4 + strspn(t + 4, " \t"), node, f.lines[i].lineno, out);
		}
	}
	conf_free(&f);
	if (!out->section_line)
		return -ESRCH;
	return out->n ? 0 : -ENXIO;
}

int pve_hostpci_devs(const char *root, const char *value, const char *node,
		     struct pve_pci_devs *out)
{
	char val[256];

	memset(out, 0, sizeof(*out));
	value += strspn(value, " \t");
	if (!prop_value(value, "mapping", val, sizeof(val)))
		return pve_mapping_resolve(root, val, node, out);
	if (prop_value(value, "host", val, sizeof(val)) && prop_value(value, "", val, sizeof(val)))
		return -EINVAL;
	return add_addresses(out, val) ? 0 : -EINVAL;
}
