/*
 * Stats fan-out: one subscription on the target per target, shared by all
 * clients subscribed to it.  The target streams at the highest rate any
 * subscriber asked for; each subscriber gets at most its own rate.  A
 * subscriber whose client is behind gets nothing until it catches up, then
 * a Gap with the count it missed (vhd_stream_send); the daemon never waits.
 * The subscription is made again by itself after every (re)connect and
 * reboot (vhd_fanout_sync from the target's tick and hello).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "vhd.h"

void vhd_fanout_init(struct vhd_fanout *f)
{
    memset(f, 0, sizeof(*f));
    vhd_list_init(&f->subs);
}

static int vhd__due(const struct vhd_stream *s, uint64_t now)
{
    uint32_t hz = s->rate_hz ? s->rate_hz : 10;
    /* 10% slack: a sample that arrives a little early still counts. */
    uint64_t period = 900000000ull / hz;
    return !s->last_ns || now - s->last_ns >= period;
}

void vhd_fanout_publish(struct vhd_fanout *f, const Vh__Stats *st, uint64_t now)
{
    struct vhd_list *pos, *tmp;
    f->published++;
    vhd_list_for_each_safe(pos, tmp, &f->subs)
    {
        struct vhd_stream *s = vhd_container_of(pos, struct vhd_stream, tlink);
        if (!vhd__due(s, now))
            continue;
        Vhd__ClientResponse m = VHD__CLIENT_RESPONSE__INIT;
        m.target = s->t ? s->t->name : (char *)"";
        m.result_case = VHD__CLIENT_RESPONSE__RESULT_STATS;
        m.stats = (Vh__Stats *)st;
        uint64_t before = s->skipped;
        s->last_ns = now;
        vhd_stream_send(s, &m);
        if (s->skipped > before)
            f->skipped++;
        else
            f->delivered++;
    }
}

void vhd_fanout_event(struct vhd_fanout *f, Vhd__TargetEventKind kind, uint64_t boot_id,
                      const char *detail)
{
    struct vhd_list *pos, *tmp;
    vhd_list_for_each_safe(pos, tmp, &f->subs)
    {
        struct vhd_stream *s = vhd_container_of(pos, struct vhd_stream, tlink);
        Vhd__TargetEvent ev = VHD__TARGET_EVENT__INIT;
        Vhd__ClientResponse m = VHD__CLIENT_RESPONSE__INIT;
        ev.kind = kind;
        ev.boot_id = boot_id;
        ev.detail = (char *)detail;
        m.target = s->t ? s->t->name : (char *)"";
        m.result_case = VHD__CLIENT_RESPONSE__RESULT_EVENT;
        m.event = &ev;
        vhd_stream_send(s, &m);
    }
}

static uint32_t vhd__wanted_rate(const struct vhd_fanout *f)
{
    uint32_t hz = 0;
    const struct vhd_list *pos;
    for (pos = f->subs.next; pos != &f->subs; pos = pos->next) {
        const struct vhd_stream *s = vhd_container_of(pos, const struct vhd_stream, tlink);
        if (s->rate_hz > hz)
            hz = s->rate_hz;
    }
    return hz;
}

static void vhd__send_req(struct vhd_target *t, Vh__Request *rq)
{
    uint8_t buf[64];
    size_t n = vh__request__pack(rq, buf);
    vhd_target_send_frame(t, LINK_CH_RPC, buf, n);
}

static void vhd__unsubscribe(struct vhd_target *t, uint32_t id)
{
    Vh__Request rq = VH__REQUEST__INIT;
    Vh__UnsubscribeStatsReq u = VH__UNSUBSCRIBE_STATS_REQ__INIT;
    u.subscription = id;
    rq.call_id = t->next_call_id++;
    rq.call_case = VH__REQUEST__CALL_UNSUBSCRIBE_STATS;
    rq.unsubscribe_stats = &u;
    vhd__send_req(t, &rq);
}

static void vhd__subscribe(struct vhd_target *t, uint32_t hz)
{
    Vh__Request rq = VH__REQUEST__INIT;
    Vh__SubscribeStatsReq sub = VH__SUBSCRIBE_STATS_REQ__INIT;
    sub.rate_hz = hz;
    rq.call_id = t->next_call_id++;
    rq.call_case = VH__REQUEST__CALL_SUBSCRIBE_STATS;
    rq.subscribe_stats = &sub;
    t->fan.call_id = rq.call_id;
    t->fan.rate_hz = hz;
    vhd_debug("target %s: stats subscription %u at %u Hz", t->name, rq.call_id, hz);
    vhd__send_req(t, &rq);
}

void vhd_fanout_sync(struct vhd_target *t)
{
    struct vhd_fanout *f = &t->fan;
    if (t->state != VHD__LINK_STATE__LINK_UP)
        return;
    uint32_t hz = vhd__wanted_rate(f);
    if (f->call_id && hz == f->rate_hz)
        return;
    if (f->call_id) {
        vhd__unsubscribe(t, f->call_id);
        f->call_id = 0;
    }
    if (hz)
        vhd__subscribe(t, hz);
}

void vhd_fanout_add(struct vhd_target *t, struct vhd_stream *s)
{
    vhd_list_add_tail(&t->fan.subs, &s->tlink);
    vhd_fanout_sync(t);
}

void vhd_fanout_remove(struct vhd_target *t, struct vhd_stream *s)
{
    vhd_list_del(&s->tlink);
    vhd_fanout_sync(t);
}

static void vhd__fanout_refused(struct vhd_target *t, const Vh__Response *r)
{
    struct vhd_list *pos, *tmp;
    char why[256];
    snprintf(why, sizeof(why), "target '%s' refused the stats subscription: %s", t->name,
             r->detail && *r->detail ? r->detail : "no reason given");
    t->fan.call_id = 0;
    vhd_list_for_each_safe(pos, tmp, &t->fan.subs)
        vhd_stream_end(vhd_container_of(pos, struct vhd_stream, tlink), (int)r->status, why);
}

int vhd_fanout_on_response(struct vhd_target *t, const Vh__Response *r)
{
    struct vhd_fanout *f = &t->fan;
    if (r->result_case == VH__RESPONSE__RESULT_STATS && r->call_id != f->call_id) {
        /* An old subscription still streaming (after a reconnect): stop it. */
        vhd__unsubscribe(t, r->call_id);
        return 1;
    }
    if (!f->call_id || r->call_id != f->call_id)
        return 0;
    if (r->result_case == VH__RESPONSE__RESULT_STATS && r->stats)
        vhd_fanout_publish(f, r->stats, vhd_now_ns());
    else if (r->result_case == VH__RESPONSE__RESULT_STREAM_END)
        f->call_id = 0; /* the next tick subscribes again */
    else if (r->status != VH__STATUS__OK)
        vhd__fanout_refused(t, r);
    return 1;
}

/* --- streams ------------------------------------------------------------- */

void vhd_stream_end(struct vhd_stream *s, int status, const char *reason)
{
    if (s->t) {
        if (s->kind == VHD_STREAM_STATS)
            vhd_fanout_remove(s->t, s);
        else
            vhd_list_del(&s->tlink);
        s->t = NULL;
    }
    if (s->c) {
        Vhd__StreamEnd end = VHD__STREAM_END__INIT;
        Vhd__ClientResponse m = VHD__CLIENT_RESPONSE__INIT;
        end.reason = (char *)reason;
        m.id = s->id;
        m.status = (Vh__Status)status;
        m.detail = (char *)reason;
        m.result_case = VHD__CLIENT_RESPONSE__RESULT_STREAM_END;
        m.stream_end = &end;
        vhd_client_send(s->c, &m);
        vhd_list_del(&s->clink);
    }
    free(s);
}
