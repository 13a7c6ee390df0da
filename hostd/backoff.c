/*
 * Exponential reconnect backoff with jitter (see backoff.h).
 */
#include "backoff.h"

void vhd_backoff_init(struct vhd_backoff *b, uint64_t base_ms, uint64_t max_ms, uint64_t seed)
{
    b->base_ms = base_ms ? base_ms : 1;
    b->max_ms = max_ms < b->base_ms ? b->base_ms : max_ms;
    b->attempt = 0;
    b->rng = seed ? seed : 0x9e3779b97f4a7c15ULL;
}

static uint64_t vhd__xorshift(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *s = x;
    return x;
}

uint64_t vhd_backoff_ceiling(const struct vhd_backoff *b)
{
    uint64_t d = b->base_ms;
    for (unsigned i = 0; i < b->attempt && d < b->max_ms; i++)
        d *= 2;
    return d > b->max_ms ? b->max_ms : d;
}

uint64_t vhd_backoff_next(struct vhd_backoff *b)
{
    uint64_t d = vhd_backoff_ceiling(b);
    uint64_t half = d / 2;
    uint64_t delay = half + vhd__xorshift(&b->rng) % (d - half + 1);
    if (b->attempt < 64)
        b->attempt++;
    return delay;
}

void vhd_backoff_reset(struct vhd_backoff *b)
{
    b->attempt = 0;
}
