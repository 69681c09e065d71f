/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Fake system trees for the status, check and bundle tests: files, links
 * and PCI devices written under a temporary root. Include after cmocka.h. */
#ifndef GPUTRACE_TEST_FAKE_TREE_H
#define GPUTRACE_TEST_FAKE_TREE_H

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct tree {
	char root[64];
	char path[PATH_MAX + 64];
};

static inline const char *tree_at(struct tree *t, const char *rel)
{
	snprintf(t->path, sizeof(t->path), "%s%s", t->root, rel);
	return t->path;
}

static inline void tree_mkdirs(struct tree *t, const char *rel)
{
	char *p;

	tree_at(t, rel);
	for (p = t->path + strlen(t->root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(t->path, 0755);
		*p = '/';
	}
	mkdir(t->path, 0755);
}

static inline void tree_parent(struct tree *t, const char *rel)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s", rel);
	*strrchr(dir, '/') = '\0';
	if (dir[0])
		tree_mkdirs(t, dir);
}

/* ROOT+REL with TEXT and MODE, parents created. */
static inline void tree_put_mode(struct tree *t, const char *rel, const char *text, mode_t mode)
{
	FILE *fp;

	tree_parent(t, rel);
	fp = fopen(tree_at(t, rel), "w");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(t->path, mode), 0);
}

/* ROOT+REL with LEN bytes of DATA (NULs too), executable. */
static inline void tree_put_len(struct tree *t, const char *rel, const void *data, size_t len)
{
	FILE *fp;

	tree_parent(t, rel);
	fp = fopen(tree_at(t, rel), "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(t->path, 0755), 0);
}

static inline void tree_put(struct tree *t, const char *rel, const char *text)
{
	tree_put_mode(t, rel, text, 0644);
}

static inline void tree_link(struct tree *t, const char *rel, const char *target)
{
	tree_parent(t, rel);
	assert_int_equal(symlink(target, tree_at(t, rel)), 0);
}

/* A PCI function: sysfs attributes, a driver link, an IOMMU group link. */
static inline void tree_pci(struct tree *t, const char *bdf, const char *vendor,
			    const char *device, const char *class, const char *driver,
			    const char *override, const char *group, const char *boot_vga)
{
	char rel[256], target[256];

#define ATTR(name, val) do { \
		snprintf(rel, sizeof(rel), "/sys/bus/pci/devices/%s/" name, bdf); \
		tree_put(t, rel, val); \
	} while (0)
	ATTR("vendor", vendor);
	ATTR("device", device);
	ATTR("class", class);
	ATTR("subsystem_vendor", "0x1458\n");
	ATTR("subsystem_device", "0x3702\n");
	ATTR("driver_override", override ? override : "(null)\n");
	ATTR("power_state", "D0\n");
	ATTR("reset_method", "flr bus\n");
	ATTR("power/runtime_status", "suspended\n");
	ATTR("enable", "1\n");
	ATTR("d3cold_allowed", "1\n");
	ATTR("current_link_speed", "8.0 GT/s PCIe\n");
	ATTR("current_link_width", "16\n");
	if (boot_vga)
		ATTR("boot_vga", boot_vga);
#undef ATTR
	if (driver) {
		snprintf(rel, sizeof(rel), "/sys/bus/pci/devices/%s/driver", bdf);
		snprintf(target, sizeof(target), "../../../bus/pci/drivers/%s", driver);
		tree_link(t, rel, target);
	}
	if (group) {
		snprintf(rel, sizeof(rel), "/sys/bus/pci/devices/%s/iommu_group", bdf);
		snprintf(target, sizeof(target), "../../../kernel/iommu_groups/%s", group);
		tree_link(t, rel, target);
	}
}

static inline int tree_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

static inline int tree_new(struct tree *t, const char *name)
{
	snprintf(t->root, sizeof(t->root), "/tmp/%s.XXXXXX", name);
	return mkdtemp(t->root) ? 0 : -1;
}

static inline void tree_remove(struct tree *t)
{
	nftw(t->root, tree_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Runs FN(ARGC, ARGV) with stdout and stderr sent to OUT (a file path),
 * returns its exit code. */
static inline int run_quiet(int (*fn)(int, char **), int argc, char **argv, const char *out)
{
	int saved, saved_err, fd, ret;

	fflush(stdout);
	saved = dup(1);
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	saved_err = dup(2);
	dup2(fd, 1);
	dup2(fd, 2);
	close(fd);
	ret = fn(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved, 1);
	dup2(saved_err, 2);
	close(saved);
	close(saved_err);
	return ret;
}

#endif
