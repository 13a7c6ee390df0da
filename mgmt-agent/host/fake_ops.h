/*
 * A simulated hypervisor behind struct mgmt_ops, for host tests, the fuzzers
 * and vh-fake-target.  One global machine (the ops table has no context
 * pointer): 4 CPUs, ADU 0 "ctl" and ADU 1 "gp" with a 30% reservation each
 * and two BE-VCPUs each, RT-VCPUs created and destroyed for real under a
 * utilisation-based admission test (per ADU: sum of budget/period / ncpus
 * <= reservation; per CPU: sum of budget/period <= 95%).  Statistics are
 * synthetic functions of the simulated clock, so they move over time and
 * are reproducible; so are the inter-ADU messaging counters (ctl <-> gp,
 * both <-> the agent), which no real message stands behind.  Not
 * thread-safe.
 */
#ifndef MGMT_FAKE_OPS_H
#define MGMT_FAKE_OPS_H

#include <stddef.h>
#include <stdint.h>

#include <mgmt/ops.h>

#define FAKE_NCPUS 4u
#define FAKE_CPU_LIMIT_PPM 950000u
#define FAKE_RT_LIMIT_PPM 900000u
#define FAKE_VCPU_SLOTS 48u

const struct mgmt_ops *fake_ops(void);

/* Back to the boot state (only BE-VCPUs), with this boot id. */
void fake_ops_reset(uint64_t boot_id);

/* The simulated clock (ns since boot) that uptime and statistics follow. */
void fake_ops_set_now(uint64_t now_ns);

/* Number of calls that changed the machine (create, destroy, set, migrate,
 * reservation), for tests that check a retry does not act twice. */
uint32_t fake_ops_mutations(void);

/*
 * Console input queued for an ADU by console_input(), taken line by line
 * (or when the buffer is full) for echoing: copies one line without its
 * newline into buf[cap], sets *adu_id and returns its length, or -1 when
 * nothing is complete.
 */
long fake_ops_console_take(uint32_t *adu_id, char *buf, size_t cap);

#endif /* MGMT_FAKE_OPS_H */
