// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The per-boot cut of the kernel's BTF (src/record/core_btf.c): made from
 * this machine's real /sys/kernel/btf/vmlinux and our real BPF object, it
 * must describe every type the programs name exactly as the kernel does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "gputrace.skel.h"
#include "record/core_btf.h"

struct fx {
	struct gputrace_bpf *skel;
	struct btf *kernel;
	struct btf *cut;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	libbpf_set_print(NULL);
	f->kernel = btf__load_vmlinux_btf();
	f->skel = gputrace_bpf__open();
	if (f->kernel && f->skel)
		f->cut = core_btf_cut(bpf_object__btf(f->skel->obj), f->kernel);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	btf__free(f->cut);
	btf__free(f->kernel);
	gputrace_bpf__destroy(f->skel);
	free(f);
	return 0;
}

#define NEED_KERNEL_BTF(f)                                                          \
	do {                                                                        \
		if (!(f)->kernel) {                                                 \
			print_message("no /sys/kernel/btf/vmlinux: skipped\n");     \
			skip();                                                     \
		}                                                                   \
	} while (0)

static bool same_kind(const struct btf_type *a, const struct btf_type *b)
{
	return btf_kind(a) == btf_kind(b);
}

/* Every struct and union the programs name (flavours stripped) is in the
 * cut with the kernel's size and members: same names, bit offsets,
 * bitfield sizes, and member types of the same kind. */
static void test_members_as_in_kernel(void **state)
{
	struct fx *f = *state;
	const struct btf *local;
	int checked = 0;

	NEED_KERNEL_BTF(f);
	assert_non_null(f->cut);
	local = bpf_object__btf(f->skel->obj);
	for (int id = 1; id < (int)btf__type_cnt(local); id++) {
		const struct btf_type *lt = btf__type_by_id(local, id), *kt, *ct;
		char name[128];
		int kid, cid;

		if (!btf_is_composite(lt) || !lt->name_off)
			continue;
		snprintf(name, sizeof(name), "%s", btf__name_by_offset(local, lt->name_off));
		if (strstr(name, "___"))
			*strstr(name, "___") = 0;
		kid = btf__find_by_name_kind(f->kernel, name, btf_kind(lt));
		if (kid < 0)
			continue;	/* ours alone (event structs, maps) */
		cid = btf__find_by_name_kind(f->cut, name, btf_kind(lt));
		assert_true(cid > 0);
		kt = btf__type_by_id(f->kernel, kid);
		ct = btf__type_by_id(f->cut, cid);
		assert_int_equal(ct->size, kt->size);
		assert_int_equal(btf_vlen(ct), btf_vlen(kt));
		for (int i = 0; i < btf_vlen(kt); i++) {
			const struct btf_member *km = btf_members(kt) + i, *cm = btf_members(ct) + i;

			assert_string_equal(btf__name_by_offset(f->cut, cm->name_off),
					    btf__name_by_offset(f->kernel, km->name_off));
			assert_int_equal(btf_member_bit_offset(ct, i), btf_member_bit_offset(kt, i));
			assert_int_equal(btf_member_bitfield_size(ct, i),
					 btf_member_bitfield_size(kt, i));
			assert_true(same_kind(btf__type_by_id(f->cut, cm->type),
					      btf__type_by_id(f->kernel, km->type)));
		}
		checked++;
	}
	/* task_struct, file, inode, kernfs_node, pci_dev, pt_regs, ... */
	assert_true(checked >= 20);
	assert_true(btf__find_by_name_kind(f->cut, "task_struct", BTF_KIND_STRUCT) > 0);
	assert_true(btf__find_by_name_kind(f->cut, "kernfs_node", BTF_KIND_STRUCT) > 0);
	assert_true(btf__find_by_name_kind(f->cut, "bpf_func_id", BTF_KIND_ENUM) > 0);
}

/* Pointers are cut: the result is a small fraction of the kernel's. */
static void test_small_pointers_void(void **state)
{
	struct fx *f = *state;
	int n;

	NEED_KERNEL_BTF(f);
	assert_non_null(f->cut);
	n = btf__type_cnt(f->cut);
	assert_true(n * 50 < (int)btf__type_cnt(f->kernel));
	for (int id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(f->cut, id);

		if (btf_is_ptr(t))
			assert_int_equal(t->type, 0);
	}
}

/* Written whole, mode 0600, in a directory it makes; parses back equal. */
static void test_write_and_parse(void **state)
{
	struct fx *f = *state;
	char dir[] = "/tmp/test_core_btf.XXXXXX", path[256];
	struct btf *back;
	struct stat st;
	__u32 a, b;

	NEED_KERNEL_BTF(f);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sub/core.btf", dir);
	assert_int_equal(core_btf_write(bpf_object__btf(f->skel->obj), path), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	back = btf__parse(path, NULL);
	assert_non_null(back);
	btf__raw_data(back, &a);
	btf__raw_data(f->cut, &b);
	assert_int_equal(a, b);
	btf__free(back);
	assert_int_equal(core_btf_write(bpf_object__btf(f->skel->obj), "relative.btf"), -EINVAL);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sub", dir);
	rmdir(path);
	rmdir(dir);
}

/* One file per boot and per BPF object. */
static void test_cache_path(void **state)
{
	char a[256], b[256], boot[64] = "";
	FILE *fp = fopen("/proc/sys/kernel/random/boot_id", "r");

	(void)state;
	assert_non_null(fp);
	assert_non_null(fgets(boot, sizeof(boot), fp));
	fclose(fp);
	boot[strcspn(boot, "\n")] = 0;
	assert_int_equal(core_btf_cache_path("one", 3, a, sizeof(a)), 0);
	assert_int_equal(core_btf_cache_path("two", 3, b, sizeof(b)), 0);
	assert_string_not_equal(a, b);
	assert_non_null(strstr(a, boot));
	assert_int_equal(strncmp(a, CORE_BTF_DIR "/", strlen(CORE_BTF_DIR) + 1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_members_as_in_kernel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_small_pointers_void, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_and_parse, setup, teardown),
		cmocka_unit_test(test_cache_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
