/* Host stand-ins for what the messaging mechanism (ipc.c, adu.c) calls:
 * they record what happened so the tests can assert it. */
#ifndef IPC_HOST_H
#define IPC_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <core/adu.h>
#include <core/vcpu.h>

#define HOST_RAM_SIZE (1u << 20) /* each test ADU has 1 MiB of "RAM" */
#define HOST_NADUS 4

struct host_log {
    uint32_t wakes[VH_MAX_VCPUS];     /* sched_be_wake per VCPU */
    uint32_t irq_posts[VH_MAX_VCPUS]; /* arch_vcpu_irq_post per VCPU */
    uint32_t restarts;                /* arch_vcpu_hcall_restart */
    uint32_t agent_calls;
    bool agent_no_room;               /* mgmt_rpc_fits says a release is too near */
    bool agent_may_manage;
    size_t agent_req_len;
    uint32_t logs;
};
extern struct host_log host;

/* ADUs 0..3 created from host_cfg (ADU 0 may send to 1 and 2; 1 to 0;
 * ADU 3 has the manage capability and may send to 0), queues bound. */
void host_setup(void);
/* Guest-physical address `off` bytes into an ADU's RAM, and its host view. */
uint64_t host_gpa(uint64_t off);
uint8_t *host_ram(uint32_t adu, uint64_t off);

#endif
