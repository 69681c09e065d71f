// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Writes the crafted seeds of the fuzz corpus (tests/fuzz/corpus/): one
 * trace per defect found so far, each as a file (.gtrace) and as the
 * record stream fuzz_trace takes (.rec), plus the config and mark seeds.
 * A real trace given after the directory is added as "real-NAME", with
 * only what may be published of a recording made on a shared machine:
 * header, PCI snapshot, uevents, marks, counters, end, and the events of
 * the test's own writers (comm gt-writer).
 *   make_seeds CORPUS_DIR [REAL_TRACE...]
 */
#include <limits.h>
#include <stdint.h>
#include <sys/stat.h>

#include "../unit/trace_builder.h"

static const char *corpus;

/* The records of a written trace as one stream: rec_header + payload. */
static void as_stream(const char *trace, const char *out)
{
	struct trace_reader *r = trace_reader_open(trace, NULL, 0);
	struct trace_record rec;
	FILE *fp = fopen(out, "w");

	if (!r || !fp)
		exit(1);
	while (trace_reader_next(r, &rec) == 1) {
		struct gt_rec_header h = { .type = rec.type, .len = rec.len };

		fwrite(&h, sizeof(h), 1, fp);
		fwrite(rec.data, 1, rec.len, fp);
	}
	trace_reader_close(r);
	fclose(fp);
}

static void begin(struct tb *b, const char *name)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s/fuzz_trace", corpus);
	mkdir(dir, 0755);
	tb_open(b, dir, name, "fentry");
}

static void finish(struct tb *b, bool end)
{
	char rec[PATH_MAX];

	if (end)
		tb_close(b);
	else
		tb_close_killed(b);
	snprintf(rec, sizeof(rec), "%.*s.rec", (int)(strlen(b->path) - 7), b->path);
	as_stream(b->path, rec);
}

/* A VM's life as the report tests know it: the shape most code runs on. */
static void vm_story(struct tb *b, const struct gt_task *qm, const struct gt_task *kvm)
{
	tb_pci(b, "0000:0a:00.0", "10de", "1b80", "nouveau");
	tb_file(b, "/etc/pve/qemu-server/111.conf",
		"hookscript: local:snippets/hook.pl\nhostpci0: 0000:0a:00,pcie=1\n");
	tb_exec(b, 100, qm, "/usr/bin/perl /usr/sbin/qm start 111");
	tb_write(b, 110, qm, "/sys/bus/pci/drivers/vfio-pci/new_id", "10de 1b80");
	tb_write(b, 120, qm, "/sys/bus/pci/drivers/nouveau/unbind", "0000:0a:00.0");
	tb_drv(b, 120.5, qm, GT_EV_UNBIND, "0000:0a:00.0", "nouveau", 0);
	tb_write(b, 130, qm, "/sys/bus/pci/drivers/vfio-pci/bind", "0000:0a:00.0");
	tb_drv(b, 130.5, qm, GT_EV_BIND, "0000:0a:00.0", "vfio-pci", 0);
	tb_exec(b, 200, kvm, "/usr/bin/kvm -id 111 -name vm111");
	tb_mark(b, 300, "problem-start");
	tb_exit(b, 60000, kvm, 0);
}

static void seeds_trace(void)
{
	struct gt_task qm = tb_task(3990, "qm", 1, "systemd", 0);
	struct gt_task kvm = tb_task(4021, "kvm", 3990, "qm", 0);
	struct gt_task evil = tb_task(666, "x\x1b]0;owned\x07", 1, "\x1b[2J", 0);
	struct gt_driver_event d = { 0 };
	struct gt_dynid_event y = { 0 };
	struct gt_sysfs_write w = { 0 };
	struct tb b;

	begin(&b, "vm-story.gtrace");
	vm_story(&b, &qm, &kvm);
	finish(&b, true);

	begin(&b, "killed-no-end.gtrace");
	vm_story(&b, &qm, &kvm);
	finish(&b, false);

	/* terminal injection: comm, ancestors, argv, unit, label, value */
	begin(&b, "terminal-injection.gtrace");
	strcpy(evil.unit, "u\r\x1b[1A.service");
	tb_exec(&b, 1, &evil, "sh -c \x1b]0;title\x07\ngputrace: all clear");
	tb_write(&b, 2, &evil, "/sys/bus/pci/devices/0000:0a:00.0/driver_override",
		 "vfio-pci\x1b[2J");
	tb_mark(&b, 3, "a|b`c`*d*\n\x1b[31mred");
	finish(&b, true);

	/* -INT_MIN: errno fields are anyone's in a crafted trace */
	begin(&b, "errno-int-min.gtrace");
	tb_hdr(&d.hdr, GT_EV_PROBE_FAIL, sizeof(d), 5, &qm);
	strcpy(d.bus, "pci");
	strcpy(d.device, "0000:0a:00.0");
	strcpy(d.driver, "vfio-pci");
	d.err = INT_MIN;
	trace_writer_append(b.w, GT_REC_EVENT, &d, sizeof(d));
	tb_hdr(&y.hdr, GT_EV_DYNID, sizeof(y), 6, &qm);
	strcpy(y.driver, "vfio-pci");
	y.ret = INT_MIN;
	trace_writer_append(b.w, GT_REC_EVENT, &y, sizeof(y));
	tb_hdr(&w.hdr, GT_EV_SYSFS_WRITE, sizeof(w), 7, &qm);
	w.depth = 1;
	strcpy(w.path[0], "bind");
	w.ret = INT64_MIN;
	trace_writer_append(b.w, GT_REC_EVENT, &w, sizeof(w));
	finish(&b, true);

	/* signed overflow in the clock shift: real_ns far from monotonic */
	snprintf(b.path, sizeof(b.path), "%s/fuzz_trace/clock-shift.gtrace", corpus);
	b.w = trace_writer_create(b.path, true);
	trace_writer_kv_begin(b.w, GT_REC_HEADER, UINT64_MAX);
	trace_writer_kv_u64(b.w, "real_ns", 1);
	trace_writer_kv_end(b.w);
	tb_exec(&b, 1, &qm, "/usr/sbin/qm start 111");
	finish(&b, true);

	/* a FILE record with two content keys (a leak) */
	begin(&b, "file-two-contents.gtrace");
	trace_writer_kv_begin(b.w, GT_REC_FILE, TB_T0);
	trace_writer_kv_str(b.w, "phase", "start");
	trace_writer_kv_str(b.w, "path", "/etc/pve/qemu-server/111.conf");
	trace_writer_kv_str(b.w, "content", "hostpci0: 0000:0a:00\n");
	trace_writer_kv_str(b.w, "content", "hostpci0: 0000:0b:00\n");
	trace_writer_kv_end(b.w);
	finish(&b, true);

	/* runs of one VM one after another, a daemonized one, a rogue after
	 * a return, ids added and removed: what the custody and timeline
	 * indexes look up (runs by device, hooks and processes by start,
	 * exits by name, the dynamic id table) */
	begin(&b, "restarts.gtrace");
	tb_pci(&b, "0000:0a:00.0", "10de", "1b80", "nouveau");
	for (int i = 0; i < 6; i++) {
		struct gt_task run = tb_task(5000 + i * 3, "kvm", 3990, "qm", 0);
		struct gt_task hook = tb_task(5001 + i * 3, "gpu-reattach-ho", 800, "qmeventd", 0);
		struct gt_task child = tb_task(5002 + i * 3, "kvm", 1, "init", 0);
		double ms = 100 + i * 10000.0;

		tb_write(&b, ms, &qm, "/sys/bus/pci/drivers/vfio-pci/new_id", "10de 1b80");
		tb_write(&b, ms + 1, &qm, "/sys/bus/pci/drivers/nouveau/unbind", "0000:0a:00.0");
		tb_drv(&b, ms + 1.5, &qm, GT_EV_UNBIND, "0000:0a:00.0", "nouveau", 0);
		tb_drv(&b, ms + 2, &qm, GT_EV_BIND, "0000:0a:00.0", "vfio-pci", 0);
		tb_exec(&b, ms + 5, &run, i % 2 ? "/usr/bin/kvm -id 111 -daemonize -device vfio-pci,host=0000:0a:00.0"
						: "/usr/bin/kvm -id 111 -device vfio-pci,host=0000:0a:00.0");
		if (i % 2) {
			tb_exit_orphaning(&b, ms + 10, &run, 0, child.pid);
			tb_exit(&b, ms + 5000, &child, 0);
		} else {
			tb_exit(&b, ms + 5000, &run, 0);
		}
		tb_exec(&b, ms + 5050, &hook, "/var/lib/vz/snippets/gpu-reattach-hook.pl 111 post-stop");
		tb_write(&b, ms + 5060, &hook, "/sys/bus/pci/drivers/vfio-pci/remove_id", "10de 1b80");
		tb_write(&b, ms + 5100, &hook, "/sys/bus/pci/drivers/vfio-pci/unbind", "0000:0a:00.0");
		tb_drv(&b, ms + 5100.5, &hook, GT_EV_UNBIND, "0000:0a:00.0", "vfio-pci", 0);
		tb_write(&b, ms + 5101, &hook, "/sys/bus/pci/drivers/nouveau/bind", "0000:0a:00.0");
		tb_drv(&b, ms + 5101.5, &hook, GT_EV_BIND, "0000:0a:00.0", "nouveau", 0);
		tb_journal(&b, ms + 5150, hook.pid, "gpu-reattach-ho", "", 6, "returned");
		tb_exit(&b, ms + 5200, &hook, 0);
		if (i == 3) {
			tb_write(&b, ms + 7000, &evil, "/sys/bus/pci/drivers/nouveau/unbind", "0000:0a:00.0");
			tb_drv(&b, ms + 7000.5, &evil, GT_EV_UNBIND, "0000:0a:00.0", "nouveau", 0);
			tb_drv(&b, ms + 7001, &evil, GT_EV_BIND, "0000:0a:00.0", "vfio-pci", 0);
		}
	}
	finish(&b, true);

	/* libvirt hostdev <address> without domain= (a crash in report) */
	begin(&b, "libvirt-no-domain.gtrace");
	tb_file(&b, "/etc/libvirt/qemu/win10.xml",
		"<domain type='kvm'><name>win10</name><devices><hostdev mode='subsystem' "
		"type='pci' managed='yes'><source><address bus='0x0a' slot='0x00' "
		"function='0x0'/></source></hostdev></devices></domain>\n");
	finish(&b, true);
}

static void put(const char *harness, const char *name, const char *text, size_t len)
{
	char path[PATH_MAX];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", corpus, harness);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s", corpus, harness, name);
	fp = fopen(path, "w");
	if (!fp)
		exit(1);
	fwrite(text, 1, len, fp);
	fclose(fp);
}

#define PUT(h, n, s) put(h, n, s, sizeof(s) - 1)

static void seeds_config(void)
{
	PUT("fuzz_config", "typical",
	    "options vfio-pci ids=10de:1b80,10de:10f0 disable_vga=1\nsoftdep nouveau pre: vfio-pci\n"
	    "install nouveau /sbin/modprobe vfio-pci; /sbin/modprobe --ignore-install nouveau\n"
	    "\n====\n"
	    "ACTION==\"add\", SUBSYSTEM==\"pci\", ATTR{vendor}==\"0x10de\", "
	    "ATTR{driver_override}=\"vfio-pci\", RUN+=\"/usr/local/bin/x.sh $kernel\"\n"
	    "\n====\n"
	    "boot: order=scsi0\nhookscript: local:snippets/gpu-hook.pl\nhostpci0: 0000:0a:00,pcie=1,x-vga=1\n"
	    "hostpci1: mapping=gpu\n[snap1]\nhostpci0: 0000:0b:00\n"
	    "\n====\n"
	    "<domain type='kvm'><name>win10</name><devices><hostdev mode='subsystem' type='pci' "
	    "managed='yes'><source><address domain='0x0000' bus='0x0a' slot='0x00' function='0x0'/>"
	    "</source></hostdev></devices></domain>\n"
	    "\n====\n"
	    "BOOT_IMAGE=/vmlinuz root=UUID=0a52f6c3-9b1e-4c4e-8d2a-1f0e3c5b7a90 ro quiet "
	    "intel_iommu=on vfio-pci.ids=10de:1b80 ip=192.168.1.20::192.168.1.1:255.255.255.0::eth0:off\n"
	    "\n====\n"
	    "vfio\nvfio_pci\n"
	    "\n====\n"
	    "#!/bin/sh\nvirsh nodedev-reattach pci_0000_0a_00_0\n"
	    "\n====\n"
	    "vfio-pci\n"
	    "\n====\n"
	    "/usr/bin/kvm\0-id\0" "111\0-device\0vfio-pci,host=0000:0a:00.0,id=hostpci0\0"
	    "\n====\n"
	    "pci: gpu\n\tmap id=10de:1b80,node=pve1,path=0000:0a:00.0\n"
	    "\n====\n"
	    "vfio\nvfio_iommu_type1\nvfio_pci ids=10de:1b80\n"
	    "\n====\n"
	    "kernel/drivers/vfio/pci/vfio-pci.ko\n"
	    "\n====\n"
	    "vfio\n"
	    "\n====\n"
	    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on vfio-pci.ids=10de:1b80\"\n"
	    "\n====\n"
	    "root=ZFS=rpool/ROOT/pve-1 boot=zfs intel_iommu=on vfio-pci.ids=10de:1b80\n"
	    "\n====\n"
	    "[Unit]\nAfter=pve-guests.service\n[Service]\nExecStart=/usr/local/sbin/gpu-watchdog\n"
	    "[Install]\nWantedBy=multi-user.target\n"
	    "\n====\n"
	    "#!/bin/sh\necho 0000:0a:00.0 > /sys/bus/pci/drivers/nouveau/unbind\n"
	    "echo vfio-pci > /sys/bus/pci/devices/0000:0a:00.0/driver_override\n"
	    "\n====\n"
	    "force_drivers+=\" vfio_pci vfio vfio_iommu_type1 \"\n"
	    "\n====\n"
	    "#!/usr/bin/perl\nmy ($vmid, $phase) = @ARGV;\nif ($phase eq 'post-stop') {\n"
	    "  system('echo 1 > /sys/bus/pci/devices/0000:0a:00.0/remove');\n}\n");
	/* libvirt hostdev without domain= (crashed the report's parser) */
	PUT("fuzz_config", "libvirt-no-domain",
	    "\n====\n\n====\n\n====\n"
	    "<domain type='kvm'><name>win10</name><devices><hostdev mode='subsystem' type='pci'>"
	    "<source><address bus='0x0a' slot='0x00' function='0x0'/></source></hostdev>"
	    "</devices></domain>\n");
	PUT("fuzz_config", "terminal-injection",
	    "options vfio-pci ids=10de:1b80\x1b]0;title\x07\n\x1b[2J\n"
	    "\n====\n"
	    "ATTR{driver_override}=\"vfio-pci\x1b[1A\"\n");
}

static void seeds_mark(void)
{
	PUT("fuzz_mark", "plain", "problem-start");
	PUT("fuzz_mark", "osc-title", "\x1b]0;owned\x07");
	PUT("fuzz_mark", "markdown-table", "a|b `c` *d* _e_ [f](g) <h>");
	PUT("fuzz_mark", "utf8-bidi-c1", "caf\xc3\xa9 \xe2\x80\xae \xc2\x9b \xed\xa0\x80 \xff");
	PUT("fuzz_mark", "backticks", "``a```b`");
}

static bool publishable(const struct trace_record *rec)
{
	struct gt_event_header h;

	switch (rec->type) {
	case GT_REC_HEADER: case GT_REC_PCI: case GT_REC_UEVENT: case GT_REC_MARK:
	case GT_REC_COUNTERS: case GT_REC_END:
		return true;
	case GT_REC_EVENT:
		if (rec->len < sizeof(h))
			return false;
		memcpy(&h, rec->data, sizeof(h));
		return !strcmp(h.task.comm, "gt-writer");
	default:
		return false;
	}
}

static void seed_from_real(const char *real)
{
	struct trace_reader *r = trace_reader_open(real, NULL, 0);
	const char *base = strrchr(real, '/') ? strrchr(real, '/') + 1 : real;
	struct trace_record rec;
	char name[256];
	struct tb b;

	if (!r)
		exit(1);
	snprintf(name, sizeof(name), "real-%s", base);
	snprintf(b.path, sizeof(b.path), "%s/fuzz_trace/%s", corpus, name);
	b.w = trace_writer_create(b.path, true);
	while (trace_reader_next(r, &rec) == 1)
		if (publishable(&rec))
			trace_writer_append(b.w, rec.type, rec.data, rec.len);
	trace_reader_close(r);
	finish(&b, false);	/* the END record was copied if there was one */
}

static void seeds_redact(void)
{
	PUT("fuzz_redact", "cmdline",
	    "BOOT_IMAGE=/boot/vmlinuz-6.8.12-4-pve root=UUID=0a52f6c3-9b1e-4c4e-8d2a-1f0e3c5b7a90 ro "
	    "ip=192.168.1.20::192.168.1.1:255.255.255.0:pve1:eth0:off vfio-pci.ids=10de:1b80");
	PUT("fuzz_redact", "pve-conf",
	    "net0: virtio=BC:24:11:AA:BB:CC,bridge=vmbr0\nipconfig0: ip=10.0.0.5/24,gw=10.0.0.1,ip6=fe80::1/64\n"
	    "sshkeys: ssh-rsa%20AAAAB3NzaC1yc2EAAAADAQABAAABgQC7%2Bxyz0123456789abcdef%3D%3D%20alice%40pve1\n"
	    "scsi0: local:vm-111-disk-0,serial=ZA1B2C3D\nsmbios1: uuid=4edbda50-e18c-4711-b7a9-72123ef725d0\n"
	    "hostpci0: 0000:0a:00,pcie=1\n");
	PUT("fuzz_redact", "argv",
	    "/usr/bin/kvm\0-id\0" "111\0-name\0vm,debug-threads=on\0-device\0vfio-pci,host=0000:0a:00.0\0"
	    "--vmid=111\0/home/alice/x.sh\0%2Fhome%2Falice\0-m\0" "8192M");
	PUT("fuzz_redact", "json", "{\"hostname\":\"pve1\",\"ip\":\"::ffff:192.0.2.1\",\"k\":[\"a\\\"b\"]}");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: make_seeds CORPUS_DIR [REAL_TRACE...]\n");
		return 2;
	}
	corpus = argv[1];
	mkdir(corpus, 0755);
	seeds_trace();
	seeds_config();
	seeds_mark();
	seeds_redact();
	for (int i = 2; i < argc; i++)
		seed_from_real(argv[i]);
	return 0;
}
