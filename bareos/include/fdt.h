/*
 * Minimal flattened-device-tree reader: just the facts BareOS needs from
 * the DTB it is handed in a1.
 */
#ifndef BAREOS_FDT_H
#define BAREOS_FDT_H

#include <stdbool.h>
#include <stdint.h>

#define FDT_MAX_CPUS 8

struct fdt_info {
    const char *bootargs;            /* /chosen/bootargs, or NULL        */
    uint32_t ncpus;                  /* cpu@ nodes with status okay       */
    uint64_t hartids[FDT_MAX_CPUS];  /* their reg values (first ones)     */
    uint64_t timebase_hz;            /* /cpus timebase-frequency, or 0    */
    uint64_t mem_base;               /* first /memory reg region          */
    uint64_t mem_size;
};

/* Fills *out from the DTB at dtb; false if it is not a valid DTB. */
bool fdt_parse(const void *dtb, struct fdt_info *out);

#endif /* BAREOS_FDT_H */
