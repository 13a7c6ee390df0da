/* Decoding of trapped loads/stores (hypervisor/arch/riscv/insn.c), as used
 * for the virtual UART: every width and sign, full and compressed. */
#include <criterion/criterion.h>

#include <arch/insn.h>

static struct mem_access dec(uint32_t insn)
{
    struct mem_access m = {0};
    cr_assert_eq(insn_decode_mem(insn, &m), 0, "insn 0x%08x should decode", insn);
    return m;
}

Test(insn, full_loads)
{
    /* lb a0,0(a1) = 0x00058503; lbu = 0x0005c503; lw = 0x0005a503; ld = 0x0005b503 */
    struct mem_access m = dec(0x00058503);
    cr_assert(!m.store && m.width == 1 && m.sign && m.reg == 10 && m.len == 4);
    m = dec(0x0005c503);
    cr_assert(!m.store && m.width == 1 && !m.sign);
    m = dec(0x0005a503);
    cr_assert(m.width == 4 && m.sign);
    m = dec(0x0005e503); /* lwu */
    cr_assert(m.width == 4 && !m.sign);
    m = dec(0x0005b503);
    cr_assert(m.width == 8);
    m = dec(0x00059503); /* lh */
    cr_assert(m.width == 2 && m.sign);
}

Test(insn, full_stores)
{
    /* sb a0,0(a1) = 0x00a58023; sw = 0x00a5a023; sd = 0x00a5b023 */
    struct mem_access m = dec(0x00a58023);
    cr_assert(m.store && m.width == 1 && m.reg == 10 && m.len == 4);
    m = dec(0x00a5a023);
    cr_assert(m.store && m.width == 4);
    m = dec(0x00a5b023);
    cr_assert(m.store && m.width == 8);
}

Test(insn, compressed)
{
    /* c.lw a0,0(a1) = 0x4188; c.sw a0,0(a1) = 0xc188; c.ld a0,0(a1) = 0x6188; c.sd = 0xe188 */
    struct mem_access m = dec(0x4188);
    cr_assert(!m.store && m.width == 4 && m.sign && m.reg == 10 && m.len == 2);
    m = dec(0xc188);
    cr_assert(m.store && m.width == 4 && m.reg == 10);
    m = dec(0x6188);
    cr_assert(!m.store && m.width == 8);
    m = dec(0xe188);
    cr_assert(m.store && m.width == 8);
    /* c.lwsp a0,0(sp) = 0x4502; c.swsp a0,0(sp) = 0xc02a */
    m = dec(0x4502);
    cr_assert(!m.store && m.width == 4 && m.reg == 10);
    m = dec(0xc02a);
    cr_assert(m.store && m.width == 4 && m.reg == 10);
}

Test(insn, not_memory_accesses)
{
    struct mem_access m;
    cr_assert_eq(insn_decode_mem(0x00000013, &m), -1); /* nop */
    cr_assert_eq(insn_decode_mem(0x10500073, &m), -1); /* wfi */
    cr_assert_eq(insn_decode_mem(0x0001, &m), -1);     /* c.nop */
}

Test(insn, extend)
{
    cr_assert_eq(insn_extend(0x80, 1, true), 0xffffffffffffff80ULL);
    cr_assert_eq(insn_extend(0x80, 1, false), 0x80);
    cr_assert_eq(insn_extend(0x1234ffff, 2, true), 0xffffffffffffffffULL);
    cr_assert_eq(insn_extend(0x80000000, 4, false), 0x80000000ULL);
    cr_assert_eq(insn_extend(0x123, 8, true), 0x123);
}
