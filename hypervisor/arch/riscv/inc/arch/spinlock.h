/*
 * Spinlocks and the few atomics the core needs (RISC-V A extension).
 * Locks are test-and-test-and-set; hold them only for short, bounded work.
 */
#ifndef ARCH_SPINLOCK_H
#define ARCH_SPINLOCK_H

#include <stdint.h>

typedef struct {
    volatile uint32_t v;
} spinlock_t;

#define SPINLOCK_INIT {0}

static inline void spin_lock(spinlock_t *l)
{
    uint32_t old;
    for (;;) {
        while (l->v != 0) {
        }
        __asm__ volatile("amoswap.w.aq %0, %2, %1" : "=r"(old), "+A"(l->v) : "r"(1u) : "memory");
        if (old == 0) {
            return;
        }
    }
}

static inline void spin_unlock(spinlock_t *l)
{
    __asm__ volatile("amoswap.w.rl zero, zero, %0" : "+A"(l->v)::"memory");
}

static inline uint32_t atomic_or32(volatile uint32_t *p, uint32_t v)
{
    uint32_t old;
    __asm__ volatile("amoor.w.aqrl %0, %2, %1" : "=r"(old), "+A"(*p) : "r"(v) : "memory");
    return old;
}

static inline uint32_t atomic_and32(volatile uint32_t *p, uint32_t v)
{
    uint32_t old;
    __asm__ volatile("amoand.w.aqrl %0, %2, %1" : "=r"(old), "+A"(*p) : "r"(v) : "memory");
    return old;
}

static inline uint32_t atomic_swap32(volatile uint32_t *p, uint32_t v)
{
    uint32_t old;
    __asm__ volatile("amoswap.w.aqrl %0, %2, %1" : "=r"(old), "+A"(*p) : "r"(v) : "memory");
    return old;
}

static inline void barrier_full(void)
{
    __asm__ volatile("fence rw, rw" ::: "memory");
}

static inline void cpu_relax(void)
{
    __asm__ volatile("nop" ::: "memory");
}

#endif /* ARCH_SPINLOCK_H */
