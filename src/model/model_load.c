// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* One pass over the records of the traces into the model. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/event.h"
#include "model/model.h"
#include "trace/trace.h"
#include "util.h"

/* Appends a zeroed element to a growable array; NULL when out of memory. */
static void *push(void **arr, size_t *n, size_t *cap, size_t elem)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		void *p = realloc(*arr, ncap * elem);

		if (!p)
			return NULL;
		*arr = p;
		*cap = ncap;
	}
	memset((char *)*arr + *n * elem, 0, elem);
	return (char *)*arr + (*n)++ * elem;
}

/* The model's text store: strings are appended to large blocks and freed
 * all at once with the model, instead of one malloc each. */
struct m_text_block {
	struct m_text_block *next;
	size_t used, size;
	char data[];
};

#define TEXT_BLOCK_SIZE	(1 << 20)

/* A copy of S (LEN bytes, then a NUL) that lives as long as M; NULL when
 * out of memory. */
static const char *text_copy(struct model *m, const char *s, size_t len)
{
	struct m_text_block *b = m->text;
	char *out;

	if (!len)
		return "";
	if (!b || b->size - b->used < len + 1) {
		size_t size = len + 1 > TEXT_BLOCK_SIZE ? len + 1 : TEXT_BLOCK_SIZE;

		if (!(b = malloc(sizeof(*b) + size)))
			return NULL;
		b->used = 0;
		b->size = size;
		b->next = m->text;
		m->text = b;
	}
	out = b->data + b->used;
	memcpy(out, s, len);
	out[len] = 0;
	b->used += len + 1;
	return out;
}

/* S up to its NUL or MAX bytes; "" when out of memory. */
static const char *text_str(struct model *m, const char *s, size_t max)
{
	const char *copy = text_copy(m, s, strnlen(s, max));

	return copy ? copy : "";
}

/* Every time in the model is wall clock: traces from different boots (a
 * baseline, a problem, a recovery) then line up, and pids reused across
 * boots are told apart by time. */
static uint64_t T(const struct model *m, uint64_t mono)
{
	return mono ? mono + m->shift : 0;
}

#define PUSH(m, field) push((void **)&(m)->field, &(m)->n_##field, &(m)->cap_##field, \
			    sizeof(*(m)->field))

bool model_bdf_norm(const char *s, char *out)
{
	unsigned dom = 0, bus, slot, fn;
	char tail;

	if (sscanf(s, "%x:%x:%x.%x%c", &dom, &bus, &slot, &fn, &tail) == 4 ||
	    (dom = 0, sscanf(s, "%x:%x.%x%c", &bus, &slot, &fn, &tail) == 3)) {
		if (bus > 0xff || slot > 0x1f || fn > 7)
			return false;
		snprintf(out, MODEL_BDF_LEN, "%04x:%02x:%02x.%x", dom, bus, slot, fn);
		return true;
	}
	return false;
}

const struct m_proc *model_proc_at(const struct model *m, uint32_t pid, uint64_t ts)
{
	const struct m_proc *best = NULL;

	for (size_t i = 0; i < m->n_procs; i++) {
		const struct m_proc *p = &m->procs[i];

		if (p->pid == pid && p->start_ns <= ts && (!best || p->start_ns >= best->start_ns))
			best = p;
	}
	return best;
}

void model_argv_line(const struct m_proc *p, char *buf, size_t size)
{
	size_t n = p->argv_len < size ? p->argv_len : size - 1;

	memcpy(buf, p->argv, n);
	while (n && !buf[n - 1])
		n--;
	for (size_t i = 0; i < n; i++)
		if (!buf[i])
			buf[i] = ' ';
	buf[n] = 0;
	if (!n)
		snprintf(buf, size, "%s", p->comm);
}

const char *model_driver_before(const struct model *m, const char *bdf, uint64_t ts)
{
	const char *drv = NULL;

	for (size_t i = 0; i < m->n_pci; i++)
		if (!strcmp(m->pci[i].bdf, bdf))
			drv = m->pci[i].driver;
	for (size_t i = 0; i < m->n_trans && m->trans[i].ts_ns < ts; i++) {
		const struct m_trans *t = &m->trans[i];

		if (strcmp(t->bdf, bdf))
			continue;
		if (t->kind == M_BIND)
			drv = t->driver;
		else if (t->kind == M_UNBIND || t->kind == M_REMOVE)
			drv = "";
	}
	return drv;
}

static void set_argv(struct model *m, struct m_proc *p, const void *argv, size_t len)
{
	const char *copy = text_copy(m, argv, len);

	p->argv = copy ? copy : "";
	p->argv_len = copy ? len : 0;
}

/* A new process generation, every string empty. */
static struct m_proc *new_proc(struct model *m)
{
	struct m_proc *p = PUSH(m, procs);

	if (p)
		p->unit = p->exe = p->argv = "";
	return p;
}

static struct m_proc *latest_proc(struct model *m, uint32_t pid)
{
	for (size_t i = m->n_procs; i-- > 0;)
		if (m->procs[i].pid == pid)
			return &m->procs[i];
	return NULL;
}

static void load_event(struct model *m, const struct trace_record *rec)
{
	union gt_event_any ev;
	int kind = event_decode(rec->data, rec->len, &ev);
	const struct gt_task *t = &ev.hdr.task;

	if (kind < 0)
		return;
	ev.hdr.ts_ns = T(m, ev.hdr.ts_ns);
	if (kind == GT_EV_SYSFS_WRITE)
		ev.write.end_ns = T(m, ev.write.end_ns);
	if (!m->first_ns || ev.hdr.ts_ns < m->first_ns)
		m->first_ns = ev.hdr.ts_ns;
	if (ev.hdr.ts_ns > m->last_ns)
		m->last_ns = ev.hdr.ts_ns;
	switch (kind) {
	case GT_EV_EXEC: {
		struct m_proc *p = new_proc(m);

		if (!p)
			return;
		p->pid = t->pid;
		p->ppid = t->ppid;
		p->uid = t->uid;
		strlcpy0(p->comm, t->comm, sizeof(p->comm));
		p->unit = text_str(m, t->unit, sizeof(t->unit));
		p->exe = text_str(m, ev.exec.filename, sizeof(ev.exec.filename));
		set_argv(m, p, ev.exec.args, ev.exec.args_len);
		p->start_ns = ev.hdr.ts_ns;
		p->rec_id = rec->id;
		break;
	}
	case GT_EV_EXIT: {
		struct m_proc *p = latest_proc(m, t->pid);

		if (p && !p->exit_ns) {
			p->exit_ns = ev.hdr.ts_ns;
			p->exit_status = ev.exit.exit_code;
		} else {
			struct m_exit *x = PUSH(m, exits);

			if (!x)
				return;
			x->ts_ns = ev.hdr.ts_ns;
			x->pid = t->pid;
			x->ppid = t->ppid;
			strlcpy0(x->comm, t->comm, sizeof(x->comm));
			x->status = ev.exit.exit_code;
		}
		break;
	}
	case GT_EV_SYSFS_WRITE: {
		struct m_write *w = PUSH(m, writes);

		if (!w)
			return;
		w->ts_ns = ev.hdr.ts_ns;
		w->end_ns = ev.write.end_ns;
		sysfs_write_path(&ev.write, w->path, sizeof(w->path));
		strlcpy0(w->attr, sysfs_write_attr(&ev.write), sizeof(w->attr));
		sysfs_write_value(&ev.write, w->value, sizeof(w->value));
		w->ret = ev.write.ret;
		w->task = *t;
		w->rec_id = rec->id;
		break;
	}
	case GT_EV_BIND:
	case GT_EV_UNBIND:
	case GT_EV_PROBE_FAIL: {
		struct m_trans *tr;

		if (strcmp(ev.drv.bus, "pci"))
			return;
		tr = PUSH(m, trans);
		if (!tr)
			return;
		tr->ts_ns = ev.hdr.ts_ns;
		tr->kind = kind == GT_EV_BIND ? M_BIND : kind == GT_EV_UNBIND ? M_UNBIND : M_PROBE_FAIL;
		strlcpy0(tr->bdf, ev.drv.device, sizeof(tr->bdf));
		strlcpy0(tr->driver, ev.drv.driver, sizeof(tr->driver));
		tr->err = ev.drv.err;
		tr->task = *t;
		tr->task_known = true;
		tr->cause = -1;
		tr->rec_id = rec->id;
		break;
	}
	case GT_EV_DYNID: {
		struct m_dynid *d;

		if (ev.dynid.ret)
			return;		/* -EEXIST and friends: nothing added */
		d = PUSH(m, dynids);
		if (!d)
			return;
		d->ts_ns = ev.hdr.ts_ns;
		strlcpy0(d->driver, ev.dynid.driver, sizeof(d->driver));
		d->vendor = ev.dynid.vendor;
		d->device = ev.dynid.device;
		d->task = *t;
		d->rec_id = rec->id;
		break;
	}
	}
}

static void load_uevent(struct model *m, const struct trace_record *rec)
{
	char action[16], devpath[256], subsys[16], driver[MODEL_DRV_LEN];
	struct m_trans *tr;
	const char *base;

	if (!kv_get(rec, "ACTION", action, sizeof(action)) ||
	    !kv_get(rec, "SUBSYSTEM", subsys, sizeof(subsys)) || strcmp(subsys, "pci") ||
	    !kv_get(rec, "DEVPATH", devpath, sizeof(devpath)))
		return;
	if (!kv_get(rec, "DRIVER", driver, sizeof(driver)))
		driver[0] = 0;
	base = strrchr(devpath, '/');
	base = base ? base + 1 : devpath;
	/* With BPF outcomes, bind/unbind uevents repeat what the kernel side
	 * saw with its task; add/remove are still news (re-add detection). */
	if (!m->outcomes_from_uevents && (!strcmp(action, "bind") || !strcmp(action, "unbind")))
		return;
	if (strcmp(action, "bind") && strcmp(action, "unbind") && strcmp(action, "add") &&
	    strcmp(action, "remove"))
		return;
	tr = PUSH(m, trans);
	if (!tr)
		return;
	tr->ts_ns = T(m, kv_ts(rec));
	tr->kind = !strcmp(action, "bind") ? M_BIND : !strcmp(action, "unbind") ? M_UNBIND :
		   !strcmp(action, "add") ? M_ADD : M_REMOVE;
	strlcpy0(tr->bdf, base, sizeof(tr->bdf));
	strlcpy0(tr->driver, driver, sizeof(tr->driver));
	tr->from_uevent = true;
	tr->cause = -1;
	tr->rec_id = rec->id;
}

static void load_process_snapshot(struct model *m, const struct trace_record *rec)
{
	char phase[16], buf[64], exe[GT_FILENAME_MAX];
	struct kv_pair kv;
	size_t off = 0;
	struct m_proc *p;

	if (!kv_get(rec, "phase", phase, sizeof(phase)) || !kv_get(rec, "pid", buf, sizeof(buf)))
		return;
	if (!strcmp(phase, "exec")) {		/* full argv of an exec event */
		p = latest_proc(m, atoi(buf));
		while (p && kv_next(rec, &off, &kv) == 1)
			if (kv.key_len == 7 && !memcmp(kv.key, "cmdline", 7))
				set_argv(m, p, kv.val, kv.val_len);
		return;
	}
	if (strcmp(phase, "start") || latest_proc(m, atoi(buf)))
		return;
	p = new_proc(m);
	if (!p)
		return;
	p->pid = atoi(buf);
	if (kv_get(rec, "ppid", buf, sizeof(buf)))
		p->ppid = atoi(buf);
	if (kv_get(rec, "uid", buf, sizeof(buf)))
		p->uid = atoi(buf);
	kv_get(rec, "comm", p->comm, sizeof(p->comm));
	if (kv_get(rec, "exe", exe, sizeof(exe)))
		p->exe = text_str(m, exe, sizeof(exe));
	while (kv_next(rec, &off, &kv) == 1)
		if (kv.key_len == 7 && !memcmp(kv.key, "cmdline", 7))
			set_argv(m, p, kv.val, kv.val_len);
}

static void load_pci(struct model *m, const struct trace_record *rec)
{
	char phase[16], buf[16];
	struct m_pci *d;

	if (!kv_get(rec, "phase", phase, sizeof(phase)) || strcmp(phase, "start"))
		return;
	d = PUSH(m, pci);
	if (!d)
		return;
	kv_get(rec, "bdf", d->bdf, sizeof(d->bdf));
	if (kv_get(rec, "vendor", buf, sizeof(buf)))
		d->vendor = strtoul(buf, NULL, 16);
	if (kv_get(rec, "device", buf, sizeof(buf)))
		d->device = strtoul(buf, NULL, 16);
	kv_get(rec, "driver", d->driver, sizeof(d->driver));
	kv_get(rec, "driver_override", d->override, sizeof(d->override));
	kv_get(rec, "device_name", d->name, sizeof(d->name));
}

/* libvirt domain XML: the PCI <hostdev>s of domain <name>. Only the few
 * elements needed, read as text: <address> inside <source> of a hostdev. */
static void parse_domain_xml(struct model *m, char *xml)
{
	char *name = strstr(xml, "<name>"), *h = xml;
	struct m_conf *c;

	if (!name || !(c = PUSH(m, confs)))
		return;
	name += 6;
	snprintf(c->vmid, sizeof(c->vmid), "%.*s", (int)strcspn(name, "<"), name);
	while ((h = strstr(h, "<hostdev")) && c->n < M_VM_DEVS) {
		char *end = strstr(h, "</hostdev>"), *src = strstr(h, "<source"), *a;
		unsigned dom, bus, slot, fn;

		if (!end)
			break;
		a = src && src < end ? strstr(src, "<address") : NULL;
		if (a && a < end && strstr(h, "type='pci'") && strstr(h, "type='pci'") < end &&
		    sscanf(strstr(a, "domain="), "domain='%x' bus='%x' slot='%x' function='%x'",
			   &dom, &bus, &slot, &fn) == 4)
			snprintf(c->hostpci[c->n++], MODEL_BDF_LEN, "%04x:%02x:%02x.%x", dom, bus, slot, fn);
		h = end;
	}
}

/* /etc/pve/qemu-server/ID.conf: hostpciN and hookscript lines; libvirt
 * domain XML (/etc/libvirt/qemu, /run/libvirt/qemu): PCI hostdevs. */
static void load_file(struct model *m, const struct trace_record *rec)
{
	char path[256], phase[16], *content, *line, *save;
	const char *base;
	struct kv_pair kv;
	struct m_conf *c;
	size_t off = 0;

	if (!kv_get(rec, "phase", phase, sizeof(phase)) || strcmp(phase, "start") ||
	    !kv_get(rec, "path", path, sizeof(path)))
		return;
	bool pve = !strncmp(path, "/etc/pve/qemu-server/", 21) && strstr(path, ".conf");
	bool libvirt = (!strncmp(path, "/etc/libvirt/qemu/", 18) || !strncmp(path, "/run/libvirt/qemu/", 18)) &&
		       strstr(path, ".xml");

	if (!pve && !libvirt)
		return;
	base = path + 21;
	content = NULL;
	while (kv_next(rec, &off, &kv) == 1)
		if (!content && kv.key_len == 7 && !memcmp(kv.key, "content", 7))
			content = strndup((const char *)kv.val, kv.val_len);
	if (content && libvirt) {
		parse_domain_xml(m, content);
		free(content);
		return;
	}
	if (!content || !(c = PUSH(m, confs))) {
		free(content);
		return;
	}
	snprintf(c->vmid, sizeof(c->vmid), "%.*s", (int)(strstr(base, ".conf") - base), base);
	for (line = strtok_r(content, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char val[128];

		if (line[0] == '[')
			break;		/* snapshots follow: not the live config */
		if (sscanf(line, "hostpci%*d: %127[^,\n]", val) == 1 && c->n < M_VM_DEVS)
			strlcpy0(c->hostpci[c->n++], val, MODEL_BDF_LEN);
		else if (sscanf(line, "hookscript: %127s", val) == 1)
			strlcpy0(c->hookscript, val, sizeof(c->hookscript));
	}
	free(content);
}

static void load_header(struct model *m, const struct trace_record *rec)
{
	char buf[32];

	if (kv_get(rec, "real_ns", buf, sizeof(buf)))
		/* unsigned: a crafted real_ns must wrap, not overflow */
		m->shift = (int64_t)(strtoull(buf, NULL, 10) - kv_ts(rec));
	if (m->hostname[0])
		return;		/* the first trace's header names the host */
	kv_get(rec, "hostname", m->hostname, sizeof(m->hostname));
	kv_get(rec, "kernel_release", m->kernel, sizeof(m->kernel));
	kv_get(rec, "backend", m->backend, sizeof(m->backend));
	m->outcomes_from_uevents = kv_get(rec, "outcomes", buf, sizeof(buf)) && !strcmp(buf, "uevent");
}

static void load_counters(struct model *m, const struct trace_record *rec)
{
	static const char *const keys[] = { "lost_sysfs", "lost_driver", "lost_exec", "lost_exit",
					    "pending_full", "lost_uevents", "records_lost", NULL };
	uint64_t lost = 0;
	char buf[32];

	for (int i = 0; keys[i]; i++)
		if (kv_get(rec, keys[i], buf, sizeof(buf)))
			lost += strtoull(buf, NULL, 10);
	if (lost > m->lost) {
		if (!m->lost_first_ns)
			m->lost_first_ns = m->last_ns;	/* lost since the previous counters */
		m->lost_last_ns = T(m, kv_ts(rec));
		m->lost = lost;
	}
}

static int cmp_trans(const void *a, const void *b)
{
	const struct m_trans *x = a, *y = b;

	if (x->ts_ns != y->ts_ns)
		return x->ts_ns < y->ts_ns ? -1 : 1;
	return x->rec_id < y->rec_id ? -1 : x->rec_id > y->rec_id;
}

/* The sysfs write behind each transition: with BPF outcomes the same thread
 * inside the write; with uevents (received after the fact) the write that
 * was in flight or had just returned, preferring one that names the device. */
static void link_causes(struct model *m)
{
	const uint64_t slack = 50 * 1000000ull;

	for (size_t i = 0; i < m->n_trans; i++) {
		struct m_trans *t = &m->trans[i];
		long best = -1;

		for (size_t j = 0; j < m->n_writes; j++) {
			const struct m_write *w = &m->writes[j];
			bool in = t->from_uevent ? w->ts_ns <= t->ts_ns && t->ts_ns <= w->end_ns + slack
						 : w->task.tid == t->task.tid && w->ts_ns <= t->ts_ns &&
						   t->ts_ns <= w->end_ns;

			if (!in || w->ret < 0)
				continue;
			if (best < 0 || strstr(w->value, t->bdf) || strstr(w->path, t->bdf) ||
			    w->ts_ns > m->writes[best].ts_ns)
				best = j;
		}
		t->cause = best;
		if (best >= 0 && t->from_uevent) {
			t->task = m->writes[best].task;
			t->task_known = true;
		}
	}
}

/* new_id / remove_id writes are dynamic ids too (and the only view of them
 * with the tracepoint backend); a BPF dynid inside a new_id write is the
 * same one. */
static void dynids_from_writes(struct model *m)
{
	for (size_t i = 0; i < m->n_writes; i++) {
		const struct m_write *w = &m->writes[i];
		unsigned v, d;
		char drv[MODEL_DRV_LEN];
		bool dup = false;

		if (w->ret <= 0 || sscanf(w->value, "%x %x", &v, &d) != 2 ||
		    sscanf(w->path, "/sys/bus/pci/drivers/%31[^/]/", drv) != 1)
			continue;
		if (!strcmp(w->attr, "remove_id")) {
			for (size_t k = 0; k < m->n_dynids; k++)
				if (!strcmp(m->dynids[k].driver, drv) && m->dynids[k].vendor == v &&
				    m->dynids[k].device == d && !m->dynids[k].removed_ns)
					m->dynids[k].removed_ns = w->ts_ns;
			continue;
		}
		if (strcmp(w->attr, "new_id"))
			continue;
		for (size_t k = 0; k < m->n_dynids; k++)
			if (!strcmp(m->dynids[k].driver, drv) && m->dynids[k].vendor == v &&
			    m->dynids[k].device == d && m->dynids[k].ts_ns >= w->ts_ns &&
			    m->dynids[k].ts_ns <= w->end_ns)
				dup = m->dynids[k].via_new_id = true;
		if (!dup) {
			struct m_dynid *n = PUSH(m, dynids);

			if (!n)
				return;
			n->ts_ns = w->ts_ns;
			strlcpy0(n->driver, drv, sizeof(n->driver));
			n->vendor = v;
			n->device = d;
			n->task = w->task;
			n->rec_id = w->rec_id;
			n->via_new_id = true;
		}
	}
}

static void phases_from_marks(struct model *m)
{
	for (size_t i = 0; i < m->n_marks; i++) {
		char name[128];
		size_t len;
		struct m_phase *p;

		snprintf(name, sizeof(name), "%s", m->marks[i].label);
		len = strlen(name);
		if (m->n_phases && !m->phases[m->n_phases - 1].end_ns)
			m->phases[m->n_phases - 1].end_ns = m->marks[i].ts_ns;
		if (len > 4 && !strcmp(name + len - 4, "-end"))
			continue;
		if (len > 6 && !strcmp(name + len - 6, "-start"))
			name[len - 6] = 0;
		p = PUSH(m, phases);
		if (!p)
			return;
		snprintf(p->name, sizeof(p->name), "%s", name);
		p->start_ns = m->marks[i].ts_ns;
	}
	if (m->n_phases && !m->phases[m->n_phases - 1].end_ns)
		m->phases[m->n_phases - 1].end_ns = UINT64_MAX;
}

int model_load(struct model *m, const char *const *traces, int n, const char *hook_pattern)
{
	for (int i = 0; i < n; i++) {
		uint64_t first = UINT64_MAX, last = 0;
		struct trace_reader *r = trace_reader_open(traces[i], m->error, sizeof(m->error));
		struct trace_record rec;
		int ret;

		if (!r)
			return -1;
		/* The header decides how uevents are read: look at it first. */
		m->shift = 0;
		while ((ret = trace_reader_next(r, &rec)) == 1) {
			if (rec.type == GT_REC_EVENT && rec.len >= sizeof(struct gt_event_header)) {
				uint64_t ts;

				memcpy(&ts, rec.data + offsetof(struct gt_event_header, ts_ns), sizeof(ts));
				ts = T(m, ts);
				first = ts < first ? ts : first;
				last = ts > last ? ts : last;
			}
			switch (rec.type) {
			case GT_REC_HEADER: load_header(m, &rec); break;
			case GT_REC_EVENT: load_event(m, &rec); break;
			case GT_REC_UEVENT: load_uevent(m, &rec); break;
			case GT_REC_PROCESS: load_process_snapshot(m, &rec); break;
			case GT_REC_PCI: load_pci(m, &rec); break;
			case GT_REC_FILE: load_file(m, &rec); break;
			case GT_REC_COUNTERS: load_counters(m, &rec); break;
			case GT_REC_MARK: {
				struct m_mark *k = PUSH(m, marks);

				if (k) {
					k->ts_ns = T(m, kv_ts(&rec));
					k->rec_id = rec.id;
					kv_get(&rec, "label", k->label, sizeof(k->label));
				}
				break;
			}
			}
		}
		if (ret < 0)
			snprintf(m->error, sizeof(m->error), "%s: %s", traces[i], trace_reader_error(r));
		/* A cut chunk, or no END record after whole chunks (SIGKILL
		 * between two flushes): either way the recording did not end. */
		if (trace_reader_truncated(r) || (ret == 0 && !trace_reader_end_seen(r)))
			m->truncated = true;
		trace_reader_close(r);
		/* each trace a phase, named after its file, unless marks say more */
		if (n > 1) {
			struct m_phase *p = PUSH(m, phases);
			const char *base = strrchr(traces[i], '/');

			if (p) {
				snprintf(p->name, sizeof(p->name), "%s", base ? base + 1 : traces[i]);
				p->name[strcspn(p->name, ".")] = 0;
				p->start_ns = first == UINT64_MAX ? 0 : first;
				p->end_ns = last + 1;
			}
		}
	}
	if (m->n_marks) {
		m->n_phases = 0;
		phases_from_marks(m);
	}
	if (m->n_trans)		/* qsort(NULL, 0) is undefined */
		qsort(m->trans, m->n_trans, sizeof(*m->trans), cmp_trans);
	link_causes(m);
	dynids_from_writes(m);
	model_find_vms(m);
	model_find_hooks(m, hook_pattern);
	return 0;
}

void model_free(struct model *m)
{
	while (m->text) {
		struct m_text_block *next = m->text->next;

		free(m->text);
		m->text = next;
	}
	free(m->procs);
	free(m->writes);
	free(m->trans);
	free(m->dynids);
	free(m->marks);
	free(m->exits);
	free(m->phases);
	free(m->pci);
	free(m->vms);
	free(m->hooks);
	free(m->confs);
	memset(m, 0, sizeof(*m));
}
