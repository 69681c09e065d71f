// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Redaction for bundles: names as whole words, consistent stand-ins,
 * argv rules, JSON keys untouched, and redacted copies of traces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fake_tree.h"
#include "trace_builder.h"

#include "redact/redact.h"
#include "trace/event_decode.h"
#include "trace/trace.h"

#define HOST	"gt-secret-host"

/* Linked with --wrap=strdup: the library's strdup() comes here, and fails
 * for a string holding strdup_fails (the name the test makes unkeepable;
 * a trace's path is copied too). */
char *__real_strdup(const char *s);
char *__wrap_strdup(const char *s);
static const char *strdup_fails;

char *__wrap_strdup(const char *s)
{
	if (strdup_fails && strstr(s, strdup_fails)) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_strdup(s);
}

static char *text(struct redact *r, const char *in)
{
	static char out[4096];
	size_t n;
	char *s = redact_text(r, in, strlen(in), &n);

	assert_non_null(s);
	snprintf(out, sizeof(out), "%s", s);
	free(s);
	return out;
}

/* argv as "a b c" (spaces for the NUL separators) */
static char *argv_of(struct redact *r, const char *argv, size_t len)
{
	static char out[4096];
	size_t n;
	char *s = redact_argv(r, argv, len, &n);

	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		out[i] = s[i] ? s[i] : ' ';
	out[n] = '\0';
	free(s);
	return out;
}

static void test_names_whole_words(void **state)
{
	struct redact *r = redact_new();

	redact_add_host(r, "pve1.example.lan");
	redact_add_host(r, "vm");
	redact_add_host(r, "pve");
	redact_add_user(r, "alice", "/srv/homes/al");
	assert_string_equal(text(r, "pve1.example.lan pve1 pve1-backup"), "host-1 host-1 pve1-backup");
	assert_string_equal(text(r, "vm kvm VM qemu-vm --vm 111 -vm"), "host-2 kvm VM qemu-vm --vm 111 -vm");
	assert_string_equal(text(r, "/etc/pve/qemu-server on pve"), "/etc/pve/qemu-server on host-3");
	assert_string_equal(text(r, "/home/alice/x alice_old /srv/homes/al/hook.sh"),
			    "/home/user-1/x user-1_old /home/user-1/hook.sh");
	assert_string_equal(redact_host_name(r, "pve1"), "host-1");
	assert_null(redact_host_name(r, "alice"));
	/* same name, same stand-in: a second add changes nothing */
	redact_add_host(r, "pve1");
	assert_string_equal(text(r, "pve1"), "host-1");
	redact_free(r);
}

/* Every name a trace holds is hidden, thousands of them (a host with a
 * directory service shows that many home directories); past 4096 names,
 * where matching each at every position would make a bundle quadratic,
 * the redaction fails rather than leave one in clear. */
static void test_many_names(void **state)
{
	struct redact *r = redact_new();
	char in[2048], *out;
	size_t used, n;

	(void)state;
	for (int chunk = 0; chunk < 41; chunk++) {
		used = 0;
		for (int i = 0; i < 100; i++)
			used += snprintf(in + used, sizeof(in) - used, "/home/u%04d/x ",
					 chunk * 100 + i);
		out = redact_text(r, in, used, &n);
		if (chunk == 40) {	/* names 4001 to 4100 */
			assert_null(out);
			break;
		}
		assert_non_null(out);
		for (const char *p = out; (p = strstr(p, "/home/u")); p++)
			assert_false(p[7] >= '0' && p[7] <= '9');
		assert_non_null(strstr(out, chunk ? "/home/user-" : "/home/user-1/x "));
		free(out);
	}
	assert_string_equal(redact_failure(r), "more than 4096 names to hide");
	assert_null(redact_text(r, "/home/u0000/y", 13, &n));
	redact_free(r);

	/* a home directory name too long to keep */
	r = redact_new();
	memset(in, 'a', sizeof(in));
	memcpy(in, "/home/", 6);
	assert_null(redact_text(r, in, 300, &n));
	assert_string_equal(redact_failure(r), "a home directory of 300 bytes");
	redact_free(r);
}

/* A name that cannot be kept fails the redaction, then and after: never
 * a copy with the name in clear. */
static void test_fails_closed(void **state)
{
	struct redact *r = redact_new();
	size_t n;

	(void)state;
	redact_add_user(r, "alice", "/home/alice");
	assert_string_equal(text(r, "/home/alice/x"), "/home/user-1/x");
	assert_null(redact_failure(r));
	strdup_fails = "bob";
	assert_null(redact_text(r, "run by /home/bob/hook.sh", 24, &n));
	strdup_fails = NULL;
	assert_non_null(redact_failure(r));
	assert_null(redact_text(r, "/home/alice/x", 13, &n));
	assert_null(redact_argv(r, "/home/bob/x\0--vm", 17, &n));
	assert_null(redact_json(r, "{\"a\":\"bob\"}", 11, &n));
	redact_free(r);

	/* learnt from the system: a user not kept is an error, not a leak */
	r = redact_new();
	strdup_fails = "pve-secret";
	redact_add_host(r, "pve-secret");
	strdup_fails = NULL;
	assert_non_null(redact_failure(r));
	assert_null(redact_text(r, "pve-secret", 10, &n));
	redact_free(r);
}

/* A host name is a whole name: a label of a longer name ("vm-111-disk-0"
 * on a host named "vm") is another name; a dot, a colon, a slash or an
 * underscore end one. */
static void test_host_whole_label(void **state)
{
	struct redact *r = redact_new();

	redact_add_host(r, "vm");
	redact_add_user(r, "alice", "/home/alice");
	assert_string_equal(text(r, "scsi0: local-lvm:vm-111-disk-0,size=32G\n"),
			    "scsi0: local-lvm:vm-111-disk-0,size=32G\n");
	assert_string_equal(text(r, "vm: vm.example.com kvm vm-111 x-vm vm_1 /etc/pve/nodes/vm/ (vm) alice-vm"),
			    "host-1: host-1.example.com kvm vm-111 x-vm host-1_1 /etc/pve/nodes/host-1/ (host-1) user-1-vm");
	/* record's own file names put the host between hyphens */
	assert_string_equal(text(r, "/var/lib/gputrace/gputrace-vm-20261201-103217.0001.gtrace my-gputrace-vm-1"),
			    "/var/lib/gputrace/gputrace-host-1-20261201-103217.0001.gtrace my-gputrace-vm-1");
	redact_free(r);
}

static void test_json_keys_kept(void **state)
{
	struct redact *r = redact_new();
	const char *in = "{\"vm\":\"vm\",\"a\":[\"x vm\",\"q\\\"vm\"],\"n\":1}";
	size_t n;
	char *out;

	redact_add_host(r, "vm");
	out = redact_json(r, in, strlen(in), &n);
	assert_string_equal(out, "{\"vm\":\"host-1\",\"a\":[\"x host-1\",\"q\\\"host-1\"],\"n\":1}");
	free(out);
	redact_free(r);
}

/* An HTML page: its text redacted, its markup, style and script not (a
 * host named "vm" turned the page's class="vm" into class="host-1"). */
static void test_html_markup_kept(void **state)
{
	struct redact *r = redact_new();
	const char *in = "<style>.vm { fill: red }</style><g class=\"vm\"><title>VM 111 on vm</title></g>"
			 "<p>vm rebound</p><SCRIPT>var vm = 1;</SCRIPT><p class=vm>x</p>";
	size_t n;
	char *out;

	redact_add_host(r, "vm");
	out = redact_html(r, in, strlen(in), &n);
	assert_string_equal(out, "<style>.vm { fill: red }</style><g class=\"vm\"><title>VM 111 on host-1"
			    "</title></g><p>host-1 rebound</p><SCRIPT>var vm = 1;</SCRIPT><p class=vm>x</p>");
	free(out);
	/* a stand-in shows as text, not as a tag the browser would hide; one
	 * already there (a page made from a redacted trace) stays as it is */
	in = "<p>from 10.1.2.3 with ip=&lt;secret-1&gt; root=<b>x</b></p>";
	out = redact_html(r, in, strlen(in), &n);
	assert_string_equal(out, "<p>from &lt;ip-1&gt; with ip=&lt;secret-1&gt; root=<b>x</b></p>");
	free(out);
	redact_free(r);
}

/* A text redacted twice (a report rendered from a redacted trace, then
 * redacted as a part) keeps its stand-ins: no second number for one value. */
static void test_stand_ins_kept(void **state)
{
	struct redact *r = redact_new();
	const char *in = "ip=<secret-1> root=<secret-2> password=<secret-3> ip=10.0.0.1::::eth0";
	size_t n;
	char *out;

	out = redact_text(r, in, strlen(in), &n);
	assert_non_null(strstr(out, "ip=<secret-1> root=<secret-2> password=<secret-3> ip=<secret-"));
	free(out);
	redact_free(r);
}

static void test_argv_rules(void **state)
{
	struct redact *r = redact_new();
	static const char kvm[] =
		"/usr/bin/kvm\0-id\0" "111\0-name\0gpu-vm,debug-threads=on\0-pidfile\0/var/run/qemu-server/111.pid\0"
		"-device\0vfio-pci,host=0000:0a:00.0,id=hostpci0.0\0-device\0virtio-net-pci,mac=BC:24:11:AA:BB:CC\0"
		"-drive\0file=/dev/zvol/rpool/secret-disk\0--password=hunter2\0-drive\0file=/dev/zvol/rpool/secret-disk";
	static const char hook[] = "/home/alice/bin/gpu-hook.sh\0" "111\0post-stop\0secret-token\0nouveau";
	static const char sh[] = "sh\0-c\0echo 0000:0a:00.0 > /sys/bus/pci/drivers_probe";
	static const char newid[] = "printf\0" "10de 1b80\0mydriver";

	redact_add_user(r, "alice", "/home/alice");
	assert_string_equal(argv_of(r, kvm, sizeof(kvm) - 1),
		"/usr/bin/kvm -id 111 -name gpu-vm,debug-threads=on -pidfile /var/run/qemu-server/111.pid "
		"-device vfio-pci,host=0000:0a:00.0,id=hostpci0.0 -device <arg-1> "
		"-drive <arg-2> --password=<arg-3> -drive <arg-2>");
	assert_string_equal(argv_of(r, hook, sizeof(hook)),
		"/home/user-1/bin/gpu-hook.sh 111 post-stop <arg-4> nouveau ");
	assert_string_equal(argv_of(r, sh, sizeof(sh) - 1),
		"sh -c echo 0000:0a:00.0 > /sys/bus/pci/drivers_probe");
	redact_keep_word(r, "mydriver");
	assert_string_equal(argv_of(r, newid, sizeof(newid) - 1), "printf 10de 1b80 mydriver");
	redact_free(r);
}

/* /proc/cmdline in kernel.txt and check output: network and disk
 * identities go, the options the analysis reads stay. */
static void test_kernel_cmdline(void **state)
{
	struct redact *r = redact_new();

	assert_string_equal(text(r,
		"BOOT_IMAGE=/boot/vmlinuz-6.8.12-4-pve root=UUID=0a52f6c3-9b1e-4c4e-8d2a-1f0e3c5b7a90 ro "
		"ip=192.168.1.20::192.168.1.1:255.255.255.0:pve1:eth0:off quiet intel_iommu=on "
		"vfio-pci.ids=10de:1b80,10de:10f0 nfsroot=10.0.0.1:/srv/nfs\n"),
		"BOOT_IMAGE=/boot/vmlinuz-6.8.12-4-pve root=<secret-1> ro ip=<secret-2> quiet "
		"intel_iommu=on vfio-pci.ids=10de:1b80,10de:10f0 nfsroot=<secret-3>\n");
	redact_free(r);
}

/* Addresses anywhere (configs, labels, argv kept whole); PCI addresses,
 * ids, times and versions are not addresses. */
static void test_addresses_not_pci_ids(void **state)
{
	struct redact *r = redact_new();

	assert_string_equal(text(r, "to 10.0.0.7 and 10.0.0.7/24, fe80::1ff:fe23:4567:890a, ::1, "
				 "2001:db8:85a3:0:0:8a2e:370:7334 ::ffff:192.0.2.1 mac=BC:24:11:AA:BB:CC"),
		"to <ip-1> and <ip-2>, <ip-3>, <ip-4>, <ip-5> <ip-6> mac=<mac-1>");
	assert_string_equal(text(r, "0000:0a:00.0 0a:00.1 10de:1b80 12:34:56 6.8.12 1.2.3.4.5 v1.2.3.4a"),
		"0000:0a:00.0 0a:00.1 10de:1b80 12:34:56 6.8.12 1.2.3.4.5 v1.2.3.4a");
	/* the same address, the same stand-in */
	assert_string_equal(text(r, "10.0.0.7"), "<ip-1>");
	redact_free(r);
}

/* An IPv4 address right after a colon (a label, a protocol, a kernel log
 * line) is still an address; a colon's BDF, time, MAC, version or IPv6
 * tail is not one, and an IPv6 address with an IPv4 tail stays one. */
static void test_address_after_colon(void **state)
{
	struct redact *r = redact_new();

	assert_string_equal(text(r, "description: mgmt at addr:10.9.8.7\n"
				 "vmbr0: inet addr:10.55.66.77 Bcast:10.55.66.255 Mask:255.255.255.0\n"
				 "tcp:10.0.0.5:4444 10.0.0.5:4444 10.0.0.6:10.0.0.7 net=ip:10.1.2.3/24\n"),
		"description: mgmt at addr:<ip-1>\n"
		"vmbr0: inet addr:<ip-2> Bcast:<ip-3> Mask:<ip-4>\n"
		"tcp:<ip-5>:4444 <ip-5>:4444 <ip-6>:<ip-7> net=ip:<ip-8>\n");
	assert_string_equal(text(r, "::ffff:192.0.2.1 fe80::1:10.0.0.9 BC:24:11:AA:BB:CC "
				 "[2001:db8:abcd::17]:8006"),
		"<ip-9> <ip-10> <mac-1> [<ip-11>]:8006");
	/* a form the IPv6 matcher does not take whole (no "::"): the
	 * IPv4 tail still goes */
	assert_string_equal(text(r, "0:0:0:0:0:ffff:192.0.2.1"), "0:0:0:0:0:ffff:<ip-12>");
	/* after a label's colon, a MAC, an IPv6 address or a UUID too; not
	 * after an address's own group ("dead:beef::1" is one address) */
	assert_string_equal(text(r, "hwaddr:00:1a:2b:3c:4d:5e inet6 addr:2001:db8::17/64 mac:BC:24:11:AA:BB:CD "
				 "uuid:6f1c2b3a-1111-2222-3333-444455556666 addr:fe80::1 dead:beef::1"),
		"hwaddr:<mac-2> inet6 addr:<ip-13>/64 mac:<mac-3> uuid:<uuid-1> addr:<ip-14> <ip-15>");
	assert_string_equal(text(r, "dev:0000:0a:00.0 pci:0a:00.1 at:12:34:56.789 "
				 "kernel:6.8.12-4-pve ver:1.2.3.4.5 ids:10de:1b80 t=12:34:56.789"),
		"dev:0000:0a:00.0 pci:0a:00.1 at:12:34:56.789 "
		"kernel:6.8.12-4-pve ver:1.2.3.4.5 ids:10de:1b80 t=12:34:56.789");
	assert_string_equal(text(r, "hostpci0:0000:0a:00.0,pcie=1 local-lvm:vm-111-disk-0 at:12:34:56 "
				 "hookscript:local:snippets/x.pl"),
		"hostpci0:0000:0a:00.0,pcie=1 local-lvm:vm-111-disk-0 at:12:34:56 "
		"hookscript:local:snippets/x.pl");
	redact_free(r);
}

/* netconsole's target MAC follows the address after a slash: not a
 * /prefix, so the whole MAC goes too. */
static void test_mac_after_address(void **state)
{
	struct redact *r = redact_new();

	assert_string_equal(text(r, "netconsole=6665@10.0.0.7/eth0,6666@10.0.0.8/00:11:22:33:44:55 "
				 "10.0.0.9/32 10.0.0.9/33 10.0.0.9/0"),
		"netconsole=6665@<ip-1>/eth0,6666@<ip-2>/<mac-1> <ip-3> <ip-4>/33 <ip-5>");
	redact_free(r);
}

/* Copied config files: serials, UUIDs (boot_id, smbios), SSH keys, also
 * URL-encoded as Proxmox keeps them, cloud-init passwords. */
static void test_config_secrets(void **state)
{
	struct redact *r = redact_new();

	assert_string_equal(text(r,
		"scsi0: local-lvm:vm-111-disk-0,serial=ZA1B2C3D,size=32G\n"
		"smbios1: uuid=4edbda50-e18c-4711-b7a9-72123ef725d0\n"
		"sshkeys: ssh-rsa%20AAAAB3NzaC1yc2EAAAADAQABAAABgQC7%2Bxyz0123456789abcdefABCDEF%3D%3D%20me\n"
		"cipassword: $5$abc$def\n"
		"<serial>WD-WCC4N1234567</serial>\n"
		"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx1Y2t5IHlvdSB0aGlzIGlzIG5vdCBhIGtleQ root@x\n"),
		"scsi0: local-lvm:vm-111-disk-0,serial=<secret-1>,size=32G\n"
		"smbios1: uuid=<uuid-1>\n"
		"sshkeys: ssh-rsa%20<key-1>%20me\n"
		"cipassword:<secret-2>\n"
		"<serial><secret-3></serial>\n"
		"ssh-ed25519 <key-2> root@x\n");
	redact_free(r);
}

/* libvirt's SMBIOS sysinfo: serials and asset tags go like serial= and
 * <serial>, the UUID like any UUID (the same stand-in as the domain's
 * <uuid>, also when written without dashes or in capitals); the maker and
 * model stay; <oemStrings> entries are free text and go whole. */
static void test_libvirt_sysinfo(void **state)
{
	struct redact *r = redact_new();

	assert_string_equal(text(r,
		"<uuid>0e1d2c3b-4a59-6877-8695-a4b3c2d1e0f9</uuid>\n"
		"<sysinfo type='smbios'><system>"
		"<entry name='manufacturer'>Fujitsu</entry><entry name='product'>Esprimo</entry>"
		"<entry name='serial'>SYSSERIAL4242</entry>"
		"<entry name='uuid'>0e1d2c3b-4a59-6877-8695-a4b3c2d1e0f9</entry>"
		"<entry name='sku'>S26361-K1</entry><entry name='family'>Desktop</entry></system>\n"
		"<baseBoard><entry name=\"serial\">BOARD-77</entry><entry name='asset'>ACME 0042</entry>"
		"<entry name='uuid'>0e1d2c3b4a5968778695a4b3c2d1e0f9</entry></baseBoard>\n"
		"<oemStrings><entry>instance-id: web-7</entry><entry>key=ABC-123</entry></oemStrings>\n"
		"-smbios type=3,manufacturer=ACME,serial=CH-1,asset=TAG-0042\n"
		"-smbios type=1,uuid=0E1D2C3B-4A59-6877-8695-A4B3C2D1E0F9\n"),
		"<uuid><uuid-1></uuid>\n"
		"<sysinfo type='smbios'><system>"
		"<entry name='manufacturer'>Fujitsu</entry><entry name='product'>Esprimo</entry>"
		"<entry name='serial'><secret-1></entry>"
		"<entry name='uuid'><uuid-1></entry>"
		"<entry name='sku'>S26361-K1</entry><entry name='family'>Desktop</entry></system>\n"
		"<baseBoard><entry name=\"serial\"><secret-2></entry><entry name='asset'><secret-3></entry>"
		"<entry name='uuid'><uuid-1></entry></baseBoard>\n"
		"<oemStrings><entry><secret-4></entry><entry><secret-5></entry></oemStrings>\n"
		"-smbios type=3,manufacturer=ACME,serial=<secret-6>,asset=<secret-7>\n"
		"-smbios type=1,uuid=<uuid-1>\n");
	redact_free(r);
}

/* A user name after a URL escape ("%2Fhome%2Falice", "alice%40pam") is
 * still the user. */
static void test_url_encoded_user(void **state)
{
	struct redact *r = redact_new();

	redact_add_user(r, "alice", "/home/alice");
	assert_string_equal(text(r, "path=%2Fhome%2Falice%2Fvm.img user=alice%40pam"),
			    "path=%2Fhome%2Fuser-1%2Fvm.img user=user-1%40pam");
	redact_free(r);
}

/* What the analysis needs stays: a culprit's script path, numbers in
 * every form the docs promise, --opt=NUMBER. */
static void test_argv_keeps_paths_and_numbers(void **state)
{
	struct redact *r = redact_new();
	static const char watchdog[] = "/bin/sh\0/usr/local/sbin/gpu-watchdog\0" "111\0--vmid=111\0"
		"-m\0" "8192M\0" "0x10de\0" "0.5\0customer-x\0--name=secret";

	assert_string_equal(argv_of(r, watchdog, sizeof(watchdog) - 1),
		"/bin/sh /usr/local/sbin/gpu-watchdog 111 --vmid=111 -m 8192M 0x10de 0.5 <arg-1> "
		"--name=<arg-2>");
	redact_free(r);
}

/* A script run through an interpreter is the culprit: a path argument
 * keeps its directories and file name, like argv[0], with users, hosts
 * and addresses in it replaced; a home under /home is a user's even when
 * /etc/passwd does not know it. Secrets stay hidden. */
static void test_argv_keeps_script_paths(void **state)
{
	struct redact *r = redact_new();
	static const char root_sh[] = "/bin/sh\0/root/gt-fix-test.sh\0" "0000:0a:00.0";
	static const char home_sh[] = "/bin/sh\0/home/alice/fix.sh";
	static const char mnt_py[] = "python3\0/mnt/pve1/tools/gpu_fix.py\0--vm\0" "111";
	static const char relative[] = "bash\0./fix-gpu.sh\0../x/y.sh\0~/bin/z.sh\0~alice/z.sh";
	static const char tmp_pl[] = "/usr/bin/perl\0/tmp/hook-helper.pl\0" "111";
	static const char stranger[] = "sh\0/home/jdoe/bin/fix.sh\0/home/jdoe\0/home/user-1/x";
	static const char secrets[] = "/home/alice/fix.sh\0--password\0/not/a/path\0--token=/abc/def\0"
		"--target\0" "10.6.6.6\0/mnt/nfs/10.0.0.5/x.sh\0/dev/disk/by-id/ata-WDC_WD40_WD-WCC7K123\0"
		"/dev/serial/by-id/usb-FTDI_FT232R_A9X2K1-if00-port0\0/dev/disk/by-label/alice-photos\0"
		"--password\0" "123456\0/srv/a,password=x\0--no-auth\0--verbose";

	redact_add_host(r, "pve1");
	redact_add_user(r, "alice", "/home/alice");
	assert_string_equal(argv_of(r, root_sh, sizeof(root_sh) - 1),
			    "/bin/sh /root/gt-fix-test.sh 0000:0a:00.0");
	assert_string_equal(argv_of(r, home_sh, sizeof(home_sh) - 1), "/bin/sh /home/user-1/fix.sh");
	assert_string_equal(argv_of(r, mnt_py, sizeof(mnt_py) - 1),
			    "python3 /mnt/host-1/tools/gpu_fix.py --vm 111");
	assert_string_equal(argv_of(r, relative, sizeof(relative) - 1),
			    "bash ./fix-gpu.sh ../x/y.sh ~/bin/z.sh ~user-1/z.sh");
	assert_string_equal(argv_of(r, tmp_pl, sizeof(tmp_pl) - 1), "/usr/bin/perl /tmp/hook-helper.pl 111");
	assert_string_equal(argv_of(r, stranger, sizeof(stranger) - 1),
			    "sh /home/user-2/bin/fix.sh /home/user-2 /home/user-1/x");
	assert_string_equal(text(r, "hookscript: /home/jdoe/hook.pl"), "hookscript: /home/user-2/hook.pl");
	assert_string_equal(argv_of(r, secrets, sizeof(secrets) - 1),
			    "/home/user-1/fix.sh --password <arg-1> --token=<arg-2> --target <arg-3> "
			    "/mnt/nfs/<ip-1>/x.sh /dev/disk/by-id/<secret-1> /dev/serial/by-id/<secret-2> "
			    "/dev/disk/by-label/<secret-3> --password <arg-4> <arg-5> "
			    "--no-auth --verbose");
	redact_free(r);
}

static void test_learn_system(void **state)
{
	struct tree t;
	struct redact *r = redact_new();
	char *big;

	assert_int_equal(tree_new(&t, "test_redact"), 0);
	tree_put(&t, "/proc/sys/kernel/hostname", "pve7\n");
	tree_put(&t, "/etc/hostname", "pve7.corp.example\n");
	tree_put(&t, "/etc/passwd",
		 "root:x:0:0:root:/root:/bin/bash\n"
		 "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n"
		 "bob:x:1000:1000:Bob,,,:/home/bob:/bin/bash\n"
		 "carol:x:1001:1001::/data/c:/bin/zsh\n"
		 "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
	assert_int_equal(redact_learn_system(r, t.root), 0);
	assert_string_equal(text(r, "pve7 pve7.corp.example bob carol /data/c root www-data nobody"),
			    "host-1 host-1 user-1 user-2 /home/user-2 root www-data nobody");
	redact_free(r);

	/* names that cannot be read whole: an error, not a bundle in clear */
	big = malloc((2u << 20) + 1);
	assert_non_null(big);
	memset(big, 'x', 2u << 20);
	big[2u << 20] = 0;
	tree_put(&t, "/etc/passwd", big);	/* past what a config read takes */
	r = redact_new();
	assert_int_equal(redact_learn_system(r, t.root), -1);
	assert_non_null(strstr(redact_failure(r), "/etc/passwd: "));
	redact_free(r);
	tree_put(&t, "/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n");
	big[300] = 0;
	tree_put(&t, "/etc/hostname", big);
	r = redact_new();
	assert_int_equal(redact_learn_system(r, t.root), -1);
	assert_string_equal(redact_failure(r), "/etc/hostname: a name of 300 bytes");
	redact_free(r);
	free(big);

	/* hostname(5): comment lines, then the name; a long comment is fine */
	{
		char file[600];

		memset(file, '#', 400);
		snprintf(file + 400, sizeof(file) - 400, "\n# the node\n\npve9\n");
		tree_put(&t, "/etc/hostname", file);
		r = redact_new();
		assert_int_equal(redact_learn_system(r, t.root), 0);
		assert_string_equal(text(r, "on pve9"), "on host-2");	/* pve7 from the kernel */
		redact_free(r);
	}
	/* no /etc/hostname, an empty one, or a directory: nothing to hide, no error */
	tree_put(&t, "/etc/hostname", "");
	r = redact_new();
	assert_int_equal(redact_learn_system(r, t.root), 0);
	redact_free(r);
	unlink(tree_at(&t, "/etc/hostname"));
	r = redact_new();
	assert_int_equal(redact_learn_system(r, t.root), 0);
	redact_free(r);
	assert_int_equal(mkdir(tree_at(&t, "/etc/hostname"), 0755), 0);
	r = redact_new();
	assert_int_equal(redact_learn_system(r, t.root), 0);
	redact_free(r);
	tree_remove(&t);
}

/* A trace with the host's name, a user's paths and argv, rewritten. */
static void test_trace_rewrite(void **state)
{
	struct tree t;
	struct redact *r = redact_new();
	struct trace_writer *w;
	struct trace_reader *tr;
	struct trace_record rec;
	struct gt_exec_event ex;
	union gt_event_any ev;
	char in[PATH_MAX], out[PATH_MAX], err[256], buf[4096];
	static const char cmd[] = "/home/alice/hook.pl\0" "111\0post-stop\0" HOST;
	static const char args[] = "/home/alice/hook.pl\0" "111\0post-stop\0--token=s3cr3t";
	int kinds = 0;

	assert_int_equal(tree_new(&t, "test_redact"), 0);
	snprintf(in, sizeof(in), "%s/in.gtrace", t.root);
	snprintf(out, sizeof(out), "%s/out.gtrace", t.root);
	w = trace_writer_create(in, false);
	assert_non_null(w);
	trace_writer_kv_begin(w, GT_REC_HEADER, 1);
	trace_writer_kv_str(w, "hostname", HOST);
	trace_writer_kv_str(w, "kernel_release", "6.1.0");
	trace_writer_kv_end(w);
	trace_writer_kv_begin(w, GT_REC_PCI, 2);
	trace_writer_kv_str(w, "bdf", "0000:0a:00.0");
	trace_writer_kv_str(w, "driver", "fancygpu");
	trace_writer_kv_end(w);
	trace_writer_kv_begin(w, GT_REC_PROCESS, 3);
	trace_writer_kv_s64(w, "pid", 5120);
	trace_writer_kv_add(w, "cmdline", cmd, sizeof(cmd));
	trace_writer_kv_str(w, "exe", "/home/alice/hook.pl");
	trace_writer_kv_end(w);
	memset(&ex, 0, sizeof(ex));
	ex.hdr.kind = GT_EV_EXEC;
	ex.hdr.ts_ns = 4;
	ex.hdr.task.pid = 5121;
	strcpy(ex.hdr.task.comm, HOST);	/* cut to 15 bytes, as the kernel does */
	ex.hdr.task.comm[15] = 0;
	strcpy(ex.hdr.task.unit, "session-3.scope");
	strcpy(ex.filename, "/home/alice/hook.pl");
	memcpy(ex.args, args, sizeof(args));
	ex.args_len = sizeof(args);
	ex.hdr.size = offsetof(struct gt_exec_event, args) + ex.args_len;
	assert_int_equal(trace_writer_append(w, GT_REC_EVENT, &ex, ex.hdr.size), 0);
	assert_int_equal(trace_writer_close(w), 0);

	redact_add_user(r, "alice", "/home/alice");
	assert_int_equal(redact_trace_learn(r, in, err, sizeof(err)), 0);
	assert_int_equal(redact_trace_rewrite(r, in, out, err, sizeof(err)), 0);

	tr = trace_reader_open(out, err, sizeof(err));
	assert_non_null(tr);
	while (trace_reader_next(tr, &rec) == 1) {
		assert_null(memmem(rec.data, rec.len, "alice", 5));
		assert_null(memmem(rec.data, rec.len, "secret-host", 11));
		assert_null(memmem(rec.data, rec.len, "s3cr3t", 6));
		if (rec.type == GT_REC_HEADER) {
			assert_string_equal(kv_get(&rec, "hostname", buf, sizeof(buf)), "host-1");
			assert_string_equal(kv_get(&rec, "kernel_release", buf, sizeof(buf)), "6.1.0");
			kinds |= 1;
		} else if (rec.type == GT_REC_PCI) {
			assert_string_equal(kv_get(&rec, "driver", buf, sizeof(buf)), "fancygpu");
			kinds |= 2;
		} else if (rec.type == GT_REC_PROCESS) {
			assert_string_equal(kv_get(&rec, "exe", buf, sizeof(buf)), "/home/user-1/hook.pl");
			kinds |= 4;
		} else if (rec.type == GT_REC_EVENT) {
			assert_int_equal(event_decode(rec.data, rec.len, &ev), GT_EV_EXEC);
			assert_string_equal(ev.exec.filename, "/home/user-1/hook.pl");
			assert_int_equal(ev.hdr.task.pid, 5121);
			assert_string_equal(ev.hdr.task.unit, "session-3.scope");
			assert_int_equal(ev.exec.args_len, rec.len - offsetof(struct gt_exec_event, args));
			assert_memory_equal(ev.exec.args, "/home/user-1/hook.pl\0" "111\0post-stop\0--token=<arg-",
					    sizeof("/home/user-1/hook.pl\0" "111\0post-stop\0--token=<arg-") - 1);
			kinds |= 8;
		}
	}
	assert_null(trace_reader_error(tr));
	trace_reader_close(tr);
	assert_int_equal(kinds, 15);

	/* a file that is not a trace: a clear error */
	tree_put(&t, "/junk", "not a trace");
	assert_int_equal(redact_trace_learn(r, tree_at(&t, "/junk"), err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not a gputrace trace"));
	redact_free(r);

	/* a header's host name longer than any host's: not learnt cut */
	{
		char longname[301], path2[PATH_MAX];

		memset(longname, 'h', 300);
		longname[300] = 0;
		snprintf(path2, sizeof(path2), "%s/long.gtrace", t.root);
		w = trace_writer_create(path2, false);
		assert_non_null(w);
		trace_writer_kv_begin(w, GT_REC_HEADER, 1);
		trace_writer_kv_str(w, "hostname", longname);
		trace_writer_kv_end(w);
		assert_int_equal(trace_writer_close(w), 0);
		r = redact_new();
		assert_int_equal(redact_trace_learn(r, path2, err, sizeof(err)), -ENOMEM);
		assert_non_null(strstr(err, "cannot redact: a host name of 300 bytes"));
		redact_free(r);
	}

	/* /home/alice not kept for want of memory: no copy, and what was
	 * written before holds no name */
	r = redact_new();
	assert_int_equal(redact_trace_learn(r, in, err, sizeof(err)), 0);
	strdup_fails = "alice";
	assert_int_equal(redact_trace_rewrite(r, in, out, err, sizeof(err)), -ENOMEM);
	strdup_fails = NULL;
	assert_non_null(strstr(err, "cannot redact: Cannot allocate memory"));
	tr = trace_reader_open(out, err, sizeof(err));
	assert_non_null(tr);
	kinds = 0;
	while (trace_reader_next(tr, &rec) == 1) {
		assert_null(memmem(rec.data, rec.len, "alice", 5));
		kinds++;
	}
	assert_int_equal(kinds, 2);	/* the header and the PCI record */
	trace_reader_close(tr);
	redact_free(r);
	tree_remove(&t);
}

/* In a redacted trace: the boot id, an address in a mark label and in the
 * bytes written to sysfs go; a BDF written to sysfs stays. */
static void test_trace_rewrite_addresses(void **state)
{
	struct redact *r = redact_new();
	struct gt_sysfs_write wr;
	struct trace_writer *w;
	struct trace_reader *tr;
	struct trace_record rec;
	union gt_event_any ev;
	struct tree t;
	char in[PATH_MAX], out[PATH_MAX], err[256], buf[256];
	int writes = 0, seen = 0;

	assert_int_equal(tree_new(&t, "test_redact"), 0);
	snprintf(in, sizeof(in), "%s/in.gtrace", t.root);
	snprintf(out, sizeof(out), "%s/out.gtrace", t.root);
	w = trace_writer_create(in, false);
	assert_non_null(w);
	trace_writer_kv_begin(w, GT_REC_HEADER, 1);
	trace_writer_kv_str(w, "boot_id", "4edbda50-e18c-4711-b7a9-72123ef725d0");
	trace_writer_kv_end(w);
	trace_writer_kv_begin(w, GT_REC_MARK, 2);
	trace_writer_kv_str(w, "label", "migrate-to-192.168.7.12");
	trace_writer_kv_end(w);
	for (int i = 0; i < 2; i++) {
		const char *val = i ? "0000:0a:00.0\n" : "fe80::1 10.1.2.3\n";

		memset(&wr, 0, sizeof(wr));
		wr.hdr.kind = GT_EV_SYSFS_WRITE;
		wr.hdr.ts_ns = 3 + i;
		wr.depth = 1;
		strcpy(wr.path[0], i ? "drivers_probe" : "some_attr");
		wr.data_len = strlen(val);
		memcpy(wr.data, val, wr.data_len);
		assert_int_equal(trace_writer_append(w, GT_REC_EVENT, &wr, sizeof(wr)), 0);
	}
	assert_int_equal(trace_writer_close(w), 0);
	assert_int_equal(redact_trace_rewrite(r, in, out, err, sizeof(err)), 0);

	tr = trace_reader_open(out, err, sizeof(err));
	assert_non_null(tr);
	while (trace_reader_next(tr, &rec) == 1) {
		assert_null(memmem(rec.data, rec.len, "4edbda50", 8));
		assert_null(memmem(rec.data, rec.len, "192.168", 7));
		assert_null(memmem(rec.data, rec.len, "10.1.2.3", 8));
		if (rec.type == GT_REC_HEADER) {
			assert_string_equal(kv_get(&rec, "boot_id", buf, sizeof(buf)), "<uuid-1>");
			seen |= 1;
		} else if (rec.type == GT_REC_MARK) {
			assert_string_equal(kv_get(&rec, "label", buf, sizeof(buf)), "migrate-to-<ip-1>");
			seen |= 2;
		} else if (rec.type == GT_REC_EVENT) {
			assert_int_equal(event_decode(rec.data, rec.len, &ev), GT_EV_SYSFS_WRITE);
			sysfs_write_value(&ev.write, buf, sizeof(buf));
			assert_string_equal(buf, writes++ ? "0000:0a:00.0" : "<ip-2> <ip-3>");
			seen |= 4;
		}
	}
	trace_reader_close(tr);
	assert_int_equal(seen, 7);
	redact_free(r);
	tree_remove(&t);
}

static void tb_guard(struct tb *b, double ms, const struct gt_task *t, int action, const char *dir,
		     const char *attr, const char *value)
{
	struct gt_guard_event g = { 0 };

	tb_hdr(&g.hdr, GT_EV_GUARD, sizeof(g), ms, t);
	g.action = action;
	g.enforced = 1;
	g.err = -1;
	if (action != GT_GUARD_NEW_ID)
		strcpy(g.device, "0000:0a:00.0");
	strcpy(g.host_driver, "nouveau");
	strcpy(g.dir, dir);
	strcpy(g.attr, attr);
	g.value_seen = 1;
	snprintf(g.value, sizeof(g.value), "%s", value);
	g.value_len = strlen(g.value);
	trace_writer_append(b->w, GT_REC_EVENT, &g, sizeof(g));
}

/* Every string of every event kind is redacted: a denied write's value
 * holds whatever the writer passed, a sysfs path a name someone chose (an
 * interface's power/control); BDFs, drivers and attributes stay. A value
 * that grows (pve1 -> host-1) is cut to its field and stays terminated. */
static void test_trace_rewrite_guard_and_names(void **state)
{
	struct redact *r = redact_new();
	struct gt_task alice = tb_task(6000, "fix", 5999, "bash", 1, "systemd", 0);
	struct trace_reader *tr;
	struct trace_record rec;
	union gt_event_any ev;
	struct tree t;
	struct tb b;
	char out[PATH_MAX], err[256], buf[256], grown[64] = "";
	int guards = 0, seen = 0;

	for (int i = 0; i < 12; i++)
		strcat(grown, "pve1 ");
	strcat(grown, "pve");			/* 63 bytes: the field full */
	assert_int_equal(tree_new(&t, "test_redact"), 0);
	snprintf(out, sizeof(out), "%s/out.gtrace", t.root);
	tb_open_host(&b, t.root, "in.gtrace", "fentry", 1750000000000000000ull, "pve1");
	tb_guard(&b, 10, &alice, GT_GUARD_OVERRIDE, "0000:0a:00.0", "driver_override",
		 "alice 10.1.2.3 pve1");
	tb_guard(&b, 11, &alice, GT_GUARD_UNBIND, "nouveau", "unbind", "0000:0a:00.0");
	tb_guard(&b, 12, &alice, GT_GUARD_NEW_ID, "vfio-pci", "new_id", "10de 1b80 10.9.8.7");
	tb_guard(&b, 13, &alice, GT_GUARD_REMOVE, "0000:0a:00.0", "remove", grown);
	tb_write(&b, 20, &alice, "/sys/devices/virtual/net/alice/power/control", "auto");
	tb_drv(&b, 30, &alice, GT_EV_BIND, "0000:0a:00.0", "nouveau", 0);
	tb_pm(&b, 40, &alice, GT_EV_RESET, "0000:0a:00.0", "pci_reset_function", 0, 0, 0);
	{	/* a newer recorder's bytes past a known struct, a kind unknown
		 * here, and a stub too short for a header: none is read by a
		 * rule, so none of their bytes may be copied */
		char raw[sizeof(struct gt_driver_event) + 32];
		struct gt_driver_event *d = (struct gt_driver_event *)raw;

		memset(raw, 0, sizeof(raw));
		tb_hdr(&d->hdr, GT_EV_BIND, sizeof(raw), 50, &alice);
		snprintf(d->bus, sizeof(d->bus), "pci");
		snprintf(d->device, sizeof(d->device), "0000:0a:00.0");
		snprintf(d->driver, sizeof(d->driver), "nouveau");
		memcpy(raw + sizeof(*d), "alice 10.1.2.3", 14);
		trace_writer_append(b.w, GT_REC_EVENT, raw, sizeof(raw));
		d->hdr.kind = 999;
		memcpy(raw + sizeof(d->hdr), "alice 10.9.8.7", 14);
		trace_writer_append(b.w, GT_REC_EVENT, raw, sizeof(raw));
		trace_writer_append(b.w, GT_REC_EVENT, "alice", 5);
	}
	tb_close(&b);

	redact_add_user(r, "alice", "/home/alice");
	assert_int_equal(redact_trace_learn(r, b.path, err, sizeof(err)), 0);
	assert_int_equal(redact_trace_rewrite(r, b.path, out, err, sizeof(err)), 0);

	tr = trace_reader_open(out, err, sizeof(err));
	assert_non_null(tr);
	while (trace_reader_next(tr, &rec) == 1) {
		assert_null(memmem(rec.data, rec.len, "alice", 5));
		/* the builder's boot id holds the host inside a longer name */
		if (rec.type != GT_REC_HEADER)
			assert_null(memmem(rec.data, rec.len, "pve1", 4));
		assert_null(memmem(rec.data, rec.len, "10.1.2.3", 8));
		assert_null(memmem(rec.data, rec.len, "10.9.8.7", 8));
		if (rec.type != GT_REC_EVENT)
			continue;
		switch (event_decode(rec.data, rec.len, &ev)) {
		case GT_EV_GUARD:
			assert_string_equal(ev.guard.host_driver, "nouveau");
			assert_int_equal(ev.guard.value_len, strlen(ev.guard.value));
			if (guards == 0) {
				assert_string_equal(ev.guard.value, "user-1 <ip-1> host-1");
				assert_string_equal(ev.guard.device, "0000:0a:00.0");
				assert_string_equal(ev.guard.dir, "0000:0a:00.0");
				assert_string_equal(ev.guard.attr, "driver_override");
			} else if (guards == 1) {
				assert_string_equal(ev.guard.value, "0000:0a:00.0");
				assert_string_equal(ev.guard.dir, "nouveau");
				assert_string_equal(ev.guard.attr, "unbind");
			} else if (guards == 2) {
				assert_string_equal(ev.guard.value, "10de 1b80 <ip-2>");
				assert_string_equal(ev.guard.dir, "vfio-pci");
				assert_string_equal(ev.guard.device, "");
			} else {
				assert_int_equal(ev.guard.value_len, sizeof(ev.guard.value) - 1);
				assert_int_equal(ev.guard.value[sizeof(ev.guard.value) - 1], 0);
				assert_memory_equal(ev.guard.value, "host-1 host-1 ", 14);
			}
			guards++;
			break;
		case GT_EV_SYSFS_WRITE:
			sysfs_write_path(&ev.write, buf, sizeof(buf));
			assert_string_equal(buf, "/sys/devices/virtual/net/user-1/power/control");
			seen |= 1;
			break;
		case GT_EV_BIND:
			assert_int_equal(rec.len, sizeof(struct gt_driver_event));
			assert_string_equal(ev.drv.bus, "pci");
			assert_string_equal(ev.drv.device, "0000:0a:00.0");
			assert_string_equal(ev.drv.driver, "nouveau");
			seen |= 2;
			break;
		case GT_EV_RESET:
			assert_string_equal(ev.pm.device, "0000:0a:00.0");
			assert_string_equal(ev.pm.function, "pci_reset_function");
			seen |= 4;
			break;
		}
	}
	assert_null(trace_reader_error(tr));
	trace_reader_close(tr);
	assert_int_equal(guards, 4);
	assert_int_equal(seen, 7);
	redact_free(r);
	tree_remove(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_whole_words),
		cmocka_unit_test(test_many_names),
		cmocka_unit_test(test_fails_closed),
		cmocka_unit_test(test_host_whole_label),
		cmocka_unit_test(test_json_keys_kept),
		cmocka_unit_test(test_html_markup_kept),
		cmocka_unit_test(test_stand_ins_kept),
		cmocka_unit_test(test_argv_rules),
		cmocka_unit_test(test_kernel_cmdline),
		cmocka_unit_test(test_addresses_not_pci_ids),
		cmocka_unit_test(test_address_after_colon),
		cmocka_unit_test(test_mac_after_address),
		cmocka_unit_test(test_config_secrets),
		cmocka_unit_test(test_libvirt_sysinfo),
		cmocka_unit_test(test_url_encoded_user),
		cmocka_unit_test(test_argv_keeps_paths_and_numbers),
		cmocka_unit_test(test_argv_keeps_script_paths),
		cmocka_unit_test(test_learn_system),
		cmocka_unit_test(test_trace_rewrite_addresses),
		cmocka_unit_test(test_trace_rewrite),
		cmocka_unit_test(test_trace_rewrite_guard_and_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
