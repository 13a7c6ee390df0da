/* Minimal device tree reading for the hypervisor (see fdt.c). */
#ifndef CORE_FDT_H
#define CORE_FDT_H

#include <stdbool.h>
#include <stdint.h>

/* Property `prop` of top-level node `node` ("chosen"); NULL if absent. */
const void *fdt_top_prop(const void *blob, const char *node, const char *prop, uint32_t *len);

#endif /* CORE_FDT_H */
