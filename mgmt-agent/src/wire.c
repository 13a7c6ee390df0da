/*
 * The agent's large answers on the wire in one pass: see wire.h.
 *
 * Protobuf rules kept, as nanopb applies them to proto3: a zero scalar, an
 * empty string and a false bool are left out; a present submessage (has_*
 * set, a oneof member selected, each repeated entry) is written even when
 * empty; a repeated scalar is packed and left out when it has no element;
 * fields go in field-number order; int32 is sign-extended to 64 bits.
 */
#include <stdbool.h>
#include <string.h>

#include "wire.h"

enum { WT_VARINT = 0, WT_LEN = 2 };

/*
 * Where a body goes.  Counting (lo == NULL) adds up n.  Writing goes
 * backwards from p down to lo, last field first, so that a submessage's
 * length is known (what its body took) by the time its key and length are
 * written in front of it: every field is written once and never counted.
 * A write that would pass lo sets full and writes nothing more.
 */
struct wire {
    uint8_t *p, *lo;
    size_t n;
    bool full;
};

/* Bytes of v as a varint (7 bits per byte), in at most four comparisons:
 * the target has no count-leading-zeros instruction. */
#define B7(k) (1ull << (7 * (k)))
static size_t vlen(uint64_t v)
{
    if (v < B7(5)) {
        if (v < B7(2))
            return v < B7(1) ? 1 : 2;
        return v < B7(3) ? 3 : v < B7(4) ? 4 : 5;
    }
    if (v < B7(7))
        return v < B7(6) ? 6 : 7;
    return v < B7(8) ? 8 : v < B7(9) ? 9 : 10;
}

static void vput(struct wire *w, uint64_t v)
{
    size_t k = vlen(v);
    w->n += k;
    if (w->lo == NULL)
        return;
    if (w->full || (size_t)(w->p - w->lo) < k) {
        w->full = true;
        return;
    }
    w->p -= k;
    uint8_t *q = w->p;
    for (size_t i = 0; i + 1 < k; i++) {
        q[i] = (uint8_t)(v | 0x80u);
        v >>= 7;
    }
    q[k - 1] = (uint8_t)v;
}

static void key(struct wire *w, uint32_t tag, uint32_t type)
{
    vput(w, ((uint64_t)tag << 3) | type);
}

/* Each field helper puts the value, then (in front of it) the key. */
static void u64f(struct wire *w, uint32_t tag, uint64_t v)
{
    if (v != 0) {
        vput(w, v);
        key(w, tag, WT_VARINT);
    }
}

static void i32f(struct wire *w, uint32_t tag, int32_t v)
{
    u64f(w, tag, (uint64_t)(int64_t)v);
}

/* The length and key in front of a length-delimited body already put. */
static void lenf(struct wire *w, uint32_t tag, size_t len)
{
    vput(w, len);
    key(w, tag, WT_LEN);
}

static void strf(struct wire *w, uint32_t tag, const char *s, size_t cap)
{
    size_t len = 0;
    while (len + 1 < cap && s[len] != '\0')
        len++;
    if (len == 0)
        return;
    w->n += len;
    if (w->lo != NULL) {
        if (w->full || (size_t)(w->p - w->lo) < len) {
            w->full = true;
        } else {
            w->p -= len;
            memcpy(w->p, s, len);
        }
    }
    lenf(w, tag, len);
}

/* A submessage: its body, then in front its length (what the body took) and
 * key.  Bodies list their fields last first. */
#define SUBMSG(w, tag, body, msg)                                                                  \
    do {                                                                                           \
        size_t n0_ = (w)->n;                                                                       \
        body(w, msg);                                                                              \
        lenf(w, tag, (w)->n - n0_);                                                                \
    } while (0)

static void rt_body(struct wire *w, const vh_RtStats *r)
{
    pb_size_t count = r->hist_count;
    if (count > pb_arraysize(vh_RtStats, hist))
        count = pb_arraysize(vh_RtStats, hist);
    if (count != 0) {
        size_t n0 = w->n;
        for (pb_size_t i = count; i-- > 0;)
            vput(w, r->hist[i]);
        lenf(w, vh_RtStats_hist_tag, w->n - n0);
    }
    u64f(w, vh_RtStats_migrations_tag, r->migrations);
    u64f(w, vh_RtStats_overruns_tag, r->overruns);
    u64f(w, vh_RtStats_misses_tag, r->misses);
    u64f(w, vh_RtStats_resp_sum_ns_tag, r->resp_sum_ns);
    u64f(w, vh_RtStats_resp_max_ns_tag, r->resp_max_ns);
    u64f(w, vh_RtStats_jitter_sumsq_ns2_tag, r->jitter_sumsq_ns2);
    u64f(w, vh_RtStats_jitter_sum_ns_tag, r->jitter_sum_ns);
    u64f(w, vh_RtStats_jitter_max_ns_tag, r->jitter_max_ns);
    u64f(w, vh_RtStats_jitter_min_ns_tag, r->jitter_min_ns);
    u64f(w, vh_RtStats_releases_tag, r->releases);
}

static void vcpu_body(struct wire *w, const vh_VcpuStats *v)
{
    if (v->has_rt)
        SUBMSG(w, vh_VcpuStats_rt_tag, rt_body, &v->rt);
    u64f(w, vh_VcpuStats_run_ns_tag, v->run_ns);
    i32f(w, vh_VcpuStats_cpu_tag, v->cpu);
    u64f(w, vh_VcpuStats_vcpu_id_tag, v->vcpu_id);
}

static void cpu_body(struct wire *w, const vh_CpuStats *c)
{
    u64f(w, vh_CpuStats_rt_util_ppm_tag, c->rt_util_ppm);
    u64f(w, vh_CpuStats_idle_ns_tag, c->idle_ns);
    u64f(w, vh_CpuStats_hv_ns_tag, c->hv_ns);
    u64f(w, vh_CpuStats_be_ns_tag, c->be_ns);
    u64f(w, vh_CpuStats_rt_ns_tag, c->rt_ns);
    u64f(w, vh_CpuStats_cpu_tag, c->cpu);
}

static void link_body(struct wire *w, const vh_LinkCounters *l)
{
    u64f(w, vh_LinkCounters_tx_dropped_tag, l->tx_dropped);
    u64f(w, vh_LinkCounters_rx_dropped_tag, l->rx_dropped);
    u64f(w, vh_LinkCounters_rx_oversize_tag, l->rx_oversize);
    u64f(w, vh_LinkCounters_rx_resyncs_tag, l->rx_resyncs);
    u64f(w, vh_LinkCounters_rx_crc_errors_tag, l->rx_crc_errors);
    u64f(w, vh_LinkCounters_tx_frames_tag, l->tx_frames);
    u64f(w, vh_LinkCounters_rx_frames_tag, l->rx_frames);
}

static void chan_body(struct wire *w, const vh_IpcChannelStats *c)
{
    u64f(w, vh_IpcChannelStats_refused_fault_tag, c->refused_fault);
    u64f(w, vh_IpcChannelStats_refused_size_tag, c->refused_size);
    u64f(w, vh_IpcChannelStats_refused_full_tag, c->refused_full);
    u64f(w, vh_IpcChannelStats_refused_perm_tag, c->refused_perm);
    u64f(w, vh_IpcChannelStats_received_tag, c->received);
    u64f(w, vh_IpcChannelStats_sent_tag, c->sent);
    u64f(w, vh_IpcChannelStats_permitted_tag, c->permitted ? 1u : 0u);
    strf(w, vh_IpcChannelStats_dst_tag, c->dst, sizeof(c->dst));
    u64f(w, vh_IpcChannelStats_dst_adu_tag, c->dst_adu);
    strf(w, vh_IpcChannelStats_src_tag, c->src, sizeof(c->src));
    u64f(w, vh_IpcChannelStats_src_adu_tag, c->src_adu);
}

static void vcpu_info_body(struct wire *w, const vh_Vcpu *v)
{
    u64f(w, vh_Vcpu_entry_tag, v->entry);
    u64f(w, vh_Vcpu_util_ppm_tag, v->util_ppm);
    u64f(w, vh_Vcpu_budget_ns_tag, v->budget_ns);
    u64f(w, vh_Vcpu_deadline_ns_tag, v->deadline_ns);
    u64f(w, vh_Vcpu_period_ns_tag, v->period_ns);
    u64f(w, vh_Vcpu_affinity_tag, v->affinity);
    u64f(w, vh_Vcpu_priority_tag, v->priority);
    i32f(w, vh_Vcpu_cpu_tag, v->cpu);
    i32f(w, vh_Vcpu_state_tag, (int32_t)v->state);
    u64f(w, vh_Vcpu_index_tag, v->index);
    i32f(w, vh_Vcpu_kind_tag, (int32_t)v->kind);
    strf(w, vh_Vcpu_adu_tag, v->adu, sizeof(v->adu));
    u64f(w, vh_Vcpu_adu_id_tag, v->adu_id);
    u64f(w, vh_Vcpu_id_tag, v->id);
}

/* A repeated string: every element, empty or not. */
static void rstrf(struct wire *w, uint32_t tag, const char *s, size_t cap)
{
    size_t n0 = w->n;
    strf(w, tag, s, cap);
    if (w->n == n0)
        lenf(w, tag, 0);
}

static void adu_body(struct wire *w, const vh_Adu *d)
{
    pb_size_t caps = d->caps_count < pb_arraysize(vh_Adu, caps) ? d->caps_count
                                                                 : pb_arraysize(vh_Adu, caps);
    for (pb_size_t i = caps; i-- > 0;)
        rstrf(w, vh_Adu_caps_tag, d->caps[i], sizeof(d->caps[i]));
    u64f(w, vh_Adu_boots_tag, d->boots);
    i32f(w, vh_Adu_state_tag, (int32_t)d->state);
    u64f(w, vh_Adu_reserve_used_ppm_tag, d->reserve_used_ppm);
    u64f(w, vh_Adu_reserve_ppm_tag, d->reserve_ppm);
    u64f(w, vh_Adu_be_vcpus_tag, d->be_vcpus);
    u64f(w, vh_Adu_ram_bytes_tag, d->ram_bytes);
    strf(w, vh_Adu_name_tag, d->name, sizeof(d->name));
    u64f(w, vh_Adu_id_tag, d->id);
}

static pb_size_t bounded(pb_size_t count, pb_size_t max)
{
    return count < max ? count : max;
}

static void stats_body(struct wire *w, const vh_Stats *st)
{
    for (pb_size_t i = bounded(st->ipc_channels_count, pb_arraysize(vh_Stats, ipc_channels)); i-- > 0;)
        SUBMSG(w, vh_Stats_ipc_channels_tag, chan_body, &st->ipc_channels[i]);
    if (st->has_link)
        SUBMSG(w, vh_Stats_link_tag, link_body, &st->link);
    for (pb_size_t i = bounded(st->cpus_count, pb_arraysize(vh_Stats, cpus)); i-- > 0;)
        SUBMSG(w, vh_Stats_cpus_tag, cpu_body, &st->cpus[i]);
    for (pb_size_t i = bounded(st->vcpus_count, pb_arraysize(vh_Stats, vcpus)); i-- > 0;)
        SUBMSG(w, vh_Stats_vcpus_tag, vcpu_body, &st->vcpus[i]);
    u64f(w, vh_Stats_uptime_ns_tag, st->uptime_ns);
    u64f(w, vh_Stats_dropped_tag, st->dropped);
    u64f(w, vh_Stats_seq_tag, st->seq);
}

static void vcpu_list_body(struct wire *w, const vh_VcpuList *l)
{
    for (pb_size_t i = bounded(l->vcpus_count, pb_arraysize(vh_VcpuList, vcpus)); i-- > 0;)
        SUBMSG(w, vh_VcpuList_vcpus_tag, vcpu_info_body, &l->vcpus[i]);
}

static void adu_list_body(struct wire *w, const vh_AduList *l)
{
    for (pb_size_t i = bounded(l->adus_count, pb_arraysize(vh_AduList, adus)); i-- > 0;)
        SUBMSG(w, vh_AduList_adus_tag, adu_body, &l->adus[i]);
}

size_t mgmt__wire_vcpu_stats_entry(const vh_VcpuStats *v)
{
    struct wire w = {NULL, NULL, 0, false};
    SUBMSG(&w, vh_Stats_vcpus_tag, vcpu_body, v);
    return w.n;
}

size_t mgmt__wire_vcpu_entry(const vh_Vcpu *v)
{
    struct wire w = {NULL, NULL, 0, false};
    SUBMSG(&w, vh_VcpuList_vcpus_tag, vcpu_info_body, v);
    return w.n;
}

size_t mgmt__wire_adu_entry(const vh_Adu *d)
{
    struct wire w = {NULL, NULL, 0, false};
    SUBMSG(&w, vh_AduList_adus_tag, adu_body, d);
    return w.n;
}

size_t mgmt__wire_chan_entry(const vh_IpcChannelStats *c)
{
    struct wire w = {NULL, NULL, 0, false};
    SUBMSG(&w, vh_Stats_ipc_channels_tag, chan_body, c);
    return w.n;
}

size_t mgmt__wire_stats_size(const vh_Stats *st)
{
    struct wire w = {NULL, NULL, 0, false};
    stats_body(&w, st);
    return w.n;
}

bool mgmt__wire_handles(const vh_Response *r)
{
    return r->which_result == vh_Response_stats_tag || r->which_result == vh_Response_vcpus_tag ||
           r->which_result == vh_Response_adus_tag;
}

size_t mgmt__wire_response(const vh_Response *r, uint8_t *buf, size_t cap, const uint8_t **start)
{
    struct wire w = {buf + cap, buf, 0, false};
    if (r->which_result == vh_Response_stats_tag)
        SUBMSG(&w, vh_Response_stats_tag, stats_body, &r->result.stats);
    else if (r->which_result == vh_Response_vcpus_tag)
        SUBMSG(&w, vh_Response_vcpus_tag, vcpu_list_body, &r->result.vcpus);
    else if (r->which_result == vh_Response_adus_tag)
        SUBMSG(&w, vh_Response_adus_tag, adu_list_body, &r->result.adus);
    else
        return 0;
    strf(&w, vh_Response_detail_tag, r->detail, sizeof(r->detail));
    i32f(&w, vh_Response_status_tag, (int32_t)r->status);
    u64f(&w, vh_Response_call_id_tag, r->call_id);
    if (w.full)
        return 0;
    *start = w.p;
    return w.n;
}
