/*
 * vhcfg: the vh scenario compiler.
 *
 *   vhcfg [--out-c FILE --out-s FILE] [--image NAME=PATH]... [--ram-pool
 *         BASE:SIZE] [--max-cpus N] [--dts DIR] [--check] [--print]
 *         SCENARIO.vhs
 *
 * Loads and checks the scenario with vhscen (every error is reported, as
 * FILE:LINE: adu 'NAME': FIELD: ...), builds each ADU's device tree, and
 * writes the C and assembly files the hypervisor build compiles in (see
 * emit.c), plus DTS text per ADU with --dts.  Outputs appear all together
 * or not at all.  Exit status: 0 on success, 1 on any error.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "fdt.h"
#include "scen_internal.h"

struct args {
    struct vhs_options opt;
    const char *out_c, *out_s, *dts_dir, *scenario;
    int check, print;
};

static void usage(FILE *out)
{
    fputs("usage: vhcfg [options] SCENARIO.vhs\n"
          "  --out-c FILE        write the C configuration (with --out-s)\n"
          "  --out-s FILE        write the assembly embedding images and DTBs\n"
          "  --image NAME=PATH   an image the scenario may name (repeatable)\n"
          "  --ram-pool BASE:SIZE  host RAM for ADUs (default 0x81000000:0x1ec00000)\n"
          "  --max-cpus N        physical CPUs available (default 8)\n"
          "  --dts DIR           also write DIR/SCENARIO-ADU.dts per ADU\n"
          "  --check             validate only, write nothing\n"
          "  --print             print a summary of the placed scenario\n",
          out);
}

static int parse_max_cpus(struct args *a, const char *v)
{
    uint64_t n;

    if (scen_parse_u64(v, &n) || n < 1 || n > VH_MAX_CPUS) {
        fprintf(stderr, "vhcfg: --max-cpus '%s': use a number from 1 to %d\n", v,
                VH_MAX_CPUS);
        return -1;
    }
    a->opt.max_cpus = (uint32_t)n;
    return 0;
}

/* One option; 0 or -1 (message printed). */
static int parse_option(struct args *a, int c, const char *v)
{
    char why[512];

    switch (c) {
    case 'c': a->out_c = v; return 0;
    case 's': a->out_s = v; return 0;
    case 'd': a->dts_dir = v; return 0;
    case 'k': a->check = 1; return 0;
    case 'p': a->print = 1; return 0;
    case 'm': return parse_max_cpus(a, v);
    case 'i':
        if (!vhs_options_add_image(&a->opt, v, why, sizeof(why)))
            return 0;
        break;
    case 'r':
        if (!vhs_parse_pool(v, &a->opt.pool_base, &a->opt.pool_size, why, sizeof(why)))
            return 0;
        break;
    case 'h': usage(stdout); exit(0);
    default: usage(stderr); return -1;
    }
    fprintf(stderr, "vhcfg: %s\n", why);
    return -1;
}

static int parse_args(struct args *a, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"out-c", 1, NULL, 'c'},    {"out-s", 1, NULL, 's'},
        {"image", 1, NULL, 'i'},    {"ram-pool", 1, NULL, 'r'},
        {"max-cpus", 1, NULL, 'm'}, {"dts", 1, NULL, 'd'},
        {"check", 0, NULL, 'k'},    {"print", 0, NULL, 'p'},
        {"help", 0, NULL, 'h'},     {NULL, 0, NULL, 0}};
    int c, bad = 0;

    vhs_options_init(&a->opt);
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1)
        bad |= parse_option(a, c, optarg);
    if (bad)
        return -1;
    if (optind != argc - 1) {
        fprintf(stderr, "vhcfg: give exactly one scenario file\n");
        usage(stderr);
        return -1;
    }
    a->scenario = argv[optind];
    if (!a->out_c != !a->out_s) {
        fprintf(stderr, "vhcfg: --out-c and --out-s go together (the C file "
                "names symbols the assembly defines); give both\n");
        return -1;
    }
    return 0;
}

/* Each ADU's DTB into ctx, and its size into s. */
static int build_dtbs(struct vhs_scenario *s, struct emit_ctx *ctx)
{
    for (unsigned i = 0; i < s->nadus; i++) {
        if (vhs_adu_dtb(s, i, &ctx->dtb[i], &ctx->dtb_len[i]) ||
            ctx->dtb_len[i] > VHS_DTB_AREA) {
            fprintf(stderr, "%s: adu '%s': cannot build the device tree (out of "
                    "memory or over 2 MiB)\n", s->file, s->cfg.adu[i].name);
            return -1;
        }
        s->cfg.adu[i].dtb_size = ctx->dtb_len[i];
    }
    return 0;
}

/* The list of files to write: C + S, and one DTS per ADU with --dts. */
static unsigned plan_files(const struct args *a, const struct vhs_scenario *s,
                           struct emit_file *files, char dts_paths[][4096])
{
    unsigned n = 0;

    if (a->out_c) {
        files[n++] = (struct emit_file){.path = a->out_c, .fn = emit_c};
        files[n++] = (struct emit_file){.path = a->out_s, .fn = emit_s};
    }
    for (unsigned i = 0; a->dts_dir && i < s->nadus; i++) {
        snprintf(dts_paths[i], 4096, "%s/%s-%s.dts", a->dts_dir, s->cfg.name,
                 s->cfg.adu[i].name);
        files[n++] = (struct emit_file){.path = dts_paths[i], .fn = emit_dts, .arg = i};
    }
    return n;
}

static int run(const struct args *a, struct vhs_scenario *s)
{
    struct emit_ctx ctx = {.s = s};
    struct emit_file files[2 + VH_MAX_ADUS];
    static char dts_paths[VH_MAX_ADUS][4096];
    int rc = build_dtbs(s, &ctx);

    if (!rc && a->print)
        vhs_print_summary(s, stdout);
    if (!rc && !a->check)
        rc = emit_files(&ctx, files, plan_files(a, s, files, dts_paths));
    for (unsigned i = 0; i < s->nadus; i++)
        free(ctx.dtb[i]);
    return rc;
}

int main(int argc, char **argv)
{
    struct args a = {0};
    struct vhs_scenario s;
    int rc;

    if (parse_args(&a, argc, argv)) {
        vhs_options_free(&a.opt);
        return 1;
    }
    if (vhs_load(&s, a.scenario, &a.opt)) {
        vhs_print_diag(&s, stderr);
        vhs_free(&s);
        vhs_options_free(&a.opt);
        return 1;
    }
    rc = run(&a, &s);
    vhs_free(&s);
    vhs_options_free(&a.opt);
    return rc ? 1 : 0;
}
