/*
 * The agent's one-pass encoder of its large answers (mgmt-agent/src/wire.c)
 * against nanopb's generic pb_encode(): for the same Response (stats, VCPU
 * list or ADU list, with or without status and detail), the same bytes;
 * entry and body sizes as pb_get_encoded_size() gives them; no write
 * outside the buffer it is given.  Messages are random over every field
 * (zero and non-zero scalars, 1- to 10-byte varints, negative cpu, enums,
 * empty and full strings, every count from 0 to the array's bound).
 */
#include <criterion/criterion.h>
#include <string.h>

#include <pb_encode.h>

#include "wire.h"
#include "vh.pb.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Zero a quarter of the time, else a value of 1 to 64 significant bits. */
static uint64_t val(void)
{
    if (next() % 4 == 0)
        return 0;
    unsigned bits = (unsigned)(next() % 64) + 1;
    return next() >> (64 - bits);
}

static void name(char *s, size_t cap)
{
    size_t n = (size_t)(next() % cap); /* 0 .. cap-1 characters */
    for (size_t i = 0; i < n; i++)
        s[i] = (char)('a' + next() % 26);
    s[n] = '\0';
}

static void random_stats(vh_Stats *st, unsigned nv, unsigned nc, unsigned nch)
{
    memset(st, 0, sizeof(*st));
    st->seq = val();
    st->dropped = (uint32_t)val();
    st->uptime_ns = val();
    st->vcpus_count = (pb_size_t)nv;
    for (unsigned i = 0; i < nv; i++) {
        vh_VcpuStats *v = &st->vcpus[i];
        v->vcpu_id = (uint32_t)val();
        v->cpu = next() % 3 == 0 ? -1 : (int32_t)(val() & 0x7fffffff);
        v->run_ns = val();
        v->has_rt = next() % 2 == 0;
        if (v->has_rt) {
            vh_RtStats *r = &v->rt;
            r->releases = val();
            r->jitter_min_ns = val();
            r->jitter_max_ns = val();
            r->jitter_sum_ns = val();
            r->jitter_sumsq_ns2 = val();
            r->resp_max_ns = val();
            r->resp_sum_ns = val();
            r->misses = val();
            r->overruns = val();
            r->migrations = val();
            r->hist_count = (pb_size_t)(next() % 17);
            for (unsigned k = 0; k < r->hist_count; k++)
                r->hist[k] = (uint32_t)val();
        }
    }
    st->cpus_count = (pb_size_t)nc;
    for (unsigned i = 0; i < nc; i++) {
        vh_CpuStats *c = &st->cpus[i];
        c->cpu = (uint32_t)val();
        c->rt_ns = val();
        c->be_ns = val();
        c->hv_ns = val();
        c->idle_ns = val();
        c->rt_util_ppm = (uint32_t)val();
    }
    st->has_link = next() % 4 != 0;
    st->link.rx_frames = val();
    st->link.tx_frames = val();
    st->link.rx_crc_errors = val();
    st->link.rx_resyncs = val();
    st->link.rx_oversize = val();
    st->link.rx_dropped = val();
    st->link.tx_dropped = val();
    st->ipc_channels_count = (pb_size_t)nch;
    for (unsigned i = 0; i < nch; i++) {
        vh_IpcChannelStats *c = &st->ipc_channels[i];
        c->src_adu = (uint32_t)val();
        name(c->src, sizeof(c->src));
        c->dst_adu = (uint32_t)val();
        name(c->dst, sizeof(c->dst));
        c->permitted = next() % 2 == 0;
        c->sent = val();
        c->received = val();
        c->refused_perm = val();
        c->refused_full = val();
        c->refused_size = val();
        c->refused_fault = val();
    }
}

static vh_Response resp;
static uint8_t want[16384], got[16384 + 128];

static size_t pb_response(const vh_Response *r)
{
    pb_ostream_t os = pb_ostream_from_buffer(want, sizeof(want));
    cr_assert(pb_encode(&os, vh_Response_fields, r), "nanopb: %s", PB_GET_ERROR(&os));
    return os.bytes_written;
}

/* Encode into got[GUARD .. GUARD + cap); the guard bytes either side must
 * stay as they were. */
#define GUARD 64
static size_t wire(const vh_Response *r, size_t cap, const uint8_t **start)
{
    memset(got, 0xa5, sizeof(got));
    size_t m = mgmt__wire_response(r, got + GUARD, cap, start);
    for (size_t i = 0; i < GUARD; i++) {
        cr_assert_eq(got[i], 0xa5, "a byte before the buffer was written");
        cr_assert_eq(got[GUARD + cap + i], 0xa5, "a byte past the buffer was written");
    }
    return m;
}

static void same_as_nanopb(const vh_Response *r)
{
    cr_assert(mgmt__wire_handles(r));
    size_t n = pb_response(r);
    const uint8_t *start = NULL;
    size_t m = wire(r, sizeof(want), &start);
    cr_assert_eq(m, n, "one-pass encoder wrote %zu bytes, nanopb %zu", m, n);
    cr_assert(start >= got + GUARD && start + m <= got + GUARD + sizeof(want));
    cr_assert(memcmp(start, want, n) == 0, "encodings differ");
}

/* The header fields of a Response: sometimes a status and a detail. */
static void random_header(vh_Response *r)
{
    r->call_id = (uint32_t)val();
    r->status = next() % 3 == 0 ? (vh_Status)(next() % 10) : vh_Status_OK;
    if (next() % 3 == 0)
        name(r->detail, sizeof(r->detail));
    else
        r->detail[0] = '\0';
}

/* A repeated entry's size as wire.c counts it: key, length, nanopb's body. */
static void entry_size_is_nanopbs(size_t counted, const pb_msgdesc_t *fields, const void *msg)
{
    size_t e = 0;
    cr_assert(pb_get_encoded_size(&e, fields, msg));
    cr_assert_eq(counted, 1 + (e < 128 ? 1 : 2) + e);
}

static void stats_response(const vh_Stats *st)
{
    memset(&resp, 0, sizeof(resp));
    random_header(&resp);
    resp.which_result = vh_Response_stats_tag;
    resp.result.stats = *st;
    same_as_nanopb(&resp);

    size_t body = 0;
    cr_assert(pb_get_encoded_size(&body, vh_Stats_fields, st));
    cr_assert_eq(mgmt__wire_stats_size(st), body);
    for (pb_size_t i = 0; i < st->vcpus_count; i++)
        entry_size_is_nanopbs(mgmt__wire_vcpu_stats_entry(&st->vcpus[i]), vh_VcpuStats_fields,
                              &st->vcpus[i]);
    for (pb_size_t i = 0; i < st->ipc_channels_count; i++)
        entry_size_is_nanopbs(mgmt__wire_chan_entry(&st->ipc_channels[i]),
                              vh_IpcChannelStats_fields, &st->ipc_channels[i]);
}

static void random_vcpus(vh_VcpuList *l, unsigned n)
{
    l->vcpus_count = (pb_size_t)n;
    for (unsigned i = 0; i < n; i++) {
        vh_Vcpu *v = &l->vcpus[i];
        v->id = (uint32_t)val();
        v->adu_id = (uint32_t)val();
        name(v->adu, sizeof(v->adu));
        v->kind = (vh_VcpuKind)(next() % 2);
        v->index = (uint32_t)val();
        v->state = (vh_VcpuState)(next() % 6);
        v->cpu = next() % 3 == 0 ? -1 : (int32_t)(val() & 0x7fffffff);
        v->priority = (uint32_t)val();
        v->affinity = (uint32_t)val();
        v->period_ns = val();
        v->deadline_ns = val();
        v->budget_ns = val();
        v->util_ppm = (uint32_t)val();
        v->entry = val();
    }
}

static void random_adus(vh_AduList *l, unsigned n)
{
    l->adus_count = (pb_size_t)n;
    for (unsigned i = 0; i < n; i++) {
        vh_Adu *d = &l->adus[i];
        d->id = (uint32_t)val();
        name(d->name, sizeof(d->name));
        d->ram_bytes = val();
        d->be_vcpus = (uint32_t)val();
        d->reserve_ppm = (uint32_t)val();
        d->reserve_used_ppm = (uint32_t)val();
        d->state = (vh_AduState)(next() % 3);
        d->boots = (uint32_t)val();
        d->caps_count = (pb_size_t)(next() % 5);
        for (unsigned k = 0; k < d->caps_count; k++)
            name(d->caps[k], sizeof(d->caps[k])); /* empty ones included */
    }
}

static vh_Stats st;

Test(wire, empty_stats)
{
    memset(&st, 0, sizeof(st));
    stats_response(&st);
}

Test(wire, random_stats_match_nanopb)
{
    for (unsigned iter = 0; iter < 2000; iter++) {
        random_stats(&st, (unsigned)(next() % 41), (unsigned)(next() % 9),
                     (unsigned)(next() % 17));
        stats_response(&st);
    }
}

Test(wire, stats_every_bound_full)
{
    random_stats(&st, 40, 8, 16);
    for (unsigned i = 0; i < 40; i++) {
        st.vcpus[i].has_rt = true;
        st.vcpus[i].rt.hist_count = 16;
        st.vcpus[i].rt.jitter_sumsq_ns2 = UINT64_MAX;
        st.vcpus[i].cpu = -1;
    }
    for (unsigned i = 0; i < 16; i++) {
        memset(st.ipc_channels[i].src, 'x', 15);
        st.ipc_channels[i].src[15] = '\0';
    }
    stats_response(&st);
}

Test(wire, random_lists_match_nanopb)
{
    for (unsigned iter = 0; iter < 2000; iter++) {
        memset(&resp, 0, sizeof(resp));
        random_header(&resp);
        if (iter % 2 == 0) {
            resp.which_result = vh_Response_vcpus_tag;
            random_vcpus(&resp.result.vcpus, (unsigned)(next() % 41));
            for (pb_size_t i = 0; i < resp.result.vcpus.vcpus_count; i++) {
                const vh_Vcpu *v = &resp.result.vcpus.vcpus[i];
                entry_size_is_nanopbs(mgmt__wire_vcpu_entry(v), vh_Vcpu_fields, v);
            }
        } else {
            resp.which_result = vh_Response_adus_tag;
            random_adus(&resp.result.adus, (unsigned)(next() % 9));
            for (pb_size_t i = 0; i < resp.result.adus.adus_count; i++) {
                const vh_Adu *d = &resp.result.adus.adus[i];
                entry_size_is_nanopbs(mgmt__wire_adu_entry(d), vh_Adu_fields, d);
            }
        }
        same_as_nanopb(&resp);
    }
}

Test(wire, other_answers_are_left_to_nanopb)
{
    const uint8_t *start = NULL;
    memset(&resp, 0, sizeof(resp));
    resp.which_result = vh_Response_system_info_tag;
    cr_assert_not(mgmt__wire_handles(&resp));
    cr_assert_eq(mgmt__wire_response(&resp, got, sizeof(got), &start), 0);
    resp.which_result = 0;
    cr_assert_not(mgmt__wire_handles(&resp));
}

Test(wire, too_small_a_buffer_is_refused)
{
    const uint8_t *start = NULL;
    for (unsigned iter = 0; iter < 200; iter++) {
        random_stats(&st, (unsigned)(next() % 41), (unsigned)(next() % 9),
                     (unsigned)(next() % 17));
        memset(&resp, 0, sizeof(resp));
        random_header(&resp);
        resp.which_result = vh_Response_stats_tag;
        resp.result.stats = st;
        size_t n = pb_response(&resp);
        for (size_t cap = n > 40 ? n - 40 : 0; cap < n; cap++)
            cr_assert_eq(wire(&resp, cap, &start), 0, "%zu bytes in %zu", n, cap);
        cr_assert_eq(wire(&resp, n, &start), n);
        cr_assert_eq(start, got + GUARD, "an exact fit starts at the buffer");
        cr_assert(memcmp(start, want, n) == 0);
    }
}
