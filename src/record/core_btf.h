/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The kernel types our BPF programs relocate against (CO-RE), cut out of
 * the kernel's BTF once per boot and kept in a small file: see core_btf.c. */
#ifndef GPUTRACE_CORE_BTF_H
#define GPUTRACE_CORE_BTF_H

#include <stddef.h>

struct btf;

#define CORE_BTF_DIR "/run/gputrace"

/* A BTF holding every kernel struct, union, enum and typedef named in
 * LOCAL (the BPF object's own BTF; "___flavour" suffixes stripped), copied
 * from KERNEL with their members; pointers become void pointers, which is
 * all a CO-RE field check looks at (relocations through a pointer are
 * rooted at the pointee's own name). NULL with errno set on failure. */
struct btf *core_btf_cut(const struct btf *local, const struct btf *kernel);

/* The cache file for the BPF object ELF (ELF_SIZE bytes) on this boot. */
int core_btf_cache_path(const void *elf, size_t elf_size, char *path, size_t size);

/* Cuts from /sys/kernel/btf/vmlinux for LOCAL and writes PATH (atomically,
 * mode 0600; its directory made, mode 0700, if missing). 0 or -errno. */
int core_btf_write(const struct btf *local, const char *path);

#endif /* GPUTRACE_CORE_BTF_H */
