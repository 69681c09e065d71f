// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "text_escape.h"
#include "util.h"

/* A message is one line, and the paths, names and labels it quotes may be
 * anyone's: control bytes are shown escaped ("\x1b"), never sent to the
 * terminal. */
static void vmsg(const char *level, const char *fmt, va_list ap)
{
	char msg[2048];
	int n = vsnprintf(msg, sizeof(msg), fmt, ap);

	if (n < 0)
		return;
	if ((size_t)n >= sizeof(msg))
		n = sizeof(msg) - 1;
	fprintf(stderr, "gputrace: %s", level);
	text_escape_put(stderr, msg, n);
	fputc('\n', stderr);
}

void gt_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

void gt_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap);
	va_end(ap);
}

const char *errno_name(long long neg_errno, const char *unknown)
{
	const char *name;

	if (neg_errno >= 0 || neg_errno < -4095)
		return unknown;
	name = strerrorname_np((int)-neg_errno);
	return name ? name : unknown;
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

uint64_t mono_ns(void) { return clock_ns(CLOCK_MONOTONIC); }
uint64_t real_ns(void) { return clock_ns(CLOCK_REALTIME); }

void strlcpy0(char *dst, const char *src, size_t size)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = 0;
}

static bool wall_utc;	/* --utc: text times in UTC, not the reader's zone */

void fmt_set_utc(bool utc)
{
	wall_utc = utc;
}

void fmt_zone(uint64_t real, char *buf, size_t size)
{
	time_t sec = real / 1000000000ull;
	struct tm tm;

	if (wall_utc)
		gmtime_r(&sec, &tm);
	else
		localtime_r(&sec, &tm);
	strftime(buf, size, wall_utc ? "%Y-%m-%d, UTC" : "%Y-%m-%d, %Z (UTC%z)", &tm);
}

void fmt_wall(uint64_t real, bool with_date, char *buf, size_t size)
{
	/* the second last formatted: a report's timeline asks for 100k
	 * times in a few seconds, and the zone conversion is the cost */
	static __thread struct {
		time_t sec;
		bool with_date, utc, set;
		char text[32];
	} last;
	time_t sec = real / 1000000000ull;
	unsigned ms = real % 1000000000ull / 1000000;
	char t[sizeof(last.text) + 4];
	size_t n;

	if (!last.set || last.sec != sec || last.with_date != with_date || last.utc != wall_utc) {
		struct tm tm;

		if (wall_utc)
			gmtime_r(&sec, &tm);
		else
			localtime_r(&sec, &tm);
		strftime(last.text, sizeof(last.text), with_date ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S", &tm);
		last.sec = sec;
		last.with_date = with_date;
		last.utc = wall_utc;
		last.set = true;
	}
	n = strlen(last.text);
	memcpy(t, last.text, n);
	t[n] = '.';
	t[n + 1] = '0' + ms / 100;
	t[n + 2] = '0' + ms / 10 % 10;
	t[n + 3] = '0' + ms % 10;
	t[n + 4] = 0;
	if (size)
		strlcpy0(buf, t, size);
}

void fmt_iso_utc(uint64_t real, char *buf, size_t size)
{
	time_t sec = real / 1000000000ull;
	struct tm tm;
	char t[32];

	gmtime_r(&sec, &tm);
	strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%06uZ", t, (unsigned)(real % 1000000000ull / 1000));
}

int array_reserve(void **arr, size_t *cap, size_t need, size_t elem)
{
	size_t ncap = *cap ? *cap : 16;
	void *p;

	if (need <= *cap)
		return 0;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return -ENOMEM;
		ncap *= 2;
	}
	p = reallocarray(*arr, ncap, elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

void *array_push(void **arr, size_t *n, size_t *cap, size_t elem)
{
	char *slot;

	if (array_reserve(arr, cap, *n + 1, elem))
		return NULL;
	slot = (char *)*arr + *n * elem;
	memset(slot, 0, elem);
	(*n)++;
	return slot;
}

ssize_t fd_read_full(int fd, void *buf, size_t len, off_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = off < 0 ? read(fd, (char *)buf + done, len - done) :
				      pread(fd, (char *)buf + done, len - done, off + done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		done += n;
	}
	return done;
}

void str_put(char *buf, size_t size, size_t *off, const char *s, size_t len)
{
	if (*off + 1 >= size)
		return;
	if (len > size - 1 - *off)
		len = size - 1 - *off;
	memcpy(buf + *off, s, len);
	*off += len;
	buf[*off] = 0;
}

bool str_has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && !strcmp(s + n - k, suffix);
}

/* Merges the sorted A (NA elements) and B (NB) into DST: A's first on ties. */
static void merge_runs(char *dst, const char *a, size_t na, const char *b, size_t nb, size_t elem,
		       int (*cmp)(const void *, const void *))
{
	while (na && nb) {
		bool take_b = cmp(a, b) > 0;

		memcpy(dst, take_b ? b : a, elem);
		dst += elem;
		if (take_b)
			b += elem, nb--;
		else
			a += elem, na--;
	}
	memcpy(dst, na ? a : b, (na ? na : nb) * elem);
}

void array_sort(void *arr, size_t n, size_t elem, int (*cmp)(const void *, const void *))
{
	char *a = arr, *tmp, *src, *dst;
	size_t *start, runs = 0, first_descent = 0;

	for (size_t i = 1; i < n && !first_descent; i++)
		if (cmp(a + (i - 1) * elem, a + i * elem) > 0)
			first_descent = i;
	if (!first_descent)
		return;		/* in order (or empty) */
	tmp = malloc(n * elem);
	start = malloc((n + 1) * sizeof(*start));
	if (!tmp || !start) {
		free(tmp);
		free(start);
		qsort(arr, n, elem, cmp);
		return;
	}
	start[runs++] = 0;
	start[runs++] = first_descent;
	for (size_t i = first_descent + 1; i < n; i++)
		if (cmp(a + (i - 1) * elem, a + i * elem) > 0)
			start[runs++] = i;
	start[runs] = n;
	src = a;
	dst = tmp;
	while (runs > 1) {		/* merge runs pairwise, back and forth */
		size_t merged = 0;

		for (size_t r = 0; r < runs; r += 2) {
			size_t lo = start[r], mid = start[r + 1], hi = r + 2 <= runs ? start[r + 2] : mid;

			merge_runs(dst + lo * elem, src + lo * elem, mid - lo, src + mid * elem, hi - mid,
				   elem, cmp);
			start[merged++] = lo;
		}
		start[merged] = n;
		runs = merged;
		src = src == a ? tmp : a;
		dst = dst == a ? tmp : a;
	}
	if (src != a)
		memcpy(a, src, n * elem);
	free(tmp);
	free(start);
}

bool index_push(size_t **v, size_t *n, size_t *cap, size_t i)
{
	size_t *e = array_push((void **)v, n, cap, sizeof(*e));

	if (e)
		*e = i;
	return e != NULL;
}

static int cmp_index(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

void index_sort_unique(size_t *v, size_t *n)
{
	size_t kept = 0;

	array_sort(v, *n, sizeof(*v), cmp_index);
	for (size_t i = 0; i < *n; i++)
		if (!kept || v[kept - 1] != v[i])
			v[kept++] = v[i];
	*n = kept;
}

size_t partition_point(size_t n, bool (*before)(size_t i, const void *ctx), const void *ctx)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (before(mid, ctx))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct u64_search {
	const size_t *idx;	/* NULL: the elements themselves, in order */
	const char *arr;
	size_t elem, offset;
	uint64_t v;
};

static bool u64_before(size_t i, const void *ctx)
{
	const struct u64_search *s = ctx;
	uint64_t x;

	memcpy(&x, s->arr + (s->idx ? s->idx[i] : i) * s->elem + s->offset, sizeof(x));
	return x < s->v;
}

size_t array_lower_bound_u64(const void *arr, size_t n, size_t elem, size_t offset, uint64_t v)
{
	return partition_point(n, u64_before, &(struct u64_search){ NULL, arr, elem, offset, v });
}

size_t index_lower_bound_u64(const size_t *idx, size_t n, const void *arr, size_t elem,
			     size_t offset, uint64_t v)
{
	return partition_point(n, u64_before, &(struct u64_search){ idx, arr, elem, offset, v });
}

struct key_search {
	const char *arr;
	size_t elem;
	const void *key;
	int (*cmp)(const void *, const void *);
};

static bool key_before(size_t i, const void *ctx)
{
	const struct key_search *s = ctx;

	return s->cmp(s->arr + i * s->elem, s->key) < 0;
}

size_t array_lower_bound(const void *arr, size_t n, size_t elem, const void *key,
			 int (*cmp)(const void *, const void *))
{
	return partition_point(n, key_before, &(struct key_search){ arr, elem, key, cmp });
}

struct text_block {
	struct text_block *next;
	size_t used, size;
	char data[];
};

/* Blocks start small and double up to the largest: a report of a short
 * trace (most of them) holds a few KB of strings, a day-long one
 * megabytes, and one large block per store was an mmap and its unmapping
 * for every small report. A string longer than a block gets its own. */
#define TEXT_BLOCK_FIRST	(4u << 10)
#define TEXT_BLOCK_LARGEST	(1u << 20)

const char *text_store_copy(struct text_store *ts, const char *s, size_t len)
{
	struct text_block *b = ts->blocks;
	char *out;

	if (!len)
		return "";
	if (!b || b->size - b->used < len + 1) {
		size_t size = !b ? TEXT_BLOCK_FIRST :
			      b->size >= TEXT_BLOCK_LARGEST / 2 ? TEXT_BLOCK_LARGEST : b->size * 2;

		if (size < len + 1)
			size = len + 1;

		if (!(b = malloc(sizeof(*b) + size)))
			return NULL;
		b->used = 0;
		b->size = size;
		b->next = ts->blocks;
		ts->blocks = b;
	}
	out = b->data + b->used;
	memcpy(out, s, len);
	out[len] = 0;
	b->used += len + 1;
	return out;
}

void text_store_free(struct text_store *ts)
{
	while (ts->blocks) {
		struct text_block *next = ts->blocks->next;

		free(ts->blocks);
		ts->blocks = next;
	}
}

static bool lower_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

bool pci_name_is_sysfs(const char *s, size_t len)
{
	const char *t;

	if (len < 12 || len > 16)
		return false;
	t = s + len - 8;	/* ":bb:dd.f" after the domain */
	for (const char *d = s; d < t; d++)
		if (!lower_hex(*d))
			return false;
	return t[0] == ':' && lower_hex(t[1]) && lower_hex(t[2]) && t[3] == ':' && lower_hex(t[4]) &&
	       lower_hex(t[5]) && t[6] == '.' && t[7] >= '0' && t[7] <= '7';
}

void *dl_open_syms(const char *lib, const char *hint, const char *const *names, void **syms,
		   size_t n, char *why, size_t size)
{
	void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		snprintf(why, size, "%s not found (%s): %s", lib, hint, dlerror());
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		if (!(syms[i] = dlsym(h, names[i]))) {
			snprintf(why, size, "%s unusable: %s", lib, dlerror());
			dlclose(h);
			return NULL;
		}
	}
	return h;
}
