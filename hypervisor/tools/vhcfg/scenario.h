/*
 * vhscen: read, check and place a vh scenario (.vhs) on the host.
 *
 * A scenario is an INI-like text file with one [machine] section and one
 * [adu NAME] section per ADU.  vhs_load() parses it, converts every value,
 * checks the whole scenario (sizes, overlaps, reservations, images, device
 * and capability names, messaging links) and places each ADU's RAM in the
 * host RAM pool.  The result is a `struct vh_cfg` exactly as the hypervisor
 * will consume it (the image and DTB pointers stay NULL: the emitter fills
 * them in with symbols) plus what only the host needs: resolved image paths,
 * bootargs and the line of every key, for messages.
 *
 * Errors are collected, not fatal: each is one line of the form
 *   FILE:LINE: adu 'NAME': FIELD: what is wrong; what would be right
 * (or "FILE:LINE: machine: FIELD: ..." or "FILE: ..." when no line applies).
 * Used by vhcfg (the scenario compiler) and the host daemon (to find each
 * ADU's image).
 */
#ifndef VH_SCENARIO_H
#define VH_SCENARIO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <vh/config.h>

#define VHS_MAX_IMAGES 32   /* --image NAME=PATH entries */
#define VHS_MAX_KEYS 24     /* keys kept per section (more than are known) */
#define VHS_MAX_DIAGS 64    /* messages kept; further ones are only counted */
#define VHS_DTB_AREA 0x200000ULL /* at the end of each ADU's RAM */

#define VHS_DEFAULT_POOL_BASE 0x81000000ULL
#define VHS_DEFAULT_POOL_SIZE 0x1ec00000ULL

/* A named image given on the command line (--image NAME=PATH). */
struct vhs_image {
    const char *name;
    const char *path;
};

/* What the caller knows that the scenario file does not. */
struct vhs_options {
    uint64_t pool_base;   /* host physical RAM the ADUs may be placed in */
    uint64_t pool_size;
    uint32_t max_cpus;    /* 1..VH_MAX_CPUS */
    unsigned nimages;
    struct vhs_image images[VHS_MAX_IMAGES];
    int skip_images;      /* 1: do not open images (sizes stay 0, no fit check) */
};

/* One `key = value` line as written. */
struct vhs_kv {
    char *key;
    char *value;
    unsigned line;
};

/* The keys of one section, in file order (duplicates and unknowns dropped). */
struct vhs_keys {
    unsigned n;
    struct vhs_kv kv[VHS_MAX_KEYS];
};

/* One ADU as the host sees it.  Do not copy a vhs_scenario: cfg points into it. */
struct vhs_adu {
    struct vh_cfg_adu *cfg; /* points into vhs_scenario.cfg.adu[] */
    unsigned line;          /* line of the [adu NAME] header */
    struct vhs_keys keys;
    int address_fixed;      /* 1: `address` given, 0: placed by first fit */
    char *image_ref;        /* `image` as written (NAME or path), NULL if missing */
    char *image_path;       /* resolved path (absolute), NULL if unresolved */
    char *bootargs;         /* NULL if not given */
};

struct vhs_diag {
    unsigned n;             /* messages kept in msg[] */
    unsigned dropped;       /* further messages counted but not kept */
    char *msg[VHS_MAX_DIAGS];  /* sorted by line (file-wide ones first) */
    unsigned line[VHS_MAX_DIAGS]; /* line of msg[i], 0 if none */
};

struct vhs_scenario {
    char *file;             /* scenario path as given (used in messages) */
    char *dir;              /* its directory, absolute: base of relative image paths */
    struct vh_cfg cfg;      /* what the hypervisor gets (pointers NULL) */
    unsigned machine_line;  /* line of [machine], 0 if absent */
    struct vhs_keys machine;
    unsigned nadus;         /* == cfg.nadus */
    struct vhs_adu adu[VH_MAX_ADUS];
    struct vhs_diag diag;
};

/* Defaults: pool 0x81000000:0x1ec00000, VH_MAX_CPUS CPUs, no images. */
void vhs_options_init(struct vhs_options *opt);

/* Release what vhs_options_add_image allocated. */
void vhs_options_free(struct vhs_options *opt);

/*
 * Add an image from "NAME=PATH" (as --image takes it).  Returns 0, or -1
 * with a message in why[] (syntax, duplicate name, table full).
 */
int vhs_options_add_image(struct vhs_options *opt, const char *arg, char *why,
                          size_t why_len);

/* Parse "BASE:SIZE" (as --ram-pool takes it); 0 or -1 with why[]. */
int vhs_parse_pool(const char *arg, uint64_t *base, uint64_t *size, char *why,
                   size_t why_len);

/*
 * Read, check and place the scenario at `path`.  Always initialises *s
 * (release it with vhs_free).  Returns the number of errors (0: *s is
 * complete and consistent); the messages are in s->diag.
 */
unsigned vhs_load(struct vhs_scenario *s, const char *path,
                  const struct vhs_options *opt);

/* As vhs_load, with the text given; `path` is used for messages and as the
 * base of relative image paths. */
unsigned vhs_load_text(struct vhs_scenario *s, const char *path, const char *text,
                       const struct vhs_options *opt);

void vhs_free(struct vhs_scenario *s);

/* Print every message (one per line) and a "N more" note if some were dropped. */
void vhs_print_diag(const struct vhs_scenario *s, FILE *out);

/* Index of the ADU called `name`, or -1. */
int vhs_find_adu(const struct vhs_scenario *s, const char *name);

/*
 * Build ADU `idx`'s flattened device tree (DTB v17).  On success returns 0
 * and a malloc'd blob in *blob (free it); -1 on out of memory.
 */
int vhs_adu_dtb(const struct vhs_scenario *s, unsigned idx, uint8_t **blob,
                size_t *len);

/* Print a human summary of the placed scenario (for vhcfg --print). */
void vhs_print_summary(const struct vhs_scenario *s, FILE *out);

#endif /* VH_SCENARIO_H */
