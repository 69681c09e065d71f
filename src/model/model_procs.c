// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Processes of the model: which generation a pid had at a moment, and who
 * started whom. A busy host's trace holds hundreds of thousands of
 * processes, so lookups go through an index sorted by pid, then start.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "util.h"

static const struct model *sort_model;	/* qsort has no context argument */

static int cmp_proc_idx(const void *a, const void *b)
{
	const struct m_proc *x = &sort_model->procs[*(const size_t *)a];
	const struct m_proc *y = &sort_model->procs[*(const size_t *)b];

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->start_ns != y->start_ns)
		return x->start_ns < y->start_ns ? -1 : 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static int cmp_proc_comm(const void *a, const void *b)
{
	const struct m_proc *x = &sort_model->procs[*(const size_t *)a];
	const struct m_proc *y = &sort_model->procs[*(const size_t *)b];
	int c = strncmp(x->comm, y->comm, GT_COMM_LEN);

	if (c)
		return c;
	if (x->start_ns != y->start_ns)
		return x->start_ns < y->start_ns ? -1 : 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

/* Orphans and exits by pid, then time: who a pid was orphaned by is a
 * search, not a walk of every orphan and exit (a storm of writes by a
 * daemon reparented to init, on a host of many orphans, was quadratic). */
static int cmp_orphan_idx(const void *a, const void *b)
{
	const struct m_orphan *x = &sort_model->orphans[*(const size_t *)a];
	const struct m_orphan *y = &sort_model->orphans[*(const size_t *)b];

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->ts_ns != y->ts_ns)
		return x->ts_ns < y->ts_ns ? -1 : 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static int cmp_exit_idx(const void *a, const void *b)
{
	const struct m_exit *x = &sort_model->exits[*(const size_t *)a];
	const struct m_exit *y = &sort_model->exits[*(const size_t *)b];

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->ts_ns != y->ts_ns)
		return x->ts_ns < y->ts_ns ? -1 : 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

/* 0..N-1 into *OUT, sorted by CMP; -ENOMEM. */
static int index_of(const struct model *m, size_t n, int (*cmp)(const void *, const void *),
		    size_t **out)
{
	free(*out);
	*out = NULL;
	if (!n)
		return 0;
	if (!(*out = reallocarray(NULL, n, sizeof(size_t))))
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		(*out)[i] = i;
	sort_model = m;
	qsort(*out, n, sizeof(size_t), cmp);
	sort_model = NULL;
	return 0;
}

int model_index_procs(struct model *m)
{
	free(m->proc_by_pid);
	free(m->proc_by_comm);
	m->proc_by_pid = m->proc_by_comm = NULL;
	if (index_of(m, m->n_orphans, cmp_orphan_idx, &m->orphan_by_pid) ||
	    index_of(m, m->n_exits, cmp_exit_idx, &m->exit_by_pid))
		return -ENOMEM;
	if (!m->n_procs)
		return 0;
	m->proc_by_pid = reallocarray(NULL, m->n_procs, sizeof(size_t));
	m->proc_by_comm = reallocarray(NULL, m->n_procs, sizeof(size_t));
	if (!m->proc_by_pid || !m->proc_by_comm) {
		free(m->proc_by_pid);
		free(m->proc_by_comm);
		m->proc_by_pid = m->proc_by_comm = NULL;
		return -ENOMEM;
	}
	for (size_t i = 0; i < m->n_procs; i++)
		m->proc_by_pid[i] = m->proc_by_comm[i] = i;
	sort_model = m;
	qsort(m->proc_by_pid, m->n_procs, sizeof(size_t), cmp_proc_idx);
	qsort(m->proc_by_comm, m->n_procs, sizeof(size_t), cmp_proc_comm);
	sort_model = NULL;
	return 0;
}

struct pid_search {
	const struct model *m;
	uint32_t pid;
};

static bool pid_before(size_t i, const void *ctx)
{
	const struct pid_search *s = ctx;

	return s->m->procs[s->m->proc_by_pid[i]].pid < s->pid;
}

size_t model_first_of_pid(const struct model *m, uint32_t pid)
{
	return partition_point(m->proc_by_pid ? m->n_procs : 0, pid_before,
			       &(struct pid_search){ m, pid });
}

long model_boot_at(const struct model *m, uint64_t ts)
{
	long found = -1;

	if (m->n_boots < 2)
		return -1;
	for (size_t i = 0; i < m->n_boots; i++) {
		if (ts < m->boots[i].first_ns || ts > m->boots[i].last_ns)
			continue;
		if (found >= 0)
			return -1;	/* two hosts' traces at once */
		found = (long)i;
	}
	return found;
}

uint64_t model_last_ns_of(const struct model *m, const struct m_proc *p)
{
	if (!p || m->n_boots < 2 || p->boot >= m->n_boots)
		return m->last_ns;
	return m->boots[p->boot].last_ns;
}

/* PID's generation at TS of BOOT (-1: of any boot). */
static const struct m_proc *proc_at(const struct model *m, long boot, uint32_t pid, uint64_t ts)
{
	const struct m_proc *best = NULL;

	if (!m->proc_by_pid) {	/* before the index exists (loading) */
		for (size_t i = 0; i < m->n_procs; i++) {
			const struct m_proc *p = &m->procs[i];

			if (p->pid == pid && p->start_ns <= ts && (boot < 0 || p->boot == boot) &&
			    (!best || p->start_ns >= best->start_ns))
				best = p;
		}
		return best;
	}
	for (size_t lo = model_first_of_pid(m, pid); lo < m->n_procs && m->procs[m->proc_by_pid[lo]].pid == pid;
	     lo++) {
		const struct m_proc *p = &m->procs[m->proc_by_pid[lo]];

		if (p->start_ns <= ts && (boot < 0 || p->boot == boot))
			best = p;
	}
	return best;
}

const struct m_proc *model_proc_at(const struct model *m, uint32_t pid, uint64_t ts)
{
	return proc_at(m, model_boot_at(m, ts), pid, ts);
}

const struct m_proc *model_proc_in_boot(const struct model *m, uint32_t boot, uint32_t pid, uint64_t ts)
{
	return proc_at(m, boot, pid, ts);
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

/* The generation of PID running at TS: started before, not yet exited. */
static const struct m_proc *alive_at(const struct model *m, uint32_t pid, uint64_t ts)
{
	const struct m_proc *p = model_proc_at(m, pid, ts);

	/* the exit event comes just before the kernel reparents the children:
	 * an ancestry read in that instant still names the exiting process */
	return p && (!p->exit_ns || p->exit_ns + 10000000ull >= ts) ? p : NULL;
}

/* A process that never exec'd (a subshell, a daemon's fork) runs the
 * program of the process that forked it, under the same comm: the latest
 * run of that comm, started before TS, is the best guess of its parent. */
struct comm_search {
	const struct model *m;
	const char *comm;
	uint64_t ts;
};

/* Is the I-th run of proc_by_comm at or before (COMM, TS)? */
static bool run_not_past(size_t i, const void *ctx)
{
	const struct comm_search *s = ctx;
	const struct m_proc *p = &s->m->procs[s->m->proc_by_comm[i]];
	int c = strncmp(p->comm, s->comm, GT_COMM_LEN);

	return c < 0 || (c == 0 && p->start_ns <= s->ts);
}

static const struct m_proc *forked_from(const struct model *m, uint32_t pid, const char *comm,
					uint64_t ts)
{
	const struct m_proc *best = NULL;
	long boot = model_boot_at(m, ts);

	if (m->proc_by_comm) {
		/* the runs of COMM by start: the last started at or before TS
		 * that is not PID (the first in the model of those that
		 * started at that same moment) */
		for (size_t lo = partition_point(m->n_procs, run_not_past,
						 &(struct comm_search){ m, comm, ts }); lo > 0; lo--) {
			const struct m_proc *p = &m->procs[m->proc_by_comm[lo - 1]];

			if (strncmp(p->comm, comm, GT_COMM_LEN) || !p->start_ns || (best && p->start_ns != best->start_ns))
				break;
			if (boot >= 0 && p->start_ns < m->boots[boot].first_ns)
				break;		/* earlier boots' runs only from here */
			if (boot >= 0 && p->boot != boot)
				continue;	/* another boot's run of COMM */
			if (p->pid != pid)
				best = p;
		}
		return best;
	}
	for (size_t i = 0; i < m->n_procs; i++) {	/* before the index exists (loading) */
		const struct m_proc *p = &m->procs[i];

		if (p->pid != pid && p->start_ns && p->start_ns <= ts && (boot < 0 || p->boot == boot) &&
		    !strncmp(p->comm, comm, GT_COMM_LEN) && (!best || p->start_ns > best->start_ns))
			best = p;
	}
	return best;
}

struct orphan_search {
	const struct model *m;
	uint32_t pid;
	uint64_t ts;
};

/* Orphans by pid, then time: before (PID, TS] ends. */
static bool orphan_not_past(size_t i, const void *ctx)
{
	const struct orphan_search *s = ctx;
	const struct m_orphan *o = &s->m->orphans[s->m->orphan_by_pid[i]];

	return o->pid < s->pid || (o->pid == s->pid && o->ts_ns <= s->ts);
}

static bool exit_not_past(size_t i, const void *ctx)
{
	const struct orphan_search *s = ctx;
	const struct m_exit *x = &s->m->exits[s->m->exit_by_pid[i]];

	return x->pid < s->pid || (x->pid == s->pid && x->ts_ns <= s->ts);
}

/* The orphaning of PID last at or before TS (the first recorded of those
 * at that moment), or NULL. */
static const struct m_orphan *last_orphaning(const struct model *m, uint32_t pid, uint64_t ts)
{
	const struct m_orphan *best = NULL;
	long boot = model_boot_at(m, ts);
	size_t hi;

	if (!m->orphan_by_pid) {	/* before the index exists (loading) */
		for (size_t i = 0; i < m->n_orphans; i++) {
			const struct m_orphan *o = &m->orphans[i];

			if (o->pid == pid && o->ts_ns <= ts && (boot < 0 || o->boot == boot) &&
			    (!best || o->ts_ns > best->ts_ns))
				best = o;
		}
		return best;
	}
	hi = partition_point(m->n_orphans, orphan_not_past, &(struct orphan_search){ m, pid, ts });
	for (; hi > 0; hi--) {
		const struct m_orphan *o = &m->orphans[m->orphan_by_pid[hi - 1]];

		if (o->pid != pid || (best && o->ts_ns != best->ts_ns) ||
		    (boot >= 0 && o->ts_ns < m->boots[boot].first_ns))
			break;
		if (boot >= 0 && o->boot != boot)
			continue;	/* another boot's PID */
		best = o;
	}
	return best;
}

/* Did PID exit after FROM and before TO (its pid reused since)? */
static bool exited_between(const struct model *m, uint32_t pid, uint64_t from, uint64_t to)
{
	size_t lo;

	if (!m->proc_by_pid || !m->exit_by_pid) {	/* before the indices exist (loading) */
		for (size_t i = 0; i < m->n_procs; i++)
			if (m->procs[i].pid == pid && m->procs[i].exit_ns > from && m->procs[i].exit_ns < to)
				return true;
		for (size_t i = 0; i < m->n_exits; i++)
			if (m->exits[i].pid == pid && m->exits[i].ts_ns > from && m->exits[i].ts_ns < to)
				return true;
		return false;
	}
	for (lo = model_first_of_pid(m, pid); lo < m->n_procs && m->procs[m->proc_by_pid[lo]].pid == pid;
	     lo++) {
		const struct m_proc *p = &m->procs[m->proc_by_pid[lo]];

		if (p->exit_ns > from && p->exit_ns < to)
			return true;
	}
	lo = partition_point(m->n_exits, exit_not_past, &(struct orphan_search){ m, pid, from });
	return lo < m->n_exits && m->exits[m->exit_by_pid[lo]].pid == pid &&
	       m->exits[m->exit_by_pid[lo]].ts_ns < to;
}

/* Who PID was orphaned by (its parent's exit, at or before TS), or NULL. */
static const struct m_proc *orphaned_by(const struct model *m, uint32_t pid, uint64_t ts)
{
	const struct m_orphan *best = last_orphaning(m, pid, ts);

	/* an exit of PID in between: the pid was reused since */
	if (!best || exited_between(m, pid, best->ts_ns, ts))
		return NULL;
	return model_proc_in_boot(m, best->boot, best->parent, best->ts_ns);
}

static void link_set(struct m_spawn *s, uint32_t pid, const char *comm, const struct m_proc *p,
		     bool inferred)
{
	memset(s, 0, sizeof(*s));
	s->pid = pid;
	strlcpy0(s->comm, p ? p->comm : comm, sizeof(s->comm));
	s->proc = p;
	s->inferred = inferred;
}

int model_spawn_chain(const struct model *m, const struct gt_task *task, uint64_t ts,
		      struct m_spawn *out)
{
	int n = 0, live = task->n_ancestors < GT_ANCESTRY_MAX ? task->n_ancestors : GT_ANCESTRY_MAX;
	uint32_t pid = task->pid;
	char comm[GT_COMM_LEN];
	uint64_t at = ts;

	strlcpy0(comm, task->comm, sizeof(comm));
	/* The ancestry seen at TS holds, up to init or a subreaper. */
	for (int i = 0; i < live && n < M_SPAWN_MAX && task->ancestors[i].pid > 1; i++) {
		pid = task->ancestors[i].pid;
		strlcpy0(comm, task->ancestors[i].comm, sizeof(comm));
		link_set(&out[n++], pid, comm, alive_at(m, pid, ts), false);
	}
	/* Above that, whoever spawned the topmost known process. */
	while (n < M_SPAWN_MAX) {
		const struct m_proc *self = alive_at(m, pid, at), *parent;
		bool inferred = false;

		if (self && self->start_ns && self->ppid > 1) {
			parent = model_proc_in_boot(m, self->boot, self->ppid, self->start_ns);
			link_set(&out[n], self->ppid, "?", parent, false);
			at = self->start_ns;
		} else if ((parent = orphaned_by(m, pid, self && self->start_ns ? self->start_ns : at))) {
			/* reparented to init when its parent exited: that parent */
			link_set(&out[n], parent->pid, parent->comm, parent, false);
			at = parent->start_ns ? parent->start_ns : at;
		} else if (!self && (parent = forked_from(m, pid, comm, at))) {
			inferred = true;
			link_set(&out[n], parent->pid, parent->comm, parent, true);
			at = parent->start_ns;
		} else {
			break;
		}
		for (int k = 0; k < n; k++)
			if (out[k].pid == out[n].pid && out[k].proc == out[n].proc)
				return n;	/* a loop: pid reuse */
		pid = out[n].pid;
		strlcpy0(comm, out[n].comm, sizeof(comm));
		n++;
		(void)inferred;
	}
	return n;
}

const struct m_hook *model_hook_of_proc(const struct model *m, const struct m_proc *p)
{
	for (int depth = 0; p && depth < 16; depth++) {
		if (p->hook >= 0 && (size_t)p->hook < m->n_hooks)
			return &m->hooks[p->hook];
		p = p->prev_image >= 0 ? &m->procs[p->prev_image] : NULL;
	}
	return NULL;
}

const struct m_proc *model_last_image(const struct model *m, const struct m_proc *p)
{
	for (int depth = 0; p->next_image >= 0 && depth < 16; depth++)
		p = &m->procs[p->next_image];
	return p;
}
