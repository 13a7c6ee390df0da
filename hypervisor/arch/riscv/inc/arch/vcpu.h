/*
 * RISC-V part of a VCPU: the trap frame first (entry.S relies on it), then
 * the virtual-supervisor CSRs and FP state swapped when the CPU switches to
 * another VCPU.  Embedded as `arch` at the start of struct vcpu.
 */
#ifndef ARCH_VCPU_H
#define ARCH_VCPU_H

#include <stdint.h>
#include <arch/regs.h>

struct vcpu_arch {
    struct vcpu_regs regs; /* must stay first */
    uint64_t vsstatus, vsie, vstvec, vsscratch, vsepc, vscause, vstval, vsatp;
    uint64_t vstimecmp;
    uint64_t hvip;   /* virtual interrupts injected into this VCPU */
    uint64_t hgatp;  /* its ADU's G-stage root */
    uint64_t f[32]; /* then fcsr: arch_fp_save/load rely on it */
    uint64_t fcsr;
    int8_t fp_cpu;   /* CPU whose FP registers hold this state, or -1 */
    int8_t last_cpu;   /* CPU whose registers were last loaded with it */
    int8_t hfence_cpu; /* CPU where its VS-stage TLB was last flushed */
};

#endif /* ARCH_VCPU_H */
