/*
 * vhtop's side of the conversation with vhd: the refresh requests (target
 * list, status, ADUs, VCPUs, link counters; one of each in flight), the
 * stats subscription and its events (link down/up, reboot), reconnecting
 * to vhd once a second when it goes away, and synchronous calls for the
 * actions, during which the other answers keep being handled.
 */
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vhtop.h"

#define VHTOP_RETRY_NS 1000000000ull
#define VHTOP_QUERY_TIMEOUT_MS 2000u
#define VHTOP_LOST_NS 10000000000ull   /* a request this old is forgotten */

uint64_t vhtop_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void vhtop_app_init(struct vhtop_app *a, const struct vhtop_opts *o)
{
    memset(a, 0, sizeof(*a));
    a->o = *o;
    snprintf(a->target, sizeof(a->target), "%s", o->target ? o->target : "");
    snprintf(a->shown, sizeof(a->shown), "%s", o->target ? o->target : "");
    vhtop_conn_init(&a->conn, o->sock);
    vhtop_model_init(&a->m);
}

static void vhtop__drop_latest(struct vhtop_app *a)
{
    if (a->latest)
        vhd__client_response__free_unpacked(a->latest, NULL);
    a->latest = NULL;
}

void vhtop_app_fini(struct vhtop_app *a)
{
    vhtop__drop_latest(a);
    vhtop_conn_close(&a->conn);
}

static uint32_t vhtop__send(struct vhtop_app *a, Vhd__ClientRequest *rq, uint32_t timeout_ms)
{
    rq->target = a->target;
    rq->timeout_ms = timeout_ms;
    return vhtop_conn_send(&a->conn, rq);
}

static uint32_t vhtop__rate(double delay_s)
{
    double hz = ceil(1.0 / delay_s);
    return hz < 1 ? 1 : hz > 100 ? 100 : (uint32_t)hz;
}

static void vhtop__subscribe(struct vhtop_app *a)
{
    Vhd__ClientRequest rq = VHD__CLIENT_REQUEST__INIT;
    Vhd__StatsSubscribeReq sub = VHD__STATS_SUBSCRIBE_REQ__INIT;
    sub.rate_hz = vhtop__rate(a->o.delay_s);
    rq.call_case = VHD__CLIENT_REQUEST__CALL_STATS_SUBSCRIBE;
    rq.stats_subscribe = &sub;
    a->sub_id = vhtop__send(a, &rq, 0);
    a->sub_rate_hz = sub.rate_hz;
}

static void vhtop__unsubscribe(struct vhtop_app *a)
{
    Vhd__ClientRequest rq = VHD__CLIENT_REQUEST__INIT;
    Vhd__StatsUnsubscribeReq u = VHD__STATS_UNSUBSCRIBE_REQ__INIT;
    if (!a->sub_id)
        return;
    u.subscribe_id = a->sub_id;
    rq.call_case = VHD__CLIENT_REQUEST__CALL_STATS_UNSUBSCRIBE;
    rq.stats_unsubscribe = &u;
    a->sub_id = 0;
    vhtop__send(a, &rq, 0);
}

void vhtop_app_connect(struct vhtop_app *a)
{
    uint64_t now = vhtop_now_ns();
    if (a->conn.fd >= 0 || now < a->next_connect_ns)
        return;
    a->next_connect_ns = now + VHTOP_RETRY_NS;
    memset(a->pending, 0, sizeof(a->pending));
    a->sub_id = 0;
    if (vhtop_conn_open(&a->conn))
        return;
    a->ever_connected = 1;
    vhtop_model_reset_deltas(&a->m);
    vhtop__subscribe(a);
    vhtop_app_refresh(a);
}

/* --- refresh requests --------------------------------------------------------- */

static void vhtop__query(struct vhtop_app *a, enum vhtop_query q, Vhd__ClientRequest *rq)
{
    uint64_t now = vhtop_now_ns();
    if (a->pending[q] && now - a->pending_ns[q] < VHTOP_LOST_NS)
        return;
    a->pending[q] = vhtop__send(a, rq, VHTOP_QUERY_TIMEOUT_MS);
    a->pending_ns[q] = now;
}

static void vhtop__forward_query(struct vhtop_app *a, enum vhtop_query q, Vh__Request *fw)
{
    Vhd__ClientRequest rq = VHD__CLIENT_REQUEST__INIT;
    rq.call_case = VHD__CLIENT_REQUEST__CALL_FORWARD;
    rq.forward = fw;
    vhtop__query(a, q, &rq);
}

void vhtop_app_refresh(struct vhtop_app *a)
{
    Vhd__ClientRequest rq = VHD__CLIENT_REQUEST__INIT;
    Vhd__TargetListReq tl = VHD__TARGET_LIST_REQ__INIT;
    Vhd__StatusReq st = VHD__STATUS_REQ__INIT;
    Vhd__LinkStatsReq ls = VHD__LINK_STATS_REQ__INIT;
    Vh__Request fw = VH__REQUEST__INIT;
    Vh__ListAdusReq la = VH__LIST_ADUS_REQ__INIT;
    Vh__ListVcpusReq lv = VH__LIST_VCPUS_REQ__INIT;

    if (a->conn.fd < 0)
        return;
    if (!a->sub_id)
        vhtop__subscribe(a);
    rq.call_case = VHD__CLIENT_REQUEST__CALL_TARGET_LIST;
    rq.target_list = &tl;
    vhtop__query(a, VHTOP_Q_TARGETS, &rq);
    rq.call_case = VHD__CLIENT_REQUEST__CALL_STATUS;
    rq.status = &st;
    vhtop__query(a, VHTOP_Q_STATUS, &rq);
    rq.call_case = VHD__CLIENT_REQUEST__CALL_LINK_STATS;
    rq.link_stats = &ls;
    vhtop__query(a, VHTOP_Q_LINK, &rq);
    /* Forwarded calls wait for a target that is down: skip them then. */
    if (a->m.have_status && a->m.state != VHD__LINK_STATE__LINK_UP)
        return;
    fw.call_case = VH__REQUEST__CALL_LIST_ADUS;
    fw.list_adus = &la;
    vhtop__forward_query(a, VHTOP_Q_ADUS, &fw);
    fw.call_case = VH__REQUEST__CALL_LIST_VCPUS;
    fw.list_vcpus = &lv;
    vhtop__forward_query(a, VHTOP_Q_VCPUS, &fw);
}

/* The state of the shown target in the target list. */
static void vhtop__note_targets(struct vhtop_app *a, const Vhd__TargetList *l)
{
    vhtop_model_set_targets(&a->m, l);
    for (size_t i = 0; i < l->n_targets; i++) {
        const Vhd__TargetStatus *t = l->targets[i];
        if ((!a->target[0] && i == 0) || strcmp(t->name, a->target) == 0) {
            snprintf(a->shown, sizeof(a->shown), "%s", t->name);
            a->m.have_status = 1;
            a->m.state = (int)t->state;
            a->m.boot_id = t->boot_id ? t->boot_id : a->m.boot_id;
            snprintf(a->m.last_error, sizeof(a->m.last_error), "%s", t->last_error);
        }
    }
}

static void vhtop__query_answer(struct vhtop_app *a, enum vhtop_query q,
                                const Vhd__ClientResponse *r)
{
    const Vh__Response *rep = r->reply;
    a->pending[q] = 0;
    if (q == VHTOP_Q_TARGETS && r->targets)
        vhtop__note_targets(a, r->targets);
    else if (q == VHTOP_Q_STATUS && r->target_status)
        vhtop_model_set_status(&a->m, r->target_status);
    else if (q == VHTOP_Q_LINK && r->link_stats)
        vhtop_model_set_link(&a->m, r->link_stats);
    else if (q == VHTOP_Q_ADUS && rep && rep->status == VH__STATUS__OK && rep->adus)
        vhtop_model_set_adus(&a->m, rep->adus);
    else if (q == VHTOP_Q_VCPUS && rep && rep->status == VH__STATUS__OK && rep->vcpus)
        vhtop_model_set_vcpus(&a->m, rep->vcpus);
    if (r->status == VH__STATUS__NOT_FOUND && q == VHTOP_Q_STATUS)
        snprintf(a->sub_err, sizeof(a->sub_err), "%s", r->detail);
}

/* --- the stats stream -------------------------------------------------------------- */

static void vhtop__event(struct vhtop_app *a, const Vhd__TargetEvent *e)
{
    char boot[40];
    snprintf(boot, sizeof(boot), "%016llx", (unsigned long long)e->boot_id);
    a->event_ns = vhtop_now_ns();
    switch (e->kind) {
    case VHD__TARGET_EVENT_KIND__EV_LINK_DOWN:
        a->link_down = 1;
        snprintf(a->event, sizeof(a->event), "link down%s%s; waiting for the target",
                 e->detail[0] ? ": " : "", e->detail);
        a->m.state = VHD__LINK_STATE__LINK_DOWN;
        break;
    case VHD__TARGET_EVENT_KIND__EV_LINK_UP:
        a->link_down = 0;
        snprintf(a->event, sizeof(a->event), "link up again");
        break;
    case VHD__TARGET_EVENT_KIND__EV_REBOOTED:
        a->link_down = 0;
        snprintf(a->event, sizeof(a->event), "target rebooted (boot id %s); counters restarted",
                 boot);
        a->m.boot_id = e->boot_id;
        vhtop_model_reset_deltas(&a->m);
        vhtop__drop_latest(a);
        break;
    default:
        break;
    }
    vhtop_app_refresh(a);
}

/* A message of the subscription; 1 if r was kept (a->latest). */
static int vhtop__stream(struct vhtop_app *a, Vhd__ClientResponse *r)
{
    switch (r->result_case) {
    case VHD__CLIENT_RESPONSE__RESULT_STATS:
        vhtop__drop_latest(a);
        a->latest = r;
        a->sub_err[0] = 0;
        if (a->sample_due) /* the tick came before the sample: late, not skipped */
            a->sample_due = !vhtop_app_take_sample(a);
        if (a->link_down) /* samples again: the link is back even if the event got lost */
            a->link_down = 0;
        return 1;
    case VHD__CLIENT_RESPONSE__RESULT_EVENT:
        vhtop__event(a, r->event);
        return 0;
    case VHD__CLIENT_RESPONSE__RESULT_STREAM_END:
        snprintf(a->sub_err, sizeof(a->sub_err), "statistics stream ended: %s", r->detail);
        a->sub_id = 0; /* the next refresh subscribes again */
        return 0;
    default:
        if (r->status != VH__STATUS__OK) {
            snprintf(a->sub_err, sizeof(a->sub_err), "statistics refused: %s", r->detail);
            a->sub_id = 0;
        }
        return 0;
    }
}

/* One message from vhd that is not the answer to a synchronous call. */
static void vhtop__handle(struct vhtop_app *a, Vhd__ClientResponse *r)
{
    if (r->id && r->id == a->sub_id) {
        if (vhtop__stream(a, r))
            return;
    } else {
        for (int q = 0; q < VHTOP_NQUERY; q++)
            if (a->pending[q] && a->pending[q] == r->id)
                vhtop__query_answer(a, (enum vhtop_query)q, r);
    }
    vhd__client_response__free_unpacked(r, NULL);
}

static void vhtop__lost(struct vhtop_app *a)
{
    a->sub_id = 0;
    memset(a->pending, 0, sizeof(a->pending));
    a->next_connect_ns = vhtop_now_ns() + VHTOP_RETRY_NS;
}

void vhtop_app_readable(struct vhtop_app *a)
{
    Vhd__ClientResponse *r;
    int rc = vhtop_conn_read(&a->conn);
    while (rc == 0 && (rc = vhtop_conn_next(&a->conn, &r)) == 1) {
        vhtop__handle(a, r);
        rc = 0;
    }
    if (a->conn.fd < 0)
        vhtop__lost(a);
}

int vhtop_app_take_sample(struct vhtop_app *a)
{
    if (!a->latest)
        return 0;
    if (a->latest->stats)
        vhtop_model_apply_stats(&a->m, a->latest->stats);
    vhtop__drop_latest(a);
    return 1;
}

int vhtop_app_tick(struct vhtop_app *a)
{
    uint64_t now = vhtop_now_ns();
    vhtop_app_connect(a);
    if (now >= a->next_tick_ns) {
        a->sample_due = !vhtop_app_take_sample(a);
        vhtop_app_refresh(a);
        a->next_tick_ns = now + (uint64_t)(a->o.delay_s * 1e9);
    }
    uint64_t due = a->next_tick_ns;
    if (a->conn.fd < 0 && a->next_connect_ns < due)
        due = a->next_connect_ns;
    now = vhtop_now_ns();
    return due > now ? (int)((due - now) / 1000000ull) + 1 : 0;
}

void vhtop_app_set_delay(struct vhtop_app *a, double s)
{
    a->o.delay_s = s;
    if (a->conn.fd >= 0 && vhtop__rate(s) != a->sub_rate_hz) {
        vhtop__unsubscribe(a);
        vhtop__subscribe(a);
    }
}

void vhtop_app_switch_target(struct vhtop_app *a, const char *name)
{
    vhtop__unsubscribe(a);
    vhtop__drop_latest(a);
    snprintf(a->target, sizeof(a->target), "%s", name);
    snprintf(a->shown, sizeof(a->shown), "%s", name);
    vhtop_model_clear_target(&a->m);
    memset(a->pending, 0, sizeof(a->pending));
    a->event[0] = a->sub_err[0] = 0;
    a->link_down = 0;
    vhtop_app_refresh(a);
}

int vhtop_app_admin(const struct vhtop_app *a)
{
    return a->conn.fd >= 0 && !a->conn.readonly && !a->admin_refused;
}

const char *vhtop_app_admin_hint(const struct vhtop_app *a)
{
    if (a->conn.fd < 0)
        return "not connected to vhd";
    if (a->conn.readonly)
        return "read-only (.ro socket): actions need the admin socket";
    if (a->admin_refused)
        return "read-only: vhd refused an action (permission denied)";
    return "";
}

/* --- synchronous calls ------------------------------------------------------------- */

int vhtop_app_call(struct vhtop_app *a, Vhd__ClientRequest *rq, int timeout_ms,
                   Vhd__ClientResponse **out, char *why, size_t cap)
{
    uint32_t id = vhtop__send(a, rq, (uint32_t)timeout_ms);
    uint64_t end = vhtop_now_ns() + (uint64_t)(timeout_ms + 2000) * 1000000ull;
    *out = NULL;
    while (id) {
        Vhd__ClientResponse *r;
        int rc;
        while ((rc = vhtop_conn_next(&a->conn, &r)) == 1) {
            if (r->id == id) {
                *out = r;
                return 0;
            }
            vhtop__handle(a, r);
        }
        uint64_t now = vhtop_now_ns();
        if (rc < 0 || now >= end)
            break;
        struct pollfd p = {.fd = a->conn.fd, .events = POLLIN};
        if (poll(&p, 1, (int)((end - now) / 1000000ull) + 1) > 0 && vhtop_conn_read(&a->conn))
            break;
    }
    if (a->conn.fd < 0) {
        snprintf(why, cap, "%s", a->conn.err[0] ? a->conn.err : "not connected to vhd");
        vhtop__lost(a);
    } else {
        snprintf(why, cap, "no answer from vhd within %d ms", timeout_ms + 2000);
    }
    return -1;
}

int vhtop_app_forward(struct vhtop_app *a, Vh__Request *fw, char *msg, size_t cap,
                      Vhd__ClientResponse **out)
{
    Vhd__ClientRequest rq = VHD__CLIENT_REQUEST__INIT;
    Vhd__ClientResponse *r;
    rq.call_case = VHD__CLIENT_REQUEST__CALL_FORWARD;
    rq.forward = fw;
    if (out)
        *out = NULL;
    if (vhtop_app_call(a, &rq, 5000, &r, msg, cap))
        return -1;
    int status = (int)r->status;
    const char *detail = r->detail;
    if (status == VH__STATUS__OK && r->reply) {
        status = (int)r->reply->status;
        detail = r->reply->detail;
    }
    if (status == VH__STATUS__PERMISSION_DENIED)
        a->admin_refused = 1;
    if (status == VH__STATUS__OK)
        snprintf(msg, cap, "vhd: OK%s%s", detail && *detail ? ": " : "", detail ? detail : "");
    else if (status == VH__STATUS__RESOURCE_EXHAUSTED)
        snprintf(msg, cap, "vhd: refused: %s", detail && *detail ? detail : "no reason given");
    else
        snprintf(msg, cap, "vhd: %s: %s", vhtop_status_name(status),
                 detail && *detail ? detail : "no detail");
    if (out)
        *out = r;
    else
        vhd__client_response__free_unpacked(r, NULL);
    return status;
}
