/*
 * Reconnect backoff: exponential with "equal jitter".  Attempt k waits a
 * delay drawn uniformly from [d/2, d] with d = min(max, base * 2^k), so a
 * fleet of daemons does not reconnect in lockstep.  Pure: the random
 * source is a seeded xorshift, so tests can check the schedule.
 */
#ifndef VHD_BACKOFF_H
#define VHD_BACKOFF_H

#include <stdint.h>

struct vhd_backoff {
    uint64_t base_ms;
    uint64_t max_ms;
    unsigned attempt;
    uint64_t rng;
};

void vhd_backoff_init(struct vhd_backoff *b, uint64_t base_ms, uint64_t max_ms, uint64_t seed);
/* The ceiling d of the next attempt (without jitter). */
uint64_t vhd_backoff_ceiling(const struct vhd_backoff *b);
/* Delay before the next attempt, in ms; advances the attempt count. */
uint64_t vhd_backoff_next(struct vhd_backoff *b);
/* After a success: the next failure starts again at base. */
void vhd_backoff_reset(struct vhd_backoff *b);

#endif /* VHD_BACKOFF_H */
