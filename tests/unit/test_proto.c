/*
 * Test vectors: the same messages, covering every field type vh.proto uses
 * (varint, zigzag-free negative int32, fixed64, bool, enum, string, bytes,
 * repeated string, packed repeated uint32, nested and repeated messages,
 * oneof, empty submessage), built once with nanopb (the target) and once
 * with protobuf-c (the host).  Both encodings must be byte-identical, and
 * each library must decode the other's bytes to the same values.
 */
#include <criterion/criterion.h>
#include <string.h>

#include <pb_decode.h>
#include <pb_encode.h>

#include "vh.pb-c.h"
#include "vh.pb.h"

static uint8_t nb[8192], cb[8192];

static size_t nanopb_encode(const pb_msgdesc_t *f, const void *m)
{
    pb_ostream_t os = pb_ostream_from_buffer(nb, sizeof(nb));
    cr_assert(pb_encode(&os, f, m), "nanopb: %s", PB_GET_ERROR(&os));
    return os.bytes_written;
}

static void same_bytes(size_t nn, size_t cn)
{
    cr_assert_eq(nn, cn, "nanopb %zu bytes, protobuf-c %zu bytes", nn, cn);
    cr_assert(memcmp(nb, cb, nn) == 0, "encodings differ");
}

Test(proto, hello_in_link_control)
{
    vh_LinkControl n = vh_LinkControl_init_zero;
    n.which_msg = vh_LinkControl_hello_tag;
    n.msg.hello.protocol_version = 1;
    n.msg.hello.max_frame = 4096;
    strcpy(n.msg.hello.build_id, "v0.1-3-gabcdef");
    n.msg.hello.boot_id = 0xfedcba9876543210ull;
    n.msg.hello.heartbeat_ms = 1000;
    strcpy(n.msg.hello.scenario, "demo");

    Vh__Hello ch = VH__HELLO__INIT;
    ch.protocol_version = 1;
    ch.max_frame = 4096;
    ch.build_id = "v0.1-3-gabcdef";
    ch.boot_id = 0xfedcba9876543210ull;
    ch.heartbeat_ms = 1000;
    ch.scenario = "demo";
    Vh__LinkControl c = VH__LINK_CONTROL__INIT;
    c.msg_case = VH__LINK_CONTROL__MSG_HELLO;
    c.hello = &ch;

    size_t nn = nanopb_encode(vh_LinkControl_fields, &n);
    size_t cn = vh__link_control__pack(&c, cb);
    same_bytes(nn, cn);

    Vh__LinkControl *cd = vh__link_control__unpack(NULL, nn, nb);
    cr_assert_not_null(cd);
    cr_assert_eq(cd->msg_case, VH__LINK_CONTROL__MSG_HELLO);
    cr_assert_eq(cd->hello->boot_id, 0xfedcba9876543210ull);
    cr_assert_str_eq(cd->hello->build_id, "v0.1-3-gabcdef");
    vh__link_control__free_unpacked(cd, NULL);

    vh_LinkControl nd = vh_LinkControl_init_zero;
    pb_istream_t is = pb_istream_from_buffer(cb, cn);
    cr_assert(pb_decode(&is, vh_LinkControl_fields, &nd));
    cr_assert(memcmp(&nd, &n, sizeof(n)) == 0);
}

Test(proto, create_rt_and_console_requests)
{
    vh_Request n = vh_Request_init_zero;
    n.call_id = 300;
    n.op_id = 0x1122334455667788ull;
    n.which_call = vh_Request_create_rt_tag;
    strcpy(n.call.create_rt.adu, "ctl");
    n.call.create_rt.entry = 0x80200000;
    n.call.create_rt.arg = 7;
    n.call.create_rt.stack = 0x80400000;
    n.call.create_rt.period_ns = 10000000;
    n.call.create_rt.deadline_ns = 8000000;
    n.call.create_rt.budget_ns = 2000000;
    n.call.create_rt.cpu = -1;
    n.call.create_rt.dry_run = true;

    Vh__CreateRtReq cc = VH__CREATE_RT_REQ__INIT;
    cc.adu = "ctl";
    cc.entry = 0x80200000;
    cc.arg = 7;
    cc.stack = 0x80400000;
    cc.period_ns = 10000000;
    cc.deadline_ns = 8000000;
    cc.budget_ns = 2000000;
    cc.cpu = -1;
    cc.dry_run = 1;
    Vh__Request c = VH__REQUEST__INIT;
    c.call_id = 300;
    c.op_id = 0x1122334455667788ull;
    c.call_case = VH__REQUEST__CALL_CREATE_RT;
    c.create_rt = &cc;
    same_bytes(nanopb_encode(vh_Request_fields, &n), vh__request__pack(&c, cb));

    /* bytes with every value 0..255 plus a flag-like pattern */
    static const uint8_t data[] = {0x00, 0x7e, 0x7d, 0xff, 'h', 'i', '\n'};
    vh_Request n2 = vh_Request_init_zero;
    n2.call_id = 5;
    n2.which_call = vh_Request_console_input_tag;
    strcpy(n2.call.console_input.adu, "gp");
    memcpy(n2.call.console_input.data.bytes, data, sizeof(data));
    n2.call.console_input.data.size = sizeof(data);
    Vh__ConsoleInputReq ci = VH__CONSOLE_INPUT_REQ__INIT;
    ci.adu = "gp";
    ci.data.data = (uint8_t *)data;
    ci.data.len = sizeof(data);
    Vh__Request c2 = VH__REQUEST__INIT;
    c2.call_id = 5;
    c2.call_case = VH__REQUEST__CALL_CONSOLE_INPUT;
    c2.console_input = &ci;
    size_t nn = nanopb_encode(vh_Request_fields, &n2);
    same_bytes(nn, vh__request__pack(&c2, cb));

    Vh__Request *cd = vh__request__unpack(NULL, nn, nb);
    cr_assert_not_null(cd);
    cr_assert_eq(cd->console_input->data.len, sizeof(data));
    cr_assert(memcmp(cd->console_input->data.data, data, sizeof(data)) == 0);
    vh__request__free_unpacked(cd, NULL);
}

Test(proto, stats_response)
{
    static vh_Response n = vh_Response_init_zero;
    n.call_id = 42;
    n.which_result = vh_Response_stats_tag;
    vh_Stats *s = &n.result.stats;
    s->seq = 1000;
    s->dropped = 3;
    s->uptime_ns = 123456789012ull;
    s->vcpus_count = 2;
    s->vcpus[0].vcpu_id = 4;
    s->vcpus[0].cpu = 1;
    s->vcpus[0].run_ns = 5000000;
    s->vcpus[0].has_rt = true;
    s->vcpus[0].rt.releases = 100;
    s->vcpus[0].rt.jitter_max_ns = 1500;
    s->vcpus[0].rt.jitter_sumsq_ns2 = 1ull << 40;
    s->vcpus[0].rt.hist_count = 16;
    for (int i = 0; i < 16; i++)
        s->vcpus[0].rt.hist[i] = (uint32_t)(i * i * 1000);
    s->vcpus[1].vcpu_id = 0;
    s->vcpus[1].cpu = -1;
    s->cpus_count = 1;
    s->cpus[0].cpu = 3;
    s->cpus[0].rt_util_ppm = 600000;
    s->cpus[0].idle_ns = 77;
    s->has_link = true;
    s->link.rx_frames = 9;
    s->link.tx_dropped = 1;
    s->ipc_channels_count = 2;
    s->ipc_channels[0].src_adu = 0;
    strcpy(s->ipc_channels[0].src, "ctl");
    s->ipc_channels[0].dst_adu = 1;
    strcpy(s->ipc_channels[0].dst, "gp");
    s->ipc_channels[0].permitted = true;
    s->ipc_channels[0].sent = 1ull << 35;
    s->ipc_channels[0].received = (1ull << 35) - 8;
    s->ipc_channels[0].refused_full = 17;
    s->ipc_channels[1].src_adu = 1;
    strcpy(s->ipc_channels[1].src, "gp");
    s->ipc_channels[1].dst_adu = 0xFFFF; /* the agent: no name */
    s->ipc_channels[1].sent = 1;
    s->ipc_channels[1].refused_perm = 2;
    s->ipc_channels[1].refused_size = 3;
    s->ipc_channels[1].refused_fault = 4;

    uint32_t hist[16];
    for (int i = 0; i < 16; i++)
        hist[i] = (uint32_t)(i * i * 1000);
    Vh__RtStats rt = VH__RT_STATS__INIT;
    rt.releases = 100;
    rt.jitter_max_ns = 1500;
    rt.jitter_sumsq_ns2 = 1ull << 40;
    rt.n_hist = 16;
    rt.hist = hist;
    Vh__VcpuStats v0 = VH__VCPU_STATS__INIT, v1 = VH__VCPU_STATS__INIT;
    v0.vcpu_id = 4;
    v0.cpu = 1;
    v0.run_ns = 5000000;
    v0.rt = &rt;
    v1.cpu = -1;
    Vh__VcpuStats *vs[2] = {&v0, &v1};
    Vh__CpuStats cpu = VH__CPU_STATS__INIT;
    cpu.cpu = 3;
    cpu.rt_util_ppm = 600000;
    cpu.idle_ns = 77;
    Vh__CpuStats *cs[1] = {&cpu};
    Vh__LinkCounters lk = VH__LINK_COUNTERS__INIT;
    lk.rx_frames = 9;
    lk.tx_dropped = 1;
    Vh__Stats st = VH__STATS__INIT;
    st.seq = 1000;
    st.dropped = 3;
    st.uptime_ns = 123456789012ull;
    st.n_vcpus = 2;
    st.vcpus = vs;
    st.n_cpus = 1;
    st.cpus = cs;
    st.link = &lk;
    Vh__IpcChannelStats ch0 = VH__IPC_CHANNEL_STATS__INIT, ch1 = VH__IPC_CHANNEL_STATS__INIT;
    ch0.src = "ctl";
    ch0.dst_adu = 1;
    ch0.dst = "gp";
    ch0.permitted = 1;
    ch0.sent = 1ull << 35;
    ch0.received = (1ull << 35) - 8;
    ch0.refused_full = 17;
    ch1.src_adu = 1;
    ch1.src = "gp";
    ch1.dst_adu = 0xFFFF;
    ch1.sent = 1;
    ch1.refused_perm = 2;
    ch1.refused_size = 3;
    ch1.refused_fault = 4;
    Vh__IpcChannelStats *chs[2] = {&ch0, &ch1};
    st.n_ipc_channels = 2;
    st.ipc_channels = chs;
    Vh__Response c = VH__RESPONSE__INIT;
    c.call_id = 42;
    c.result_case = VH__RESPONSE__RESULT_STATS;
    c.stats = &st;

    size_t nn = nanopb_encode(vh_Response_fields, &n);
    size_t cn = vh__response__pack(&c, cb);
    same_bytes(nn, cn);

    static vh_Response nd;
    memset(&nd, 0, sizeof(nd));
    pb_istream_t is = pb_istream_from_buffer(cb, cn);
    cr_assert(pb_decode(&is, vh_Response_fields, &nd));
    cr_assert(memcmp(&nd, &n, sizeof(n)) == 0);
    Vh__Response *cd = vh__response__unpack(NULL, nn, nb);
    cr_assert_not_null(cd);
    cr_assert_eq(cd->stats->n_vcpus, 2);
    cr_assert_eq(cd->stats->vcpus[1]->cpu, -1);
    cr_assert_eq(cd->stats->vcpus[0]->rt->hist[15], 225000);
    cr_assert_eq(cd->stats->n_ipc_channels, 2);
    cr_assert_str_eq(cd->stats->ipc_channels[0]->dst, "gp");
    cr_assert_eq(cd->stats->ipc_channels[1]->dst_adu, 0xFFFF);
    cr_assert_eq(cd->stats->ipc_channels[1]->refused_fault, 4);
    vh__response__free_unpacked(cd, NULL);
}

Test(proto, refusal_and_adu_list)
{
    static vh_Response n = vh_Response_init_zero;
    n.call_id = 7;
    n.status = vh_Status_RESOURCE_EXHAUSTED;
    strcpy(n.detail, "CPU 1 would reach 104.0% (limit 95.0%)");
    Vh__Response c = VH__RESPONSE__INIT;
    c.call_id = 7;
    c.status = VH__STATUS__RESOURCE_EXHAUSTED;
    c.detail = "CPU 1 would reach 104.0% (limit 95.0%)";
    same_bytes(nanopb_encode(vh_Response_fields, &n), vh__response__pack(&c, cb));

    memset(&n, 0, sizeof(n));
    n.call_id = 8;
    n.which_result = vh_Response_adus_tag;
    n.result.adus.adus_count = 1;
    vh_Adu *a = &n.result.adus.adus[0];
    a->id = 1;
    strcpy(a->name, "gp");
    a->ram_bytes = 64ull << 20;
    a->state = vh_AduState_ADU_RESETTING;
    a->caps_count = 2;
    strcpy(a->caps[0], "manage");
    strcpy(a->caps[1], "reserve");
    char *caps[2] = {"manage", "reserve"};
    Vh__Adu ca = VH__ADU__INIT;
    ca.id = 1;
    ca.name = "gp";
    ca.ram_bytes = 64ull << 20;
    ca.state = VH__ADU_STATE__ADU_RESETTING;
    ca.n_caps = 2;
    ca.caps = caps;
    Vh__Adu *as[1] = {&ca};
    Vh__AduList cl = VH__ADU_LIST__INIT;
    cl.n_adus = 1;
    cl.adus = as;
    Vh__Response c2 = VH__RESPONSE__INIT;
    c2.call_id = 8;
    c2.result_case = VH__RESPONSE__RESULT_ADUS;
    c2.adus = &cl;
    same_bytes(nanopb_encode(vh_Response_fields, &n), vh__response__pack(&c2, cb));

    /* empty oneof member (StreamEnd) */
    memset(&n, 0, sizeof(n));
    n.call_id = 9;
    n.which_result = vh_Response_stream_end_tag;
    Vh__StreamEnd se = VH__STREAM_END__INIT;
    Vh__Response c3 = VH__RESPONSE__INIT;
    c3.call_id = 9;
    c3.result_case = VH__RESPONSE__RESULT_STREAM_END;
    c3.stream_end = &se;
    same_bytes(nanopb_encode(vh_Response_fields, &n), vh__response__pack(&c3, cb));
}
