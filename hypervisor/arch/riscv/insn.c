/* Load/store decoding for trapped MMIO: see insn.h. */
#include <arch/insn.h>

static int decode_full(uint32_t insn, struct mem_access *m)
{
    uint32_t opcode = insn & 0x7f;
    uint32_t funct3 = (insn >> 12) & 7;
    m->len = 4;
    if (opcode == 0x03) { /* LB LH LW LD LBU LHU LWU */
        if (funct3 == 7) {
            return -1;
        }
        m->store = false;
        m->width = (uint8_t)(1u << (funct3 & 3));
        m->sign = funct3 < 4 && funct3 != 3;
        m->reg = (uint8_t)((insn >> 7) & 31);
        return 0;
    }
    if (opcode == 0x23 && funct3 < 4) { /* SB SH SW SD */
        m->store = true;
        m->width = (uint8_t)(1u << funct3);
        m->sign = false;
        m->reg = (uint8_t)((insn >> 20) & 31);
        return 0;
    }
    return -1;
}

static int decode_compressed(uint16_t insn, struct mem_access *m)
{
    uint32_t op = insn & 3;
    uint32_t funct3 = (insn >> 13) & 7;
    m->len = 2;
    m->sign = false;
    if (op == 0) { /* c.lw c.ld c.sw c.sd: rd'/rs2' in bits 4:2 */
        m->reg = (uint8_t)(8 + ((insn >> 2) & 7));
        switch (funct3) {
        case 2: m->store = false; m->width = 4; m->sign = true; return 0;
        case 3: m->store = false; m->width = 8; return 0;
        case 6: m->store = true; m->width = 4; return 0;
        case 7: m->store = true; m->width = 8; return 0;
        default: return -1;
        }
    }
    if (op == 2) { /* c.lwsp c.ldsp (rd in 11:7), c.swsp c.sdsp (rs2 in 6:2) */
        switch (funct3) {
        case 2: m->store = false; m->width = 4; m->sign = true; break;
        case 3: m->store = false; m->width = 8; break;
        case 6: m->store = true; m->width = 4; break;
        case 7: m->store = true; m->width = 8; break;
        default: return -1;
        }
        m->reg = (uint8_t)(m->store ? (insn >> 2) & 31 : (insn >> 7) & 31);
        return m->store || m->reg != 0 ? 0 : -1;
    }
    return -1;
}

int insn_decode_mem(uint32_t insn, struct mem_access *out)
{
    if ((insn & 3) == 3) {
        return decode_full(insn, out);
    }
    return decode_compressed((uint16_t)insn, out);
}

uint64_t insn_extend(uint64_t v, unsigned width, bool sign)
{
    if (width >= 8) {
        return v;
    }
    unsigned bits = width * 8;
    uint64_t mask = (1ULL << bits) - 1;
    v &= mask;
    if (sign && (v >> (bits - 1)) & 1) {
        v |= ~mask;
    }
    return v;
}
