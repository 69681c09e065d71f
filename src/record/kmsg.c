// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * /dev/kmsg: one record per read(2), "PRI,SEQ,TS_US,FLAG;text\n" and then
 * " KEY=value\n" lines (dev_printk adds SUBSYSTEM= and DEVICE=). The kernel
 * escapes every byte below 0x20 or above 0x7e, and the backslash, as \xNN,
 * so one record is always one line of text plus its fields; the text is
 * kept with those escapes undone (the bytes the driver logged).
 * Anyone with write access to /dev/kmsg can write any text there: nothing
 * in a line is trusted beyond its length.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "record/kmsg.h"
#include "trace/trace.h"
#include "util.h"

#define KMSG_PATH	"/dev/kmsg"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Copies S[0..N) into DST (SIZE bytes, NUL-terminated), undoing \xNN.
 * Returns the bytes written. */
static size_t unescape(char *dst, size_t size, const char *s, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 1 < size; i++) {
		int hi, lo;

		if (s[i] == '\\' && i + 3 < n && s[i + 1] == 'x' &&
		    (hi = hexval(s[i + 2])) >= 0 && (lo = hexval(s[i + 3])) >= 0) {
			dst[o++] = (char)(hi << 4 | lo);
			i += 3;
			continue;
		}
		dst[o++] = s[i];
	}
	dst[o] = '\0';
	return o;
}

/* Decimal field ending at one of the bytes in END; advances *P past it. */
static int number(const char **p, const char *lim, const char *end, uint64_t *v)
{
	const char *s = *p;
	uint64_t x = 0;

	if (s >= lim || *s < '0' || *s > '9')
		return -EINVAL;
	for (; s < lim && *s >= '0' && *s <= '9'; s++) {
		if (x > (UINT64_MAX - 9) / 10)
			return -EINVAL;
		x = x * 10 + (*s - '0');
	}
	if (s >= lim || !strchr(end, *s))
		return -EINVAL;
	*v = x;
	*p = s + 1;
	return 0;
}

static void field(struct kmsg_line *l, const char *s, size_t n)
{
	const char *eq = memchr(s, '=', n);

	if (!eq)
		return;
	if (eq - s == 6 && !memcmp(s, "DEVICE", 6))
		unescape(l->device, sizeof(l->device), eq + 1, n - 7);
	else if (eq - s == 9 && !memcmp(s, "SUBSYSTEM", 9))
		unescape(l->subsystem, sizeof(l->subsystem), eq + 1, n - 10);
}

int kmsg_parse(const char *rec, size_t len, struct kmsg_line *l)
{
	const char *p = rec, *lim = rec + len, *semi, *nl;
	uint64_t pri, ts;

	memset(l, 0, offsetof(struct kmsg_line, text));
	l->text[0] = l->device[0] = l->subsystem[0] = '\0';
	l->text_len = 0;
	nl = memchr(rec, '\n', len);
	if (!nl)
		nl = lim;
	semi = memchr(rec, ';', nl - rec);
	if (!semi)
		return -EINVAL;
	/* PRI,SEQ,TS_US,FLAG[,more...]; FLAG is one byte: '-', 'c' or '+' */
	if (number(&p, semi, ",", &pri) || number(&p, semi, ",", &l->seq) ||
	    number(&p, semi, ",;", &ts))
		return -EINVAL;
	l->ts_us = ts;
	l->level = pri & 7;
	l->facility = (pri >> 3) > 1023 ? 1023 : (int)(pri >> 3);
	l->text_len = unescape(l->text, sizeof(l->text), semi + 1, nl - semi - 1);
	for (p = nl < lim ? nl + 1 : lim; p < lim;) {
		const char *e = memchr(p, '\n', lim - p);
		size_t n;

		e = e ? e : lim;
		n = e - p;
		if (n > 1 && p[0] == ' ')
			field(l, p + 1, n - 1);
		p = e + (e < lim);
	}
	return 0;
}

const char *kmsg_mode_name(enum kmsg_mode m)
{
	return m == KMSG_ALL ? "all" : m == KMSG_DEVICES ? "devices" : "off";
}

int kmsg_mode_parse(const char *s, enum kmsg_mode *m)
{
	if (!strcmp(s, "all"))
		*m = KMSG_ALL;
	else if (!strcmp(s, "devices"))
		*m = KMSG_DEVICES;
	else if (!strcmp(s, "off"))
		*m = KMSG_OFF;
	else
		return -EINVAL;
	return 0;
}

/* ---- which lines are kept ---------------------------------------------- */

/* First word of the text: "vfio-pci" in "vfio-pci 0000:0a:00.0: ...",
 * "DMAR" in "DMAR: DRHD: ...". */
static size_t first_word(const struct kmsg_line *l)
{
	return strcspn(l->text, " :");
}

static bool word_in(const struct kmsg_line *l, const char *const *words)
{
	size_t n = first_word(l);

	for (int i = 0; words[i]; i++)
		if (strlen(words[i]) == n && !memcmp(l->text, words[i], n))
			return true;
	return false;
}

static bool text_has(const struct kmsg_line *l, const char *s)
{
	return memmem(l->text, l->text_len, s, strlen(s)) != NULL;
}

/* Drivers of GPUs and of their companion functions, and the pieces that
 * hand a display over (vgaarb, framebuffers); names as they prefix lines. */
static const char *const gpu_drivers[] = {
	"vfio-pci", "vfio_pci", "vfio", "VFIO", "nouveau", "amdgpu", "radeon", "nvidia",
	"nvidia-modeset", "nvidia-drm", "nvidia-uvm", "NVRM", "nvidia-gpu", "i915", "xe",
	"bochs-drm", "bochs", "virtio-gpu", "qxl", "snd_hda_intel", "snd_hda_codec",
	"snd_hda_codec_hdmi", "xhci_hcd", "ucsi_ccg", "vgaarb", "vga_switcheroo", "efifb",
	"simple-framebuffer", "simplefb", "vesafb", "fbcon", "drm", NULL,
};
static const char *const iommu_words[] = {
	"DMAR", "DMAR-IR", "AMD-Vi", "iommu", "IOMMU", "AMD-IOMMU", NULL,
};
static const char *const pci_words[] = {
	"pci", "pci_bus", "pcieport", "PCI", "pciehp", "shpchp", "pci-dma", NULL,
};

static bool names_traced(const struct kmsg_line *l, const struct traced *t,
			 char bdf[PCI_BDF_LEN])
{
	const char *dev = l->device;
	size_t pos = 0;

	if (!strncmp(dev, "+pci:", 5) && traced_find(t, dev + 5)) {
		snprintf(bdf, PCI_BDF_LEN, "%s", dev + 5);
		return true;
	}
	while (bdf_next(l->text, l->text_len, &pos, bdf))
		if (traced_find(t, bdf))
			return true;
	return false;
}

/* The line's PCI address for the record: its DEVICE field, else the first
 * one in the text. */
static void first_bdf(const struct kmsg_line *l, char bdf[PCI_BDF_LEN])
{
	size_t pos = 0;

	if (!strncmp(l->device, "+pci:", 5) && strlen(l->device + 5) < PCI_BDF_LEN) {
		strcpy(bdf, l->device + 5);
		return;
	}
	if (!bdf_next(l->text, l->text_len, &pos, bdf))
		bdf[0] = '\0';
}

static const char *why_kept(const struct kmsg_line *l, const struct traced *t,
			    char bdf[PCI_BDF_LEN])
{
	if (names_traced(l, t, bdf))
		return "device";
	first_bdf(l, bdf);
	if (text_has(l, "AER:") || text_has(l, "PCIe Bus Error") || text_has(l, "DPC:"))
		return "aer";
	if (word_in(l, iommu_words))
		return "iommu";
	if (word_in(l, gpu_drivers) || !strncmp(l->text, "[drm", 4))
		return "driver";
	if (!strcmp(l->subsystem, "pci") || !strncmp(l->device, "+pci:", 5) ||
	    word_in(l, pci_words))
		return "pci";
	return NULL;
}

const char *kmsg_keep(const struct kmsg_line *l, enum kmsg_mode mode, const struct traced *t,
		      char bdf[PCI_BDF_LEN])
{
	const char *why;

	bdf[0] = '\0';
	if (mode == KMSG_OFF)
		return NULL;
	why = why_kept(l, t, bdf);
	if (!why && mode == KMSG_ALL)
		why = "all";
	return why;
}

/* ---- reading ------------------------------------------------------------- */

int kmsg_open(struct kmsg_reader *k)
{
	memset(k, 0, sizeof(*k));
	k->fd = open(KMSG_PATH, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (k->fd < 0)
		return -errno;
	/* From now on: the boot's old lines are not this recording's. */
	if (lseek(k->fd, 0, SEEK_END) < 0) {
		int err = -errno;

		close(k->fd);
		k->fd = -1;
		return err;
	}
	return 0;
}

int kmsg_read(struct kmsg_reader *k, struct kmsg_line *l)
{
	/* Twice the largest record: a record that does not fit is an
	 * EINVAL that never goes away. */
	static char buf[2 * KMSG_RECORD_MAX];

	for (;;) {
		ssize_t n = read(k->fd, buf, sizeof(buf) - 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten: the next seq says how many */
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		k->seen++;
		if (kmsg_parse(buf, n, l))
			continue;
		if (k->next_seq && l->seq > k->next_seq)
			k->lost += l->seq - k->next_seq;
		k->next_seq = l->seq + 1;
		return 1;
	}
}

void kmsg_close(struct kmsg_reader *k)
{
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
}

/* ---- clock ----------------------------------------------------------------- */

static bool is_our_line(const struct kmsg_line *l, const char *text)
{
	return l->facility == LOG_USER >> 3 && !strcmp(l->text, text);
}

int kmsg_calibrate(const char *what, int64_t *offset_ns, uint64_t *err_ns, uint64_t *seq)
{
	static struct kmsg_line l;
	struct kmsg_reader r;
	char line[256], text[240];
	uint64_t t0, t1;
	int wfd, ret, n;

	snprintf(text, sizeof(text), "gputrace[%d]: %s", (int)getpid(), what);
	n = snprintf(line, sizeof(line), "<%d>%s\n", LOG_USER | LOG_INFO, text);
	if ((ret = kmsg_open(&r)))
		return ret;
	wfd = open(KMSG_PATH, O_WRONLY | O_CLOEXEC);
	if (wfd < 0) {
		ret = -errno;
		kmsg_close(&r);
		return ret;
	}
	errno = 0;
	t0 = mono_ns();
	ret = write(wfd, line, n) == n ? 0 : errno ? -errno : -EIO;
	t1 = mono_ns();
	close(wfd);
	/* The kernel stores the line inside write(2): it is there now, or
	 * never (printk_devkmsg=off accepts and drops writes). */
	while (!ret && (ret = kmsg_read(&r, &l)) == 1)
		if (is_our_line(&l, text))
			break;
	kmsg_close(&r);
	if (ret != 1)
		return ret < 0 ? ret : -ENOENT;
	/* The kernel cut its ns clock to µs: the middle of that µs. */
	*offset_ns = (int64_t)(l.ts_us * 1000 + 500) - (int64_t)(t0 + (t1 - t0) / 2);
	*err_ns = (t1 - t0) / 2 + 500;
	*seq = l.seq;
	return 0;
}

/* ---- record --------------------------------------------------------------- */

void kmsg_record_begin(struct trace_writer *w, const struct kmsg_line *l, const char *why,
		       const char *bdf, int64_t offset_ns)
{
	int64_t ts = (int64_t)(l->ts_us * 1000 + 500) - offset_ns;

	trace_writer_kv_begin(w, GT_REC_KMSG, ts > 0 ? (uint64_t)ts : 0);
	trace_writer_kv_u64(w, "seq", l->seq);
	trace_writer_kv_u64(w, "level", l->level);
	trace_writer_kv_u64(w, "facility", l->facility);
	trace_writer_kv_u64(w, "kernel_us", l->ts_us);
	trace_writer_kv_add(w, "msg", l->text, l->text_len);
	if (l->device[0])
		trace_writer_kv_str(w, "device", l->device);
	if (l->subsystem[0])
		trace_writer_kv_str(w, "subsystem", l->subsystem);
	if (bdf && bdf[0])
		trace_writer_kv_str(w, "bdf", bdf);
	trace_writer_kv_str(w, "why", why);
}
