// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* `gputrace status`: a fake host with two GPUs held by a Proxmox VM and a
 * libvirt domain, the holder sources, --device, bad input, and this host
 * (which has no display device in CI). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fake_tree.h"

#include "cmd/cmd.h"
#include "render/status_render.h"
#include "status/status.h"
#include "sys/pci.h"
#include "sys/vms.h"
#include "util.h"

#define GPU	"0000:0a:00.0"
#define AUDIO	"0000:0a:00.1"
#define GPU2	"0000:0b:00.0"
#define NIC	"0000:03:00.0"

static const char pci_ids[] =
	"10de  NVIDIA Corporation\n"
	"\t10f0  GP104 High Definition Audio Controller\n"
	"\t1b80  GP104 [GeForce GTX 1080]\n"
	"C 03  Display controller\n"
	"\t00  VGA compatible controller\n"
	"C 04  Multimedia controller\n"
	"\t03  Audio device\n";

struct fx {
	struct tree t;
	struct status st;
	char err[1024];
	char out[PATH_MAX];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f || tree_new(&f->t, "test_status"))
		return -1;
	snprintf(f->out, sizeof(f->out), "%s.out", f->t.root);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	status_free(&f->st);
	tree_remove(&f->t);
	unlink(f->out);
	free(f);
	return 0;
}

/* /proc/PID/cmdline from a NUL-separated argv of LEN bytes. */
static void put_cmdline(struct fx *f, int pid, const char *argv, size_t len)
{
	char rel[64];
	FILE *fp;

	snprintf(rel, sizeof(rel), "/proc/%d/cmdline", pid);
	tree_parent(&f->t, rel);
	fp = fopen(tree_at(&f->t, rel), "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(argv, 1, len, fp), len);
	fclose(fp);
}

#define CMDLINE(f, pid, lit) put_cmdline(f, pid, lit, sizeof(lit))

static void host(struct fx *f)
{
	struct tree *t = &f->t;

	tree_put(t, "/usr/share/misc/pci.ids", pci_ids);
	tree_pci(t, GPU, "0x10de\n", "0x1b80\n", "0x030000\n", "vfio-pci", NULL, "14", "1\n");
	tree_pci(t, AUDIO, "0x10de\n", "0x10f0\n", "0x040300\n", "vfio-pci", NULL, "14", NULL);
	tree_pci(t, GPU2, "0x10de\n", "0x1b80\n", "0x030000\n", "vfio-pci", "vfio-pci\n", "15", "0\n");
	tree_pci(t, NIC, "0x8086\n", "0x1533\n", "0x020000\n", "igb", NULL, "16", NULL);
	/* Proxmox VM 111: QEMU process and config agree */
	CMDLINE(f, 4021, "/usr/bin/kvm\0-id\0" "111\0-name\0gpu-vm,debug-threads=on\0"
		"-pidfile\0/var/run/qemu-server/111.pid\0"
		"-device\0vfio-pci,host=0000:0a:00.0,id=hostpci0.0,bus=ich9-pcie-port-1,x-vga=on\0"
		"-device\0vfio-pci,host=0a:00.1,id=hostpci0.1\0"
		"-device\0virtio-net-pci,mac=BC:24:11:00:00:01");
	tree_put(t, "/var/run/qemu-server/111.pid", "4021\n");
	tree_put(t, "/etc/pve/qemu-server/111.conf", "name: gpu-vm\nhostpci0: 0000:0a:00,pcie=1,x-vga=1\n");
	/* VM 112 is stopped: its config holds nothing */
	tree_put(t, "/etc/pve/qemu-server/112.conf", "hostpci0: 0b:00.0\n");
	tree_put(t, "/var/run/qemu-server/112.pid", "999\n");	/* stale */
	/* libvirt domain win10 with the JSON -device syntax */
	CMDLINE(f, 5000, "/usr/bin/qemu-system-x86_64\0-name\0guest=win10,debug-threads=on\0"
		"-device\0{\"driver\":\"vfio-pci\",\"host\":\"0000:0b:00.0\",\"id\":\"hostdev0\"}");
	tree_put(t, "/run/libvirt/qemu/win10.xml",
		 "<domstatus state='running' reason='booted' pid='5000'>\n<domain type='kvm'>\n"
		 "<name>win10</name><devices>\n"
		 "<hostdev mode='subsystem' type='pci' managed='yes'>\n"
		 "  <source>\n    <address domain='0x0000' bus='0x0b' slot='0x00' function='0x0'/>\n"
		 "  </source>\n  <address type='pci' domain='0x0000' bus='0x05' slot='0x00' function='0x0'/>\n"
		 "</hostdev>\n</devices></domain></domstatus>\n");
	/* a crashed domain's leftover status file holds nothing */
	tree_put(t, "/run/libvirt/qemu/old.xml",
		 "<domstatus state='running' pid='7777'><domain><devices>"
		 "<hostdev mode='subsystem' type='pci'><source><address domain='0x0000' bus='0x03' "
		 "slot='0x00' function='0x0'/></source></hostdev></devices></domain></domstatus>\n");
	/* not QEMU, even if it mentions vfio-pci */
	CMDLINE(f, 6000, "/bin/sh\0-c\0echo -device vfio-pci,host=0000:03:00.0");
}

static void collect(struct fx *f, const char *device)
{
	status_free(&f->st);
	assert_int_equal(status_collect(f->t.root, device, &f->st, f->err, sizeof(f->err)), 0);
}

static const struct status_entry *shown(struct fx *f, const char *bdf)
{
	for (size_t i = 0; i < f->st.nshown; i++)
		if (!strcmp(f->st.shown[i].dev->bdf, bdf))
			return &f->st.shown[i];
	return NULL;
}

static char *slurp(const char *path)
{
	static char buf[65536];
	FILE *fp = fopen(path, "r");
	size_t n;

	assert_non_null(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static void test_gpus_slots_groups_and_holders(void **state)
{
	struct fx *f = *state;
	const struct status_entry *e;

	host(f);
	collect(f, NULL);
	assert_int_equal(f->st.ndisplay, 2);
	assert_int_equal(f->st.nshown, 3);		/* not the NIC */
	assert_string_equal(f->st.shown[0].dev->bdf, GPU);
	assert_string_equal(f->st.shown[1].dev->bdf, AUDIO);
	assert_string_equal(f->st.shown[2].dev->bdf, GPU2);
	assert_null(shown(f, NIC));

	e = shown(f, GPU);
	assert_int_equal(e->why, STATUS_DISPLAY);
	assert_string_equal(e->dev->device_name, "GP104 [GeForce GTX 1080]");
	assert_string_equal(e->dev->driver, "vfio-pci");
	assert_int_equal(e->dev->boot_vga, 1);
	assert_int_equal(e->nholders, 1);
	assert_int_equal(e->holders[0]->kind, VM_PROXMOX);
	assert_string_equal(e->holders[0]->id, "111");
	assert_int_equal(e->holders[0]->pid, 4021);
	/* one VM from two sources, reported once */
	assert_non_null(strstr(e->holders[0]->source, "/proc/4021/cmdline"));
	assert_non_null(strstr(e->holders[0]->source, "/etc/pve/qemu-server/111.conf"));

	e = shown(f, AUDIO);
	assert_int_equal(e->why, STATUS_SLOT | STATUS_GROUP);
	assert_string_equal(e->with, GPU);
	assert_int_equal(e->nholders, 1);		/* short host=0a:00.1 form */
	assert_int_equal(e->holders[0]->kind, VM_PROXMOX);

	e = shown(f, GPU2);
	assert_string_equal(e->dev->driver_override, "vfio-pci");
	assert_int_equal(e->nholders, 1);
	assert_int_equal(e->holders[0]->kind, VM_LIBVIRT);
	assert_string_equal(e->holders[0]->id, "win10");
	assert_int_equal(e->holders[0]->pid, 5000);
	assert_non_null(strstr(e->holders[0]->source, "/run/libvirt/qemu/win10.xml"));
	/* the guest-side <address> (bus 0x05) is not a host device */
	assert_int_equal(e->holders[0]->ndevs, 1);
	assert_int_equal(f->st.nvms, 2);
}

static void test_text_and_json(void **state)
{
	struct fx *f = *state;
	char *argv[] = { "status", "--root", f->t.root, NULL };
	char *argvj[] = { "status", "--root", f->t.root, "--json", NULL };
	const char *out;

	host(f);
	assert_int_equal(run_quiet(cmd_status, 3, argv, f->out), EXIT_OK);
	out = slurp(f->out);
	assert_non_null(strstr(out, "2 display devices on this tree, 3 functions shown"));
	assert_non_null(strstr(out, GPU "  VGA compatible controller: NVIDIA Corporation GP104 [GeForce GTX 1080] [10de:1b80]"));
	assert_non_null(strstr(out, "same slot and same IOMMU group as " GPU));
	assert_non_null(strstr(out, "14 (with " AUDIO ")"));
	assert_non_null(strstr(out, "Proxmox VM 111, pid 4021"));
	assert_non_null(strstr(out, "libvirt domain win10, pid 5000"));
	assert_null(strstr(out, NIC));
	assert_non_null(strstr(out, "runtime PM       suspended, enable count 1, d3cold allowed"));
	assert_non_null(strstr(out, "link             8.0 GT/s PCIe x16"));
	assert_int_equal(run_quiet(cmd_status, 4, argvj, f->out), EXIT_OK);
	out = slurp(f->out);
	assert_non_null(strstr(out, "\"display_devices\":2"));
	assert_non_null(strstr(out, "\"bdf\":\"" AUDIO "\""));
	assert_non_null(strstr(out, "\"shown_because\":[\"slot\",\"iommu_group\"]"));
	assert_non_null(strstr(out, "\"held_by\":[{\"kind\":\"proxmox\",\"id\":\"111\",\"pid\":4021"));
	assert_non_null(strstr(out, "\"iommu_group_peers\":[\"" GPU "\"]"));
	assert_non_null(strstr(out, "\"runtime_status\":\"suspended\",\"enable\":\"1\","
			       "\"d3cold_allowed\":\"1\",\"link_speed\":\"8.0 GT/s PCIe\","
			       "\"link_width\":\"16\""));
}

static void test_device_option(void **state)
{
	struct fx *f = *state;
	char *argv[] = { "status", "--root", f->t.root, "--device", "0c:00.0", NULL };
	const char *out;

	host(f);
	collect(f, "03:00.0");		/* any class, short form */
	assert_int_equal(f->st.nshown, 1);
	assert_string_equal(f->st.shown[0].dev->bdf, NIC);
	assert_int_equal(f->st.shown[0].why, STATUS_ASKED);
	assert_int_equal(f->st.shown[0].nholders, 0);	/* the stale domain and sh do not count */

	status_free(&f->st);
	assert_int_equal(status_collect(f->t.root, "0c:00.0", &f->st, f->err, sizeof(f->err)), -ENODEV);
	assert_string_equal(f->err, "no PCI device 0000:0c:00.0 on this tree (see lspci -D)");
	status_free(&f->st);
	assert_int_equal(status_collect(f->t.root, "10de:1b80", &f->st, f->err, sizeof(f->err)), -EINVAL);
	assert_non_null(strstr(f->err, "not a PCI address"));
	assert_int_equal(run_quiet(cmd_status, 5, argv, f->out), EXIT_ERROR);
	out = slurp(f->out);
	assert_string_equal(out, "gputrace: no PCI device 0000:0c:00.0 on this tree (see lspci -D)\n");
}

static void test_bad_root(void **state)
{
	struct fx *f = *state;
	char missing[PATH_MAX];

	snprintf(missing, sizeof(missing), "%s/absent", f->t.root);
	assert_int_equal(status_collect(missing, NULL, &f->st, f->err, sizeof(f->err)), -ENOENT);
	assert_non_null(strstr(f->err, missing));
	status_free(&f->st);
	tree_put(&f->t, "/plain", "x");
	assert_int_equal(status_collect(tree_at(&f->t, "/plain"), NULL, &f->st, f->err,
					sizeof(f->err)), -ENOTDIR);
}

/* A tree with PCI devices but no GPU: said clearly, nothing listed. */
static void test_no_display_tree(void **state)
{
	struct fx *f = *state;
	char *argv[] = { "status", "--root", f->t.root, NULL };
	const char *out;

	tree_pci(&f->t, NIC, "0x8086\n", "0x1533\n", "0x020000\n", "igb", NULL, NULL, NULL);
	collect(f, NULL);
	assert_int_equal(f->st.ndisplay, 0);
	assert_int_equal(f->st.nshown, 0);
	assert_int_equal(run_quiet(cmd_status, 3, argv, f->out), EXIT_OK);
	out = slurp(f->out);
	assert_non_null(strstr(out, "No display device (PCI class 03xx) on this tree: no GPU to show."));
	assert_null(strstr(out, NIC));
}

/* A copied tree with driver_override linked to a file beside it, by an
 * absolute and by a climbing relative link: status (root) shows neither
 * file's text, only what the tree holds. */
static void test_links_stay_in_tree(void **state)
{
	struct fx *f = *state;
	char *argv[] = { "status", "--root", f->t.root, NULL };
	char outside[128], up[PATH_MAX];
	const char *rel = "/sys/bus/pci/devices/" GPU "/driver_override";
	const char *rel2 = "/sys/bus/pci/devices/" GPU2 "/driver_override";
	const char *out;
	FILE *fp;

	snprintf(outside, sizeof(outside), "%s.outside", f->t.root);
	assert_non_null(fp = fopen(outside, "w"));
	fputs("OUTSIDE-SECRET\n", fp);
	assert_int_equal(fclose(fp), 0);
	tree_pci(&f->t, GPU, "0x10de\n", "0x1b80\n", "0x030000\n", "vfio-pci", NULL, "14", "1\n");
	tree_pci(&f->t, GPU2, "0x10de\n", "0x1b80\n", "0x030000\n", "vfio-pci", NULL, "15", "0\n");
	assert_int_equal(unlink(tree_at(&f->t, rel)), 0);
	tree_link(&f->t, rel, outside);
	/* ROOT/sys/bus/pci/devices/BDF: six ".." up to /tmp */
	snprintf(up, sizeof(up), "../../../../../..%s", outside + strlen("/tmp"));
	assert_int_equal(unlink(tree_at(&f->t, rel2)), 0);
	tree_link(&f->t, rel2, up);
	assert_int_equal(run_quiet(cmd_status, 3, argv, f->out), EXIT_OK);
	out = slurp(f->out);
	unlink(outside);
	assert_non_null(strstr(out, GPU2));
	assert_null(strstr(out, "OUTSIDE-SECRET"));
}

/* This host: whatever it has, status runs; CI machines have no GPU, and
 * then the message says so and exits 0. */
static void test_live_host(void **state)
{
	struct fx *f = *state;
	char *argv[] = { "status", NULL };
	struct pci_dev_info *devs;
	size_t n, gpus = 0;
	const char *out;

	assert_int_equal(pci_scan(NULL, &devs, &n), 0);
	for (size_t i = 0; i < n; i++)
		gpus += (devs[i].class >> 16) == 0x03;
	pci_devs_free(devs);
	assert_int_equal(run_quiet(cmd_status, 1, argv, f->out), EXIT_OK);
	out = slurp(f->out);
	if (!gpus)
		assert_non_null(strstr(out, "No display device (PCI class 03xx) on this host: no GPU to show."));
	else
		assert_non_null(strstr(out, "display device"));
	/* the live system's (not the empty test tree's) */
	status_free(&f->st);
	assert_int_equal(status_collect(NULL, NULL, &f->st, f->err, sizeof(f->err)), 0);
	assert_int_equal(f->st.ndisplay, gpus);
}

/* QEMU seen without -id, its Proxmox config found by the pid file's pid:
 * one VM, not two. */
static void test_same_vm_by_pid(void **state)
{
	struct fx *f = *state;
	const struct status_entry *e;

	tree_pci(&f->t, GPU, "0x10de\n", "0x1b80\n", "0x030000\n", "vfio-pci", NULL, "14", "1\n");
	CMDLINE(f, 4100, "/usr/bin/kvm\0-device\0vfio-pci,host=0000:0a:00.0");
	tree_put(&f->t, "/run/qemu-server/120.pid", "4100\n");
	tree_put(&f->t, "/etc/pve/qemu-server/120.conf", "hostpci0: 0a:00.0\n");
	collect(f, NULL);
	e = shown(f, GPU);
	assert_int_equal(f->st.nvms, 1);
	assert_int_equal(e->nholders, 1);
	assert_int_equal(e->holders[0]->kind, VM_PROXMOX);
	assert_string_equal(e->holders[0]->id, "120");
	assert_int_equal(e->holders[0]->pid, 4100);
}

/* A Proxmox QEMU argv of -id ID and vfio-pci devices 0000:BUS:00.0 for BUS from
 * FIRST to LAST (hex), as pid PID. */
static void put_many_devs(struct fx *f, int pid, const char *id, int first, int last)
{
	char argv[8192];
	size_t len = 0;

	len += snprintf(argv + len, sizeof(argv) - len, "/usr/bin/qemu-system-x86_64%c-id%c%s%c",
			0, 0, id, 0);
	for (int bus = first; bus <= last; bus++)
		len += snprintf(argv + len, sizeof(argv) - len, "-device%cvfio-pci,host=0000:%02x:00.0%c",
				0, bus, 0);
	assert_true(len < sizeof(argv));
	put_cmdline(f, pid, argv, len);
}

/* A VM naming more devices than are kept (VM_DEVS_MAX) is not known to
 * hold none of the rest: status says it may, and guard --vm's lookup
 * carries the cut. Five VMs naming one device: four shown, and that there
 * are more. */
static void test_vm_devices_past_the_limit(void **state)
{
	struct fx *f = *state;
	char *argvj[] = { "status", "--root", f->t.root, "--json", NULL };
	char *argv[] = { "status", "--root", f->t.root, NULL };
	const struct status_entry *e;
	struct vmconf c;
	const char *out;

	/* VM 130 names buses 0x10..0x37 (40); the GPU is its 40th */
	tree_pci(&f->t, "0000:37:00.0", "0x10de\n", "0x1b80\n", "0x030000\n", "vfio-pci", NULL, "14", NULL);
	tree_pci(&f->t, "0000:10:00.0", "0x10de\n", "0x1b80\n", "0x030000\n", "vfio-pci", NULL, "15", NULL);
	put_many_devs(f, 4200, "130", 0x10, 0x37);
	collect(f, NULL);
	assert_int_equal(f->st.nvms, 1);
	assert_int_equal(f->st.vms[0].ndevs, VM_DEVS_MAX);
	assert_true(f->st.vms[0].devs_cut);
	e = shown(f, "0000:37:00.0");
	assert_int_equal(e->nholders, 0);
	assert_ptr_equal(e->maybe_holder, &f->st.vms[0]);
	e = shown(f, "0000:10:00.0");		/* its first: known held */
	assert_int_equal(e->nholders, 1);
	assert_null(e->maybe_holder);
	assert_int_equal(run_quiet(cmd_status, 3, argv, f->out), EXIT_OK);
	out = slurp(f->out);
	assert_non_null(strstr(out, "held by          not known for Proxmox VM 130: it names more than 32"));
	assert_null(strstr(strstr(out, "0000:37:00.0"), "no running VM"));
	assert_int_equal(run_quiet(cmd_status, 4, argvj, f->out), EXIT_OK);
	out = slurp(f->out);
	assert_non_null(strstr(out, "\"held_by\":[],\"held_by_complete\":false,"
			       "\"maybe_held_by\":{\"kind\":\"proxmox\",\"id\":\"130\""));
	assert_non_null(strstr(out, "\"held_by_complete\":true,\"maybe_held_by\":null"));
	assert_non_null(strstr(out, "\"devices_cut\":true"));
	assert_int_equal(vm_find(f->t.root, "130", &c), 0);
	assert_int_equal(c.ndevs, VM_DEVS_MAX);
	assert_true(c.devs_cut);

	/* four more VMs name the first device: five in all */
	for (int i = 0; i < 4; i++) {
		char id[8];

		snprintf(id, sizeof(id), "%d", 140 + i);
		put_many_devs(f, 4300 + i, id, 0x10, 0x10);
	}
	collect(f, NULL);
	e = shown(f, "0000:10:00.0");
	assert_int_equal(e->nholders, STATUS_HOLDERS_MAX);
	assert_true(e->holders_cut);
	assert_int_equal(run_quiet(cmd_status, 3, argv, f->out), EXIT_OK);
	assert_non_null(strstr(slurp(f->out), "and more running VMs (the first 4 are shown)"));
}

/* One VM by its id, as `guard --vm` looks it up: its Proxmox config
 * (running or not, mappings resolved for this node), else its libvirt
 * definition, else a running QEMU that names itself so. */
static void test_vm_find(void **state)
{
	struct fx *f = *state;
	struct vmconf c;

	host(f);
	tree_put(&f->t, "/etc/hostname", "pve1.example\n");
	tree_put(&f->t, "/etc/pve/mapping/pci.cfg",
		 "gpu\n\tmap id=10de:1b80,node=pve2,path=0000:03:00.0\n"
		 "\tmap id=10de:1b80,node=pve1,path=0000:0a:00.0\n");
	tree_put(&f->t, "/etc/pve/qemu-server/113.conf",
		 "hostpci0: mapping=gpu,pcie=1\nhostpci1: 0b:00.0\n[snap]\nhostpci2: 03:00.0\n");
	tree_put(&f->t, "/etc/libvirt/qemu/win11.xml",
		 "<domain type='kvm'><name>win11</name><devices>"
		 "<hostdev mode='subsystem' type='pci'><source><address bus='0x0a' slot='0x00' "
		 "function='0x1'/></source></hostdev></devices></domain>\n");
	assert_int_equal(vm_find(f->t.root, "112", &c), 0);	/* stopped */
	assert_int_equal(c.kind, VM_PROXMOX);
	assert_string_equal(c.id, "112");
	assert_int_equal(c.ndevs, 1);
	assert_string_equal(c.devs[0], GPU2);
	assert_int_equal(vm_find(f->t.root, "113", &c), 0);
	assert_int_equal(c.ndevs, 2);
	assert_string_equal(c.devs[0], GPU);
	assert_string_equal(c.devs[1], GPU2);
	assert_int_equal(vm_find(f->t.root, "win11", &c), 0);
	assert_int_equal(c.kind, VM_LIBVIRT);
	assert_int_equal(c.ndevs, 1);
	assert_string_equal(c.devs[0], AUDIO);
	/* no definition: the running domain (its QEMU and status XML) */
	assert_int_equal(vm_find(f->t.root, "win10", &c), 0);
	assert_int_equal(c.kind, VM_LIBVIRT);
	assert_string_equal(c.id, "win10");
	assert_int_equal(c.ndevs, 1);
	assert_string_equal(c.devs[0], GPU2);
	assert_int_equal(vm_find(f->t.root, "nope", &c), -ENOENT);
	assert_int_equal(vm_find(f->t.root, "../qemu-server/111", &c), -ENOENT);
	assert_int_equal(vm_find(f->t.root, "", &c), -ENOENT);
}

static void test_qemu_device_forms(void **state)
{
	char bdf[20];

	assert_int_equal(qemu_vfio_host("vfio-pci,host=0a:00.0,id=x", bdf, sizeof(bdf)), 0);
	assert_string_equal(bdf, GPU);
	assert_int_equal(qemu_vfio_host("driver=vfio-pci,sysfsdev=/sys/bus/pci/devices/0000:0a:00.1",
					bdf, sizeof(bdf)), 0);
	assert_string_equal(bdf, AUDIO);
	assert_int_equal(qemu_vfio_host("{\"driver\": \"vfio-pci\", \"host\": \"0000:0b:00.0\"}", bdf,
					sizeof(bdf)), 0);
	assert_string_equal(bdf, GPU2);
	assert_int_equal(qemu_vfio_host("virtio-net-pci,host=0a:00.0", bdf, sizeof(bdf)), -ENOENT);
	assert_int_equal(pci_bdf_normalize("0000:0A:00", bdf, sizeof(bdf), 1), 0);
	assert_string_equal(bdf, "0000:0a:00");
	assert_int_equal(pci_bdf_normalize("0a:00", bdf, sizeof(bdf), 0), -EINVAL);
	assert_int_equal(pci_bdf_normalize("0a:00.8", bdf, sizeof(bdf), 0), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_gpus_slots_groups_and_holders, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_and_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_device_option, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_display_tree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_links_stay_in_tree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_live_host, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_vm_by_pid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_devices_past_the_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_find, setup, teardown),
		cmocka_unit_test(test_qemu_device_forms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
