// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The one definition of every map and setting the other bpf/ files share. */
#include "common.bpf.h"

struct gt_events_map gt_events SEC(".maps");
struct gt_counters_map gt_counters SEC(".maps");
struct gt_scratch_map gt_scratch SEC(".maps");
struct gt_watched_map gt_watched SEC(".maps");
struct gt_pending_map gt_pending SEC(".maps");
struct gt_probe_args_map gt_probe_args SEC(".maps");
struct gt_dynid_args_map gt_dynid_args SEC(".maps");

const volatile __u32 gt_self_pid = 0;
__u64 gt_pending_inflight = 0;
__u64 gt_kernfs_fops = 0;
__u32 gt_calib_tid = 0;

char LICENSE[] SEC("license") = "GPL";
