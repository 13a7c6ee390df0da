/*
 * Per physical CPU state.  Only its own CPU writes most of it; `kick` and
 * the RT queue lock are how other CPUs ask it for work.
 */
#ifndef CORE_CPU_H
#define CORE_CPU_H

#include <stdint.h>
#include <arch/spinlock.h>
#include <vh/config.h>

struct vcpu;

#define VH_MAX_RT_PER_CPU 16
#define VH_MAX_SLEEPERS (VH_MAX_ADUS * VH_MAX_BE_VCPUS)

/* Time split of a CPU, in ticks. */
enum cpu_time { CPU_T_RT, CPU_T_BE, CPU_T_HV, CPU_T_IDLE, CPU_T_COUNT };

struct cpu {
    uint64_t stack_top; /* must stay first: entry.S loads it */
    uint32_t id;
    volatile uint32_t online;
    struct vcpu *cur;    /* running VCPU, NULL when idle */
    uint64_t quantum_end;
    uint64_t sleep_min; /* earliest timer of BE-VCPUs blocked here */
    struct vcpu *sleepers[VH_MAX_SLEEPERS]; /* BE-VCPUs blocked here with a timer */
    uint32_t n_sleepers;
    volatile uint32_t kick; /* another CPU asked for a reschedule */
    uint32_t kick_later;    /* idle CPUs to wake at the next decision (sched.c) */
    uint64_t park_until;    /* idle for a sibling's release until then (UINT64_MAX: not) */
    /* real time: this CPU's EDF set */
    spinlock_t rt_lock;
    struct vcpu *rt[VH_MAX_RT_PER_CPU];
    uint32_t n_rt;
    uint32_t rt_util_ppm; /* admitted utilisation */
    uint64_t next_release; /* earliest RT release here (its own CPU only) */
    uint32_t rt_gen;       /* changes whenever the RT set changes (under rt_lock) */
    uint32_t prep_gen;     /* rt_gen when the lean release path was prepared */
    uint64_t prep_other;   /* the next release after the prepared one */
    /* timer advance (sched.c): the timer fires `adv` ticks before a release */
    uint32_t adv;
    uint32_t adv_calm;          /* releases that took less, since the last change */
    volatile uint64_t armed_at; /* when the timer fires for release armed_rel */
    uint64_t armed_rel;
    volatile uint64_t hold;     /* release instant the next job waits for, or 0 */
    uint64_t hold_from;         /* when the timer fired for it (0: not known) */
    /* time accounting */
    uint64_t t_mark;
    uint32_t t_kind; /* enum cpu_time running since t_mark */
    uint64_t t_acc[CPU_T_COUNT];
};

extern struct cpu cpus[VH_MAX_CPUS];
extern uint32_t cpu_count;

/* This CPU (arch reads its tp). */
struct cpu *this_cpu(void);

#endif /* CORE_CPU_H */
