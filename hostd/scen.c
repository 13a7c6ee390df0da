/*
 * Scenario lookup for vhd (see scen.h).
 */
#include "scen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario.h"

/* Where scenarios live under the source tree, in lookup order: the same
 * folders the build compiles into BUILD/target/scenarios/vh-NAME.elf
 * (scenarios/CMakeLists.txt), so every image the build makes is found. */
static const char *const vhd__scen_dirs[] = {"scenarios", "tests/qemu/scenarios",
                                             "tests/bench/scenarios"};
#define VHD__SCEN_NDIRS (sizeof(vhd__scen_dirs) / sizeof(vhd__scen_dirs[0]))

static int vhd__scen_path(const char *src, const char *name, char *out, size_t cap)
{
    for (size_t i = 0; i < VHD__SCEN_NDIRS; i++) {
        snprintf(out, cap, "%s/%s/%s.vhs", src, vhd__scen_dirs[i], name);
        if (access(out, R_OK) == 0)
            return 0;
    }
    return -1;
}

/* "no scenario 'x': looked for S/scenarios/x.vhs, ... and S/.../x.vhs" */
static void vhd__scen_missing(const char *src, const char *name, char *why, size_t wl)
{
    int n = snprintf(why, wl, "no scenario '%s': looked for", name);
    for (size_t i = 0; i < VHD__SCEN_NDIRS && n >= 0 && (size_t)n < wl; i++)
        n += snprintf(why + n, wl - (size_t)n, "%s %s/%s/%s.vhs",
                      i == 0 ? "" : i + 1 == VHD__SCEN_NDIRS ? " and" : ",", src,
                      vhd__scen_dirs[i], name);
}

/* The ELF holding the symbols of an ADU's image (the scenario names the
 * raw .bin or a registered image name; the build keeps the .elf beside). */
static void vhd__scen_image(const struct vhs_adu *a, const char *build, char *out, size_t cap)
{
    out[0] = 0;
    const char *ref = a->image_ref;
    if (!ref)
        return;
    if (strcmp(ref, "bareos") == 0) {
        snprintf(out, cap, "%s/target/bareos/bareos.elf", build);
        return;
    }
    const char *p = a->image_path ? a->image_path : ref;
    size_t n = strlen(p);
    if (n > 4 && strcmp(p + n - 4, ".bin") == 0 && n < cap) {
        snprintf(out, cap, "%.*s.elf", (int)(n - 4), p);
        if (access(out, R_OK) == 0)
            return;
    }
    snprintf(out, cap, "%s", p);
}

int vhd_scen_load(const char *src, const char *build, const char *name, struct vhd_scen_info *o,
                  char *why, size_t wl)
{
    memset(o, 0, sizeof(*o));
    if (vhd__scen_path(src, name, o->file, sizeof(o->file))) {
        vhd__scen_missing(src, name, why, wl);
        return -1;
    }
    vhd_scen_elf_path(build, name, o->hv_elf, sizeof(o->hv_elf));
    struct vhs_options opt;
    vhs_options_init(&opt);
    opt.skip_images = 1;
    struct vhs_scenario *s = calloc(1, sizeof(*s));
    if (!s) {
        snprintf(why, wl, "out of memory");
        return -1;
    }
    int rc = 0;
    if (vhs_load(s, o->file, &opt)) {
        snprintf(why, wl, "scenario %s: %s", o->file, s->diag.n ? s->diag.msg[0] : "invalid");
        rc = -1;
    } else {
        o->ncpus = s->cfg.ncpus;
        o->nadus = s->nadus < VHD_SCEN_MAX_ADUS ? s->nadus : VHD_SCEN_MAX_ADUS;
        for (unsigned i = 0; i < o->nadus; i++) {
            snprintf(o->adu[i], sizeof(o->adu[i]), "%s", s->adu[i].cfg->name);
            vhd__scen_image(&s->adu[i], build, o->image[i], sizeof(o->image[i]));
        }
    }
    vhs_free(s);
    free(s);
    vhs_options_free(&opt);
    return rc;
}

void vhd_scen_elf_path(const char *build, const char *name, char *out, size_t cap)
{
    snprintf(out, cap, "%s/target/scenarios/vh-%s.elf", build, name);
}

int vhd_scen_find_adu(const struct vhd_scen_info *s, const char *adu)
{
    for (unsigned i = 0; i < s->nadus; i++)
        if (strcmp(s->adu[i], adu) == 0)
            return (int)i;
    return -1;
}
