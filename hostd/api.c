/*
 * The local API's dispatch of ClientRequests (sockets: listen.c).  A mutation from a
 * read-only client is refused with PERMISSION_DENIED; every change is
 * logged with the peer's uid and pid (SO_PEERCRED).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "vhd.h"
#include "vhd_api.h"

static const char *vhd__call_name(const Vhd__ClientRequest *rq)
{
    if (rq->call_case == VHD__CLIENT_REQUEST__CALL_FORWARD && rq->forward) {
        const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field(
            &vh__request__descriptor, (unsigned)rq->forward->call_case);
        return f ? f->name : "forward";
    }
    const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field(
        &vhd__client_request__descriptor, (unsigned)rq->call_case);
    return f ? f->name : "unknown";
}

static int vhd__is_mutation(const Vhd__ClientRequest *rq)
{
    switch (rq->call_case) {
    case VHD__CLIENT_REQUEST__CALL_TARGET_ADD:
    case VHD__CLIENT_REQUEST__CALL_TARGET_REMOVE:
    case VHD__CLIENT_REQUEST__CALL_CONSOLE_INPUT:
        return 1;
    case VHD__CLIENT_REQUEST__CALL_FORWARD:
        return rq->forward && vhd_rpc_is_mutation(rq->forward);
    default:
        return 0;
    }
}

/* --- answers of forwarded calls ------------------------------------------ */

void vhd_api_note_adus(struct vhd_target *t, const Vh__Response *r)
{
    if (!r || r->result_case != VH__RESPONSE__RESULT_ADUS || !r->adus)
        return;
    for (size_t i = 0; i < r->adus->n_adus; i++) {
        const Vh__Adu *a = r->adus->adus[i];
        if (a->id < VHD_NCONSOLES)
            snprintf(t->adu_name[a->id], sizeof(t->adu_name[0]), "%s", a->name);
    }
}

static void vhd__forward_done(struct vhd_call *call, const Vh__Response *r, int status,
                              const char *detail)
{
    vhd_api_note_adus(call->t, r);
    if (!call->c)
        return;
    Vhd__ClientResponse m = VHD__CLIENT_RESPONSE__INIT;
    m.id = call->req_id;
    m.status = (Vh__Status)status;
    m.detail = (char *)(detail ? detail : "");
    m.target = call->t->name;
    if (r) {
        m.result_case = VHD__CLIENT_RESPONSE__RESULT_REPLY;
        m.reply = (Vh__Response *)r;
    }
    vhd_client_send(call->c, &m);
}

static void vhd__adus_refreshed(struct vhd_call *call, const Vh__Response *r, int status,
                                const char *detail)
{
    (void)status;
    (void)detail;
    vhd_api_note_adus(call->t, r);
}

void vhd_api_refresh_adus(struct vhd_target *t)
{
    Vh__Request rq = VH__REQUEST__INIT;
    Vh__ListAdusReq la = VH__LIST_ADUS_REQ__INIT;
    rq.call_case = VH__REQUEST__CALL_LIST_ADUS;
    rq.list_adus = &la;
    vhd_rpc_call(t, &rq, 0, 0, vhd__adus_refreshed);
}

void vhd_api_forward(struct vhd_client *c, struct vhd_target *t, const Vhd__ClientRequest *rq,
                     Vh__Request *fw)
{
    struct vhd_call *call = vhd_rpc_call(t, fw, vhd_rpc_is_mutation(fw), rq->timeout_ms,
                                         vhd__forward_done);
    if (!call) {
        vhd_client_reply(c, rq->id, t->name, VH__STATUS__RESOURCE_EXHAUSTED,
                         "request too large for the link or out of memory");
        return;
    }
    call->c = c;
    call->req_id = rq->id;
}

/* --- target management and status ---------------------------------------- */

static void vhd__target_list(struct vhd_client *c, const Vhd__ClientRequest *rq)
{
    struct vhd *d = c->d;
    size_t n = 0, i = 0;
    struct vhd_list *pos, *tmp;
    vhd_list_for_each_safe(pos, tmp, &d->targets) n++;
    Vhd__TargetStatus *st = calloc(n ? n : 1, sizeof(*st));
    Vhd__TargetStatus **pp = calloc(n ? n : 1, sizeof(*pp));
    if (!st || !pp) {
        free(st);
        free(pp);
        vhd_client_drop(c, "out of memory");
        return;
    }
    vhd_list_for_each_safe(pos, tmp, &d->targets)
    {
        vhd__target_status__init(&st[i]);
        vhd_target_status(vhd_container_of(pos, struct vhd_target, link), &st[i]);
        pp[i] = &st[i];
        i++;
    }
    Vhd__TargetList tl = VHD__TARGET_LIST__INIT;
    Vhd__ClientResponse m = VHD__CLIENT_RESPONSE__INIT;
    tl.n_targets = n;
    tl.targets = pp;
    m.id = rq->id;
    m.result_case = VHD__CLIENT_RESPONSE__RESULT_TARGETS;
    m.targets = &tl;
    vhd_client_send(c, &m);
    free(st);
    free(pp);
}

static void vhd__target_add(struct vhd_client *c, const Vhd__ClientRequest *rq)
{
    char why[512];
    const Vhd__TargetAddReq *a = rq->target_add;
    if (vhd_target_add(c->d, a->name, a->spec, why, sizeof(why)))
        vhd_client_reply(c, rq->id, a->name, VH__STATUS__INVALID_ARGUMENT, why);
    else
        vhd_client_reply(c, rq->id, a->name, VH__STATUS__OK, "added");
}

static void vhd__status_done(struct vhd_call *call, const Vh__Response *r, int status,
                             const char *detail)
{
    if (!call->c)
        return;
    Vhd__TargetStatus st = VHD__TARGET_STATUS__INIT;
    Vhd__ClientResponse m = VHD__CLIENT_RESPONSE__INIT;
    vhd_target_status(call->t, &st);
    if (r && r->result_case == VH__RESPONSE__RESULT_SYSTEM_INFO)
        st.info = r->system_info;
    m.id = call->req_id;
    m.status = (Vh__Status)status;
    m.detail = (char *)(detail ? detail : "");
    m.target = call->t->name;
    m.result_case = VHD__CLIENT_RESPONSE__RESULT_TARGET_STATUS;
    m.target_status = &st;
    vhd_client_send(call->c, &m);
}

static void vhd__status(struct vhd_client *c, struct vhd_target *t, const Vhd__ClientRequest *rq)
{
    Vh__Request fw = VH__REQUEST__INIT;
    Vh__SystemInfoReq si = VH__SYSTEM_INFO_REQ__INIT;
    fw.call_case = VH__REQUEST__CALL_SYSTEM_INFO;
    fw.system_info = &si;
    struct vhd_call *call = vhd_rpc_call(t, &fw, 0, rq->timeout_ms, vhd__status_done);
    if (call) {
        call->c = c;
        call->req_id = rq->id;
    }
}

static void vhd__link_stats(struct vhd_client *c, struct vhd_target *t,
                            const Vhd__ClientRequest *rq)
{
    Vh__LinkCounters host = VH__LINK_COUNTERS__INIT;
    Vhd__LinkStats ls = VHD__LINK_STATS__INIT;
    Vhd__ClientResponse m = VHD__CLIENT_RESPONSE__INIT;
    host.rx_frames = t->ctr.rx_frames;
    host.tx_frames = t->ctr.tx_frames;
    host.rx_crc_errors = t->ctr.rx_crc_errors;
    host.rx_resyncs = t->ctr.rx_resyncs;
    host.rx_oversize = t->ctr.rx_oversize;
    host.rx_dropped = t->ctr.rx_dropped;
    host.tx_dropped = t->ctr.tx_dropped;
    ls.host = &host;
    ls.target = &t->remote;
    ls.heartbeats_rx = t->heartbeats_rx;
    ls.calls = t->ncalls;
    ls.retries = t->retries;
    ls.timeouts = t->timeouts;
    ls.text_bytes = t->text_bytes;
    ls.reconnects = t->reconnects;
    ls.state = t->state;
    m.id = rq->id;
    m.target = t->name;
    m.result_case = VHD__CLIENT_RESPONSE__RESULT_LINK_STATS;
    m.link_stats = &ls;
    vhd_client_send(c, &m);
}

/* --- dispatch -------------------------------------------------------------- */

static void vhd__log_change(struct vhd_client *c, const Vhd__ClientRequest *rq,
                            const struct vhd_target *t)
{
    vhd_info("change by client #%u (uid %d pid %d): %s on %s", c->serial, (int)c->uid,
             (int)c->pid, vhd__call_name(rq), t ? t->name : "vhd");
}

static int vhd__check_allowed(struct vhd_client *c, const Vhd__ClientRequest *rq)
{
    if (!vhd__is_mutation(rq) || !c->readonly)
        return 1;
    char why[300];
    snprintf(why, sizeof(why), "'%s' changes the system and this is the read-only socket "
             "%s; use the admin socket %s", vhd__call_name(rq), c->d->ro_path, c->d->sock_path);
    vhd_info("refused %s from read-only client #%u (uid %d pid %d)", vhd__call_name(rq),
             c->serial, (int)c->uid, (int)c->pid);
    vhd_client_reply(c, rq->id, rq->target, VH__STATUS__PERMISSION_DENIED, why);
    return 0;
}

/* Requests that are not about one existing target. */
static int vhd__dispatch_global(struct vhd_client *c, const Vhd__ClientRequest *rq)
{
    switch (rq->call_case) {
    case VHD__CLIENT_REQUEST__CALL_TARGET_LIST:
        vhd__target_list(c, rq);
        return 1;
    case VHD__CLIENT_REQUEST__CALL_TARGET_ADD:
        vhd__log_change(c, rq, NULL);
        vhd__target_add(c, rq);
        return 1;
    case VHD__CLIENT_REQUEST__CALL_CONSOLE_DETACH:
        vhd_api_stream_close(c, rq, rq->console_detach->attach_id);
        return 1;
    case VHD__CLIENT_REQUEST__CALL_STATS_UNSUBSCRIBE:
        vhd_api_stream_close(c, rq, rq->stats_unsubscribe->subscribe_id);
        return 1;
    default:
        return 0;
    }
}

static struct vhd_target *vhd__find_or_refuse(struct vhd_client *c, const Vhd__ClientRequest *rq)
{
    struct vhd_target *t = vhd_target_find(c->d, rq->target);
    if (t)
        return t;
    char why[512], names[400];
    size_t len = 0;
    struct vhd_list *pos, *tmp;
    names[0] = 0;
    vhd_list_for_each_safe(pos, tmp, &c->d->targets)
    {
        struct vhd_target *x = vhd_container_of(pos, struct vhd_target, link);
        if (len < sizeof(names))
            len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s", len ? ", " : "",
                                    x->name);
    }
    if (!rq->target[0])
        snprintf(why, sizeof(why), "vhd has no targets; add one with `vhctl target add NAME SPEC`");
    else
        snprintf(why, sizeof(why), "no target '%s' (targets: %s)", rq->target,
                 len ? names : "none");
    vhd_client_reply(c, rq->id, rq->target, VH__STATUS__NOT_FOUND, why);
    return NULL;
}

static void vhd__dispatch_target(struct vhd_client *c, struct vhd_target *t,
                                 const Vhd__ClientRequest *rq)
{
    switch (rq->call_case) {
    case VHD__CLIENT_REQUEST__CALL_TARGET_REMOVE:
        vhd_client_reply(c, rq->id, t->name, VH__STATUS__OK, "removed");
        vhd_target_remove(t, "removed by a client");
        break;
    case VHD__CLIENT_REQUEST__CALL_STATUS:
        vhd__status(c, t, rq);
        break;
    case VHD__CLIENT_REQUEST__CALL_FORWARD:
        vhd_api_forward(c, t, rq, rq->forward);
        break;
    case VHD__CLIENT_REQUEST__CALL_CONSOLE_ATTACH:
        vhd_api_console_attach(c, t, rq);
        break;
    case VHD__CLIENT_REQUEST__CALL_CONSOLE_INPUT:
        vhd_api_console_input(c, t, rq);
        break;
    case VHD__CLIENT_REQUEST__CALL_STATS_SUBSCRIBE:
        vhd_api_stats_subscribe(c, t, rq);
        break;
    case VHD__CLIENT_REQUEST__CALL_LINK_STATS:
        vhd__link_stats(c, t, rq);
        break;
    case VHD__CLIENT_REQUEST__CALL_RESOLVE_SYMBOL:
        vhd_api_resolve_symbol(c, t, rq);
        break;
    default:
        vhd_client_reply(c, rq->id, t->name, VH__STATUS__UNIMPLEMENTED, "unknown request");
    }
}

void vhd_api_dispatch(struct vhd_client *c, const Vhd__ClientRequest *rq)
{
    if (rq->call_case == VHD__CLIENT_REQUEST__CALL__NOT_SET ||
        (rq->call_case == VHD__CLIENT_REQUEST__CALL_FORWARD &&
         rq->forward->call_case == VH__REQUEST__CALL__NOT_SET)) {
        vhd_client_reply(c, rq->id, rq->target, VH__STATUS__INVALID_ARGUMENT,
                         "request without a call");
        return;
    }
    if (!vhd__check_allowed(c, rq) || vhd__dispatch_global(c, rq))
        return;
    struct vhd_target *t = vhd__find_or_refuse(c, rq);
    if (!t)
        return;
    if (vhd__is_mutation(rq))
        vhd__log_change(c, rq, t);
    vhd__dispatch_target(c, t, rq);
}
