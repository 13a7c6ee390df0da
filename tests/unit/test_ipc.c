/* Messaging policy (hypervisor/core/ipc_policy.c) on the host: the receive
 * queue ring, endpoint numbering and the send permission check. */
#include <criterion/criterion.h>
#include <string.h>

#include <core/ipc.h>

static uint8_t store[8 * 16];

static void push(struct ipc_queue *q, uint16_t src, const char *text)
{
    uint8_t *slot = ipc_queue_tail(q);
    cr_assert_not_null(slot, "a free slot for '%s'", text);
    memcpy(slot, text, strlen(text));
    ipc_queue_commit(q, src, (uint32_t)strlen(text));
}

static void expect(struct ipc_queue *q, uint16_t src, const char *text)
{
    uint32_t len = 0;
    uint16_t s = 0;
    const uint8_t *m = ipc_queue_head(q, &len, &s);
    cr_assert_not_null(m, "a message '%s' queued", text);
    cr_assert_eq(s, src);
    cr_assert_eq(len, strlen(text));
    cr_assert(memcmp(m, text, len) == 0, "content of '%s'", text);
    ipc_queue_pop(q);
}

Test(ipc_queue, fifo_order_and_wrap)
{
    struct ipc_queue q;
    ipc_queue_init(&q, store, 4, 16);
    cr_assert_eq(ipc_queue_pending(&q), 0);
    cr_assert_eq(ipc_queue_free(&q), 4);
    push(&q, 1, "one");
    push(&q, 2, "two");
    push(&q, 3, "three");
    expect(&q, 1, "one");
    expect(&q, 2, "two");
    push(&q, 4, "four"); /* these two wrap around the ring's end */
    push(&q, 5, "five");
    push(&q, 6, "six");
    cr_assert_eq(ipc_queue_pending(&q), 4);
    expect(&q, 3, "three");
    expect(&q, 4, "four");
    expect(&q, 5, "five");
    expect(&q, 6, "six");
    uint32_t len;
    uint16_t src;
    cr_assert_null(ipc_queue_head(&q, &len, &src));
    ipc_queue_pop(&q); /* popping an empty queue changes nothing */
    cr_assert_eq(ipc_queue_pending(&q), 0);
    cr_assert_eq(ipc_queue_free(&q), 4);
}

Test(ipc_queue, full_refuses_and_slots_do_not_overlap)
{
    struct ipc_queue q;
    ipc_queue_init(&q, store, 8, 16);
    uint8_t *seen[8];
    for (int i = 0; i < 8; i++) {
        seen[i] = ipc_queue_tail(&q);
        cr_assert_not_null(seen[i]);
        cr_assert(seen[i] >= store && seen[i] + 16 <= store + sizeof store, "slot inside its storage");
        for (int j = 0; j < i; j++) {
            cr_assert_neq(seen[i], seen[j]);
        }
        ipc_queue_commit(&q, 0, 16);
    }
    cr_assert_null(ipc_queue_tail(&q), "a full queue gives no slot");
    cr_assert_eq(ipc_queue_free(&q), 0);
    ipc_queue_clear(&q);
    cr_assert_eq(ipc_queue_pending(&q), 0);
    cr_assert_eq(ipc_queue_free(&q), 8);
}

Test(ipc_queue, reserved_slots_count_as_used)
{
    struct ipc_queue q;
    ipc_queue_init(&q, store, 2, 16);
    cr_assert(ipc_queue_reserve(&q));
    push(&q, 1, "a");
    cr_assert_null(ipc_queue_tail(&q), "the promised slot is not given away");
    cr_assert_not(ipc_queue_reserve(&q));
    ipc_queue_commit_reserved(&q, (const uint8_t *)"answer", 6, 0xFFFF);
    expect(&q, 1, "a");
    expect(&q, 0xFFFF, "answer");
    cr_assert(ipc_queue_reserve(&q));
    ipc_queue_unreserve(&q);
    cr_assert_eq(ipc_queue_free(&q), 2);
}

Test(ipc_queue, no_storage_means_always_full)
{
    struct ipc_queue q;
    ipc_queue_init(&q, NULL, 0, 256);
    cr_assert_null(ipc_queue_tail(&q));
    cr_assert_not(ipc_queue_reserve(&q));
    cr_assert_eq(ipc_queue_free(&q), 0);
}

Test(ipc_policy, send_permission_from_the_mask)
{
    uint32_t mask = (1u << 1) | (1u << 3);
    cr_assert_eq(ipc_send_allowed(mask, 1, 16, 256), 0);
    cr_assert_eq(ipc_send_allowed(mask, 3, 256, 256), 0, "exactly msg_size fits");
    cr_assert_eq(ipc_send_allowed(mask, 2, 16, 256), VH_EPERM);
    cr_assert_eq(ipc_send_allowed(mask, 0, 16, 256), VH_EPERM);
    cr_assert_eq(ipc_send_allowed(0xFFFFFFFFu, VH_MAX_ADUS + 3, 16, 256), VH_EPERM);
    cr_assert_eq(ipc_send_allowed(mask, 1, 257, 256), VH_EMSGSIZE);
    cr_assert_eq(ipc_send_allowed(mask, 2, 100000, 256), VH_EPERM, "permission is checked first");
    cr_assert_eq(ipc_send_allowed(0, IPC_EP_MGMT, 16, 256), 0, "the agent is open to all");
    cr_assert_eq(ipc_send_allowed(0, IPC_EP_MGMT, 300, 256), VH_EMSGSIZE);
}

Test(ipc_policy, endpoint_numbers)
{
    cr_assert_eq(ipc_ep_index(0, 3), 0);
    cr_assert_eq(ipc_ep_index(2, 3), 2);
    cr_assert_eq(ipc_ep_index(3, 3), -1);
    cr_assert_eq(ipc_ep_index(0x1FFFF, 3), -1);
    cr_assert_eq(ipc_ep_index(VH_MSG_DEST_MGMT, 3), (int)IPC_EP_MGMT);
    cr_assert_eq(ipc_ep_id(IPC_EP_MGMT), VH_MSG_DEST_MGMT);
    cr_assert_eq(ipc_ep_id(5), 5);
}

Test(ipc_policy, queue_bytes_are_clamped)
{
    struct vh_cfg_adu c = {.msg_depth = 8, .msg_size = 256};
    cr_assert_eq(ipc_queue_bytes(&c), 2048);
    c.msg_depth = 1000;
    c.msg_size = 100000;
    cr_assert_eq(ipc_queue_bytes(&c), (uint64_t)IPC_MAX_DEPTH * VH_MSG_SIZE_MAX);
}
