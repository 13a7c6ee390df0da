/*
 * Devices of the board that no ADU owns: where a guest written for the
 * board may probe for them.  An access there reads as an empty slot of the
 * real board (see core/vdev.c) instead of stopping the guest.  Pure data,
 * also compiled into the host unit tests.
 */
#ifndef PLATFORM_ABSENT_H
#define PLATFORM_ABSENT_H

#include <stdint.h>

/* What a read of an absent device returns, byte by byte. */
enum platform_fill { PLATFORM_FILL_ZERO = 0x00, PLATFORM_FILL_ONES = 0xff };

struct platform_absent {
    uint64_t base; /* guest-physical */
    uint64_t size;
    const char *name; /* as the log names it, e.g. "virtio-mmio@10001000" */
    uint8_t fill;     /* enum platform_fill */
};

/* Sorted by base, not overlapping; at most 32 entries (a bit each per ADU). */
extern const struct platform_absent platform_absent_map[];
extern const uint32_t platform_absent_count;

#endif /* PLATFORM_ABSENT_H */
