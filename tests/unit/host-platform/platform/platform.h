/* Host stand-in for the platform header: a board whose CPUs run in
 * parallel (no QEMU round-robin nudges) with a 10 MHz time base. */
#ifndef HOST_PLATFORM_PLATFORM_H
#define HOST_PLATFORM_PLATFORM_H

#include <stdint.h>

#define PLATFORM_NAME "host-sim"

static inline uint64_t platform_ns_per_tick(void)
{
    return 100;
}

static inline int platform_cpus_serialised(void)
{
    return 0;
}

#endif
