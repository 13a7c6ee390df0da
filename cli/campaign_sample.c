/*
 * Statistics in a campaign worker: a stats step subscribes to the target's
 * stream, merges the samples by VCPU (a sample may carry only part of
 * them), keeps each RT-VCPU's first snapshot as its baseline and its
 * latest one after the window, and turns the two into per-RT-VCPU numbers
 * for the window (campaign.h, struct camp_vstat).  Counters and the
 * histogram are differences over the window; jitter min/max are what the
 * target keeps since the VCPU was created (they cannot be differenced); avg
 * and SD come from the differences of the sums.  An assert step checks the
 * case's last window.
 */
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign_worker.h"

/* How long a VCPU may be missing from the samples after a create. */
#define CAMP__APPEAR_NS 3000000000ull

struct camp__stream {
    uint32_t id;
};

static int camp__subscribe(struct camp_w *w, struct camp__stream *st, uint32_t rate)
{
    Vhd__ClientRequest rq = VHD__CLIENT_REQUEST__INIT;
    Vhd__StatsSubscribeReq sub = VHD__STATS_SUBSCRIBE_REQ__INIT;
    Vhd__ClientResponse *r = NULL;
    sub.rate_hz = rate;
    rq.call_case = VHD__CLIENT_REQUEST__CALL_STATS_SUBSCRIBE;
    rq.stats_subscribe = &sub;
    int got = camp_call(w, &rq, &r, (int)(w->c->timeout_ns / 1000000) + 2000);
    st->id = rq.id;
    if (got <= 0)
        return camp_fail(w, CAMP_ERROR, "no answer from vhd to the stats subscription");
    int ok = r->status == VH__STATUS__OK;
    if (!ok && r->status == VH__STATUS__UNAVAILABLE)
        camp_gone(w, r->detail);
    else if (!ok)
        camp_fail(w, CAMP_ERROR, "stats subscription refused: %s", r->detail);
    vhd__client_response__free_unpacked(r, NULL);
    return ok ? 0 : -1;
}

static void camp__unsubscribe(struct camp_w *w, struct camp__stream *st)
{
    Vhd__ClientRequest rq = VHD__CLIENT_REQUEST__INIT;
    Vhd__StatsUnsubscribeReq un = VHD__STATS_UNSUBSCRIBE_REQ__INIT;
    Vhd__ClientResponse *r = NULL;
    un.subscribe_id = st->id;
    rq.call_case = VHD__CLIENT_REQUEST__CALL_STATS_UNSUBSCRIBE;
    rq.stats_unsubscribe = &un;
    if (camp_call(w, &rq, &r, 2000) > 0)
        vhd__client_response__free_unpacked(r, NULL);
}

/* The target is down when the stream stalls or ends: say why. */
static int camp__stream_lost(struct camp_w *w, const char *what)
{
    char why[400];
    if (camp_target_down(w, why, sizeof(why)))
        return camp_gone(w, why);
    return camp_fail(w, CAMP_ERROR, "%s", what);
}

/* Next stats sample of the stream; 0 with *out, or -1 (outcome set). */
static int camp__next_sample(struct camp_w *w, struct camp__stream *st, uint32_t rate,
                             Vhd__ClientResponse **out)
{
    int wait_ms = (int)(2000 / rate) + (int)(w->c->timeout_ns / 1000000);
    for (;;) {
        Vhd__ClientResponse *r;
        int got = vhctl_recv(&w->v, &r, wait_ms);
        if (got < 0)
            return camp_fail(w, CAMP_ERROR, "lost the connection to vhd");
        if (got == 0)
            return camp__stream_lost(w, "no statistics sample from the target in time");
        if (r->id != st->id) {
            vhd__client_response__free_unpacked(r, NULL);
            continue;
        }
        if (r->result_case == VHD__CLIENT_RESPONSE__RESULT_STATS && r->stats) {
            *out = r;
            return 0;
        }
        int end = r->result_case == VHD__CLIENT_RESPONSE__RESULT_STREAM_END ||
                  (r->result_case == VHD__CLIENT_RESPONSE__RESULT_EVENT && r->event &&
                   r->event->kind != VHD__TARGET_EVENT_KIND__EV_LINK_UP);
        char what[300];
        snprintf(what, sizeof(what), "statistics stream ended: %s",
                 r->detail[0] ? r->detail : r->event ? r->event->detail : "no reason");
        vhd__client_response__free_unpacked(r, NULL);
        if (end)
            return camp__stream_lost(w, what);
    }
}

/* One RT-VCPU as one sample showed it (plain data: samples are freed). */
struct camp__snap {
    uint32_t id;
    int32_t cpu;
    uint64_t releases, misses, overruns, jit_min, jit_max, jit_sum, jit_sumsq;
    uint64_t hist[CAMP_HIST_BUCKETS];
};

/* A stream's RT-VCPUs merged by id: a sample may carry only some of them
 * (the target goes on with the others in the next one, see vh.proto), so
 * each VCPU keeps the first and the latest snapshot the stream gave. */
struct camp__view {
    struct camp__snap *first, *latest;
    size_t n, cap;
};

static void camp__snap_of(struct camp__snap *o, const Vh__VcpuStats *v)
{
    const Vh__RtStats *r = v->rt;
    memset(o, 0, sizeof(*o));
    o->id = v->vcpu_id;
    o->cpu = v->cpu;
    o->releases = r->releases, o->misses = r->misses, o->overruns = r->overruns;
    o->jit_min = r->jitter_min_ns, o->jit_max = r->jitter_max_ns;
    o->jit_sum = r->jitter_sum_ns, o->jit_sumsq = r->jitter_sumsq_ns2;
    for (size_t k = 0; k < CAMP_HIST_BUCKETS && k < r->n_hist; k++)
        o->hist[k] = r->hist[k];
}

static struct camp__snap *camp__view_find(struct camp__view *vw, uint32_t id,
                                          const struct camp__snap **first)
{
    for (size_t i = 0; i < vw->n; i++)
        if (vw->latest[i].id == id) {
            if (first)
                *first = &vw->first[i];
            return &vw->latest[i];
        }
    return NULL;
}

/* Merge a sample's RT-VCPUs into the view; -1 when out of memory. */
static int camp__view_add(struct camp__view *vw, const Vh__Stats *st)
{
    for (size_t i = 0; st && i < st->n_vcpus; i++) {
        const Vh__VcpuStats *v = st->vcpus[i];
        struct camp__snap snap;
        if (!v->rt)
            continue;
        camp__snap_of(&snap, v);
        struct camp__snap *at = camp__view_find(vw, v->vcpu_id, NULL);
        if (at) {
            *at = snap;
            continue;
        }
        if (vw->n == vw->cap) {
            size_t cap = vw->cap ? vw->cap * 2 : 8;
            struct camp__snap *f = realloc(vw->first, cap * sizeof(*f));
            if (f)
                vw->first = f;
            struct camp__snap *l = f ? realloc(vw->latest, cap * sizeof(*l)) : NULL;
            if (!l)
                return -1;
            vw->latest = l, vw->cap = cap;
        }
        vw->first[vw->n] = vw->latest[vw->n] = snap;
        vw->n++;
    }
    return 0;
}

static void camp__view_free(struct camp__view *vw)
{
    free(vw->first);
    free(vw->latest);
    memset(vw, 0, sizeof(*vw));
}

static uint64_t camp__d(uint64_t now, uint64_t then)
{
    return now >= then ? now - then : now; /* counters restart on a reboot */
}

static void camp__vstat(struct camp_vstat *o, const struct camp__snap *a,
                        const struct camp__snap *b)
{
    static const struct camp__snap zero;
    if (b->releases > a->releases) /* the target rebooted */
        b = &zero;
    memset(o, 0, sizeof(*o));
    o->vcpu_id = a->id;
    o->cpu = a->cpu;
    o->releases = a->releases - b->releases;
    o->misses = camp__d(a->misses, b->misses);
    o->overruns = camp__d(a->overruns, b->overruns);
    o->jit_min_ns = (double)a->jit_min;
    o->jit_max_ns = (double)a->jit_max;
    uint64_t n = o->releases, sum = a->jit_sum - b->jit_sum, sq = a->jit_sumsq - b->jit_sumsq;
    if (!n || sum > a->jit_sum || sq > a->jit_sumsq) {
        /* Nothing released in the window, or sums that went backwards: the
         * VCPU's lifetime numbers. */
        n = a->releases, sum = a->jit_sum, sq = a->jit_sumsq;
    }
    if (n) {
        double mean = (double)sum / (double)n, var = (double)sq / (double)n - mean * mean;
        o->jit_avg_ns = mean;
        o->jit_sd_ns = var > 0 ? sqrt(var) : 0;
    }
    for (size_t k = 0; k < CAMP_HIST_BUCKETS; k++)
        o->hist[k] = camp__d(a->hist[k], b->hist[k]);
}

static void camp__window(struct camp_w *w, const struct camp_step *s,
                         const struct camp__view *vw, unsigned samples)
{
    struct camp_window *win;
    if (w->nwin == CAMP_MAX_WINDOWS) { /* keep the newest */
        free(w->win[0].v);
        memmove(&w->win[0], &w->win[1], sizeof(w->win[0]) * (CAMP_MAX_WINDOWS - 1));
        w->nwin--;
    }
    win = &w->win[w->nwin++];
    memset(win, 0, sizeof(*win));
    win->step = w->step;
    win->window_ns = s->wait_ns;
    win->samples = samples;
    win->v = calloc(vw->n ? vw->n : 1, sizeof(*win->v));
    for (size_t i = 0; win->v && i < vw->n; i++)
        camp__vstat(&win->v[win->nv++], &vw->latest[i], &vw->first[i]);
}

int camp_step_stats(struct camp_w *w, const struct camp_step *s)
{
    struct camp__stream st = {0};
    struct camp__view vw = {0};
    Vhd__ClientResponse *r = NULL;
    unsigned samples = 0;
    if (camp__subscribe(w, &st, s->rate_hz))
        return -1;
    /* The window ends with the first sample after its end. */
    uint64_t end = 0;
    int rc = 0;
    do {
        if ((rc = camp__next_sample(w, &st, s->rate_hz, &r)))
            break;
        if (!end)
            end = camp_now_ns() + s->wait_ns;
        if (camp__view_add(&vw, r->stats))
            rc = camp_fail(w, CAMP_ERROR, "out of memory");
        vhd__client_response__free_unpacked(r, NULL);
        samples++;
    } while (!rc && (samples < 2 || camp_now_ns() < end));
    /* Samples vhd still had from a target that has just gone away say
     * nothing about the window: check the link before trusting them. */
    char why[160];
    if (!rc && camp_target_down(w, why, sizeof why))
        rc = camp_gone(w, why);
    if (!rc)
        camp__window(w, s, &vw, samples);
    camp__view_free(&vw);
    if (!w->gone)
        camp__unsubscribe(w, &st);
    return rc;
}

int camp_step_wait_releases(struct camp_w *w, const struct camp_step *s)
{
    struct camp__stream st = {0};
    struct camp__view vw = {0};
    uint32_t id;
    if (camp_vcpu_id(w, &s->vcpu, &id) || camp__subscribe(w, &st, 20))
        return -1;
    /* A VCPU just created may be missing from the first samples (taken
     * before it existed, or it is in the target's next part): give it a
     * moment to show up before calling it no RT-VCPU. */
    uint64_t now = camp_now_ns(), end = now + s->timeout_ns, appear = now + CAMP__APPEAR_NS;
    int rc = 0;
    while (!rc) {
        Vhd__ClientResponse *r = NULL;
        if ((rc = camp__next_sample(w, &st, 20, &r)))
            break;
        rc = camp__view_add(&vw, r->stats) ? camp_fail(w, CAMP_ERROR, "out of memory") : 0;
        vhd__client_response__free_unpacked(r, NULL);
        const struct camp__snap *first, *v = camp__view_find(&vw, id, &first);
        uint64_t seen = v ? camp__d(v->releases, first->releases) : 0;
        now = camp_now_ns();
        if (rc || (v && seen >= s->releases))
            break;
        if (!v && now >= appear)
            rc = camp_fail(w, CAMP_ERROR, "VCPU %u is not an RT-VCPU in the statistics (not "
                           "seen for %.0fs)", id, (double)CAMP__APPEAR_NS / 1e9);
        else if (now >= end)
            rc = camp_fail(w, CAMP_FAIL, "VCPU %u had %llu of %llu releases when the timeout "
                           "ran out", id, (unsigned long long)seen,
                           (unsigned long long)s->releases);
    }
    camp__view_free(&vw);
    if (!w->gone)
        camp__unsubscribe(w, &st);
    return rc;
}

int camp_step_assert(struct camp_w *w, const struct camp_step *s)
{
    const struct camp_window *win = w->nwin ? &w->win[w->nwin - 1] : NULL;
    uint32_t id = 0;
    int pick = s->vcpu.kind != CAMP_VREF_NONE;
    char all[900] = "", one[300];
    size_t len = 0;
    int failed = 0;
    if (pick && camp_vcpu_id(w, &s->vcpu, &id))
        return -1;
    for (size_t i = 0; i < s->nasserts; i++) {
        double m = 0;
        int ok = campaign_assert_eval(&s->asserts[i], win, pick, id, &m, one, sizeof(one));
        if (ok < 0)
            return camp_fail(w, CAMP_ERROR, "%s", one);
        if ((ok && !failed && !w->res.has_measure) || (!ok && !failed)) {
            w->res.has_measure = 1;
            w->res.measure = s->asserts[i].field <= CAMP_F_JIT_SD ? m / 1e3 : m;
            snprintf(w->res.units, sizeof(w->res.units), "%s",
                     campaign_assert_units(&s->asserts[i]));
        }
        if (!ok && len < sizeof(all)) {
            len += (size_t)snprintf(all + len, sizeof(all) - len, "%s%s", failed ? "; " : "", one);
            failed = 1;
        }
    }
    return failed ? camp_fail(w, CAMP_FAIL, "%s", all) : 0;
}

void camp_windows_free(struct camp_w *w)
{
    for (size_t i = 0; i < w->nwin; i++)
        free(w->win[i].v);
    w->nwin = 0;
}
