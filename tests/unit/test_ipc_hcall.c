/*
 * The messaging hypercalls (hypervisor/core/ipc.c) on the host, with the
 * real adu_gpa_to_hva (adu.c) and recorded stand-ins for the scheduler,
 * arch and agent (ipc_host.c): copies, permissions, bounds, full queues,
 * blocking receive, notification, the management destination, counters.
 */
#include <criterion/criterion.h>
#include <string.h>

#include <core/cpu.h>
#include <core/ipc.h>

#include "ipc_host.h"

#define RET(v) ((int64_t)(v)->arch.regs.x[10])
#define VAL(v) ((v)->arch.regs.x[11])

static struct vcpu *be(uint32_t adu, uint32_t i)
{
    return adus[adu].be[i];
}

/* ADU `from` sends `len` bytes at RAM offset `off`; returns the error. */
static int64_t send_at(uint32_t from, uint64_t dest, uint64_t gpa, uint64_t len)
{
    struct vcpu *v = be(from, 0);
    cr_assert_not(ipc_hcall_send(v, dest, gpa, len), "a send never blocks");
    return RET(v);
}

static int64_t send_text(uint32_t from, uint64_t dest, const char *text)
{
    memcpy(host_ram(from, 0x1000), text, strlen(text));
    return send_at(from, dest, host_gpa(0x1000), strlen(text));
}

static int64_t recv_into(uint32_t adu, uint64_t off, uint64_t cap, uint64_t flags)
{
    struct vcpu *v = be(adu, 0);
    cr_assert_not(ipc_hcall_recv(this_cpu(), v, host_gpa(off), cap, flags));
    return RET(v);
}

static struct ipc_chan_stats chan(uint32_t s, uint32_t d)
{
    struct ipc_chan_stats st;
    cr_assert_eq(ipc_chan_stats_get(s, d, &st), 0);
    return st;
}

static uint32_t pending(uint32_t adu)
{
    ipc_hcall_query(be(adu, 0), 0);
    return (uint32_t)VAL(be(adu, 0));
}

TestSuite(ipc_hcall, .init = host_setup);

Test(ipc_hcall, send_then_receive_copies_the_message)
{
    cr_assert_eq(send_text(0, 1, "hello, one"), 0);
    cr_assert_eq(pending(1), 1);
    cr_assert_eq(recv_into(1, 0x2000, 256, 0), 0);
    cr_assert_eq(VAL(be(1, 0)), 10 | (0ull << 32), "length 10 from ADU 0");
    cr_assert(memcmp(host_ram(1, 0x2000), "hello, one", 10) == 0);
    cr_assert_eq(recv_into(1, 0x2000, 256, 0), VH_ENOMSG);
    cr_assert_eq(chan(0, 1).sent, 1);
    cr_assert_eq(chan(0, 1).received, 1);
}

Test(ipc_hcall, fifo_across_senders)
{
    cr_assert_eq(send_text(0, 1, "a"), 0);
    cr_assert_eq(send_text(0, 1, "bb"), 0);
    cr_assert_eq(recv_into(1, 0x2000, 256, 0), 0);
    cr_assert_eq(VAL(be(1, 0)), 1);
    cr_assert_eq(recv_into(1, 0x2000, 256, 0), 0);
    cr_assert_eq(VAL(be(1, 0)), 2);
}

Test(ipc_hcall, not_in_send_to_is_refused)
{
    cr_assert_eq(send_text(1, 2, "x"), VH_EPERM, "ADU 1 may send only to 0");
    cr_assert_eq(send_text(2, 0, "x"), VH_EPERM, "ADU 2 may send to nobody");
    cr_assert_eq(send_text(0, 0, "x"), VH_EPERM, "not even to itself");
    cr_assert_eq(send_text(0, 7, "x"), VH_ENOENT, "no ADU 7");
    cr_assert_eq(send_text(0, 0x10000, "x"), VH_ENOENT);
    cr_assert_eq(pending(2), 0);
    cr_assert_eq(chan(1, 2).refused_perm, 1);
    cr_assert_eq(chan(2, 0).refused_perm, 1);
}

Test(ipc_hcall, sender_addresses_are_checked)
{
    cr_assert_eq(send_at(0, 1, 0x1000, 16), VH_EFAULT, "below RAM");
    cr_assert_eq(send_at(0, 1, host_gpa(0) - 8, 16), VH_EFAULT, "straddles the start of RAM");
    cr_assert_eq(send_at(0, 1, host_gpa(HOST_RAM_SIZE - 8), 16), VH_EFAULT, "past the end");
    cr_assert_eq(send_at(0, 1, host_gpa(HOST_RAM_SIZE), 1), VH_EFAULT, "just past the end");
    cr_assert_eq(send_at(0, 1, UINT64_MAX - 4, 16), VH_EFAULT, "wraps around");
    cr_assert_eq(send_at(0, 1, host_gpa(HOST_RAM_SIZE - 16), 16), 0, "the last bytes of RAM");
    cr_assert_eq(pending(1), 1, "only the valid one was queued");
    cr_assert_eq(chan(0, 1).refused_fault, 5);
}

Test(ipc_hcall, too_long_for_the_receiver)
{
    cr_assert_eq(send_at(0, 2, host_gpa(0x1000), 4096), 0, "ADU 2 takes 4 KiB");
    cr_assert_eq(send_at(0, 1, host_gpa(0x1000), 257), VH_EMSGSIZE, "ADU 1 takes 256 bytes");
    cr_assert_eq(send_at(0, 1, host_gpa(0x1000), 1u << 30), VH_EMSGSIZE);
    cr_assert_eq(pending(1), 0);
    cr_assert_eq(chan(0, 1).refused_size, 2);
}

Test(ipc_hcall, full_queue_refuses_whole_messages)
{
    cr_assert_eq(send_text(0, 2, "1"), 0);
    cr_assert_eq(send_text(0, 2, "2"), 0);
    cr_assert_eq(send_text(0, 2, "3"), VH_EQUEUE_FULL, "depth 2");
    cr_assert_eq(pending(2), 2);
    ipc_hcall_query(be(2, 0), 0);
    cr_assert_eq(VAL(be(2, 0)), 2ull | 0ull << 32, "2 pending, 0 free");
    cr_assert_eq(recv_into(2, 0x3000, 16, 0), 0);
    cr_assert_eq(*host_ram(2, 0x3000), '1');
    cr_assert_eq(send_text(0, 2, "4"), 0, "room again");
    cr_assert_eq(chan(0, 2).refused_full, 1);
    cr_assert_eq(chan(0, 2).sent, 3);
}

Test(ipc_hcall, receiver_addresses_and_capacity)
{
    cr_assert_eq(send_text(0, 1, "twelve bytes"), 0);
    struct vcpu *v = be(1, 0);
    ipc_hcall_recv(this_cpu(), v, 0x1000, 64, 0);
    cr_assert_eq(RET(v), VH_EFAULT);
    ipc_hcall_recv(this_cpu(), v, host_gpa(HOST_RAM_SIZE - 8), 64, 0);
    cr_assert_eq(RET(v), VH_EFAULT, "capacity past the end of RAM");
    cr_assert_eq(recv_into(1, 0x2000, 4, 0), VH_EMSGSIZE);
    cr_assert_eq(VAL(v), 12, "says how much room it needs");
    cr_assert_eq(recv_into(1, 0x2000, 64, 0x80), VH_EINVAL, "unknown flag");
    cr_assert_eq(pending(1), 1, "still queued");
    cr_assert_eq(recv_into(1, 0x2000, 12, 0), 0, "exactly its length");
}

Test(ipc_hcall, blocking_receive_parks_and_restarts)
{
    struct vcpu *v = be(1, 1); /* the second hart of ADU 1 */
    uint64_t pc = v->arch.regs.sepc;
    cr_assert(ipc_hcall_recv(this_cpu(), v, host_gpa(0x2000), 256, VH_MSG_F_BLOCK), "parks");
    cr_assert_eq(v->state, VCPU_BLOCKED);
    cr_assert_eq(v->arch.regs.sepc, pc - 4, "will call again");
    cr_assert_eq(host.wakes[v->id], 0);
    cr_assert_eq(send_text(0, 1, "wake"), 0);
    cr_assert_eq(host.wakes[v->id], 1, "the message wakes it");
    cr_assert_eq(v->state, VCPU_RUNNABLE);
    cr_assert_eq(host.irq_posts[be(1, 0)->id], 0, "no interrupt without notification");
    v->arch.regs.sepc += 4; /* it runs the ecall again */
    cr_assert_not(ipc_hcall_recv(this_cpu(), v, host_gpa(0x2000), 256, VH_MSG_F_BLOCK));
    cr_assert_eq(RET(v), 0);
    cr_assert(memcmp(host_ram(1, 0x2000), "wake", 4) == 0);
    cr_assert_eq(send_text(0, 1, "again"), 0);
    cr_assert_eq(host.wakes[v->id], 1, "a receiver that is not parked is left alone");
}

Test(ipc_hcall, rt_vcpus_do_not_block)
{
    struct vcpu *v = be(1, 0);
    v->kind = VCPU_RT;
    cr_assert_not(ipc_hcall_recv(this_cpu(), v, host_gpa(0x2000), 256, VH_MSG_F_BLOCK));
    cr_assert_eq(RET(v), VH_ESTATE);
    cr_assert_eq(host.restarts, 0);
}

Test(ipc_hcall, notification_only_when_asked)
{
    cr_assert_eq(send_text(0, 1, "quiet"), 0);
    cr_assert_eq(host.irq_posts[be(1, 0)->id], 0);
    cr_assert_eq(host.wakes[be(1, 0)->id], 0, "an ADU that never asked is not disturbed");
    ipc_hcall_query(be(1, 0), VH_MSG_F_NOTIFY);
    cr_assert_eq(RET(be(1, 0)), 0);
    cr_assert_eq(send_text(0, 1, "loud"), 0);
    cr_assert_eq(host.irq_posts[be(1, 0)->id], 1, "soft interrupt to BE-VCPU 0");
    cr_assert_eq(host.wakes[be(1, 0)->id], 1, "woken from wfi");
    cr_assert_eq(host.irq_posts[be(1, 1)->id], 0);
    ipc_hcall_query(be(1, 0), 4);
    cr_assert_eq(RET(be(1, 0)), VH_EINVAL);
    ipc_adu_reset(&adus[1]);
    cr_assert_eq(send_text(0, 1, "after reset"), 0);
    cr_assert_eq(host.irq_posts[be(1, 0)->id], 1, "a reset turns notification off");
}

Test(ipc_hcall, reset_empties_the_queue)
{
    cr_assert_eq(send_text(0, 1, "old"), 0);
    ipc_adu_reset(&adus[1]);
    cr_assert_eq(pending(1), 0);
    adus[1].state = ADU_STOPPED;
    cr_assert_eq(send_text(0, 1, "x"), VH_ESTATE, "a stopped ADU takes no messages");
}

Test(ipc_hcall, management_rpc_without_the_capability)
{
    cr_assert_eq(send_text(0, VH_MSG_DEST_MGMT, "req"), 0);
    cr_assert_eq(host.agent_calls, 1);
    cr_assert_not(host.agent_may_manage);
    cr_assert_eq(host.agent_req_len, 3);
    cr_assert_eq(recv_into(0, 0x2000, 64, 0), 0);
    cr_assert_eq(VAL(be(0, 0)), 6 | (uint64_t)VH_MSG_DEST_MGMT << 32, "from the agent");
    cr_assert(memcmp(host_ram(0, 0x2000), "denied", 6) == 0);
    cr_assert_eq(chan(0, IPC_EP_MGMT).sent, 1);
    cr_assert_eq(chan(0, IPC_EP_MGMT).received, 1);
    cr_assert_eq(chan(IPC_EP_MGMT, 0).received, 1);
}

Test(ipc_hcall, management_rpc_with_the_capability)
{
    cr_assert_eq(send_text(3, VH_MSG_DEST_MGMT, "req"), 0);
    cr_assert(host.agent_may_manage);
    cr_assert_eq(recv_into(3, 0x2000, 64, 0), 0);
    cr_assert(memcmp(host_ram(3, 0x2000), "ok", 2) == 0);
}

Test(ipc_hcall, management_rpc_needs_room_for_the_answer)
{
    cr_assert_eq(send_text(3, VH_MSG_DEST_MGMT, "1"), 0);
    cr_assert_eq(send_text(3, VH_MSG_DEST_MGMT, "2"), 0);
    cr_assert_eq(send_text(3, VH_MSG_DEST_MGMT, "3"), VH_EQUEUE_FULL, "depth 2");
    cr_assert_eq(host.agent_calls, 2, "the third RPC was never run");
    cr_assert_eq(send_at(3, VH_MSG_DEST_MGMT, host_gpa(0), 129), VH_EMSGSIZE, "msg_size 128");
    cr_assert_eq(send_at(3, VH_MSG_DEST_MGMT, 0x10, 4), VH_EFAULT);
}

Test(ipc_hcall, management_rpc_waits_for_room_before_a_release)
{
    host.agent_no_room = true;
    uint64_t pc = be(3, 0)->arch.regs.sepc;
    memcpy(host_ram(3, 0), "req", 3);
    cr_assert(ipc_hcall_send(be(3, 0), VH_MSG_DEST_MGMT, host_gpa(0), 3),
              "the caller leaves the CPU (its release is near)");
    cr_assert_eq(host.agent_calls, 0, "no agent work where a release of this CPU is near");
    cr_assert_eq(host.restarts, 1, "the caller runs the same ecall again later");
    cr_assert_eq(be(3, 0)->arch.regs.sepc, pc - 4);
    cr_assert_eq(chan(3, IPC_EP_MGMT).sent, 0);
    host.agent_no_room = false;
    cr_assert_eq(send_text(3, VH_MSG_DEST_MGMT, "req"), 0);
    cr_assert_eq(host.agent_calls, 1);
}

Test(ipc_hcall, management_rpc_not_from_rt_vcpus)
{
    be(3, 0)->kind = VCPU_RT;
    cr_assert_eq(send_text(3, VH_MSG_DEST_MGMT, "req"), VH_ESTATE);
    cr_assert_eq(host.agent_calls, 0);
}

Test(ipc_hcall, channel_stats_bounds)
{
    struct ipc_chan_stats st;
    cr_assert_eq(ipc_chan_stats_get(IPC_NEP, 0, &st), VH_ENOENT);
    cr_assert_eq(ipc_chan_stats_get(0, IPC_NEP, &st), VH_ENOENT);
    cr_assert_eq(ipc_chan_stats_get(IPC_EP_MGMT, IPC_EP_MGMT, &st), VH_ENOENT);
    cr_assert_eq(ipc_chan_stats_get(2, 3, &st), 0);
    cr_assert_eq(st.sent, 0);
}
