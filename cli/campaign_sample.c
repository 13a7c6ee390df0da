/*
 * Statistics in a campaign worker: a stats step subscribes to the target's
 * stream, keeps the first sample as the baseline and the last one after
 * the window, and turns the two into per-RT-VCPU numbers for the window
 * (campaign.h, struct camp_vstat).  Counters and the histogram are
 * differences over the window; jitter min/max are what the target keeps
 * since the VCPU was created (they cannot be differenced); avg and SD come
 * from the differences of the sums.  An assert step checks the case's last
 * window.
 */
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign_worker.h"

struct camp__stream {
    uint32_t id;
    Vhd__ClientResponse *base, *last;
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

static const Vh__VcpuStats *camp__find(const Vh__Stats *s, uint32_t id)
{
    for (size_t i = 0; s && i < s->n_vcpus; i++)
        if (s->vcpus[i]->vcpu_id == id)
            return s->vcpus[i];
    return NULL;
}

static uint64_t camp__d(uint64_t now, uint64_t then)
{
    return now >= then ? now - then : now; /* counters restart on a reboot */
}

static void camp__vstat(struct camp_vstat *o, const Vh__VcpuStats *now, const Vh__VcpuStats *then)
{
    const Vh__RtStats *a = now->rt, *b = then && then->rt ? then->rt : NULL;
    Vh__RtStats zero = VH__RT_STATS__INIT;
    if (!b || b->releases > a->releases)
        b = &zero;
    memset(o, 0, sizeof(*o));
    o->vcpu_id = now->vcpu_id;
    o->cpu = now->cpu;
    o->releases = a->releases - b->releases;
    o->misses = camp__d(a->misses, b->misses);
    o->overruns = camp__d(a->overruns, b->overruns);
    o->jit_min_ns = (double)a->jitter_min_ns;
    o->jit_max_ns = (double)a->jitter_max_ns;
    uint64_t n = o->releases, sum = a->jitter_sum_ns - b->jitter_sum_ns,
             sq = a->jitter_sumsq_ns2 - b->jitter_sumsq_ns2;
    if (!n || sum > a->jitter_sum_ns || sq > a->jitter_sumsq_ns2) {
        /* Nothing released in the window, or sums that went backwards: the
         * VCPU's lifetime numbers. */
        n = a->releases, sum = a->jitter_sum_ns, sq = a->jitter_sumsq_ns2;
    }
    if (n) {
        double mean = (double)sum / (double)n, var = (double)sq / (double)n - mean * mean;
        o->jit_avg_ns = mean;
        o->jit_sd_ns = var > 0 ? sqrt(var) : 0;
    }
    for (size_t k = 0; k < CAMP_HIST_BUCKETS && k < a->n_hist; k++)
        o->hist[k] = camp__d(a->hist[k], b != &zero && k < b->n_hist ? b->hist[k] : 0);
}

static void camp__window(struct camp_w *w, const struct camp_step *s, const Vh__Stats *base,
                         const Vh__Stats *last, unsigned samples)
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
    win->v = calloc(last->n_vcpus ? last->n_vcpus : 1, sizeof(*win->v));
    for (size_t i = 0; win->v && i < last->n_vcpus; i++)
        if (last->vcpus[i]->rt)
            camp__vstat(&win->v[win->nv++], last->vcpus[i], camp__find(base, last->vcpus[i]->vcpu_id));
}

int camp_step_stats(struct camp_w *w, const struct camp_step *s)
{
    struct camp__stream st = {0};
    unsigned samples = 1;
    if (camp__subscribe(w, &st, s->rate_hz))
        return -1;
    int rc = camp__next_sample(w, &st, s->rate_hz, &st.base);
    uint64_t end = camp_now_ns() + s->wait_ns;
    while (!rc && (!st.last || camp_now_ns() < end)) {
        if (st.last)
            vhd__client_response__free_unpacked(st.last, NULL);
        st.last = NULL;
        rc = camp__next_sample(w, &st, s->rate_hz, &st.last);
        samples++;
    }
    /* Samples vhd still had from a target that has just gone away say
     * nothing about the window: check the link before trusting them. */
    char why[160];
    if (!rc && camp_target_down(w, why, sizeof why))
        rc = camp_gone(w, why);
    if (!rc)
        camp__window(w, s, st.base->stats, st.last->stats, samples);
    if (st.base)
        vhd__client_response__free_unpacked(st.base, NULL);
    if (st.last)
        vhd__client_response__free_unpacked(st.last, NULL);
    if (!w->gone)
        camp__unsubscribe(w, &st);
    return rc;
}

int camp_step_wait_releases(struct camp_w *w, const struct camp_step *s)
{
    struct camp__stream st = {0};
    uint32_t id;
    if (camp_vcpu_id(w, &s->vcpu, &id) || camp__subscribe(w, &st, 20))
        return -1;
    uint64_t end = camp_now_ns() + s->timeout_ns, first = 0, seen = 0;
    int rc = 0, have = 0;
    while (!rc) {
        Vhd__ClientResponse *r = NULL;
        if ((rc = camp__next_sample(w, &st, 20, &r)))
            break;
        const Vh__VcpuStats *v = camp__find(r->stats, id);
        if (!v || !v->rt) {
            rc = camp_fail(w, CAMP_ERROR, "VCPU %u is not an RT-VCPU in the statistics", id);
        } else {
            if (!have)
                first = v->rt->releases, have = 1;
            seen = v->rt->releases - (v->rt->releases >= first ? first : 0);
            if (seen >= s->releases) {
                vhd__client_response__free_unpacked(r, NULL);
                break;
            }
            if (camp_now_ns() >= end)
                rc = camp_fail(w, CAMP_FAIL, "VCPU %u had %llu of %llu releases when the "
                               "timeout ran out", id, (unsigned long long)seen,
                               (unsigned long long)s->releases);
        }
        vhd__client_response__free_unpacked(r, NULL);
    }
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
