/*
 * VCPUs: best-effort ones (an ADU's harts, from the scenario) and real-time
 * ones (created by hypercall).  A VCPU is in exactly one place: running on
 * one CPU, in the global BE queue, in one CPU's RT queue, or parked.
 * All live in one static pool.
 */
#ifndef CORE_VCPU_H
#define CORE_VCPU_H

#include <stdbool.h>
#include <stdint.h>
#include <arch/vcpu.h>
#include <vh/abi.h>

struct adu;

enum vcpu_kind { VCPU_BE = 0, VCPU_RT = 1 };

enum vcpu_state {
    VCPU_FREE = 0,     /* pool slot unused */
    VCPU_STOPPED,      /* BE: hart stopped (SBI HSM) or ADU stopped */
    VCPU_RUNNABLE,     /* BE: in the global queue; RT: released, in its EDF queue */
    VCPU_RUNNING,      /* on a CPU */
    VCPU_BLOCKED,      /* BE: in wfi until its timer or an IPI */
    VCPU_RT_WAITING,   /* RT: job done, until the next release */
    VCPU_RT_THROTTLED, /* RT: budget spent, until the next release */
};

/* Real-time parameters and job state, all in time-base ticks. */
struct rt_sched {
    uint64_t period, deadline, budget;
    uint32_t util_ppm;     /* budget / period */
    uint64_t release;      /* release of the current job */
    uint64_t abs_deadline; /* release + deadline */
    uint64_t next_release;
    uint64_t budget_left;
    uint64_t run_start;    /* when it last got the CPU */
    bool job_started;      /* the current job has been dispatched once */
    bool job_done;         /* the current job called wait */
    bool jitter_pending;   /* dispatched, jitter not yet in st */
    uint64_t dispatched;   /* first dispatch of the current job */
    struct vh_rt_stats st; /* jitter etc. in ns */
};

struct vcpu {
    struct vcpu_arch arch; /* must stay first: the trap frame */
    struct adu *adu;
    uint16_t id;    /* index in the global pool */
    uint16_t index; /* BE: hart id inside the ADU; RT: RT-VCPU id */
    uint8_t kind;
    volatile uint8_t state;
    volatile int8_t cpu;       /* CPU it runs on, or -1 */
    volatile uint32_t pending; /* VCPU_PEND_* set by other CPUs */
    /* best effort */
    uint32_t prio, affinity;
    uint64_t vtime;    /* weighted CPU time (stride) */
    uint64_t be_start; /* when it last got the CPU */
    uint64_t run_ticks; /* CPU time it has had */
    uint64_t wake_at; /* BLOCKED: when its own timer fires */
    int8_t sleep_cpu; /* BLOCKED: the CPU that wakes it */
    /* real time */
    int8_t rt_cpu; /* home CPU of an RT-VCPU */
    int8_t migrate_to;
    uint64_t rt_entry; /* where its jobs start (for listings) */
    struct rt_sched rt;
};

#define VCPU_PEND_WAKE 1u  /* leave BLOCKED */
#define VCPU_PEND_STOP 2u  /* its ADU stops or resets: get off the CPU */
#define VCPU_PEND_VSSIP 4u /* a guest IPI to inject */
#define VCPU_PEND_FENCE 8u /* flush its VS-stage TLB and icache */
#define VCPU_PEND_MIGRATE 16u /* RT: move to migrate_to once off the CPU */

#define VH_MAX_RT_VCPUS 32
#define VH_MAX_VCPUS (VH_MAX_ADUS * VH_MAX_BE_VCPUS + VH_MAX_RT_VCPUS)

extern struct vcpu vcpu_pool[];

#endif /* CORE_VCPU_H */
