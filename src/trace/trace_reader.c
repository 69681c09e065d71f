// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Trace reader. Traces can be hundreds of MB, so the file is streamed: one
 * chunk is read and inflated at a time into buffers reused for the next, and
 * memory stays around 2 * GT_CHUNK_MAX whatever the file size.
 *
 * A chunk cut off at the end of the file is what a killed recorder or a full
 * disk leaves behind: it ends the trace quietly (truncated() tells). Anything
 * else that does not add up is corruption and stops the reader with an
 * error naming the chunk's byte offset.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "trace/trace.h"
#include "util.h"

#define FILE_HDR_SIZE	sizeof(struct gt_file_header)
#define CHUNK_HDR_SIZE	sizeof(struct gt_chunk_header)
#define REC_HDR_SIZE	sizeof(struct gt_rec_header)

enum reader_state {
	RD_OK,
	RD_END,		/* clean end or cut-off last chunk */
	RD_FAILED,	/* corrupt or unreadable; see err */
};

struct trace_reader {
	int fd;
	char *path;
	uint16_t major;
	uint16_t minor;
	enum reader_state state;
	bool truncated;
	bool end_seen;		/* the recorder's END record was read */

	off_t next_chunk;	/* file offset of the next chunk header */
	uint8_t *zbuf;		/* compressed bytes of the current chunk */
	size_t zcap;
	uint8_t *chunk;		/* its records, inflated */
	size_t chunk_cap;
	uint32_t chunk_len;
	uint32_t pos;		/* next record in chunk */
	uint64_t next_id;

	char err[PATH_MAX + 160];
};

static uint16_t get_le16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return le16toh(v);
}

static uint32_t get_le32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return le32toh(v);
}

__attribute__((format(printf, 3, 4)))
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static int grow(uint8_t **buf, size_t *cap, size_t need)
{
	return array_reserve((void **)buf, cap, need, 1);
}

/* ---- open ------------------------------------------------------------- */

static int check_file_header(struct trace_reader *r, char *err, size_t errlen)
{
	uint8_t h[FILE_HDR_SIZE];
	size_t magic_len = sizeof(((struct gt_file_header *)0)->magic);
	ssize_t n = fd_read_full(r->fd, h, sizeof(h), 0);

	if (n < 0) {
		set_err(err, errlen, "%s: %s", r->path, strerror(-n));
		return -1;
	}
	/* Compare what is there, so a short file is told apart from one
	 * that is not a trace at all. */
	if (memcmp(h, GT_FILE_MAGIC, (size_t)n < magic_len ? (size_t)n : magic_len)) {
		set_err(err, errlen, "not a gputrace trace: %s", r->path);
		return -1;
	}
	if ((size_t)n < sizeof(h)) {
		set_err(err, errlen, "%s: empty or truncated header", r->path);
		return -1;
	}
	r->major = get_le16(h + offsetof(struct gt_file_header, major));
	r->minor = get_le16(h + offsetof(struct gt_file_header, minor));
	if (r->major > GT_FORMAT_MAJOR) {
		set_err(err, errlen,
			"%s: trace format %u.%u is newer than this gputrace reads (%u.x); upgrade gputrace",
			r->path, r->major, r->minor, GT_FORMAT_MAJOR);
		return -1;
	}
	if (r->major < GT_FORMAT_MAJOR) {
		set_err(err, errlen, "%s: trace format %u.%u is not supported",
			r->path, r->major, r->minor);
		return -1;
	}
	return 0;
}

struct trace_reader *trace_reader_open(const char *path, char *err, size_t errlen)
{
	struct trace_reader *r;
	struct stat st = { .st_mode = S_IFREG };	/* fstat's failure is told as such */

	set_err(err, errlen, "%s", "");
	r = calloc(1, sizeof(*r));
	if (!r || !(r->path = strdup(path))) {
		set_err(err, errlen, "%s: %s", path, strerror(ENOMEM));
		free(r);
		return NULL;
	}
	/* O_NONBLOCK: a FIFO named like a trace (in a trace directory, or
	 * given by name) would block the open until a writer came */
	r->fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (r->fd < 0) {
		set_err(err, errlen, "%s: %s", path, strerror(errno));
		trace_reader_close(r);
		return NULL;
	}
	/* the reader seeks and reads to the end: only a regular file can be
	 * a trace (standard input comes as a memory file, which is one), and
	 * on a regular file O_NONBLOCK changes nothing, so it stays */
	if (fstat(r->fd, &st) || !S_ISREG(st.st_mode)) {
		set_err(err, errlen, "%s: %s", path,
			S_ISREG(st.st_mode) ? strerror(errno) : "not a regular file");
		trace_reader_close(r);
		return NULL;
	}
	if (check_file_header(r, err, errlen)) {
		trace_reader_close(r);
		return NULL;
	}
	posix_fadvise(r->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	r->next_chunk = FILE_HDR_SIZE;
	r->next_id = 1;
	return r;
}

/* ---- chunks ----------------------------------------------------------- */

static int end_of_trace(struct trace_reader *r, bool truncated)
{
	r->state = RD_END;
	r->truncated = truncated;
	return 0;
}

__attribute__((format(printf, 3, 4)))
static int bad_chunk(struct trace_reader *r, off_t off, const char *fmt, ...)
{
	char why[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	set_err(r->err, sizeof(r->err), "%s: bad chunk at byte %lld: %s",
		r->path, (long long)off, why);
	r->state = RD_FAILED;
	return -1;
}

static int inflate_chunk(struct trace_reader *r, off_t off, uint32_t clen, uint32_t ulen)
{
	/* Room for one byte more than declared, so a longer stream shows. */
	uLongf out = (uLongf)ulen + 1;
	uLong in = clen;
	int zret;

	if (grow(&r->chunk, &r->chunk_cap, out))
		return bad_chunk(r, off, "out of memory");
	zret = uncompress2(r->chunk, &out, r->zbuf, &in);
	if (zret == Z_BUF_ERROR)
		return bad_chunk(r, off, "inflates to more than the %u bytes declared", ulen);
	if (zret == Z_MEM_ERROR)
		return bad_chunk(r, off, "out of memory");
	if (zret != Z_OK)
		return bad_chunk(r, off, "inflate failed (corrupt data)");
	if (out != ulen)
		return bad_chunk(r, off, "inflates to %lu bytes, %u declared",
				 (unsigned long)out, ulen);
	if (in != clen)
		return bad_chunk(r, off, "%lu stray bytes after the compressed data",
				 (unsigned long)(clen - in));
	return 0;
}

/* Checks every record boundary up front, so next() can trust them. */
static int check_records(struct trace_reader *r, off_t off, uint32_t ulen)
{
	uint32_t pos = 0;

	while (pos < ulen) {
		uint32_t left = ulen - pos, len;

		if (left < REC_HDR_SIZE)
			return bad_chunk(r, off, "record header at %u runs past the chunk", pos);
		len = get_le32(r->chunk + pos + offsetof(struct gt_rec_header, len));
		if (len > left - REC_HDR_SIZE)
			return bad_chunk(r, off, "record at %u (%u bytes) runs past the chunk",
					 pos, len);
		pos += REC_HDR_SIZE + len;
	}
	return 0;
}

/* 1: a chunk is loaded; 0: end of trace; -1: error. */
static int load_chunk(struct trace_reader *r)
{
	off_t off = r->next_chunk;
	uint8_t h[CHUNK_HDR_SIZE];
	uint32_t magic, clen, ulen, crc;
	ssize_t n;

	r->pos = r->chunk_len = 0;
	n = fd_read_full(r->fd, h, sizeof(h), off);
	if (n < 0)
		return bad_chunk(r, off, "read failed: %s", strerror(-n));
	if (n < (ssize_t)sizeof(h))
		return end_of_trace(r, n > 0);

	magic = get_le32(h + offsetof(struct gt_chunk_header, magic));
	clen = get_le32(h + offsetof(struct gt_chunk_header, clen));
	ulen = get_le32(h + offsetof(struct gt_chunk_header, ulen));
	crc = get_le32(h + offsetof(struct gt_chunk_header, crc));
	if (magic != GT_CHUNK_MAGIC)
		return bad_chunk(r, off, "bad magic 0x%08x", magic);
	if (ulen > GT_CHUNK_MAX)
		return bad_chunk(r, off, "%u bytes declared, more than the %u allowed",
				 ulen, GT_CHUNK_MAX);
	/* Bounds the allocation below; inflate judges the exact size. */
	if (clen > compressBound(GT_CHUNK_MAX))
		return bad_chunk(r, off, "%u compressed bytes declared, too many", clen);

	if (grow(&r->zbuf, &r->zcap, clen ? clen : 1))
		return bad_chunk(r, off, "out of memory");
	n = fd_read_full(r->fd, r->zbuf, clen, off + sizeof(h));
	if (n < 0)
		return bad_chunk(r, off, "read failed: %s", strerror(-n));
	if (n < (ssize_t)clen)
		return end_of_trace(r, true);

	if (inflate_chunk(r, off, clen, ulen))
		return -1;
	if (crc32(0, r->chunk, ulen) != crc)
		return bad_chunk(r, off, "crc32 mismatch");
	if (check_records(r, off, ulen))
		return -1;
	r->chunk_len = ulen;
	r->next_chunk = off + sizeof(h) + clen;
	return 1;
}

/* ---- records ---------------------------------------------------------- */

int trace_reader_next(struct trace_reader *r, struct trace_record *rec)
{
	const uint8_t *p;

	if (!r || !rec)
		return -1;
	/* Loops over chunks without records (never written, but legal). */
	while (r->pos >= r->chunk_len) {
		if (r->state != RD_OK)
			return r->state == RD_END ? 0 : -1;
		if (load_chunk(r) <= 0)
			return r->state == RD_END ? 0 : -1;
	}
	p = r->chunk + r->pos;
	rec->type = get_le16(p + offsetof(struct gt_rec_header, type));
	rec->len = get_le32(p + offsetof(struct gt_rec_header, len));
	rec->data = p + REC_HDR_SIZE;
	rec->id = r->next_id++;
	r->pos += REC_HDR_SIZE + rec->len;
	if (rec->type == GT_REC_END)
		r->end_seen = true;
	return 1;
}

bool trace_reader_truncated(const struct trace_reader *r)
{
	return r && r->truncated;
}

bool trace_reader_end_seen(const struct trace_reader *r)
{
	return r && r->end_seen;
}

const char *trace_reader_error(const struct trace_reader *r)
{
	return r && r->state == RD_FAILED ? r->err : NULL;
}

void trace_reader_version(const struct trace_reader *r, uint16_t *major, uint16_t *minor)
{
	if (major)
		*major = r ? r->major : 0;
	if (minor)
		*minor = r ? r->minor : 0;
}

void trace_reader_close(struct trace_reader *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	free(r->zbuf);
	free(r->chunk);
	free(r->path);
	free(r);
}
