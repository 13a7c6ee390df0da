/*
 * Minimal flattened device tree (DTB) writer and reader for host tools.
 *
 * fdt_* build a DTB (version 17, last compatible 16, empty memory
 * reservation map) sequentially: begin a node, add its properties, add its
 * children, end it.  Property names are deduplicated in the strings block.
 * Errors (out of memory, unbalanced nodes) are sticky and reported by
 * fdt_finish.  fdt_check validates a blob's header and structure, and
 * fdt_to_dts prints it as DTS text, guessing each property's type the way
 * dtc does (strings, <cells> or [bytes]).
 */
#ifndef VH_FDT_H
#define VH_FDT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define FDT_MAGIC 0xd00dfeedu
#define FDT_VERSION 17
#define FDT_LAST_COMP_VERSION 16
#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE 2u
#define FDT_PROP 3u
#define FDT_NOP 4u
#define FDT_END 9u
#define FDT_HEADER_SIZE 40u

struct fdt_buf {
    uint8_t *data;
    size_t len, cap;
};

struct fdt {
    struct fdt_buf dt;      /* structure block */
    struct fdt_buf strings; /* property names */
    int depth;
    int failed;
};

void fdt_init(struct fdt *f);
void fdt_begin_node(struct fdt *f, const char *name); /* "" for the root */
void fdt_end_node(struct fdt *f);
void fdt_prop(struct fdt *f, const char *name, const void *data, size_t len);
void fdt_prop_empty(struct fdt *f, const char *name);
void fdt_prop_u32(struct fdt *f, const char *name, uint32_t v);
void fdt_prop_cells(struct fdt *f, const char *name, const uint32_t *cells,
                    size_t n);
void fdt_prop_str(struct fdt *f, const char *name, const char *s);
/* A string list: `n` strings, each with its NUL. */
void fdt_prop_strs(struct fdt *f, const char *name, const char *const *strs,
                   size_t n);

/*
 * Assemble the blob: header, reservation map, structure, strings.  Returns
 * 0 and a malloc'd blob, or -1 (out of memory or unbalanced nodes).  Frees
 * the builder's buffers either way.
 */
int fdt_finish(struct fdt *f, uint8_t **blob, size_t *len);

/* 0 if `blob` is a well-formed DTB (header, tokens, nesting, string offsets). */
int fdt_check(const uint8_t *blob, size_t len);

/* Print a checked blob as DTS text ("/dts-v1/; / { ... };"). */
int fdt_to_dts(const uint8_t *blob, size_t len, FILE *out);

uint32_t fdt_be32(const uint8_t *p);

#endif /* VH_FDT_H */
