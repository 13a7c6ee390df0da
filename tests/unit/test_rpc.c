/* RPC dispatch of the agent against the fake hypervisor: every call, the
 * VH_E* -> Status mapping with its detail text, dry runs, op_id replay,
 * malformed requests and the inter-ADU packet entry. */
#include <criterion/criterion.h>
#include <string.h>

#include "test_rpc_harness.h"

static vh_Request q;
static vh_Response r;

static void setup(void)
{
    h_setup();
    h_hello();
    memset(&q, 0, sizeof(q));
}

TestSuite(rpc, .init = setup);

static void create_req(uint32_t call_id, uint64_t op_id, const char *adu, uint64_t period,
                       uint64_t budget, int32_t cpu, bool dry)
{
    memset(&q, 0, sizeof(q));
    q.call_id = call_id;
    q.op_id = op_id;
    q.which_call = vh_Request_create_rt_tag;
    strcpy(q.call.create_rt.adu, adu);
    q.call.create_rt.entry = 0x80200000;
    q.call.create_rt.period_ns = period;
    q.call.create_rt.budget_ns = budget;
    q.call.create_rt.cpu = cpu;
    q.call.create_rt.dry_run = dry;
}

Test(rpc, system_info)
{
    q.call_id = 1;
    q.which_call = vh_Request_system_info_tag;
    cr_assert(h_call(&q, &r));
    cr_assert_eq(r.status, vh_Status_OK);
    cr_assert_eq(r.which_result, vh_Response_system_info_tag);
    cr_assert_eq(r.result.system_info.ncpus, 4);
    cr_assert_eq(r.result.system_info.boot_id, 0x1234);
    cr_assert_eq(r.result.system_info.protocol_version, 1);
    cr_assert_eq(r.result.system_info.cpu_limit_ppm, 950000);
    cr_assert_str_eq(r.result.system_info.build_id, "fake-target");
}

Test(rpc, list_adus)
{
    q.call_id = 2;
    q.which_call = vh_Request_list_adus_tag;
    cr_assert(h_call(&q, &r));
    cr_assert_eq(r.which_result, vh_Response_adus_tag);
    cr_assert_eq(r.result.adus.adus_count, 2);
    cr_assert_str_eq(r.result.adus.adus[0].name, "ctl");
    cr_assert_str_eq(r.result.adus.adus[1].name, "gp");
    cr_assert_eq(r.result.adus.adus[0].reserve_ppm, 300000);
    cr_assert_eq(r.result.adus.adus[0].caps_count, 2);
    cr_assert_str_eq(r.result.adus.adus[0].caps[0], "manage");
    cr_assert_eq(r.result.adus.adus[1].caps_count, 0);
}

Test(rpc, list_vcpus_with_filter)
{
    q.call_id = 3;
    q.which_call = vh_Request_list_vcpus_tag;
    cr_assert(h_call(&q, &r));
    cr_assert_eq(r.result.vcpus.vcpus_count, 4);
    strcpy(q.call.list_vcpus.adu, "gp");
    cr_assert(h_call(&q, &r));
    cr_assert_eq(r.result.vcpus.vcpus_count, 2);
    cr_assert_str_eq(r.result.vcpus.vcpus[0].adu, "gp");
    strcpy(q.call.list_vcpus.adu, "nope");
    cr_assert(h_call(&q, &r));
    cr_assert_eq(r.status, vh_Status_NOT_FOUND);
    cr_assert_str_eq(r.detail, "no ADU named 'nope'");
}

Test(rpc, create_destroy_rt)
{
    create_req(4, 100, "ctl", 10000000, 2000000, 1, false);
    cr_assert(h_call(&q, &r));
    cr_assert_eq(r.status, vh_Status_OK, "%s", r.detail);
    cr_assert_eq(r.which_result, vh_Response_create_rt_tag);
    cr_assert(r.result.create_rt.admitted);
    cr_assert_eq(r.result.create_rt.cpu, 1);
    uint32_t id = r.result.create_rt.vcpu_id;
    cr_assert_geq(id, 4);
    cr_assert_eq(r.result.create_rt.rt_id, 0);

    memset(&q, 0, sizeof(q));
    q.call_id = 5;
    q.which_call = vh_Request_list_vcpus_tag;
    cr_assert(h_call(&q, &r));
    cr_assert_eq(r.result.vcpus.vcpus_count, 5);
    cr_assert_eq(r.result.vcpus.vcpus[4].kind, vh_VcpuKind_VCPU_RT);
    cr_assert_eq(r.result.vcpus.vcpus[4].util_ppm, 200000);

    memset(&q, 0, sizeof(q));
    q.call_id = 6;
    q.op_id = 101;
    q.which_call = vh_Request_destroy_rt_tag;
    q.call.destroy_rt.vcpu_id = id;
    cr_assert(h_call(&q, &r));
    cr_assert_eq(r.status, vh_Status_OK);
    q.call_id = 7;
    q.op_id = 102;
    cr_assert(h_call(&q, &r));
    cr_assert_eq(r.status, vh_Status_NOT_FOUND);
    cr_assert_str_eq(r.detail, "no such object");
}

Test(rpc, refusals_map_to_status_with_detail)
{
    create_req(10, 200, "ctl", 10000000, 6000000, 1, false); /* 60% of CPU 1 */
    cr_assert(h_call(&q, &r));
    cr_assert_eq(r.status, vh_Status_OK);
    create_req(11, 201, "ctl", 10000000, 4400000, 1, false); /* 104% */
    cr_assert(h_call(&q, &r));
    cr_assert_eq(r.status, vh_Status_RESOURCE_EXHAUSTED);
    cr_assert_str_eq(r.detail, "CPU 1 would reach 104.0% (limit 95.0%)");
    /* ctl has 30% - 15% left; 3 x 20% = 15% fits, a further 60% (15%) does not */
    create_req(12, 202, "ctl", 10000000, 6000000, 2, false);
    cr_assert(h_call(&q, &r));
    cr_assert_eq(r.status, vh_Status_OK, "%s", r.detail);
    create_req(13, 203, "ctl", 10000000, 4800000, 3, false);
    cr_assert(h_call(&q, &r));
    cr_assert_eq(r.status, vh_Status_RESOURCE_EXHAUSTED);
    cr_assert_str_eq(r.detail, "ADU 'ctl': 0.0% of its 30.0% reservation left, needs 12.0%");
    /* bad arguments */
    create_req(14, 204, "gp", 10000000, 20000000, -1, false);
    cr_assert(h_call(&q, &r));
    cr_assert_eq(r.status, vh_Status_INVALID_ARGUMENT);
    cr_assert_str_eq(r.detail, "budget 20000000 ns exceeds deadline 10000000 ns");
    create_req(15, 205, "gp", 10000000, 1000000, 9, false);
    cr_assert(h_call(&q, &r));
    cr_assert_eq(r.status, vh_Status_INVALID_ARGUMENT);
    cr_assert_str_eq(r.detail, "cpu 9 out of range 0..3");
    /* machine limit and wrong state */
    memset(&q, 0, sizeof(q));
    q.call_id = 16;
    q.op_id = 206;
    q.which_call = vh_Request_set_reservation_tag;
    strcpy(q.call.set_reservation.adu, "gp");
    q.call.set_reservation.reserve_ppm = 700000;
    cr_assert(h_call(&q, &r));
    cr_assert_eq(r.status, vh_Status_RESOURCE_EXHAUSTED);
    cr_assert_str_eq(r.detail, "reservations would sum to 100.0% (machine RT limit 90.0%)");
    q.call_id = 17;
    q.op_id = 207;
    strcpy(q.call.set_reservation.adu, "ctl");
    q.call.set_reservation.reserve_ppm = 100000;
    cr_assert(h_call(&q, &r));
    cr_assert_eq(r.status, vh_Status_FAILED_PRECONDITION);
    /* BE-VCPU is not an RT-VCPU */
    memset(&q, 0, sizeof(q));
    q.call_id = 18;
    q.op_id = 208;
    q.which_call = vh_Request_set_rt_params_tag;
    q.call.set_rt_params.vcpu_id = 0;
    q.call.set_rt_params.budget_ns = 1000;
    cr_assert(h_call(&q, &r));
    cr_assert_eq(r.status, vh_Status_PERMISSION_DENIED);
    cr_assert_str_eq(r.detail, "VCPU 0 is not an RT-VCPU");
}

Test(rpc, dry_run_changes_nothing)
{
    uint32_t before = fake_ops_mutations();

    create_req(20, 0, "gp", 10000000, 5000000, -1, true);
    cr_assert(h_call(&q, &r));
    cr_assert_eq(r.status, vh_Status_OK);
    cr_assert(r.result.create_rt.admitted);
    cr_assert_eq(r.result.create_rt.vcpu_id, 0);
    create_req(21, 0, "gp", 10000000, 9900000, 2, true);
    cr_assert(h_call(&q, &r));
    cr_assert_eq(r.status, vh_Status_OK);
    cr_assert_not(r.result.create_rt.admitted);
    cr_assert_str_eq(r.detail, "CPU 2 would reach 99.0% (limit 95.0%)");
    cr_assert_eq(fake_ops_mutations(), before);
    memset(&q, 0, sizeof(q));
    q.call_id = 22;
    q.which_call = vh_Request_list_vcpus_tag;
    cr_assert(h_call(&q, &r));
    cr_assert_eq(r.result.vcpus.vcpus_count, 4);
}

Test(rpc, op_id_replay_answers_from_cache)
{
    static vh_Response first;

    create_req(30, 777, "gp", 10000000, 3000000, -1, false);
    cr_assert(h_call(&q, &first));
    cr_assert_eq(first.status, vh_Status_OK);
    uint32_t after_first = fake_ops_mutations();
    q.call_id = 31; /* the host's retry: new call id, same op id */
    cr_assert(h_call(&q, &r));
    cr_assert_eq(r.call_id, 31);
    cr_assert_eq(r.status, vh_Status_OK);
    cr_assert_eq(r.result.create_rt.vcpu_id, first.result.create_rt.vcpu_id);
    cr_assert_eq(fake_ops_mutations(), after_first);
    cr_assert_eq(H.a.ctr.rpc_replayed, 1);
    /* a refused mutation is replayed as refused too */
    create_req(32, 778, "gp", 10000000, 9900000, 0, false);
    cr_assert(h_call(&q, &r));
    cr_assert_eq(r.status, vh_Status_RESOURCE_EXHAUSTED);
    q.call_id = 33;
    q.call.create_rt.budget_ns = 1000000; /* would pass now, but it is a retry */
    cr_assert(h_call(&q, &r));
    cr_assert_eq(r.status, vh_Status_RESOURCE_EXHAUSTED);
    cr_assert_eq(fake_ops_mutations(), after_first);
}

Test(rpc, set_params_migrate_reserve_console)
{
    create_req(40, 900, "ctl", 10000000, 1000000, 0, false);
    cr_assert(h_call(&q, &r));
    uint32_t id = r.result.create_rt.vcpu_id;
    memset(&q, 0, sizeof(q));
    q.call_id = 41;
    q.op_id = 901;
    q.which_call = vh_Request_set_rt_params_tag;
    q.call.set_rt_params.vcpu_id = id;
    q.call.set_rt_params.budget_ns = 2000000;
    cr_assert(h_call(&q, &r));
    cr_assert_eq(r.status, vh_Status_OK, "%s", r.detail);
    memset(&q, 0, sizeof(q));
    q.call_id = 42;
    q.op_id = 902;
    q.which_call = vh_Request_migrate_tag;
    q.call.migrate.vcpu_id = id;
    q.call.migrate.cpu = 3;
    cr_assert(h_call(&q, &r));
    cr_assert_eq(r.status, vh_Status_OK, "%s", r.detail);
    memset(&q, 0, sizeof(q));
    q.call_id = 43;
    q.op_id = 903;
    q.which_call = vh_Request_set_reservation_tag;
    strcpy(q.call.set_reservation.adu, "gp");
    q.call.set_reservation.reserve_ppm = 400000;
    cr_assert(h_call(&q, &r));
    cr_assert_eq(r.status, vh_Status_OK, "%s", r.detail);
    memset(&q, 0, sizeof(q));
    q.call_id = 44;
    q.which_call = vh_Request_list_vcpus_tag;
    cr_assert(h_call(&q, &r));
    cr_assert_eq(r.result.vcpus.vcpus[4].cpu, 3);
    cr_assert_eq(r.result.vcpus.vcpus[4].budget_ns, 2000000);
    memset(&q, 0, sizeof(q));
    q.call_id = 45;
    q.which_call = vh_Request_console_input_tag;
    strcpy(q.call.console_input.adu, "gp");
    memcpy(q.call.console_input.data.bytes, "ls\n", 3);
    q.call.console_input.data.size = 3;
    cr_assert(h_call(&q, &r));
    cr_assert_eq(r.status, vh_Status_OK);
    char line[32];
    uint32_t adu = 99;
    cr_assert_eq(fake_ops_console_take(&adu, line, sizeof(line)), 2);
    cr_assert_eq(adu, 1);
    cr_assert(memcmp(line, "ls", 2) == 0);
}

Test(rpc, malformed_requests)
{
    /* call_id 9, then a length-delimited field running past the end */
    static const uint8_t bad[] = {0x08, 0x09, 0x52, 0x10, 0x01};
    h_send(LINK_CH_RPC, bad, sizeof(bad));
    h_run();
    cr_assert(h_next_response(&r));
    cr_assert_eq(r.call_id, 9);
    cr_assert_eq(r.status, vh_Status_INVALID_ARGUMENT);
    cr_assert_neq(r.detail[0], '\0');
    /* no readable call_id: counted and dropped */
    static const uint8_t junk[] = {0xff, 0xff, 0xff};
    h_send(LINK_CH_RPC, junk, sizeof(junk));
    h_run();
    cr_assert_not(h_next_response(&r));
    cr_assert_eq(H.a.ctr.rpc_malformed, 2);
    /* a request that names no call */
    memset(&q, 0, sizeof(q));
    q.call_id = 50;
    cr_assert(h_call(&q, &r));
    cr_assert_eq(r.status, vh_Status_INVALID_ARGUMENT);
}

Test(rpc, packet_entry_and_permission)
{
    static uint8_t req[vh_Request_size], resp[LINK_MAX_PAYLOAD];
    q.call_id = 60;
    q.which_call = vh_Request_list_adus_tag;
    pb_ostream_t os = pb_ostream_from_buffer(req, sizeof(req));
    cr_assert(pb_encode(&os, vh_Request_fields, &q));

    long n = mgmt_agent_rpc_packet(&H.a, true, req, os.bytes_written, resp, sizeof(resp));
    cr_assert_gt(n, 0);
    pb_istream_t is = pb_istream_from_buffer(resp, (size_t)n);
    cr_assert(pb_decode(&is, vh_Response_fields, &r));
    cr_assert_eq(r.call_id, 60);
    cr_assert_eq(r.result.adus.adus_count, 2);

    n = mgmt_agent_rpc_packet(&H.a, false, req, os.bytes_written, resp, sizeof(resp));
    cr_assert_gt(n, 0);
    is = pb_istream_from_buffer(resp, (size_t)n);
    cr_assert(pb_decode(&is, vh_Response_fields, &r));
    cr_assert_eq(r.status, vh_Status_PERMISSION_DENIED);
    cr_assert_eq(r.which_result, 0);

    static const uint8_t junk[] = {0xff};
    cr_assert_eq(mgmt_agent_rpc_packet(&H.a, true, junk, 1, resp, sizeof(resp)), VH_EINVAL);
    cr_assert_eq(mgmt_agent_rpc_packet(&H.a, true, req, os.bytes_written, resp, 4),
                 VH_EMSGSIZE);
}
