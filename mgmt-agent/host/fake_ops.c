/*
 * Simulated hypervisor for the agent's host build (see fake_ops.h).  The
 * admission test and its refusal sentences follow what the real core says,
 * so host tools can be developed against this without QEMU.
 */
#include "fake_ops.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <vh/config.h>

#define NADUS 2u
#define NBE 2u /* per ADU */
#define CONSOLE_BUF 256u

struct fake_vcpu {
    bool used;
    struct mgmt_vcpu_info info;
    uint64_t born_ns;
};

struct fake_adu {
    struct mgmt_adu_info info;
    uint32_t next_rt;
    char in[CONSOLE_BUF];
    size_t in_len;
};

static struct {
    uint64_t boot_id, now_ns;
    uint32_t mutations;
    struct fake_adu adu[NADUS];
    struct fake_vcpu vcpu[FAKE_VCPU_SLOTS];
} m;

static const char *const adu_names[NADUS] = {"ctl", "gp"};

void fake_ops_reset(uint64_t boot_id)
{
    memset(&m, 0, sizeof(m));
    m.boot_id = boot_id;
    for (uint32_t a = 0; a < NADUS; a++) {
        struct mgmt_adu_info *i = &m.adu[a].info;
        i->id = a;
        snprintf(i->name, sizeof(i->name), "%s", adu_names[a]);
        i->ram_bytes = 64ull << 20;
        i->be_vcpus = NBE;
        i->reserve_ppm = 300000;
        i->state = MGMT_ADU_RUNNING;
        i->boots = 1;
        i->caps = a == 0 ? VH_CAP(MANAGE) | VH_CAP(RESERVE) : 0;
        for (uint32_t b = 0; b < NBE; b++) {
            struct fake_vcpu *v = &m.vcpu[a * NBE + b];
            v->used = true;
            v->info.id = a * NBE + b;
            v->info.adu_id = a;
            v->info.kind = MGMT_VCPU_BE;
            v->info.index = b;
            v->info.state = MGMT_VS_RUNNABLE;
            v->info.cpu = -1;
            v->info.priority = 8;
            v->info.affinity = (1u << FAKE_NCPUS) - 1;
        }
    }
}

void fake_ops_set_now(uint64_t now_ns)
{
    m.now_ns = now_ns;
}

uint32_t fake_ops_mutations(void)
{
    return m.mutations;
}

static double pct(uint64_t ppm)
{
    return (double)ppm / 10000.0;
}

static uint32_t util_of(uint64_t budget_ns, uint64_t period_ns)
{
    return (uint32_t)((budget_ns * 1000000u + period_ns - 1) / period_ns);
}

static uint32_t cpu_util(int32_t cpu, const struct fake_vcpu *skip)
{
    uint32_t sum = 0;

    for (uint32_t i = 0; i < FAKE_VCPU_SLOTS; i++) {
        const struct fake_vcpu *v = &m.vcpu[i];
        if (v->used && v != skip && v->info.kind == MGMT_VCPU_RT && v->info.cpu == cpu)
            sum += v->info.util_ppm;
    }
    return sum;
}

static uint32_t adu_used(uint32_t adu, const struct fake_vcpu *skip)
{
    uint32_t sum = 0;

    for (uint32_t i = 0; i < FAKE_VCPU_SLOTS; i++) {
        const struct fake_vcpu *v = &m.vcpu[i];
        if (v->used && v != skip && v->info.kind == MGMT_VCPU_RT && v->info.adu_id == adu)
            sum += v->info.util_ppm / FAKE_NCPUS;
    }
    return sum;
}

static void fake_system_info(struct mgmt_sys_info *o)
{
    memset(o, 0, sizeof(*o));
    o->ncpus = FAKE_NCPUS;
    snprintf(o->build_id, sizeof(o->build_id), "fake-target");
    snprintf(o->scenario, sizeof(o->scenario), "fake-demo");
    o->boot_id = m.boot_id;
    o->uptime_ns = m.now_ns;
    o->timebase_hz = 10000000;
    o->rt_limit_ppm = FAKE_RT_LIMIT_PPM;
    o->cpu_limit_ppm = FAKE_CPU_LIMIT_PPM;
    o->quantum_ns = 10000000;
}

static uint32_t fake_adu_count(void)
{
    return NADUS;
}

static int fake_adu_get(uint32_t pos, struct mgmt_adu_info *o)
{
    if (pos >= NADUS)
        return VH_ENOENT;
    *o = m.adu[pos].info;
    o->reserve_used_ppm = adu_used(pos, NULL);
    return 0;
}

static uint32_t fake_vcpu_slots(void)
{
    return FAKE_VCPU_SLOTS;
}

/* Synthetic but plausible RT statistics: a function of the clock. */
static void rt_stats(const struct fake_vcpu *v, struct vh_rt_stats *s)
{
    uint64_t age = m.now_ns > v->born_ns ? m.now_ns - v->born_ns : 0;
    uint64_t n = age / v->info.period_ns;

    memset(s, 0, sizeof(*s));
    s->releases = n;
    if (n == 0)
        return;
    uint64_t wobble = (n * 7919u + v->info.id * 104729u) % 600u;
    s->jitter_min_ns = 180 + v->info.id % 7 * 10;
    s->jitter_max_ns = 900 + wobble * 4;
    uint64_t avg = (s->jitter_min_ns * 3 + s->jitter_max_ns) / 4;
    s->jitter_sum_ns = n * avg;
    s->jitter_sumsq_ns2 = n * (avg * avg + 40000);
    s->resp_max_ns = v->info.budget_ns * 9 / 10 + s->jitter_max_ns;
    s->resp_sum_ns = n * (v->info.budget_ns * 6 / 10 + avg);
    s->hist[0] = (uint32_t)(n / 5);
    s->hist[1] = (uint32_t)(n / 2);
    s->hist[2] = (uint32_t)(n / 4);
    s->hist[3] = (uint32_t)(n - n / 5 - n / 2 - n / 4);
}

static int fake_vcpu_get(uint32_t pos, struct mgmt_vcpu_info *o)
{
    if (pos >= FAKE_VCPU_SLOTS || !m.vcpu[pos].used)
        return VH_ENOENT;
    const struct fake_vcpu *v = &m.vcpu[pos];
    *o = v->info;
    if (v->info.kind == MGMT_VCPU_RT) {
        rt_stats(v, &o->rt);
        o->run_ns = o->rt.releases * v->info.budget_ns * 6 / 10;
        o->state = (m.now_ns / 1000000u + pos) % 3u == 0 ? MGMT_VS_RUNNING : MGMT_VS_RT_WAITING;
    } else {
        o->run_ns = m.now_ns / 3;
        o->state = (m.now_ns / 10000000u + pos) % 2u ? MGMT_VS_RUNNING : MGMT_VS_RUNNABLE;
        o->cpu = o->state == MGMT_VS_RUNNING ? (int32_t)(pos % FAKE_NCPUS) : -1;
    }
    return 0;
}

static uint32_t fake_cpu_count(void)
{
    return FAKE_NCPUS;
}

static int fake_cpu_get(uint32_t cpu, struct mgmt_cpu_info *o)
{
    if (cpu >= FAKE_NCPUS)
        return VH_ENOENT;
    memset(o, 0, sizeof(*o));
    o->id = cpu;
    o->rt_util_ppm = cpu_util((int32_t)cpu, NULL);
    o->rt_ns = m.now_ns / 1000000u * o->rt_util_ppm * 6 / 10 / 1000u;
    o->hv_ns = m.now_ns / 100u;
    o->be_ns = (m.now_ns - o->rt_ns - o->hv_ns) / 2;
    o->idle_ns = m.now_ns - o->rt_ns - o->hv_ns - o->be_ns;
    return 0;
}

static long check_timing(const struct vh_rt_params *p, char *why, size_t n)
{
    uint64_t dl = p->deadline_ns ? p->deadline_ns : p->period_ns;

    if (p->period_ns == 0 || p->budget_ns == 0) {
        snprintf(why, n, "period_ns and budget_ns must be > 0");
        return VH_EINVAL;
    }
    if (dl > p->period_ns) {
        snprintf(why, n, "deadline %llu ns exceeds period %llu ns",
                 (unsigned long long)dl, (unsigned long long)p->period_ns);
        return VH_EINVAL;
    }
    if (p->budget_ns > dl) {
        snprintf(why, n, "budget %llu ns exceeds deadline %llu ns",
                 (unsigned long long)p->budget_ns, (unsigned long long)dl);
        return VH_EINVAL;
    }
    return 0;
}

static long check_adu(uint32_t adu, uint32_t util, const struct fake_vcpu *skip, char *why,
                      size_t n)
{
    uint32_t res = m.adu[adu].info.reserve_ppm, used = adu_used(adu, skip);
    uint32_t need = util / FAKE_NCPUS;

    if (used + need <= res)
        return 0;
    snprintf(why, n, "ADU '%s': %.1f%% of its %.1f%% reservation left, needs %.1f%%",
             m.adu[adu].info.name, pct(res - used), pct(res), pct(need));
    return VH_EADU_RESERVE;
}

static long check_cpu(int32_t cpu, uint32_t util, const struct fake_vcpu *skip, char *why,
                      size_t n)
{
    uint32_t after = cpu_util(cpu, skip) + util;

    if (after <= FAKE_CPU_LIMIT_PPM)
        return 0;
    snprintf(why, n, "CPU %d would reach %.1f%% (limit %.1f%%)", cpu, pct(after),
             pct(FAKE_CPU_LIMIT_PPM));
    return VH_ECPU_CAPACITY;
}

/* Place util on cpu (or the least loaded CPU that takes it). */
static long place(int32_t *cpu, uint32_t util, const struct fake_vcpu *skip, char *why, size_t n)
{
    if (*cpu != VH_CPU_AUTO) {
        if (*cpu < 0 || *cpu >= (int32_t)FAKE_NCPUS) {
            snprintf(why, n, "cpu %d out of range 0..%u", *cpu, FAKE_NCPUS - 1);
            return VH_ERANGE;
        }
        return check_cpu(*cpu, util, skip, why, n);
    }
    int32_t best = 0;
    uint32_t free_sum = 0;
    for (int32_t c = 0; c < (int32_t)FAKE_NCPUS; c++) {
        uint32_t u = cpu_util(c, skip);
        free_sum += FAKE_CPU_LIMIT_PPM - (u < FAKE_CPU_LIMIT_PPM ? u : FAKE_CPU_LIMIT_PPM);
        if (u < cpu_util(best, skip))
            best = c;
    }
    *cpu = best;
    if (cpu_util(best, skip) + util <= FAKE_CPU_LIMIT_PPM)
        return 0;
    if (free_sum >= util) {
        snprintf(why, n, "no CPU has %.1f%% free (most: CPU %d with %.1f%%); %.1f%% free in all",
                 pct(util), best, pct(FAKE_CPU_LIMIT_PPM - cpu_util(best, skip)),
                 pct(free_sum));
        return VH_EFRAGMENTED;
    }
    return check_cpu(best, util, skip, why, n);
}

static long fake_rt_create(uint32_t adu, const struct vh_rt_params *p, int32_t *cpu_out,
                           char *why, size_t n)
{
    if (adu >= NADUS)
        return VH_ENOENT;
    long err = check_timing(p, why, n);
    if (err)
        return err;
    uint32_t util = util_of(p->budget_ns, p->period_ns);
    int32_t cpu = p->cpu;
    if ((err = check_adu(adu, util, NULL, why, n)) || (err = place(&cpu, util, NULL, why, n)))
        return err;
    *cpu_out = cpu;
    if (p->flags & VH_RT_F_DRY_RUN)
        return 0;
    for (uint32_t i = NADUS * NBE; i < FAKE_VCPU_SLOTS; i++) {
        struct fake_vcpu *v = &m.vcpu[i];
        if (v->used)
            continue;
        memset(v, 0, sizeof(*v));
        v->used = true;
        v->born_ns = m.now_ns;
        v->info.id = i;
        v->info.adu_id = adu;
        v->info.kind = MGMT_VCPU_RT;
        v->info.index = m.adu[adu].next_rt++;
        v->info.state = MGMT_VS_RT_WAITING;
        v->info.cpu = cpu;
        v->info.period_ns = p->period_ns;
        v->info.deadline_ns = p->deadline_ns ? p->deadline_ns : p->period_ns;
        v->info.budget_ns = p->budget_ns;
        v->info.util_ppm = util;
        v->info.entry = p->entry;
        m.mutations++;
        return i;
    }
    snprintf(why, n, "all %u VCPU slots in use", FAKE_VCPU_SLOTS);
    return VH_ENOMEM;
}

static struct fake_vcpu *rt_vcpu(uint32_t id, long *err)
{
    if (id >= FAKE_VCPU_SLOTS || !m.vcpu[id].used) {
        *err = VH_ENOENT;
        return NULL;
    }
    if (m.vcpu[id].info.kind != MGMT_VCPU_RT) {
        *err = VH_EPERM;
        return NULL;
    }
    return &m.vcpu[id];
}

static long fake_rt_destroy(uint32_t id)
{
    long err = 0;
    struct fake_vcpu *v = rt_vcpu(id, &err);

    if (v == NULL)
        return err;
    v->used = false;
    m.mutations++;
    return 0;
}

static long fake_rt_set(uint32_t id, const struct vh_rt_params *p, char *why, size_t n)
{
    long err = 0;
    struct fake_vcpu *v = rt_vcpu(id, &err);
    struct vh_rt_params q;

    if (v == NULL) {
        snprintf(why, n, err == VH_EPERM ? "VCPU %u is not an RT-VCPU" : "no VCPU %u", id);
        return err;
    }
    memset(&q, 0, sizeof(q));
    q.period_ns = p->period_ns ? p->period_ns : v->info.period_ns;
    q.deadline_ns = p->deadline_ns ? p->deadline_ns : v->info.deadline_ns;
    q.budget_ns = p->budget_ns ? p->budget_ns : v->info.budget_ns;
    if ((err = check_timing(&q, why, n)))
        return err;
    uint32_t util = util_of(q.budget_ns, q.period_ns);
    if ((err = check_adu(v->info.adu_id, util, v, why, n)) ||
        (err = check_cpu(v->info.cpu, util, v, why, n)))
        return err;
    v->info.period_ns = q.period_ns;
    v->info.deadline_ns = q.deadline_ns;
    v->info.budget_ns = q.budget_ns;
    v->info.util_ppm = util;
    m.mutations++;
    return 0;
}

static long fake_vcpu_migrate(uint32_t id, int32_t cpu, char *why, size_t n)
{
    if (id >= FAKE_VCPU_SLOTS || !m.vcpu[id].used) {
        snprintf(why, n, "no VCPU %u", id);
        return VH_ENOENT;
    }
    if (cpu < 0 || cpu >= (int32_t)FAKE_NCPUS) {
        snprintf(why, n, "cpu %d out of range 0..%u", cpu, FAKE_NCPUS - 1);
        return VH_ERANGE;
    }
    struct fake_vcpu *v = &m.vcpu[id];
    if (v->info.kind == MGMT_VCPU_BE) {
        v->info.affinity = 1u << cpu;
    } else {
        long err = check_cpu(cpu, v->info.util_ppm, v, why, n);
        if (err)
            return err;
        v->info.cpu = cpu;
    }
    m.mutations++;
    return 0;
}

static long fake_reserve_set(uint32_t adu, uint32_t ppm, char *why, size_t n)
{
    uint32_t others = 0, used;

    if (adu >= NADUS)
        return VH_ENOENT;
    for (uint32_t a = 0; a < NADUS; a++)
        others += a == adu ? 0 : m.adu[a].info.reserve_ppm;
    if (others + ppm > FAKE_RT_LIMIT_PPM) {
        snprintf(why, n, "reservations would sum to %.1f%% (machine RT limit %.1f%%)",
                 pct(others + ppm), pct(FAKE_RT_LIMIT_PPM));
        return VH_EMACHINE_LIMIT;
    }
    used = adu_used(adu, NULL);
    if (ppm < used) {
        snprintf(why, n, "ADU '%s' has %.1f%% admitted: destroy RT-VCPUs before going below",
                 m.adu[adu].info.name, pct(used));
        return VH_ESTATE;
    }
    m.adu[adu].info.reserve_ppm = ppm;
    m.mutations++;
    return 0;
}

static long fake_console_input(uint32_t adu, const uint8_t *buf, size_t len)
{
    if (adu >= NADUS)
        return VH_ENOENT;
    struct fake_adu *a = &m.adu[adu];
    size_t room = CONSOLE_BUF - a->in_len;
    size_t n = len < room ? len : room;
    memcpy(a->in + a->in_len, buf, n);
    a->in_len += n;
    return (long)n;
}

long fake_ops_console_take(uint32_t *adu_id, char *buf, size_t cap)
{
    for (uint32_t i = 0; i < NADUS; i++) {
        struct fake_adu *a = &m.adu[i];
        char *nl = memchr(a->in, '\n', a->in_len);
        if (nl == NULL && a->in_len < CONSOLE_BUF)
            continue;
        size_t line = nl ? (size_t)(nl - a->in) : a->in_len;
        size_t used = nl ? line + 1 : line;
        size_t n = line < cap ? line : cap;
        memcpy(buf, a->in, n);
        memmove(a->in, a->in + used, a->in_len - used);
        a->in_len -= used;
        *adu_id = i;
        return (long)n;
    }
    return -1;
}

/*
 * Messaging channels, fake-target only: endpoints ctl, gp and the agent
 * (position = src * 3 + dst, endpoint 2 the agent).  The counters are
 * synthetic functions of the clock, like the other statistics: ctl sends
 * gp 50 messages a second and is sometimes refused for a full queue, gp
 * echoes them; ctl (manage) calls the agent once a second; gp (no manage)
 * made one call at boot, answered PERMISSION_DENIED, and sent ctl one
 * oversize message.  send_to would be ctl: gp and gp: ctl.
 */
#define FAKE_NEP (NADUS + 1u)

static uint32_t fake_chan_slots(void)
{
    return FAKE_NEP * FAKE_NEP;
}

static void fake_chan_counts(uint32_t src, uint32_t dst, struct mgmt_chan_info *o)
{
    uint64_t ms = m.now_ns / 1000000u, s = ms / 1000u;
    uint64_t pings = ms / 20u, in_flight = pings % 3u;

    if (src == 0 && dst == 1) {
        o->sent = pings;
        o->received = pings - in_flight;
        o->refused_full = pings / 40u;
    } else if (src == 1 && dst == 0) {
        o->sent = o->received = pings - in_flight;
        o->refused_size = 1;
    } else if (src == 0 || dst == 0) { /* ctl <-> agent */
        o->sent = o->received = s;
    } else if (src == 1 || dst == 1) { /* gp <-> agent */
        o->sent = o->received = 1;
    }
}

static int fake_chan_get(uint32_t pos, struct mgmt_chan_info *o)
{
    uint32_t src = pos / FAKE_NEP, dst = pos % FAKE_NEP;

    if (pos >= FAKE_NEP * FAKE_NEP || src == dst)
        return VH_ENOENT;
    memset(o, 0, sizeof(*o));
    o->src = src == NADUS ? VH_MSG_DEST_MGMT : src;
    o->dst = dst == NADUS ? VH_MSG_DEST_MGMT : dst;
    o->permitted = src == 1 && dst == NADUS ? 0u : src == NADUS && dst == 1 ? 0u : 1u;
    fake_chan_counts(src, dst, o);
    if (!o->permitted && o->sent == 0)
        return VH_ENOENT;
    return 0;
}

static const struct mgmt_ops ops = {
    .system_info = fake_system_info,
    .adu_count = fake_adu_count,
    .adu_get = fake_adu_get,
    .vcpu_slots = fake_vcpu_slots,
    .vcpu_get = fake_vcpu_get,
    .cpu_count = fake_cpu_count,
    .cpu_get = fake_cpu_get,
    .rt_create = fake_rt_create,
    .rt_destroy = fake_rt_destroy,
    .rt_set = fake_rt_set,
    .vcpu_migrate = fake_vcpu_migrate,
    .reserve_set = fake_reserve_set,
    .console_input = fake_console_input,
    .chan_slots = fake_chan_slots,
    .chan_get = fake_chan_get,
};

const struct mgmt_ops *fake_ops(void)
{
    return &ops;
}
