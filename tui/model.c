/*
 * vhtop's model of the current target (see model.h): merging vhd's
 * answers, deltas between statistics samples, sorting and the text of the
 * VCPU table's cells.
 */
#include "model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vh/abi.h>

#include "duration.h"

_Static_assert(VH_HIST_BUCKETS == VHTOP_HIST_BUCKETS, "histogram size follows vh/abi.h");

static void vhtop__copy(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

void vhtop_model_init(struct vhtop_model *m)
{
    memset(m, 0, sizeof(*m));
}

void vhtop_model_clear_target(struct vhtop_model *m)
{
    struct vhtop_target keep[VHTOP_MAX_TARGETS];
    int n = m->ntargets, have = m->have_targets;
    memcpy(keep, m->targets, sizeof(keep));
    vhtop_model_init(m);
    memcpy(m->targets, keep, sizeof(keep));
    m->ntargets = n;
    m->have_targets = have;
}

void vhtop_model_reset_deltas(struct vhtop_model *m)
{
    for (int i = 0; i < m->ncpus; i++)
        m->cpus[i].have_prev = 0;
    for (int i = 0; i < m->nvcpus; i++) {
        m->vcpus[i].have_prev = 0;
        m->vcpus[i].nspark = 0;
    }
}

void vhtop_model_set_targets(struct vhtop_model *m, const Vhd__TargetList *l)
{
    m->ntargets = 0;
    for (size_t i = 0; i < l->n_targets && m->ntargets < VHTOP_MAX_TARGETS; i++) {
        struct vhtop_target *t = &m->targets[m->ntargets++];
        vhtop__copy(t->name, sizeof(t->name), l->targets[i]->name);
        t->state = (int)l->targets[i]->state;
    }
    m->have_targets = 1;
}

void vhtop_model_set_status(struct vhtop_model *m, const Vhd__TargetStatus *s)
{
    m->have_status = 1;
    m->state = (int)s->state;
    m->boot_id = s->boot_id;
    m->reconnects = s->reconnects;
    m->reboots = s->reboots;
    vhtop__copy(m->scenario, sizeof(m->scenario), s->scenario);
    vhtop__copy(m->build_id, sizeof(m->build_id), s->build_id);
    vhtop__copy(m->last_error, sizeof(m->last_error), s->last_error);
    if (s->info) {
        m->have_info = 1;
        m->ncpus_info = s->info->ncpus;
        m->cpu_limit_ppm = s->info->cpu_limit_ppm;
        m->rt_limit_ppm = s->info->rt_limit_ppm;
        if (!m->samples)
            m->uptime_ns = s->info->uptime_ns;
    }
}

void vhtop_model_set_link(struct vhtop_model *m, const Vhd__LinkStats *l)
{
    m->have_link = 1;
    m->crc_host = l->host ? l->host->rx_crc_errors : 0;
    m->resync_host = l->host ? l->host->rx_resyncs : 0;
    m->crc_target = l->target ? l->target->rx_crc_errors : 0;
    m->resync_target = l->target ? l->target->rx_resyncs : 0;
}

void vhtop_model_set_adus(struct vhtop_model *m, const Vh__AduList *l)
{
    m->nadus = 0;
    for (size_t i = 0; i < l->n_adus && m->nadus < VHTOP_MAX_ADUS; i++) {
        const Vh__Adu *a = l->adus[i];
        struct vhtop_adu *o = &m->adus[m->nadus++];
        o->id = a->id;
        vhtop__copy(o->name, sizeof(o->name), a->name);
        o->reserve_ppm = a->reserve_ppm;
        o->used_ppm = a->reserve_used_ppm;
        o->state = (int)a->state;
    }
    m->have_adus = 1;
}

struct vhtop_vcpu *vhtop_model_vcpu(struct vhtop_model *m, uint32_t id)
{
    for (int i = 0; i < m->nvcpus; i++)
        if (m->vcpus[i].id == id)
            return &m->vcpus[i];
    return NULL;
}

struct vhtop_adu *vhtop_model_adu(struct vhtop_model *m, const char *name)
{
    for (int i = 0; i < m->nadus; i++)
        if (strcmp(m->adus[i].name, name) == 0)
            return &m->adus[i];
    return NULL;
}

static void vhtop__vcpu_params(struct vhtop_vcpu *o, const Vh__Vcpu *c)
{
    o->id = c->id;
    vhtop__copy(o->adu, sizeof(o->adu), c->adu);
    o->rt = c->kind == VH__VCPU_KIND__VCPU_RT;
    o->listed = 1;
    o->cpu = c->cpu;
    o->index = c->index;
    o->state = (int)c->state;
    o->period_ns = c->period_ns;
    o->deadline_ns = c->deadline_ns;
    o->budget_ns = c->budget_ns;
    o->util_ppm = c->util_ppm;
}

void vhtop_model_set_vcpus(struct vhtop_model *m, const Vh__VcpuList *l)
{
    static struct vhtop_vcpu next[VHTOP_MAX_VCPUS];
    int n = 0;
    for (size_t i = 0; i < l->n_vcpus && n < VHTOP_MAX_VCPUS; i++) {
        const struct vhtop_vcpu *old = vhtop_model_vcpu(m, l->vcpus[i]->id);
        struct vhtop_vcpu *o = &next[n++];
        if (old)
            *o = *old;
        else
            memset(o, 0, sizeof(*o));
        vhtop__vcpu_params(o, l->vcpus[i]);
    }
    memcpy(m->vcpus, next, (size_t)n * sizeof(next[0]));
    m->nvcpus = n;
    m->have_vcpus = 1;
}

/* --- statistics samples ------------------------------------------------------ */

static struct vhtop_cpu *vhtop__cpu_slot(struct vhtop_model *m, uint32_t cpu)
{
    for (int i = 0; i < m->ncpus; i++)
        if (m->cpus[i].cpu == cpu)
            return &m->cpus[i];
    if (m->ncpus >= VHTOP_MAX_CPUS)
        return NULL;
    struct vhtop_cpu *c = &m->cpus[m->ncpus++];
    memset(c, 0, sizeof(*c));
    c->cpu = cpu;
    return c;
}

static void vhtop__apply_cpu(struct vhtop_model *m, const Vh__CpuStats *s)
{
    struct vhtop_cpu *c = vhtop__cpu_slot(m, s->cpu);
    if (!c)
        return;
    uint64_t v[VHTOP_NSPLIT] = {s->rt_ns, s->be_ns, s->hv_ns, s->idle_ns};
    uint64_t d[VHTOP_NSPLIT], total = 0;
    int monotonic = c->have_prev;
    for (int k = 0; k < VHTOP_NSPLIT; k++)
        monotonic &= v[k] >= c->prev[k];
    /* First sample (or counters restarted): the split since boot. */
    for (int k = 0; k < VHTOP_NSPLIT; k++) {
        d[k] = monotonic ? v[k] - c->prev[k] : v[k];
        total += d[k];
    }
    for (int k = 0; k < VHTOP_NSPLIT; k++) {
        c->pct[k] = total ? 100.0 * (double)d[k] / (double)total : 0;
        c->prev[k] = v[k];
    }
    c->have_prev = 1;
    c->rt_util_ppm = s->rt_util_ppm;
}

static void vhtop__spark_push(struct vhtop_vcpu *v, double us)
{
    if (v->nspark == VHTOP_SPARK_LEN) {
        memmove(v->spark, v->spark + 1, (VHTOP_SPARK_LEN - 1) * sizeof(v->spark[0]));
        v->nspark--;
    }
    v->spark[v->nspark++] = us;
}

static void vhtop__apply_rt(struct vhtop_vcpu *v, const Vh__RtStats *rt)
{
    if (v->have_prev && rt->releases < v->prev_releases) {
        v->nspark = 0; /* counters went backwards: a new life of this VCPU */
    } else if (v->have_prev && rt->releases > v->prev_releases) {
        uint64_t dn = rt->releases - v->prev_releases;
        /* A sum that shrank is not a real hypervisor's; show the mean then. */
        if (rt->jitter_sum_ns >= v->prev_jsum_ns)
            vhtop__spark_push(v, (double)(rt->jitter_sum_ns - v->prev_jsum_ns) / (double)dn / 1e3);
        else
            vhtop__spark_push(v, (double)rt->jitter_sum_ns / (double)rt->releases / 1e3);
    }
    v->prev_releases = rt->releases;
    v->prev_jsum_ns = rt->jitter_sum_ns;
    v->have_prev = 1;
    v->have_stats = 1;
    v->releases = rt->releases;
    v->jmin_ns = rt->jitter_min_ns;
    v->jmax_ns = rt->jitter_max_ns;
    v->jsum_ns = rt->jitter_sum_ns;
    v->jsumsq_ns2 = rt->jitter_sumsq_ns2;
    v->misses = rt->misses;
    v->overruns = rt->overruns;
    v->nhist = rt->n_hist < VHTOP_HIST_BUCKETS ? rt->n_hist : VHTOP_HIST_BUCKETS;
    memset(v->hist, 0, sizeof(v->hist));
    memcpy(v->hist, rt->hist, v->nhist * sizeof(v->hist[0]));
}

static void vhtop__apply_vcpu(struct vhtop_model *m, const Vh__VcpuStats *s)
{
    struct vhtop_vcpu *v = vhtop_model_vcpu(m, s->vcpu_id);
    if (!v) {
        /* Not listed yet (created since the last list): show it anyway. */
        if (m->nvcpus >= VHTOP_MAX_VCPUS)
            return;
        v = &m->vcpus[m->nvcpus++];
        memset(v, 0, sizeof(*v));
        v->id = s->vcpu_id;
        v->rt = s->rt != NULL;
        snprintf(v->adu, sizeof(v->adu), "?");
    }
    v->cpu = s->cpu;
    if (s->rt)
        vhtop__apply_rt(v, s->rt);
}

void vhtop_model_apply_stats(struct vhtop_model *m, const Vh__Stats *st)
{
    if (m->samples && st->uptime_ns < m->uptime_ns)
        vhtop_model_reset_deltas(m);
    m->uptime_ns = st->uptime_ns;
    m->seq = st->seq;
    m->samples++;
    for (size_t i = 0; i < st->n_cpus; i++)
        vhtop__apply_cpu(m, st->cpus[i]);
    for (size_t i = 0; i < st->n_vcpus; i++)
        vhtop__apply_vcpu(m, st->vcpus[i]);
}

struct vhtop_jitter vhtop_vcpu_jitter(const struct vhtop_vcpu *v)
{
    struct vhtop_jitter j = {0, 0, 0, 0};
    if (!v->have_stats || !v->releases)
        return j;
    double n = (double)v->releases;
    double mean = (double)v->jsum_ns / n;
    double var = (double)v->jsumsq_ns2 / n - mean * mean;
    j.min_us = (double)v->jmin_ns / 1e3;
    j.max_us = (double)v->jmax_ns / 1e3;
    j.avg_us = mean / 1e3;
    j.sd_us = var > 0 ? sqrt(var) / 1e3 : 0;
    return j;
}

int vhtop_vcpu_alarm(const struct vhtop_vcpu *v)
{
    return v->misses || v->overruns;
}

/* --- order ---------------------------------------------------------------------- */

static enum vhtop_sort vhtop__key;
static const struct vhtop_vcpu *vhtop__base;

static int vhtop__cmp_num(double a, double b)
{
    return a < b ? -1 : a > b;
}

/* Sorting by a measurement puts the largest first (as top does). */
static int vhtop__cmp(const void *pa, const void *pb)
{
    const struct vhtop_vcpu *a = &vhtop__base[*(const int *)pa];
    const struct vhtop_vcpu *b = &vhtop__base[*(const int *)pb];
    int r = 0;
    switch (vhtop__key) {
    case VHTOP_SORT_ADU: r = strcmp(a->adu, b->adu); break;
    case VHTOP_SORT_CPU: r = a->cpu - b->cpu; break;
    case VHTOP_SORT_UTIL: r = -vhtop__cmp_num(a->util_ppm, b->util_ppm); break;
    case VHTOP_SORT_JAVG:
        r = -vhtop__cmp_num(vhtop_vcpu_jitter(a).avg_us, vhtop_vcpu_jitter(b).avg_us);
        break;
    case VHTOP_SORT_JMAX: r = -vhtop__cmp_num((double)a->jmax_ns, (double)b->jmax_ns); break;
    case VHTOP_SORT_MISSES:
        r = -vhtop__cmp_num((double)(a->misses + a->overruns), (double)(b->misses + b->overruns));
        break;
    default: break;
    }
    return r ? r : vhtop__cmp_num(a->id, b->id);
}

int vhtop_model_order(const struct vhtop_model *m, enum vhtop_sort key, const char *adu_filter,
                      int *order, int cap)
{
    int n = 0;
    for (int i = 0; i < m->nvcpus && n < cap; i++)
        if (!adu_filter || !*adu_filter || strcmp(m->vcpus[i].adu, adu_filter) == 0)
            order[n++] = i;
    vhtop__key = key;
    vhtop__base = m->vcpus;
    qsort(order, (size_t)n, sizeof(order[0]), vhtop__cmp);
    return n;
}

const char *vhtop_sort_name(enum vhtop_sort key)
{
    static const char *const n[VHTOP_NSORT] = {"id", "adu", "cpu", "util", "jitter avg",
                                               "jitter max", "misses+overruns"};
    return (unsigned)key < VHTOP_NSORT ? n[key] : "?";
}

/* --- cells ------------------------------------------------------------------------ */

const struct vhtop_coldef vhtop_cols[VHTOP_NCOLS] = {
    [VHTOP_C_ADU] = {"ADU", 8, 0, 0},        [VHTOP_C_ID] = {"ID", 4, 1, 0},
    [VHTOP_C_KIND] = {"KIND", 4, 0, 0},      [VHTOP_C_CPU] = {"CPU", 3, 1, 0},
    [VHTOP_C_PERIOD] = {"PERIOD", 7, 1, 5},  [VHTOP_C_DEADLINE] = {"DEADL", 7, 1, 7},
    [VHTOP_C_BUDGET] = {"BUDGET", 7, 1, 6},  [VHTOP_C_UTIL] = {"UTIL", 6, 1, 0},
    [VHTOP_C_JMIN] = {"JMIN", 7, 1, 3},      [VHTOP_C_JAVG] = {"JAVG", 7, 1, 0},
    [VHTOP_C_JMAX] = {"JMAX", 7, 1, 0},      [VHTOP_C_JSD] = {"JSD", 6, 1, 2},
    [VHTOP_C_MISSES] = {"MISS", 5, 1, 0},    [VHTOP_C_OVERRUNS] = {"OVR", 5, 1, 0},
    [VHTOP_C_SPARK] = {"TREND", 16, 0, 4},
};

static void vhtop__dur(uint64_t ns, int rt, char *out, size_t cap)
{
    if (rt)
        vhctl_format_duration(ns, out, cap);
    else
        snprintf(out, cap, "-");
}

void vhtop_cell(const struct vhtop_vcpu *v, enum vhtop_col c, char *out, size_t cap)
{
    struct vhtop_jitter j = vhtop_vcpu_jitter(v);
    int js = v->rt && v->have_stats; /* jitter columns have numbers */
    switch (c) {
    case VHTOP_C_ADU: snprintf(out, cap, "%.8s", v->adu); break;
    case VHTOP_C_ID: snprintf(out, cap, "%u", v->id); break;
    case VHTOP_C_KIND: snprintf(out, cap, "%s", v->rt ? "RT" : "BE"); break;
    case VHTOP_C_CPU: snprintf(out, cap, v->cpu < 0 ? "-" : "%d", v->cpu); break;
    case VHTOP_C_PERIOD: vhtop__dur(v->period_ns, v->rt && v->listed, out, cap); break;
    case VHTOP_C_DEADLINE: vhtop__dur(v->deadline_ns, v->rt && v->listed, out, cap); break;
    case VHTOP_C_BUDGET: vhtop__dur(v->budget_ns, v->rt && v->listed, out, cap); break;
    case VHTOP_C_UTIL:
        snprintf(out, cap, v->rt ? "%.1f%%" : "-", (double)v->util_ppm / 1e4);
        break;
    case VHTOP_C_JMIN: snprintf(out, cap, js ? "%.1f" : "-", j.min_us); break;
    case VHTOP_C_JAVG: snprintf(out, cap, js ? "%.1f" : "-", j.avg_us); break;
    case VHTOP_C_JMAX: snprintf(out, cap, js ? "%.1f" : "-", j.max_us); break;
    case VHTOP_C_JSD: snprintf(out, cap, js ? "%.1f" : "-", j.sd_us); break;
    case VHTOP_C_MISSES:
        snprintf(out, cap, js ? "%llu" : "-", (unsigned long long)v->misses);
        break;
    case VHTOP_C_OVERRUNS:
        snprintf(out, cap, js ? "%llu" : "-", (unsigned long long)v->overruns);
        break;
    default: snprintf(out, cap, "%s", ""); break;
    }
}

void vhtop_spark(const struct vhtop_vcpu *v, int width, int utf8, char *out, size_t cap)
{
    static const char *const blocks[] = {"\u2581", "\u2582", "\u2583", "\u2584",
                                         "\u2585", "\u2586", "\u2587", "\u2588"};
    static const char ascii[] = "_.-~=*#@";
    int n = v->nspark < width ? v->nspark : width;
    const double *s = v->spark + (v->nspark - n);
    double lo = 0, hi = 0;
    size_t len = 0;
    out[0] = 0;
    for (int i = 0; i < n; i++) {
        lo = i == 0 || s[i] < lo ? s[i] : lo;
        hi = i == 0 || s[i] > hi ? s[i] : hi;
    }
    for (int i = 0; i < n && len + 4 < cap; i++) {
        int k = hi > lo ? (int)((s[i] - lo) / (hi - lo) * 7.0 + 0.5) : 3;
        if (utf8)
            len += (size_t)snprintf(out + len, cap - len, "%s", blocks[k]);
        else
            out[len++] = ascii[k], out[len] = 0;
    }
}

void vhtop_hist_label(int i, char *out, size_t cap)
{
    static const uint64_t bounds[] = VH_HIST_BOUNDS_NS;
    const int nb = (int)(sizeof(bounds) / sizeof(bounds[0]));
    char d[24];
    if (i < nb) {
        vhctl_format_duration(bounds[i], d, sizeof(d));
        snprintf(out, cap, "<%s", d);
    } else {
        vhctl_format_duration(bounds[nb - 1], d, sizeof(d));
        snprintf(out, cap, ">=%s", d);
    }
}

void vhtop_format_uptime(uint64_t ns, char *out, size_t cap)
{
    uint64_t s = ns / 1000000000ull;
    if (s >= 86400)
        snprintf(out, cap, "%llud%02lluh%02llum", (unsigned long long)(s / 86400),
                 (unsigned long long)(s / 3600 % 24), (unsigned long long)(s / 60 % 60));
    else if (s >= 3600)
        snprintf(out, cap, "%lluh%02llum%02llus", (unsigned long long)(s / 3600),
                 (unsigned long long)(s / 60 % 60), (unsigned long long)(s % 60));
    else
        snprintf(out, cap, "%llum%02llus", (unsigned long long)(s / 60),
                 (unsigned long long)(s % 60));
}

const char *vhtop_link_state_name(int state)
{
    static const char *const n[] = {"down", "connecting", "hello", "up", "stopped"};
    return (unsigned)state < 5 ? n[state] : "?";
}

const char *vhtop_status_name(int status)
{
    const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(&vh__status__descriptor,
                                                                       status);
    return v ? v->name : "UNKNOWN";
}
