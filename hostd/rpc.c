/*
 * Calls to a target: vhd numbers them (call ids unique per target), keeps
 * them until answered, re-sends unanswered ones every VHD_ATTEMPT_MS (and
 * after a reconnect) and fails them at their deadline.  A mutation carries
 * an op_id that stays the same on every retry, so the agent answers a
 * repeat from its cache instead of acting twice.  When the target reboots
 * the calls in flight fail with UNAVAILABLE (vhd_rpc_fail_all).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "vhd.h"

int vhd_rpc_is_mutation(const Vh__Request *req)
{
    switch (req->call_case) {
    case VH__REQUEST__CALL_CREATE_RT:
    case VH__REQUEST__CALL_DESTROY_RT:
    case VH__REQUEST__CALL_SET_RESERVATION:
    case VH__REQUEST__CALL_SET_RT_PARAMS:
    case VH__REQUEST__CALL_MIGRATE:
    case VH__REQUEST__CALL_CONSOLE_INPUT:
        return !(req->call_case == VH__REQUEST__CALL_CREATE_RT && req->create_rt &&
                 req->create_rt->dry_run);
    default:
        return 0;
    }
}

static void vhd__call_send(struct vhd_call *call)
{
    struct vhd_target *t = call->t;
    call->retry_ns = vhd_now_ns() + VHD_ATTEMPT_MS * 1000000ull;
    if (t->state != VHD__LINK_STATE__LINK_UP)
        return;
    if (call->attempts++)
        t->retries++;
    vhd_target_send_frame(t, LINK_CH_RPC, call->req, call->req_len);
}

struct vhd_call *vhd_rpc_call(struct vhd_target *t, Vh__Request *req, int mutation,
                              uint32_t timeout_ms, vhd_call_done_fn done)
{
    struct vhd_call *call = calloc(1, sizeof(*call));
    if (!call)
        return NULL;
    req->call_id = t->next_call_id++;
    if (!t->next_call_id)
        t->next_call_id = 1;
    req->op_id = mutation ? ++t->next_op_id : 0;
    call->req_len = vh__request__get_packed_size(req);
    if (call->req_len > LINK_MAX_PAYLOAD || !(call->req = malloc(call->req_len ? call->req_len : 1))) {
        free(call);
        return NULL;
    }
    vh__request__pack(req, call->req);
    call->t = t;
    call->call_id = req->call_id;
    call->op_id = req->op_id;
    call->done = done;
    call->deadline_ns = vhd_now_ns() + (uint64_t)(timeout_ms ? timeout_ms : VHD_DEFAULT_TIMEOUT_MS) * 1000000ull;
    vhd_list_add_tail(&t->calls, &call->link);
    t->ncalls++;
    vhd__call_send(call);
    return call;
}

static void vhd__call_finish(struct vhd_call *call, const Vh__Response *r, int status,
                             const char *detail)
{
    vhd_list_del(&call->link);
    call->done(call, r, status, detail);
    free(call->req);
    free(call);
}

int vhd_rpc_on_response(struct vhd_target *t, const Vh__Response *r)
{
    struct vhd_list *pos, *tmp;
    vhd_list_for_each_safe(pos, tmp, &t->calls)
    {
        struct vhd_call *call = vhd_container_of(pos, struct vhd_call, link);
        if (call->call_id == r->call_id) {
            vhd__call_finish(call, r, (int)r->status, r->detail);
            return 1;
        }
    }
    return 0;
}

static void vhd__call_expire(struct vhd_call *call)
{
    struct vhd_target *t = call->t;
    char why[256];
    t->timeouts++;
    if (t->state != VHD__LINK_STATE__LINK_UP) {
        snprintf(why, sizeof(why), "target '%s' is not connected (%s%s%s)", t->name,
                 t->state == VHD__LINK_STATE__LINK_HELLO ? "waiting for its hello" : "link down",
                 t->last_error[0] ? ": " : "", t->last_error);
        vhd__call_finish(call, NULL, VH__STATUS__UNAVAILABLE, why);
    } else {
        snprintf(why, sizeof(why), "target '%s' did not answer within the deadline "
                 "(%u attempts)", t->name, call->attempts);
        vhd__call_finish(call, NULL, VH__STATUS__DEADLINE_EXCEEDED, why);
    }
}

void vhd_rpc_tick(struct vhd_target *t, uint64_t now)
{
    struct vhd_list *pos, *tmp;
    vhd_list_for_each_safe(pos, tmp, &t->calls)
    {
        struct vhd_call *call = vhd_container_of(pos, struct vhd_call, link);
        if (now >= call->deadline_ns)
            vhd__call_expire(call);
        else if (now >= call->retry_ns)
            vhd__call_send(call);
    }
}

void vhd_rpc_resend_all(struct vhd_target *t)
{
    struct vhd_list *pos, *tmp;
    vhd_list_for_each_safe(pos, tmp, &t->calls)
        vhd__call_send(vhd_container_of(pos, struct vhd_call, link));
}

void vhd_rpc_fail_all(struct vhd_target *t, int status, const char *detail)
{
    struct vhd_list *pos, *tmp;
    vhd_list_for_each_safe(pos, tmp, &t->calls)
        vhd__call_finish(vhd_container_of(pos, struct vhd_call, link), NULL, status, detail);
}

void vhd_rpc_forget_client(struct vhd_target *t, struct vhd_client *c)
{
    struct vhd_list *pos, *tmp;
    vhd_list_for_each_safe(pos, tmp, &t->calls)
    {
        struct vhd_call *call = vhd_container_of(pos, struct vhd_call, link);
        if (call->c == c)
            call->c = NULL; /* a mutation still completes; nobody hears of it */
    }
}
