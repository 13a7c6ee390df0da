/*
 * The agent's link side: receive queue, text/framed mode, Hello and
 * heartbeats, console and log output, and the one-unit-per-call step loop.
 * RPCs are served by rpc.c.  No locks inside: the caller serialises every
 * call on one agent (mgmt/agent.h).
 */
#include "agent_priv.h"

#define NS_PER_MS 1000000ull
#define HB_NS ((uint64_t)MGMT_HEARTBEAT_MS * NS_PER_MS)

void mgmt_agent_init(struct mgmt_agent *a, const struct mgmt_ops *ops, mgmt_write_fn write,
                     void *ctx)
{
    memset(a, 0, sizeof(*a));
    a->ops = ops;
    a->write = write;
    a->ctx = ctx;
    link_rx_init(&a->rx, &a->link);
}

bool mgmt__send(struct mgmt_agent *a, uint8_t channel, const uint8_t *p, size_t n)
{
    size_t len = link_encode(channel, p, n, a->frame, sizeof(a->frame));

    if (len == 0 || a->write(a->ctx, a->frame, len) != len) {
        a->link.tx_dropped++;
        return false;
    }
    a->link.tx_frames++;
    return true;
}

static bool channel_ok(uint8_t ch)
{
    return ch == LINK_CH_CONTROL || ch == LINK_CH_RPC ||
           (ch >= LINK_CH_CONSOLE0 && ch <= LINK_CH_CONSOLE_MAX);
}

static void rxq_push(struct mgmt_agent *a, const struct link_frame *f)
{
    if (!channel_ok(f->channel) || f->len > MGMT_RXQ_BYTES || a->rxq_count == MGMT_RXQ_SLOTS) {
        a->link.rx_dropped++;
        return;
    }
    struct mgmt_rxq_slot *s = &a->rxq[(a->rxq_head + a->rxq_count) % MGMT_RXQ_SLOTS];
    s->channel = f->channel;
    s->len = (uint16_t)f->len;
    memcpy(s->data, f->payload, f->len);
    a->rxq_count++;
}

void mgmt_agent_rx(struct mgmt_agent *a, const uint8_t *bytes, size_t n)
{
    struct link_frame f;

    for (size_t i = 0; i < n; i++) {
        if (link_rx_feed(&a->rx, bytes[i], &f)) {
            a->host_seen = true;
            rxq_push(a, &f);
        }
    }
}

/* Text-mode output of one line: "[tag] line\r\n", cut to the buffer. */
static void text_line(struct mgmt_agent *a, const char *tag, const char *line, size_t len)
{
    size_t cap = sizeof(a->payload) - 2, n = 0;

    a->payload[n++] = '[';
    for (size_t i = 0; tag[i] != '\0' && n < 32; i++)
        a->payload[n++] = (uint8_t)tag[i];
    a->payload[n++] = ']';
    a->payload[n++] = ' ';
    if (len > cap - n)
        len = cap - n;
    memcpy(a->payload + n, line, len);
    n += len;
    a->payload[n++] = '\r';
    a->payload[n++] = '\n';
    (void)a->write(a->ctx, a->payload, n);
}

/* Framed output of one line on channel ch, with its '\n'. */
static void framed_line(struct mgmt_agent *a, uint8_t ch, const char *line, size_t len)
{
    if (len > sizeof(a->payload) - 1)
        len = sizeof(a->payload) - 1;
    memcpy(a->payload, line, len);
    a->payload[len] = '\n';
    mgmt__send(a, ch, a->payload, len + 1);
}

void mgmt_agent_console(struct mgmt_agent *a, uint32_t adu_id, const char *tag, const char *line,
                        size_t len)
{
    if (!a->framed) {
        text_line(a, tag, line, len);
        return;
    }
    if (adu_id > LINK_CH_CONSOLE_MAX - LINK_CH_CONSOLE0) {
        a->link.tx_dropped++;
        return;
    }
    framed_line(a, (uint8_t)(LINK_CH_CONSOLE0 + adu_id), line, len);
}

void mgmt_agent_log(struct mgmt_agent *a, const char *line, size_t len)
{
    if (a->framed)
        framed_line(a, LINK_CH_LOG, line, len);
    else
        text_line(a, "vh", line, len);
}

static bool send_control(struct mgmt_agent *a, const vh_LinkControl *m)
{
    pb_ostream_t os = pb_ostream_from_buffer(a->payload, sizeof(a->payload));

    if (!pb_encode(&os, vh_LinkControl_fields, m))
        return false;
    return mgmt__send(a, LINK_CH_CONTROL, a->payload, os.bytes_written);
}

/* The host silence that ends a session, from the heartbeat period the
 * host announced: MGMT_FALLBACK_BEATS periods (at least MGMT_HOST_HB_MIN_MS
 * each, so a host announcing a tiny period does not make the link flap),
 * or 0 (never) when the host announced 0: its heartbeats are paced by a
 * clock that need not keep step with ours (QEMU with -icount sleep=off). */
static uint64_t silence_for(uint32_t host_hb_ms)
{
    if (host_hb_ms == 0)
        return 0;
    if (host_hb_ms < MGMT_HOST_HB_MIN_MS)
        host_hb_ms = MGMT_HOST_HB_MIN_MS;
    return (uint64_t)host_hb_ms * NS_PER_MS * MGMT_FALLBACK_BEATS;
}

static void enter_framed(struct mgmt_agent *a, uint32_t host_hb_ms)
{
    struct mgmt_sys_info si;
    vh_LinkControl m;

    if (!a->framed)
        a->ctr.mode_switches++;
    a->framed = true;
    a->host_ns = a->now_ns;
    a->silence_ns = silence_for(host_hb_ms);
    a->hb_next_ns = a->now_ns + HB_NS;
    mgmt__subs_clear(a); /* a Hello starts a new session */
    memset(&si, 0, sizeof(si));
    a->ops->system_info(&si);
    memset(&m, 0, sizeof(m));
    m.which_msg = vh_LinkControl_hello_tag;
    m.msg.hello.protocol_version = vh_Version_PROTOCOL_VERSION;
    m.msg.hello.max_frame = LINK_MAX_PAYLOAD;
    mgmt__copy_str(m.msg.hello.build_id, sizeof(m.msg.hello.build_id), si.build_id);
    m.msg.hello.boot_id = si.boot_id;
    m.msg.hello.heartbeat_ms = MGMT_HEARTBEAT_MS;
    mgmt__copy_str(m.msg.hello.scenario, sizeof(m.msg.hello.scenario), si.scenario);
    send_control(a, &m);
}

static void leave_framed(struct mgmt_agent *a, const char *why)
{
    a->framed = false;
    a->ctr.mode_switches++;
    mgmt__subs_clear(a);
    text_line(a, "vh", why, mgmt__str_len(why, 128));
}

static void send_heartbeat(struct mgmt_agent *a)
{
    vh_LinkControl m;
    vh_LinkCounters *c = &m.msg.heartbeat.counters;

    a->hb_next_ns = a->now_ns + HB_NS;
    memset(&m, 0, sizeof(m));
    m.which_msg = vh_LinkControl_heartbeat_tag;
    m.msg.heartbeat.seq = a->hb_seq++;
    m.msg.heartbeat.uptime_ns = a->now_ns;
    m.msg.heartbeat.has_counters = true;
    c->rx_frames = a->link.rx_frames;
    c->tx_frames = a->link.tx_frames;
    c->rx_crc_errors = a->link.rx_crc_errors;
    c->rx_resyncs = a->link.rx_resyncs;
    c->rx_oversize = a->link.rx_oversize;
    c->rx_dropped = a->link.rx_dropped;
    c->tx_dropped = a->link.tx_dropped;
    send_control(a, &m);
}

static void handle_control(struct mgmt_agent *a, const uint8_t *p, size_t len)
{
    vh_LinkControl m;
    pb_istream_t is = pb_istream_from_buffer(p, len);

    memset(&m, 0, sizeof(m));
    if (!pb_decode(&is, vh_LinkControl_fields, &m)) {
        a->link.rx_dropped++;
        return;
    }
    if (m.which_msg == vh_LinkControl_hello_tag)
        enter_framed(a, m.msg.hello.heartbeat_ms);
    else if (m.which_msg == vh_LinkControl_bye_tag && a->framed)
        leave_framed(a, "management link closed by the host: text mode");
}

static void handle_frame(struct mgmt_agent *a, const struct mgmt_rxq_slot *s)
{
    if (s->channel == LINK_CH_CONTROL) {
        handle_control(a, s->data, s->len);
    } else if (!a->framed) {
        a->link.rx_dropped++; /* no session: only a Hello opens one */
    } else if (s->channel == LINK_CH_RPC) {
        long n = mgmt__rpc_serve(a, true, true, s->data, s->len, a->payload, sizeof(a->payload));
        if (n > 0)
            mgmt__send(a, LINK_CH_RPC, a->payload, (size_t)n);
    } else {
        (void)a->ops->console_input((uint32_t)(s->channel - LINK_CH_CONSOLE0), s->data, s->len);
    }
}

static bool work_pending(const struct mgmt_agent *a)
{
    if (a->rxq_count != 0)
        return true;
    return a->framed && (a->now_ns >= a->hb_next_ns || mgmt__stats_due(a));
}

bool mgmt_agent_step(struct mgmt_agent *a, uint64_t now_ns)
{
    a->now_ns = now_ns;
    if (a->host_seen) {
        a->host_seen = false;
        a->host_ns = now_ns;
    }
    if (a->framed && a->silence_ns != 0 && now_ns - a->host_ns > a->silence_ns)
        leave_framed(a, "management link silent: text mode");

    if (a->rxq_count != 0) {
        const struct mgmt_rxq_slot *s = &a->rxq[a->rxq_head];
        a->rxq_head = (a->rxq_head + 1) % MGMT_RXQ_SLOTS;
        a->rxq_count--;
        handle_frame(a, s); /* the slot stays intact until the next rx */
    } else if (a->framed && now_ns >= a->hb_next_ns) {
        send_heartbeat(a);
    } else if (a->framed) {
        mgmt__stats_step(a);
    }
    return work_pending(a);
}

uint64_t mgmt_agent_next_ns(const struct mgmt_agent *a)
{
    if (a->rxq_count != 0)
        return a->now_ns;
    if (!a->framed)
        return UINT64_MAX;
    uint64_t t = a->hb_next_ns;
    if (a->silence_ns != 0 && a->host_ns + a->silence_ns + 1 < t)
        t = a->host_ns + a->silence_ns + 1;
    for (uint32_t i = 0; i < MGMT_MAX_SUBS; i++) {
        if (a->subs[i].call_id != 0 && a->subs[i].next_ns < t)
            t = a->subs[i].next_ns;
    }
    return t;
}

bool mgmt_agent_framed(const struct mgmt_agent *a)
{
    return a->framed;
}

long mgmt_agent_rpc_packet(struct mgmt_agent *a, bool caller_may_manage, const uint8_t *req,
                           size_t len, uint8_t *resp, size_t cap)
{
    return mgmt__rpc_serve(a, caller_may_manage, false, req, len, resp, cap);
}
