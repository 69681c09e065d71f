// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The helpers every layer shares (util.c): growing an array without
 * overflowing its size, reading a file or a pipe whole, suffixes, loading
 * a library on demand; and the one choice of a report's output form. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "render/report_render.h"
#include "util.h"

struct pair {
	uint64_t a, b;
};

/* Elements are appended zeroed, the capacity doubles, the pointers stay
 * valid for what was written before. */
static void test_array_push(void **state)
{
	struct pair *v = NULL, *p;
	size_t n = 0, cap = 0;

	for (uint64_t i = 0; i < 100; i++) {
		p = array_push((void **)&v, &n, &cap, sizeof(*v));
		assert_non_null(p);
		assert_int_equal(p->a, 0);
		assert_int_equal(p->b, 0);
		p->a = i;
		p->b = i * 2;
	}
	assert_int_equal(n, 100);
	assert_int_equal(cap, 128);
	for (uint64_t i = 0; i < 100; i++)
		assert_int_equal(v[i].a + v[i].b, 3 * i);
	free(v);
}

/* A size that does not fit in size_t is refused, and the array and its
 * capacity are left as they were. */
static void test_array_reserve_overflow(void **state)
{
	char *v = NULL;
	size_t cap = 0;

	assert_int_equal(array_reserve((void **)&v, &cap, 10, 1), 0);
	assert_int_equal(cap, 16);
	memcpy(v, "kept", 5);
	assert_int_equal(array_reserve((void **)&v, &cap, SIZE_MAX / 8 + 1, 16), -ENOMEM);
	assert_int_equal(cap, 16);
	assert_string_equal(v, "kept");
	assert_int_equal(array_reserve((void **)&v, &cap, SIZE_MAX, 1), -ENOMEM);
	assert_int_equal(cap, 16);
	assert_int_equal(array_reserve((void **)&v, &cap, 16, 1), 0);	/* room already */
	assert_int_equal(cap, 16);
	free(v);
}

/* Whole reads through short reads: a pipe from the position, a file at
 * an offset, and fewer bytes only at the end. */
static void test_fd_read_full(void **state)
{
	char path[] = "/tmp/gt-util.XXXXXX", buf[16] = "";
	int fds[2], fd;

	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], "abc", 3), 3);
	assert_int_equal(write(fds[1], "def", 3), 3);
	close(fds[1]);
	assert_int_equal(fd_read_full(fds[0], buf, sizeof(buf), -1), 6);
	assert_memory_equal(buf, "abcdef", 6);
	close(fds[0]);

	fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write(fd, "0123456789", 10), 10);
	assert_int_equal(fd_read_full(fd, buf, 4, 3), 4);
	assert_memory_equal(buf, "3456", 4);
	assert_int_equal(fd_read_full(fd, buf, sizeof(buf), 8), 2);
	assert_int_equal(fd_read_full(fd, buf, 4, 20), 0);
	close(fd);
	assert_int_equal(fd_read_full(fd, buf, 4, 0), -EBADF);
}

static void test_str_has_suffix(void **state)
{
	assert_true(str_has_suffix("vfio.conf", ".conf"));
	assert_false(str_has_suffix(".conf", ".conf"));	/* nothing before it */
	assert_false(str_has_suffix("vfio.conf~", ".conf"));
	assert_false(str_has_suffix("f", ".conf"));
	assert_true(str_has_suffix("anything", ""));
	assert_false(str_has_suffix("", ""));
}

/* A library that is not there, and a symbol a library does not have:
 * NULL and one line that names what is missing. */
struct keyed {
	int key, seq;
};

static int cmp_key(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;

	return (x->key > y->key) - (x->key < y->key);
}

/* The first element not less than the key: its first copy when there are
 * several, where it would go when absent, N past the end. */
static void test_array_lower_bound(void **state)
{
	struct keyed v[] = { { 1, 0 }, { 3, 1 }, { 3, 2 }, { 3, 3 }, { 8, 4 } };
	const size_t n = sizeof(v) / sizeof(v[0]);

	assert_int_equal(array_lower_bound(v, n, sizeof(v[0]), &(struct keyed){ .key = 3 }, cmp_key), 1);
	assert_int_equal(array_lower_bound(v, n, sizeof(v[0]), &(struct keyed){ .key = 0 }, cmp_key), 0);
	assert_int_equal(array_lower_bound(v, n, sizeof(v[0]), &(struct keyed){ .key = 4 }, cmp_key), 4);
	assert_int_equal(array_lower_bound(v, n, sizeof(v[0]), &(struct keyed){ .key = 9 }, cmp_key), n);
	assert_int_equal(array_lower_bound(v, 0, sizeof(v[0]), &(struct keyed){ .key = 1 }, cmp_key), 0);
}

/* Sorted, and stable: equal keys keep their order (what a report's rows
 * rely on), for arrays in order, in runs, reversed and random. */
static bool below(size_t i, const void *ctx)
{
	return i < *(const size_t *)ctx;
}

/* The one binary search: the first place its predicate fails, for every
 * cut of every length, and N when it never fails. */
static void test_partition_point(void **state)
{
	(void)state;
	for (size_t n = 0; n < 70; n++)
		for (size_t cut = 0; cut <= n + 1; cut++)
			assert_int_equal(partition_point(n, below, &cut), cut < n ? cut : n);
}

static void test_array_sort(void **state)
{
	static const int sizes[] = { 0, 1, 2, 3, 17, 1000 };
	struct keyed v[1000];

	for (int shape = 0; shape < 4; shape++)
		for (size_t z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++) {
			int n = sizes[z];

			srand(shape * 100 + n);
			for (int i = 0; i < n; i++) {
				v[i].seq = i;
				v[i].key = shape == 0 ? i / 3 : shape == 1 ? i % 7 * 10 + i / 200 :
					   shape == 2 ? n - i : rand() % 50;
			}
			array_sort(v, n, sizeof(v[0]), cmp_key);
			for (int i = 1; i < n; i++) {
				assert_true(v[i - 1].key <= v[i].key);
				if (v[i - 1].key == v[i].key)
					assert_true(v[i - 1].seq < v[i].seq);
			}
		}
}

/* Strings are copied whole and stay where they were put while more are
 * added: short ones across the growing blocks, and ones longer than any
 * block, first and in between. */
static void test_text_store(void **state)
{
	struct text_store ts = { 0 };
	const char *kept[3000];
	char buf[64], *big = malloc(3u << 20);
	const char *first, *mid;

	(void)state;
	assert_non_null(big);
	memset(big, 'x', 3u << 20);
	big[(3u << 20) - 1] = 0;
	first = text_store_copy(&ts, big, 100000);
	assert_non_null(first);
	assert_int_equal(strlen(first), 100000);
	assert_string_equal(text_store_copy(&ts, "", 0), "");
	for (int i = 0; i < 3000; i++) {
		int len = snprintf(buf, sizeof(buf), "string %d %0*d", i, i % 40, 0);

		kept[i] = text_store_copy(&ts, buf, len);
		assert_non_null(kept[i]);
		if (i == 1500) {
			mid = text_store_copy(&ts, big, (3u << 20) - 1);
			assert_non_null(mid);
		}
	}
	for (int i = 0; i < 3000; i++) {
		snprintf(buf, sizeof(buf), "string %d %0*d", i, i % 40, 0);
		assert_string_equal(kept[i], buf);
	}
	assert_int_equal(strlen(first), 100000);
	assert_int_equal(strlen(mid), (3u << 20) - 1);
	text_store_free(&ts);
	assert_null(ts.blocks);
	free(big);
}

static void test_pci_name_is_sysfs(void **state)
{
	static const char *const names[] = { "0000:0a:00.0", "0000:ff:1f.7", "10000:01:00.0",
					     "ffffffff:00:00.0", NULL };
	static const char *const not_names[] = { "0a:00.0", "0000:0A:00.0", "0000:0a:00.8",
						 "0000:0a:00", "000:0a:00.0", "0000:0a:00.0 ",
						 "pci0000:00", "0000:0a.00:0", "", NULL };

	for (int i = 0; names[i]; i++)
		assert_true(pci_name_is_sysfs(names[i], strlen(names[i])));
	for (int i = 0; not_names[i]; i++)
		assert_false(pci_name_is_sysfs(not_names[i], strlen(not_names[i])));
	/* a span: the name within a longer buffer */
	assert_true(pci_name_is_sysfs("0000:0a:00.0\n", 12));
}

static void test_dl_open_syms(void **state)
{
	static const char *const good[] = { "strlen" }, *const bad[] = { "gt_no_such_symbol" };
	void *sym[1] = { NULL }, *h;
	char why[256];

	assert_null(dl_open_syms("libgt-absent.so.9", "install it", good, sym, 1, why, sizeof(why)));
	assert_non_null(strstr(why, "libgt-absent.so.9 not found (install it)"));
	h = dl_open_syms("libc.so.6", "libc6", good, sym, 1, why, sizeof(why));
	assert_non_null(h);
	size_t (*len)(const char *) = (size_t (*)(const char *))sym[0];
	assert_int_equal(len("gpu"), 3);
	assert_null(dl_open_syms("libc.so.6", "libc6", bad, sym, 1, why, sizeof(why)));
	assert_non_null(strstr(why, "libc.so.6 unusable"));
	assert_non_null(strstr(why, "gt_no_such_symbol"));
}

static void test_report_format_parse(void **state)
{
	static const struct { const char *name; enum report_format f; } known[] = {
		{ "text", REPORT_TEXT }, { "md", REPORT_MD }, { "json", REPORT_JSON },
		{ "html", REPORT_HTML },
	};
	enum report_format f = REPORT_HTML;

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		assert_int_equal(report_format_parse(known[i].name, &f), 0);
		assert_int_equal(f, known[i].f);
	}
	f = REPORT_MD;
	assert_int_equal(report_format_parse("JSON", &f), -EINVAL);
	assert_int_equal(report_format_parse("", &f), -EINVAL);
	assert_int_equal(f, REPORT_MD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_array_push),
		cmocka_unit_test(test_array_reserve_overflow),
		cmocka_unit_test(test_fd_read_full),
		cmocka_unit_test(test_str_has_suffix),
		cmocka_unit_test(test_array_sort),
		cmocka_unit_test(test_array_lower_bound),
		cmocka_unit_test(test_partition_point),
		cmocka_unit_test(test_text_store),
		cmocka_unit_test(test_pci_name_is_sysfs),
		cmocka_unit_test(test_dl_open_syms),
		cmocka_unit_test(test_report_format_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
