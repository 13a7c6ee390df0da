/*
 * The management agent inside the hypervisor: the board's console UART
 * carries the hypervisor log, every ADU's console and the RPC channel
 * (mgmt-agent/).  One CPU (the management CPU) receives the UART and runs
 * the agent's bounded work steps, only while no RT job of that CPU is ready
 * or due within MGMT_GUARD_NS, so management traffic never delays an
 * admitted RT-VCPU.  Its time counts as hypervisor time on that CPU.
 */
#ifndef CORE_MGMT_H
#define CORE_MGMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cpu;

#define MGMT_GUARD_NS 500000ULL /* 500 us: longer than the worst agent step */

/* Set up the agent and the UART receive interrupt (boot CPU). */
void mgmt_init(uint64_t boot_id);
/* A CPU has started: the management CPU takes the UART interrupt. */
void mgmt_cpu_online(const struct cpu *c);
/* Route a console line through the agent; false before mgmt_init(). */
bool mgmt_console_line(int adu_id, const char *tag, const char *text, size_t len);
/* Management CPU only: take UART input (interrupt) and run due agent work. */
void mgmt_poll(struct cpu *c, uint64_t now, bool ext_irq);
/* When the management CPU next needs to run agent work (ticks), or UINT64_MAX. */
uint64_t mgmt_next_tick(const struct cpu *c);

#endif /* CORE_MGMT_H */
