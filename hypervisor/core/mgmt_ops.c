/*
 * The hypervisor's side of struct mgmt_ops: every management call goes
 * through the same internal functions as the hypercalls (rt.c, adu.c),
 * with the same checks; the agent adds no second path into the scheduler.
 * Messaging counters come from ipc.c's own snapshot (ipc_chan_stats_get).
 */
#include <core/adu.h>
#include <core/arch.h>
#include <core/cpu.h>
#include <core/ipc.h>
#include <core/lib.h>
#include <core/rt.h>
#include <core/sched.h>
#include <mgmt/ops.h>

extern const struct vh_cfg vh_cfg;
uint64_t vh_mgmt_boot_id;
uint64_t vh_boot_time;

static void ops_system_info(struct mgmt_sys_info *out)
{
    memset(out, 0, sizeof *out);
    out->ncpus = cpu_count;
    strlcpy(out->build_id, VH_VERSION, sizeof out->build_id);
    strlcpy(out->scenario, vh_cfg.name, sizeof out->scenario);
    out->boot_id = vh_mgmt_boot_id;
    out->uptime_ns = (arch_time_now() - vh_boot_time) * sched_ns_per_tick;
    out->timebase_hz = 1000000000ULL / sched_ns_per_tick;
    out->rt_limit_ppm = vh_cfg.rt_limit_ppm;
    out->cpu_limit_ppm = vh_cfg.cpu_limit_ppm - vh_cfg.hv_margin_ppm;
    out->quantum_ns = vh_cfg.quantum_ns;
}

static uint32_t ops_adu_count(void)
{
    return adu_count;
}

static int ops_adu_get(uint32_t pos, struct mgmt_adu_info *out)
{
    if (pos >= adu_count) {
        return VH_ENOENT;
    }
    const struct adu *a = &adus[pos];
    memset(out, 0, sizeof *out);
    out->id = a->id;
    strlcpy(out->name, a->cfg->name, sizeof out->name);
    out->ram_bytes = a->cfg->ram_size;
    out->be_vcpus = a->cfg->n_be_vcpus;
    out->reserve_ppm = a->reserve_ppm;
    out->reserve_used_ppm = a->reserve_used_ppm;
    out->state = a->state == ADU_RUNNING ? MGMT_ADU_RUNNING
                 : a->state == ADU_STOPPED ? MGMT_ADU_STOPPED : MGMT_ADU_RESETTING;
    out->boots = a->boots;
    out->caps = a->cfg->caps;
    return 0;
}

static uint32_t ops_vcpu_slots(void)
{
    return VH_MAX_VCPUS;
}

static uint32_t vcpu_state(const struct vcpu *v)
{
    switch (v->state) {
    case VCPU_RUNNABLE: return MGMT_VS_RUNNABLE;
    case VCPU_RUNNING: return MGMT_VS_RUNNING;
    case VCPU_BLOCKED: return MGMT_VS_BLOCKED;
    case VCPU_RT_WAITING: return MGMT_VS_RT_WAITING;
    case VCPU_RT_THROTTLED: return MGMT_VS_RT_THROTTLED;
    default: return MGMT_VS_STOPPED;
    }
}

static int ops_vcpu_get(uint32_t pos, struct mgmt_vcpu_info *out)
{
    if (pos >= VH_MAX_VCPUS || vcpu_pool[pos].state == VCPU_FREE || vcpu_pool[pos].adu == NULL) {
        return VH_ENOENT;
    }
    const struct vcpu *v = &vcpu_pool[pos];
    uint64_t npt = sched_ns_per_tick;
    memset(out, 0, sizeof *out);
    out->id = pos;
    out->adu_id = v->adu->id;
    out->kind = v->kind == VCPU_RT ? MGMT_VCPU_RT : MGMT_VCPU_BE;
    out->index = v->index;
    out->state = vcpu_state(v);
    out->run_ns = v->run_ticks * npt;
    if (v->kind == VCPU_RT) {
        out->cpu = v->rt_cpu;
        out->period_ns = v->rt.period * npt;
        out->deadline_ns = v->rt.deadline * npt;
        out->budget_ns = v->rt.budget * npt;
        out->util_ppm = v->rt.util_ppm;
        out->entry = v->rt_entry;
        out->rt = v->rt.st;
        if (out->rt.jitter_min_ns == UINT64_MAX) {
            out->rt.jitter_min_ns = 0; /* no job measured yet */
        }
    } else {
        out->cpu = v->cpu;
        out->priority = v->prio;
        out->affinity = v->affinity;
    }
    return 0;
}

static uint32_t ops_cpu_count(void)
{
    return cpu_count;
}

static int ops_cpu_get(uint32_t cpu, struct mgmt_cpu_info *out)
{
    if (cpu >= cpu_count) {
        return VH_ENOENT;
    }
    const struct cpu *c = &cpus[cpu];
    uint64_t npt = sched_ns_per_tick;
    uint64_t acc[CPU_T_COUNT];
    memcpy(acc, c->t_acc, sizeof acc);
    uint32_t kind = c->t_kind; /* add the interval in progress (an idle CPU may sleep long) */
    uint64_t mark = c->t_mark, now = arch_time_now();
    if (kind < CPU_T_COUNT && now > mark) {
        acc[kind] += now - mark;
    }
    memset(out, 0, sizeof *out);
    out->id = cpu;
    out->rt_ns = acc[CPU_T_RT] * npt;
    out->be_ns = acc[CPU_T_BE] * npt;
    out->hv_ns = acc[CPU_T_HV] * npt;
    out->idle_ns = acc[CPU_T_IDLE] * npt;
    out->rt_util_ppm = c->rt_util_ppm;
    return 0;
}

static struct adu *adu_of(uint32_t id)
{
    return id < adu_count ? &adus[id] : NULL;
}

static long ops_rt_create(uint32_t adu_id, const struct vh_rt_params *p, int32_t *cpu_out,
                          char *why, size_t n)
{
    struct adu *a = adu_of(adu_id);
    if (a == NULL) {
        vh_snprintf(why, n, "no ADU %u", adu_id);
        return VH_ENOENT;
    }
    return rt_create(a, p, cpu_out, why, n);
}

static struct vcpu *rt_by_id(uint32_t vcpu_id)
{
    return rt_find(NULL, vcpu_id);
}

static long ops_rt_destroy(uint32_t vcpu_id)
{
    struct vcpu *v = rt_by_id(vcpu_id);
    return v == NULL ? VH_ENOENT : rt_destroy(v->adu, vcpu_id);
}

static long ops_rt_set(uint32_t vcpu_id, const struct vh_rt_params *p, char *why, size_t n)
{
    struct vcpu *v = rt_by_id(vcpu_id);
    if (v == NULL) {
        vh_snprintf(why, n, "no RT-VCPU %u", vcpu_id);
        return VH_ENOENT;
    }
    return rt_set(v->adu, vcpu_id, p, why, n);
}

static long ops_vcpu_migrate(uint32_t vcpu_id, int32_t cpu, char *why, size_t n)
{
    if (vcpu_id >= VH_MAX_VCPUS || vcpu_pool[vcpu_id].state == VCPU_FREE) {
        vh_snprintf(why, n, "no VCPU %u", vcpu_id);
        return VH_ENOENT;
    }
    struct vcpu *v = &vcpu_pool[vcpu_id];
    if (v->kind == VCPU_RT) {
        return rt_migrate(v->adu, vcpu_id, cpu, why, n);
    }
    if (cpu < 0 || (uint32_t)cpu >= cpu_count) {
        vh_snprintf(why, n, "CPU %d does not exist (CPUs 0..%u)", cpu, cpu_count - 1);
        return VH_EINVAL;
    }
    return sched_be_set_affinity(v, 1u << cpu);
}

static long ops_reserve_set(uint32_t adu_id, uint32_t ppm, char *why, size_t n)
{
    struct adu *a = adu_of(adu_id);
    if (a == NULL) {
        vh_snprintf(why, n, "no ADU %u", adu_id);
        return VH_ENOENT;
    }
    return rt_reserve_set(a, ppm, why, n);
}

static long ops_console_input(uint32_t adu_id, const uint8_t *buf, size_t len)
{
    struct adu *a = adu_of(adu_id);
    if (a == NULL) {
        return VH_ENOENT;
    }
    size_t i = 0;
    while (i < len && vuart_rx_push(a, buf[i])) {
        i++;
    }
    return (long)i;
}

static uint32_t ops_chan_slots(void)
{
    return IPC_NEP * IPC_NEP;
}

static bool ep_exists(uint32_t ep)
{
    return ep == IPC_EP_MGMT || ep < adu_count;
}

/*
 * Does the scenario open channel src -> dst (endpoint indices)?  Between
 * ADUs: the sender's send_to.  With the agent, both ways: the ADU's manage
 * capability (any ADU may call it, the others are answered
 * PERMISSION_DENIED, and those calls still show up in the counters).
 */
static bool chan_permitted(uint32_t src, uint32_t dst)
{
    if (src == IPC_EP_MGMT || dst == IPC_EP_MGMT) {
        uint32_t a = src == IPC_EP_MGMT ? dst : src;
        return (vh_cfg.adu[a].caps & VH_CAP(MANAGE)) != 0;
    }
    return ipc_send_allowed(vh_cfg.adu[src].msg_send_mask, dst, 0, 0) == 0;
}

static bool chan_counted(const struct ipc_chan_stats *st)
{
    return (st->sent | st->received | st->refused_perm | st->refused_full | st->refused_size |
            st->refused_fault) != 0;
}

/* Position pos is channel pos / IPC_NEP -> pos % IPC_NEP. */
static int ops_chan_get(uint32_t pos, struct mgmt_chan_info *out)
{
    uint32_t src = pos / IPC_NEP, dst = pos % IPC_NEP;
    struct ipc_chan_stats st;
    if (pos >= IPC_NEP * IPC_NEP || !ep_exists(src) || !ep_exists(dst) ||
        ipc_chan_stats_get(src, dst, &st) != 0) {
        return VH_ENOENT;
    }
    bool open = chan_permitted(src, dst);
    if (!open && !chan_counted(&st)) {
        return VH_ENOENT;
    }
    memset(out, 0, sizeof *out);
    out->src = ipc_ep_id(src);
    out->dst = ipc_ep_id(dst);
    out->permitted = open ? 1u : 0u;
    out->sent = st.sent;
    out->received = st.received;
    out->refused_perm = st.refused_perm;
    out->refused_full = st.refused_full;
    out->refused_size = st.refused_size;
    out->refused_fault = st.refused_fault;
    return 0;
}

const struct mgmt_ops vh_mgmt_ops = {
    .system_info = ops_system_info,
    .adu_count = ops_adu_count,
    .adu_get = ops_adu_get,
    .vcpu_slots = ops_vcpu_slots,
    .vcpu_get = ops_vcpu_get,
    .cpu_count = ops_cpu_count,
    .cpu_get = ops_cpu_get,
    .rt_create = ops_rt_create,
    .rt_destroy = ops_rt_destroy,
    .rt_set = ops_rt_set,
    .vcpu_migrate = ops_vcpu_migrate,
    .reserve_set = ops_reserve_set,
    .console_input = ops_console_input,
    .chan_slots = ops_chan_slots,
    .chan_get = ops_chan_get,
};
