/*
 * Just enough of a flattened device tree reader for the hypervisor: one
 * property of a top-level node (e.g. /chosen/rng-seed).  Bounds-checked
 * against the blob's own sizes; anything malformed reads as "absent".
 */
#include <core/fdt.h>
#include <core/lib.h>

#define FDT_MAGIC 0xd00dfeedu
#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE 2u
#define FDT_PROP 3u
#define FDT_NOP 4u
#define FDT_END 9u

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t align4(uint32_t v)
{
    return (v + 3u) & ~3u;
}

const void *fdt_top_prop(const void *blob, const char *node, const char *prop, uint32_t *len)
{
    const uint8_t *b = blob;
    if (b == NULL || be32(b) != FDT_MAGIC) {
        return NULL;
    }
    uint32_t total = be32(b + 4), off = be32(b + 8), strs = be32(b + 12), end = off + be32(b + 36);
    if (end > total || strs > total) {
        return NULL;
    }
    uint32_t depth = 0;
    bool in_node = false;
    while (off + 4 <= end) {
        uint32_t tag = be32(b + off);
        off += 4;
        if (tag == FDT_BEGIN_NODE) {
            const char *name = (const char *)b + off;
            size_t n = strlen(name);
            depth++;
            in_node = depth == 2 && strncmp(name, node, n + 1) == 0;
            off += align4((uint32_t)n + 1);
        } else if (tag == FDT_END_NODE) {
            depth--;
            in_node = false;
        } else if (tag == FDT_PROP && off + 8 <= end) {
            uint32_t plen = be32(b + off), name_off = be32(b + off + 4);
            const char *pname = (const char *)b + strs + name_off;
            if (in_node && strs + name_off < total && strncmp(pname, prop, strlen(prop) + 1) == 0 &&
                off + 8 + plen <= end) {
                *len = plen;
                return b + off + 8;
            }
            off += 8 + align4(plen);
        } else if (tag != FDT_NOP) {
            break;
        }
    }
    return NULL;
}
