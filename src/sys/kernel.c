// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Kernel release, command line and built-in modules: see kernel.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/utsname.h>

#include "sys/conffile.h"
#include "sys/kernel.h"
#include "sys/sysfs.h"

int kernel_release(const char *root, char *buf, size_t size)
{
	struct utsname u;
	int n;

	if (sys_root_is_live(root)) {
		if (uname(&u))
			return -errno;
		return snprintf(buf, size, "%s", u.release) < (int)size ? 0 : -EOVERFLOW;
	}
	n = sysfs_read(root, "/proc/sys/kernel/osrelease", buf, size);
	if (n == 0)
		return -ENODATA;
	return n < 0 ? n : 0;
}

int kernel_cmdline(const char *root, char *buf, size_t size)
{
	int n = sysfs_read(root, "/proc/cmdline", buf, size);

	return n < 0 ? n : 0;
}

int cmdline_next(const char *cmdline, size_t *pos, char *word, size_t size)
{
	const char *p = cmdline + *pos;
	size_t n = 0;
	int quoted = 0;

	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	if (!*p) {
		*pos = p - cmdline;
		return 0;
	}
	for (; *p && (quoted || (*p != ' ' && *p != '\t' && *p != '\n')); p++) {
		if (*p == '"') {
			quoted = !quoted;
			continue;
		}
		if (n + 1 < size)
			word[n++] = *p;
	}
	word[n] = '\0';
	*pos = p - cmdline;
	return 1;
}

int module_name_eqn(const char *a, const char *b, size_t blen)
{
	size_t i;

	for (i = 0; i < blen && a[i]; i++) {
		char x = a[i] == '-' ? '_' : a[i], y = b[i] == '-' ? '_' : b[i];

		if (x != y)
			return 0;
	}
	return i == blen && !a[i];
}

int module_name_eq(const char *a, const char *b)
{
	return module_name_eqn(a, b, strlen(b));
}

/* modules.builtin lines are "kernel/drivers/vfio/pci/vfio-pci.ko". */
static int lists_module(const struct conf_file *f, const char *module)
{
	for (size_t i = 0; i < f->n; i++) {
		const char *t = f->lines[i].text, *base = strrchr(t, '/');
		size_t len;

		base = base ? base + 1 : t;
		len = strlen(base);
		if (len > 3 && !strcmp(base + len - 3, ".ko") &&
		    module_name_eqn(module, base, len - 3))
			return 1;
	}
	return 0;
}

int kernel_module_builtin(const char *root, const char *release, const char *module,
			  char *path, size_t size)
{
	static const char *const bases[] = { "/lib/modules", "/usr/lib/modules" };
	struct conf_file f;
	char file[512];
	int err = -ENOENT, found;

	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		snprintf(file, sizeof(file), "%s/%s/modules.builtin", bases[i], release);
		err = conf_read(root, file, &f);
		if (err == -ENOENT)
			continue;
		if (err)
			return err;
		found = lists_module(&f, module);
		conf_free(&f);
		if (path)
			snprintf(path, size, "%s", file);
		return found;
	}
	return err;
}

int kernel_boot_id(char *buf, size_t size)
{
	FILE *fp = fopen("/proc/sys/kernel/random/boot_id", "re");
	bool ok = fp && fgets(buf, size, fp);

	if (fp)
		fclose(fp);
	if (!ok) {
		buf[0] = 0;
		return -ENOENT;
	}
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

#define LSM_LIST "/sys/kernel/security/lsm"

int kernel_bpf_lsm_active(char *why, size_t size)
{
	char list[512] = "";
	FILE *fp = fopen(LSM_LIST, "re");

	/* securityfs is not always mounted (a minimal initramfs, a container). */
	if (!fp && errno == ENOENT &&
	    mount("securityfs", "/sys/kernel/security", "securityfs", 0, NULL) == 0)
		fp = fopen(LSM_LIST, "re");
	if (!fp) {
		int err = -errno;

		snprintf(why, size, "cannot read %s: %s", LSM_LIST, strerror(-err));
		return err;
	}
	if (!fgets(list, sizeof(list), fp))
		list[0] = 0;
	fclose(fp);
	list[strcspn(list, "\n")] = 0;
	for (char *save, *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "bpf")) {
			snprintf(why, size, "bpf is in the active LSM list");
			return 1;
		}
	}
	/* LIST was cut by strtok_r: read it again for the hint. */
	fp = fopen(LSM_LIST, "re");
	if (fp) {
		if (!fgets(list, sizeof(list), fp))
			list[0] = 0;
		fclose(fp);
		list[strcspn(list, "\n")] = 0;
	}
	snprintf(why, size, "the bpf LSM is not active (active: %s): add lsm=%s%sbpf to the kernel "
		 "command line and reboot", list[0] ? list : "none", list, list[0] ? "," : "");
	return 0;
}
