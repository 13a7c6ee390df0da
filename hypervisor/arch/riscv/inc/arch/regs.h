/*
 * Guest register frame: what the trap entry saves and the resume path
 * restores.  The layout is shared with entry.S through the REGS_* offsets;
 * `sscratch` points at the running VCPU's frame while a guest runs, and is
 * zero while the hypervisor runs.
 */
#ifndef ARCH_REGS_H
#define ARCH_REGS_H

#define REGS_X(n) ((n) * 8)
#define REGS_SEPC 256
#define REGS_SSTATUS 264
#define REGS_HSTATUS 272
#define REGS_CPU 280
#define REGS_SIZE 288

/* struct cpu starts with its stack top (see core/cpu.h). */
#define CPU_STACK_TOP 0

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

struct cpu;

struct vcpu_regs {
    uint64_t x[32]; /* x[0] unused */
    uint64_t sepc;
    uint64_t sstatus;
    uint64_t hstatus;
    struct cpu *cpu; /* where the VCPU runs now; set at dispatch */
};
_Static_assert(offsetof(struct vcpu_regs, sepc) == REGS_SEPC, "regs layout");
_Static_assert(offsetof(struct vcpu_regs, cpu) == REGS_CPU, "regs layout");
_Static_assert(sizeof(struct vcpu_regs) == REGS_SIZE, "regs layout");

#define REG_RA 1
#define REG_SP 2
#define REG_A0 10
#define REG_A1 11
#define REG_A2 12
#define REG_A3 13
#define REG_A4 14
#define REG_A5 15
#define REG_A6 16
#define REG_A7 17
#endif

#endif /* ARCH_REGS_H */
