/*
 * Minimal flattened device tree reader.  One linear pass over the structure
 * block (no recursion) tracks, for each open node, what kind of node it is:
 * /chosen, /cpus, a cpu@ node under /cpus, or the first /memory node.  From
 * them it takes bootargs, the okay cpus and their reg (hart id),
 * timebase-frequency and the first memory region (using the root's
 * #address-cells and #size-cells).  Every read is bounds checked.
 */
#include <stddef.h>

#include "fdt.h"
#include "lib.h"

#define FDT_MAGIC 0xd00dfeedu
#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE 2u
#define FDT_PROP 3u
#define FDT_NOP 4u
#define FDT_END 9u
#define FDT_MAX_DEPTH 16

enum node_kind { NODE_OTHER, NODE_ROOT, NODE_CHOSEN, NODE_CPUS, NODE_CPU, NODE_MEMORY };

struct walker {
    const uint8_t *strings;
    uint32_t strings_size;
    enum node_kind kind[FDT_MAX_DEPTH];
    int depth;
    uint32_t root_addr_cells, root_size_cells, cpus_addr_cells;
    bool cpu_okay;
    uint64_t cpu_reg;
    bool memory_done;
    struct fdt_info *out;
};

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Reads a value of `cells` 32-bit cells (1 or 2) from p. */
static uint64_t read_cells(const uint8_t *p, uint32_t cells)
{
    return cells >= 2 ? (uint64_t)be32(p) << 32 | be32(p + 4) : be32(p);
}

/* True if the property value is a NUL-terminated string. */
static bool is_string(const uint8_t *val, uint32_t len)
{
    return len > 0 && val[len - 1] == '\0';
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static enum node_kind classify(const struct walker *w, const char *name)
{
    enum node_kind parent = w->depth > 0 ? w->kind[w->depth - 1] : NODE_OTHER;

    if (w->depth == 0)
        return NODE_ROOT;
    if (parent == NODE_ROOT) {
        if (strcmp(name, "chosen") == 0)
            return NODE_CHOSEN;
        if (strcmp(name, "cpus") == 0)
            return NODE_CPUS;
        if (!w->memory_done && (strcmp(name, "memory") == 0 || starts_with(name, "memory@")))
            return NODE_MEMORY;
    }
    if (parent == NODE_CPUS && (strcmp(name, "cpu") == 0 || starts_with(name, "cpu@")))
        return NODE_CPU;
    return NODE_OTHER;
}

static void begin_node(struct walker *w, const char *name)
{
    enum node_kind k = classify(w, name);

    if (k == NODE_CPU) {
        w->cpu_okay = true;
        w->cpu_reg = w->out->ncpus;
    }
    if (w->depth < FDT_MAX_DEPTH)
        w->kind[w->depth] = k;
    w->depth++;
}

static void end_node(struct walker *w)
{
    if (w->depth <= 0)
        return;
    w->depth--;
    if (w->depth >= FDT_MAX_DEPTH)
        return;
    if (w->kind[w->depth] == NODE_CPU && w->cpu_okay) {
        if (w->out->ncpus < FDT_MAX_CPUS)
            w->out->hartids[w->out->ncpus] = w->cpu_reg;
        w->out->ncpus++;
    }
    if (w->kind[w->depth] == NODE_MEMORY)
        w->memory_done = true;
}

static void cpu_prop(struct walker *w, const char *name, const uint8_t *val, uint32_t len)
{
    if (strcmp(name, "status") == 0)
        w->cpu_okay = is_string(val, len) &&
                      (strcmp((const char *)val, "okay") == 0 ||
                       strcmp((const char *)val, "ok") == 0);
    else if (strcmp(name, "reg") == 0 && len >= 4 * w->cpus_addr_cells)
        w->cpu_reg = read_cells(val, w->cpus_addr_cells);
    else if (strcmp(name, "timebase-frequency") == 0 && len >= 4 && w->out->timebase_hz == 0)
        w->out->timebase_hz = read_cells(val, len >= 8 ? 2 : 1);
}

static void property(struct walker *w, const char *name, const uint8_t *val, uint32_t len)
{
    enum node_kind k = NODE_OTHER;
    uint32_t reg_len = 4 * (w->root_addr_cells + w->root_size_cells);

    if (w->depth > 0 && w->depth <= FDT_MAX_DEPTH)
        k = w->kind[w->depth - 1];
    if (k == NODE_ROOT && strcmp(name, "#address-cells") == 0 && len >= 4)
        w->root_addr_cells = be32(val);
    else if (k == NODE_ROOT && strcmp(name, "#size-cells") == 0 && len >= 4)
        w->root_size_cells = be32(val);
    else if (k == NODE_CHOSEN && strcmp(name, "bootargs") == 0 && is_string(val, len))
        w->out->bootargs = (const char *)val;
    else if (k == NODE_CPUS && strcmp(name, "#address-cells") == 0 && len >= 4)
        w->cpus_addr_cells = be32(val);
    else if (k == NODE_CPUS && strcmp(name, "timebase-frequency") == 0 && len >= 4)
        w->out->timebase_hz = read_cells(val, len >= 8 ? 2 : 1);
    else if (k == NODE_CPU)
        cpu_prop(w, name, val, len);
    else if (k == NODE_MEMORY && strcmp(name, "reg") == 0 && len >= reg_len) {
        w->out->mem_base = read_cells(val, w->root_addr_cells);
        w->out->mem_size = read_cells(val + 4 * w->root_addr_cells, w->root_size_cells);
    }
}

/* Length of a NUL-terminated string inside [p, end), or -1 if unterminated. */
static long bounded_strlen(const uint8_t *p, const uint8_t *end)
{
    for (const uint8_t *q = p; q < end; q++) {
        if (*q == '\0')
            return q - p;
    }
    return -1;
}

static bool walk(struct walker *w, const uint8_t *p, const uint8_t *end)
{
    while (p + 4 <= end) {
        uint32_t token = be32(p);
        p += 4;
        if (token == FDT_BEGIN_NODE) {
            long n = bounded_strlen(p, end);
            if (n < 0)
                return false;
            begin_node(w, (const char *)p);
            p += ((size_t)n + 4) & ~(size_t)3;
        } else if (token == FDT_END_NODE) {
            end_node(w);
        } else if (token == FDT_PROP) {
            if (p + 8 > end)
                return false;
            uint32_t len = be32(p), nameoff = be32(p + 4);
            p += 8;
            if (len > (size_t)(end - p) || nameoff >= w->strings_size)
                return false;
            const char *name = (const char *)w->strings + nameoff;
            if (bounded_strlen(w->strings + nameoff, w->strings + w->strings_size) < 0)
                return false;
            property(w, name, p, len);
            p += ((size_t)len + 3) & ~(size_t)3;
        } else if (token == FDT_END) {
            return true;
        } else if (token != FDT_NOP) {
            return false;
        }
    }
    return false;
}

bool fdt_parse(const void *dtb, struct fdt_info *out)
{
    const uint8_t *base = dtb;
    struct walker w;

    memset(out, 0, sizeof *out);
    if (base == NULL || be32(base) != FDT_MAGIC)
        return false;
    uint32_t total = be32(base + 4), off_struct = be32(base + 8);
    uint32_t off_strings = be32(base + 12), size_strings = be32(base + 32);
    uint32_t size_struct = be32(base + 36);
    if (off_struct > total || size_struct > total - off_struct ||
        off_strings > total || size_strings > total - off_strings)
        return false;

    memset(&w, 0, sizeof w);
    w.strings = base + off_strings;
    w.strings_size = size_strings;
    w.root_addr_cells = 2;
    w.root_size_cells = 1;
    w.cpus_addr_cells = 1;
    w.out = out;
    return walk(&w, base + off_struct, base + off_struct + size_struct);
}
