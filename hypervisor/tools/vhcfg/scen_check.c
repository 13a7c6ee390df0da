/*
 * vhscen phase 3: checks across the whole scenario, images and placement.
 *
 * - machine: at least one ADU, limits consistent with each other;
 * - images: each ADU's `image` names an --image or a file, which must be
 *   readable and fit: it is loaded at RAM + VH_GUEST_IMAGE_OFFSET and the
 *   last VHS_DTB_AREA bytes of RAM hold the device tree (dtb_gpa);
 * - entry inside the image; reservations summing to at most rt_limit;
 * - placement: ADUs with `address` are checked against the pool and each
 *   other, then the rest are placed first fit, in file order, 2 MiB aligned.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scen_internal.h"

static void check_machine(struct vhs_scenario *s)
{
    const struct vh_cfg *c = &s->cfg;
    char a[16], b[16], m[16], r[16];

    if (s->nadus == 0)
        scen_err_file(s, 0, "no ADUs; add at least one [adu NAME] section");
    if (c->hv_margin_ppm >= c->cpu_limit_ppm)
        scen_err_machine(s, "hv_margin", "%s is not below cpu_limit %s; keep "
                         "hv_margin well under cpu_limit (default 2%%)",
                         scen_fmt_ppm(c->hv_margin_ppm, m, sizeof(m)),
                         scen_fmt_ppm(c->cpu_limit_ppm, b, sizeof(b)));
    else if (c->rt_limit_ppm > c->cpu_limit_ppm - c->hv_margin_ppm)
        scen_err_machine(s, "rt_limit", "%s is more than the CPUs can admit "
                         "(cpu_limit %s - hv_margin %s); use at most %s",
                         scen_fmt_ppm(c->rt_limit_ppm, a, sizeof(a)),
                         scen_fmt_ppm(c->cpu_limit_ppm, b, sizeof(b)),
                         scen_fmt_ppm(c->hv_margin_ppm, m, sizeof(m)),
                         scen_fmt_ppm(c->cpu_limit_ppm - c->hv_margin_ppm, r,
                                      sizeof(r)));
}

/* ---- images ------------------------------------------------------------ */

static char *join_path(const char *dir, const char *rel)
{
    char buf[PATH_MAX * 2];

    snprintf(buf, sizeof(buf), "%s/%s", dir, rel);
    return scen_strdup(buf);
}

/* `image` to a path: an --image name, else a file (relative to the scenario). */
static char *image_lookup(const struct vhs_scenario *s, const struct vhs_adu *a,
                          const struct vhs_options *opt)
{
    const char *ref = a->image_ref;
    char *path;

    for (unsigned i = 0; i < opt->nimages; i++)
        if (!strcmp(opt->images[i].name, ref))
            return scen_strdup(opt->images[i].path);
    if (ref[0] == '/')
        return scen_strdup(ref);
    path = join_path(s->dir, ref);
    if (strchr(ref, '/') || access(path, F_OK) == 0)
        return path;
    free(path);
    return NULL;
}

static void image_unknown(struct vhs_scenario *s, const struct vhs_adu *a,
                          const struct vhs_options *opt)
{
    char names[512] = "none";
    unsigned n = 0;

    for (unsigned i = 0; i < opt->nimages && n < sizeof(names); i++)
        n += (unsigned)snprintf(names + n, sizeof(names) - n, "%s%s",
                                i ? ", " : "", opt->images[i].name);
    scen_err_adu(s, a, "image", "'%s' is neither an --image name nor a file "
                 "next to the scenario; pass --image %s=PATH or give a path "
                 "(--image names: %s)", a->image_ref, a->image_ref, names);
}

/* Resolve, open and size ADU a's image; 0 on success. */
static int image_open(struct vhs_scenario *s, struct vhs_adu *a,
                      const struct vhs_options *opt)
{
    char *path = image_lookup(s, a, opt), abs[PATH_MAX];
    struct stat st;
    int fd;

    if (!path) {
        image_unknown(s, a, opt);
        return -1;
    }
    fd = open(path, O_RDONLY);
    if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size == 0) {
        const char *why = fd < 0 ? strerror(errno) : !S_ISREG(st.st_mode)
                                                         ? "not a regular file"
                                                         : "empty file";
        scen_err_adu(s, a, "image", "cannot use '%s': %s; give a readable, "
                     "non-empty guest binary", path, why);
        if (fd >= 0)
            close(fd);
        free(path);
        return -1;
    }
    close(fd);
    a->image_path = scen_strdup(realpath(path, abs) ? abs : path);
    a->cfg->image_size = (uint64_t)st.st_size;
    free(path);
    return 0;
}

/* The image and the DTB area must fit in RAM; entry inside the image. */
static void image_fit(struct vhs_scenario *s, struct vhs_adu *a)
{
    struct vh_cfg_adu *c = a->cfg;
    uint64_t room = c->ram_size - VH_GUEST_IMAGE_OFFSET - VHS_DTB_AREA;
    uint64_t need = VH_GUEST_IMAGE_OFFSET + c->image_size + VHS_DTB_AREA;
    uint64_t start = VH_GUEST_RAM_GPA + VH_GUEST_IMAGE_OFFSET;
    char img[32], ram[32], rm[32];

    if (c->image_size > room) {
        need = (need + 2 * MIB - 1) & ~(2 * MIB - 1);
        scen_err_adu(s, a, "image", "'%s' is %s (%llu bytes) but memory %s "
                     "leaves %s for it (2 MiB before the image, 2 MiB for the "
                     "device tree at the end); raise memory to at least %lluM",
                     a->image_path, scen_fmt_size(c->image_size, img, sizeof(img)),
                     (unsigned long long)c->image_size,
                     scen_fmt_size(c->ram_size, ram, sizeof(ram)),
                     scen_fmt_size(room, rm, sizeof(rm)),
                     (unsigned long long)(need / MIB));
    }
    if (c->entry_gpa < start || c->entry_gpa >= start + c->image_size)
        scen_err_adu(s, a, "entry", "0x%llx is outside the image (0x%llx..0x%llx); "
                     "give an address inside it, or leave entry out for 0x%llx",
                     (unsigned long long)c->entry_gpa, (unsigned long long)start,
                     (unsigned long long)(start + c->image_size),
                     (unsigned long long)start);
}

static void check_images(struct vhs_scenario *s, const struct vhs_options *opt)
{
    for (unsigned i = 0; i < s->nadus; i++) {
        struct vhs_adu *a = &s->adu[i];
        if (a->cfg->ram_size)
            a->cfg->dtb_gpa = VH_GUEST_RAM_GPA + a->cfg->ram_size - VHS_DTB_AREA;
        if (!a->image_ref || opt->skip_images || image_open(s, a, opt))
            continue;
        if (a->cfg->ram_size)
            image_fit(s, a);
    }
}

/* ---- reservations -------------------------------------------------------- */

static void check_reserve(struct vhs_scenario *s)
{
    uint32_t sum = 0;
    char list[512] = "", a[16], b[16];
    unsigned n = 0;

    for (unsigned i = 0; i < s->nadus; i++) {
        const struct vh_cfg_adu *c = &s->cfg.adu[i];
        sum += c->reserve_ppm;
        if (c->reserve_ppm && n < sizeof(list))
            n += (unsigned)snprintf(list + n, sizeof(list) - n, "%s%s %s",
                                    n ? " + " : "", c->name,
                                    scen_fmt_ppm(c->reserve_ppm, a, sizeof(a)));
        if (sum > s->cfg.rt_limit_ppm) {
            scen_err_adu(s, &s->adu[i], "reserve", "reservations sum to %s (%s), "
                         "over rt_limit %s; lower them to at most %s in total",
                         scen_fmt_ppm(sum, a, sizeof(a)), list,
                         scen_fmt_ppm(s->cfg.rt_limit_ppm, b, sizeof(b)), b);
            return;
        }
    }
}

/* ---- placement ----------------------------------------------------------- */

struct pool {
    uint64_t base, end;          /* 2 MiB aligned */
    unsigned n;                  /* placed ADUs, sorted by ram_hpa */
    const struct vhs_adu *by_addr[VH_MAX_ADUS];
};

static void pool_insert(struct pool *p, const struct vhs_adu *a)
{
    unsigned i = p->n++;

    while (i > 0 && p->by_addr[i - 1]->cfg->ram_hpa > a->cfg->ram_hpa) {
        p->by_addr[i] = p->by_addr[i - 1];
        i--;
    }
    p->by_addr[i] = a;
}

static void place_fixed(struct vhs_scenario *s, struct pool *p, struct vhs_adu *a)
{
    const struct vh_cfg_adu *c = a->cfg;
    uint64_t end = c->ram_hpa + c->ram_size;

    if (c->ram_hpa < p->base || end > p->end || end < c->ram_hpa) {
        scen_err_adu(s, a, "address", "0x%llx..0x%llx is outside the RAM pool "
                     "0x%llx..0x%llx; pick a 2 MiB aligned address inside it, "
                     "leave address out, or change --ram-pool",
                     (unsigned long long)c->ram_hpa, (unsigned long long)end,
                     (unsigned long long)p->base, (unsigned long long)p->end);
        return;
    }
    for (unsigned i = 0; i < p->n; i++) {
        const struct vh_cfg_adu *o = p->by_addr[i]->cfg;
        if (c->ram_hpa < o->ram_hpa + o->ram_size && o->ram_hpa < end) {
            scen_err_adu(s, a, "address", "memory 0x%llx..0x%llx overlaps adu "
                         "'%s' at 0x%llx..0x%llx (line %u); move one of them or "
                         "leave address out", (unsigned long long)c->ram_hpa,
                         (unsigned long long)end, o->name,
                         (unsigned long long)o->ram_hpa,
                         (unsigned long long)(o->ram_hpa + o->ram_size),
                         p->by_addr[i]->line);
            return;
        }
    }
    pool_insert(p, a);
}

/* First fit: lowest free gap of `size` into *at (1 if found).  Also sums
 * the free space and finds the largest gap, for the message. */
static int pool_find(const struct pool *p, uint64_t size, uint64_t *at,
                     uint64_t *free_sum, uint64_t *largest)
{
    uint64_t cur = p->base;
    int found = 0;

    *free_sum = *largest = 0;
    for (unsigned i = 0; i <= p->n; i++) {
        const struct vh_cfg_adu *o = i < p->n ? p->by_addr[i]->cfg : NULL;
        uint64_t next = o ? o->ram_hpa : p->end;
        uint64_t gap = next > cur ? next - cur : 0;
        *free_sum += gap;
        if (gap > *largest)
            *largest = gap;
        if (!found && gap >= size) {
            *at = cur;
            found = 1;
        }
        if (o && o->ram_hpa + o->ram_size > cur)
            cur = o->ram_hpa + o->ram_size;
    }
    return found;
}

static void place_auto(struct vhs_scenario *s, struct pool *p, struct vhs_adu *a)
{
    uint64_t at, free_sum, largest;
    char need[32], fr[32], lg[32];

    if (!pool_find(p, a->cfg->ram_size, &at, &free_sum, &largest)) {
        scen_err_adu(s, a, "memory", "RAM pool 0x%llx..0x%llx exhausted: no free "
                     "block of %s (%s free in total, largest block %s); shrink "
                     "memory or enlarge --ram-pool",
                     (unsigned long long)p->base, (unsigned long long)p->end,
                     scen_fmt_size(a->cfg->ram_size, need, sizeof(need)),
                     scen_fmt_size(free_sum, fr, sizeof(fr)),
                     scen_fmt_size(largest, lg, sizeof(lg)));
        return;
    }
    a->cfg->ram_hpa = at;
    pool_insert(p, a);
}

static void place(struct vhs_scenario *s, const struct vhs_options *opt)
{
    struct pool p = {0};

    p.base = (opt->pool_base + 2 * MIB - 1) & ~(2 * MIB - 1);
    p.end = (opt->pool_base + opt->pool_size) & ~(2 * MIB - 1);
    if (p.end < p.base)
        p.end = p.base;
    for (unsigned i = 0; i < s->nadus; i++)
        if (s->adu[i].address_fixed && s->adu[i].cfg->ram_size)
            place_fixed(s, &p, &s->adu[i]);
    for (unsigned i = 0; i < s->nadus; i++)
        if (!s->adu[i].address_fixed && s->adu[i].cfg->ram_size)
            place_auto(s, &p, &s->adu[i]);
}

void scen_check(struct vhs_scenario *s, const struct vhs_options *opt)
{
    check_machine(s);
    check_images(s, opt);
    check_reserve(s);
    place(s, opt);
}
