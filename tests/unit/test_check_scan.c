// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The readers under `check`'s unit and hook rules: lookups confined to the
 * root, the static script scan, Proxmox hostpci values and PCI mappings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fake_tree.h"

#include "audit/script_scan.h"
#include "sys/pve_mapping.h"
#include "sys/rootfs.h"
#include "sys/sd_units.h"
#include "sys/vmconf.h"

static int setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));

	if (!t || tree_new(t, "test_check_scan"))
		return -1;
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	tree_remove(*state);
	free(*state);
	return 0;
}

/* Absolute links resolve inside the root; ".." cannot climb out. */
static void test_rootfs_confined(void **state)
{
	struct tree *t = *state;
	char buf[64], **names;
	struct stat st;
	ssize_t n;
	int count;

	tree_put(t, "/lib/systemd/system/a.service", "[Service]\n");
	tree_link(t, "/etc/systemd/system/multi-user.target.wants/a.service",
		  "/lib/systemd/system/a.service");
	tree_link(t, "/etc/escape", "../../../../../../../../etc/passwd");
	tree_link(t, "/etc/systemd/system/masked.service", "/dev/null");
	n = root_read(t->root, "/etc/systemd/system/multi-user.target.wants/a.service", buf,
		      sizeof(buf));
	assert_int_equal(n, 10);
	/* /etc/passwd of the host is not reachable, the tree has none */
	assert_true(root_read(t->root, "/etc/escape", buf, sizeof(buf)) < 0);
	assert_true(root_read(t->root, "/../../../../etc/passwd", buf, sizeof(buf)) < 0);
	assert_int_equal(root_stat(t->root, "/etc/systemd/system/masked.service", &st, 0), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_true(root_stat(t->root, "/etc/systemd/system/masked.service", &st, 1) < 0);
	/* a directory is not a file to read */
	assert_int_equal(root_read(t->root, "/etc", buf, sizeof(buf)), -EINVAL);
	count = root_list(t->root, "/etc/systemd/system", &names);
	assert_int_equal(count, 2);
	assert_string_equal(names[0], "masked.service");
	assert_string_equal(names[1], "multi-user.target.wants");
	root_names_free(names, count);
	assert_int_equal(root_list(t->root, "/nope", &names), 0);
}

/* While a scan holds its root, lookups stay in the tree the root named
 * when the hold began, even when the path is given another tree; after
 * the last release they follow the path again. Another root is looked up
 * as ever meanwhile. */
static void test_rootfs_hold(void **state)
{
	struct tree *t = *state, other;
	char moved[sizeof(t->root) + 8], buf[64];

	assert_int_equal(tree_new(&other, "test_check_scan"), 0);
	tree_put(t, "/etc/hostname", "first\n");
	tree_put(&other, "/etc/hostname", "other\n");
	root_hold(t->root);
	root_hold(t->root);
	root_hold(other.root);		/* a second root: nothing held */
	snprintf(moved, sizeof(moved), "%s.moved", t->root);
	assert_int_equal(rename(t->root, moved), 0);
	assert_int_equal(mkdir(t->root, 0755), 0);
	tree_put(t, "/etc/hostname", "second\n");

	assert_int_equal(root_read(t->root, "/etc/hostname", buf, sizeof(buf)), 6);
	assert_memory_equal(buf, "first\n", 6);
	assert_int_equal(root_read(other.root, "/etc/hostname", buf, sizeof(buf)), 6);
	assert_memory_equal(buf, "other\n", 6);
	root_release(other.root);
	root_release(t->root);
	assert_int_equal(root_read(t->root, "/etc/hostname", buf, sizeof(buf)), 6);
	assert_memory_equal(buf, "first\n", 6);	/* still held once */
	root_release(t->root);
	assert_int_equal(root_read(t->root, "/etc/hostname", buf, sizeof(buf)), 7);
	assert_memory_equal(buf, "second\n", 7);
	root_release(t->root);				/* one too many: nothing */

	nftw(moved, tree_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	tree_remove(&other);
}

static size_t hits(const struct script_scan *s, enum script_act act)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n; i++)
		n += s->hits[i].act == act;
	return n;
}

/* Shapes from single-GPU passthrough guides (the "vfio-startup.sh" /
 * "vfio-teardown.sh" pair of libvirt qemu.d hooks) and Proxmox hookscript
 * examples (Perl, system() calls). */
static void test_script_scan_acts(void **state)
{
	struct tree *t = *state;
	struct script_scan s = { 0 };
	const struct script_hit *h;

	tree_put(t, "/usr/local/bin/gpu-common.sh",
		 "GPU=0000:0a:00.0\n"
		 "echo vfio-pci > /sys/bus/pci/devices/$GPU/driver_override\n");
	tree_put_mode(t, "/usr/local/bin/teardown.sh",
		      "#!/bin/bash\n"
		      ". /usr/local/bin/gpu-common.sh\n"
		      "# echo 1 > /sys/bus/pci/rescan (commented out)\n"
		      "echo \"$GPU\" > /sys/bus/pci/devices/$GPU/driver/unbind\n"
		      "echo > /sys/bus/pci/devices/$GPU/driver_override\n"
		      "echo -n '' > /sys/bus/pci/devices/0000:0a:00.1/driver_override\n"
		      "echo 10de 1b80 > /sys/bus/pci/drivers/vfio-pci/remove_id\n"
		      "echo \"$GPU\" > /sys/bus/pci/drivers/nouveau/bind\n"
		      "echo 1 > /sys/bus/pci/devices/0000:0a:00.1/remove && echo 1 > /sys/bus/pci/rescan\n"
		      "virsh nodedev-reattach pci_0000_0a_00_1\n"
		      "modprobe -r vfio_pci\n"
		      "nohup /usr/local/bin/watch.sh >/dev/null 2>&1 &\n"
		      "sleep 5 && echo done\n"
		      "/usr/local/bin/helper.sh\n", 0755);
	tree_put_mode(t, "/usr/local/bin/helper.sh",
		      "#!/bin/sh\necho 1 > /sys/bus/pci/drivers_probe\n/usr/local/bin/deeper.sh\n", 0755);
	tree_put_mode(t, "/usr/local/bin/deeper.sh",
		      "#!/bin/sh\necho x > /sys/bus/pci/drivers/amdgpu/bind\n", 0755);
	assert_int_equal(script_scan_file(t->root, "/usr/local/bin/teardown.sh", &s), 0);
	for (size_t i = 0; i < s.n; i++)
		print_message("  %s:%d %s\n", s.hits[i].file, s.hits[i].line,
			      script_act_name(s.hits[i].act));
	h = script_first(&s, ACT_OVERRIDE_SET);
	assert_non_null(h);
	assert_string_equal(h->file, "/usr/local/bin/gpu-common.sh");	/* sourced */
	assert_int_equal(h->line, 2);
	assert_int_equal(hits(&s, ACT_OVERRIDE_CLEAR), 2);
	assert_int_equal(hits(&s, ACT_UNBIND), 1);
	assert_int_equal(hits(&s, ACT_BIND_HOST), 1);	/* not deeper.sh: one level */
	assert_int_equal(script_first(&s, ACT_BIND_HOST)->line, 8);
	assert_int_equal(hits(&s, ACT_REMOVE), 1);	/* remove_id is not remove */
	assert_int_equal(hits(&s, ACT_RESCAN), 1);	/* not the commented one */
	assert_int_equal(hits(&s, ACT_REATTACH), 1);
	assert_int_equal(hits(&s, ACT_MODPROBE_VFIO), 0);	/* -r unloads */
	assert_int_equal(hits(&s, ACT_BACKGROUND), 1);	/* not "&&" */
	assert_int_equal(hits(&s, ACT_PROBE), 1);		/* helper.sh, called */
	assert_string_equal(script_first(&s, ACT_PROBE)->file, "/usr/local/bin/helper.sh");
	/* addresses: from the sourced file, the literal and the nodedev name */
	assert_int_equal(s.naddrs, 2);
	assert_string_equal(s.addrs[0].bdf, "0000:0a:00.0");
	assert_string_equal(s.addrs[1].bdf, "0000:0a:00.1");
	script_scan_free(&s);
}

/* A hook that sources a library runs its top level and the functions it
 * calls: the library's other functions (a VM cycle helper that starts a
 * daemon in the background, a rebind it never uses) say nothing. */
static void test_script_scan_library_functions(void **state)
{
	struct tree *t = *state;
	struct script_scan s = { 0 };

	tree_put(t, "/usr/lib/gpu/lib.sh",
		 "GPU=0000:0a:00.0\n"
		 "vm_cycle() {\n"
		 "\t/usr/sbin/qmeventd \"$1\" &\n"
		 "\twait\n"
		 "}\n"
		 "function force_vfio {\n"
		 "\techo vfio-pci > /sys/bus/pci/devices/$GPU/driver_override\n"
		 "}\n"
		 "give_back() { echo \"$GPU\" > /sys/bus/pci/drivers/nouveau/bind; }\n"
		 "clear_override() {\n"
		 "\techo > /sys/bus/pci/devices/$GPU/driver_override\n"
		 "}\n"
		 "echo 1 > /sys/bus/pci/rescan\n");
	tree_put_mode(t, "/etc/hook.sh",
		      "#!/bin/sh\n"
		      ". /usr/lib/gpu/lib.sh\n"
		      "[ \"$2\" = post-stop ] && clear_override && give_back\n", 0755);
	assert_int_equal(script_scan_file(t->root, "/etc/hook.sh", &s), 0);
	assert_int_equal(hits(&s, ACT_BACKGROUND), 0);		/* vm_cycle: never called */
	assert_int_equal(hits(&s, ACT_OVERRIDE_SET), 0);	/* force_vfio: never called */
	assert_int_equal(hits(&s, ACT_OVERRIDE_CLEAR), 1);
	assert_int_equal(hits(&s, ACT_BIND_HOST), 1);		/* the one-liner, called */
	assert_int_equal(hits(&s, ACT_RESCAN), 1);		/* the library's top level runs */
	assert_false(script_has(&s, ACT_OVERRIDE_SET));
	script_scan_free(&s);
}

/* Function bodies end where the shell ends them, not only at a "}" alone:
 * with a redirection, after a command, on a one-liner with a comment; a
 * brace group inside a body does not end it. A body never seen to end
 * took every later line for its own, the calls too, and the hook said
 * nothing. */
static void test_script_scan_function_ends(void **state)
{
	struct tree *t = *state;
	struct script_scan s = { 0 };

	tree_put_mode(t, "/etc/ends.sh",
		      "#!/bin/sh\n"
		      "log() { echo \"$*\" >> /var/log/gpu.log; } # helper\n"
		      "return_gpu() {\n"
		      "\t[ -e /sys/bus/pci/devices/0000:0a:00.0 ] || { log gone; exit 1; }\n"
		      "\techo > /sys/bus/pci/devices/0000:0a:00.0/driver_override\n"
		      "\techo 0000:0a:00.0 > /sys/bus/pci/drivers/amdgpu/bind\n"
		      "} >> /var/log/gpu-hook.log 2>&1\n"
		      "rescan_all()\n"
		      "{\n"
		      "\techo \"${GPU}}\" > /dev/null; echo 1 > /sys/bus/pci/rescan; }\n"
		      "never() {\n"
		      "\techo vfio-pci > /sys/bus/pci/devices/0000:0a:00.0/driver_override\n"
		      "}  # end\n"
		      "tight(){\n\t:\n}\n"
		      "tight_one(){ :; }\n"
		      "echo 0000:0a:00.1 > /sys/bus/pci/drivers/snd_hda_intel/bind\n"
		      "[ \"$2\" = post-stop ] && return_gpu && rescan_all\n", 0755);
	assert_int_equal(script_scan_file(t->root, "/etc/ends.sh", &s), 0);
	assert_int_equal(hits(&s, ACT_OVERRIDE_CLEAR), 1);
	assert_int_equal(hits(&s, ACT_BIND_HOST), 2);	/* amdgpu's, and the top level's after "f(){" */
	assert_int_equal(hits(&s, ACT_RESCAN), 1);	/* on its body's closing line */
	assert_int_equal(hits(&s, ACT_OVERRIDE_SET), 0);	/* never: not called */
	script_scan_free(&s);
}

/* What a scan could not read is said (check lists it as not checked):
 * a script past 256 KiB, a hook sourcing more files than are followed. An
 * absent script is no cut: nothing runs there. */
static void test_script_scan_says_its_cuts(void **state)
{
	struct tree *t = *state;
	struct script_scan s = { 0 };
	static char big[300 * 1024], hook[4096];
	size_t used;

	memset(big, '#', sizeof(big) - 1);
	memcpy(big, "#!/bin/sh\n", 10);
	big[sizeof(big) - 2] = '\n';
	tree_put_mode(t, "/etc/big.sh", big, 0755);
	assert_int_equal(script_scan_file(t->root, "/etc/big.sh", &s), 0);
	assert_non_null(strstr(s.cut, "/etc/big.sh: only its first 256 KiB read"));
	script_scan_free(&s);

	used = snprintf(hook, sizeof(hook), "#!/bin/sh\n");
	for (int i = 0; i < 40; i++)
		used += snprintf(hook + used, sizeof(hook) - used, ". /usr/lib/gpu/part%02d.sh\n", i);
	for (int i = 0; i < 40; i++) {
		char p[64];

		snprintf(p, sizeof(p), "/usr/lib/gpu/part%02d.sh", i);
		tree_put(t, p, "logger part\n");
	}
	tree_put_mode(t, "/etc/many.sh", hook, 0755);
	memset(&s, 0, sizeof(s));
	assert_int_equal(script_scan_file(t->root, "/etc/many.sh", &s), 0);
	assert_non_null(strstr(s.cut, "more than 32 files sourced or called"));
	script_scan_free(&s);

	/* a binary of any size is no script: nothing said */
	memset(big, 'x', sizeof(big));
	memcpy(big, "\177ELF\0", 5);
	tree_put_len(t, "/usr/sbin/bigd", big, sizeof(big));
	memset(&s, 0, sizeof(s));
	assert_int_equal(script_scan_command(t->root, "/x.service", 1, "/usr/sbin/bigd -f", &s), 0);
	assert_string_equal(s.cut, "");
	script_scan_free(&s);

	memset(&s, 0, sizeof(s));
	assert_int_equal(script_scan_file(t->root, "/etc/absent.sh", &s), 0);
	assert_string_equal(s.cut, "");
	script_scan_free(&s);
}

static void test_script_scan_commands(void **state)
{
	struct tree *t = *state;
	struct script_scan s = { 0 };

	assert_int_equal(script_scan_command(t->root, "/x.service", 3,
					     "/usr/sbin/driverctl set-override 0000:0a:00.0 vfio-pci", &s), 0);
	assert_true(script_has(&s, ACT_DRIVERCTL));
	assert_int_equal(script_scan_command(t->root, "/x.service", 4,
					     "/usr/bin/virsh nodedev-detach pci_0000_0a_00_0", &s), 0);
	assert_true(script_has(&s, ACT_DETACH));
	assert_int_equal(script_scan_command(t->root, "/x.service", 5, "/sbin/modprobe vfio-pci", &s), 0);
	assert_true(script_has(&s, ACT_MODPROBE_VFIO));
	assert_int_equal(script_scan_command(t->root, "/x.service", 6,
					     "/bin/sh -c 'echo 0000:0a:00.0 > /sys/bus/pci/drivers/vfio-pci/bind'", &s), 0);
	assert_true(script_has(&s, ACT_BIND_VFIO));
	assert_false(script_has(&s, ACT_BIND_HOST));
	assert_int_equal(s.n, 4);
	script_scan_free(&s);

	/* The start and teardown scripts of single-GPU passthrough guides
	 * also write the virtual consoles' and the EFI framebuffer's bind
	 * files: not PCI binding. Reads with stderr sent away are not writes. */
	tree_put(t, "/usr/local/bin/vfio-teardown.sh",
		 "#!/bin/bash\n"
		 "echo 1 > /sys/class/vtconsole/vtcon0/bind\n"
		 "echo \"efi-framebuffer.0\" > /sys/bus/platform/drivers/efi-framebuffer/bind\n"
		 "cur=$(cat /sys/bus/pci/devices/0000:0a:00.0/driver_override 2>/dev/null)\n"
		 "ls /sys/bus/pci/drivers/nouveau/bind > /dev/null\n"
		 "nvidia-xconfig --query-gpu-info > /dev/null 2>&1\n"
		 "for v in /sys/class/vtconsole/vtcon*; do\n"
		 "\texecute \"echo 1 > \\\"${v}/bind\\\"\"\n"
		 "done\n");
	assert_int_equal(script_scan_file(t->root, "/usr/local/bin/vfio-teardown.sh", &s), 0);
	assert_int_equal(s.n, 0);

	/* harmless: module loads, logging, a binary, a perl hash arrow */
	tree_put(t, "/usr/bin/fakebin", "\177ELF\0\0echo 1 > /sys/bus/pci/rescan\n");
	assert_int_equal(script_scan_command(t->root, "/y.service", 1, "/sbin/modprobe -a vfio vfio_iommu_type1", &s), 0);
	assert_int_equal(script_scan_command(t->root, "/y.service", 2, "/usr/bin/fakebin --flag", &s), 0);
	assert_int_equal(script_scan_command(t->root, "/y.service", 3, "my %h = (bind => 1); logger 'bind'", &s), 0);
	assert_int_equal(script_scan_command(t->root, "/y.service", 4, "/usr/bin/missing.sh", &s), 0);
	assert_int_equal(s.n, 0);
	script_scan_free(&s);
}

/* The shape that made the scan quadratic: a hook of 87,000 background
 * starts inside a function nobody calls (one look at the lines per hit),
 * then called. A function names itself, or is named inside a longer word,
 * a call is still none; a name next to punctuation is. */
static void test_script_scan_big_uncalled_function(void **state)
{
	struct tree *t = *state;
	struct script_scan s = { 0 };
	const size_t n = 87000;
	char *text = malloc(64 + 3 * n + 256), *p = text;

	assert_non_null(text);
	p += sprintf(p, "#!/bin/sh\nqq() {\n");
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "a&\n");
	p += sprintf(p, "}\n");
	tree_put(t, "/big.sh", text);
	assert_int_equal(script_scan_file(t->root, "/big.sh", &s), 0);
	assert_int_equal(hits(&s, ACT_BACKGROUND), 0);
	assert_false(script_has(&s, ACT_BACKGROUND));
	script_scan_free(&s);
	sprintf(p, "[ \"$2\" = post-stop ] && qq\n");
	tree_put(t, "/big-called.sh", text);
	assert_int_equal(script_scan_file(t->root, "/big-called.sh", &s), 0);
	assert_int_equal(hits(&s, ACT_BACKGROUND), n);
	script_scan_free(&s);
	free(text);

	tree_put(t, "/words.sh",
		 "#!/bin/sh\n"
		 "again() {\n\tsetsid x &\n\tagain\n}\n"
		 "part() {\n\techo 1 > /sys/bus/pci/rescan\n}\n"
		 "used() {\n\techo x > /sys/bus/pci/drivers/nouveau/bind\n}\n"
		 "echo parted party_x ${used}\n");
	assert_int_equal(script_scan_file(t->root, "/words.sh", &s), 0);
	assert_int_equal(hits(&s, ACT_BACKGROUND), 0);	/* again: only by itself */
	assert_int_equal(hits(&s, ACT_RESCAN), 0);	/* part: inside longer words */
	assert_int_equal(hits(&s, ACT_BIND_HOST), 1);	/* used: "${used}" names it */
	script_scan_free(&s);
}

/* Hostile input: a long line, binary junk, a loop of scripts calling
 * each other, a script that is a FIFO. */
static void test_script_scan_hostile(void **state)
{
	struct tree *t = *state;
	struct script_scan s = { 0 };
	char *big = malloc(300 * 1024);

	assert_non_null(big);
	memset(big, '>', 300 * 1024 - 1);
	big[300 * 1024 - 1] = '\0';
	tree_put(t, "/a.sh", big);
	free(big);
	tree_put(t, "/b.sh", "/c.sh\n");
	tree_put(t, "/c.sh", "/b.sh\necho 1 > /sys/bus/pci/rescan\n");
	assert_int_equal(mkfifo(tree_at(t, "/fifo.sh"), 0644), 0);
	assert_int_equal(script_scan_file(t->root, "/a.sh", &s), 0);
	assert_int_equal(script_scan_file(t->root, "/b.sh", &s), 0);
	assert_int_equal(script_scan_file(t->root, "/fifo.sh", &s), 0);
	assert_int_equal(hits(&s, ACT_RESCAN), 1);
	script_scan_free(&s);
}

/* /etc/pve/mapping/pci.cfg as PVE::Mapping::PCI writes it (a name alone
 * on a line, then tab-indented properties; one map line per node). */
static void test_pve_mapping(void **state)
{
	struct tree *t = *state;
	struct pve_mappings m;
	struct pve_pci_devs d;
	char node[64];

	tree_put(t, "/etc/pve/mapping/pci.cfg",
		 "gpu\n"
		 "\tdescription RTX for the gaming VM\n"
		 "\tmap id=10de:1b80,iommugroup=14,node=pve1,path=0000:0a:00,subsystem-id=1458:3702\n"
		 "\tmap id=10de:1b80,iommugroup=20,node=pve2,path=0000:41:00.0\n"
		 "\tmdev 0\n"
		 "\n"
		 "nics\n"
		 "\tmap id=8086:1521,node=pve1,path=0000:03:00.0;0000:03:00.1\n"
		 "\tmap id=8086:1521,node=pve1,path=0000:04:00.0\n"
		 "other\n"
		 "\tmap id=1002:67df,node=pve9,path=0000:05:00.0\n");
	tree_put(t, "/etc/hostname", "pve1.example.org\n");
	assert_int_equal(pve_node_name(t->root, node, sizeof(node)), 0);
	assert_string_equal(node, "pve1");
	assert_int_equal(pve_mappings_read(t->root, &m), 0);
	assert_string_equal(m.node, "pve1");
	assert_int_equal(pve_mapping_resolve_text(m.text, "gpu", m.node, &d), 0);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.bdf[0], "0000:0a:00");
	assert_int_equal(d.section_line, 1);
	assert_int_equal(d.map_line, 3);
	assert_int_equal(pve_mapping_resolve_text(m.text, "gpu", "pve2", &d), 0);
	assert_string_equal(d.bdf[0], "0000:41:00.0");
	assert_int_equal(pve_mapping_resolve_text(m.text, "nics", m.node, &d), 0);
	assert_int_equal(d.n, 3);
	assert_string_equal(d.bdf[2], "0000:04:00.0");
	assert_int_equal(pve_mapping_resolve_text(m.text, "other", m.node, &d), -ENXIO);
	assert_int_equal(pve_mapping_resolve_text(m.text, "other", "", &d), 0);	/* any node */
	assert_int_equal(pve_mapping_resolve_text(m.text, "gp", m.node, &d), -ESRCH);

	assert_int_equal(pve_hostpci_devs_text("mapping=gpu,pcie=1,x-vga=1", m.text, m.node, &d), 0);
	assert_string_equal(d.bdf[0], "0000:0a:00");
	assert_int_equal(pve_hostpci_devs_text("0a:00,pcie=1", m.text, m.node, &d), 0);
	assert_string_equal(d.bdf[0], "0000:0a:00");
	assert_int_equal(pve_hostpci_devs_text("host=0a:00.0;0000:0a:00.1,rombar=0", m.text, m.node,
					       &d), 0);
	assert_int_equal(d.n, 2);
	assert_string_equal(d.bdf[1], "0000:0a:00.1");
	assert_int_equal(pve_hostpci_devs_text("pcie=1", m.text, m.node, &d), -EINVAL);
	assert_int_equal(pve_hostpci_devs_text("mapping=nope", m.text, m.node, &d), -ESRCH);
	pve_mappings_free(&m);
	unlink(tree_at(t, "/etc/pve/mapping/pci.cfg"));
	assert_int_equal(pve_mappings_read(t->root, &m), -ENOENT);
	assert_null(m.text);
	assert_string_equal(m.node, "pve1");
	assert_int_equal(pve_hostpci_devs_text("mapping=gpu", m.text, m.node, &d), -ENOENT);
	assert_int_equal(pve_hostpci_devs_text("0a:00.0", m.text, m.node, &d), 0);
	pve_mappings_free(&m);

	/* the text form (a trace's copy): indentation tells a property from a
	 * section name; NULL node matches every node; CRLF and comments */
	assert_int_equal(pve_mapping_resolve_text("# comment\r\ngpu\r\n"
						  "\tdescription gpu\r\n"
						  "  map node=a,path=0a:00.0\r\n"
						  "\tmap node=b,path=0b:00\r\n", "gpu", NULL, &d), 0);
	assert_int_equal(d.n, 2);
	assert_int_equal(d.section_line, 2);
	assert_int_equal(d.map_line, 4);
	assert_string_equal(d.bdf[0], "0000:0a:00.0");
	assert_int_equal(pve_mapping_resolve_text("gpu\n\tmap node=a,path=0a:00.0\n", "gpu", "b", &d),
			 -ENXIO);
	assert_int_equal(pve_mapping_resolve_text("\tgpu\n", "gpu", NULL, &d), -ESRCH);
	assert_int_equal(pve_mapping_resolve_text("", "gpu", NULL, &d), -ESRCH);
}

/* A mapping that pools a card's virtual functions, one map line each:
 * 20 are all kept (16 were, once), past PVE_PCI_DEVS_MAX the pool is
 * said to be cut, and a VM config naming it says so too. */
static void test_pve_mapping_vf_pool(void **state)
{
	static char cfg[64 * 1024];
	struct pve_pci_devs d;
	struct vmconf c = { 0 };
	size_t len = 0;

	(void)state;
	len += snprintf(cfg + len, sizeof(cfg) - len, "vfs\n");
	for (int i = 0; i < 300; i++)
		len += snprintf(cfg + len, sizeof(cfg) - len,
				"\tmap id=8086:56c0,node=pve1,path=0000:%02x:%02x.%d\n",
				0x40 + i / 256, (i / 8) % 32, i % 8);
	assert_true(len < sizeof(cfg));
	assert_int_equal(pve_mapping_resolve_text(cfg, "vfs", "pve1", &d), 0);
	assert_int_equal(d.n, PVE_PCI_DEVS_MAX);
	assert_true(d.cut);
	assert_string_equal(d.bdf[19], "0000:40:02.3");
	vmconf_from_pve("hostpci0: mapping=vfs\n", cfg, "pve1", &c);
	assert_int_equal(c.ndevs, VM_DEVS_MAX);
	assert_true(c.devs_cut);
	/* 20 of them: all kept */
	cfg[strlen("vfs\n") + 20 * strlen("\tmap id=8086:56c0,node=pve1,path=0000:40:00.0\n")] = '\0';
	assert_int_equal(pve_mapping_resolve_text(cfg, "vfs", "pve1", &d), 0);
	assert_int_equal(d.n, 20);
	assert_false(d.cut);
}

/* systemd's lookup rules (systemd.unit(5)): /etc wins over /lib, an empty
 * file or a /dev/null link masks, instances fall back to their template,
 * drop-ins apply in file name order across directories (an /etc one hides
 * a same-named /lib one), "ExecStart=" empties the list, a backslash joins
 * lines. */
static void test_sd_units(void **state)
{
	struct tree *t = *state;
	struct sd_service sv;
	struct sd_triggers *tr;
	char path[PATH_MAX], why[1024], **names;
	size_t n;

	tree_put(t, "/lib/systemd/system/a.service", "[Service]\nExecStart=/lib/a\n");
	tree_put(t, "/etc/systemd/system/a.service", "[Service]\nExecStart=/etc/a \\\n  --flag\n");
	tree_put(t, "/lib/systemd/system/empty.service", "[Service]\nExecStart=/x\n");
	tree_put(t, "/etc/systemd/system/empty.service", "");
	tree_put(t, "/lib/systemd/system/t@.service", "[Service]\nExecStart=/t %i\n");
	tree_put(t, "/lib/systemd/system/t@.service.d/20-b.conf", "[Service]\nExecStartPost=/lib-b\n");
	tree_put(t, "/etc/systemd/system/t@.service.d/20-b.conf", "[Service]\nExecStartPost=/etc-b\n");
	tree_put(t, "/lib/systemd/system/t@.service.d/10-a.conf", "[Service]\nExecStart=\nExecStart=/a\n");
	tree_link(t, "/etc/systemd/system/multi-user.target.wants/t@x.service", "/lib/systemd/system/t@.service");

	assert_true(sd_unit_path(t->root, "a.service", path, sizeof(path)));
	assert_string_equal(path, "/etc/systemd/system/a.service");
	assert_false(sd_unit_path(t->root, "empty.service", path, sizeof(path)));
	assert_true(sd_unit_path(t->root, "t@x.service", path, sizeof(path)));
	assert_string_equal(path, "/lib/systemd/system/t@.service");

	assert_int_equal(sd_service_read(t->root, "a.service", &sv), 0);
	assert_int_equal(sv.n, 1);
	assert_string_equal(sv.exec[0].cmd, "/etc/a --flag");
	sd_service_free(&sv);
	assert_int_equal(sd_service_read(t->root, "t@.service", &sv), 0);
	assert_int_equal(sv.n, 2);
	assert_string_equal(sv.exec[0].cmd, "/a");		/* 10-a.conf reset /t %i */
	assert_string_equal(sv.exec[1].cmd, "/etc-b");	/* /etc's 20-b.conf hides /lib's */
	sd_service_free(&sv);
	assert_int_equal(sd_service_read(t->root, "empty.service", &sv), -ENOENT);
	{
		/* 100 commands, all kept (64 were, once: the rest not checked) */
		char unit[8192] = "[Service]\n";

		for (int i = 0; i < 100; i++)
			snprintf(unit + strlen(unit), sizeof(unit) - strlen(unit),
				 "ExecStartPre=/bin/step%d\n", i);
		tree_put(t, "/etc/systemd/system/long.service", unit);
		assert_int_equal(sd_service_read(t->root, "long.service", &sv), 0);
		assert_int_equal(sv.n, 100);
		assert_string_equal(sv.exec[99].cmd, "/bin/step99");
		assert_false(sv.exec_cut);
		sd_service_free(&sv);
	}

	assert_int_equal(sd_service_names(t->root, &names, &n, NULL, NULL), 0);
	assert_int_equal(n, 4);		/* a, empty, long, t@ once each */
	sd_names_free(names, n);

	assert_int_equal(sd_triggers_collect(t->root, &tr, NULL, NULL), 0);
	sd_triggers_of(tr, "t@.service", why, sizeof(why));
	assert_non_null(strstr(why, "t@x.service: wanted by multi-user.target"));
	sd_triggers_of(tr, "a.service", why, sizeof(why));
	assert_string_equal(why, "");
	sd_triggers_free(tr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rootfs_confined, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rootfs_hold, setup, teardown),
		cmocka_unit_test_setup_teardown(test_script_scan_acts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_script_scan_library_functions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_script_scan_function_ends, setup, teardown),
		cmocka_unit_test_setup_teardown(test_script_scan_says_its_cuts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_script_scan_commands, setup, teardown),
		cmocka_unit_test_setup_teardown(test_script_scan_big_uncalled_function, setup, teardown),
		cmocka_unit_test_setup_teardown(test_script_scan_hostile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pve_mapping, setup, teardown),
		cmocka_unit_test(test_pve_mapping_vf_pool),
		cmocka_unit_test_setup_teardown(test_sd_units, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
