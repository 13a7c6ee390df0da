/*
 * Inter-ADU messaging.  ADUs share no memory: the hypervisor copies a
 * message from the sender's RAM into a slot of the receiver's queue (in the
 * sender's hypercall, so the copy is charged to the sender's time) and from
 * the slot into the receiver's buffer when it receives.  Each ADU has one
 * receive queue of msg_depth slots of msg_size bytes carved from a static
 * pool at boot; a full queue refuses (the sender never waits), a message
 * is delivered whole or not at all.  Who may send to whom comes from the
 * scenario (send_to); destination VH_MSG_DEST_MGMT carries management RPCs
 * to the hypervisor's agent.
 *
 * Lock order: an ADU's endpoint lock is a leaf; receivers are woken and
 * the agent is called (under mgmt_lock) after it is dropped.
 *
 * The queue and permission policy (ipc_policy.c) are plain functions over
 * plain data so the host tests run the same code.
 */
#ifndef CORE_IPC_H
#define CORE_IPC_H

#include <stdbool.h>
#include <stdint.h>
#include <vh/abi.h>
#include <vh/config.h>

struct adu;
struct cpu;
struct vcpu;

#define IPC_MAX_DEPTH 64u               /* vhcfg's bound on msg_depth */
#define IPC_POOL_BYTES (512u * 1024u)   /* all receive queues together */
#define IPC_EP_MGMT VH_MAX_ADUS         /* channel index of the agent */
#define IPC_NEP (VH_MAX_ADUS + 1u)      /* endpoints: the ADUs and the agent */

/* A ring of `depth` slots of `size` bytes; src/len describe each slot. */
struct ipc_queue {
    uint8_t *data;
    uint32_t depth, size;
    uint32_t head, count;
    uint32_t reserved; /* slots promised to an answer still being built */
    uint16_t src[IPC_MAX_DEPTH];
    uint16_t len[IPC_MAX_DEPTH];
};

/* Counters of one channel (sender -> receiver). */
struct ipc_chan_stats {
    uint64_t sent;     /* messages put into the receiver's queue */
    uint64_t received; /* messages the receiver took out */
    uint64_t refused_perm, refused_full, refused_size, refused_fault;
};

/* ---- mechanism (ipc.c) ---- */

/* Bind ADU `a`'s queue to its share of the pool (first call) and empty it;
 * turns notification off.  Called whenever the ADU (re)loads. */
void ipc_adu_reset(struct adu *a);
/* The hypercalls: set v's return registers; true if the VCPU blocked. */
bool ipc_hcall_send(struct vcpu *v, uint64_t dest, uint64_t gpa, uint64_t len);
bool ipc_hcall_recv(struct cpu *c, struct vcpu *v, uint64_t gpa, uint64_t cap, uint64_t flags);
bool ipc_hcall_query(struct vcpu *v, uint64_t flags);
/*
 * Snapshot of channel src -> dst (endpoint indices: ADU ids, IPC_EP_MGMT
 * for the agent).  0, or VH_ENOENT for an index out of range.  For the
 * management agent's statistics.
 */
long ipc_chan_stats_get(uint32_t src, uint32_t dst, struct ipc_chan_stats *out);

/* ---- policy (ipc_policy.c): callers hold the queue's endpoint lock ---- */

void ipc_queue_init(struct ipc_queue *q, uint8_t *data, uint32_t depth, uint32_t size);
/* Empty the queue (keeps its storage). */
void ipc_queue_clear(struct ipc_queue *q);
uint32_t ipc_queue_pending(const struct ipc_queue *q);
uint32_t ipc_queue_free(const struct ipc_queue *q);
/* Slot the next message goes into, or NULL when full. */
uint8_t *ipc_queue_tail(struct ipc_queue *q);
/* The tail slot now holds a message of `len` bytes from `src`. */
void ipc_queue_commit(struct ipc_queue *q, uint16_t src, uint32_t len);
/* Promise one slot (false if full); ipc_queue_commit_reserved fills it. */
bool ipc_queue_reserve(struct ipc_queue *q);
/* Fill the promised slot with a message (len <= size) from `src`. */
void ipc_queue_commit_reserved(struct ipc_queue *q, const uint8_t *msg, uint32_t len, uint16_t src);
/* Give a promised slot back unused. */
void ipc_queue_unreserve(struct ipc_queue *q);
/* Oldest message (its length and source), or NULL when empty. */
const uint8_t *ipc_queue_head(const struct ipc_queue *q, uint32_t *len, uint16_t *src);
void ipc_queue_pop(struct ipc_queue *q);

/* Endpoint index of a message source or destination id, or -1. */
int ipc_ep_index(uint64_t id, uint32_t nadus);
/* Message source id of endpoint index `ep` (ADU id or VH_MSG_DEST_MGMT). */
uint16_t ipc_ep_id(uint32_t ep);
/*
 * May an ADU with send mask `send_mask` send `len` bytes to endpoint `dst`
 * whose queue holds messages of `size` bytes?  0, VH_EPERM (not in its
 * send_to list) or VH_EMSGSIZE.  The management endpoint is open to all
 * (the agent answers callers without the manage capability
 * PERMISSION_DENIED).
 */
long ipc_send_allowed(uint32_t send_mask, uint32_t dst, uint64_t len, uint32_t size);
/* Bytes of pool an ADU's queue needs (0 when it has none). */
uint64_t ipc_queue_bytes(const struct vh_cfg_adu *cfg);

#endif /* CORE_IPC_H */
