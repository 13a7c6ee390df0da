/*
 * The scheduler: per-CPU EDF for RT-VCPUs, always above one global
 * weighted round-robin queue of BE-VCPUs.  Tickless: each CPU arms its
 * one-shot timer for its next event (a release, a budget running out, the
 * BE quantum end, a sleeping VCPU's timer).
 *
 * Lock order: cpu->rt_lock, then be_lock; neither is held while entering a
 * guest.  The policy pieces (BE pick, EDF pick, job accounting) are plain
 * functions over plain data so the host tests run the very same code.
 */
#ifndef CORE_SCHED_H
#define CORE_SCHED_H

#include <stdbool.h>
#include <stdint.h>
#include <core/cpu.h>
#include <core/vcpu.h>

/* Scheduler parameters from the scenario: the BE quantum in ticks, the
 * RT timer advance in ns (VH_TIMER_ADVANCE_AUTO: learnt per CPU). */
void sched_init(uint64_t quantum_ticks, uint64_t ns_per_tick, uint32_t advance_ns);

/*
 * Decide what CPU `c` runs now: process due events, charge the running
 * VCPU, pick, save/load VCPU state, arm the timer.  Returns the VCPU to
 * enter, or NULL when the CPU has nothing to run.
 */
struct vcpu *sched_reschedule(struct cpu *c, uint64_t now);
/* Called last before entering `v`: account the switch; a new RT job that
 * sched_reschedule() picked starts at its release instant, which may be a
 * little ahead (timer advance): wait for it. */
void sched_enter_ready(struct cpu *c, struct vcpu *v);
/* Arm CPU c's timer again for its next event (after agent work). */
void sched_rearm(struct cpu *c, uint64_t now);
/* Time accounting: CPU `c` does `kind` (enum cpu_time) from `now` on. */
void sched_account(struct cpu *c, uint64_t now, uint32_t kind);
/* Idle until there is something to run, then enter it. */
__attribute__((noreturn)) void sched_idle(struct cpu *c);

/* A blocked BE-VCPU becomes runnable (its timer, an IPI): queue and kick. */
void sched_be_wake(struct vcpu *v);
/* A stopped BE-VCPU starts (boot, SBI HSM start, ADU reset). */
void sched_be_start(struct vcpu *v);
/* The running BE-VCPU waits for an interrupt until tick `wake_at`. */
void sched_be_block(struct cpu *c, struct vcpu *v, uint64_t wake_at);
/* Remove a VCPU from wherever it is queued; it must not be running. */
void sched_unqueue(struct vcpu *v);
/* Stop a BE-VCPU wherever it is (a running one is asked by IPI). */
void sched_vcpu_stop(struct vcpu *v);
/* Change a BE-VCPU's CPU affinity (non-empty mask of existing CPUs);
 * a VCPU running outside the new mask is moved off.  0 or VH_EINVAL. */
long sched_be_set_affinity(struct vcpu *v, uint32_t mask);
/* Ask the CPU running `v` (if any) to reschedule. */
void sched_kick_vcpu(struct vcpu *v);
/* Wake idle CPU `cpu` for the hypervisor's own work (the management
 * CPU's output): at once, or on a serialised emulator, near a release of
 * this CPU or another's window, at this CPU's next decision (none when
 * `cpu` has a release near: it decides then anyway). */
void sched_kick_idle_cpu(uint32_t cpu);

/* No RT job of CPU c is ready or running, and none is released within
 * `window` ticks of `now`. */
bool sched_rt_quiet(const struct cpu *c, uint64_t now, uint64_t window);
/* This CPU's release timer fires within the guard before releases (best
 * effort does not start then; bounded guest calls wait until after).  The
 * guard is longer than the longest bounded guest call. */
#define SCHED_RELEASE_GUARD_NS 20000ULL
bool sched_release_near(const struct cpu *c, uint64_t now);
/* Change the guard (sched_init sets SCHED_RELEASE_GUARD_NS; 0: none, best
 * effort runs up to each release, as in the exact schedules of the tests). */
void sched_release_guard(uint64_t ns);
/* False while, on CPUs emulated one after another, another CPU's release
 * is near or comes within `ahead` ticks (*until: when that ends); always
 * true on parallel hardware. */
bool sched_sibling_quiet(const struct cpu *c, uint64_t now, uint64_t ahead, uint64_t *until);

/* ---- pure policy, shared with the host tests ---- */
struct be_queue {
    struct vcpu *v[VH_MAX_VCPUS];
    uint32_t n;
};
void be_queue_push(struct be_queue *q, struct vcpu *v);
bool be_queue_remove(struct be_queue *q, struct vcpu *v);
/* Best BE-VCPU for `cpu` (least virtual time); removes it from the queue. */
struct vcpu *be_queue_pick(struct be_queue *q, uint32_t cpu);
/* Charge a BE-VCPU for `ticks` of CPU time (weighted by its priority). */
void be_charge(struct vcpu *v, uint64_t ticks);
/* A VCPU that was not runnable joins the queue: no credit for sleeping. */
void be_enter_queue(struct vcpu *v);
bool be_queue_has_for(const struct be_queue *q, uint32_t cpu);

/* Earliest-deadline released RT-VCPU of a CPU's set, or NULL. */
struct vcpu *edf_pick(struct vcpu *const *set, uint32_t n);
/* Release due jobs of the set at `now` (counts misses of unfinished jobs). */
void rt_release_due(struct vcpu *const *set, uint32_t n, uint64_t now);
/* Charge `v`'s budget for running until `now`; true if it is spent. */
bool rt_charge(struct vcpu *v, uint64_t now);
/* Record the first dispatch of a job at `now`; its jitter is folded into
 * the statistics later by rt_job_fold() (job end or next release). */
void rt_job_dispatched(struct vcpu *v, uint64_t now);
void rt_job_fold(struct vcpu *v);
/* Release the next job of `v` now (its next_release is due). */
void rt_release(struct vcpu *v);
/* The job of `v` finished at `now` (wait hypercall). */
void rt_job_done(struct vcpu *v, uint64_t now);

extern uint64_t sched_ns_per_tick;

#endif /* CORE_SCHED_H */
