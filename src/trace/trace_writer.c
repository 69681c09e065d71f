// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Trace writer. Records are collected in memory and written as independent
 * zlib chunks (include/gputrace/trace_format.h). Each chunk reaches the file
 * with a single write, and a failed write is cut off again, so the file
 * always ends on a whole chunk or on the one chunk being written: a killed
 * recorder or a full disk costs at most the records of that chunk.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "outfile.h"
#include "trace/trace.h"
#include "util.h"

/*
 * Uncompressed bytes collected before a chunk is written: large enough to
 * compress well, small enough that losing one chunk loses little. Only a
 * single record larger than this makes a bigger chunk (up to GT_CHUNK_MAX).
 */
#define CHUNK_TARGET	(256u << 10)

#define FILE_HDR_SIZE	sizeof(struct gt_file_header)
#define CHUNK_HDR_SIZE	sizeof(struct gt_chunk_header)
#define REC_HDR_SIZE	sizeof(struct gt_rec_header)
#define REC_MAX_PAYLOAD	(GT_CHUNK_MAX - REC_HDR_SIZE)
#define KV_PAIR_HDR	6	/* key_len:u16 val_len:u32 */

struct byte_buf {
	uint8_t *data;
	size_t len;
	size_t cap;
};

struct trace_writer {
	int fd;
	char *path;
	off_t end;		/* end of the last whole chunk: the file size */
	bool tail_dirty;	/* a failed write left bytes past end */

	struct byte_buf recs;	/* records waiting for the next chunk */
	uint64_t nrecs;		/* records in recs */
	struct byte_buf zout;	/* chunk header + compressed records */

	struct byte_buf kv;	/* record being built by kv_begin .. kv_end */
	uint16_t kv_type;
	bool kv_open;
	int kv_err;		/* first error while building, reported by kv_end */

	uint64_t records;
	uint64_t records_lost;
	int last_error;		/* last failed write, -errno */
	int first_error;	/* what close reports */

	trace_writer_tap_fn tap;
	void *tap_ctx;
};

static void put_le16(uint8_t *p, uint16_t v)
{
	v = htole16(v);
	memcpy(p, &v, sizeof(v));
}

static void put_le32(uint8_t *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, sizeof(v));
}

/* Makes room for EXTRA more bytes; doubling keeps appends amortised O(1). */
static int buf_reserve(struct byte_buf *b, size_t extra)
{
	size_t need = b->len + extra;

	if (extra > SIZE_MAX / 2 - b->len)
		return -ENOMEM;
	/* records come by the kilobyte: start there, not at 16 bytes */
	return array_reserve((void **)&b->data, &b->cap, need < 4096 ? 4096 : need, 1);
}

static void note_error(struct trace_writer *w, int err)
{
	if (!w->first_error)
		w->first_error = err;
}

/* pwrite at an explicit offset: after a failed write there is no file
 * position to repair, the next chunk simply goes to w->end again. */
static int write_all(int fd, const uint8_t *p, size_t len, off_t off)
{
	while (len) {
		ssize_t n = pwrite(fd, p, len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		len -= n;
		off += n;
	}
	return 0;
}

static int write_file_header(struct trace_writer *w)
{
	uint8_t h[FILE_HDR_SIZE];
	int err;

	memcpy(h + offsetof(struct gt_file_header, magic), GT_FILE_MAGIC, 8);
	put_le16(h + offsetof(struct gt_file_header, major), GT_FORMAT_MAJOR);
	put_le16(h + offsetof(struct gt_file_header, minor), GT_FORMAT_MINOR);
	put_le32(h + offsetof(struct gt_file_header, flags), 0);
	err = write_all(w->fd, h, sizeof(h), 0);
	if (!err)
		w->end = sizeof(h);
	return err;
}

/* The file is made private, its header written, and only then put at PATH
 * (outfile.h): a symlink planted there is replaced, not followed, and a
 * reader never sees a file without its header. */
struct trace_writer *trace_writer_create(const char *path, bool overwrite)
{
	struct trace_writer *w = calloc(1, sizeof(*w));
	struct outfile of;
	int err;

	if (!w || !(w->path = strdup(path))) {
		free(w);
		errno = ENOMEM;
		return NULL;
	}
	err = outfile_open(&of, path, overwrite);
	if (!err) {
		w->fd = of.fd;
		err = write_file_header(w);
		if (!err)
			err = outfile_commit(&of);
		if (err)
			outfile_abort(&of);
		else
			outfile_release(&of);
	}
	if (err) {
		free(w->path);
		free(w);
		errno = -err;
		return NULL;
	}
	return w;
}

void trace_writer_discard(struct trace_writer *w)
{
	if (!w)
		return;
	unlink(w->path);
	trace_writer_close(w);
}

static void fill_chunk_header(uint8_t *h, uint32_t clen, const struct byte_buf *recs)
{
	put_le32(h + offsetof(struct gt_chunk_header, magic), GT_CHUNK_MAGIC);
	put_le32(h + offsetof(struct gt_chunk_header, clen), clen);
	put_le32(h + offsetof(struct gt_chunk_header, ulen), recs->len);
	put_le32(h + offsetof(struct gt_chunk_header, crc),
		 crc32(0, recs->data, recs->len));
}

/* Compresses the buffered records and appends them as one chunk. */
static int write_chunk(struct trace_writer *w)
{
	uLongf clen = compressBound(w->recs.len);
	size_t size;
	int err;

	w->zout.len = 0;
	if (buf_reserve(&w->zout, CHUNK_HDR_SIZE + clen))
		return -ENOMEM;
	/* With a compressBound() sized output, only Z_MEM_ERROR can happen.
	 * Fastest level: the recorder must keep up with bursts; events repeat
	 * so much that level 1 still shrinks them several times. */
	if (compress2(w->zout.data + CHUNK_HDR_SIZE, &clen, w->recs.data,
		      w->recs.len, Z_BEST_SPEED) != Z_OK)
		return -ENOMEM;
	fill_chunk_header(w->zout.data, clen, &w->recs);
	size = CHUNK_HDR_SIZE + clen;

	err = write_all(w->fd, w->zout.data, size, w->end);
	if (err) {
		/* Cut the partial chunk so the file ends on a whole one. If
		 * that fails too, retry after the next successful write. */
		w->tail_dirty = ftruncate(w->fd, w->end) != 0;
		return err;
	}
	w->end += size;
	if (w->tail_dirty)
		w->tail_dirty = ftruncate(w->fd, w->end) != 0;
	return 0;
}

int trace_writer_flush(struct trace_writer *w)
{
	int err;

	if (!w)
		return -EINVAL;
	if (!w->recs.len)
		return 0;
	err = write_chunk(w);
	if (err) {
		/* The buffer is dropped, not kept for a retry: it would grow
		 * without bound while the disk stays full. */
		w->records_lost += w->nrecs;
		w->last_error = err;
		note_error(w, err);
	} else {
		w->records += w->nrecs;
	}
	w->recs.len = 0;
	w->nrecs = 0;
	return err;
}

int trace_writer_append(struct trace_writer *w, uint16_t type,
			const void *payload, uint32_t len)
{
	size_t need = REC_HDR_SIZE + (size_t)len;
	uint8_t *p;

	if (!w)
		return -EINVAL;
	if (len > REC_MAX_PAYLOAD || (len && !payload)) {
		w->records_lost++;
		return len > REC_MAX_PAYLOAD ? -E2BIG : -EINVAL;
	}
	/* A failed flush is counted and remembered; this record still fits
	 * in the emptied buffer, so it is kept. */
	if (w->recs.len && w->recs.len + need > CHUNK_TARGET)
		trace_writer_flush(w);
	if (buf_reserve(&w->recs, need)) {
		w->records_lost++;
		return -ENOMEM;
	}
	p = w->recs.data + w->recs.len;
	put_le16(p + offsetof(struct gt_rec_header, type), type);
	put_le16(p + offsetof(struct gt_rec_header, flags), 0);
	put_le32(p + offsetof(struct gt_rec_header, len), len);
	if (len)
		memcpy(p + REC_HDR_SIZE, payload, len);
	w->recs.len += need;
	w->nrecs++;
	if (w->tap)
		w->tap(w->tap_ctx, type, payload, len);
	return 0;
}

void trace_writer_set_tap(struct trace_writer *w, trace_writer_tap_fn fn, void *ctx)
{
	if (!w)
		return;
	w->tap = fn;
	w->tap_ctx = ctx;
}

/* ---- key/value records ------------------------------------------------ */

static void kv_put(struct trace_writer *w, const void *src, size_t len)
{
	if (w->kv_err || !len)
		return;
	/* kv.len never exceeds REC_MAX_PAYLOAD, so this cannot wrap. */
	if (len > REC_MAX_PAYLOAD - w->kv.len) {
		w->kv_err = -E2BIG;
		return;
	}
	if (buf_reserve(&w->kv, len)) {
		w->kv_err = -ENOMEM;
		return;
	}
	memcpy(w->kv.data + w->kv.len, src, len);
	w->kv.len += len;
}

/* An unfinished record from an earlier kv_begin is discarded. */
void trace_writer_kv_begin(struct trace_writer *w, uint16_t type, uint64_t ts_ns)
{
	uint64_t ts = htole64(ts_ns);

	if (!w)
		return;
	w->kv.len = 0;
	w->kv_type = type;
	w->kv_open = true;
	w->kv_err = 0;
	kv_put(w, &ts, sizeof(ts));
}

void trace_writer_kv_add(struct trace_writer *w, const char *key,
			 const void *val, size_t len)
{
	uint8_t hdr[KV_PAIR_HDR];
	size_t key_len;

	if (!w || !w->kv_open)
		return;
	if (!key || (len && !val)) {
		w->kv_err = w->kv_err ? w->kv_err : -EINVAL;
		return;
	}
	key_len = strlen(key);
	if (key_len > UINT16_MAX || len > REC_MAX_PAYLOAD) {
		w->kv_err = w->kv_err ? w->kv_err : -E2BIG;
		return;
	}
	put_le16(hdr, key_len);
	put_le32(hdr + 2, len);
	kv_put(w, hdr, sizeof(hdr));
	kv_put(w, key, key_len);
	kv_put(w, val, len);
}

void trace_writer_kv_str(struct trace_writer *w, const char *key, const char *val)
{
	trace_writer_kv_add(w, key, val, val ? strlen(val) : 0);
}

/* Numbers are stored as decimal text, like every other value. */
void trace_writer_kv_u64(struct trace_writer *w, const char *key, uint64_t val)
{
	char s[24];

	trace_writer_kv_add(w, key, s, snprintf(s, sizeof(s), "%" PRIu64, val));
}

void trace_writer_kv_hex(struct trace_writer *w, const char *key, unsigned int val, int width)
{
	char s[16];

	trace_writer_kv_add(w, key, s, snprintf(s, sizeof(s), "%0*x", width, val));
}

void trace_writer_kv_s64(struct trace_writer *w, const char *key, int64_t val)
{
	char s[24];

	trace_writer_kv_add(w, key, s, snprintf(s, sizeof(s), "%" PRId64, val));
}

int trace_writer_kv_end(struct trace_writer *w)
{
	if (!w || !w->kv_open)
		return -EINVAL;
	w->kv_open = false;
	if (w->kv_err) {
		w->records_lost++;
		return w->kv_err;
	}
	return trace_writer_append(w, w->kv_type, w->kv.data, w->kv.len);
}

/* For showing a record live before kv_end appends it. */
const void *trace_writer_kv_payload(const struct trace_writer *w, uint32_t *len)
{
	bool open = w && w->kv_open;

	if (len)
		*len = open ? w->kv.len : 0;
	return open ? w->kv.data : NULL;
}

/* ---- end -------------------------------------------------------------- */

int trace_writer_close(struct trace_writer *w)
{
	int err;

	if (!w)
		return 0;
	trace_writer_flush(w);
	if (fsync(w->fd))
		note_error(w, -errno);
	if (close(w->fd))
		note_error(w, -errno);
	err = w->first_error;
	free(w->recs.data);
	free(w->zout.data);
	free(w->kv.data);
	free(w->path);
	free(w);
	return err;
}

void trace_writer_stats(const struct trace_writer *w, struct trace_writer_stats *st)
{
	if (!st)
		return;
	memset(st, 0, sizeof(*st));
	if (!w)
		return;
	st->records = w->records;
	st->records_lost = w->records_lost;
	st->bytes = w->end;
	st->last_error = w->last_error;
}
