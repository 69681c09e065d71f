// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Key/value payloads (trace_format.h): ts_ns:u64 then
 * key_len:u16 val_len:u32 key val, repeated. Payloads come from files that
 * may be damaged or written by other tools, so every length is checked
 * against what is left before anything is read.
 */
#include <endian.h>
#include <string.h>

#include "trace/trace.h"

#define KV_TS_SIZE	8
#define KV_PAIR_HDR	6

uint64_t kv_ts(const struct trace_record *rec)
{
	uint64_t ts;

	if (!rec || !rec->data || rec->len < KV_TS_SIZE)
		return 0;
	memcpy(&ts, rec->data, sizeof(ts));
	return le64toh(ts);
}

/* *OFF is the payload offset of the next pair; 0 stands for the first. */
int kv_next(const struct trace_record *rec, size_t *off, struct kv_pair *p)
{
	const uint8_t *d;
	uint16_t key_len;
	uint32_t val_len;
	size_t pos, left;

	if (!rec || !off || !p || !rec->data || rec->len < KV_TS_SIZE)
		return -1;
	d = rec->data;
	pos = *off < KV_TS_SIZE ? KV_TS_SIZE : *off;
	if (pos >= rec->len)
		return pos == rec->len ? 0 : -1;

	left = rec->len - pos;
	if (left < KV_PAIR_HDR)
		return -1;
	memcpy(&key_len, d + pos, sizeof(key_len));
	memcpy(&val_len, d + pos + 2, sizeof(val_len));
	key_len = le16toh(key_len);
	val_len = le32toh(val_len);
	left -= KV_PAIR_HDR;
	if (key_len > left || val_len > left - key_len)
		return -1;

	p->key = (const char *)d + pos + KV_PAIR_HDR;
	p->key_len = key_len;
	p->val = d + pos + KV_PAIR_HDR + key_len;
	p->val_len = val_len;
	*off = pos + KV_PAIR_HDR + key_len + val_len;
	return 1;
}

/* A value holding NUL bytes reads as its text up to the first NUL; use
 * kv_next() for binary values. Returns NULL if SIZE is 0. */
const char *kv_get(const struct trace_record *rec, const char *key, char *buf, size_t size)
{
	struct kv_pair p;
	size_t off = 0, key_len, n;

	if (!key || !buf || !size)
		return NULL;
	key_len = strlen(key);
	while (kv_next(rec, &off, &p) == 1) {
		if (p.key_len != key_len || memcmp(p.key, key, key_len))
			continue;
		n = p.val_len < size - 1 ? p.val_len : size - 1;
		memcpy(buf, p.val, n);
		buf[n] = '\0';
		return buf;
	}
	return NULL;
}
