/*
 * Host stand-ins for the arch hooks and globals the scheduler core uses,
 * and the event loop that drives it on a simulated clock (see sim_arch.h).
 */
#include "sim_arch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <core/admit.h>
#include <core/arch.h>
#include <core/rt.h>
#include <core/sched.h>
#include <core/trace.h>

struct vcpu vcpu_pool[VH_MAX_VCPUS];
struct cpu cpus[VH_MAX_CPUS];
uint32_t cpu_count;
struct sim_state sim;
uint64_t sim_guard_ns;

#define RT_BASE (VH_MAX_ADUS * VH_MAX_BE_VCPUS)

/* ---- arch hooks ---- */

uint64_t arch_time_now(void)
{
    return sim.now;
}

uint64_t arch_cycles(void)
{
    return sim.now;
}

/* Tracing is never on in the simulator. */
volatile uint32_t trace_on;
uint64_t trace_wake[VH_MAX_CPUS];
void trace_span_rec(struct cpu *c, enum trace_span s, uint64_t start)
{
    (void)c, (void)s, (void)start;
}
void trace_event_rec(struct cpu *c, enum trace_event e, const struct vcpu *v, uint64_t arg)
{
    (void)c, (void)e, (void)v, (void)arg;
}
void trace_release_rec(struct cpu *c, const struct vcpu *v, uint64_t rel, uint64_t now)
{
    (void)c, (void)v, (void)rel, (void)now;
}

void arch_timer_arm(uint64_t at)
{
    sim.timer_at[sim.cur_cpu] = at;
    sim.timer_arms++;
}

void arch_ipi_send(uint32_t cpu)
{
    cpus[cpu].kick = 1;
    sim.ipis++;
}

struct cpu *this_cpu(void)
{
    return &cpus[sim.cur_cpu];
}

void arch_vcpu_save(struct vcpu *v)
{
    (void)v;
}

void arch_vcpu_load(struct vcpu *v)
{
    (void)v;
}

/* Only sched_idle() calls these; the simulator plays the idle loop itself. */
void arch_vcpu_enter(struct vcpu *v)
{
    (void)v;
    fprintf(stderr, "sim: arch_vcpu_enter called\n");
    abort();
}

void arch_cpu_wait(void)
{
}

uint32_t arch_irq_pending_take(void)
{
    return 0;
}

/* The management agent (core/mgmt.c) has nothing to do on the simulated CPUs. */
uint32_t mgmt_cpu = UINT32_MAX; /* no management CPU in the simulation */
uint64_t mgmt_next = UINT64_MAX;

void mgmt_irq(struct cpu *c);
void mgmt_irq(struct cpu *c)
{
    (void)c;
}

void mgmt_work(struct cpu *c, uint64_t now);
void mgmt_work(struct cpu *c, uint64_t now)
{
    (void)c;
    (void)now;
}

/* No migrations in these simulations. */
void rt_migrate_finish(struct vcpu *v)
{
    fprintf(stderr, "sim: unexpected migration of VCPU %u\n", v->id);
    abort();
}

/* ---- machine set-up ---- */

void sim_reset(uint32_t ncpu, uint64_t quantum_ticks)
{
    free(sim.segs);
    memset(&sim, 0, sizeof sim);
    memset(vcpu_pool, 0, sizeof vcpu_pool);
    memset(cpus, 0, sizeof cpus);
    sim_sched_reset();
    sim.ncpu = ncpu;
    sim.segs = calloc(SIM_MAX_SEGS, sizeof *sim.segs);
    cpu_count = ncpu;
    for (uint32_t i = 0; i < ncpu; i++) {
        cpus[i].id = i;
        cpus[i].online = 1;
        sim.timer_at[i] = UINT64_MAX;
    }
    for (uint32_t i = 0; i < VH_MAX_VCPUS; i++) { /* adu_create / rt_init */
        vcpu_pool[i].cpu = -1;
        vcpu_pool[i].rt_cpu = -1;
    }
    sched_init(quantum_ticks, 100, 0);
    sched_release_guard(sim_guard_ns); /* 0 by default: exact schedules */
}

void sim_free(void)
{
    free(sim.segs);
    sim.segs = NULL;
}

struct vcpu *sim_add_be(uint32_t idx, uint32_t prio, uint32_t affinity, const char *label)
{
    struct vcpu *v = &vcpu_pool[idx];
    /* adu_create */
    v->id = (uint16_t)idx;
    v->index = (uint16_t)idx;
    v->kind = VCPU_BE;
    v->cpu = -1;
    v->prio = prio;
    v->affinity = affinity;
    /* adu_load */
    v->state = VCPU_STOPPED;
    v->pending = 0;
    v->vtime = 0;
    snprintf(sim.label[idx], sizeof sim.label[idx], "%s", label);
    sim.cur_cpu = 0;
    sched_be_start(v);
    return v;
}

struct vcpu *sim_add_rt(uint32_t cpu, uint64_t period, uint64_t deadline, uint64_t budget,
                        uint64_t need, uint64_t first_release, const char *label)
{
    uint32_t slot = RT_BASE;
    while (vcpu_pool[slot].state != VCPU_FREE) {
        slot++;
    }
    struct vcpu *v = &vcpu_pool[slot];
    struct admit_task t = {period, deadline, budget};
    /* rt_init_vcpu, first release at `first_release` */
    memset(&v->rt, 0, sizeof v->rt);
    v->kind = VCPU_RT;
    v->id = (uint16_t)slot;
    v->index = v->id;
    v->cpu = -1;
    v->pending = 0;
    v->migrate_to = -1;
    v->run_ticks = 0;
    v->rt.period = period;
    v->rt.deadline = deadline;
    v->rt.budget = budget;
    v->rt.util_ppm = admit_util_ppm(&t);
    v->rt.next_release = first_release;
    v->rt.job_done = true;
    v->rt.st.jitter_min_ns = UINT64_MAX;
    v->state = VCPU_RT_WAITING;
    /* rt_insert */
    struct cpu *c = &cpus[cpu];
    v->rt_cpu = (int8_t)cpu;
    c->rt[c->n_rt++] = v;
    c->rt_util_ppm += v->rt.util_ppm;
    c->kick = 1;

    struct sim_rt_log *l = &sim.rt[slot];
    memset(l, 0, sizeof *l);
    l->first_release = first_release;
    l->need = need;
    snprintf(sim.label[slot], sizeof sim.label[slot], "%s", label);
    return v;
}

/* ---- the event loop ---- */

static void trace(uint32_t cpu, const struct vcpu *v, uint64_t from, uint64_t to)
{
    int16_t id = v == NULL ? -1 : (int16_t)v->id;
    if (sim.nsegs > 0) {
        struct sim_seg *last = NULL;
        /* extend this CPU's latest segment when the same VCPU goes on */
        for (uint32_t i = sim.nsegs; i-- > 0 && i + 2 * sim.ncpu > sim.nsegs;) {
            if (sim.segs[i].cpu == cpu) {
                last = &sim.segs[i];
                break;
            }
        }
        if (last != NULL && last->vcpu == id && last->to == from) {
            last->to = to;
            return;
        }
    }
    if (sim.nsegs == SIM_MAX_SEGS) {
        sim.seg_overflow = true;
        return;
    }
    sim.segs[sim.nsegs++] = (struct sim_seg){from, to, id, (uint8_t)cpu};
}

/* A job of `v` was dispatched: give the simulator's view of it its work. */
static void note_job(struct vcpu *v)
{
    struct sim_rt_log *l = &sim.rt[v->id];
    if (!l->has_job || l->seen_release != v->rt.release) {
        l->has_job = true;
        l->seen_release = v->rt.release;
        l->work_left = l->need;
    }
}

/* The guest's wait hypercall, as hcall.c/rt_wait() do it. */
static void job_finished(struct vcpu *v)
{
    struct sim_rt_log *l = &sim.rt[v->id];
    uint64_t expect = l->first_release + l->done * v->rt.period;
    if (v->rt.release != expect) {
        l->bad_release++;
    }
    if (sim.now > v->rt.release + v->rt.deadline) {
        l->late++;
    }
    if (sim.now - v->rt.release > l->max_resp) {
        l->max_resp = sim.now - v->rt.release;
    }
    l->done++;
    l->has_job = false;
    rt_job_done(v, sim.now); /* rt_wait() */
    v->state = VCPU_RT_WAITING;
}

/*
 * CPU i takes its interrupt or trap at sim.now: what trap_handle() does
 * (account hypervisor time, reschedule, go idle in sched_idle() if there is
 * nothing to run) or, for an idle CPU, one turn of the sched_idle() loop.
 */
static struct vcpu *reschedule(uint32_t i)
{
    struct cpu *c = &cpus[i];
    sim.cur_cpu = i;
    sim.reschedules++;
    sched_account(c, sim.now, CPU_T_HV);
    bool idle = c->cur == NULL;
    if (idle) {
        sim_idle_mark(i, true);
    }
    struct vcpu *next = sched_reschedule(c, sim.now);
    if (next == NULL && !idle) {
        sim_idle_mark(i, true); /* trap_handle() -> sched_idle() */
        sim.reschedules++;
        next = sched_reschedule(c, sim.now);
    }
    if (getenv("SIM_DEBUG") != NULL) {
        fprintf(stderr, "t=%lu cpu%u -> %d timer=%lu\n", sim.now, i,
                next ? (int)next->id : -1, sim.timer_at[i]);
        for (uint32_t k = 0; k < c->n_rt; k++) {
            const struct vcpu *r = c->rt[k];
            fprintf(stderr, "   rt%u st=%u rel=%lu dl=%lu next=%lu left=%lu run_start=%lu done=%d "
                    "work=%lu miss=%lu\n", r->id, r->state, r->rt.release, r->rt.abs_deadline,
                    r->rt.next_release, r->rt.budget_left, r->rt.run_start, r->rt.job_done,
                    sim.rt[r->id].work_left, r->rt.st.misses);
        }
    }
    if (next != NULL) {
        sim_idle_mark(i, false);
        if (next->kind == VCPU_RT) {
            note_job(next);
        }
    }
    sched_account(c, sim.now, next == NULL ? CPU_T_IDLE : next->kind == VCPU_RT ? CPU_T_RT : CPU_T_BE);
    return next;
}

/* Handle everything due at sim.now until no CPU has anything left to do. */
static bool settle(void)
{
    for (int round = 0; round < 1000; round++) {
        bool any = false;
        for (uint32_t i = 0; i < sim.ncpu; i++) {
            struct vcpu *v = cpus[i].cur;
            bool due = cpus[i].kick || sim.timer_at[i] <= sim.now;
            if (v != NULL && v->kind == VCPU_RT && v->state == VCPU_RUNNING &&
                sim.rt[v->id].has_job && sim.rt[v->id].work_left == 0) {
                job_finished(v);
                due = true;
            }
            if (due) {
                reschedule(i);
                any = true;
            }
        }
        if (!any) {
            return true;
        }
    }
    fprintf(stderr, "sim: no progress at tick %lu\n", sim.now);
    return false;
}

bool sim_run(uint64_t end)
{
    for (uint32_t i = 0; i < sim.ncpu; i++) {
        cpus[i].kick = 1; /* every CPU starts in its idle loop */
        if (cpus[i].t_mark == 0) {
            cpus[i].t_mark = sim.now;
            cpus[i].t_kind = CPU_T_HV;
        }
    }
    for (;;) {
        if (!settle()) {
            return false;
        }
        for (uint32_t i = 0; i < sim.ncpu; i++) {
            if (cpus[i].cur == NULL && sim_be_queued_for(i)) {
                sim.idle_with_be_queued++;
            }
        }
        if (sim.now >= end) {
            return true;
        }
        uint64_t next = end;
        for (uint32_t i = 0; i < sim.ncpu; i++) {
            next = sim.timer_at[i] < next ? sim.timer_at[i] : next;
            struct vcpu *v = cpus[i].cur;
            if (v != NULL && v->kind == VCPU_RT && sim.rt[v->id].has_job &&
                sim.now + sim.rt[v->id].work_left < next) {
                next = sim.now + sim.rt[v->id].work_left;
            }
        }
        if (next <= sim.now) {
            fprintf(stderr, "sim: time does not advance at tick %lu\n", sim.now);
            return false;
        }
        for (uint32_t i = 0; i < sim.ncpu; i++) {
            struct vcpu *v = cpus[i].cur;
            if (v != NULL && v->kind == VCPU_RT && sim.rt[v->id].has_job) {
                sim.rt[v->id].work_left -= next - sim.now;
            }
            trace(i, v, sim.now, next);
        }
        sim.now = next;
    }
}

/* ---- looking at the trace ---- */

int sim_who(uint32_t cpu, uint64_t from, uint64_t to)
{
    int who = -3;
    for (uint32_t i = 0; i < sim.nsegs; i++) {
        const struct sim_seg *s = &sim.segs[i];
        if (s->cpu != cpu || s->to <= from || s->from >= to) {
            continue;
        }
        if (who == -3) {
            who = s->vcpu;
        } else if (who != s->vcpu) {
            return -2;
        }
    }
    return who == -3 ? -1 : who;
}

void sim_print_chart(const char *title, uint64_t start, uint64_t end, uint64_t slot)
{
    printf("%s\n      t:", title);
    for (uint64_t t = start; t < end; t += slot) {
        printf(" %2lu", (t - start) / slot);
    }
    printf("\n");
    for (uint32_t c = 0; c < sim.ncpu; c++) {
        printf("  CPU %u:", c);
        for (uint64_t t = start; t < end; t += slot) {
            int w = sim_who(c, t, t + slot);
            printf(" %2s", w == -1 ? "." : w == -2 ? "*" : sim.label[w]);
        }
        printf("\n");
    }
    fflush(stdout);
}
