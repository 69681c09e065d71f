/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Small helpers every command uses: messages, clocks, string copies. */
#ifndef GPUTRACE_UTIL_H
#define GPUTRACE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Exit codes scripts can rely on (docs/gputrace.md). */
enum {
	EXIT_OK = 0,
	EXIT_ERROR = 1,		/* runtime failure: not root, no BPF, bad file */
	EXIT_USAGE = 2,		/* bad command line */
	EXIT_FINDINGS = 3,	/* report/check: findings were made */
};

/* "gputrace: <message>" on stderr, one line. */
void gt_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void gt_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

uint64_t mono_ns(void);
uint64_t real_ns(void);

/* "ENODEV" for -19: the name of a -errno value read from a trace, where
 * it can be anything (INT_MIN, whose negation is undefined). UNKNOWN when
 * NEG_ERRNO is not one. */
const char *errno_name(long long neg_errno, const char *unknown);

/* Copies at most SIZE-1 bytes of a possibly unterminated field. */
void strlcpy0(char *dst, const char *src, size_t size);

/* Appends LEN bytes of S at *OFF in BUF (SIZE bytes), cut to fit, and
 * keeps BUF NUL-terminated: snprintf("%s%s...") without parsing a format,
 * for text built once per record of a large trace. */
void str_put(char *buf, size_t size, size_t *off, const char *s, size_t len);

/* Whether S ends in SUFFIX and has something before it ("a.conf", ".conf"). */
bool str_has_suffix(const char *s, const char *suffix);

/* Whether the LEN bytes at S are a PCI function's name as the kernel
 * gives it in sysfs ("0000:0a:00.0": lowercase hex, a domain of 4 to 8
 * digits for Intel VMD's 10000). Names, not user input: "0a:00.0" or
 * "0000:0A:00.0" are not (sys/pci.h normalizes those). */
bool pci_name_is_sysfs(const char *s, size_t len);

/* Loads library LIB (a library used on demand rather than linked) and
 * its N symbols NAMES into SYMS. Returns the handle, or NULL with a
 * one-line reason in WHY: "LIB not found (HINT)", or the symbol missing. */
void *dl_open_syms(const char *lib, const char *hint, const char *const *names, void **syms,
		   size_t n, char *why, size_t size);

/* Reads LEN bytes at OFF (from the file position when OFF < 0: pipes,
 * FIFOs), through EINTR; returns fewer only at end of file, or -errno. */
ssize_t fd_read_full(int fd, void *buf, size_t len, off_t off);

/* The one way to grow an array: room for NEED elements of ELEM bytes in
 * *ARR, whose capacity *CAP doubles (from 16), overflow-checked like
 * reallocarray(3). Returns 0, or -ENOMEM with *ARR and *CAP unchanged. */
int array_reserve(void **arr, size_t *cap, size_t need, size_t elem);

/* Sorts N elements of ELEM bytes, stably: the runs already in order are
 * merged, so elements in order cost one pass (records mostly come in time
 * order; qsort moves elements of hundreds of bytes even then) and a few
 * sorted lists one after the other (a timeline's transitions, then its
 * writes) a few. qsort(3) when out of memory. */
void array_sort(void *arr, size_t n, size_t elem, int (*cmp)(const void *, const void *));

/* The one binary search: in [0, N), where BEFORE(I, CTX) holds for a
 * first part and not after it, the first I where it does not hold (N when
 * it holds throughout). Sorted arrays, indices sorted by what they name,
 * a device's entries by time: each search says only what "before" means. */
size_t partition_point(size_t n, bool (*before)(size_t i, const void *ctx), const void *ctx);

/* In N elements of ELEM bytes sorted by CMP, the index of the first not
 * less than KEY (N when all are): where KEY is, or would go. */
size_t array_lower_bound(const void *arr, size_t n, size_t elem, const void *key,
			 int (*cmp)(const void *, const void *));

/* In N elements of ELEM bytes sorted by the uint64_t at OFFSET in each
 * (a time), the index of the first whose value is not less than V. */
size_t array_lower_bound_u64(const void *arr, size_t n, size_t elem, size_t offset, uint64_t v);

/* The same through N indices IDX into ARR, sorted by the value of the
 * element each names: the first index whose element's value is not less
 * than V. */
size_t index_lower_bound_u64(const size_t *idx, size_t n, const void *arr, size_t elem,
			     size_t offset, uint64_t v);

/* A list of indices into some array, gathered then put in that array's
 * order: INDEX_PUSH appends I (false without memory), INDEX_SORT_UNIQUE
 * sorts *N of them and drops repeats. */
bool index_push(size_t **v, size_t *n, size_t *cap, size_t i);
void index_sort_unique(size_t *v, size_t *n);

/* Appends one zeroed element to *ARR (*N used of *CAP): its address, or
 * NULL when out of memory (nothing changed then). */
void *array_push(void **arr, size_t *n, size_t *cap, size_t elem);

/* Strings appended to large blocks and freed all at once: the hundreds of
 * thousands of a model or a report, without a malloc each. Zeroed is empty. */
struct text_store {
	struct text_block *blocks;
};

/* A copy of S (LEN bytes, then a NUL) that lives until the store is
 * freed; "" for LEN 0, NULL when out of memory. */
const char *text_store_copy(struct text_store *ts, const char *s, size_t len);
void text_store_free(struct text_store *ts);

/* Formats a CLOCK_REALTIME ns value as local "HH:MM:SS.mmm" (or with the
 * date when WITH_DATE). */
void fmt_wall(uint64_t real, bool with_date, char *buf, size_t size);

/* fmt_wall's zone: the reader's (default) or UTC. */
void fmt_set_utc(bool utc);

/* "2026-12-01, CET (UTC+0100)": the date and zone text times are in. */
void fmt_zone(uint64_t real, char *buf, size_t size);

/* ISO 8601 UTC with microseconds, "2026-11-23T21:55:13.480123Z": what every
 * JSON "time" field holds. */
void fmt_iso_utc(uint64_t real, char *buf, size_t size);

#endif
