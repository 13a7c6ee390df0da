/*
 * What the mgmt-agent needs from the hypervisor: one table of internal
 * calls.  The hypervisor fills it with the very functions its hypercalls
 * use (no second path into the scheduler); host tests and the host-side
 * fake target fill it with a stand-in.  Freestanding.
 *
 * VCPUs are named by their global id.  Calls that can be refused write a
 * sentence into why[why_len] ("CPU 1 would reach 104.0% (limit 95.0%)").
 * Return values: 0 / an id on success, or a negative VH_E* code (vh/abi.h).
 */
#ifndef MGMT_OPS_H
#define MGMT_OPS_H

#include <stddef.h>
#include <stdint.h>
#include <vh/abi.h>

struct mgmt_sys_info {
    uint32_t ncpus;
    char build_id[32];
    char scenario[16];
    uint64_t boot_id;
    uint64_t uptime_ns;
    uint64_t timebase_hz;
    uint32_t rt_limit_ppm;
    uint32_t cpu_limit_ppm;
    uint64_t quantum_ns;
};

#define MGMT_ADU_RUNNING 0
#define MGMT_ADU_STOPPED 1
#define MGMT_ADU_RESETTING 2

struct mgmt_adu_info {
    uint32_t id;
    char name[16];
    uint64_t ram_bytes;
    uint32_t be_vcpus;
    uint32_t reserve_ppm;
    uint32_t reserve_used_ppm;
    uint32_t state; /* MGMT_ADU_* */
    uint32_t boots;
    uint32_t caps;  /* VH_CAP() bits of vh/config.h */
};

#define MGMT_VCPU_BE 0
#define MGMT_VCPU_RT 1
/* states as in the proto's VcpuState */
#define MGMT_VS_STOPPED 0
#define MGMT_VS_RUNNABLE 1
#define MGMT_VS_RUNNING 2
#define MGMT_VS_BLOCKED 3
#define MGMT_VS_RT_WAITING 4
#define MGMT_VS_RT_THROTTLED 5

struct mgmt_vcpu_info {
    uint32_t id;
    uint32_t adu_id;
    uint32_t kind;  /* MGMT_VCPU_* */
    uint32_t index;
    uint32_t state; /* MGMT_VS_* */
    int32_t cpu;
    uint32_t priority, affinity;
    uint64_t period_ns, deadline_ns, budget_ns, entry;
    uint32_t util_ppm;
    uint64_t run_ns;
    struct vh_rt_stats rt; /* RT only */
};

struct mgmt_cpu_info {
    uint32_t id;
    uint64_t rt_ns, be_ns, hv_ns, idle_ns;
    uint32_t rt_util_ppm;
};

/*
 * Counters of one inter-ADU messaging channel, sender -> receiver (see
 * core/ipc.h).  An endpoint is an ADU id or VH_MSG_DEST_MGMT for the agent.
 */
struct mgmt_chan_info {
    uint32_t src, dst;
    uint32_t permitted; /* 1: the scenario opens it (send_to; agent: manage cap) */
    uint64_t sent, received;
    uint64_t refused_perm, refused_full, refused_size, refused_fault;
};

struct mgmt_ops {
    void (*system_info)(struct mgmt_sys_info *out);
    /* ADUs and VCPUs are listed by position 0..n-1; a gap returns VH_ENOENT. */
    uint32_t (*adu_count)(void);
    int (*adu_get)(uint32_t pos, struct mgmt_adu_info *out);
    uint32_t (*vcpu_slots)(void);
    int (*vcpu_get)(uint32_t pos, struct mgmt_vcpu_info *out);
    uint32_t (*cpu_count)(void);
    int (*cpu_get)(uint32_t cpu, struct mgmt_cpu_info *out);
    /* Create (or with VH_RT_F_DRY_RUN in p->flags, only check) an RT-VCPU in
     * ADU adu_id; returns its global VCPU id (dry run: 0) and sets *cpu_out. */
    long (*rt_create)(uint32_t adu_id, const struct vh_rt_params *p, int32_t *cpu_out,
                      char *why, size_t why_len);
    long (*rt_destroy)(uint32_t vcpu_id);
    /* Zero fields of p mean "unchanged". */
    long (*rt_set)(uint32_t vcpu_id, const struct vh_rt_params *p, char *why, size_t why_len);
    /* RT: move to cpu after admission there; BE: pin (affinity = that CPU). */
    long (*vcpu_migrate)(uint32_t vcpu_id, int32_t cpu, char *why, size_t why_len);
    long (*reserve_set)(uint32_t adu_id, uint32_t ppm, char *why, size_t why_len);
    /* Queue console input for an ADU; returns bytes accepted. */
    long (*console_input)(uint32_t adu_id, const uint8_t *buf, size_t len);
    /* Messaging channels by position 0..chan_slots()-1; one the scenario
     * does not open and that has counted nothing returns VH_ENOENT. */
    uint32_t (*chan_slots)(void);
    int (*chan_get)(uint32_t pos, struct mgmt_chan_info *out);
};

#endif /* MGMT_OPS_H */
