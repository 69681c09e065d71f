// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Why this file exists: time to "ready". libbpf resolves our CO-RE
 * relocations against the kernel's BTF, which means reading and indexing
 * all of /sys/kernel/btf/vmlinux (5 MiB, 130k types: tens of milliseconds
 * and ~10 MiB of fresh memory) and scanning it once per relocated type.
 * The kernel's BTF cannot change before the next boot, so the first
 * recorder of a boot cuts out the few hundred types our programs name and
 * keeps them in /run (a tmpfs, emptied at boot; the boot id in the name
 * covers a /run that is not). Later recorders give that file to libbpf
 * (btf_custom_path) and, with raw tracepoints only, libbpf never opens
 * vmlinux BTF at all. bpftool's "gen min_core_btf" does this ahead of time
 * for a known kernel; we do it on the machine, for the running one.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <bpf/btf.h>

#include "record/core_btf.h"
#include "sys/kernel.h"

struct cut {
	const struct btf *src;
	struct btf *dst;
	__u32 *map;		/* src id -> dst id; 0: not copied yet */
	int void_ptr;		/* the one pointer type every pointer becomes */
};

static int copy_type(struct cut *c, __u32 id);

/* Copies the types behind each member first: libbpf appends fields to the
 * type added last, so the struct itself must come after its parts. */
static int copy_composite(struct cut *c, const struct btf_type *t, const char *name)
{
	const struct btf_member *m = btf_members(t);
	int n = btf_vlen(t), *ids = calloc(n ? n : 1, sizeof(*ids)), id, err = 0;

	if (!ids)
		return -ENOMEM;
	for (int i = 0; i < n && err >= 0; i++)
		err = ids[i] = copy_type(c, m[i].type);
	if (err < 0)
		goto out;
	err = id = btf_is_struct(t) ? btf__add_struct(c->dst, name, t->size)
				    : btf__add_union(c->dst, name, t->size);
	for (int i = 0; i < n && err >= 0; i++)
		err = btf__add_field(c->dst, btf__name_by_offset(c->src, m[i].name_off), ids[i],
				     btf_member_bit_offset(t, i), btf_member_bitfield_size(t, i));
	if (err >= 0)
		err = id;
out:
	free(ids);
	return err;
}

static int copy_enum(struct cut *c, const struct btf_type *t, const char *name)
{
	int id, err, n = btf_vlen(t);

	if (btf_is_enum(t)) {
		const struct btf_enum *e = btf_enum(t);

		err = id = btf__add_enum(c->dst, name, t->size);
		for (int i = 0; i < n && err >= 0; i++)
			err = btf__add_enum_value(c->dst, btf__name_by_offset(c->src, e[i].name_off),
						  e[i].val);
	} else {
		const struct btf_enum64 *e = btf_enum64(t);

		err = id = btf__add_enum64(c->dst, name, t->size, btf_kflag(t));
		for (int i = 0; i < n && err >= 0; i++)
			err = btf__add_enum64_value(c->dst,
						    btf__name_by_offset(c->src, e[i].name_off),
						    btf_enum64_value(&e[i]));
	}
	return err < 0 ? err : id;
}

static int copy_func_proto(struct cut *c, const struct btf_type *t)
{
	const struct btf_param *p = btf_params(t);
	int n = btf_vlen(t), *ids = calloc(n + 1, sizeof(*ids)), id, err;

	if (!ids)
		return -ENOMEM;
	err = ids[n] = copy_type(c, t->type);
	for (int i = 0; i < n && err >= 0; i++)
		err = ids[i] = copy_type(c, p[i].type);
	if (err >= 0)
		err = id = btf__add_func_proto(c->dst, ids[n]);
	for (int i = 0; i < n && err >= 0; i++)
		err = btf__add_func_param(c->dst, btf__name_by_offset(c->src, p[i].name_off), ids[i]);
	free(ids);
	return err < 0 ? err : id;
}

/* The id in dst of src type ID, copied with everything it embeds. */
static int copy_type(struct cut *c, __u32 id)
{
	const struct btf_type *t;
	const char *name;
	int ref, out;

	if (!id)
		return 0;	/* void */
	if (c->map[id])
		return c->map[id];
	t = btf__type_by_id(c->src, id);
	name = btf__name_by_offset(c->src, t->name_off);
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		out = btf__add_int(c->dst, name, t->size, btf_int_encoding(t));
		break;
	case BTF_KIND_FLOAT:
		out = btf__add_float(c->dst, name, t->size);
		break;
	case BTF_KIND_PTR:
		/* Where it points is never looked at: cut here, or task_struct
		 * would drag in most of the kernel. */
		if (!c->void_ptr)
			c->void_ptr = btf__add_ptr(c->dst, 0);
		out = c->void_ptr;
		break;
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = btf_array(t);
		int elem = copy_type(c, a->type), index = copy_type(c, a->index_type);

		out = elem < 0 ? elem : index < 0 ? index
			       : btf__add_array(c->dst, index, elem, a->nelems);
		break;
	}
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		out = copy_composite(c, t, name);
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		out = copy_enum(c, t, name);
		break;
	case BTF_KIND_FWD:
		out = btf__add_fwd(c->dst, name, btf_kflag(t) ? BTF_FWD_UNION : BTF_FWD_STRUCT);
		break;
	case BTF_KIND_FUNC_PROTO:
		out = copy_func_proto(c, t);
		break;
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		ref = copy_type(c, t->type);
		if (ref < 0)
			return ref;
		out = btf_is_typedef(t)	 ? btf__add_typedef(c->dst, name, ref)
		      : btf_is_volatile(t) ? btf__add_volatile(c->dst, ref)
		      : btf_is_const(t)	   ? btf__add_const(c->dst, ref)
		      : btf_is_restrict(t) ? btf__add_restrict(c->dst, ref)
					   : btf__add_type_tag(c->dst, name, ref);
		break;
	default:	/* FUNC, VAR, DATASEC, DECL_TAG: never inside a type */
		return -EINVAL;
	}
	if (out > 0)
		c->map[id] = out;
	return out;
}

static bool is_root_kind(const struct btf_type *t)
{
	return btf_is_composite(t) || btf_is_any_enum(t) || btf_is_typedef(t);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The essential names ("kernfs_node___pre618" -> "kernfs_node") of LOCAL's
 * named types, sorted; strings owned by the returned array. */
static char **root_names(const struct btf *local, int *count)
{
	int n = btf__type_cnt(local), k = 0;
	char **names = calloc(n, sizeof(*names));

	if (!names)
		return NULL;
	for (int id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(local, id);
		const char *name = btf__name_by_offset(local, t->name_off);
		const char *flavour;

		if (!is_root_kind(t) || !name || !name[0])
			continue;
		flavour = strstr(name, "___");
		names[k] = flavour ? strndup(name, flavour - name) : strdup(name);
		if (!names[k])
			break;
		k++;
	}
	qsort(names, k, sizeof(*names), cmp_str);
	*count = k;
	return names;
}

struct btf *core_btf_cut(const struct btf *local, const struct btf *kernel)
{
	int n = btf__type_cnt(kernel), nroots = 0, err = 0;
	char **roots = root_names(local, &nroots);
	struct cut c = { .src = kernel, .dst = btf__new_empty(), .map = calloc(n, sizeof(__u32)) };

	if (!roots || !c.dst || !c.map) {
		err = -ENOMEM;
		goto out;
	}
	/* One pass over the kernel's types with a binary search per name:
	 * btf__find_by_name_kind() would scan all of them once per root. */
	for (int id = 1; id < n && err >= 0; id++) {
		const struct btf_type *t = btf__type_by_id(kernel, id);
		const char *name = btf__name_by_offset(kernel, t->name_off);

		if (is_root_kind(t) && name && name[0] &&
		    bsearch(&name, roots, nroots, sizeof(*roots), cmp_str))
			err = copy_type(&c, id);
	}
out:
	for (int i = 0; roots && i < nroots; i++)
		free(roots[i]);
	free(roots);
	free(c.map);
	if (err < 0) {
		btf__free(c.dst);
		errno = -err;
		return NULL;
	}
	return c.dst;
}

int core_btf_cache_path(const void *elf, size_t elf_size, char *path, size_t size)
{
	char boot[64];
	int err = kernel_boot_id(boot, sizeof(boot));

	if (err)
		return err;
	/* The object's checksum: another gputrace build names other types. */
	snprintf(path, size, "%s/core-%s-%08lx.btf", CORE_BTF_DIR, boot,
		 crc32(0, elf, elf_size));
	return 0;
}

static int write_file(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

static bool dir_is_roots(const char *dir)
{
	struct stat st;

	return !lstat(dir, &st) && S_ISDIR(st.st_mode) && st.st_uid == 0 &&
	       !(st.st_mode & (S_IWGRP | S_IWOTH));
}

int core_btf_write(const struct btf *local, const char *path)
{
	struct btf *kernel, *cut = NULL;
	char tmp[PATH_MAX];
	const void *raw;
	__u32 raw_size;
	int fd = -1, err = 0;

	if (!strchr(path, '/'))
		return -EINVAL;
	kernel = btf__load_vmlinux_btf();
	if (!kernel)
		return -errno;
	cut = core_btf_cut(local, kernel);
	if (!cut) {
		err = -errno;
		goto out;
	}
	raw = btf__raw_data(cut, &raw_size);
	snprintf(tmp, sizeof(tmp), "%s", path);
	*strrchr(tmp, '/') = 0;
	if (mkdir(tmp, 0700) && errno != EEXIST) {
		err = -errno;
		goto out;
	}
	/* Root's own directory, or no cache: kernel types planted by someone
	 * else would steer what the programs read. */
	if (!dir_is_roots(tmp)) {
		err = -EPERM;
		goto out;
	}
	snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid());
	unlink(tmp);	/* one left by a recorder killed with our pid */
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || write_file(fd, raw, raw_size) || fsync(fd)) {
		err = -errno;
		unlink(tmp);
		goto out;
	}
	/* Whole or absent: a reader never sees half a file. */
	if (rename(tmp, path)) {
		err = -errno;
		unlink(tmp);
	}
out:
	if (fd >= 0)
		close(fd);
	btf__free(cut);
	btf__free(kernel);
	return err;
}
