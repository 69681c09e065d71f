/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* How much a finding matters, one scale for `report` (findings of a trace)
 * and `check` (findings on a host), so both say the same word. */
#ifndef GPUTRACE_SEVERITY_H
#define GPUTRACE_SEVERITY_H

enum severity { SEV_INFO, SEV_WARN, SEV_HIGH };
#define SEV_LEVELS	(SEV_HIGH + 1)

/* "HIGH", "WARN", "INFO": what text output, and report's JSON, print. */
static inline const char *severity_name(enum severity s)
{
	return s == SEV_HIGH ? "HIGH" : s == SEV_WARN ? "WARN" : "INFO";
}

/* "high", "warn", "info": check's JSON values and count keys
 * (docs/status-check-bundle.md). */
static inline const char *severity_key(enum severity s)
{
	return s == SEV_HIGH ? "high" : s == SEV_WARN ? "warn" : "info";
}

#endif
