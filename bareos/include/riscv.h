/*
 * RISC-V S-mode helpers: CSR access, time, wfi, the hart id (kept in tp by
 * the entry code) and the CSR bit names BareOS uses.
 */
#ifndef BAREOS_RISCV_H
#define BAREOS_RISCV_H

#include <stdint.h>

#define SSTATUS_SIE (1UL << 1)
#define SIE_SSIE (1UL << 1)
#define SIE_STIE (1UL << 5)
#define SIE_SEIE (1UL << 9)
#define SIP_SSIP (1UL << 1)

#define SCAUSE_INTERRUPT (1UL << 63)
#define IRQ_S_SOFT 1
#define IRQ_S_TIMER 5
#define IRQ_S_EXT 9

#define EXC_LOAD_MISALIGNED 4
#define EXC_LOAD_ACCESS 5
#define EXC_STORE_MISALIGNED 6
#define EXC_STORE_ACCESS 7
#define EXC_LOAD_PAGE 13
#define EXC_STORE_PAGE 15
#define EXC_LOAD_GUEST_PAGE 21

#define csr_read(csr)                                                          \
    ({                                                                         \
        unsigned long csr_val_;                                                \
        __asm__ volatile("csrr %0, " #csr : "=r"(csr_val_));                   \
        csr_val_;                                                              \
    })
#define csr_write(csr, val)                                                    \
    __asm__ volatile("csrw " #csr ", %0" ::"rK"((unsigned long)(val)) : "memory")
#define csr_set(csr, bits)                                                     \
    __asm__ volatile("csrs " #csr ", %0" ::"rK"((unsigned long)(bits)) : "memory")
#define csr_clear(csr, bits)                                                   \
    __asm__ volatile("csrc " #csr ", %0" ::"rK"((unsigned long)(bits)) : "memory")

static inline uint64_t rdtime(void)
{
    uint64_t t;
    __asm__ volatile("rdtime %0" : "=r"(t));
    return t;
}

static inline void wfi(void)
{
    __asm__ volatile("wfi" ::: "memory");
}

static inline void compiler_barrier(void)
{
    __asm__ volatile("" ::: "memory");
}

/* The entry code puts the hart id in tp and nothing else touches it. */
static inline unsigned long hart_id(void)
{
    unsigned long id;
    __asm__ volatile("mv %0, tp" : "=r"(id));
    return id;
}

/* Disable S-mode interrupts; returns the previous sstatus.SIE bit. */
static inline unsigned long irq_save(void)
{
    unsigned long old;
    __asm__ volatile("csrrc %0, sstatus, %1" : "=r"(old) : "i"(SSTATUS_SIE) : "memory");
    return old & SSTATUS_SIE;
}

static inline void irq_restore(unsigned long old)
{
    if (old)
        csr_set(sstatus, SSTATUS_SIE);
}

#endif /* BAREOS_RISCV_H */
