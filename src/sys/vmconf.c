// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* VM device lists from QEMU argv, Proxmox configs and libvirt XML (vmconf.h). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "sys/conffile.h"
#include "sys/pci.h"
#include "sys/pve_mapping.h"
#include "sys/vmconf.h"

const char *vm_kind_name(enum vm_kind kind)
{
	switch (kind) {
	case VM_PROXMOX: return "proxmox";
	case VM_LIBVIRT: return "libvirt";
	default:	 return "qemu";
	}
}

void vmconf_add_dev(struct vmconf *c, const char *bdf, bool unmanaged)
{
	for (size_t i = 0; i < c->ndevs; i++)
		if (!strcmp(c->devs[i], bdf))
			return;
	if (c->ndevs < VM_DEVS_MAX) {
		c->unmanaged[c->ndevs] = unmanaged;
		snprintf(c->devs[c->ndevs++], PCI_BDF_LEN, "%s", bdf);
	} else {
		c->devs_cut = true;
	}
}

/* ---- QEMU argv ----------------------------------------------------------- */
/* Value of "KEY": "VALUE" in a JSON -device argument, unescaped enough for
 * device and path names. */
static int json_member(const char *json, const char *key, char *out, size_t size)
{
	char pat[64];
	const char *p;
	size_t n = 0;

	snprintf(pat, sizeof(pat), "\"%s\"", key);
	p = strstr(json, pat);
	if (!p)
		return -ENOENT;
	p += strlen(pat);
	p += strspn(p, " \t");
	if (*p++ != ':')
		return -ENOENT;
	p += strspn(p, " \t");
	if (*p++ != '"')
		return -ENOENT;
	while (*p && *p != '"' && n + 1 < size)
		out[n++] = *p++;
	out[n] = '\0';
	return 0;
}

/* "KEY=VALUE" member of a "driver,k=v,..." option string. */
static int opt_member(const char *opts, const char *key, char *out, size_t size)
{
	size_t klen = strlen(key), n;
	const char *p = opts;

	while (p && *p) {
		if (!strncmp(p, key, klen) && p[klen] == '=') {
			n = strcspn(p + klen + 1, ",");
			snprintf(out, size, "%.*s", (int)n, p + klen + 1);
			return 0;
		}
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return -ENOENT;
}

static bool is_vfio_driver(const char *drv)
{
	return !strcmp(drv, "vfio-pci") || !strcmp(drv, "vfio-pci-nohotplug");
}

int qemu_vfio_host(const char *value, char *bdf, size_t size)
{
	char drv[64] = "", host[PATH_MAX] = "";
	const char *base;
	size_t n;

	if (value[0] == '{') {
		if (json_member(value, "driver", drv, sizeof(drv)) || !is_vfio_driver(drv))
			return -ENOENT;
		if (json_member(value, "host", host, sizeof(host)))
			json_member(value, "sysfsdev", host, sizeof(host));
	} else {
		n = strcspn(value, ",");
		if (memchr(value, '=', n))
			opt_member(value, "driver", drv, sizeof(drv));
		else
			snprintf(drv, sizeof(drv), "%.*s", (int)n, value);
		if (!is_vfio_driver(drv))
			return -ENOENT;
		if (opt_member(value, "host", host, sizeof(host)))
			opt_member(value, "sysfsdev", host, sizeof(host));
	}
	base = strrchr(host, '/');	/* sysfsdev=/sys/bus/pci/devices/BDF */
	base = base ? base + 1 : host;
	return pci_bdf_normalize(base, bdf, size, 1) ? -ENOENT : 0;
}

static bool is_qemu(const char *argv0)
{
	const char *base = strrchr(argv0, '/');

	base = base ? base + 1 : argv0;
	return !strncmp(base, "qemu-system-", 12) || !strcmp(base, "kvm") ||
	       !strcmp(base, "qemu-kvm");
}

int vmconf_from_qemu_argv(const char *const *argv, int argc, struct vmconf *out)
{
	const char *name = "", *pveid = "", *v;
	char bdf[PCI_BDF_LEN], from_pidfile[64];
	int i;

	memset(out, 0, sizeof(*out));
	/* Proxmox runs /usr/bin/kvm; a wrapper may put an interpreter first. */
	if (argc < 1 || !is_qemu(argv[0]))
		return -ENOENT;
	for (i = 1; i + 1 < argc; i++) {
		v = argv[i + 1];
		if (!strcmp(argv[i], "-id")) {
			pveid = v;
		} else if (!strcmp(argv[i], "-pidfile") && strstr(v, "/qemu-server/") && !pveid[0]) {
			v = strrchr(v, '/') + 1;	/* /var/run/qemu-server/ID.pid */
			snprintf(from_pidfile, sizeof(from_pidfile), "%.*s", (int)strcspn(v, "."), v);
			pveid = from_pidfile;
		} else if (!strcmp(argv[i], "-name")) {
			name = v;
		} else if ((!strcmp(argv[i], "-device") || !strcmp(argv[i], "--device")) &&
			   !qemu_vfio_host(v, bdf, sizeof(bdf))) {
			vmconf_add_dev(out, bdf, false);
		}
	}
	if (pveid[0]) {
		out->kind = VM_PROXMOX;
		snprintf(out->id, sizeof(out->id), "%s", pveid);
	} else if (!strncmp(name, "guest=", 6)) {
		out->kind = VM_LIBVIRT;
		snprintf(out->id, sizeof(out->id), "%.*s", (int)strcspn(name + 6, ","), name + 6);
	} else {
		out->kind = VM_QEMU;
		snprintf(out->id, sizeof(out->id), "%.*s", (int)strcspn(name, ","), name);
	}
	return 0;
}

/* ---- Proxmox ------------------------------------------------------------- */

void vmconf_from_pve(const char *text, const char *mapping, const char *node, struct vmconf *out)
{
	struct pve_pci_devs devs;
	char line[1024];
	const char *v;
	bool indented;

	out->kind = VM_PROXMOX;
	while (conf_next_line(&text, line, sizeof(line), &indented, NULL) && line[0] != '[') {
		if (!strncmp(line, "hookscript:", 11)) {
			snprintf(out->hookscript, sizeof(out->hookscript), "%s", line + 11 + strspn(line + 11, " \t"));
			continue;
		}
		if (strncmp(line, "hostpci", 7) || !(v = strchr(line, ':')))
			continue;
		/* hostpciN, mappings resolved for NODE (sys/pve_mapping.c) */
		if (pve_hostpci_devs_text(v + 1, mapping, node, &devs))
			continue;
		for (size_t i = 0; i < devs.n; i++)
			vmconf_add_dev(out, devs.bdf[i], false);
		out->devs_cut |= devs.cut;
	}
}

/* ---- libvirt ------------------------------------------------------------- */

static long attr_num(xmlNode *n, const char *name, bool *ok)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *end;
	long x;

	if (!v) {
		*ok = false;
		return 0;
	}
	x = strtol((const char *)v, &end, 0);
	if (end == (char *)v || *end)
		*ok = false;
	xmlFree(v);
	return x;
}

static bool attr_is(xmlNode *n, const char *name, const char *want)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	bool is = v && !strcmp((const char *)v, want);

	xmlFree(v);
	return is;
}

static xmlNode *child(xmlNode *n, const char *name)
{
	for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, name))
			return c;
	return NULL;
}

/* <hostdev mode='subsystem' type='pci' managed='yes'><source><address
 * domain= bus= slot= function=/></source>...: the host's address (the
 * <address> after <source> is where the guest sees it). */
static void add_hostdev(struct vmconf *c, xmlNode *hd)
{
	xmlNode *addr = child(child(hd, "source"), "address");
	char bdf[PCI_BDF_LEN];
	bool ok = true;
	long d, b, s, f;

	if (!attr_is(hd, "type", "pci") || !addr)
		return;
	d = attr_num(addr, "domain", &ok);
	if (!ok) {		/* domain= may be left out: 0 */
		d = 0;
		ok = true;
	}
	b = attr_num(addr, "bus", &ok);
	s = attr_num(addr, "slot", &ok);
	f = attr_num(addr, "function", &ok);
	if (!ok || d < 0 || d > 0xffff || b < 0 || b > 0xff || s < 0 || s > 0x1f || f < 0 || f > 7)
		return;
	snprintf(bdf, sizeof(bdf), "%04lx:%02lx:%02lx.%lx", d, b, s, f);
	/* managed='yes' or libvirt leaves the device alone: 'no' is the default */
	vmconf_add_dev(c, bdf, !attr_is(hd, "managed", "yes"));
}

int vmconf_from_libvirt(const char *xml, size_t len, struct vmconf *out, long *pid)
{
	xmlDoc *doc;
	xmlNode *root, *dom, *devs;
	xmlChar *name;
	bool ok = true;

	memset(out, 0, sizeof(*out));
	out->kind = VM_LIBVIRT;
	*pid = 0;
	if (len > (size_t)INT32_MAX)
		return -EINVAL;
	/* No network, no entity expansion, no DTD loading: strangers' files. */
	doc = xmlReadMemory(xml, (int)len, "domain.xml", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc)
		return -EINVAL;
	root = xmlDocGetRootElement(doc);
	dom = root;
	if (root && !strcmp((const char *)root->name, "domstatus")) {
		*pid = attr_num(root, "pid", &ok);
		if (!ok)
			*pid = 0;
		dom = child(root, "domain");
	}
	if (!dom || strcmp((const char *)dom->name, "domain")) {
		xmlFreeDoc(doc);
		return -EINVAL;
	}
	name = xmlNodeGetContent(child(dom, "name"));
	snprintf(out->id, sizeof(out->id), "%s", name ? (const char *)name : "");
	xmlFree(name);
	devs = child(dom, "devices");
	for (xmlNode *c = devs ? devs->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, "hostdev"))
			add_hostdev(out, c);
	xmlFreeDoc(doc);
	return 0;
}
