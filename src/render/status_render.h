/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* `gputrace status` output: text for people, JSON for scripts (schema in
 * docs/status-check-bundle.md), both from the same struct status. */
#ifndef GPUTRACE_RENDER_STATUS_RENDER_H
#define GPUTRACE_RENDER_STATUS_RENDER_H

#include <stdbool.h>
#include <stdio.h>

#include "status/status.h"

void status_render_text(FILE *out, const struct status *st);
void status_render_json(FILE *out, const struct status *st, bool pretty);

/* "Proxmox VM 111" / "libvirt domain win10" / "QEMU process" */
void status_vm_name(const struct vm_info *vm, char *buf, size_t size);

#endif
