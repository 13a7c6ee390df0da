/*
 * Inter-ADU messaging mechanism: see ipc.h.
 *
 * Every ADU owns one endpoint: its receive queue (a share of a static pool,
 * bound at boot in ADU order), the BE-VCPUs blocked in a receive and
 * whether it asked for notification.  A send checks the channel, both
 * addresses and the queue, then copies at most msg_size bytes into the
 * receiver's slot under the receiver's endpoint lock; nothing is copied
 * unless the whole message fits.  A blocking receive on an empty queue
 * parks the BE-VCPU with its pc back on the ecall: when it is woken (a
 * message arrived, or any other wake-up) it calls again and either takes
 * the message or parks again, so no other CPU ever completes a hypercall
 * of a VCPU it does not run.
 *
 * Counters: chans[s][d] is written under the endpoint lock of d (of s when
 * d is the management agent).  Lock order: an endpoint lock is a leaf;
 * wake-ups and the agent run after it is dropped.
 */
#include <core/adu.h>
#include <core/arch.h>
#include <core/console.h>
#include <core/cpu.h>
#include <core/ipc.h>
#include <core/lib.h>
#include <core/mgmt.h>
#include <core/sched.h>
#include <core/vcpu.h>

struct ipc_ep {
    spinlock_t lock;
    struct ipc_queue q;
    uint32_t waiters; /* BE-VCPUs (bit = index) parked in a receive */
    uint32_t gen;     /* bumped by each reset: a late agent answer is dropped */
    bool notify;      /* the ADU asked for a soft interrupt per message */
};

static struct ipc_ep eps[VH_MAX_ADUS];
static struct ipc_chan_stats chans[IPC_NEP][IPC_NEP];
static uint8_t pool[IPC_POOL_BYTES] __attribute__((aligned(64)));
static uint64_t pool_used;
/* Per-CPU copies of an agent request and its answer: the guest cannot
 * change a request while it is decoded, and no endpoint lock is held. */
static uint8_t mgmt_req[VH_MAX_CPUS][VH_MSG_SIZE_MAX];
static uint8_t mgmt_resp[VH_MAX_CPUS][VH_MSG_SIZE_MAX];

/* What a sender must do after dropping the receiver's lock. */
struct ipc_wake {
    uint32_t waiters;
    bool notify;
};

extern const struct vh_cfg vh_cfg;

static void bind_queue(const struct vh_cfg_adu *cfg, struct ipc_ep *e)
{
    uint32_t size = MIN(cfg->msg_size, VH_MSG_SIZE_MAX);
    uint32_t depth = MIN(cfg->msg_depth, IPC_MAX_DEPTH);
    uint64_t left = IPC_POOL_BYTES - pool_used;
    if (size == 0 || (uint64_t)depth * size > left) {
        uint32_t fit = size == 0 ? 0 : (uint32_t)MIN(left / size, depth);
        vh_log("ADU '%s': message queue cut from %u to %u slots of %u bytes (pool of %u KiB spent)",
               cfg->name, depth, fit, size, IPC_POOL_BYTES / 1024);
        depth = fit;
    }
    ipc_queue_init(&e->q, depth != 0 ? pool + pool_used : NULL, depth, size);
    pool_used += (uint64_t)depth * size;
}

/*
 * The first reset (boot CPU, the first ADU being loaded) binds every ADU's
 * queue, so a sender that starts early never sees a queue without storage.
 */
void ipc_adu_reset(struct adu *a)
{
    static bool bound;
    if (!bound) {
        for (uint32_t i = 0; i < vh_cfg.nadus && i < VH_MAX_ADUS; i++) {
            bind_queue(&vh_cfg.adu[i], &eps[i]);
        }
        bound = true;
    }
    struct ipc_ep *e = &eps[a->id];
    spin_lock(&e->lock);
    ipc_queue_clear(&e->q);
    e->waiters = 0;
    e->notify = false;
    e->gen++;
    spin_unlock(&e->lock);
}

/* Count a refusal; true when it is the channel's first of that kind. */
static bool count_refusal(struct ipc_chan_stats *ch, long err)
{
    uint64_t *n = err == VH_EPERM         ? &ch->refused_perm
                  : err == VH_EQUEUE_FULL ? &ch->refused_full
                  : err == VH_EMSGSIZE    ? &ch->refused_size
                  : err == VH_EFAULT      ? &ch->refused_fault
                                          : NULL;
    return n != NULL && ++*n == 1;
}

/* Log a channel's first refusal of each kind only: a guest that keeps
 * trying cannot flood the log.  Full queues are normal flow control. */
static void log_refusal(const struct adu *from, uint32_t dst, long err, bool first)
{
    if (!first || err == VH_EQUEUE_FULL) {
        return;
    }
    vh_log("ADU '%s': message to %s refused (%s): %s (further ones are only counted)",
           from->cfg->name, dst == IPC_EP_MGMT ? "the management agent" : adus[dst].cfg->name,
           vh_errname(err), vh_strerror(err));
}

/* Under e->lock: a message is queued; take the wake-ups it causes. */
static struct ipc_wake take_wake(struct ipc_ep *e)
{
    struct ipc_wake w = {e->waiters, e->notify};
    e->waiters = 0;
    return w;
}

static void wake_receivers(struct adu *to, struct ipc_wake w, const struct vcpu *self)
{
    for (uint32_t i = 0; w.waiters != 0; i++, w.waiters >>= 1) {
        if ((w.waiters & 1) && i < to->cfg->n_be_vcpus && to->be[i] != self) {
            sched_be_wake(to->be[i]);
        }
    }
    if (w.notify) {
        struct vcpu *v0 = to->be[0];
        arch_vcpu_irq_post(v0, VH_VIRQ_SOFT);
        if (v0 != self) {
            sched_be_wake(v0);
            sched_kick_vcpu(v0);
        }
    }
}

static long send_adu(struct vcpu *v, struct adu *to, uint64_t gpa, uint64_t len)
{
    struct adu *from = v->adu;
    struct ipc_ep *e = &eps[to->id];
    struct ipc_chan_stats *ch = &chans[from->id][to->id];
    long r = ipc_send_allowed(from->cfg->msg_send_mask, to->id, len, e->q.size);
    const uint8_t *src = r == 0 ? adu_gpa_to_hva(from, gpa, len) : NULL;
    if (r == 0 && src == NULL) {
        r = VH_EFAULT;
    } else if (r == 0 && (to->cfg == NULL || to->state == ADU_STOPPED)) {
        r = VH_ESTATE; /* not created yet (boot) or stopped for good */
    }
    struct ipc_wake w = {0, false};
    bool first = false;
    spin_lock(&e->lock);
    uint8_t *slot = r == 0 ? ipc_queue_tail(&e->q) : NULL;
    if (r == 0 && slot == NULL) {
        r = VH_EQUEUE_FULL;
    }
    if (r == 0) {
        memcpy(slot, src, len);
        ipc_queue_commit(&e->q, (uint16_t)from->id, (uint32_t)len);
        ch->sent++;
        w = take_wake(e);
    } else {
        first = count_refusal(ch, r);
    }
    spin_unlock(&e->lock);
    log_refusal(from, to->id, r, first);
    wake_receivers(to, w, v);
    return r;
}

/*
 * A management RPC: a slot of the sender's own queue is promised first, so
 * an RPC is only run when its answer has room; the agent runs with no
 * endpoint lock held (an RPC may reset ADUs, which takes their locks).
 * Every ADU may send; the agent answers one without the manage capability
 * PERMISSION_DENIED, so the guest learns why in the protocol's own words.
 * Only BE-VCPUs may call (VH_ESTATE otherwise).
 */
static long send_mgmt(struct vcpu *v, uint64_t gpa, uint64_t len)
{
    struct adu *from = v->adu;
    struct ipc_ep *e = &eps[from->id];
    uint32_t cpu = this_cpu()->id;
    long r = ipc_send_allowed(0, IPC_EP_MGMT, len, e->q.size);
    if (v->kind != VCPU_BE) {
        r = VH_ESTATE; /* agent work has no place in an RT job's budget */
    }
    const uint8_t *src = r == 0 ? adu_gpa_to_hva(from, gpa, len) : NULL;
    if (r == 0 && src == NULL) {
        r = VH_EFAULT;
    }
    spin_lock(&e->lock);
    if (r == 0 && !ipc_queue_reserve(&e->q)) {
        r = VH_EQUEUE_FULL;
    }
    uint32_t gen = e->gen;
    bool first = r != 0 && count_refusal(&chans[from->id][IPC_EP_MGMT], r);
    spin_unlock(&e->lock);
    if (r != 0) {
        log_refusal(from, IPC_EP_MGMT, r, first);
        return r;
    }
    memcpy(mgmt_req[cpu], src, len);
    long n = mgmt_rpc_packet((from->cfg->caps & VH_CAP(MANAGE)) != 0, mgmt_req[cpu], len,
                             mgmt_resp[cpu], e->q.size);
    struct ipc_wake w = {0, false};
    spin_lock(&e->lock);
    if (e->gen != gen) {
        n = n < 0 ? n : 0; /* the ADU was reset meanwhile: its queue is new */
    } else if (n < 0) {
        ipc_queue_unreserve(&e->q);
    } else {
        ipc_queue_commit_reserved(&e->q, mgmt_resp[cpu], (uint32_t)n, VH_MSG_DEST_MGMT);
        chans[from->id][IPC_EP_MGMT].sent++;
        chans[from->id][IPC_EP_MGMT].received++; /* the agent took the request at once */
        chans[IPC_EP_MGMT][from->id].sent++;
        w = take_wake(e);
    }
    spin_unlock(&e->lock);
    wake_receivers(from, w, v);
    return n < 0 ? n : 0;
}

bool ipc_hcall_send(struct vcpu *v, uint64_t dest, uint64_t gpa, uint64_t len)
{
    int dst = ipc_ep_index(dest, adu_count);
    long r;
    if (dst < 0) {
        r = VH_ENOENT;
    } else if (dst == (int)IPC_EP_MGMT) {
        if (v->kind == VCPU_BE && !mgmt_rpc_fits(this_cpu())) {
            arch_vcpu_hcall_restart(v); /* after this CPU's release: no RPC runs into it */
            return true;
        }
        r = send_mgmt(v, gpa, len);
    } else {
        r = send_adu(v, &adus[dst], gpa, len);
    }
    arch_vcpu_set_ret(v, r, 0);
    return false;
}

/*
 * Under e->lock: an empty queue and a blocking receive.  The VCPU parks
 * until a sender wakes it and then runs the same ecall again; its argument
 * registers are left as they are for that.
 */
static void park_receiver(struct cpu *c, struct vcpu *v, struct ipc_ep *e)
{
    e->waiters |= 1u << v->index;
    sched_be_block(c, v, UINT64_MAX);
    arch_vcpu_hcall_restart(v);
}

bool ipc_hcall_recv(struct cpu *c, struct vcpu *v, uint64_t gpa, uint64_t cap, uint64_t flags)
{
    struct adu *a = v->adu;
    struct ipc_ep *e = &eps[a->id];
    long r = 0;
    if (flags & ~(uint64_t)(VH_MSG_F_BLOCK | VH_MSG_F_NOTIFY)) {
        r = VH_EINVAL;
    } else if ((flags & VH_MSG_F_BLOCK) && v->kind != VCPU_BE) {
        r = VH_ESTATE; /* an RT-VCPU never blocks but in RT_WAIT */
    }
    uint8_t *dst = r == 0 ? adu_gpa_to_hva(a, gpa, cap) : NULL;
    if (r == 0 && dst == NULL) {
        r = VH_EFAULT;
    }
    if (r != 0) {
        arch_vcpu_set_ret(v, r, 0);
        return false;
    }
    uint32_t len = 0;
    uint16_t src = 0;
    spin_lock(&e->lock);
    e->notify |= (flags & VH_MSG_F_NOTIFY) != 0;
    const uint8_t *m = ipc_queue_head(&e->q, &len, &src);
    if (m == NULL && (flags & VH_MSG_F_BLOCK)) {
        park_receiver(c, v, e);
        spin_unlock(&e->lock);
        return true;
    }
    if (m == NULL) {
        r = VH_ENOMSG;
    } else if (len > cap) {
        r = VH_EMSGSIZE; /* it stays queued; a1 says how much room it needs */
    } else {
        memcpy(dst, m, len);
        ipc_queue_pop(&e->q);
        chans[ipc_ep_index(src, VH_MAX_ADUS)][a->id].received++;
    }
    spin_unlock(&e->lock);
    arch_vcpu_set_ret(v, r, r == 0 ? (uint64_t)len | (uint64_t)src << 32 : len);
    return false;
}

bool ipc_hcall_query(struct vcpu *v, uint64_t flags)
{
    struct ipc_ep *e = &eps[v->adu->id];
    if (flags & ~(uint64_t)VH_MSG_F_NOTIFY) {
        arch_vcpu_set_ret(v, VH_EINVAL, 0);
        return false;
    }
    spin_lock(&e->lock);
    e->notify |= flags != 0;
    uint64_t pending = ipc_queue_pending(&e->q), free = ipc_queue_free(&e->q);
    spin_unlock(&e->lock);
    arch_vcpu_set_ret(v, 0, pending | free << 32);
    return false;
}

long ipc_chan_stats_get(uint32_t src, uint32_t dst, struct ipc_chan_stats *out)
{
    if (src >= IPC_NEP || dst >= IPC_NEP || (src == IPC_EP_MGMT && dst == IPC_EP_MGMT)) {
        return VH_ENOENT;
    }
    struct ipc_ep *e = &eps[dst == IPC_EP_MGMT ? src : dst];
    spin_lock(&e->lock);
    *out = chans[src][dst];
    spin_unlock(&e->lock);
    return 0;
}
