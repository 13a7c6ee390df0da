/*
 * vhcfg output writers: the C file defining `const struct vh_cfg vh_cfg`,
 * the assembly file embedding images and device trees, readable DTS files,
 * and an all-or-nothing writer for a set of output files.
 */
#ifndef VH_EMIT_H
#define VH_EMIT_H

#include <stdio.h>

#include "scenario.h"

/* A placed scenario and its device tree blobs (one per ADU). */
struct emit_ctx {
    const struct vhs_scenario *s;
    uint8_t *dtb[VH_MAX_ADUS];
    size_t dtb_len[VH_MAX_ADUS];
};

/* Writers: 0 on success, -1 on a stream error. */
typedef int emit_fn(const struct emit_ctx *ctx, unsigned arg, FILE *out);
int emit_c(const struct emit_ctx *ctx, unsigned arg, FILE *out);
int emit_s(const struct emit_ctx *ctx, unsigned arg, FILE *out);
int emit_dts(const struct emit_ctx *ctx, unsigned adu, FILE *out);

/* One file to write: path, writer, and the writer's argument. */
struct emit_file {
    const char *path;
    emit_fn *fn;
    unsigned arg;
    char *tmp; /* internal */
};

/*
 * Write every file to a temporary beside it, then rename them all into
 * place; if any write fails, remove all temporaries and touch nothing.
 * Returns 0, or -1 with a message printed to stderr.
 */
int emit_files(const struct emit_ctx *ctx, struct emit_file *files, unsigned n);

#endif /* VH_EMIT_H */
