/* Host stand-in for the arch part of a VCPU: lets the portable core's
 * policy code compile and run in host unit tests. */
#ifndef HOST_ARCH_VCPU_H
#define HOST_ARCH_VCPU_H

#include <stdint.h>

struct cpu;

struct vcpu_regs {
    uint64_t x[32];
    uint64_t sepc;
    struct cpu *cpu;
};

struct vcpu_arch {
    struct vcpu_regs regs;
};

#endif
