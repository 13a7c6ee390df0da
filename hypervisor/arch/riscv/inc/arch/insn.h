/*
 * Decoding of trapped guest loads and stores (QEMU leaves htinst zero, so
 * the hypervisor reads the instruction itself).  Pure functions: the host
 * tests run them too.
 */
#ifndef ARCH_INSN_H
#define ARCH_INSN_H

#include <stdbool.h>
#include <stdint.h>

struct mem_access {
    bool store;
    bool sign;     /* loads: sign-extend */
    uint8_t width; /* bytes: 1, 2, 4, 8 */
    uint8_t reg;   /* rd for loads, rs2 for stores */
    uint8_t len;   /* instruction length: 2 or 4 */
};

/* Length of the instruction whose first halfword is `lo`. */
static inline unsigned insn_len(uint16_t lo)
{
    return (lo & 3) == 3 ? 4 : 2;
}

/* Decode a load/store (full or compressed). 0, or -1 if it is not one. */
int insn_decode_mem(uint32_t insn, struct mem_access *out);

/* Sign- or zero-extend a loaded value of `width` bytes. */
uint64_t insn_extend(uint64_t v, unsigned width, bool sign);

#endif /* ARCH_INSN_H */
