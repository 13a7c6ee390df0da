/*
 * The management agent inside the hypervisor: the board's console UART
 * carries the hypervisor log, every ADU's console and the RPC channel
 * (mgmt-agent/).  One CPU (the management CPU) receives the UART and runs
 * the agent's bounded units of work, each only while no RT job of that CPU
 * is ready or due within MGMT_GUARD_NS, so management traffic never delays
 * an admitted RT-VCPU.  Its time counts as hypervisor time on that CPU.
 */
#ifndef CORE_MGMT_H
#define CORE_MGMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <core/cpu.h>

struct cpu;

#define MGMT_GUARD_NS 500000ULL /* 500 us: longer than the worst unit of agent work */

/* Set up the agent and the UART receive interrupt (boot CPU). */
void mgmt_init(uint64_t boot_id);
/* A CPU has started: the management CPU takes the UART interrupt. */
void mgmt_cpu_online(const struct cpu *c);
/* Queue a console line for the agent (any CPU, never waits for the UART);
 * false before mgmt_init(). */
bool mgmt_console_line(int adu_id, const char *tag, const char *text, size_t len);
/* The line queue is at most half full (a bulk writer such as the trace
 * dump waits for this instead of pushing lines out). */
bool mgmt_log_room(void);
/* On panic: write out what the transmit ring still holds. */
void mgmt_panic_flush(void);
/* External interrupt on CPU c: take the UART's input (management CPU). */
void mgmt_irq(struct cpu *c);
extern uint32_t mgmt_cpu;  /* the management CPU (UINT32_MAX before init) */
extern uint64_t mgmt_next; /* when it next has agent work (ticks) */

/* Is agent work due on CPU c? (cheap; false on other CPUs) */
static inline bool mgmt_due(const struct cpu *c, uint64_t now)
{
    return c->id == mgmt_cpu && now >= mgmt_next;
}
/* Run due agent work on the management CPU, unless an RT job of that CPU
 * is ready or due soon (then it retries later).  Called where the CPU is
 * about to run best effort or idle, never ahead of an RT dispatch. */
void mgmt_work(struct cpu *c, uint64_t now);
/* When CPU c next needs to run agent work (ticks), or UINT64_MAX. */
static inline uint64_t mgmt_next_tick(const struct cpu *c)
{
    return c->id == mgmt_cpu ? mgmt_next : UINT64_MAX;
}

/*
 * Serve one encoded Request that an ADU sent by message (the inter-ADU
 * transport): the encoded Response goes to resp[cap].  Takes mgmt_lock;
 * the caller holds no other lock.  Returns the response length or a
 * negative VH_E* (VH_EAGAIN before mgmt_init, VH_EINVAL, VH_EMSGSIZE).
 */
long mgmt_rpc_packet(bool caller_may_manage, const uint8_t *req, size_t len, uint8_t *resp,
                     size_t cap);
/* An RPC may run on CPU c now: no release of c (nor, on a serialised
 * emulator, of another CPU) is due within MGMT_GUARD_NS.  A best-effort
 * caller otherwise calls again after the release. */
bool mgmt_rpc_fits(const struct cpu *c);

#endif /* CORE_MGMT_H */
