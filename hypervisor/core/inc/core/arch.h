/*
 * The hooks the portable core needs from an architecture.  Each arch
 * implements them under hypervisor/arch/NAME/; the build puts that arch's
 * inc/ on the include path, so the core has no #ifdef ARCH.  Unless said
 * otherwise a hook acts on the calling CPU and needs no lock.
 */
#ifndef CORE_ARCH_H
#define CORE_ARCH_H

#include <stdint.h>

struct adu;
struct vcpu;
struct cpu;

/* Current time in ticks of the platform time base (monotonic, all CPUs). */
uint64_t arch_time_now(void);
/* This CPU's cycle counter, for tracing only (under QEMU -icount it counts
 * virtual nanoseconds). */
uint64_t arch_cycles(void);
/* Arm this CPU's one-shot timer for absolute tick `at` (replaces the old). */
void arch_timer_arm(uint64_t at);
/* Ask CPU `cpu` to run its scheduler (it sees cpu->kick). */
void arch_ipi_send(uint32_t cpu);
/* Start physical CPU `cpu` at the secondary entry; 0 or a negative VH_E*. */
int arch_cpu_start(uint32_t cpu);
/* Per-CPU trap, timer and virtualisation set-up; called once on each CPU. */
void arch_cpu_init(struct cpu *c);
/* Wait for an interrupt (the CPU is idle). Returns when one is pending. */
void arch_cpu_wait(void);
/* Take this CPU's pending interrupt causes: VH_IRQF_* bits. */
uint32_t arch_irq_pending_take(void);
#define VH_IRQF_TIMER 1u
#define VH_IRQF_IPI 2u
#define VH_IRQF_EXT 4u

/* Build the ADU's second-stage address space: only its RAM. 0 or VH_E*. */
int arch_adu_space_init(struct adu *a);
/*
 * Reset a VCPU's architectural state so it starts at `entry` in guest
 * supervisor mode with a0/a1 set, no translation, interrupts off.
 */
void arch_vcpu_reset(struct vcpu *v, uint64_t entry, uint64_t a0, uint64_t a1);
/* Save the running VCPU's virtual-supervisor state (it leaves this CPU). */
void arch_vcpu_save(struct vcpu *v);
/* Load `v`'s virtual-supervisor state onto this CPU before entering it. */
void arch_vcpu_load(struct vcpu *v);
/* Enter `v` (its frame): does not return; the next trap re-enters the core. */
__attribute__((noreturn)) void arch_vcpu_enter(struct vcpu *v);
/* Post virtual interrupts (VH_VIRQ_*) to `v`, running or not. */
void arch_vcpu_irq_post(struct vcpu *v, uint32_t virq);
#define VH_VIRQ_SOFT 1u
/* Guest argument and return registers of the trapped VCPU. */
uint64_t arch_vcpu_arg(const struct vcpu *v, unsigned n);
void arch_vcpu_set_ret(struct vcpu *v, int64_t err, uint64_t value);
/* The trapped hypercall of `v` runs again when `v` next runs (its pc goes
 * back to the call): a hypercall that blocks completes by being restarted. */
void arch_vcpu_hcall_restart(struct vcpu *v);
/* Time at which `v`'s own timer fires (ticks), or UINT64_MAX if masked. */
uint64_t arch_vcpu_timer_deadline(const struct vcpu *v);

/* Stop this CPU for good (after a panic). */
__attribute__((noreturn)) void arch_halt(void);

#endif /* CORE_ARCH_H */
