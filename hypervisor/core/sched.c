/*
 * Scheduler mechanism: what each CPU runs next and when its timer fires.
 *
 * sched_reschedule() is the one decision point, called on every trap exit
 * that may change what runs (timer, IPI, hypercall, wfi) and from the idle
 * loop.  RT-VCPUs live in their CPU's set (cpu->rt, under cpu->rt_lock,
 * taken by other CPUs only to admit, destroy or migrate); BE-VCPUs in one
 * global queue under be_lock.  A VCPU's state is saved before it is put
 * where another CPU could pick it.
 */
#include <core/adu.h>
#include <core/arch.h>
#include <core/console.h>
#include <core/lib.h>
#include <core/mgmt.h>
#include <core/rt.h>
#include <core/sched.h>
#include <core/trace.h>
#include <platform/platform.h>

static spinlock_t be_lock = SPINLOCK_INIT;
static struct be_queue be_q;
static volatile uint32_t idle_mask;
static uint64_t quantum;
/* Guards around releases (see below), in ticks. */
#define WINDOW_LEAD_NS 10000 /* before a sibling's timer fires */
#define WINDOW_TAIL_NS 2000  /* after its release instant */
#define WINDOW_CAP_NS 100000 /* a sibling stuck longer is not waited for */
#define KICK_LEAD_NS 50000   /* wake-ups wait this close to an own release, or to a
                                window about to open (the woken CPU decides ~20 us later) */
/* Best effort is not switched to this close to a window.  Measured (make
 * bench): 15 us takes the part-1 rows meeting the jitter goals from 11 to
 * 17 of 21; 20-30 us reach 20 of 21 but put the RT-VCPU beside an IPC
 * flood (part 2b, 2 CPUs) 3 us late on average (from 0.6), for reasons
 * not yet understood. */
#define BE_LEAD_NS 15000
static uint64_t window_lead, window_tail, window_cap, kick_lead, own_lead, be_lead; /* ticks */

/*
 * Timer advance, as KVM's lapic_timer_advance: a CPU's timer for an RT
 * release fires `adv` ticks early; the CPU makes the whole decision and
 * switch in that time, then waits on the clock for the release instant
 * itself (sched_hold) and enters the job.  A job never starts before its
 * release, and the wait is hypervisor time.  In auto mode each CPU learns
 * its advance: from the timer firing to being ready, plus one tick; it
 * grows at once when a release was late and shrinks slowly (adv_learn).
 */
#define ADV_MAX_NS 20000  /* covered by the scenario's hv_margin */
#define ADV_START_NS 2000 /* auto: where learning starts */
static bool adv_auto;
static uint32_t adv_max;

void sched_init(uint64_t quantum_ticks, uint64_t ns_per_tick, uint32_t advance_ns)
{
    quantum = quantum_ticks;
    sched_ns_per_tick = ns_per_tick;
    adv_auto = advance_ns == VH_TIMER_ADVANCE_AUTO;
    adv_max = (uint32_t)(ADV_MAX_NS / ns_per_tick);
    own_lead = SCHED_RELEASE_GUARD_NS / ns_per_tick;
    window_lead = WINDOW_LEAD_NS / ns_per_tick;
    window_tail = WINDOW_TAIL_NS / ns_per_tick;
    window_cap = WINDOW_CAP_NS / ns_per_tick;
    kick_lead = KICK_LEAD_NS / ns_per_tick;
    be_lead = BE_LEAD_NS / ns_per_tick;
    uint32_t adv = (uint32_t)((adv_auto ? ADV_START_NS : advance_ns) / ns_per_tick);
    for (uint32_t i = 0; i < VH_MAX_CPUS; i++) {
        cpus[i].adv = adv;
        cpus[i].park_until = UINT64_MAX;
    }
}

/* When this CPU's timer fires for release `rel` (and remember it). */
static uint64_t release_timer(struct cpu *c, uint64_t rel)
{
    if (rel == UINT64_MAX) {
        c->armed_rel = 0;
        c->armed_at = UINT64_MAX;
        return UINT64_MAX;
    }
    uint64_t at = rel > c->adv ? rel - c->adv : 0;
    c->armed_rel = rel;
    c->armed_at = at;
    return at;
}

/* Releases up to this instant count as due now: one within the advance is
 * released ahead (its job is entered at the instant itself). */
static uint64_t release_horizon(const struct cpu *c, uint64_t now)
{
    uint64_t rel = c->next_release;
    return rel > now && rel - now <= c->adv ? rel : now;
}

/* Learn from how long the wake-up for a release took (timer to ready):
 * at once up to what it took, down by a tick every ADV_DECAY releases that
 * took less, so one long hypervisor section seen stays covered a while. */
#define ADV_DECAY 16
static void adv_learn(struct cpu *c, uint64_t took)
{
    uint64_t want = took + 1;
    if (want > c->adv) {
        c->adv = (uint32_t)MIN(want, adv_max);
        c->adv_calm = 0;
    } else if (want < c->adv && ++c->adv_calm == ADV_DECAY) {
        c->adv--;
        c->adv_calm = 0;
    }
}

/* The job about to be entered waits for its release `rel`; if the timer
 * was set for that release, its firing time is what the wake-up took from. */
static void hold_until(struct cpu *c, uint64_t rel)
{
    c->hold = rel;
    c->hold_from = rel == c->armed_rel ? c->armed_at : 0;
}

static void sched_hold(struct cpu *c, struct vcpu *v)
{
    uint64_t rel = c->hold;
    c->hold = 0;
    uint64_t t = arch_time_now();
    if (trace_on) {
        trace_release_rec(c, v, rel, t);
        t = arch_time_now(); /* what tracing took is learnt too */
    }
    if (adv_auto && c->hold_from != 0 && t > c->hold_from) {
        adv_learn(c, t - c->hold_from);
    }
    while (t < rel) {
        t = arch_time_now();
    }
    v->rt.dispatched = t;
}

void sched_account(struct cpu *c, uint64_t now, uint32_t kind)
{
    c->t_acc[c->t_kind] += now - c->t_mark;
    c->t_mark = now;
    c->t_kind = kind;
}

/*
 * On an emulated board whose CPUs run one after another (QEMU's
 * round-robin TCG, as with -icount), a CPU's release waits whenever the
 * emulator runs another CPU: every timer write that becomes the earliest
 * deadline hands the emulator to the next CPU, which then runs whatever it
 * has to do.  So there a CPU runs no best-effort and no agent work in
 * another CPU's window: from a little before that CPU's release timer
 * fires until its release is taken (its hold or its next timer shows it),
 * and while it runs an RT job.  It parks idle until then (looking again
 * every window_lead where the end is not known), and a CPU running best
 * effort sets its timer to leave before the next window opens; an idle CPU
 * does not switch to best effort when a window opens within BE_LEAD_NS.
 * Wake-ups wait too: none toward a CPU whose release is near, none from a
 * CPU whose own release is near or while a window is open or opens within
 * KICK_LEAD_NS (kick_later, sent at a later decision).  Real hardware runs
 * CPUs in parallel and skips all this.
 */

static bool serialised(void)
{
    return platform_cpus_serialised() && cpu_count > 1;
}

/* The end of the siblings' windows open at `now` or within `ahead` ticks
 * (0: none), and in *next the start of the next one after those. */
static uint64_t sibling_window(const struct cpu *c, uint64_t now, uint64_t ahead, uint64_t *next)
{
    uint64_t end = 0, start = UINT64_MAX;
    for (uint32_t i = 0; i < cpu_count; i++) {
        uint64_t at = cpus[i].armed_at, rel = cpus[i].armed_rel, hold = cpus[i].hold;
        if (i == c->id) {
            continue;
        }
        if (hold != 0 && now < hold + window_tail) {
            end = MAX(end, hold + window_tail); /* released, its job not entered yet */
        }
        const struct vcpu *run = cpus[i].cur;
        if (run != NULL && run->kind == VCPU_RT) {
            end = MAX(end, now + window_lead); /* its job runs: look again later */
        }
        if (at == UINT64_MAX || rel == 0) {
            continue;
        }
        uint64_t open = at > window_lead ? at - window_lead : 0;
        if (now + ahead >= open && now < rel + window_tail) {
            end = MAX(end, rel + window_tail);
        } else if (now + ahead >= open && now < rel + window_cap) {
            /* its release is past but not yet taken (the sibling has not set
             * its timer for the next): look again a little later */
            end = MAX(end, now + window_lead);
        } else if (open > now) {
            start = MIN(start, open);
        }
    }
    *next = start;
    return end;
}

/* This CPU's own release is near: wake-ups of others wait (sent before
 * it, a wake-up would be served when this CPU next sets its timer, in the
 * middle of its release). */
static bool own_release_near(const struct cpu *c, uint64_t now)
{
    return c->armed_at != UINT64_MAX && c->armed_at <= now + kick_lead;
}

/* Wake-ups from this CPU wait (serialised emulator): its own release is
 * near, or another CPU's window is open or opens within kick_lead (the
 * woken CPU would decide in it). */
static bool kicks_wait(const struct cpu *self, uint64_t now)
{
    uint64_t next;
    return own_release_near(self, now) || sibling_window(self, now, kick_lead, &next) != 0;
}

/*
 * Wake one CPU of `mask` (not the caller): at once or, on a serialised
 * emulator when kicks_wait(), at the caller's next decision (kick_later).
 * A CPU whose own release is near is left alone: it decides then anyway,
 * and woken now it would do this work in its release window.
 */
static void kick_one_of(uint32_t mask, uint32_t self)
{
    mask &= ~(1u << self);
    if (mask != 0 && serialised()) {
        uint64_t now = arch_time_now();
        for (uint32_t cpu = 0; cpu < cpu_count; cpu++) {
            if ((mask & (1u << cpu)) && own_release_near(&cpus[cpu], now)) {
                mask &= ~(1u << cpu);
            }
        }
        if (mask != 0 && kicks_wait(&cpus[self], now)) {
            cpus[self].kick_later |= mask & -mask; /* after the release(s) */
            return;
        }
    }
    for (uint32_t cpu = 0; mask != 0; cpu++, mask >>= 1) {
        if (mask & 1) {
            arch_ipi_send(cpu);
            return;
        }
    }
}

/* Wake one idle CPU that may run `v`. */
static void kick_idle_for(const struct vcpu *v, uint32_t self)
{
    kick_one_of(idle_mask & v->affinity, self);
}

void sched_kick_idle_cpu(uint32_t cpu)
{
    kick_one_of(1u << cpu, this_cpu()->id);
}

static void send_kicks_later(struct cpu *c)
{
    uint32_t mask = c->kick_later;
    c->kick_later = 0;
    for (uint32_t cpu = 0; mask != 0; cpu++, mask >>= 1) {
        if (mask & 1) {
            arch_ipi_send(cpu);
        }
    }
}

/*
 * A VCPU still on a CPU (it blocked but has not been saved yet) is only
 * marked: that CPU queues it once its state is saved (put_prev).
 */
static void be_make_runnable(struct vcpu *v, uint8_t from)
{
    spin_lock(&be_lock);
    if (v->cpu >= 0 && from == VCPU_BLOCKED) {
        atomic_or32(&v->pending, VCPU_PEND_WAKE);
    } else if (v->cpu < 0 && v->state == from) {
        v->state = VCPU_RUNNABLE;
        be_enter_queue(v);
        be_queue_push(&be_q, v);
    }
    spin_unlock(&be_lock);
    barrier_full();
    kick_idle_for(v, this_cpu()->id);
}

void sched_be_wake(struct vcpu *v)
{
    be_make_runnable(v, VCPU_BLOCKED);
}

void sched_be_start(struct vcpu *v)
{
    be_make_runnable(v, VCPU_STOPPED);
}

void sched_be_block(struct cpu *c, struct vcpu *v, uint64_t wake_at)
{
    v->wake_at = wake_at;
    v->sleep_cpu = (int8_t)c->id;
    v->state = VCPU_BLOCKED;
    c->sleep_min = MIN(c->sleep_min, wake_at);
    if (wake_at == UINT64_MAX) {
        return; /* only an IPI or a message wakes it */
    }
    for (uint32_t i = 0; i < c->n_sleepers; i++) {
        if (c->sleepers[i] == v) {
            return;
        }
    }
    c->sleepers[c->n_sleepers++] = v; /* fits: one entry per BE-VCPU at most */
}

void sched_unqueue(struct vcpu *v)
{
    spin_lock(&be_lock);
    be_queue_remove(&be_q, v);
    spin_unlock(&be_lock);
}

void sched_vcpu_stop(struct vcpu *v)
{
    spin_lock(&be_lock);
    if (v->cpu >= 0) {
        atomic_or32(&v->pending, VCPU_PEND_STOP);
        spin_unlock(&be_lock);
        arch_ipi_send((uint32_t)v->cpu);
        return;
    }
    be_queue_remove(&be_q, v);
    if (v->state != VCPU_FREE) {
        v->state = VCPU_STOPPED;
    }
    spin_unlock(&be_lock);
}

long sched_be_set_affinity(struct vcpu *v, uint32_t mask)
{
    if (v->kind != VCPU_BE || mask == 0 || (mask >> cpu_count) != 0) {
        return VH_EINVAL;
    }
    spin_lock(&be_lock);
    v->affinity = mask;
    int cpu = v->cpu;
    spin_unlock(&be_lock);
    if (cpu >= 0 && !(mask & (1u << cpu))) {
        arch_ipi_send((uint32_t)cpu);
    }
    barrier_full();
    kick_idle_for(v, this_cpu()->id);
    return 0;
}

void sched_kick_vcpu(struct vcpu *v)
{
    int cpu = v->cpu;
    if (cpu >= 0) {
        arch_ipi_send((uint32_t)cpu);
    }
}

/*
 * Blocked BE-VCPUs belong to the CPU where they blocked: only that CPU
 * keeps them (cpu->sleepers, no lock) and scans them, and only when the
 * earliest of them is due.
 */
static void wake_sleepers(struct cpu *c, uint64_t now)
{
    uint64_t t = UINT64_MAX;
    uint32_t keep = 0;
    for (uint32_t i = 0; i < c->n_sleepers; i++) {
        struct vcpu *v = c->sleepers[i];
        if (v->state != VCPU_BLOCKED || v->sleep_cpu != (int8_t)c->id) {
            continue; /* woken by an IPI meanwhile, or asleep elsewhere now */
        }
        if (v->wake_at <= now) {
            sched_be_wake(v);
        } else {
            t = MIN(t, v->wake_at);
            c->sleepers[keep++] = v;
        }
    }
    c->n_sleepers = keep;
    c->sleep_min = t;
}

static void put_prev_rt(struct vcpu *prev)
{
    uint32_t p = prev->pending;
    if (p & VCPU_PEND_STOP) {
        atomic_and32(&prev->pending, ~VCPU_PEND_STOP);
        prev->state = VCPU_FREE; /* destroyed: already out of every set */
        return;
    }
    if (prev->state == VCPU_RUNNING) {
        prev->state = VCPU_RUNNABLE;
    }
    if (p & VCPU_PEND_MIGRATE) {
        atomic_and32(&prev->pending, ~VCPU_PEND_MIGRATE);
        rt_migrate_finish(prev);
    }
}

/* Take `prev` off this CPU and put it where it now belongs. */
static void put_prev(struct cpu *c, struct vcpu *prev)
{
    arch_vcpu_save(prev);
    if (prev->kind == VCPU_BE) {
        spin_lock(&be_lock);
        prev->cpu = -1;
        spin_unlock(&be_lock);
    } else {
        prev->cpu = -1;
    }
    if (prev->kind == VCPU_RT) {
        put_prev_rt(prev);
        return;
    }
    if (prev->pending & VCPU_PEND_STOP) {
        atomic_and32(&prev->pending, ~VCPU_PEND_STOP);
        prev->state = VCPU_STOPPED;
        return;
    }
    if (prev->state == VCPU_BLOCKED && (atomic_and32(&prev->pending, ~VCPU_PEND_WAKE) & VCPU_PEND_WAKE)) {
        prev->state = VCPU_RUNNING; /* woken while still here: queue it */
    }
    if (prev->state == VCPU_RUNNING) {
        spin_lock(&be_lock);
        prev->state = VCPU_RUNNABLE;
        be_queue_push(&be_q, prev);
        spin_unlock(&be_lock);
        barrier_full();
        kick_idle_for(prev, c->id);
    }
}

static struct vcpu *pick_be(struct cpu *c)
{
    if (be_q.n == 0) {
        return NULL;
    }
    spin_lock(&be_lock);
    struct vcpu *v = be_queue_pick(&be_q, c->id);
    if (v != NULL) {
        v->state = VCPU_RUNNING;
        v->cpu = (int8_t)c->id;
    }
    spin_unlock(&be_lock);
    return v;
}

void sched_release_guard(uint64_t ns)
{
    own_lead = ns / sched_ns_per_tick;
}

bool sched_release_near(const struct cpu *c, uint64_t now)
{
    return c->armed_at != UINT64_MAX && c->armed_at <= now + own_lead;
}

bool sched_sibling_quiet(const struct cpu *c, uint64_t now, uint64_t ahead, uint64_t *until)
{
    uint64_t next;
    *until = serialised() ? sibling_window(c, now, ahead, &next) : 0;
    return *until == 0;
}

static void arm_timer(struct cpu *c, uint64_t now)
{
    uint64_t t = c->sleep_min, rel = UINT64_MAX;
    for (uint32_t i = 0; i < c->n_rt; i++) {
        rel = MIN(rel, c->rt[i]->rt.next_release);
    }
    c->next_release = rel;
    t = MIN(t, release_timer(c, rel));
    struct vcpu *cur = c->cur;
    if (cur == NULL || cur->kind != VCPU_RT) {
        t = MIN(t, mgmt_next_tick(c)); /* agent work never runs during an RT job */
    }
    t = MIN(t, c->park_until);
    if (serialised() && cur != NULL && cur->kind == VCPU_BE) {
        uint64_t next;
        (void)sibling_window(c, now, 0, &next);
        t = MIN(t, next); /* leave the CPU before the next window */
    }
    if (cur != NULL) {
        if (cur->kind == VCPU_RT) {
            t = MIN(t, cur->rt.run_start + cur->rt.budget_left);
        } else {
            t = MIN(t, c->quantum_end);
            /* best effort leaves the CPU when the guard before a release
             * starts: the CPU is idle, not in a trap, when the release is due */
            if (c->armed_at != UINT64_MAX) {
                t = MIN(t, c->armed_at > own_lead ? c->armed_at - own_lead : 0);
            }
        }
    }
    trace_event(c, TE_ARM, NULL, t > now ? t - now : 0);
    arch_timer_arm(t);
}

void sched_rearm(struct cpu *c, uint64_t now)
{
    arm_timer(c, now);
}

/* The running VCPU keeps the CPU unless something better is due. */
static bool prev_continues(struct cpu *c, struct vcpu *prev, uint64_t now)
{
    if (prev->state != VCPU_RUNNING || (prev->pending & VCPU_PEND_STOP)) {
        return false;
    }
    if (prev->kind == VCPU_RT) {
        return true; /* EDF decides below */
    }
    if (!(prev->affinity & (1u << c->id))) {
        return false; /* its affinity changed */
    }
    if (now < c->quantum_end) {
        return true;
    }
    if (be_q.n != 0 && be_queue_has_for(&be_q, c->id)) {
        return false;
    }
    c->quantum_end = now + quantum; /* nobody waits: a new quantum */
    return true;
}

static void dispatch(struct cpu *c, struct vcpu *next, uint64_t now)
{
    next->state = VCPU_RUNNING;
    next->cpu = (int8_t)c->id;
    next->arch.regs.cpu = c;
    uint64_t t0 = trace_stamp();
    arch_vcpu_load(next);
    trace_span(c, TS_SWITCH, t0);
    if (next->kind == VCPU_RT) {
        next->rt.run_start = now;
    } else {
        next->be_start = now;
        c->quantum_end = now + quantum;
    }
}

bool sched_rt_quiet(const struct cpu *c, uint64_t now, uint64_t window)
{
    if (c->cur != NULL && c->cur->kind == VCPU_RT) {
        return false;
    }
    for (uint32_t i = 0; i < c->n_rt; i++) {
        const struct vcpu *v = c->rt[i];
        if (v->state == VCPU_RUNNABLE || v->rt.next_release <= now + window) {
            return false;
        }
    }
    return true;
}

/* Charge the running VCPU for the time since it was last charged. */
static void charge_running(struct vcpu *v, uint64_t now)
{
    if (v->kind == VCPU_BE) {
        uint64_t d = now - v->be_start;
        be_charge(v, d);
        v->run_ticks += d;
        v->be_start = now;
    } else {
        v->run_ticks += now - v->rt.run_start;
    }
}

struct vcpu *sched_reschedule(struct cpu *c, uint64_t now)
{
    uint64_t t0 = trace_stamp();
    struct vcpu *prev = c->cur;
    c->kick = 0;
    if (prev != NULL) {
        charge_running(prev, now);
    }
    if (prev != NULL && prev->kind == VCPU_RT && prev->state == VCPU_RUNNING) {
        if (rt_charge(prev, now)) {
            prev->state = VCPU_RT_THROTTLED;
            prev->rt.st.overruns++;
        }
    }
    spin_lock(&c->rt_lock);
    rt_release_due(c->rt, c->n_rt, release_horizon(c, now));
    struct vcpu *next = edf_pick(c->rt, c->n_rt);
    spin_unlock(&c->rt_lock);

    if (c->sleep_min <= now) {
        wake_sleepers(c, now);
    }
    /* Best effort waits (the CPU idles) when this CPU's release timer is
     * about to fire, so a best-effort trap cannot be in the way then, and on
     * a serialised emulator in another CPU's release window. */
    uint64_t park = 0, window_next;
    if (next == NULL && sched_release_near(c, now)) {
        park = c->armed_at;
    } else if (next == NULL && serialised()) {
        /* nor, switching to another VCPU, for a slice so short that its
         * entry and exit (a trap, timer writes that hand the emulator over)
         * would fall in the window; one that runs on stays until it opens */
        bool stays = prev != NULL && prev->kind == VCPU_BE && prev->state == VCPU_RUNNING;
        park = sibling_window(c, now, stays ? 0 : be_lead, &window_next);
    }
    c->park_until = park != 0 ? park : UINT64_MAX;
    if (next == NULL && park == 0 && prev != NULL && prev->kind == VCPU_BE &&
        prev_continues(c, prev, now)) {
        next = prev;
    }
    /* Off and on again when the pick is the same RT-VCPU but a new job (it
     * was released in this call): dispatch resets its accounting. */
    bool prev_off = prev != NULL && (prev != next || prev->state != VCPU_RUNNING);
    if (prev_off) {
        put_prev(c, prev);
    }
    if (next == NULL && park == 0) {
        next = pick_be(c);
    }
    if (next != NULL && (next != prev || prev_off)) {
        dispatch(c, next, now);
    }
    c->cur = next;
    if (next != NULL && next->kind == VCPU_RT && !next->rt.job_started) {
        /* A job released ahead (timer advance) starts at its release instant:
         * sched_enter_ready() waits for it, learning from the timer set for it. */
        next->rt.run_start = MAX(now, next->rt.release);
        rt_job_dispatched(next, next->rt.run_start);
        hold_until(c, next->rt.release);
    }
    arm_timer(c, now);
    if (c->kick_later != 0 &&
        !(serialised() && (park != 0 || c->hold != 0 || kicks_wait(c, now)))) {
        send_kicks_later(c);
    }
    trace_span(c, TS_DECIDE, t0);
    return next;
}

/*
 * Lean release path.  A CPU that goes idle until exactly one RT-VCPU's next
 * release notes that VCPU; when the timer wakes it for that release and
 * nothing else happened (no IPI, no input, no sleeper or agent work due),
 * the job is released and entered directly, with what the full decision
 * would have done and nothing else.  Anything unusual takes the full path.
 */
static struct vcpu *prepare_release(struct cpu *c)
{
    struct vcpu *best = NULL;
    uint64_t other = UINT64_MAX;
    for (uint32_t i = 0; i < c->n_rt; i++) {
        struct vcpu *v = c->rt[i];
        if (best == NULL || v->rt.next_release < best->rt.next_release) {
            if (best != NULL) {
                other = MIN(other, best->rt.next_release);
            }
            best = v;
        } else {
            other = MIN(other, v->rt.next_release);
        }
    }
    if (best == NULL || other == best->rt.next_release ||
        (best->state != VCPU_RT_WAITING && best->state != VCPU_RT_THROTTLED)) {
        return NULL;
    }
    c->prep_other = other;
    c->prep_gen = c->rt_gen;
    return best;
}

void sched_enter_ready(struct cpu *c, struct vcpu *v)
{
    uint64_t now = arch_time_now();
    if (v->kind == VCPU_RT && c->hold != 0) {
        sched_account(c, MAX(now, c->hold), CPU_T_RT);
        sched_hold(c, v);
    } else {
        sched_account(c, now, v->kind == VCPU_RT ? CPU_T_RT : CPU_T_BE);
    }
}

static void fast_release(struct cpu *c, struct vcpu *v, uint64_t now)
{
    uint64_t rel = v->rt.next_release;
    if ((rel > now && rel - now > c->adv) || now >= c->sleep_min || c->kick || mgmt_due(c, now)) {
        return;
    }
    now = MAX(now, rel);
    spin_lock(&c->rt_lock);
    if (c->rt_gen != c->prep_gen) {
        spin_unlock(&c->rt_lock);
        return;
    }
    rt_release(v);
    v->state = VCPU_RUNNING;
    v->cpu = (int8_t)c->id;
    v->arch.regs.cpu = c;
    v->rt.run_start = now;
    rt_job_dispatched(v, now); /* sched_hold records the actual instant */
    c->cur = v;
    hold_until(c, rel);
    c->next_release = MIN(v->rt.next_release, c->prep_other);
    spin_unlock(&c->rt_lock);
    uint64_t t = MIN(release_timer(c, c->next_release), now + v->rt.budget_left);
    t = MIN(t, c->sleep_min);
    arch_timer_arm(t);
    atomic_and32(&idle_mask, ~(1u << c->id));
    arch_vcpu_load(v);
    sched_account(c, now, CPU_T_RT);
    sched_hold(c, v);
    trace_event(c, TE_ENTER, v, 0);
    arch_vcpu_enter(v);
}

__attribute__((noreturn)) void sched_idle(struct cpu *c)
{
    for (;;) {
        atomic_or32(&idle_mask, 1u << c->id);
        uint64_t now = arch_time_now();
        struct vcpu *next = sched_reschedule(c, now);
        if (next != NULL) {
            atomic_and32(&idle_mask, ~(1u << c->id));
            sched_enter_ready(c, next);
            trace_event(c, TE_ENTER, next, 0);
            arch_vcpu_enter(next);
        }
        if (mgmt_due(c, now)) {
            mgmt_work(c, now);
            continue; /* it may have made work (a new RT-VCPU) */
        }
        struct vcpu *prep = c->n_rt != 0 ? prepare_release(c) : NULL;
        sched_account(c, arch_time_now(), CPU_T_IDLE);
        trace_event(c, TE_IDLE, NULL, 0);
        arch_cpu_wait();
        trace_wake[c->id] = trace_stamp();
        now = arch_time_now();
        uint32_t irqs = arch_irq_pending_take();
        trace_event(c, TE_WAKE, NULL, irqs);
        if (prep != NULL && irqs == VH_IRQF_TIMER) {
            fast_release(c, prep, now); /* enters the job, or returns */
        }
        sched_account(c, now, CPU_T_HV);
        if (irqs & VH_IRQF_EXT) {
            mgmt_irq(c);
        }
    }
}
