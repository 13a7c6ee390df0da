/*
 * SBI calls: the generic ecall (a7 = extension, a6 = function, a0..a5 =
 * arguments; a0 = error, a1 = value on return) and helpers for the BASE,
 * TIME, IPI, HSM and SRST extensions.  Works the same against OpenSBI
 * (native S-mode) and against vh (VS-mode guest).
 */
#include "sbi.h"

struct sbiret sbi_ecall(unsigned long ext, unsigned long fid, unsigned long a0,
                        unsigned long a1, unsigned long a2, unsigned long a3,
                        unsigned long a4, unsigned long a5)
{
    register unsigned long r_a0 __asm__("a0") = a0;
    register unsigned long r_a1 __asm__("a1") = a1;
    register unsigned long r_a2 __asm__("a2") = a2;
    register unsigned long r_a3 __asm__("a3") = a3;
    register unsigned long r_a4 __asm__("a4") = a4;
    register unsigned long r_a5 __asm__("a5") = a5;
    register unsigned long r_a6 __asm__("a6") = fid;
    register unsigned long r_a7 __asm__("a7") = ext;

    __asm__ volatile("ecall"
                     : "+r"(r_a0), "+r"(r_a1)
                     : "r"(r_a2), "r"(r_a3), "r"(r_a4), "r"(r_a5), "r"(r_a6),
                       "r"(r_a7)
                     : "memory");
    return (struct sbiret){(long)r_a0, (long)r_a1};
}

long sbi_set_timer(uint64_t stime_value)
{
    return sbi_ecall(SBI_EXT_TIME, 0, stime_value, 0, 0, 0, 0, 0).error;
}

long sbi_send_ipi(unsigned long hart_mask, unsigned long hart_mask_base)
{
    return sbi_ecall(SBI_EXT_IPI, 0, hart_mask, hart_mask_base, 0, 0, 0, 0).error;
}

long sbi_hart_start(unsigned long hartid, unsigned long start_addr,
                    unsigned long opaque)
{
    return sbi_ecall(SBI_EXT_HSM, 0, hartid, start_addr, opaque, 0, 0, 0).error;
}

long sbi_system_reset(uint32_t reset_type, uint32_t reason)
{
    return sbi_ecall(SBI_EXT_SRST, 0, reset_type, reason, 0, 0, 0, 0).error;
}

unsigned long sbi_get_impl_id(void)
{
    struct sbiret r = sbi_ecall(SBI_EXT_BASE, 1, 0, 0, 0, 0, 0, 0);
    return r.error ? 0 : (unsigned long)r.value;
}

long sbi_probe_extension(unsigned long eid)
{
    struct sbiret r = sbi_ecall(SBI_EXT_BASE, 3, eid, 0, 0, 0, 0, 0);
    return r.error ? 0 : r.value;
}
