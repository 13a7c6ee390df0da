/*
 * Devices emulated for an ADU beside its UART: the sifive_test reset
 * device (for ADUs that own `reset`) and the board's absent devices, which
 * read as empty slots so that an unmodified guest's probes find nothing
 * and go on.  The arch's guest page fault handler decodes the access and
 * calls vdev_mmio(); vdev_absent_find() is pure (host unit tests).
 */
#ifndef CORE_VDEV_H
#define CORE_VDEV_H

#include <stdbool.h>
#include <stdint.h>
#include <platform/absent.h>

struct vcpu;

enum vdev_result {
    VDEV_UNCLAIMED = 0, /* no emulated device there: the caller stops the ADU */
    VDEV_DONE,          /* emulated: loads take *val; the VCPU moves on */
    VDEV_RESTARTED,     /* the ADU was reset or stopped: leave the VCPU as it is */
};

/*
 * Index in map[0..n) of the region holding all of [gpa, gpa+width), or -1
 * (also for an access straddling a region's end).  map is sorted by base.
 */
int vdev_absent_find(const struct platform_absent *map, uint32_t n, uint64_t gpa,
                     uint32_t width);

/* Fill of `width` bytes of `fill` each, as a load returns it (zero-extended). */
uint64_t vdev_fill_value(uint8_t fill, uint32_t width);

/*
 * Emulate a load (store == false: *val receives the value) or store (of
 * *val) of `width` bytes at `gpa` by a VCPU of its ADU, on the trap path of
 * that VCPU.  Returns an enum vdev_result.
 */
int vdev_mmio(struct vcpu *v, uint64_t gpa, uint32_t width, bool store, uint64_t *val);

#endif /* CORE_VDEV_H */
