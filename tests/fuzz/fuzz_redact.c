// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Redaction as `bundle --redact` runs it on config files, command lines
 * JSON and HTML parts: names, value patterns (addresses, UUIDs, keys, secrets),
 * argv rules. A fresh mapping per input, as each bundle has its own.
 */
#include "fuzz_common.h"

#include "redact/redact.h"
#include "redact/redact_patterns.h"

static struct redact *mapping(void)
{
	struct redact *r = redact_new();

	if (!r)
		abort();
	redact_add_host(r, "pve1.example.org");
	redact_add_user(r, "alice", "/home/alice");
	redact_keep_word(r, "fancygpu");
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct redact *r = mapping();
	const char *in = (const char *)data;
	struct redact_match m;
	size_t n;
	char *out;

	/* a match never runs past the input, and keeps less than it takes */
	for (size_t i = 0; i < size; i++)
		if (redact_pattern_at(in, size, i, &m) &&
		    (m.len == 0 || m.len > size - i || m.keep >= m.len))
			abort();
	free(redact_text(r, in, size, &n));
	free(redact_json(r, in, size, &n));
	free(redact_html(r, in, size, &n));
	out = redact_argv(r, in, size, &n);
	free(out);
	redact_free(r);
	return 0;
}
