// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * VMs and hook runs, from what processes ran:
 *   Proxmox  kvm ... -id 111 ...; devices from -device vfio-pci,host= and the
 *            hostpciN lines of /etc/pve/qemu-server/111.conf (snapshot);
 *            hookscripts run as "<script> 111 <phase>"
 *   libvirt  qemu ... -name guest=win10,...; hooks run as
 *            "/etc/libvirt/hooks/qemu win10 <op> <subop> -" (or qemu.d/)
 *   QEMU     any -device vfio-pci,host=BDF
 * QEMU started with -daemonize forks and the exec'd parent exits at once:
 * the VM's end is the last exit of a process with its name that we never
 * saw exec (the forked child).
 */
#include <errno.h>
#include <limits.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "util.h"


#define ARGS_MAX 512	/* arguments looked at: VM ids and hook phases come first */

/* P's argv as an array (at most ARGS_MAX, NULL-terminated): walked once,
 * not from the start for every argument. */
struct args {
	const char *v[ARGS_MAX + 1];
	int n;
};

static void args_of(const struct m_proc *p, struct args *a)
{
	a->n = 0;
	for (size_t off = 0; off < p->argv_len && a->n < ARGS_MAX; off += strlen(p->argv + off) + 1)
		a->v[a->n++] = p->argv + off;
	a->v[a->n] = NULL;
}

/* argv[i] or NULL past the end. */
static const char *arg_at(const struct args *a, int i)
{
	return i >= 0 && i < a->n ? a->v[i] : NULL;
}

static bool is_qemu(const struct m_proc *p)
{
	const char *base = strrchr(p->exe, '/');

	base = base ? base + 1 : p->exe;
	return !strcmp(p->comm, "kvm") || !strncmp(p->comm, "qemu-system", 11) ||
	       !strcmp(base, "kvm") || !strncmp(base, "qemu-system", 11);
}

static void add_dev(struct m_vm *vm, const char *bdf)
{
	for (int i = 0; i < vm->n_devs; i++)
		if (!strcmp(vm->devs[i], bdf))
			return;
	if (!bdf[0])
		return;
	if (vm->n_devs < VM_DEVS_MAX)
		strlcpy0(vm->devs[vm->n_devs++], bdf, PCI_BDF_LEN);
	else
		vm->devs_cut = true;
}

/* A device of a VM config: a function, or a slot meaning every function
 * of it the start snapshot knows. */
static void add_conf_dev(const struct model *m, struct m_vm *vm, const char *dev)
{
	size_t len = strlen(dev);

	if (strchr(dev, '.')) {
		add_dev(vm, dev);
		return;
	}
	for (size_t d = 0; d < m->n_pci; d++)
		if (!strncmp(m->pci[d].bdf, dev, len) && m->pci[d].bdf[len] == '.')
			add_dev(vm, m->pci[d].bdf);
}

/* The devices VM's configs in the trace name: whether there was one. */
static bool add_conf_devs(const struct model *m, struct m_vm *vm)
{
	bool found = false;

	for (size_t c = 0; c < m->n_confs; c++) {
		if (strcmp(m->confs[c].vmid, vm->id))
			continue;
		for (size_t i = 0; i < m->confs[c].conf.ndevs; i++)
			add_conf_dev(m, vm, m->confs[c].conf.devs[i]);
		vm->devs_cut |= m->confs[c].conf.devs_cut;
		found = true;
	}
	return found;
}

/* P's command line was cut and nothing else names its devices. */
static void note_argv_cut(struct model *m, const struct m_proc *p, const char *vm)
{
	struct m_argv_cut *c = model_kept(m, array_push((void **)&m->argv_cuts, &m->n_argv_cuts,
							&m->cap_argv_cuts, sizeof(*m->argv_cuts)));

	if (!c)
		return;
	c->proc = p;
	strlcpy0(c->vm, vm, sizeof(c->vm));
}

/* QEMU's argv through the one QEMU argv reader (sys/vmconf.c): every
 * argument (libvirt's run to hundreds, a completed one to 64 KiB). */
static bool parse_qemu(struct model *m, const struct m_proc *p, struct m_vm *vm)
{
	struct vmconf conf;
	const char **argv;
	size_t argc = 0, k = 0;
	int err;

	for (size_t off = 0; off < p->argv_len; off += strlen(p->argv + off) + 1)
		argc++;
	if (!argc || argc > INT_MAX)
		return false;
	if (!(argv = calloc(argc, sizeof(*argv)))) {
		m->oom = true;
		return false;
	}
	for (size_t off = 0; off < p->argv_len; off += strlen(p->argv + off) + 1)
		argv[k++] = p->argv + off;
	err = vmconf_from_qemu_argv(argv, (int)argc, &conf);
	if (err) {	/* an exe that is QEMU under another argv[0] */
		argv[0] = p->exe;
		err = vmconf_from_qemu_argv(argv, (int)argc, &conf);
	}
	free(argv);
	if (err)
		return false;
	snprintf(vm->id, sizeof(vm->id), "%s", conf.id);
	vm->flavour = conf.kind;
	for (size_t i = 0; i < conf.ndevs; i++)
		add_conf_dev(m, vm, conf.devs[i]);
	vm->devs_cut |= conf.devs_cut;
	return true;
}

/* A "qm stop|shutdown ID" or "virsh shutdown|destroy NAME" seen: the VM it
 * names and when it was run. */
struct stop_cmd {
	const char *id;		/* in the process's argv */
	uint64_t ts_ns;
};

struct stop_cmds {
	struct stop_cmd *v;
	size_t n, cap;
	bool oom;
};

static int cmp_stop_cmd(const void *a, const void *b)
{
	const struct stop_cmd *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	if (c)
		return c;
	return x->ts_ns < y->ts_ns ? -1 : x->ts_ns > y->ts_ns;
}

/* Every stop command of the trace, by VM then time: gathered once, not
 * from every process for every VM (a trace of many VM runs made that
 * quadratic). qm is a Perl script: its argv starts with the interpreter,
 * so look for the pair anywhere. */
static void stop_cmds_of(const struct model *m, struct stop_cmds *out)
{
	for (size_t i = 0; i < m->n_procs; i++) {
		const struct m_proc *p = &m->procs[i];
		bool qm = !strcmp(p->comm, "qm"), virsh = !strcmp(p->comm, "virsh");
		struct args args;
		const char *a;

		if ((!qm && !virsh) || !p->start_ns)
			continue;
		args_of(p, &args);
		for (int k = 0; (a = arg_at(&args, k)); k++) {
			const char *id = arg_at(&args, k + 1);
			struct stop_cmd *c;

			if (!id || !((qm && (!strcmp(a, "stop") || !strcmp(a, "shutdown"))) ||
				     (virsh && (!strcmp(a, "shutdown") || !strcmp(a, "destroy")))))
				continue;
			c = array_push((void **)&out->v, &out->n, &out->cap, sizeof(*out->v));
			if (!c) {
				out->oom = true;
				return;
			}
			*c = (struct stop_cmd){ .id = id, .ts_ns = p->start_ns };
		}
	}
	array_sort(out->v, out->n, sizeof(*out->v), cmp_stop_cmd);
}

/* Was a stop command for VM run while it ran (in its boot: a later boot's
 * `qm stop` is another run's)? Otherwise its stop came from inside the
 * guest. */
static bool stop_requested(const struct model *m, const struct stop_cmds *cmds, const struct m_vm *vm)
{
	struct stop_cmd key = { .id = vm->id, .ts_ns = vm->start_ns };
	/* the first for VM at or after its start */
	size_t lo = array_lower_bound(cmds->v, cmds->n, sizeof(*cmds->v), &key, cmp_stop_cmd);

	return lo < cmds->n && !strcmp(cmds->v[lo].id, vm->id) &&
	       cmds->v[lo].ts_ns <= (vm->stop_ns ? vm->stop_ns : model_last_ns_of(m, vm->proc));
}

/* When PID exited after AFTER, with its name and status. A child that never
 * exec'd has an exit record; one the start snapshot caught (the process
 * list is read while the machine goes on) has a process record, and its
 * exit is there. */
/* The exits and orphans by what a VM's end looks them up by: a search
 * each, not a walk of every exit per VM run (4k runs and 80k exits of
 * processes that never exec'd took 2.3 s). Indices into the model's
 * arrays. */
struct exit_index {
	size_t *exits_by_pid;		/* by pid, then place in the model */
	size_t *exits_by_comm;		/* by comm, then time, then place */
	size_t *orphans_by_parent;	/* by parent, then place */
};

static const struct model *sort_model;	/* the comparators have no context */

static int cmp_place(size_t x, size_t y)
{
	return x < y ? -1 : x > y;
}

static int cmp_exit_pid(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	const struct m_exit *ex = &sort_model->exits[x], *ey = &sort_model->exits[y];

	if (ex->pid != ey->pid)
		return ex->pid < ey->pid ? -1 : 1;
	return cmp_place(x, y);
}

static int cmp_exit_comm(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	const struct m_exit *ex = &sort_model->exits[x], *ey = &sort_model->exits[y];
	int c = strncmp(ex->comm, ey->comm, GT_COMM_LEN);

	if (c)
		return c;
	if (ex->ts_ns != ey->ts_ns)
		return ex->ts_ns < ey->ts_ns ? -1 : 1;
	return cmp_place(x, y);
}

static int cmp_orphan_parent(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	const struct m_orphan *ox = &sort_model->orphans[x], *oy = &sort_model->orphans[y];

	if (ox->parent != oy->parent)
		return ox->parent < oy->parent ? -1 : 1;
	return cmp_place(x, y);
}

static void exit_index_free(struct exit_index *x)
{
	free(x->exits_by_pid);
	free(x->exits_by_comm);
	free(x->orphans_by_parent);
}

/* X for M; 0 or -ENOMEM. */
static int exit_index_build(const struct model *m, struct exit_index *x)
{
	memset(x, 0, sizeof(*x));
	x->exits_by_pid = reallocarray(NULL, m->n_exits ? m->n_exits : 1, sizeof(size_t));
	x->exits_by_comm = reallocarray(NULL, m->n_exits ? m->n_exits : 1, sizeof(size_t));
	x->orphans_by_parent = reallocarray(NULL, m->n_orphans ? m->n_orphans : 1, sizeof(size_t));
	if (!x->exits_by_pid || !x->exits_by_comm || !x->orphans_by_parent)
		return -ENOMEM;
	for (size_t i = 0; i < m->n_exits; i++)
		x->exits_by_pid[i] = x->exits_by_comm[i] = i;
	for (size_t i = 0; i < m->n_orphans; i++)
		x->orphans_by_parent[i] = i;
	sort_model = m;
	array_sort(x->exits_by_pid, m->n_exits, sizeof(size_t), cmp_exit_pid);
	array_sort(x->exits_by_comm, m->n_exits, sizeof(size_t), cmp_exit_comm);
	array_sort(x->orphans_by_parent, m->n_orphans, sizeof(size_t), cmp_orphan_parent);
	sort_model = NULL;
	return 0;
}

/* The first of the N indices in IDX (sorted by KEY_OF, a u32 of the item
 * they name) whose key is KEY, or N. */
struct key_search {
	const size_t *idx;
	uint32_t key;
	uint32_t (*key_of)(const struct model *, size_t);
	const struct model *m;
};

static bool key_before(size_t i, const void *ctx)
{
	const struct key_search *s = ctx;

	return s->key_of(s->m, s->idx[i]) < s->key;
}

static size_t first_with(const size_t *idx, size_t n, uint32_t key, uint32_t (*key_of)(const struct model *, size_t),
			 const struct model *m)
{
	return partition_point(n, key_before, &(struct key_search){ idx, key, key_of, m });
}

static uint32_t exit_pid(const struct model *m, size_t i)
{
	return m->exits[i].pid;
}

static uint32_t orphan_parent(const struct model *m, size_t i)
{
	return m->orphans[i].parent;
}

/* The first exit in time at or after AFTER of BOOT's PID: an exit record
 * of a process that never exec'd, or a process's own exit. Of that boot
 * only: another boot's PID is another process, whenever it exits. */
static bool exit_of(const struct model *m, const struct exit_index *x, uint32_t boot, uint32_t pid,
		    uint64_t after, struct m_exit *out)
{
	const struct m_exit *first_exit = NULL;
	const struct m_proc *first = NULL;

	for (size_t k = first_with(x->exits_by_pid, m->n_exits, pid, exit_pid, m);
	     k < m->n_exits && m->exits[x->exits_by_pid[k]].pid == pid; k++) {
		const struct m_exit *e = &m->exits[x->exits_by_pid[k]];

		if (e->boot == boot && e->ts_ns >= after && (!first_exit || e->ts_ns < first_exit->ts_ns))
			first_exit = e;
	}
	for (size_t lo = model_first_of_pid(m, pid); lo < m->n_procs && m->procs[m->proc_by_pid[lo]].pid == pid;
	     lo++) {
		const struct m_proc *p = &m->procs[m->proc_by_pid[lo]];

		if (p->boot == boot && p->exit_ns >= after && p->exit_ns &&
		    (!first || p->exit_ns < first->exit_ns))
			first = p;
	}
	if (first_exit && (!first || first_exit->ts_ns <= first->exit_ns)) {
		*out = *first_exit;
		return true;
	}
	if (!first)
		return false;
	*out = (struct m_exit){ .ts_ns = first->exit_ns, .pid = pid, .ppid = first->ppid, .boot = boot,
				.status = first->exit_status };
	strlcpy0(out->comm, first->comm, sizeof(out->comm));
	return true;
}

/* The time of the exit of BOOT's PID that left orphans, the first at or
 * after AFTER (each process exits once; a later one with the same pid is
 * another process, as is one of another boot), or UINT64_MAX. */
static uint64_t orphaning_at(const struct model *m, const struct exit_index *ix, uint32_t boot, uint32_t pid,
			     uint64_t after)
{
	uint64_t at = UINT64_MAX;

	for (size_t k = first_with(ix->orphans_by_parent, m->n_orphans, pid, orphan_parent, m);
	     k < m->n_orphans && m->orphans[ix->orphans_by_parent[k]].parent == pid; k++) {
		const struct m_orphan *o = &m->orphans[ix->orphans_by_parent[k]];

		if (o->boot == boot && o->ts_ns >= after && o->ts_ns < at)
			at = o->ts_ns;
	}
	return at;
}

/* QEMU started with -daemonize forks (twice: fork, setsid, fork) and the
 * exec'd process exits once the guest runs: the VM lives on in a child
 * that never exec'd. Every exit names the children it leaves behind, so
 * the VM's processes are P's tree through those records, and its end is
 * the last exit in that tree of a process with P's name. Traces from before
 * those records: the last exit of a non-exec'd process with P's name. */
struct comm_search {
	const struct model *m;
	const struct exit_index *ix;
	const char *comm;
};

static bool exit_not_past(size_t i, const void *ctx)
{
	const struct comm_search *s = ctx;

	return strncmp(s->m->exits[s->ix->exits_by_comm[i]].comm, s->comm, GT_COMM_LEN) <= 0;
}

static void daemon_end(const struct model *m, const struct exit_index *ix, const struct m_proc *p,
		       struct m_vm *vm)
{
	uint32_t tree[16] = { p->pid };
	int n = 1;

	/* a boot recorded by a gputrace before exits named children (a
	 * baseline kept from then) is read the old way, whatever the others */
	if (!(m->n_boots ? m->boots[p->boot].n_orphans : m->n_orphans)) {
		/* the latest such exit (the first in the model of those at
		 * that time), if later than the stop known: the exits of P's
		 * name by time, walked back from the last */
		const struct m_exit *last = NULL;
		size_t lo = partition_point(m->n_exits, exit_not_past,	/* past the last of P's name */
					    &(struct comm_search){ m, ix, p->comm });

		for (; lo > 0; lo--) {
			const struct m_exit *x = &m->exits[ix->exits_by_comm[lo - 1]];

			if (strncmp(x->comm, p->comm, GT_COMM_LEN))
				break;
			if (x->boot != p->boot)
				continue;	/* another boot's process of that name */
			if (x->ts_ns <= p->start_ns || (last && x->ts_ns != last->ts_ns))
				break;
			if (x->pid > p->pid)
				last = x;
		}
		if (last && (last->ts_ns > vm->stop_ns || !vm->stop_ns)) {
			vm->stop_ns = last->ts_ns;
			vm->exit_status = last->status;
		}
		return;
	}
	for (int i = 0; i < n; i++) {
		uint64_t at = orphaning_at(m, ix, p->boot, tree[i], p->start_ns);

		for (size_t k = first_with(ix->orphans_by_parent, m->n_orphans, tree[i], orphan_parent, m);
		     k < m->n_orphans && m->orphans[ix->orphans_by_parent[k]].parent == tree[i] && n < 16; k++) {
			const struct m_orphan *o = &m->orphans[ix->orphans_by_parent[k]];
			struct m_exit x;

			if (o->ts_ns != at || o->boot != p->boot)
				continue;	/* another process's exit with that pid */
			tree[n++] = o->pid;
			if (!exit_of(m, ix, p->boot, o->pid, p->start_ns, &x)) {
				vm->stop_ns = 0;	/* still running at the end */
				return;
			}
			if (!strcmp(x.comm, p->comm) && x.ts_ns > vm->stop_ns) {
				vm->stop_ns = x.ts_ns;
				vm->exit_status = x.status;
				vm->daemon_pid = x.pid;
			}
		}
	}
}

/* VMs and hooks are root's: QEMU run by root or by a daemon of root's
 * (libvirt runs QEMU as its own user, its parent is root's). */
static bool by_root(const struct model *m, const struct m_proc *p)
{
	const struct m_proc *parent;

	if (!p->uid)
		return true;
	parent = model_proc_in_boot(m, p->boot, p->ppid, p->start_ns ? p->start_ns : UINT64_MAX);
	return parent && !parent->uid;
}

void model_find_vms(struct model *m)
{
	struct stop_cmds cmds = { 0 };
	struct exit_index ix = { 0 };

	stop_cmds_of(m, &cmds);
	if (cmds.oom || exit_index_build(m, &ix) < 0) {
		free(cmds.v);
		exit_index_free(&ix);
		m->oom = true;
		return;
	}
	for (size_t i = 0; i < m->n_procs; i++) {
		const struct m_proc *p = &m->procs[i];
		struct m_vm vm = { 0 }, *out;

		if (!is_qemu(p) || !p->argv_len || !parse_qemu(m, p, &vm))
			continue;
		if (!m->all_users && !by_root(m, p))
			continue;	/* anyone can name a process kvm -id 111 */
		if (vm.flavour == VM_QEMU && !vm.n_devs) {
			if (p->argv_cut)
				note_argv_cut(m, p, "");
			continue;
		}
		if (!vm.id[0]) {
			snprintf(vm.id, sizeof(vm.id), "qemu-%u", p->pid);
			vm.flavour = VM_QEMU;
		}
		vm.pid = p->pid;
		vm.uid = p->uid;
		vm.proc = p;
		vm.start_ns = p->start_ns;
		vm.stop_ns = p->exit_ns;
		vm.exit_status = p->exit_status;
		vm.rec_id = p->rec_id;
		daemon_end(m, &ix, p, &vm);
		if ((vm.flavour == VM_QEMU || !add_conf_devs(m, &vm)) && p->argv_cut)
			note_argv_cut(m, p, vm.id);
		out = model_kept(m, array_push((void **)&m->vms, &m->n_vms, &m->cap_vms, sizeof(*m->vms)));
		if (!out)
			break;
		*out = vm;
		out->stop_requested = stop_requested(m, &cmds, out);
	}
	free(cmds.v);
	exit_index_free(&ix);
}

/* A VM run's id and its index in the model's vms: the runs sorted by id,
 * then index, so that which VM a hook's argument or unit names is a binary
 * search, not a walk of the VMs for every process (40k processes in units
 * and 2k VMs took 6 s). */
struct vm_by_id {
	const char *id;
	size_t i;
};

static int cmp_vm_by_id(const void *a, const void *b)
{
	const struct vm_by_id *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	if (c)
		return c;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* M's VM runs by id then index; NULL (M->oom) without memory. */
static struct vm_by_id *vms_by_id(struct model *m)
{
	struct vm_by_id *v = model_kept(m, reallocarray(NULL, m->n_vms ? m->n_vms : 1, sizeof(*v)));

	if (!v)
		return NULL;
	for (size_t i = 0; i < m->n_vms; i++)
		v[i] = (struct vm_by_id){ .id = m->vms[i].id, .i = i };
	array_sort(v, m->n_vms, sizeof(*v), cmp_vm_by_id);
	return v;
}

/* The first (LAST: the last) VM run in the model's order with ID, or -1. */
static long vm_index(const struct vm_by_id *v, size_t n, const char *id, bool last)
{
	size_t k = array_lower_bound(v, n, sizeof(*v), &(struct vm_by_id){ .id = id, .i = last ? SIZE_MAX : 0 },
				     cmp_vm_by_id);

	if (last)
		return k && !strcmp(v[k - 1].id, id) ? (long)v[k - 1].i : -1;
	return k < n && !strcmp(v[k].id, id) ? (long)v[k].i : -1;
}

/* The first VM run in the model's order whose id UNIT holds as "@ID." or
 * "-ID." (vm-shutdown-monitor@111.service), or -1: every such span of the
 * unit looked up (a unit is under 64 bytes, so are ids). */
static long vm_of_unit(const struct vm_by_id *v, size_t n, const char *unit)
{
	long best = -1;

	for (const char *s = unit; *s; s++) {
		if (*s != '@' && *s != '-')
			continue;
		for (const char *e = s + 1; *e && e - s - 1 < (long)sizeof(((struct m_vm *)0)->id); e++) {
			char id[sizeof(((struct m_vm *)0)->id)];
			long k;

			if (*e != '.')
				continue;
			memcpy(id, s + 1, e - s - 1);
			id[e - s - 1] = 0;
			k = vm_index(v, n, id, false);
			if (k >= 0 && (best < 0 || k < best))
				best = k;
		}
	}
	return best;
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n >= t && !strcmp(s + n - t, tail);
}

static bool is_pve_phase(const char *s)
{
	return s && (!strcmp(s, "pre-start") || !strcmp(s, "post-start") ||
		     !strcmp(s, "pre-stop") || !strcmp(s, "post-stop"));
}

static const char *base_name(const char *path)
{
	const char *b = strrchr(path, '/');

	return b ? b + 1 : path;
}

/* --hook PATTERN: a glob on comm, the command line, the executable or any
 * argument, each also by its base name ("vm-shutdown-monitor*" matches
 * "/bin/sh /usr/local/sbin/vm-shutdown-monitor 111"). */
static bool matches_rule(const struct m_proc *p, const char *line, const char *pattern)
{
	struct args args;
	const char *a;

	if (!fnmatch(pattern, p->comm, 0) || !fnmatch(pattern, line, 0) || !fnmatch(pattern, p->exe, 0) ||
	    !fnmatch(pattern, base_name(p->exe), 0))
		return true;
	args_of(p, &args);
	for (int i = 0; (a = arg_at(&args, i)); i++)
		if (!fnmatch(pattern, a, 0) || !fnmatch(pattern, base_name(a), 0))
			return true;
	return false;
}

/* Fills H if P is a hook run; returns whether it is. */
static bool hook_of(const struct model *m, const struct vm_by_id *ids, const struct m_proc *p,
		    const char *pattern, struct m_hook *h)
{
	const char *a, *prev = NULL;
	struct args args;
	char line[1024];
	long v = -1;

	args_of(p, &args);
	for (int i = 0; (a = arg_at(&args, i)); prev = a, i++) {
		const char *n1 = arg_at(&args, i + 1), *n2 = arg_at(&args, i + 2);

		/* Proxmox: <script> <vmid> <phase> */
		if (prev && is_pve_phase(n1) && vm_index(ids, m->n_vms, a, false) >= 0) {
			snprintf(h->vm, sizeof(h->vm), "%s", a);
			snprintf(h->phase, sizeof(h->phase), "%s", n1);
			snprintf(h->script, sizeof(h->script), "%s", prev);
			return true;
		}
		/* libvirt: .../hooks/qemu <domain> <op> <subop> */
		if ((ends_with(a, "/libvirt/hooks/qemu") || strstr(a, "/libvirt/hooks/qemu.d/")) &&
		    n1 && n2) {
			const char *n3 = arg_at(&args, i + 3);

			snprintf(h->vm, sizeof(h->vm), "%s", n1);
			snprintf(h->phase, sizeof(h->phase), "%s%s%s", n2, n3 ? " " : "", n3 ? n3 : "");
			snprintf(h->script, sizeof(h->script), "%s", a);
			return true;
		}
	}
	/* A systemd unit named after a VM: vm-shutdown-monitor@111.service */
	if (p->unit[0] && !strstr(p->unit, "scope") && (v = vm_of_unit(ids, m->n_vms, p->unit)) >= 0) {
		snprintf(h->vm, sizeof(h->vm), "%s", m->vms[v].id);
		snprintf(h->phase, sizeof(h->phase), "unit");
		snprintf(h->script, sizeof(h->script), "%s", p->unit);
		return true;
	}
	model_argv_line(p, line, sizeof(line));
	if (pattern && matches_rule(p, line, pattern)) {
		h->user_rule = true;
		snprintf(h->phase, sizeof(h->phase), "user rule");
		snprintf(h->script, sizeof(h->script), "%s", p->exe[0] ? p->exe : p->comm);
		/* the VM named by an argument, the latest run's if several */
		v = -1;
		for (int i = 0; (a = arg_at(&args, i)); i++) {
			long k = vm_index(ids, m->n_vms, a, true);

			if (k > v)
				v = k;
		}
		if (v >= 0)
			snprintf(h->vm, sizeof(h->vm), "%s", m->vms[v].id);
		return true;
	}
	return false;
}

void model_find_hooks(struct model *m, const char *pattern)
{
	struct vm_by_id *ids = vms_by_id(m);

	for (size_t i = 0; ids && i < m->n_procs; i++) {
		const struct m_proc *p = &m->procs[i];
		struct m_hook h = { 0 }, *out;

		if (!p->argv_len || is_qemu(p) || !hook_of(m, ids, p, pattern, &h))
			continue;
		/* running before the trace: a monitor (--hook, a VM's unit) runs on
		 * and counts; a hook run's start is not in the trace */
		if (!p->start_ns && !h.user_rule && strcmp(h.phase, "unit"))
			continue;
		if (p->prev_image >= 0 && model_hook_of_proc(m, &m->procs[p->prev_image]))
			continue;	/* an image of a hook run already counted */
		if (!m->all_users && p->uid && !h.user_rule)
			continue;	/* hooks are run by root's daemons */
		/* A hook script's own children (sed, cat, echo) are not hook runs. */
		if (h.phase[0] && m->n_hooks && m->hooks[m->n_hooks - 1].proc &&
		    m->hooks[m->n_hooks - 1].proc->pid == p->ppid && !strcmp(m->hooks[m->n_hooks - 1].vm, h.vm) &&
		    !strcmp(m->hooks[m->n_hooks - 1].phase, h.phase))
			continue;
		h.proc = p;
		h.start_ns = p->start_ns;
		/* a hook that exec'd its worker ends when that worker does */
		h.end_ns = model_last_image(m, p)->exit_ns;
		h.exit_status = model_last_image(m, p)->exit_status;
		out = model_kept(m, array_push((void **)&m->hooks, &m->n_hooks, &m->cap_hooks,
					       sizeof(*m->hooks)));
		if (!out)
			break;
		*out = h;
		m->procs[i].hook = (long)(m->n_hooks - 1);
	}
	free(ids);
}
