/*
 * The agent's read-only calls: system_info, list_adus, list_vcpus and the
 * stats message of a subscription (CPUs, link, messaging channels, VCPUs),
 * plus small helpers (status mapping, bounded strings) for rpc.c.  Each
 * walks the hypervisor's tables through mgmt_ops once, bounded by the slot
 * counts ops reports, and fills nanopb structs in the agent's scratch.
 * Lists are cut to what one frame holds: each entry is sized with nanopb
 * before it is kept.
 */
#include "agent_priv.h"

#include <vh/config.h>

void mgmt__copy_str(char *dst, size_t cap, const char *src)
{
    size_t i = 0;

    if (cap == 0)
        return;
    for (; src != NULL && i + 1 < cap && src[i] != '\0'; i++)
        dst[i] = src[i];
    dst[i] = '\0';
}

size_t mgmt__str_len(const char *s, size_t cap)
{
    size_t n = 0;

    while (n < cap && s[n] != '\0')
        n++;
    return n;
}

/* Append text / a decimal number at dst[pos], keeping the NUL; returns the
 * new position (never past cap - 1). */
static size_t append_str(char *dst, size_t cap, size_t pos, const char *s)
{
    while (*s != '\0' && pos + 1 < cap)
        dst[pos++] = *s++;
    dst[pos] = '\0';
    return pos;
}

static size_t append_u(char *dst, size_t cap, size_t pos, uint64_t v)
{
    char tmp[24];
    size_t n = 0;

    do {
        tmp[n++] = (char)('0' + (char)(v % 10u));
        v /= 10u;
    } while (v != 0);
    while (n > 0 && pos + 1 < cap)
        dst[pos++] = tmp[--n];
    dst[pos] = '\0';
    return pos;
}

vh_Status mgmt__status_of(long err)
{
    switch (err) {
    case VH_OK:
        return vh_Status_OK;
    case VH_EADU_RESERVE:
    case VH_ECPU_CAPACITY:
    case VH_EFRAGMENTED:
    case VH_EMACHINE_LIMIT:
    case VH_EQUEUE_FULL:
    case VH_ENOMEM:
        return vh_Status_RESOURCE_EXHAUSTED;
    case VH_ENOENT:
    case VH_ENOMSG:
        return vh_Status_NOT_FOUND;
    case VH_EPERM:
        return vh_Status_PERMISSION_DENIED;
    case VH_EINVAL:
    case VH_ERANGE:
    case VH_EFAULT:
    case VH_EMSGSIZE:
        return vh_Status_INVALID_ARGUMENT;
    case VH_ESTATE:
        return vh_Status_FAILED_PRECONDITION;
    case VH_ENOSYS:
        return vh_Status_UNIMPLEMENTED;
    case VH_EBUSY:
    case VH_EAGAIN:
        return vh_Status_UNAVAILABLE;
    default:
        return vh_Status_INTERNAL;
    }
}

long mgmt__adu_by_name(struct mgmt_agent *a, const char *name, uint32_t *id, char *why, size_t n)
{
    struct mgmt_adu_info info;
    uint32_t count = a->ops->adu_count();

    for (uint32_t pos = 0; pos < count; pos++) {
        if (a->ops->adu_get(pos, &info) != 0)
            continue;
        size_t len = mgmt__str_len(info.name, sizeof(info.name));
        if (len == mgmt__str_len(name, VH_NAME_LEN) && memcmp(info.name, name, len) == 0) {
            *id = info.id;
            return 0;
        }
    }
    size_t p = append_str(why, n, 0, "no ADU named '");
    p = append_str(why, n, p, name);
    append_str(why, n, p, "'");
    return VH_ENOENT;
}

void mgmt__system_info(struct mgmt_agent *a, vh_SystemInfo *out)
{
    struct mgmt_sys_info si;

    memset(&si, 0, sizeof(si));
    a->ops->system_info(&si);
    memset(out, 0, sizeof(*out));
    out->ncpus = si.ncpus;
    mgmt__copy_str(out->build_id, sizeof(out->build_id), si.build_id);
    out->boot_id = si.boot_id;
    out->uptime_ns = si.uptime_ns;
    out->timebase_hz = si.timebase_hz;
    mgmt__copy_str(out->scenario, sizeof(out->scenario), si.scenario);
    out->rt_limit_ppm = si.rt_limit_ppm;
    out->cpu_limit_ppm = si.cpu_limit_ppm;
    out->quantum_ns = si.quantum_ns;
    out->protocol_version = vh_Version_PROTOCOL_VERSION;
}

static const char *const cap_names[] = {
#define CAP_NAME(id, name, text) name,
    VH_CAP_MAP(CAP_NAME)
#undef CAP_NAME
};

static void adu_fill(const struct mgmt_adu_info *in, vh_Adu *out)
{
    memset(out, 0, sizeof(*out));
    out->id = in->id;
    mgmt__copy_str(out->name, sizeof(out->name), in->name);
    out->ram_bytes = in->ram_bytes;
    out->be_vcpus = in->be_vcpus;
    out->reserve_ppm = in->reserve_ppm;
    out->reserve_used_ppm = in->reserve_used_ppm;
    out->state = (vh_AduState)in->state;
    out->boots = in->boots;
    for (uint32_t b = 0; b < VH_CAPB_COUNT && out->caps_count < 4; b++) {
        if (in->caps & (1u << b))
            mgmt__copy_str(out->caps[out->caps_count++], sizeof(out->caps[0]), cap_names[b]);
    }
}

/* Note a cut list in the detail: "listed N of M <what> (frame limit)". */
static void note_truncated(vh_Response *r, uint32_t shown, uint32_t total, const char *what)
{
    size_t p = append_str(r->detail, sizeof(r->detail), 0, "listed ");
    p = append_u(r->detail, sizeof(r->detail), p, shown);
    p = append_str(r->detail, sizeof(r->detail), p, " of ");
    p = append_u(r->detail, sizeof(r->detail), p, total);
    p = append_str(r->detail, sizeof(r->detail), p, " ");
    p = append_str(r->detail, sizeof(r->detail), p, what);
    append_str(r->detail, sizeof(r->detail), p, " (frame limit)");
}

void mgmt__list_adus(struct mgmt_agent *a, vh_Response *r, size_t budget)
{
    struct mgmt_adu_info info;
    vh_AduList *l = &r->result.adus;
    uint32_t count = a->ops->adu_count(), total = 0;
    size_t used = 0;

    r->which_result = vh_Response_adus_tag;
    for (uint32_t pos = 0; pos < count; pos++) {
        if (a->ops->adu_get(pos, &info) != 0)
            continue;
        total++;
        if (l->adus_count >= 8)
            continue;
        adu_fill(&info, &l->adus[l->adus_count]);
        size_t n = mgmt__wire_adu_entry(&l->adus[l->adus_count]);
        if (used + n > budget)
            continue;
        used += n;
        l->adus_count++;
    }
    if (total != l->adus_count)
        note_truncated(r, l->adus_count, total, "ADUs");
}

/* Name of ADU id, from a table filled once per call. */
struct adu_names {
    uint32_t n;
    uint32_t id[VH_MAX_ADUS];
    char name[VH_MAX_ADUS][VH_NAME_LEN];
};

static void adu_names_load(struct mgmt_agent *a, struct adu_names *t)
{
    struct mgmt_adu_info info;
    uint32_t count = a->ops->adu_count();

    t->n = 0;
    for (uint32_t pos = 0; pos < count && t->n < VH_MAX_ADUS; pos++) {
        if (a->ops->adu_get(pos, &info) != 0)
            continue;
        t->id[t->n] = info.id;
        mgmt__copy_str(t->name[t->n], VH_NAME_LEN, info.name);
        t->n++;
    }
}

static const char *adu_names_get(const struct adu_names *t, uint32_t id)
{
    for (uint32_t i = 0; i < t->n; i++) {
        if (t->id[i] == id)
            return t->name[i];
    }
    return "";
}

static void vcpu_fill(const struct mgmt_vcpu_info *in, const char *adu, vh_Vcpu *out)
{
    memset(out, 0, sizeof(*out));
    out->id = in->id;
    out->adu_id = in->adu_id;
    mgmt__copy_str(out->adu, sizeof(out->adu), adu);
    out->kind = (vh_VcpuKind)in->kind;
    out->index = in->index;
    out->state = (vh_VcpuState)in->state;
    out->cpu = in->cpu;
    out->priority = in->priority;
    out->affinity = in->affinity;
    out->period_ns = in->period_ns;
    out->deadline_ns = in->deadline_ns;
    out->budget_ns = in->budget_ns;
    out->util_ppm = in->util_ppm;
    out->entry = in->entry;
}

void mgmt__list_vcpus(struct mgmt_agent *a, vh_Response *r, const char *adu, size_t budget)
{
    struct mgmt_vcpu_info info;
    struct adu_names names;
    vh_VcpuList *l = &r->result.vcpus;
    uint32_t slots = a->ops->vcpu_slots(), total = 0, filter = 0;
    bool filtered = adu[0] != '\0';
    size_t used = 0;

    if (filtered) {
        long err = mgmt__adu_by_name(a, adu, &filter, r->detail, sizeof(r->detail));
        if (err != 0) {
            r->status = mgmt__status_of(err);
            return;
        }
    }
    adu_names_load(a, &names);
    r->which_result = vh_Response_vcpus_tag;
    for (uint32_t pos = 0; pos < slots; pos++) {
        if (a->ops->vcpu_get(pos, &info) != 0 || (filtered && info.adu_id != filter))
            continue;
        total++;
        if (l->vcpus_count >= 40)
            continue;
        vcpu_fill(&info, adu_names_get(&names, info.adu_id), &l->vcpus[l->vcpus_count]);
        size_t n = mgmt__wire_vcpu_entry(&l->vcpus[l->vcpus_count]);
        if (used + n > budget)
            continue;
        used += n;
        l->vcpus_count++;
    }
    if (total != l->vcpus_count)
        note_truncated(r, l->vcpus_count, total, "VCPUs");
}

int32_t mgmt__rt_index(struct mgmt_agent *a, uint32_t vcpu_id)
{
    struct mgmt_vcpu_info info;
    uint32_t slots = a->ops->vcpu_slots();

    for (uint32_t pos = 0; pos < slots; pos++) {
        if (a->ops->vcpu_get(pos, &info) == 0 && info.id == vcpu_id)
            return (int32_t)info.index;
    }
    return -1;
}

static void rt_stats_fill(const struct vh_rt_stats *in, vh_RtStats *out)
{
    out->releases = in->releases;
    out->jitter_min_ns = in->jitter_min_ns;
    out->jitter_max_ns = in->jitter_max_ns;
    out->jitter_sum_ns = in->jitter_sum_ns;
    out->jitter_sumsq_ns2 = in->jitter_sumsq_ns2;
    out->resp_max_ns = in->resp_max_ns;
    out->resp_sum_ns = in->resp_sum_ns;
    out->misses = in->misses;
    out->overruns = in->overruns;
    out->migrations = in->migrations;
    out->hist_count = VH_HIST_BUCKETS;
    for (uint32_t i = 0; i < VH_HIST_BUCKETS; i++)
        out->hist[i] = in->hist[i];
}

static void link_fill(const struct link_counters *c, vh_LinkCounters *out)
{
    out->rx_frames = c->rx_frames;
    out->tx_frames = c->tx_frames;
    out->rx_crc_errors = c->rx_crc_errors;
    out->rx_resyncs = c->rx_resyncs;
    out->rx_oversize = c->rx_oversize;
    out->rx_dropped = c->rx_dropped;
    out->tx_dropped = c->tx_dropped;
}

static void cpus_fill(struct mgmt_agent *a, vh_Stats *st)
{
    struct mgmt_cpu_info ci;
    uint32_t n = a->ops->cpu_count();

    for (uint32_t c = 0; c < n && st->cpus_count < 8; c++) {
        if (a->ops->cpu_get(c, &ci) != 0)
            continue;
        vh_CpuStats *o = &st->cpus[st->cpus_count++];
        o->cpu = ci.id;
        o->rt_ns = ci.rt_ns;
        o->be_ns = ci.be_ns;
        o->hv_ns = ci.hv_ns;
        o->idle_ns = ci.idle_ns;
        o->rt_util_ppm = ci.rt_util_ppm;
    }
}

static void chan_fill(const struct mgmt_chan_info *in, const struct adu_names *names,
                      vh_IpcChannelStats *out)
{
    memset(out, 0, sizeof(*out));
    out->src_adu = in->src;
    mgmt__copy_str(out->src, sizeof(out->src), adu_names_get(names, in->src));
    out->dst_adu = in->dst;
    mgmt__copy_str(out->dst, sizeof(out->dst), adu_names_get(names, in->dst));
    out->permitted = in->permitted != 0;
    out->sent = in->sent;
    out->received = in->received;
    out->refused_perm = in->refused_perm;
    out->refused_full = in->refused_full;
    out->refused_size = in->refused_size;
    out->refused_fault = in->refused_fault;
}

/* The messaging channels ops lists, from the subscription's cursor, while
 * they fit in budget (*used grows); the next message goes on from there.
 * The agent's endpoint id matches no ADU, so its name stays empty. */
static void chans_fill(struct mgmt_agent *a, struct mgmt_sub *s, vh_Stats *st, size_t *used,
                       size_t budget)
{
    struct mgmt_chan_info ci;
    struct adu_names names;
    uint32_t slots = a->ops->chan_slots(), pos = s->chan_cursor;

    adu_names_load(a, &names);
    if (pos >= slots)
        pos = 0;
    for (; pos < slots && st->ipc_channels_count < pb_arraysize(vh_Stats, ipc_channels); pos++) {
        if (a->ops->chan_get(pos, &ci) != 0)
            continue;
        vh_IpcChannelStats *o = &st->ipc_channels[st->ipc_channels_count];
        chan_fill(&ci, &names, o);
        size_t n = mgmt__wire_chan_entry(o);
        if (*used + n > budget)
            break;
        *used += n;
        st->ipc_channels_count++;
    }
    s->chan_cursor = pos >= slots ? 0 : pos;
}

/*
 * One stats message: all CPUs, the link counters, then as many messaging
 * channels and VCPUs as fit, each starting at the subscription's cursor.
 * When not all fit, the next message continues where this one stopped (the
 * host merges by vcpu_id, and by src_adu and dst_adu).
 */
void mgmt__fill_stats(struct mgmt_agent *a, struct mgmt_sub *s, vh_Stats *st, size_t budget)
{
    struct mgmt_vcpu_info info;
    uint32_t slots = a->ops->vcpu_slots(), pos = s->vcpu_cursor;
    size_t used;

    /* Entries are set as they are added: no memset of the whole (~10 KiB). */
    st->seq = s->seq;
    st->dropped = s->dropped;
    st->uptime_ns = a->now_ns;
    st->vcpus_count = 0;
    st->cpus_count = 0;
    st->ipc_channels_count = 0;
    cpus_fill(a, st);
    st->has_link = true;
    link_fill(&a->link, &st->link);
    used = mgmt__wire_stats_size(st);
    chans_fill(a, s, st, &used, budget);
    if (pos >= slots)
        pos = 0;
    for (; pos < slots && st->vcpus_count < MGMT_STATS_VCPUS; pos++) {
        if (a->ops->vcpu_get(pos, &info) != 0)
            continue;
        vh_VcpuStats *v = &st->vcpus[st->vcpus_count];
        memset(v, 0, sizeof(*v));
        v->vcpu_id = info.id;
        v->cpu = info.cpu;
        v->run_ns = info.run_ns;
        if (info.kind == MGMT_VCPU_RT) {
            v->has_rt = true;
            rt_stats_fill(&info.rt, &v->rt);
        }
        size_t n = mgmt__wire_vcpu_stats_entry(v);
        if (used + n > budget)
            break;
        used += n;
        st->vcpus_count++;
    }
    s->vcpu_cursor = pos >= slots ? 0 : pos;
}
