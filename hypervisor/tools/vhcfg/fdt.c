/*
 * Flattened device tree writer, checker and DTS printer (see fdt.h).
 *
 * Layout written: 40-byte header, a reservation map holding only its
 * terminating zero entry, the structure block (tokens, 4-byte aligned) and
 * the strings block.  All values are big-endian, as the format requires.
 * The checker walks the structure block with the same rules a loader uses,
 * so tests and the DTS printer never read outside the blob.
 */
#include <stdlib.h>
#include <string.h>

#include "fdt.h"

uint32_t fdt_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Append len bytes (NULL: zeros); returns the offset or -1. */
static long buf_add(struct fdt *f, struct fdt_buf *b, const void *data, size_t len)
{
    size_t off = b->len;

    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + len)
            cap *= 2;
        uint8_t *d = realloc(b->data, cap);
        if (!d) {
            f->failed = 1;
            return -1;
        }
        b->data = d;
        b->cap = cap;
    }
    if (data)
        memcpy(b->data + off, data, len);
    else
        memset(b->data + off, 0, len);
    b->len += len;
    return (long)off;
}

static void add_token(struct fdt *f, uint32_t token)
{
    uint8_t be[4];

    put_be32(be, token);
    buf_add(f, &f->dt, be, 4);
}

static void pad4(struct fdt *f)
{
    if (f->dt.len % 4)
        buf_add(f, &f->dt, NULL, 4 - f->dt.len % 4);
}

/* Offset of `name` in the strings block, adding it if new. */
static uint32_t string_offset(struct fdt *f, const char *name)
{
    size_t n = strlen(name) + 1;
    long off;

    for (size_t i = 0; i + n <= f->strings.len; i++)
        if (!memcmp(f->strings.data + i, name, n) &&
            (i == 0 || f->strings.data[i - 1] == '\0'))
            return (uint32_t)i;
    off = buf_add(f, &f->strings, name, n);
    return off < 0 ? 0 : (uint32_t)off;
}

void fdt_init(struct fdt *f)
{
    memset(f, 0, sizeof(*f));
}

void fdt_begin_node(struct fdt *f, const char *name)
{
    add_token(f, FDT_BEGIN_NODE);
    buf_add(f, &f->dt, name, strlen(name) + 1);
    pad4(f);
    f->depth++;
}

void fdt_end_node(struct fdt *f)
{
    if (--f->depth < 0)
        f->failed = 1;
    add_token(f, FDT_END_NODE);
}

void fdt_prop(struct fdt *f, const char *name, const void *data, size_t len)
{
    uint8_t hdr[8];

    put_be32(hdr, (uint32_t)len);
    put_be32(hdr + 4, string_offset(f, name));
    add_token(f, FDT_PROP);
    buf_add(f, &f->dt, hdr, 8);
    if (len)
        buf_add(f, &f->dt, data, len);
    pad4(f);
}

void fdt_prop_empty(struct fdt *f, const char *name)
{
    fdt_prop(f, name, NULL, 0);
}

void fdt_prop_u32(struct fdt *f, const char *name, uint32_t v)
{
    fdt_prop_cells(f, name, &v, 1);
}

void fdt_prop_cells(struct fdt *f, const char *name, const uint32_t *cells, size_t n)
{
    uint8_t be[64];

    if (n > sizeof(be) / 4) {
        f->failed = 1;
        return;
    }
    for (size_t i = 0; i < n; i++)
        put_be32(be + 4 * i, cells[i]);
    fdt_prop(f, name, be, 4 * n);
}

void fdt_prop_str(struct fdt *f, const char *name, const char *s)
{
    fdt_prop(f, name, s, strlen(s) + 1);
}

void fdt_prop_strs(struct fdt *f, const char *name, const char *const *strs, size_t n)
{
    char buf[512];
    size_t len = 0;

    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(strs[i]) + 1;
        if (len + l > sizeof(buf)) {
            f->failed = 1;
            return;
        }
        memcpy(buf + len, strs[i], l);
        len += l;
    }
    fdt_prop(f, name, buf, len);
}

int fdt_finish(struct fdt *f, uint8_t **blob, size_t *len)
{
    const uint32_t rsv = FDT_HEADER_SIZE, off_dt = rsv + 16;
    uint32_t off_str, total;
    uint8_t *b;

    add_token(f, FDT_END);
    off_str = off_dt + (uint32_t)f->dt.len;
    total = off_str + (uint32_t)f->strings.len;
    b = f->failed || f->depth ? NULL : calloc(1, total);
    if (b) {
        uint32_t hdr[10] = {FDT_MAGIC, total, off_dt, off_str, rsv, FDT_VERSION,
                            FDT_LAST_COMP_VERSION, 0, (uint32_t)f->strings.len,
                            (uint32_t)f->dt.len};
        for (unsigned i = 0; i < 10; i++)
            put_be32(b + 4 * i, hdr[i]);
        memcpy(b + off_dt, f->dt.data, f->dt.len);
        memcpy(b + off_str, f->strings.data, f->strings.len);
    }
    free(f->dt.data);
    free(f->strings.data);
    fdt_init(f);
    *blob = b;
    *len = b ? total : 0;
    return b ? 0 : -1;
}
