/* Host stand-in for the arch spinlock and atomics (GCC builtins). */
#ifndef HOST_ARCH_SPINLOCK_H
#define HOST_ARCH_SPINLOCK_H

#include <stdint.h>

typedef struct {
    volatile uint32_t v;
} spinlock_t;

#define SPINLOCK_INIT {0}

static inline void spin_lock(spinlock_t *l)
{
    while (__atomic_exchange_n(&l->v, 1u, __ATOMIC_ACQUIRE) != 0) {
    }
}

static inline void spin_unlock(spinlock_t *l)
{
    __atomic_store_n(&l->v, 0u, __ATOMIC_RELEASE);
}

static inline uint32_t atomic_or32(volatile uint32_t *p, uint32_t v)
{
    return __atomic_fetch_or(p, v, __ATOMIC_SEQ_CST);
}

static inline uint32_t atomic_and32(volatile uint32_t *p, uint32_t v)
{
    return __atomic_fetch_and(p, v, __ATOMIC_SEQ_CST);
}

static inline void barrier_full(void)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static inline void cpu_relax(void)
{
}

#endif
