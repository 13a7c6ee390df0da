/*
 * The hypervisor's scheduler mechanism, hypervisor/core/sched.c, compiled
 * unchanged for the host simulator.  It is included (not linked) so the
 * simulator can reach two pieces of its file-local state the way the
 * hypervisor does: the idle mask that sched_idle() maintains (the simulator
 * plays the idle loop, which never returns and so cannot be called), and a
 * reset of the BE queue between simulations in one process.
 */
#include "../../hypervisor/core/sched.c"

#include "sim_arch.h"

void sim_sched_reset(void)
{
    be_q.n = 0;
    idle_mask = 0;
    be_lock.v = 0;
}

void sim_idle_mark(uint32_t cpu, bool idle)
{
    if (idle) {
        atomic_or32(&idle_mask, 1u << cpu);
    } else {
        atomic_and32(&idle_mask, ~(1u << cpu));
    }
}

uint32_t sim_be_queued(void)
{
    return be_q.n;
}

bool sim_be_queued_for(uint32_t cpu)
{
    return be_queue_has_for(&be_q, cpu);
}
