/*
 * A host simulator for the hypervisor's scheduler: N CPUs on a simulated
 * clock running hypervisor/core/sched.c and sched_policy.c unchanged, with
 * the arch hooks (time, timer, IPI, VCPU save/load, this_cpu) played by
 * sim_arch.c.
 *
 * Time is in ticks of the time base.  A CPU runs sched_reschedule() when its
 * armed timer is due, when it was kicked (IPI), or when its running RT-VCPU
 * finished its job (the wait hypercall: rt_job_done + RT_WAITING, as rt_wait
 * does).  Between those events the VCPU it returned runs: an RT-VCPU burns
 * its job's work, a BE-VCPU spins.
 */
#ifndef SIM_ARCH_H
#define SIM_ARCH_H

#include <stdbool.h>
#include <stdint.h>

#include <core/cpu.h>
#include <core/vcpu.h>

/* What the simulator checked itself about one RT-VCPU's jobs. */
struct sim_rt_log {
    uint64_t first_release; /* release of job 0; job k at first + k * period */
    uint64_t need;          /* work of every job, ticks */
    uint64_t work_left;     /* of the job now released */
    uint64_t seen_release;  /* release whose work is in work_left */
    bool has_job;
    uint64_t done;          /* jobs finished */
    uint64_t late;          /* finished after their deadline */
    uint64_t bad_release;   /* a job released at the wrong time */
    uint64_t max_resp;      /* ticks */
};

struct sim_seg {
    uint64_t from, to;
    int16_t vcpu; /* pool index, -1 idle */
    uint8_t cpu;
};

#define SIM_MAX_SEGS 200000

struct sim_state {
    uint32_t ncpu;
    uint64_t now;
    uint32_t cur_cpu; /* what this_cpu() returns */
    uint64_t timer_at[VH_MAX_CPUS];
    uint64_t ipis, timer_arms, reschedules;
    uint64_t idle_with_be_queued; /* events after which a CPU idles beside queued BE work */
    struct sim_rt_log rt[VH_MAX_VCPUS];
    struct sim_seg *segs;
    uint32_t nsegs;
    bool seg_overflow;
    char label[VH_MAX_VCPUS][4];
};

extern struct sim_state sim;
/* The scheduler's guard before releases in the simulation (ns; 0: none). */
extern uint64_t sim_guard_ns;

/* Fresh machine: `ncpu` CPUs, BE quantum, nothing queued. */
void sim_reset(uint32_t ncpu, uint64_t quantum_ticks);
/* A BE-VCPU (slot `idx` of the BE part of the pool), started as adu.c does. */
struct vcpu *sim_add_be(uint32_t idx, uint32_t prio, uint32_t affinity, const char *label);
/*
 * An RT-VCPU on `cpu`, set up as rt_init_vcpu() does but with its first
 * release at `first_release`; every job needs `need` ticks of CPU.
 */
struct vcpu *sim_add_rt(uint32_t cpu, uint64_t period, uint64_t deadline, uint64_t budget,
                        uint64_t need, uint64_t first_release, const char *label);
/* Run until `end` (events at `end` included). Returns false on a livelock. */
bool sim_run(uint64_t end);

/* The VCPU that ran on `cpu` for all of [from, to): pool index, -1 idle, -2 mixed. */
int sim_who(uint32_t cpu, uint64_t from, uint64_t to);
/* Print the schedule, one cell per `slot` ticks from `start` to `end`. */
void sim_print_chart(const char *title, uint64_t start, uint64_t end, uint64_t slot);
/* Release everything a simulation took (frees the trace). */
void sim_free(void);

/* From sim_sched.c (the wrapper around sched.c). */
void sim_sched_reset(void);
void sim_idle_mark(uint32_t cpu, bool idle);
uint32_t sim_be_queued(void);
bool sim_be_queued_for(uint32_t cpu);

#endif
