/*
 * Flattened device tree reader: structural check and DTS printer (fdt.h).
 *
 * One walker serves both: it checks the header (magic, version, block
 * offsets and sizes inside the blob) and every token of the structure block
 * (node names and property data inside the block, property names inside the
 * strings block, balanced nesting, a single root, FDT_END last), printing
 * DTS text as it goes when given a stream.  Property types are guessed the
 * way `dtc -O dts` does: printable NUL-terminated strings, else 32-bit
 * cells, else bytes.
 */
#include <ctype.h>
#include <string.h>

#include "fdt.h"

struct walk {
    const uint8_t *dt, *str;
    uint32_t dt_len, str_len, pos;
    int depth;
    FILE *out;
};

static void indent(const struct walk *w)
{
    for (int i = 0; i < w->depth; i++)
        fputc('\t', w->out);
}

static int is_string_list(const uint8_t *d, uint32_t len)
{
    if (len == 0 || d[len - 1] != '\0' || d[0] == '\0')
        return 0;
    for (uint32_t i = 0; i < len; i++) {
        if (d[i] == '\0' && i + 1 < len && d[i + 1] == '\0')
            return 0;
        if (d[i] && !isprint(d[i]))
            return 0;
    }
    return 1;
}

static void print_value(FILE *out, const uint8_t *d, uint32_t len)
{
    if (len == 0)
        return;
    if (is_string_list(d, len)) {
        fputs(" = \"", out);
        for (uint32_t i = 0; i + 1 < len; i++) {
            if (d[i] == '\0')
                fputs("\", \"", out);
            else if (d[i] == '"' || d[i] == '\\')
                fprintf(out, "\\%c", d[i]);
            else
                fputc(d[i], out);
        }
        fputc('"', out);
    } else if (len % 4 == 0) {
        fputs(" = <", out);
        for (uint32_t i = 0; i < len; i += 4)
            fprintf(out, "%s0x%x", i ? " " : "", fdt_be32(d + i));
        fputc('>', out);
    } else {
        fputs(" = [", out);
        for (uint32_t i = 0; i < len; i++)
            fprintf(out, "%s%02x", i ? " " : "", d[i]);
        fputc(']', out);
    }
}

/* A NUL-terminated string at off inside a block of len bytes? */
static int str_in(const uint8_t *b, uint32_t len, uint32_t off)
{
    return off < len && memchr(b + off, '\0', len - off) != NULL;
}

static int walk_begin(struct walk *w)
{
    const char *name = (const char *)w->dt + w->pos;

    if (!str_in(w->dt, w->dt_len, w->pos) || (w->depth == 0 && *name))
        return -1;
    if (w->out) {
        indent(w);
        fprintf(w->out, "%s {\n", w->depth ? name : "/");
    }
    w->pos = (w->pos + (uint32_t)strlen(name) + 1 + 3) & ~3u;
    w->depth++;
    return 0;
}

static int walk_prop(struct walk *w)
{
    uint32_t len, nameoff;

    if (w->depth == 0 || w->pos + 8 > w->dt_len)
        return -1;
    len = fdt_be32(w->dt + w->pos);
    nameoff = fdt_be32(w->dt + w->pos + 4);
    w->pos += 8;
    if (len > w->dt_len - w->pos || !str_in(w->str, w->str_len, nameoff))
        return -1;
    if (w->out) {
        indent(w);
        fputs((const char *)w->str + nameoff, w->out);
        print_value(w->out, w->dt + w->pos, len);
        fputs(";\n", w->out);
    }
    w->pos = (w->pos + len + 3) & ~3u;
    return 0;
}

/* Walk the tokens; 0 when FDT_END closes a complete tree. */
static int walk_tokens(struct walk *w)
{
    int roots = 0;

    while (w->pos + 4 <= w->dt_len) {
        uint32_t tok = fdt_be32(w->dt + w->pos);
        w->pos += 4;
        if (tok == FDT_BEGIN_NODE) {
            roots += w->depth == 0;
            if (roots > 1 || walk_begin(w))
                return -1;
        } else if (tok == FDT_PROP) {
            if (walk_prop(w))
                return -1;
        } else if (tok == FDT_END_NODE) {
            if (--w->depth < 0)
                return -1;
            if (w->out) {
                indent(w);
                fputs("};\n", w->out);
            }
        } else if (tok == FDT_END) {
            return w->depth == 0 && roots == 1 ? 0 : -1;
        } else if (tok != FDT_NOP) {
            return -1;
        }
    }
    return -1;
}

static int walk_blob(const uint8_t *blob, size_t len, FILE *out)
{
    struct walk w = {.out = out};
    uint32_t total, off_dt, off_str;

    if (len < FDT_HEADER_SIZE || fdt_be32(blob) != FDT_MAGIC)
        return -1;
    total = fdt_be32(blob + 4);
    off_dt = fdt_be32(blob + 8);
    off_str = fdt_be32(blob + 12);
    w.str_len = fdt_be32(blob + 32);
    w.dt_len = fdt_be32(blob + 36);
    if (total > len || fdt_be32(blob + 20) < FDT_LAST_COMP_VERSION || off_dt % 4 ||
        off_dt > total || w.dt_len > total - off_dt || off_str > total ||
        w.str_len > total - off_str)
        return -1;
    w.dt = blob + off_dt;
    w.str = blob + off_str;
    if (out)
        fputs("/dts-v1/;\n\n", out);
    return walk_tokens(&w);
}

int fdt_check(const uint8_t *blob, size_t len)
{
    return walk_blob(blob, len, NULL);
}

int fdt_to_dts(const uint8_t *blob, size_t len, FILE *out)
{
    if (fdt_check(blob, len))
        return -1;
    return walk_blob(blob, len, out);
}
