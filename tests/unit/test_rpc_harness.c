/* Host harness for the agent's tests (see test_rpc_harness.h). */
#include "test_rpc_harness.h"

#include <criterion/criterion.h>
#include <string.h>

struct harness H;

static size_t h_write(void *ctx, const uint8_t *buf, size_t len)
{
    struct harness *h = ctx;

    if (h->refuse || h->out_len + len > sizeof(h->out))
        return 0;
    memcpy(h->out + h->out_len, buf, len);
    h->out_len += len;
    return len;
}

void h_setup(void)
{
    memset(&H, 0, sizeof(H));
    fake_ops_reset(0x1234);
    mgmt_agent_init(&H.a, fake_ops(), h_write, &H);
    link_rx_init(&H.rx, &H.ctr);
    h_set_now(1000000000ull);
}

void h_set_now(uint64_t now_ns)
{
    H.now = now_ns;
    fake_ops_set_now(now_ns);
}

void h_send(uint8_t channel, const uint8_t *p, size_t n)
{
    static uint8_t frame[LINK_MAX_ENCODED];
    size_t len = link_encode(channel, p, n, frame, sizeof(frame));

    cr_assert(len > 0);
    mgmt_agent_rx(&H.a, frame, len);
}

void h_run(void)
{
    for (int i = 0; i < 100 && mgmt_agent_step(&H.a, H.now); i++)
        ;
}

bool h_next_frame(struct link_frame *f)
{
    while (H.out_pos < H.out_len) {
        if (link_rx_feed(&H.rx, H.out[H.out_pos++], f))
            return true;
    }
    return false;
}

void h_hello(void)
{
    h_hello_hb(1000);
}

void h_hello_hb(uint32_t host_hb_ms)
{
    vh_LinkControl m = vh_LinkControl_init_zero;
    uint8_t buf[64];
    pb_ostream_t os = pb_ostream_from_buffer(buf, sizeof(buf));
    struct link_frame f;

    m.which_msg = vh_LinkControl_hello_tag;
    m.msg.hello.protocol_version = vh_Version_PROTOCOL_VERSION;
    m.msg.hello.heartbeat_ms = host_hb_ms;
    cr_assert(pb_encode(&os, vh_LinkControl_fields, &m));
    h_send(LINK_CH_CONTROL, buf, os.bytes_written);
    h_run();
    cr_assert(mgmt_agent_framed(&H.a));
    while (h_next_frame(&f)) {
        if (f.channel != LINK_CH_CONTROL)
            continue;
        pb_istream_t is = pb_istream_from_buffer(f.payload, f.len);
        memset(&m, 0, sizeof(m));
        cr_assert(pb_decode(&is, vh_LinkControl_fields, &m));
        cr_assert_eq(m.which_msg, vh_LinkControl_hello_tag);
        cr_assert_eq(m.msg.hello.protocol_version, 1);
        cr_assert_eq(m.msg.hello.max_frame, LINK_MAX_PAYLOAD);
        cr_assert_eq(m.msg.hello.heartbeat_ms, 1000);
        cr_assert_eq(m.msg.hello.boot_id, 0x1234);
        cr_assert_str_eq(m.msg.hello.scenario, "fake-demo");
        return;
    }
    cr_assert_fail("no Hello from the agent");
}

void h_send_request(const vh_Request *q)
{
    static uint8_t buf[vh_Request_size];
    pb_ostream_t os = pb_ostream_from_buffer(buf, sizeof(buf));

    cr_assert(pb_encode(&os, vh_Request_fields, q));
    h_send(LINK_CH_RPC, buf, os.bytes_written);
}

bool h_next_response(vh_Response *r)
{
    struct link_frame f;

    while (h_next_frame(&f)) {
        if (f.channel != LINK_CH_RPC)
            continue;
        pb_istream_t is = pb_istream_from_buffer(f.payload, f.len);
        memset(r, 0, sizeof(*r));
        cr_assert(pb_decode(&is, vh_Response_fields, r), "bad Response: %s", PB_GET_ERROR(&is));
        return true;
    }
    return false;
}

bool h_call(const vh_Request *q, vh_Response *r)
{
    h_send_request(q);
    h_run();
    while (h_next_response(r)) {
        if (r->call_id == q->call_id)
            return true;
    }
    return false;
}

const char *h_text(void)
{
    static char text[1 << 16];
    size_t n = H.out_len - H.out_pos;

    if (n >= sizeof(text))
        n = sizeof(text) - 1;
    memcpy(text, H.out + H.out_pos, n);
    text[n] = '\0';
    return text;
}
