/*
 * RPC dispatch: decode one Request (nanopb, into the agent's scratch), run
 * it through mgmt_ops, encode the Response.  The link (agent.c) and the
 * inter-ADU transport (mgmt_agent_rpc_packet) share this path.
 *
 * Mutations with an op_id are remembered: their encoded answer (without
 * call_id) goes into a small ring, and a request repeating the op_id is
 * answered from it with its own call_id prepended, without calling the
 * hypervisor again.  Protobuf allows fields in any order, so
 * "call_id field + cached bytes" is a valid Response.
 *
 * Stats subscriptions (link only) live in a->subs; mgmt__stats_step()
 * sends one message of the most overdue one.
 */
#include "agent_priv.h"

#include <vh/config.h>

/* A mutation's answer (status, detail, CreateRtResult; no call_id) fits a
 * cache slot, so every mutation with an op_id is remembered. */
_Static_assert(2 + 2 + 127 + 2 + vh_CreateRtResult_size <= MGMT_OPCACHE_BYTES,
               "MGMT_OPCACHE_BYTES below a mutation's answer");

static bool is_mutation(const vh_Request *q)
{
    switch (q->which_call) {
    case vh_Request_create_rt_tag:
        return !q->call.create_rt.dry_run;
    case vh_Request_destroy_rt_tag:
    case vh_Request_set_reservation_tag:
    case vh_Request_set_rt_params_tag:
    case vh_Request_migrate_tag:
        return true;
    default:
        return false;
    }
}

/* Fill status and detail from a VH_E* result and the why text of ops. */
static void set_error(vh_Response *r, long err)
{
    r->status = mgmt__status_of(err);
    if (err < 0 && r->detail[0] == '\0')
        mgmt__copy_str(r->detail, sizeof(r->detail), vh_strerror(err));
}

static void call_create_rt(struct mgmt_agent *a, const vh_CreateRtReq *c, vh_Response *r)
{
    struct vh_rt_params p;
    uint32_t adu = 0;
    int32_t cpu = c->cpu;

    long err = mgmt__adu_by_name(a, c->adu, &adu, r->detail, sizeof(r->detail));
    if (err != 0) {
        set_error(r, err);
        return;
    }
    memset(&p, 0, sizeof(p));
    p.entry = c->entry;
    p.arg = c->arg;
    p.stack = c->stack;
    p.period_ns = c->period_ns;
    p.deadline_ns = c->deadline_ns;
    p.budget_ns = c->budget_ns;
    p.cpu = c->cpu;
    p.flags = c->dry_run ? VH_RT_F_DRY_RUN : 0;
    long ret = a->ops->rt_create(adu, &p, &cpu, r->detail, sizeof(r->detail));
    vh_CreateRtResult *res = &r->result.create_rt;
    bool refused = ret == VH_EADU_RESERVE || ret == VH_ECPU_CAPACITY ||
                   ret == VH_EFRAGMENTED || ret == VH_EMACHINE_LIMIT;
    /* A dry run answers the question: a refusal is its result, not an error. */
    if (ret < 0 && !(c->dry_run && refused)) {
        set_error(r, ret);
        return;
    }
    r->which_result = vh_Response_create_rt_tag;
    res->cpu = cpu;
    res->admitted = ret >= 0;
    if (ret < 0) {
        set_error(r, ret); /* the why text of the refusal */
        r->status = vh_Status_OK;
    }
    if (!c->dry_run) {
        res->vcpu_id = (uint32_t)ret;
        int32_t idx = mgmt__rt_index(a, res->vcpu_id);
        res->rt_id = idx < 0 ? 0 : (uint32_t)idx;
    }
}

static void call_mutation(struct mgmt_agent *a, const vh_Request *q, vh_Response *r)
{
    const struct mgmt_ops *o = a->ops;
    struct vh_rt_params p;
    uint32_t adu = 0;
    long err;

    switch (q->which_call) {
    case vh_Request_create_rt_tag:
        call_create_rt(a, &q->call.create_rt, r);
        return;
    case vh_Request_destroy_rt_tag:
        err = o->rt_destroy(q->call.destroy_rt.vcpu_id);
        break;
    case vh_Request_set_reservation_tag:
        err = mgmt__adu_by_name(a, q->call.set_reservation.adu, &adu, r->detail,
                                sizeof(r->detail));
        if (err == 0)
            err = o->reserve_set(adu, q->call.set_reservation.reserve_ppm, r->detail,
                                 sizeof(r->detail));
        break;
    case vh_Request_set_rt_params_tag:
        memset(&p, 0, sizeof(p));
        p.period_ns = q->call.set_rt_params.period_ns;
        p.deadline_ns = q->call.set_rt_params.deadline_ns;
        p.budget_ns = q->call.set_rt_params.budget_ns;
        p.cpu = VH_CPU_AUTO;
        err = o->rt_set(q->call.set_rt_params.vcpu_id, &p, r->detail, sizeof(r->detail));
        break;
    case vh_Request_migrate_tag:
        err = o->vcpu_migrate(q->call.migrate.vcpu_id, q->call.migrate.cpu, r->detail,
                              sizeof(r->detail));
        break;
    default:
        err = VH_ENOSYS;
        break;
    }
    set_error(r, err < 0 ? err : 0);
}

static void call_console_input(struct mgmt_agent *a, const vh_ConsoleInputReq *c, vh_Response *r)
{
    uint32_t adu = 0;
    long err = mgmt__adu_by_name(a, c->adu, &adu, r->detail, sizeof(r->detail));

    if (err == 0)
        err = a->ops->console_input(adu, c->data.bytes, c->data.size);
    if (err >= 0 && (size_t)err < c->data.size)
        mgmt__copy_str(r->detail, sizeof(r->detail), "console input queue full: input cut");
    set_error(r, err < 0 ? err : 0);
}

void mgmt__subs_clear(struct mgmt_agent *a)
{
    memset(a->subs, 0, sizeof(a->subs));
}

static void call_subscribe(struct mgmt_agent *a, uint32_t call_id, uint32_t hz, vh_Response *r)
{
    if (hz < MGMT_STATS_MIN_HZ || hz > MGMT_STATS_MAX_HZ) {
        mgmt__copy_str(r->detail, sizeof(r->detail), "rate_hz must be 1..100");
        r->status = vh_Status_INVALID_ARGUMENT;
        return;
    }
    struct mgmt_sub *free_slot = NULL;
    for (uint32_t i = 0; i < MGMT_MAX_SUBS; i++) {
        if (a->subs[i].call_id == call_id || (a->subs[i].call_id == 0 && free_slot == NULL))
            free_slot = &a->subs[i];
    }
    if (free_slot == NULL || call_id == 0) {
        mgmt__copy_str(r->detail, sizeof(r->detail),
                       call_id == 0 ? "a subscription needs a call_id"
                                    : "all stats subscriptions in use");
        r->status = call_id == 0 ? vh_Status_INVALID_ARGUMENT : vh_Status_RESOURCE_EXHAUSTED;
        return;
    }
    memset(free_slot, 0, sizeof(*free_slot));
    free_slot->call_id = call_id;
    free_slot->period_ns = 1000000000ull / hz;
    free_slot->next_ns = a->now_ns; /* the first message comes with the next step */
}

/* Append a varint; returns the new position (buf has room for 5 bytes). */
static size_t put_varint32(uint8_t *buf, size_t pos, uint32_t v)
{
    while (v > 0x7fu) {
        buf[pos++] = (uint8_t)((v & 0x7fu) | 0x80u);
        v >>= 7;
    }
    buf[pos++] = (uint8_t)v;
    return pos;
}

/* Answer to an unsubscribe.  The stream itself ends first with a Response
 * {call_id: the subscribe's, stream_end: {}}, encoded by hand (the scratch
 * Response is the answer being built). */
static void call_unsubscribe(struct mgmt_agent *a, uint32_t sub, vh_Response *r)
{
    for (uint32_t i = 0; i < MGMT_MAX_SUBS; i++) {
        if (sub == 0 || a->subs[i].call_id != sub)
            continue;
        uint8_t end[8];
        size_t n = 0;
        a->subs[i].call_id = 0;
        end[n++] = (vh_Response_call_id_tag << 3) | PB_WT_VARINT;
        n = put_varint32(end, n, sub);
        end[n++] = (vh_Response_stream_end_tag << 3) | PB_WT_STRING;
        end[n++] = 0;
        mgmt__send(a, LINK_CH_RPC, end, n);
        r->which_result = vh_Response_stream_end_tag;
        return;
    }
    mgmt__copy_str(r->detail, sizeof(r->detail), "no such subscription");
    r->status = vh_Status_NOT_FOUND;
}

static void dispatch(struct mgmt_agent *a, bool over_link, const vh_Request *q, vh_Response *r)
{
    size_t budget = LINK_MAX_PAYLOAD - MGMT_RESP_OVERHEAD;

    switch (q->which_call) {
    case vh_Request_system_info_tag:
        r->which_result = vh_Response_system_info_tag;
        mgmt__system_info(a, &r->result.system_info);
        break;
    case vh_Request_list_adus_tag:
        mgmt__list_adus(a, r, budget);
        break;
    case vh_Request_list_vcpus_tag:
        mgmt__list_vcpus(a, r, q->call.list_vcpus.adu, budget);
        break;
    case vh_Request_console_input_tag:
        call_console_input(a, &q->call.console_input, r);
        break;
    case vh_Request_subscribe_stats_tag:
    case vh_Request_unsubscribe_stats_tag:
        if (!over_link) {
            mgmt__copy_str(r->detail, sizeof(r->detail),
                           "stats streams are only served over the management link");
            r->status = vh_Status_FAILED_PRECONDITION;
        } else if (q->which_call == vh_Request_subscribe_stats_tag) {
            call_subscribe(a, q->call_id, q->call.subscribe_stats.rate_hz, r);
        } else {
            call_unsubscribe(a, q->call.unsubscribe_stats.subscription, r);
        }
        break;
    case 0:
        mgmt__copy_str(r->detail, sizeof(r->detail), "request names no call");
        r->status = vh_Status_INVALID_ARGUMENT;
        break;
    default:
        call_mutation(a, q, r);
        break;
    }
}

static struct mgmt_opcache_slot *opcache_find(struct mgmt_agent *a, uint64_t op_id)
{
    for (uint32_t i = 0; i < MGMT_OPCACHE_SLOTS; i++) {
        if (a->opcache[i].op_id == op_id)
            return &a->opcache[i];
    }
    return NULL;
}

/* "call_id field + cached answer" into out[cap]; 0 if it does not fit. */
static size_t opcache_reply(const struct mgmt_opcache_slot *c, uint32_t call_id, uint8_t *out,
                            size_t cap)
{
    uint8_t head[8];
    size_t n = 0;

    if (call_id != 0) {
        head[n++] = (vh_Response_call_id_tag << 3) | PB_WT_VARINT;
        n = put_varint32(head, n, call_id);
    }
    if (n + c->len > cap)
        return 0;
    memcpy(out, head, n);
    memcpy(out + n, c->data, c->len);
    return n + c->len;
}

/* Encode r into out[cap]; returns the length or 0 when it does not fit.
 * Lists go through wire.c (written at the end of out, then moved down). */
static size_t encode_response(const vh_Response *r, uint8_t *out, size_t cap)
{
    if (mgmt__wire_handles(r)) {
        const uint8_t *start = out;
        size_t n = mgmt__wire_response(r, out, cap, &start);
        for (size_t i = 0; i < n && start != out; i++)
            out[i] = start[i]; /* start > out: a forward copy never overwrites what it reads */
        return n;
    }
    pb_ostream_t os = pb_ostream_from_buffer(out, cap);

    if (!pb_encode(&os, vh_Response_fields, r))
        return 0;
    return os.bytes_written;
}

/* Run a mutation with an op_id: remember the answer, then reply with it. */
static long serve_mutation(struct mgmt_agent *a, const vh_Request *q, vh_Response *r,
                           uint8_t *out, size_t cap)
{
    struct mgmt_opcache_slot *c = &a->opcache[a->opcache_next];

    dispatch(a, false, q, r);
    r->call_id = 0;
    size_t n = encode_response(r, c->data, sizeof(c->data));
    if (n == 0) { /* cannot happen: MGMT_OPCACHE_BYTES covers a mutation */
        r->call_id = q->call_id;
        n = encode_response(r, out, cap);
        return n == 0 ? VH_EMSGSIZE : (long)n;
    }
    c->op_id = q->op_id;
    c->len = (uint16_t)n;
    a->opcache_next = (a->opcache_next + 1) % MGMT_OPCACHE_SLOTS;
    n = opcache_reply(c, q->call_id, out, cap);
    return n == 0 ? VH_EMSGSIZE : (long)n;
}

/*
 * The call_id of a request that did not decode, read field by field with
 * nanopb's own primitives; false if none is readable before the damage.
 */
static bool salvage_call_id(const uint8_t *req, size_t len, uint32_t *call_id)
{
    pb_istream_t s = pb_istream_from_buffer(req, len);
    pb_wire_type_t wt;
    uint32_t tag;
    bool eof;

    while (pb_decode_tag(&s, &wt, &tag, &eof)) {
        if (tag == vh_Request_call_id_tag && wt == PB_WT_VARINT) {
            uint64_t v;
            if (!pb_decode_varint(&s, &v))
                return false;
            *call_id = (uint32_t)v;
            return true;
        }
        if (!pb_skip_field(&s, wt))
            return false;
    }
    return false;
}

/* An error answer with only call_id, status and detail. */
static long serve_error(vh_Response *r, uint32_t call_id, vh_Status st, const char *detail,
                        uint8_t *out, size_t cap)
{
    memset(r, 0, sizeof(*r));
    r->call_id = call_id;
    r->status = st;
    mgmt__copy_str(r->detail, sizeof(r->detail), detail);
    size_t n = encode_response(r, out, cap);
    return n == 0 ? VH_EMSGSIZE : (long)n;
}

long mgmt__rpc_serve(struct mgmt_agent *a, bool may_manage, bool over_link, const uint8_t *req,
                     size_t len, uint8_t *out, size_t cap)
{
    struct mgmt_scratch *s = mgmt__scratch(a);
    vh_Request *q = &s->req;
    vh_Response *r = &s->resp;
    pb_istream_t is = pb_istream_from_buffer(req, len);
    uint32_t call_id = 0;

    memset(q, 0, sizeof(*q));
    if (!pb_decode(&is, vh_Request_fields, q)) {
        a->ctr.rpc_malformed++;
        if (!salvage_call_id(req, len, &call_id))
            return VH_EINVAL;
        return serve_error(r, call_id, vh_Status_INVALID_ARGUMENT, PB_GET_ERROR(&is), out, cap);
    }
    a->ctr.rpc_calls++;
    if (!may_manage)
        return serve_error(r, q->call_id, vh_Status_PERMISSION_DENIED,
                           "this ADU lacks the manage capability", out, cap);
    memset(r, 0, sizeof(*r));
    r->call_id = q->call_id;
    if (is_mutation(q) && q->op_id != 0) {
        const struct mgmt_opcache_slot *c = opcache_find(a, q->op_id);
        if (c != NULL) {
            a->ctr.rpc_replayed++;
            size_t n = opcache_reply(c, q->call_id, out, cap);
            return n == 0 ? VH_EMSGSIZE : (long)n;
        }
        return serve_mutation(a, q, r, out, cap);
    }
    dispatch(a, over_link, q, r);
    size_t n = encode_response(r, out, cap);
    if (n == 0)
        return serve_error(r, q->call_id, vh_Status_INTERNAL, "answer too large for the buffer",
                           out, cap);
    return (long)n;
}

bool mgmt__stats_due(const struct mgmt_agent *a)
{
    for (uint32_t i = 0; i < MGMT_MAX_SUBS; i++) {
        if (a->subs[i].call_id != 0 && a->now_ns >= a->subs[i].next_ns)
            return true;
    }
    return false;
}

/* Send one stats message of the next due subscription (round robin). */
void mgmt__stats_step(struct mgmt_agent *a)
{
    struct mgmt_sub *s = NULL;

    for (uint32_t k = 0; k < MGMT_MAX_SUBS && s == NULL; k++) {
        struct mgmt_sub *c = &a->subs[(a->sub_turn + k) % MGMT_MAX_SUBS];
        if (c->call_id != 0 && a->now_ns >= c->next_ns)
            s = c;
    }
    if (s == NULL)
        return;
    a->sub_turn = (uint32_t)(s - a->subs + 1) % MGMT_MAX_SUBS;
    /* Keep the rate, but never burst to catch up after a stall. */
    s->next_ns += s->period_ns;
    if (s->next_ns <= a->now_ns)
        s->next_ns = a->now_ns + s->period_ns;

    /* Only what the message uses is set: no memset of the whole (~10 KiB). */
    vh_Response *r = &mgmt__scratch(a)->resp;
    r->call_id = s->call_id;
    r->status = vh_Status_OK;
    r->detail[0] = '\0';
    r->which_result = vh_Response_stats_tag;
    mgmt__fill_stats(a, s, &r->result.stats, LINK_MAX_PAYLOAD - MGMT_RESP_OVERHEAD);
    s->seq++;
    const uint8_t *msg = NULL;
    size_t n = mgmt__wire_response(r, a->payload, sizeof(a->payload), &msg);
    if (n != 0 && mgmt__send(a, LINK_CH_RPC, msg, n))
        s->dropped = 0;
    else
        s->dropped++;
}
