// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The audit driver: runs each rule family (the findings list is
 * audit_findings.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/audit.h"
#include "sys/kernel.h"
#include "sys/rootfs.h"
#include "sys/sysfs.h"

static int audit_scan(const struct audit_opts *o, struct audit *a, char *err, size_t errlen)
{
	int ret;

	memset(a, 0, sizeof(*a));
	err[0] = '\0';
	a->root = sys_root_is_live(o->root) ? NULL : o->root;
	if (a->root && (ret = sys_root_check(a->root, err, errlen)))
		return ret;
	if (o->kernel_release)
		snprintf(a->release, sizeof(a->release), "%s", o->kernel_release);
	else if (kernel_release(a->root, a->release, sizeof(a->release)))
		a->release[0] = '\0';
	ret = pci_scan(a->root, &a->devs, &a->ndevs);
	if (ret) {
		snprintf(err, errlen, "cannot list PCI devices under %s/sys/bus/pci/devices: %s",
			 a->root ? a->root : "", strerror(-ret));
		return ret;
	}
	ret = audit_modprobe(a, err, errlen);
	if (!ret)
		ret = audit_udev(a, err, errlen);
	if (!ret)
		ret = audit_hooks(a, err, errlen);
	if (!ret)
		ret = audit_kernel(a, o, err, errlen);
	if (!ret)
		ret = audit_boot(a, err, errlen);
	if (!ret)
		ret = audit_units(a, err, errlen);
	/* Out of memory deep in a rule family leaves no message of its own. */
	if (ret && !err[0])
		snprintf(err, errlen, "check: %s", strerror(-ret));
	return ret;
}

int audit_run(const struct audit_opts *o, struct audit *a, char *err, size_t errlen)
{
	int ret;

	root_hold(o->root);
	ret = audit_scan(o, a, err, errlen);
	root_release(o->root);
	return ret;
}
