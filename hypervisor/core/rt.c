/*
 * RT-VCPUs: creation after admission, the job protocol, live changes,
 * migration and destruction (see rt.h).  Every change is transactional:
 * it is checked in full first and applied only if it passes, so a refusal
 * leaves the state as it was.
 *
 * Lock order: rt_admit_lock (serialises all admission decisions), then
 * cpu->rt_lock.  An RT-VCPU's global VCPU id is also its RT id.
 */
#include <core/adu.h>
#include <core/admit.h>
#include <core/arch.h>
#include <core/console.h>
#include <core/cpu.h>
#include <core/lib.h>
#include <core/rt.h>
#include <core/sched.h>

extern const struct vh_cfg vh_cfg;

#define RT_BASE (VH_MAX_ADUS * VH_MAX_BE_VCPUS)
#define MIN_PERIOD_NS 50000ULL          /* 50 us */
#define MAX_PERIOD_NS 10000000000ULL    /* 10 s */

static spinlock_t rt_admit_lock = SPINLOCK_INIT;

static uint32_t cpu_limit_ppm(void)
{
    return vh_cfg.cpu_limit_ppm - vh_cfg.hv_margin_ppm;
}

/* The ADU's share of the machine that an RT-VCPU of util_ppm takes. */
static uint32_t machine_ppm(uint32_t util_ppm)
{
    return (util_ppm + cpu_count - 1) / cpu_count;
}

struct vcpu *rt_find(const struct adu *a, long id)
{
    if (id < RT_BASE || id >= RT_BASE + VH_MAX_RT_VCPUS) {
        return NULL;
    }
    struct vcpu *v = &vcpu_pool[id];
    return v->state != VCPU_FREE && v->kind == VCPU_RT && (a == NULL || v->adu == a) ? v : NULL;
}

/* Check and convert guest parameters to ticks. */
static long rt_params_ticks(const struct adu *a, const struct vh_rt_params *p, bool timing_only,
                            struct admit_task *t, char *why, size_t n)
{
    uint64_t deadline = p->deadline_ns ? p->deadline_ns : p->period_ns;
    if (p->period_ns < MIN_PERIOD_NS || p->period_ns > MAX_PERIOD_NS) {
        vh_snprintf(why, n, "period %lu ns is outside 50 us .. 10 s", p->period_ns);
        return VH_EINVAL;
    }
    if (deadline > p->period_ns || p->budget_ns == 0 || p->budget_ns > deadline) {
        vh_snprintf(why, n, "need 0 < budget (%lu ns) <= deadline (%lu ns) <= period (%lu ns)",
                    p->budget_ns, deadline, p->period_ns);
        return VH_EINVAL;
    }
    if (!timing_only && (adu_gpa_to_hva(a, p->entry, 4) == NULL ||
                         (p->stack != 0 && adu_gpa_to_hva(a, p->stack - 16, 16) == NULL))) {
        vh_snprintf(why, n, "entry 0x%lx or stack 0x%lx is outside the ADU's memory", p->entry,
                    p->stack);
        return VH_EFAULT;
    }
    uint64_t npt = sched_ns_per_tick;
    t->period = p->period_ns / npt;
    t->deadline = deadline / npt;
    t->budget = (p->budget_ns + npt - 1) / npt;
    return 0;
}

/* Collect CPU `cpu`'s admitted set, leaving out `skip`. Caller holds rt_admit_lock. */
static uint32_t cpu_set(uint32_t cpu, const struct vcpu *skip, struct admit_task *out)
{
    const struct cpu *c = &cpus[cpu];
    uint32_t n = 0;
    for (uint32_t i = 0; i < c->n_rt; i++) {
        const struct vcpu *v = c->rt[i];
        if (v != skip) {
            out[n++] = (struct admit_task){v->rt.period, v->rt.deadline, v->rt.budget};
        }
    }
    return n;
}

/* Would `t` fit on `cpu` (without `skip`)? 0, or VH_E* with a sentence. */
static long cpu_admits(uint32_t cpu, const struct vcpu *skip, const struct admit_task *t,
                       char *why, size_t n)
{
    struct admit_task set[VH_MAX_RT_PER_CPU + 1];
    uint32_t k = cpu_set(cpu, skip, set);
    char p1[16], p2[16];
    if (k >= VH_MAX_RT_PER_CPU) {
        vh_snprintf(why, n, "CPU %u already has %u RT-VCPUs (the most it takes)", cpu, k);
        return VH_ECPU_CAPACITY;
    }
    set[k++] = *t;
    uint64_t at = 0, util = 0;
    for (uint32_t i = 0; i < k; i++) {
        util += admit_util_ppm(&set[i]);
    }
    switch (admit_edf(set, k, cpu_limit_ppm(), &at)) {
    case ADMIT_OK:
        return 0;
    case ADMIT_OVER_UTIL:
        vh_snprintf(why, n, "CPU %u would reach %s (limit %s)", cpu, admit_pct(p1, 16, util),
                    admit_pct(p2, 16, cpu_limit_ppm()));
        return VH_ECPU_CAPACITY;
    case ADMIT_OVER_DEMAND:
        vh_snprintf(why, n, "CPU %u: EDF demand exceeds %s of the CPU within %lu us",
                    cpu, admit_pct(p2, 16, cpu_limit_ppm()), at * sched_ns_per_tick / 1000);
        return VH_ECPU_CAPACITY;
    default:
        vh_snprintf(why, n, "CPU %u: the demand analysis horizon is too long to check", cpu);
        return VH_ECPU_CAPACITY;
    }
}

static long adu_admits(const struct adu *a, uint32_t old_ppm, uint32_t new_ppm, char *why,
                       size_t n)
{
    uint32_t used = a->reserve_used_ppm - old_ppm;
    if (used + new_ppm <= a->reserve_ppm) {
        return 0;
    }
    char p1[16], p2[16], p3[16];
    vh_snprintf(why, n, "ADU '%s': %s of its %s reservation left, needs %s", a->cfg->name,
                admit_pct(p1, 16, a->reserve_ppm > used ? a->reserve_ppm - used : 0),
                admit_pct(p2, 16, a->reserve_ppm), admit_pct(p3, 16, new_ppm));
    return VH_EADU_RESERVE;
}

/* Worst fit: the admissible CPU with the least admitted utilisation. */
static long place(const struct admit_task *t, int32_t *cpu_out, char *why, size_t n)
{
    int32_t best = -1;
    uint32_t free_total = 0, free_best = 0, free_cpu = 0;
    for (uint32_t cpu = 0; cpu < cpu_count; cpu++) {
        uint32_t fr = cpu_limit_ppm() > cpus[cpu].rt_util_ppm ? cpu_limit_ppm() - cpus[cpu].rt_util_ppm : 0;
        free_total += fr;
        if (fr > free_best) {
            free_best = fr;
            free_cpu = cpu;
        }
        char tmp[8];
        if ((best < 0 || cpus[cpu].rt_util_ppm < cpus[best].rt_util_ppm) &&
            cpu_admits(cpu, NULL, t, tmp, sizeof tmp) == 0) {
            best = (int32_t)cpu;
        }
    }
    if (best >= 0) {
        *cpu_out = best;
        return 0;
    }
    char p1[16], p2[16], p3[16];
    uint32_t u = admit_util_ppm(t);
    vh_snprintf(why, n, "no CPU can take %s (most free: CPU %u with %s)%s%s%s", admit_pct(p1, 16, u),
                free_cpu, admit_pct(p2, 16, free_best),
                free_total >= u ? "; " : "", free_total >= u ? admit_pct(p3, 16, free_total) : "",
                free_total >= u ? " free in total is fragmented across CPUs" : "");
    return free_total >= u ? VH_EFRAGMENTED : VH_ECPU_CAPACITY;
}

void rt_init(void)
{
    for (uint32_t i = 0; i < VH_MAX_RT_VCPUS; i++) {
        vcpu_pool[RT_BASE + i].cpu = -1;
        vcpu_pool[RT_BASE + i].rt_cpu = -1;
    }
}

static struct vcpu *rt_alloc(void)
{
    for (uint32_t i = 0; i < VH_MAX_RT_VCPUS; i++) {
        struct vcpu *v = &vcpu_pool[RT_BASE + i];
        if (v->state == VCPU_FREE && v->cpu < 0) {
            return v;
        }
    }
    return NULL;
}

static void rt_insert(struct vcpu *v, uint32_t cpu)
{
    struct cpu *c = &cpus[cpu];
    spin_lock(&c->rt_lock);
    v->rt_cpu = (int8_t)cpu;
    c->rt[c->n_rt++] = v;
    c->rt_util_ppm += v->rt.util_ppm;
    c->rt_gen++;
    spin_unlock(&c->rt_lock);
    if (cpu != this_cpu()->id) {
        arch_ipi_send(cpu);
    } else {
        this_cpu()->kick = 1;
    }
}

static void rt_remove(struct vcpu *v)
{
    struct cpu *c = &cpus[v->rt_cpu];
    spin_lock(&c->rt_lock);
    for (uint32_t i = 0; i < c->n_rt; i++) {
        if (c->rt[i] == v) {
            c->rt[i] = c->rt[--c->n_rt];
            c->rt_util_ppm -= v->rt.util_ppm;
            c->rt_gen++;
            break;
        }
    }
    spin_unlock(&c->rt_lock);
}

static void rt_init_vcpu(struct vcpu *v, struct adu *a, const struct vh_rt_params *p,
                         const struct admit_task *t)
{
    uint64_t now = arch_time_now();
    memset(&v->rt, 0, sizeof v->rt);
    v->kind = VCPU_RT;
    v->adu = a;
    v->id = (uint16_t)(v - vcpu_pool);
    v->index = v->id;
    v->cpu = -1;
    v->pending = 0;
    v->migrate_to = -1;
    v->run_ticks = 0;
    v->rt_entry = p->entry;
    v->rt.period = t->period;
    v->rt.deadline = t->deadline;
    v->rt.budget = t->budget;
    v->rt.util_ppm = admit_util_ppm(t);
    v->rt.next_release = now + t->period; /* first release one period from now */
    v->rt.job_done = true;
    v->rt.st.jitter_min_ns = UINT64_MAX;
    arch_vcpu_reset(v, p->entry, p->arg, v->rt.next_release);
    v->arch.regs.x[REG_SP] = p->stack;
    v->state = VCPU_RT_WAITING;
}

long rt_create(struct adu *a, const struct vh_rt_params *p, int32_t *cpu_out, char *why,
               size_t n)
{
    struct admit_task t;
    long r = rt_params_ticks(a, p, false, &t, why, n);
    if (r != 0) {
        return r;
    }
    if (p->cpu != VH_CPU_AUTO && (p->cpu < 0 || (uint32_t)p->cpu >= cpu_count)) {
        vh_snprintf(why, n, "CPU %d does not exist (CPUs 0..%u, or auto)", p->cpu, cpu_count - 1);
        return VH_EINVAL;
    }
    spin_lock(&rt_admit_lock);
    int32_t cpu = p->cpu;
    uint32_t u = admit_util_ppm(&t);
    r = adu_admits(a, 0, machine_ppm(u), why, n);
    if (r == 0) {
        r = cpu == VH_CPU_AUTO ? place(&t, &cpu, why, n) : cpu_admits((uint32_t)cpu, NULL, &t, why, n);
    }
    struct vcpu *v = NULL;
    if (r == 0 && !(p->flags & VH_RT_F_DRY_RUN)) {
        v = rt_alloc();
        if (v == NULL) {
            vh_snprintf(why, n, "all %u RT-VCPU slots are in use", VH_MAX_RT_VCPUS);
            r = VH_ENOMEM;
        } else {
            rt_init_vcpu(v, a, p, &t);
            a->reserve_used_ppm += machine_ppm(u);
            rt_insert(v, (uint32_t)cpu);
        }
    }
    spin_unlock(&rt_admit_lock);
    if (cpu_out) {
        *cpu_out = cpu;
    }
    if (r == 0 && v != NULL) {
        char p1[16];
        vh_log("ADU '%s': RT-VCPU %u on CPU %d: period %lu us, deadline %lu us, budget %lu us (%s)",
               a->cfg->name, v->id, cpu, p->period_ns / 1000,
               (p->deadline_ns ? p->deadline_ns : p->period_ns) / 1000, p->budget_ns / 1000,
               admit_pct(p1, sizeof p1, u));
        return v->id;
    }
    return r;
}

void rt_wait(struct cpu *c, struct vcpu *v)
{
    (void)c;
    rt_job_done(v, arch_time_now());
    v->state = VCPU_RT_WAITING;
    arch_vcpu_set_ret(v, 0, v->rt.next_release);
}

static long rt_destroy_vcpu(struct vcpu *v)
{
    spin_lock(&rt_admit_lock);
    rt_remove(v);
    v->adu->reserve_used_ppm -= machine_ppm(v->rt.util_ppm);
    spin_unlock(&rt_admit_lock);
    int cpu = v->cpu;
    if (cpu >= 0) {
        atomic_or32(&v->pending, VCPU_PEND_STOP); /* freed once off its CPU */
        if ((uint32_t)cpu != this_cpu()->id) {
            arch_ipi_send((uint32_t)cpu);
        }
    } else {
        v->state = VCPU_FREE;
    }
    return 0;
}

long rt_destroy(struct adu *a, long id)
{
    struct vcpu *v = rt_find(a, id);
    return v == NULL ? VH_ENOENT : rt_destroy_vcpu(v);
}

void rt_destroy_adu(struct adu *a)
{
    for (uint32_t i = 0; i < VH_MAX_RT_VCPUS; i++) {
        struct vcpu *v = &vcpu_pool[RT_BASE + i];
        if (v->state != VCPU_FREE && v->kind == VCPU_RT && v->adu == a) {
            rt_destroy_vcpu(v);
        }
    }
}

long rt_set(struct adu *a, long id, const struct vh_rt_params *p, char *why, size_t n)
{
    struct vcpu *v = rt_find(a, id);
    if (v == NULL) {
        vh_snprintf(why, n, "no RT-VCPU %ld in ADU '%s'", id, a->cfg->name);
        return VH_ENOENT;
    }
    uint64_t npt = sched_ns_per_tick;
    struct vh_rt_params q = {
        .period_ns = p->period_ns ? p->period_ns : v->rt.period * npt,
        .deadline_ns = p->deadline_ns ? p->deadline_ns : v->rt.deadline * npt,
        .budget_ns = p->budget_ns ? p->budget_ns : v->rt.budget * npt,
    };
    struct admit_task t;
    long r = rt_params_ticks(a, &q, true, &t, why, n);
    if (r != 0) {
        return r;
    }
    spin_lock(&rt_admit_lock);
    uint32_t u = admit_util_ppm(&t);
    r = adu_admits(a, machine_ppm(v->rt.util_ppm), machine_ppm(u), why, n);
    if (r == 0) {
        r = cpu_admits((uint32_t)v->rt_cpu, v, &t, why, n);
    }
    if (r == 0) {
        struct cpu *c = &cpus[v->rt_cpu];
        spin_lock(&c->rt_lock);
        a->reserve_used_ppm += machine_ppm(u) - machine_ppm(v->rt.util_ppm);
        c->rt_util_ppm += u - v->rt.util_ppm;
        v->rt.period = t.period;
        v->rt.deadline = t.deadline;
        v->rt.budget = t.budget;
        v->rt.util_ppm = u;
        v->rt.budget_left = MIN(v->rt.budget_left, t.budget);
        c->rt_gen++;
        spin_unlock(&c->rt_lock);
    }
    spin_unlock(&rt_admit_lock);
    return r;
}

long rt_migrate(struct adu *a, long id, int32_t cpu, char *why, size_t n)
{
    struct vcpu *v = rt_find(a, id);
    if (v == NULL || cpu < 0 || (uint32_t)cpu >= cpu_count) {
        vh_snprintf(why, n, v == NULL ? "no such RT-VCPU" : "CPU %d does not exist", cpu);
        return v == NULL ? VH_ENOENT : VH_EINVAL;
    }
    if (cpu == v->rt_cpu) {
        return 0;
    }
    struct admit_task t = {v->rt.period, v->rt.deadline, v->rt.budget};
    spin_lock(&rt_admit_lock);
    long r = cpu_admits((uint32_t)cpu, NULL, &t, why, n);
    if (r == 0) {
        rt_remove(v);
        v->rt.st.migrations++;
        if (v->cpu >= 0) {
            /* Running: its CPU hands it over once it is off (sched put_prev). */
            v->migrate_to = (int8_t)cpu;
            struct cpu *d = &cpus[cpu];
            spin_lock(&d->rt_lock);
            d->rt_util_ppm += v->rt.util_ppm; /* reserved now, inserted later */
            spin_unlock(&d->rt_lock);
            atomic_or32(&v->pending, VCPU_PEND_MIGRATE);
            if ((uint32_t)v->cpu != this_cpu()->id) {
                arch_ipi_send((uint32_t)v->cpu);
            } else {
                this_cpu()->kick = 1;
            }
        } else {
            rt_insert(v, (uint32_t)cpu);
        }
    }
    spin_unlock(&rt_admit_lock);
    return r;
}

/* Called by the scheduler when a migrating RT-VCPU has left its old CPU. */
void rt_migrate_finish(struct vcpu *v)
{
    uint32_t cpu = (uint32_t)v->migrate_to;
    struct cpu *d = &cpus[cpu];
    v->migrate_to = -1;
    spin_lock(&d->rt_lock);
    v->rt_cpu = (int8_t)cpu;
    d->rt[d->n_rt++] = v;
    d->rt_gen++;
    spin_unlock(&d->rt_lock);
    arch_ipi_send(cpu);
}

long rt_reserve_set(struct adu *a, uint32_t ppm, char *why, size_t n)
{
    char p1[16], p2[16], p3[16];
    spin_lock(&rt_admit_lock);
    uint64_t others = 0;
    for (uint32_t i = 0; i < adu_count; i++) {
        others += &adus[i] == a ? 0 : adus[i].reserve_ppm;
    }
    long r = 0;
    if (ppm < a->reserve_used_ppm) {
        vh_snprintf(why, n, "ADU '%s' has %s admitted; a reservation of %s would not cover it",
                    a->cfg->name, admit_pct(p1, 16, a->reserve_used_ppm), admit_pct(p2, 16, ppm));
        r = VH_EADU_RESERVE;
    } else if (others + ppm > vh_cfg.rt_limit_ppm) {
        vh_snprintf(why, n, "reservations would sum to %s (limit %s); %s is left for ADU '%s'",
                    admit_pct(p1, 16, others + ppm), admit_pct(p2, 16, vh_cfg.rt_limit_ppm),
                    admit_pct(p3, 16, vh_cfg.rt_limit_ppm > others ? vh_cfg.rt_limit_ppm - others : 0),
                    a->cfg->name);
        r = VH_EMACHINE_LIMIT;
    } else {
        a->reserve_ppm = ppm;
    }
    spin_unlock(&rt_admit_lock);
    return r;
}
