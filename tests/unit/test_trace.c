// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Trace file library: writer, reader and kv payloads. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "gputrace/event.h"
#include "record/disk_watch.h"
#include "trace/trace.h"

#define FILE_HDR	sizeof(struct gt_file_header)
#define CHUNK_HDR	sizeof(struct gt_chunk_header)
#define REC_HDR		sizeof(struct gt_rec_header)
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

struct fsize_guard {
	bool active;
	struct rlimit old;
	void (*old_handler)(int);
};

struct fixture {
	char dir[PATH_MAX / 2];
	char path[PATH_MAX];	/* scratch, see tpath() */
	struct fsize_guard fsize;	/* undone by teardown if a test fails */
};

/* A record as the test wrote it, to compare with what is read back. */
struct rec {
	uint16_t type;
	uint32_t len;
	uint8_t *data;
};

struct chunk_info {
	long long off;
	long long end;
	uint32_t ulen;
};

/* ---- helpers ---------------------------------------------------------- */

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/test_trace.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

/* Emulates a full disk without root: writes past the limit fail EFBIG. */
static void limit_file_size(struct fsize_guard *g, rlim_t bytes)
{
	struct rlimit lim;

	assert_int_equal(getrlimit(RLIMIT_FSIZE, &g->old), 0);
	g->old_handler = signal(SIGXFSZ, SIG_IGN);
	g->active = true;
	lim.rlim_cur = bytes;
	lim.rlim_max = g->old.rlim_max;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
}

static void unlimit_file_size(struct fsize_guard *g)
{
	if (!g->active)
		return;
	setrlimit(RLIMIT_FSIZE, &g->old);
	signal(SIGXFSZ, g->old_handler);
	g->active = false;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	struct dirent *de;
	DIR *d = opendir(f->dir);

	unlimit_file_size(&f->fsize);
	while (d && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			unlinkat(dirfd(d), de->d_name, 0);
	if (d)
		closedir(d);
	rmdir(f->dir);
	free(f);
	return 0;
}

static const char *tpath(struct fixture *f, const char *name)
{
	snprintf(f->path, sizeof(f->path), "%s/%s", f->dir, name);
	return f->path;
}

/* Deterministic bytes that zlib cannot shrink much. */
static void fill(uint8_t *p, size_t n, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 1;

	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = x;
	}
}

static struct rec make_rec(uint16_t type, uint32_t len, uint32_t seed)
{
	struct rec r = { .type = type, .len = len, .data = malloc(len ? len : 1) };

	assert_non_null(r.data);
	fill(r.data, len, seed);
	return r;
}

static void free_recs(struct rec *recs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(recs[i].data);
}

static uint8_t *slurp(const char *path, size_t *size)
{
	struct stat st;
	uint8_t *buf;
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	buf = malloc(st.st_size ? st.st_size : 1);
	assert_non_null(buf);
	assert_int_equal(read(fd, buf, st.st_size), st.st_size);
	close(fd);
	*size = st.st_size;
	return buf;
}

static void spit(const char *path, const void *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, size), (ssize_t)size);
	close(fd);
}

static uint32_t le32_at(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return le32toh(v);
}

static void set_le32(uint8_t *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, sizeof(v));
}

/* Walks the chunk headers of a well-formed file. */
static size_t chunks_of(const uint8_t *file, size_t size, struct chunk_info *ci, size_t max)
{
	size_t n = 0, off = FILE_HDR;

	while (off + CHUNK_HDR <= size) {
		uint32_t clen = le32_at(file + off + 4);

		assert_int_equal(le32_at(file + off), GT_CHUNK_MAGIC);
		assert_true(n < max);
		ci[n].off = off;
		ci[n].end = off + CHUNK_HDR + clen;
		ci[n].ulen = le32_at(file + off + 8);
		off = ci[n++].end;
	}
	assert_int_equal(off, size);
	return n;
}

static void write_recs(const char *path, const struct rec *recs, size_t n)
{
	struct trace_writer *w = trace_writer_create(path, false);
	struct trace_writer_stats st;

	assert_non_null(w);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(trace_writer_append(w, recs[i].type, recs[i].data, recs[i].len), 0);
	assert_int_equal(trace_writer_flush(w), 0);
	trace_writer_stats(w, &st);
	assert_int_equal(st.records, n);
	assert_int_equal(st.records_lost, 0);
	assert_int_equal(st.last_error, 0);
	assert_int_equal(trace_writer_close(w), 0);
}

static void assert_rec(const struct trace_record *got, const struct rec *want, uint64_t id)
{
	assert_int_equal(got->type, want->type);
	assert_int_equal(got->len, want->len);
	assert_int_equal(got->id, id);
	assert_memory_equal(got->data, want->data, want->len);
}

/* Reads PATH, checking records against WANT; returns how many were read
 * and leaves the last trace_reader_next() result in *RET. */
static size_t read_expect(const char *path, const struct rec *want, size_t n,
			  int *ret, bool *truncated)
{
	char err[512];
	struct trace_reader *r = trace_reader_open(path, err, sizeof(err));
	struct trace_record rec;
	size_t got = 0;

	if (!r)
		fail_msg("open %s: %s", path, err);
	while ((*ret = trace_reader_next(r, &rec)) == 1) {
		assert_true(got < n);
		assert_rec(&rec, &want[got], got + 1);
		got++;
	}
	*truncated = trace_reader_truncated(r);
	if (*ret == 0)
		assert_null(trace_reader_error(r));
	trace_reader_close(r);
	return got;
}

static void assert_reads_all(const char *path, const struct rec *want, size_t n)
{
	bool truncated;
	int ret;

	assert_int_equal(read_expect(path, want, n, &ret, &truncated), n);
	assert_int_equal(ret, 0);
	assert_false(truncated);
}

/* Reads PATH expecting -1 after NGOOD records, blaming the chunk at CHUNK_OFF. */
static void expect_corrupt(const char *path, size_t ngood, long long chunk_off)
{
	char err[512], at[64];
	struct trace_reader *r = trace_reader_open(path, err, sizeof(err));
	struct trace_record rec;
	size_t got = 0;
	int ret;

	assert_non_null(r);
	while ((ret = trace_reader_next(r, &rec)) == 1)
		got++;
	assert_int_equal(ret, -1);
	assert_int_equal(got, ngood);
	assert_non_null(trace_reader_error(r));
	snprintf(at, sizeof(at), "at byte %lld:", chunk_off);
	if (!strstr(trace_reader_error(r), at))
		fail_msg("error \"%s\" does not name %s", trace_reader_error(r), at);
	assert_null(strchr(trace_reader_error(r), '\n'));
	assert_int_equal(trace_reader_next(r, &rec), -1);	/* stays failed */
	trace_reader_close(r);
}

/* ---- round trips ------------------------------------------------------ */

static void test_empty_trace(void **state)
{
	struct fixture *f = *state;
	struct trace_writer *w = trace_writer_create(tpath(f, "t"), false);
	struct trace_writer_stats st;
	struct trace_reader *r;
	struct trace_record rec;
	uint16_t major, minor;
	char err[256];

	assert_non_null(w);
	assert_int_equal(trace_writer_flush(w), 0);	/* nothing buffered: no chunk */
	trace_writer_stats(w, &st);
	assert_int_equal(st.bytes, FILE_HDR);
	assert_int_equal(trace_writer_close(w), 0);

	r = trace_reader_open(f->path, err, sizeof(err));
	assert_non_null(r);
	trace_reader_version(r, &major, &minor);
	assert_int_equal(major, GT_FORMAT_MAJOR);
	assert_int_equal(minor, GT_FORMAT_MINOR);
	assert_int_equal(trace_reader_next(r, &rec), 0);
	assert_int_equal(trace_reader_next(r, &rec), 0);
	assert_false(trace_reader_truncated(r));
	assert_null(trace_reader_error(r));
	trace_reader_close(r);
}

static void test_roundtrip_events(void **state)
{
	static const uint32_t sizes[] = {
		0, 1, 7, 8, 9, 100, sizeof(struct gt_event_header),
		sizeof(struct gt_sysfs_write), sizeof(struct gt_driver_event),
		sizeof(struct gt_exec_event), 65536,
	};
	struct fixture *f = *state;
	struct rec recs[ARRAY_SIZE(sizes) + 2];
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
		recs[n++] = make_rec(GT_REC_EVENT, sizes[i], i);
	recs[n++] = make_rec(GT_REC_END, 8, 99);
	recs[n++] = make_rec(UINT16_MAX, 3, 98);	/* any type is carried */

	write_recs(tpath(f, "t"), recs, n);
	assert_reads_all(f->path, recs, n);
	free_recs(recs, n);
}

static void test_roundtrip_kv(void **state)
{
	static const uint8_t bin[] = { 'a', 0, 'b', 0, 0xff };
	struct fixture *f = *state;
	struct trace_writer *w = trace_writer_create(tpath(f, "t"), false);
	struct trace_reader *r;
	struct trace_record rec;
	struct kv_pair p;
	size_t off = 0;
	char err[256], buf[64];

	assert_non_null(w);
	trace_writer_kv_begin(w, GT_REC_MARK, 123456789012345ull);
	trace_writer_kv_str(w, "label", "before rebind");
	trace_writer_kv_add(w, "bin", bin, sizeof(bin));
	trace_writer_kv_add(w, "empty", NULL, 0);
	trace_writer_kv_str(w, "", "empty key");
	trace_writer_kv_u64(w, "u64", UINT64_MAX);
	trace_writer_kv_s64(w, "s64", INT64_MIN);
	trace_writer_kv_str(w, "label", "second label");
	assert_int_equal(trace_writer_kv_end(w), 0);
	trace_writer_kv_begin(w, GT_REC_END, 7);	/* no pairs at all */
	assert_int_equal(trace_writer_kv_end(w), 0);
	assert_int_equal(trace_writer_close(w), 0);

	r = trace_reader_open(f->path, err, sizeof(err));
	assert_non_null(r);
	assert_int_equal(trace_reader_next(r, &rec), 1);
	assert_int_equal(rec.type, GT_REC_MARK);
	assert_int_equal(kv_ts(&rec), 123456789012345ull);

	assert_int_equal(kv_next(&rec, &off, &p), 1);
	assert_int_equal(p.key_len, 5);
	assert_memory_equal(p.key, "label", 5);
	assert_int_equal(p.val_len, 13);
	assert_memory_equal(p.val, "before rebind", 13);
	assert_int_equal(kv_next(&rec, &off, &p), 1);
	assert_int_equal(p.val_len, sizeof(bin));
	assert_memory_equal(p.val, bin, sizeof(bin));
	assert_int_equal(kv_next(&rec, &off, &p), 1);
	assert_memory_equal(p.key, "empty", 5);
	assert_int_equal(p.val_len, 0);
	assert_int_equal(kv_next(&rec, &off, &p), 1);
	assert_int_equal(p.key_len, 0);
	assert_int_equal(kv_next(&rec, &off, &p), 1);
	assert_int_equal(kv_next(&rec, &off, &p), 1);
	assert_int_equal(kv_next(&rec, &off, &p), 1);
	assert_int_equal(kv_next(&rec, &off, &p), 0);
	assert_int_equal(kv_next(&rec, &off, &p), 0);

	assert_string_equal(kv_get(&rec, "label", buf, sizeof(buf)), "before rebind");
	assert_string_equal(kv_get(&rec, "u64", buf, sizeof(buf)), "18446744073709551615");
	assert_string_equal(kv_get(&rec, "s64", buf, sizeof(buf)), "-9223372036854775808");
	assert_string_equal(kv_get(&rec, "empty", buf, sizeof(buf)), "");
	assert_string_equal(kv_get(&rec, "", buf, sizeof(buf)), "empty key");
	assert_string_equal(kv_get(&rec, "bin", buf, sizeof(buf)), "a");
	assert_string_equal(kv_get(&rec, "label", buf, 4), "bef");
	assert_string_equal(kv_get(&rec, "label", buf, 1), "");
	assert_null(kv_get(&rec, "label", buf, 0));
	assert_null(kv_get(&rec, "labe", buf, sizeof(buf)));
	assert_null(kv_get(&rec, "missing", buf, sizeof(buf)));

	assert_int_equal(trace_reader_next(r, &rec), 1);
	assert_int_equal(rec.type, GT_REC_END);
	assert_int_equal(rec.len, 8);
	assert_int_equal(kv_ts(&rec), 7);
	off = 0;
	assert_int_equal(kv_next(&rec, &off, &p), 0);
	assert_int_equal(trace_reader_next(r, &rec), 0);
	trace_reader_close(r);
}

static void test_kv_misuse(void **state)
{
	struct fixture *f = *state;
	struct trace_writer *w = trace_writer_create(tpath(f, "t"), false);
	struct trace_writer_stats st;
	uint8_t *big = calloc(1, GT_CHUNK_MAX);
	const void *payload;
	uint32_t len = 1;

	assert_non_null(w);
	assert_non_null(big);
	assert_null(trace_writer_kv_payload(w, &len));
	assert_int_equal(len, 0);
	trace_writer_kv_str(w, "k", "v");		/* no kv_begin: ignored */
	assert_int_equal(trace_writer_kv_end(w), -EINVAL);

	trace_writer_kv_begin(w, GT_REC_FILE, 1);
	trace_writer_kv_str(w, "path", "/etc/modprobe.d/vfio.conf");
	trace_writer_kv_add(w, "content", big, GT_CHUNK_MAX);
	assert_int_equal(trace_writer_kv_end(w), -E2BIG);
	assert_int_equal(trace_writer_kv_end(w), -EINVAL);	/* already ended */

	trace_writer_kv_begin(w, GT_REC_FILE, 2);		/* builder reusable */
	trace_writer_kv_str(w, "path", "/etc/x");
	payload = trace_writer_kv_payload(w, &len);	/* shown live before end */
	assert_non_null(payload);
	assert_int_equal(len, 8 + 6 + 4 + 6);
	assert_memory_equal(payload, "\2\0\0\0\0\0\0\0\4\0\6\0\0\0path/etc/x", len);
	assert_int_equal(trace_writer_kv_end(w), 0);
	assert_null(trace_writer_kv_payload(w, &len));
	assert_int_equal(len, 0);

	assert_int_equal(trace_writer_flush(w), 0);
	trace_writer_stats(w, &st);
	assert_int_equal(st.records, 1);
	assert_int_equal(st.records_lost, 1);
	assert_int_equal(trace_writer_close(w), 0);
	free(big);
}

static void test_kv_malformed(void **state)
{
	uint8_t d[32] = { 0 };
	struct trace_record rec = { .type = GT_REC_MARK, .data = d };
	struct kv_pair p;
	size_t off;
	char buf[16];

	(void)state;
	for (rec.len = 0; rec.len < 8; rec.len++) {
		off = 0;
		assert_int_equal(kv_ts(&rec), 0);
		assert_int_equal(kv_next(&rec, &off, &p), -1);
		assert_null(kv_get(&rec, "", buf, sizeof(buf)));
	}
	rec.data = NULL;
	rec.len = 16;
	off = 0;
	assert_int_equal(kv_ts(&rec), 0);
	assert_int_equal(kv_next(&rec, &off, &p), -1);
	rec.data = d;

	/* ts, then a pair header cut short */
	set_le32(d, 42);
	for (rec.len = 9; rec.len < 14; rec.len++) {
		off = 0;
		assert_int_equal(kv_ts(&rec), 42);
		assert_int_equal(kv_next(&rec, &off, &p), -1);
	}
	/* key longer than the payload */
	d[8] = 200;
	rec.len = 20;
	off = 0;
	assert_int_equal(kv_next(&rec, &off, &p), -1);
	/* value length near 4 GiB must not wrap */
	d[8] = 1;
	d[9] = 0;
	set_le32(d + 10, UINT32_MAX);
	off = 0;
	assert_int_equal(kv_next(&rec, &off, &p), -1);
	assert_null(kv_get(&rec, "k", buf, sizeof(buf)));
	/* one good pair "k"="vv", then 2 stray bytes */
	set_le32(d + 10, 2);
	memcpy(d + 14, "kvv", 3);
	rec.len = 17;
	off = 0;
	assert_int_equal(kv_next(&rec, &off, &p), 1);
	assert_int_equal(off, 17);
	assert_int_equal(kv_next(&rec, &off, &p), 0);
	assert_string_equal(kv_get(&rec, "k", buf, sizeof(buf)), "vv");
	rec.len = 19;
	off = 0;
	assert_int_equal(kv_next(&rec, &off, &p), 1);
	assert_int_equal(kv_next(&rec, &off, &p), -1);
	off = 100;					/* past the end */
	assert_int_equal(kv_next(&rec, &off, &p), -1);
}

static void test_many_chunks(void **state)
{
	enum { N = 6000 };
	struct fixture *f = *state;
	struct rec *recs = calloc(N, sizeof(*recs));
	struct chunk_info ci[64];
	size_t size, nchunks, total = 0;
	uint8_t *file;

	assert_non_null(recs);
	for (size_t i = 0; i < N; i++)
		recs[i] = make_rec(i % 3 ? GT_REC_EVENT : GT_REC_UEVENT, i % 397, i);
	write_recs(tpath(f, "t"), recs, N);

	file = slurp(f->path, &size);
	nchunks = chunks_of(file, size, ci, ARRAY_SIZE(ci));
	assert_true(nchunks >= 4);
	for (size_t i = 0; i < nchunks; i++) {
		assert_true(ci[i].ulen > 0);
		assert_true(ci[i].ulen <= 256 * 1024);
		total += ci[i].ulen;
	}
	assert_true(ci[0].ulen > 200 * 1024);	/* chunks are filled, not tiny */
	for (size_t i = 0; i < N; i++)
		total -= REC_HDR + recs[i].len;
	assert_int_equal(total, 0);

	assert_reads_all(f->path, recs, N);
	free(file);
	free_recs(recs, N);
	free(recs);
}

static void test_flush_between_records(void **state)
{
	enum { N = 20 };
	struct fixture *f = *state;
	struct trace_writer *w = trace_writer_create(tpath(f, "t"), false);
	struct trace_writer_stats st;
	struct chunk_info ci[N];
	struct rec recs[N];
	size_t size;
	uint8_t *file;

	assert_non_null(w);
	for (size_t i = 0; i < N; i++) {
		recs[i] = make_rec(GT_REC_EVENT, i * 10, i);
		assert_int_equal(trace_writer_append(w, recs[i].type, recs[i].data, recs[i].len), 0);
		assert_int_equal(trace_writer_flush(w), 0);
		trace_writer_stats(w, &st);
		assert_int_equal(st.records, i + 1);
		assert_int_equal(trace_writer_flush(w), 0);	/* empty: no chunk */
		trace_writer_stats(w, &st);
		assert_int_equal(st.records, i + 1);
	}
	assert_int_equal(trace_writer_close(w), 0);

	file = slurp(f->path, &size);
	assert_int_equal(size, st.bytes);
	assert_int_equal(chunks_of(file, size, ci, N), N);
	assert_reads_all(f->path, recs, N);
	free(file);
	free_recs(recs, N);
}

static void test_record_size_limit(void **state)
{
	struct fixture *f = *state;
	struct trace_writer *w = trace_writer_create(tpath(f, "t"), false);
	struct trace_writer_stats st;
	struct chunk_info ci[4];
	struct rec recs[3];
	size_t size;
	uint8_t *file;

	assert_non_null(w);
	recs[0] = make_rec(GT_REC_EVENT, 100, 1);
	recs[1] = make_rec(GT_REC_EVENT, GT_CHUNK_MAX - REC_HDR, 2);	/* fills a chunk */
	recs[2] = make_rec(GT_REC_EVENT, 5, 3);
	assert_int_equal(trace_writer_append(w, GT_REC_EVENT, recs[0].data, recs[0].len), 0);
	assert_int_equal(trace_writer_append(w, GT_REC_EVENT, recs[1].data, recs[1].len), 0);
	assert_int_equal(trace_writer_append(w, GT_REC_EVENT, recs[1].data,
					     GT_CHUNK_MAX - REC_HDR + 1), -E2BIG);
	assert_int_equal(trace_writer_append(w, GT_REC_EVENT, recs[1].data, UINT32_MAX), -E2BIG);
	assert_int_equal(trace_writer_append(w, GT_REC_EVENT, recs[2].data, recs[2].len), 0);
	trace_writer_stats(w, &st);
	assert_int_equal(st.records_lost, 2);
	assert_int_equal(trace_writer_close(w), 0);

	file = slurp(f->path, &size);
	assert_int_equal(chunks_of(file, size, ci, ARRAY_SIZE(ci)), 3);
	assert_int_equal(ci[0].ulen, REC_HDR + 100);
	assert_int_equal(ci[1].ulen, GT_CHUNK_MAX);
	assert_reads_all(f->path, recs, 3);
	free(file);
	free_recs(recs, 3);
}

/* ---- truncation and corruption ----------------------------------------- */

/* A small trace: three chunks holding this many records each. */
static const size_t per_chunk[] = { 4, 3, 5 };

static size_t write_small_trace(const char *path, struct rec *recs)
{
	struct trace_writer *w = trace_writer_create(path, false);
	size_t n = 0;

	assert_non_null(w);
	for (size_t c = 0; c < ARRAY_SIZE(per_chunk); c++) {
		for (size_t i = 0; i < per_chunk[c]; i++, n++) {
			recs[n] = make_rec(1 + n % 8, n * 5 % 23, n);
			assert_int_equal(trace_writer_append(w, recs[n].type, recs[n].data,
							     recs[n].len), 0);
		}
		assert_int_equal(trace_writer_flush(w), 0);
	}
	assert_int_equal(trace_writer_close(w), 0);
	return n;
}

static void test_truncation_every_offset(void **state)
{
	struct fixture *f = *state;
	struct chunk_info ci[8];
	struct rec recs[16];
	size_t n, nchunks, size;
	uint8_t *file;
	char err[512];

	n = write_small_trace(tpath(f, "full"), recs);
	file = slurp(f->path, &size);
	nchunks = chunks_of(file, size, ci, ARRAY_SIZE(ci));
	assert_int_equal(nchunks, ARRAY_SIZE(per_chunk));

	for (size_t cut = 0; cut <= size; cut++) {
		size_t want = 0, got;
		bool boundary = cut == FILE_HDR, truncated;
		int ret;

		spit(tpath(f, "cut"), file, cut);
		if (cut < FILE_HDR) {
			assert_null(trace_reader_open(f->path, err, sizeof(err)));
			assert_non_null(strstr(err, "empty or truncated header"));
			assert_non_null(strstr(err, f->path));
			continue;
		}
		/* Expect the records of every chunk that ends by CUT. */
		for (size_t c = 0; c < nchunks && ci[c].end <= (long long)cut; c++) {
			want += per_chunk[c];
			boundary |= ci[c].end == (long long)cut;
		}
		got = read_expect(f->path, recs, n, &ret, &truncated);
		assert_int_equal(ret, 0);
		assert_int_equal(got, want);
		assert_int_equal(truncated, !boundary);
	}
	free(file);
	free_recs(recs, n);
}

static void test_corrupt_chunk_data(void **state)
{
	struct fixture *f = *state;
	struct chunk_info ci[8];
	struct rec recs[16];
	size_t n, size;
	uint8_t *file;

	n = write_small_trace(tpath(f, "t"), recs);
	file = slurp(f->path, &size);
	chunks_of(file, size, ci, ARRAY_SIZE(ci));

	/* Any byte of the middle chunk's compressed data. */
	for (long long i = ci[1].off + CHUNK_HDR; i < ci[1].end; i++) {
		file[i] ^= 0x5a;
		spit(f->path, file, size);
		expect_corrupt(f->path, 4, ci[1].off);
		file[i] ^= 0x5a;
	}
	/* Header fields: magic, crc, declared sizes. */
	file[ci[1].off] ^= 1;
	spit(f->path, file, size);
	expect_corrupt(f->path, 4, ci[1].off);
	file[ci[1].off] ^= 1;

	file[ci[2].off + 12] ^= 0x80;
	spit(f->path, file, size);
	expect_corrupt(f->path, 7, ci[2].off);
	file[ci[2].off + 12] ^= 0x80;

	for (int delta = -1; delta <= 1; delta += 2) {
		set_le32(file + ci[0].off + 8, ci[0].ulen + delta);
		spit(f->path, file, size);
		expect_corrupt(f->path, 0, ci[0].off);
	}
	set_le32(file + ci[0].off + 8, GT_CHUNK_MAX + 1);
	spit(f->path, file, size);
	expect_corrupt(f->path, 0, ci[0].off);
	set_le32(file + ci[0].off + 8, ci[0].ulen);

	/* Compressed size too small: the stream ends early. */
	set_le32(file + ci[0].off + 4, ci[0].end - ci[0].off - CHUNK_HDR - 1);
	spit(f->path, file, size);
	expect_corrupt(f->path, 0, ci[0].off);

	/* Too large: the next chunk's first byte is left over after the stream. */
	set_le32(file + ci[0].off + 4, ci[0].end - ci[0].off - CHUNK_HDR + 1);
	spit(f->path, file, size);
	expect_corrupt(f->path, 0, ci[0].off);

	free(file);
	free_recs(recs, n);
}

/* A chunk whose crc is right but whose record claims more than is there. */
static void test_record_past_chunk(void **state)
{
	struct fixture *f = *state;
	uint8_t recs[8 + 10 + 8 + 4], file[256];
	uLongf clen = sizeof(file) - FILE_HDR - CHUNK_HDR;
	struct trace_writer *w = trace_writer_create(tpath(f, "t"), false);
	size_t size;
	uint8_t *hdr;

	assert_non_null(w);
	assert_int_equal(trace_writer_close(w), 0);
	hdr = slurp(f->path, &size);
	assert_int_equal(size, FILE_HDR);
	memcpy(file, hdr, FILE_HDR);
	free(hdr);

	memset(recs, 0, sizeof(recs));
	recs[0] = GT_REC_EVENT;
	set_le32(recs + 4, 10);		/* good record, 10 bytes */
	recs[18] = GT_REC_EVENT;
	set_le32(recs + 22, 5);		/* claims 5, only 4 left */
	assert_int_equal(compress2(file + FILE_HDR + CHUNK_HDR, &clen, recs, sizeof(recs), 6), Z_OK);
	set_le32(file + FILE_HDR, GT_CHUNK_MAGIC);
	set_le32(file + FILE_HDR + 4, clen);
	set_le32(file + FILE_HDR + 8, sizeof(recs));
	set_le32(file + FILE_HDR + 12, crc32(0, recs, sizeof(recs)));
	spit(f->path, file, FILE_HDR + CHUNK_HDR + clen);
	expect_corrupt(f->path, 0, FILE_HDR);

	/* Fixed up, the same chunk reads: two records. */
	set_le32(recs + 22, 4);
	clen = sizeof(file) - FILE_HDR - CHUNK_HDR;
	assert_int_equal(compress2(file + FILE_HDR + CHUNK_HDR, &clen, recs, sizeof(recs), 6), Z_OK);
	set_le32(file + FILE_HDR + 4, clen);
	set_le32(file + FILE_HDR + 12, crc32(0, recs, sizeof(recs)));
	spit(f->path, file, FILE_HDR + CHUNK_HDR + clen);
	{
		struct rec want[2] = {
			{ GT_REC_EVENT, 10, recs + 8 }, { GT_REC_EVENT, 4, recs + 26 },
		};
		assert_reads_all(f->path, want, 2);
	}
}

static void test_not_a_trace(void **state)
{
	static const char garbage[] = "this is certainly not a gputrace file\n";
	struct fixture *f = *state;
	char err[512], want[PATH_MAX + 64];

	spit(tpath(f, "garbage"), garbage, sizeof(garbage));
	assert_null(trace_reader_open(f->path, err, sizeof(err)));
	snprintf(want, sizeof(want), "not a gputrace trace: %s", f->path);
	assert_string_equal(err, want);

	spit(f->path, "GPX", 3);	/* short, and not the magic either */
	assert_null(trace_reader_open(f->path, err, sizeof(err)));
	assert_string_equal(err, want);

	spit(tpath(f, "empty"), "", 0);
	assert_null(trace_reader_open(f->path, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s: empty or truncated header", f->path);
	assert_string_equal(err, want);

	assert_null(trace_reader_open(tpath(f, "missing"), err, sizeof(err)));
	assert_non_null(strstr(err, "No such file"));

	assert_null(trace_reader_open(f->dir, err, sizeof(err)));
	assert_true(err[0] != '\0');
	assert_null(trace_reader_open(f->dir, NULL, 0));	/* no room for a reason */
}

/* A FIFO (or device) where a trace is expected: refused at once, not a
 * blocking open waiting for a writer. The alarm turns a hang into a
 * failure. */
static void test_not_regular_refused(void **state)
{
	struct fixture *f = *state;
	char err[512], want[PATH_MAX + 64];

	assert_int_equal(mkfifo(tpath(f, "fifo.gtrace"), 0600), 0);
	alarm(10);
	assert_null(trace_reader_open(f->path, err, sizeof(err)));
	alarm(0);
	snprintf(want, sizeof(want), "%s: not a regular file", f->path);
	assert_string_equal(err, want);
	assert_null(trace_reader_open("/dev/null", err, sizeof(err)));
	assert_string_equal(err, "/dev/null: not a regular file");
}

static void test_version_skew(void **state)
{
	struct fixture *f = *state;
	struct trace_writer *w = trace_writer_create(tpath(f, "t"), false);
	struct trace_reader *r;
	struct trace_record rec;
	uint16_t major, minor;
	char err[512], want[PATH_MAX + 128], buf[16];
	uint8_t *file, future[] = { 1, 2, 3 };
	size_t size, known = 0, unknown = 0;

	assert_non_null(w);
	trace_writer_kv_begin(w, GT_REC_HEADER, 1);
	trace_writer_kv_str(w, "version", "1.0.0");
	assert_int_equal(trace_writer_kv_end(w), 0);
	assert_int_equal(trace_writer_append(w, 200, future, sizeof(future)), 0);
	trace_writer_kv_begin(w, GT_REC_END, 2);
	assert_int_equal(trace_writer_kv_end(w), 0);
	assert_int_equal(trace_writer_close(w), 0);
	file = slurp(f->path, &size);

	/* A newer minor only adds: read it, skipping what is unknown. */
	file[10] = GT_FORMAT_MINOR + 1;
	spit(f->path, file, size);
	r = trace_reader_open(f->path, err, sizeof(err));
	assert_non_null(r);
	trace_reader_version(r, &major, &minor);
	assert_int_equal(major, GT_FORMAT_MAJOR);
	assert_int_equal(minor, GT_FORMAT_MINOR + 1);
	while (trace_reader_next(r, &rec) == 1) {
		if (rec.type >= GT_REC_TYPE_MAX) {
			assert_int_equal(rec.type, 200);
			assert_int_equal(rec.len, 3);
			assert_memory_equal(rec.data, future, 3);
			assert_int_equal(rec.id, 2);
			unknown++;
			continue;
		}
		known++;
		if (rec.type == GT_REC_HEADER)
			assert_string_equal(kv_get(&rec, "version", buf, sizeof(buf)), "1.0.0");
	}
	assert_int_equal(known, 2);
	assert_int_equal(unknown, 1);
	assert_null(trace_reader_error(r));
	trace_reader_close(r);

	/* A newer major is refused with advice. */
	file[8] = GT_FORMAT_MAJOR + 1;
	file[10] = 0;
	spit(f->path, file, size);
	assert_null(trace_reader_open(f->path, err, sizeof(err)));
	snprintf(want, sizeof(want),
		 "%s: trace format 2.0 is newer than this gputrace reads (1.x); upgrade gputrace",
		 f->path);
	assert_string_equal(err, want);

	file[8] = 0;
	spit(f->path, file, size);
	assert_null(trace_reader_open(f->path, err, sizeof(err)));
	assert_non_null(strstr(err, "not supported"));
	free(file);
}

/* ---- writer: files and errors ------------------------------------------ */

static void test_create_mode_and_exclusive(void **state)
{
	struct fixture *f = *state;
	struct trace_writer *w;
	struct stat st;
	mode_t old = umask(0);
	size_t size;
	uint8_t *file;
	int fd;

	w = trace_writer_create(tpath(f, "t"), false);
	umask(old);
	assert_non_null(w);
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(trace_writer_append(w, GT_REC_EVENT, "x", 1), 0);
	assert_int_equal(trace_writer_close(w), 0);

	/* An existing file is never replaced by accident. */
	errno = 0;
	assert_null(trace_writer_create(f->path, false));
	assert_int_equal(errno, EEXIST);
	file = slurp(f->path, &size);
	assert_true(size > FILE_HDR);
	free(file);

	/* Overwrite empties it and makes it private. */
	fd = open(tpath(f, "old"), O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "previous contents", 17), 17);
	assert_int_equal(fchmod(fd, 0644), 0);
	close(fd);
	w = trace_writer_create(f->path, true);
	assert_non_null(w);
	assert_int_equal(trace_writer_close(w), 0);
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, FILE_HDR);

	errno = 0;
	assert_null(trace_writer_create(tpath(f, "no/such/dir"), true));
	assert_int_equal(errno, ENOENT);
}

/* A user's symlink at the output path (a sticky /tmp): --force replaces
 * the link itself, the file it points to is neither truncated nor chmod'ed;
 * without --force the link counts as an existing file. */
static void test_symlink_never_followed(void **state)
{
	struct fixture *f = *state;
	char victim[PATH_MAX], link[PATH_MAX];
	struct trace_writer *w;
	struct stat st;
	int fd;

	snprintf(victim, sizeof(victim), "%s", tpath(f, "victim"));
	snprintf(link, sizeof(link), "%s", tpath(f, "out.gtrace"));
	fd = open(victim, O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "keep me", 7), 7);
	assert_int_equal(fchmod(fd, 0644), 0);
	close(fd);
	assert_int_equal(symlink(victim, link), 0);

	errno = 0;
	assert_null(trace_writer_create(link, false));
	assert_int_equal(errno, EEXIST);

	w = trace_writer_create(link, true);
	assert_non_null(w);
	assert_int_equal(trace_writer_close(w), 0);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, FILE_HDR);
	assert_int_equal(stat(victim, &st), 0);
	assert_int_equal(st.st_size, 7);
	assert_int_equal(st.st_mode & 07777, 0644);
	unlink(victim);
}

/* The END record is what tells a finished recording from a killed one. */
static void test_end_record_seen(void **state)
{
	struct fixture *f = *state;
	struct trace_writer *w = trace_writer_create(tpath(f, "t"), false);
	struct trace_record rec;
	struct trace_reader *r;

	assert_non_null(w);
	trace_writer_kv_begin(w, GT_REC_MARK, 1);
	trace_writer_kv_end(w);
	assert_int_equal(trace_writer_flush(w), 0);
	r = trace_reader_open(f->path, NULL, 0);
	while (trace_reader_next(r, &rec) == 1)
		;
	assert_false(trace_reader_end_seen(r));
	assert_false(trace_reader_truncated(r));
	trace_reader_close(r);

	trace_writer_kv_begin(w, GT_REC_END, 2);
	trace_writer_kv_end(w);
	assert_int_equal(trace_writer_close(w), 0);
	r = trace_reader_open(f->path, NULL, 0);
	while (trace_reader_next(r, &rec) == 1)
		;
	assert_true(trace_reader_end_seen(r));
	trace_reader_close(r);
}

static void test_disk_full(void **state)
{
	enum { LIMIT = 64 * 1024, RECLEN = 10000, MAXN = 40 };
	struct fixture *f = *state;
	struct trace_writer *w = trace_writer_create(tpath(f, "t"), false);
	struct trace_writer_stats st;
	struct rec recs[MAXN], kept[MAXN];
	struct disk_watch dw = { 0 };
	size_t n = 0, nkept = 0;
	struct stat sb;
	int ret = 0;

	assert_non_null(w);
	limit_file_size(&f->fsize, LIMIT);

	/* One incompressible record per chunk until the "disk" is full. A
	 * live command's watch (record, guard -o) says nothing meanwhile,
	 * then that writes fail, once. */
	while (n < MAXN && ret == 0) {
		recs[n] = make_rec(GT_REC_EVENT, RECLEN, n);
		assert_int_equal(trace_writer_append(w, GT_REC_EVENT, recs[n].data, RECLEN), 0);
		ret = trace_writer_flush(w);
		if (ret == 0) {
			kept[nkept++] = recs[n];
			assert_int_equal(disk_watch_look(&dw, w, f->path, "recording goes on"), DISK_SAME);
		}
		n++;
	}
	assert_int_equal(ret, -EFBIG);
	assert_int_equal(disk_watch_look(&dw, w, f->path, "recording goes on"), DISK_FAILING);
	assert_int_equal(nkept, (LIMIT - FILE_HDR) / (CHUNK_HDR + RECLEN + 64));
	trace_writer_stats(w, &st);
	assert_int_equal(st.records, nkept);
	assert_int_equal(st.records_lost, 1);
	assert_int_equal(st.last_error, -EFBIG);
	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal(sb.st_size, st.bytes);	/* partial chunk cut off */
	assert_true(st.bytes <= LIMIT);

	/* Still full: a chunk filled by append itself is lost too. */
	for (int i = 0; i < 30; i++) {
		struct rec lost = make_rec(GT_REC_EVENT, RECLEN, 1000 + i);

		assert_int_equal(trace_writer_append(w, GT_REC_EVENT, lost.data, RECLEN), 0);
		free(lost.data);
	}
	trace_writer_stats(w, &st);
	assert_int_equal(st.records, nkept);
	assert_int_equal(st.records_lost, 1 + 26);	/* 26 fit in 256 KiB */
	assert_int_equal(trace_writer_flush(w), -EFBIG);
	trace_writer_stats(w, &st);
	assert_int_equal(st.records_lost, 1 + 30);
	assert_int_equal(disk_watch_look(&dw, w, f->path, "recording goes on"), DISK_SAME);

	/* The file reads up to the last whole chunk. */
	assert_reads_all(f->path, kept, nkept);

	/* Space freed: writing resumes right after the last whole chunk. */
	unlimit_file_size(&f->fsize);
	recs[n] = make_rec(GT_REC_EVENT, RECLEN, n);
	assert_int_equal(trace_writer_append(w, GT_REC_EVENT, recs[n].data, RECLEN), 0);
	assert_int_equal(trace_writer_flush(w), 0);
	kept[nkept++] = recs[n++];
	trace_writer_stats(w, &st);
	assert_int_equal(st.records, nkept);
	assert_int_equal(st.records_lost, 31);
	assert_int_equal(disk_watch_look(&dw, w, f->path, "recording goes on"), DISK_WRITING_AGAIN);
	assert_int_equal(disk_watch_look(&dw, w, f->path, "recording goes on"), DISK_SAME);
	assert_int_equal(st.last_error, -EFBIG);	/* remembered */
	assert_int_equal(trace_writer_close(w), -EFBIG);	/* first error */

	assert_reads_all(f->path, kept, nkept);
	free_recs(recs, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_empty_trace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roundtrip_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roundtrip_kv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kv_misuse, setup, teardown),
		cmocka_unit_test(test_kv_malformed),
		cmocka_unit_test_setup_teardown(test_many_chunks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flush_between_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_size_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncation_every_offset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_chunk_data, setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_past_chunk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_trace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_regular_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_version_skew, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_mode_and_exclusive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink_never_followed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_end_record_seen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disk_full, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
