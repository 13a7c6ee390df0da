/*
 * vh's own lightweight tracing (scenario `[machine] trace = ...`).
 *
 * When off (the default) every hook is one load of `trace_on` and a branch.
 * When on, each CPU keeps, without locks:
 *  - spans: count, sum and worst case of what named paths cost, in cycles
 *    of the CPU's cycle counter (under QEMU -icount: nanoseconds, 8 per
 *    instruction at shift=3), reported in the log every second;
 *  - a ring of its last events, dumped to the log when a release is later
 *    than the scenario's `late:` threshold (then recording stops, so the
 *    dump shows what led to it).
 */
#ifndef CORE_TRACE_H
#define CORE_TRACE_H

#include <stdint.h>
#include <core/arch.h>

struct cpu;
struct vcpu;

/* What a span measures (from its stamp to its end on the same CPU). */
enum trace_span {
    TS_RELEASE, /* wake-up for a release (timer trap or idle wake) to ready to enter the job */
    TS_DECIDE,  /* one scheduling decision (sched_reschedule) */
    TS_SWITCH,  /* loading another VCPU's state onto the CPU (arch_vcpu_load) */
    TS_SBI,     /* a guest's ecall (SBI or hypercall) handled in C, trap to return */
    TS_MMIO,    /* a trapped access to a virtual device, trap to return */
    TS_IRQ,     /* an interrupt taken while a guest ran, trap to return */
    TS_MGMT,    /* one management work call on the management CPU (several units) */
    TS_UNIT,    /* one unit of agent work: what the guard before a release must cover */
    TS_COUNT
};

/* Events in the ring. */
enum trace_event {
    TE_TRAP,    /* arg: cause number, TRACE_TRAP_IRQ set for an interrupt */
    TE_WAKE,    /* idle CPU woken; arg: VH_IRQF_* bits */
    TE_RELEASE, /* a job released ahead is ready; arg: ticks until its release */
    TE_ENTER,   /* entering the VCPU */
    TE_IDLE,    /* going to wait for an interrupt */
    TE_IPI,     /* IPI sent; arg: the CPU */
    TE_ARM,     /* timer armed; arg: ticks from now (saturated) */
    TE_MGMT,    /* management work step; arg: 1 start, 0 end */
    TE_LATE,    /* a release was late; arg: ns */
    TE_COUNT
};

extern volatile uint32_t trace_on;

/* A stamp for a span start (0 when tracing is off). */
static inline uint64_t trace_stamp(void)
{
    return trace_on ? arch_cycles() : 0;
}

void trace_init(uint32_t mode, uint32_t late_ns);
void trace_span_rec(struct cpu *c, enum trace_span s, uint64_t start);
void trace_event_rec(struct cpu *c, enum trace_event e, const struct vcpu *v, uint64_t arg);
void trace_release_rec(struct cpu *c, const struct vcpu *v, uint64_t rel, uint64_t now);
/* The management CPU: reports and dumps, a few lines per work step. */
void trace_mgmt_step(uint64_t now);

static inline void trace_span(struct cpu *c, enum trace_span s, uint64_t start)
{
    if (trace_on && start != 0) {
        trace_span_rec(c, s, start);
    }
}

static inline void trace_event(struct cpu *c, enum trace_event e, const struct vcpu *v, uint64_t arg)
{
    if (trace_on) {
        trace_event_rec(c, e, v, arg);
    }
}

#define TRACE_TRAP_IRQ 0x80000000u

/* Per CPU: when it woke up (the start of a release span). */
extern uint64_t trace_wake[];

#endif /* CORE_TRACE_H */
