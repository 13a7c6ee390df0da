/* The agent's modes (text until a Hello, framed, back to text after host
 * silence counted in the host's announced heartbeat periods, never for
 * silence when the host announced 0, or on a Bye), console and log output
 * in both, heartbeats, and the stats stream: rate, seq and dropped counts,
 * unsubscribe. */
#include <criterion/criterion.h>
#include <string.h>

#include "test_rpc_harness.h"

#define MS 1000000ull

static vh_Request q;
static vh_Response r;

TestSuite(mode, .init = h_setup);
TestSuite(stats, .init = h_setup);

Test(mode, text_until_hello_then_framed)
{
    mgmt_agent_log(&H.a, "booting", 7);
    mgmt_agent_console(&H.a, 1, "gp", "hello", 5);
    cr_assert_str_eq(h_text(), "[vh] booting\r\n[gp] hello\r\n");
    H.out_pos = H.out_len;
    cr_assert_not(mgmt_agent_framed(&H.a));
    cr_assert_eq(mgmt_agent_next_ns(&H.a), UINT64_MAX);

    /* an RPC before the Hello is not served */
    q.call_id = 1;
    q.which_call = vh_Request_system_info_tag;
    cr_assert_not(h_call(&q, &r));
    cr_assert_eq(H.a.link.rx_dropped, 1);

    h_hello();
    mgmt_agent_console(&H.a, 1, "gp", "framed", 6);
    mgmt_agent_log(&H.a, "log line", 8);
    struct link_frame f;
    cr_assert(h_next_frame(&f));
    cr_assert_eq(f.channel, LINK_CH_CONSOLE0 + 1);
    cr_assert_eq(f.len, 7);
    cr_assert(memcmp(f.payload, "framed\n", 7) == 0);
    cr_assert(h_next_frame(&f));
    cr_assert_eq(f.channel, LINK_CH_LOG);
    cr_assert(memcmp(f.payload, "log line\n", 9) == 0);
}

Test(mode, heartbeat_and_fallback_after_silence)
{
    struct link_frame f;
    vh_LinkControl m;

    h_hello();
    h_set_now(H.now + 1000 * MS);
    h_run();
    int beats = 0;
    while (h_next_frame(&f)) {
        pb_istream_t is = pb_istream_from_buffer(f.payload, f.len);
        cr_assert_eq(f.channel, LINK_CH_CONTROL);
        cr_assert(pb_decode(&is, vh_LinkControl_fields, &m));
        cr_assert_eq(m.which_msg, vh_LinkControl_heartbeat_tag);
        cr_assert(m.msg.heartbeat.has_counters);
        cr_assert_geq(m.msg.heartbeat.counters.rx_frames, 1);
        beats++;
    }
    cr_assert_eq(beats, 1);
    /* a host frame within 3 periods keeps framed mode */
    h_set_now(H.now + 2500 * MS);
    m = (vh_LinkControl)vh_LinkControl_init_zero;
    m.which_msg = vh_LinkControl_heartbeat_tag;
    uint8_t buf[128];
    pb_ostream_t os = pb_ostream_from_buffer(buf, sizeof(buf));
    cr_assert(pb_encode(&os, vh_LinkControl_fields, &m));
    h_send(LINK_CH_CONTROL, buf, os.bytes_written);
    h_run();
    cr_assert(mgmt_agent_framed(&H.a));
    h_set_now(H.now + 2900 * MS);
    h_run();
    cr_assert(mgmt_agent_framed(&H.a));
    /* silence past 3 periods: text mode, with a note on the console */
    h_set_now(H.now + 200 * MS);
    H.out_pos = H.out_len;
    h_run();
    cr_assert_not(mgmt_agent_framed(&H.a));
    cr_assert(strstr(h_text(), "[vh] management link silent") != NULL);
    H.out_pos = H.out_len;
    mgmt_agent_console(&H.a, 0, "ctl", "x", 1);
    cr_assert_str_eq(h_text(), "[ctl] x\r\n");
}

static void send_bye(void)
{
    vh_LinkControl m = vh_LinkControl_init_zero;
    uint8_t buf[16];
    pb_ostream_t os = pb_ostream_from_buffer(buf, sizeof(buf));

    m.which_msg = vh_LinkControl_bye_tag;
    cr_assert(pb_encode(&os, vh_LinkControl_fields, &m));
    h_send(LINK_CH_CONTROL, buf, os.bytes_written);
    h_run();
}

/* Silence is counted in the periods the host announced (with a floor), not
 * in the agent's own heartbeat period. */
Test(mode, fallback_follows_the_host_heartbeat)
{
    uint64_t t0 = H.now;

    h_hello_hb(200); /* 3 x 200 ms */
    cr_assert_eq(mgmt_agent_next_ns(&H.a), t0 + 600 * MS + 1, "the fallback check is timed");
    h_set_now(t0 + 590 * MS);
    h_run();
    cr_assert(mgmt_agent_framed(&H.a));
    h_set_now(t0 + 601 * MS);
    h_run();
    cr_assert_not(mgmt_agent_framed(&H.a));

    H.out_pos = H.out_len;
    t0 = H.now;
    h_hello_hb(1); /* below the floor: 3 x MGMT_HOST_HB_MIN_MS */
    h_set_now(t0 + 3 * MGMT_HOST_HB_MIN_MS * MS);
    h_run();
    cr_assert(mgmt_agent_framed(&H.a));
    h_set_now(t0 + 3 * MGMT_HOST_HB_MIN_MS * MS + 1);
    h_run();
    cr_assert_not(mgmt_agent_framed(&H.a));
}

/* heartbeat_ms = 0: the host's beats do not measure our clock, so no amount
 * of silence ends the session; a Bye does, and a new Hello with a period
 * turns the fallback back on. */
Test(mode, no_silence_fallback_when_host_heartbeat_is_zero)
{
    struct link_frame f;
    int beats = 0;

    h_hello_hb(0);
    cr_assert_eq(mgmt_agent_next_ns(&H.a), H.now + MGMT_HEARTBEAT_MS * MS,
                 "only our own heartbeat is timed");
    for (int i = 0; i < 3600; i++) { /* an hour without a host frame */
        h_set_now(H.now + 1000 * MS);
        h_run();
    }
    cr_assert(mgmt_agent_framed(&H.a));
    while (h_next_frame(&f))
        beats += f.channel == LINK_CH_CONTROL;
    cr_assert_eq(beats, 3600, "our heartbeats go on: %d", beats);
    cr_assert_eq(H.a.ctr.mode_switches, 1);

    h_hello_hb(1000); /* a new Hello with a period: silence counts again */
    h_set_now(H.now + 3001 * MS);
    h_run();
    cr_assert_not(mgmt_agent_framed(&H.a));

    H.out_pos = H.out_len;
    h_hello_hb(0);
    send_bye();
    cr_assert_not(mgmt_agent_framed(&H.a), "a Bye still ends the session");
}

Test(mode, bye_returns_to_text)
{
    h_hello();
    send_bye();
    cr_assert_not(mgmt_agent_framed(&H.a));
    cr_assert_eq(H.a.ctr.mode_switches, 2);
}

Test(mode, console_input_frames_reach_the_adu)
{
    char line[16];
    uint32_t adu = 9;

    h_hello();
    h_send(LINK_CH_CONSOLE0 + 0, (const uint8_t *)"help\n", 5);
    cr_assert_eq(fake_ops_console_take(&adu, line, sizeof(line)), -1); /* queued only */
    h_run();
    cr_assert_eq(fake_ops_console_take(&adu, line, sizeof(line)), 4);
    cr_assert_eq(adu, 0);
}

static void subscribe(uint32_t call_id, uint32_t hz)
{
    memset(&q, 0, sizeof(q));
    q.call_id = call_id;
    q.which_call = vh_Request_subscribe_stats_tag;
    q.call.subscribe_stats.rate_hz = hz;
    cr_assert(h_call(&q, &r));
}

/* Advance time in 1 ms steps for `ms`, counting stats messages. */
static int run_for(uint64_t ms, uint32_t call_id, uint64_t *last_seq, uint32_t *dropped)
{
    int n = 0;

    for (uint64_t t = 0; t < ms; t++) {
        h_set_now(H.now + MS);
        h_run();
        while (h_next_response(&r)) {
            if (r.call_id != call_id || r.which_result != vh_Response_stats_tag)
                continue;
            *last_seq = r.result.stats.seq;
            *dropped += r.result.stats.dropped;
            cr_assert_eq(r.result.stats.cpus_count, 4);
            cr_assert(r.result.stats.has_link);
            n++;
        }
    }
    return n;
}

Test(stats, rate_seq_and_dropped)
{
    uint64_t seq = 0;
    uint32_t dropped = 0;

    h_hello();
    subscribe(70, 0);
    cr_assert_eq(r.status, vh_Status_INVALID_ARGUMENT);
    subscribe(70, 101);
    cr_assert_eq(r.status, vh_Status_INVALID_ARGUMENT);
    subscribe(70, 20);
    cr_assert_eq(r.status, vh_Status_OK);
    /* The host keeps the link alive; 1 s at 20 Hz: 20 messages (+1 at t=0). */
    int n = 0;
    for (int s = 0; s < 5; s++) {
        n += run_for(200, 70, &seq, &dropped);
        vh_LinkControl m = vh_LinkControl_init_zero;
        m.which_msg = vh_LinkControl_heartbeat_tag;
        uint8_t buf[64];
        pb_ostream_t os = pb_ostream_from_buffer(buf, sizeof(buf));
        cr_assert(pb_encode(&os, vh_LinkControl_fields, &m));
        h_send(LINK_CH_CONTROL, buf, os.bytes_written);
    }
    cr_assert(n >= 20 && n <= 21, "got %d messages", n);
    cr_assert_eq(seq, (uint64_t)n - 1);
    cr_assert_eq(dropped, 0);

    /* the UART takes nothing for 250 ms: 5 messages dropped, then counted */
    H.refuse = true;
    cr_assert_eq(run_for(250, 70, &seq, &dropped), 0);
    H.refuse = false;
    uint64_t before = seq;
    cr_assert_eq(run_for(50, 70, &seq, &dropped), 1);
    cr_assert_eq(dropped, 5);
    cr_assert_eq(seq, before + 6);
}

Test(stats, unsubscribe_ends_stream)
{
    uint64_t seq = 0;
    uint32_t dropped = 0;

    h_hello();
    subscribe(80, 100);
    cr_assert_gt(run_for(50, 80, &seq, &dropped), 0);
    memset(&q, 0, sizeof(q));
    q.call_id = 81;
    q.which_call = vh_Request_unsubscribe_stats_tag;
    q.call.unsubscribe_stats.subscription = 80;
    h_send_request(&q);
    h_run();
    cr_assert(h_next_response(&r));
    cr_assert_eq(r.call_id, 80);
    cr_assert_eq(r.which_result, vh_Response_stream_end_tag);
    cr_assert(h_next_response(&r));
    cr_assert_eq(r.call_id, 81);
    cr_assert_eq(r.status, vh_Status_OK);
    cr_assert_eq(r.which_result, vh_Response_stream_end_tag);
    cr_assert_eq(run_for(50, 80, &seq, &dropped), 0);
    q.call_id = 82;
    cr_assert(h_call(&q, &r));
    cr_assert_eq(r.status, vh_Status_NOT_FOUND);
}

Test(stats, many_vcpus_rotate_within_the_frame)
{
    uint64_t seq = 0;
    uint32_t dropped = 0, seen[FAKE_VCPU_SLOTS] = {0};

    h_hello();
    /* 40 small RT-VCPUs: 44 VCPUs' stats do not fit one 4 KiB frame */
    for (uint32_t i = 0; i < 40; i++) {
        memset(&q, 0, sizeof(q));
        q.call_id = 100 + i;
        q.op_id = 1000 + i;
        q.which_call = vh_Request_create_rt_tag;
        strcpy(q.call.create_rt.adu, i % 2 ? "gp" : "ctl");
        q.call.create_rt.entry = 0x80200000;
        q.call.create_rt.period_ns = 100 * MS;
        q.call.create_rt.budget_ns = 1 * MS;
        q.call.create_rt.cpu = -1;
        cr_assert(h_call(&q, &r));
        cr_assert_eq(r.status, vh_Status_OK, "%s", r.detail);
    }
    fake_ops_set_now(H.now + 5000 * MS); /* releases and big counters */
    subscribe(90, 100);
    /* at most MGMT_STATS_VCPUS per message (a bounded step): 6 messages */
    for (int t = 0; t < 60; t++) {
        H.now += MS; /* the agent's clock only: the stats keep their size */
        h_run();
        while (h_next_response(&r)) {
            if (r.which_result != vh_Response_stats_tag)
                continue;
            cr_assert_leq(r.result.stats.vcpus_count, MGMT_STATS_VCPUS);
            for (uint32_t v = 0; v < r.result.stats.vcpus_count; v++)
                seen[r.result.stats.vcpus[v].vcpu_id]++;
        }
    }
    (void)seq;
    (void)dropped;
    for (uint32_t v = 0; v < 44; v++)
        cr_assert_gt(seen[v], 0, "VCPU %u never reported", v);
}

/* The next stats message of subscription call_id, advancing the clock 1 ms
 * at a time (at most a second). */
static bool next_stats(uint32_t call_id)
{
    for (int t = 0; t < 1000; t++) {
        while (h_next_response(&r)) {
            if (r.call_id == call_id && r.which_result == vh_Response_stats_tag)
                return true;
        }
        H.now += MS;
        h_run();
    }
    return false;
}

static const vh_IpcChannelStats *find_chan(const vh_Stats *st, uint32_t src, uint32_t dst)
{
    for (pb_size_t i = 0; i < st->ipc_channels_count; i++) {
        if (st->ipc_channels[i].src_adu == src && st->ipc_channels[i].dst_adu == dst)
            return &st->ipc_channels[i];
    }
    return NULL;
}

Test(stats, ipc_channels_with_names_and_counts)
{
    h_hello();
    h_set_now(3000 * MS);
    subscribe(91, 10);
    cr_assert(next_stats(91));
    const vh_Stats *st = &r.result.stats;
    /* the fake: ctl <-> gp, ctl <-> agent (manage), gp <-> agent (used, not opened) */
    cr_assert_eq(st->ipc_channels_count, 6);
    const vh_IpcChannelStats *c = find_chan(st, 0, 1);
    cr_assert_not_null(c);
    cr_assert_str_eq(c->src, "ctl");
    cr_assert_str_eq(c->dst, "gp");
    cr_assert(c->permitted);
    cr_assert_gt(c->sent, 100);
    cr_assert_leq(c->received, c->sent);
    cr_assert_gt(c->refused_full, 0);
    c = find_chan(st, 1, VH_MSG_DEST_MGMT);
    cr_assert_not_null(c);
    cr_assert_str_eq(c->src, "gp");
    cr_assert_str_eq(c->dst, "", "the agent has no name");
    cr_assert_not(c->permitted);
    cr_assert_eq(c->sent, 1);
    cr_assert_not_null(find_chan(st, VH_MSG_DEST_MGMT, 0));
    cr_assert_null(find_chan(st, 0, 0));
}

/* 64 channels, more than one message holds (16): they rotate like VCPUs. */
static uint32_t many_chan_slots(void)
{
    return 80;
}

static int many_chan_get(uint32_t pos, struct mgmt_chan_info *o)
{
    if (pos >= 64)
        return VH_ENOENT; /* a gap at the end */
    memset(o, 0, sizeof(*o));
    o->src = pos / 8;
    o->dst = pos % 8;
    o->permitted = 1;
    o->sent = 1000000000000ull + pos; /* big numbers: long varints */
    o->received = o->sent - 1;
    return 0;
}

Test(stats, many_ipc_channels_rotate_within_the_frame)
{
    static struct mgmt_ops many;
    uint32_t seen[64] = {0};

    many = *fake_ops();
    many.chan_slots = many_chan_slots;
    many.chan_get = many_chan_get;
    H.a.ops = &many;
    h_hello();
    subscribe(92, 100);
    for (int m = 0; m < 8; m++) {
        cr_assert(next_stats(92));
        const vh_Stats *st = &r.result.stats;
        cr_assert_leq(st->ipc_channels_count, 16);
        cr_assert_eq(st->cpus_count, 4, "CPUs are in every message");
        for (pb_size_t i = 0; i < st->ipc_channels_count; i++) {
            const vh_IpcChannelStats *c = &st->ipc_channels[i];
            uint32_t pos = c->src_adu * 8 + c->dst_adu;
            cr_assert_lt(pos, 64);
            cr_assert_eq(c->sent, 1000000000000ull + pos);
            seen[pos]++;
        }
    }
    for (uint32_t p = 0; p < 64; p++)
        cr_assert_gt(seen[p], 0, "channel %u never reported", p);
}

/* A host that announced heartbeat_ms = 0 and sends nothing for 10 s still
 * gets its 100 Hz stream (vhd with QEMU -icount sleep=off, where emulated
 * seconds pass faster than the host's). */
Test(stats, stream_goes_on_when_host_heartbeat_is_zero)
{
    uint64_t seq = 0;
    uint32_t dropped = 0;

    h_hello_hb(0);
    subscribe(93, 100);
    int n = run_for(10000, 93, &seq, &dropped);
    cr_assert(mgmt_agent_framed(&H.a));
    cr_assert(n >= 1000 && n <= 1001, "got %d messages", n);
    cr_assert_eq(dropped, 0);
}
