// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Output files made aside and put in place: nothing at the path before
 * the commit, nothing left after an abort, no overwrite unless asked. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "outfile.h"

static char dir[] = "/tmp/gt-outfile.XXXXXX";

static int entries(void)
{
	DIR *dp = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(dp);
	while ((de = readdir(dp)))
		n += de->d_name[0] != '.' || (de->d_name[1] && strcmp(de->d_name, ".."));
	closedir(dp);
	return n;
}

static void test_commit_and_abort(void **state)
{
	char path[64];
	struct outfile of;
	struct stat st;

	snprintf(path, sizeof(path), "%s/out", dir);
	assert_int_equal(outfile_open(&of, path, false), 0);
	assert_int_equal(write(of.fd, "data", 4), 4);
	assert_int_equal(stat(path, &st), -1);		/* not there before the commit */
	assert_int_equal(outfile_commit(&of), 0);
	close(of.fd);
	outfile_release(&of);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 4);
	assert_int_equal(st.st_mode & 07777, 0600);

	/* an abort leaves nothing, not even a hidden temp file */
	assert_int_equal(outfile_open(&of, path, true), 0);
	outfile_abort(&of);
	assert_int_equal(entries(), 1);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 4);
	unlink(path);
}

/* Without overwrite, a file that appears at the path between the open
 * and the commit is kept, and the new one goes. */
static void test_no_overwrite_at_commit(void **state)
{
	char path[64];
	struct outfile of;
	int fd;

	snprintf(path, sizeof(path), "%s/late", dir);
	assert_int_equal(outfile_open(&of, path, false), 0);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(outfile_open(&(struct outfile){ 0 }, path, false), -EEXIST);
	assert_int_equal(outfile_commit(&of), -EEXIST);
	outfile_abort(&of);
	assert_int_equal(entries(), 1);
	unlink(path);
}

static int setup(void **state)
{
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	return rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commit_and_abort),
		cmocka_unit_test(test_no_overwrite_at_commit),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
