/*
 * A test-and-set spinlock that also masks S-mode interrupts while held, so
 * an interrupt handler on the same hart can never spin on it.
 */
#ifndef BAREOS_SPINLOCK_H
#define BAREOS_SPINLOCK_H

#include "riscv.h"

struct spinlock {
    volatile uint32_t locked;
};

static inline unsigned long spin_lock_irqsave(struct spinlock *lk)
{
    unsigned long flags = irq_save();
    while (__atomic_exchange_n(&lk->locked, 1u, __ATOMIC_ACQUIRE) != 0) {
        while (__atomic_load_n(&lk->locked, __ATOMIC_RELAXED) != 0)
            ;
    }
    return flags;
}

static inline void spin_unlock_irqrestore(struct spinlock *lk, unsigned long flags)
{
    __atomic_store_n(&lk->locked, 0u, __ATOMIC_RELEASE);
    irq_restore(flags);
}

#endif /* BAREOS_SPINLOCK_H */
