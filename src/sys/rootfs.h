/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The one way into a tree: files of ROOT read as if ROOT were "/".
 * Symlinks (absolute ones included) and ".." resolve inside ROOT and never
 * leave it, as systemd and udev resolve a --root image and as chroot
 * would: sysfs's relative links ("../../../devices/...") and a copied
 * tree's absolute ones ("/lib/systemd/system/x.service") keep working, and
 * a link planted to "/etc/hostname" or "/proc/cmdline" reads the tree's
 * own file, never the host's. gputrace runs as root, so every open, stat,
 * readlink and directory listing of a --root tree goes through here.
 * NULL, "" and "/" mean the live system: the host's own lookup.
 */
#ifndef GPUTRACE_SYS_ROOTFS_H
#define GPUTRACE_SYS_ROOTFS_H

#include <dirent.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

/* True when ROOT names the live system (NULL, "" or "/"). */
int sys_root_is_live(const char *root);

/* Is ROOT a readable directory that holds a host's tree (etc/, sys/ or
 * proc/)? 0, or -errno and why in ERR ("--root DIR: ..."). */
int sys_root_check(const char *root, char *err, size_t errlen);

/* Opens PATH (absolute, as on the host) under ROOT with FLAGS (O_RDONLY,
 * O_PATH, O_NOFOLLOW, O_DIRECTORY ...; O_CLOEXEC, O_NONBLOCK and O_NOCTTY
 * are added). Returns the fd or -errno. openat2(RESOLVE_IN_ROOT) does the
 * lookup; on kernels without it (before 5.6) the same walk is done here. */
int root_open(const char *root, const char *path, int flags);

/* A scan of ROOT (check, status) makes thousands of lookups: between
 * root_hold(ROOT) and root_release(ROOT) they all start from one fd of
 * ROOT, opened once, instead of opening ROOT each time (half the system
 * calls of a scan), and all of them in the tree ROOT named when the scan
 * began. Holds of the same ROOT nest; a hold of another root while one
 * is held, or of the live system, changes nothing. */
void root_hold(const char *root);
void root_release(const char *root);

/* Reads at most SIZE bytes of regular file PATH under ROOT. Returns the
 * count, -errno, or -EINVAL when PATH is not a regular file. */
ssize_t root_read(const char *root, const char *path, void *buf, size_t size);

/* root_read into a buffer of its own: at most MAX bytes of regular file
 * PATH under ROOT in *OUT (malloc'd, sized by the file, NUL-terminated, to
 * free). Returns the count (MAX+1 read and a count over MAX tell a file too
 * large), -EINVAL when PATH is not a regular file, or -errno; *OUT is NULL
 * on error. */
ssize_t root_read_alloc(const char *root, const char *path, size_t max, char **out);

/* stat (FOLLOW true) or lstat of PATH under ROOT. Returns 0 or -errno. */
int root_stat(const char *root, const char *path, struct stat *st, int follow);

/* The text of symlink PATH under ROOT into BUF, NUL-terminated; the link
 * is not followed, the directories above it resolve inside ROOT. Returns
 * its length, -ENAMETOOLONG when it does not fit, or -errno. */
ssize_t root_readlink(const char *root, const char *path, char *buf, size_t size);

/* Directory PATH under ROOT opened for readdir() into *DIR (closedir()
 * it). Returns 0 or -errno. */
int root_opendir(const char *root, const char *path, DIR **dir);

/* Sorted entry names of directory PATH under ROOT, without dot files.
 * Returns the count (0 when absent or not a directory) with *NAMES to free
 * with root_names_free, or -errno when it is there but cannot be read
 * (-EACCES, a dead /etc/pve's -ENOTCONN, -ENOMEM): not an empty one. */
int root_list(const char *root, const char *path, char ***names);
void root_names_free(char **names, int n);

#endif /* GPUTRACE_SYS_ROOTFS_H */
