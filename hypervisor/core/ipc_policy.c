/*
 * Messaging policy as plain functions over plain data: the receive queue
 * ring, endpoint numbering and the send permission check.  No locks and no
 * arch hooks: callers hold the endpoint lock of the queue they pass, and the
 * host tests run exactly this code.
 */
#include <core/ipc.h>
#include <core/lib.h>

void ipc_queue_init(struct ipc_queue *q, uint8_t *data, uint32_t depth, uint32_t size)
{
    q->data = data;
    q->depth = MIN(depth, IPC_MAX_DEPTH);
    q->size = size;
    ipc_queue_clear(q);
}

void ipc_queue_clear(struct ipc_queue *q)
{
    q->head = 0;
    q->count = 0;
    q->reserved = 0;
}

uint32_t ipc_queue_pending(const struct ipc_queue *q)
{
    return q->count;
}

uint32_t ipc_queue_free(const struct ipc_queue *q)
{
    return q->depth - q->count - q->reserved;
}

static uint32_t slot_at(const struct ipc_queue *q, uint32_t n)
{
    return (q->head + n) % q->depth;
}

uint8_t *ipc_queue_tail(struct ipc_queue *q)
{
    if (q->data == NULL || ipc_queue_free(q) == 0) {
        return NULL;
    }
    return q->data + (uint64_t)slot_at(q, q->count) * q->size;
}

void ipc_queue_commit(struct ipc_queue *q, uint16_t src, uint32_t len)
{
    uint32_t i = slot_at(q, q->count);
    q->src[i] = src;
    q->len[i] = (uint16_t)MIN(len, q->size);
    q->count++;
}

bool ipc_queue_reserve(struct ipc_queue *q)
{
    if (q->data == NULL || ipc_queue_free(q) == 0) {
        return false;
    }
    q->reserved++;
    return true;
}

void ipc_queue_commit_reserved(struct ipc_queue *q, const uint8_t *msg, uint32_t len, uint16_t src)
{
    q->reserved--;
    uint8_t *slot = ipc_queue_tail(q); /* not NULL: the promise kept one free */
    memcpy(slot, msg, MIN(len, q->size));
    ipc_queue_commit(q, src, len);
}

void ipc_queue_unreserve(struct ipc_queue *q)
{
    if (q->reserved != 0) {
        q->reserved--;
    }
}

const uint8_t *ipc_queue_head(const struct ipc_queue *q, uint32_t *len, uint16_t *src)
{
    if (q->count == 0) {
        return NULL;
    }
    *len = q->len[q->head];
    *src = q->src[q->head];
    return q->data + (uint64_t)q->head * q->size;
}

void ipc_queue_pop(struct ipc_queue *q)
{
    if (q->count != 0) {
        q->head = slot_at(q, 1);
        q->count--;
    }
}

int ipc_ep_index(uint64_t id, uint32_t nadus)
{
    if (id == VH_MSG_DEST_MGMT) {
        return (int)IPC_EP_MGMT;
    }
    return id < nadus ? (int)id : -1;
}

uint16_t ipc_ep_id(uint32_t ep)
{
    return ep == IPC_EP_MGMT ? (uint16_t)VH_MSG_DEST_MGMT : (uint16_t)ep;
}

long ipc_send_allowed(uint32_t send_mask, uint32_t dst, uint64_t len, uint32_t size)
{
    if (dst != IPC_EP_MGMT && (dst >= VH_MAX_ADUS || !(send_mask & (1u << dst)))) {
        return VH_EPERM;
    }
    return len > size ? VH_EMSGSIZE : 0;
}

uint64_t ipc_queue_bytes(const struct vh_cfg_adu *cfg)
{
    return (uint64_t)MIN(cfg->msg_depth, IPC_MAX_DEPTH) * MIN(cfg->msg_size, VH_MSG_SIZE_MAX);
}
