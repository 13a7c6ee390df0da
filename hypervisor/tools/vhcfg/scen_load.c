/*
 * vhscen API entry points: options, loading a scenario file, releasing it,
 * printing its messages and a human summary.
 *
 * vhs_load() reads the whole file, resolves the scenario's directory (base
 * of relative image paths), fills in the defaults and runs the phases
 * lex -> fields -> check (see scen_internal.h).  Later phases still run when
 * an earlier one found errors, so one run reports as much as possible.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "scen_internal.h"

void vhs_options_init(struct vhs_options *opt)
{
    memset(opt, 0, sizeof(*opt));
    opt->pool_base = VHS_DEFAULT_POOL_BASE;
    opt->pool_size = VHS_DEFAULT_POOL_SIZE;
    opt->max_cpus = VH_MAX_CPUS;
}

void vhs_options_free(struct vhs_options *opt)
{
    for (unsigned i = 0; i < opt->nimages; i++) {
        free((char *)opt->images[i].name);
        free((char *)opt->images[i].path);
    }
    opt->nimages = 0;
}

int vhs_options_add_image(struct vhs_options *opt, const char *arg, char *why,
                          size_t why_len)
{
    const char *eq = strchr(arg, '=');
    char name[VH_NAME_LEN * 4];

    if (!eq || eq == arg || !eq[1] || (size_t)(eq - arg) >= sizeof(name)) {
        snprintf(why, why_len, "--image '%s': expected NAME=PATH", arg);
        return -1;
    }
    memcpy(name, arg, (size_t)(eq - arg));
    name[eq - arg] = '\0';
    for (unsigned i = 0; i < opt->nimages; i++)
        if (!strcmp(opt->images[i].name, name)) {
            snprintf(why, why_len, "--image '%s': image '%s' given twice; give each "
                     "name once", arg, name);
            return -1;
        }
    if (opt->nimages >= VHS_MAX_IMAGES) {
        snprintf(why, why_len, "--image '%s': more than %d images; merge names",
                 arg, VHS_MAX_IMAGES);
        return -1;
    }
    opt->images[opt->nimages].name = scen_strdup(name);
    opt->images[opt->nimages].path = scen_strdup(eq + 1);
    opt->nimages++;
    return 0;
}

int vhs_parse_pool(const char *arg, uint64_t *base, uint64_t *size, char *why,
                   size_t why_len)
{
    const char *colon = strchr(arg, ':'), *err;
    char head[64];

    if (!colon || (size_t)(colon - arg) >= sizeof(head)) {
        snprintf(why, why_len, "--ram-pool '%s': expected BASE:SIZE, e.g. "
                 "0x81000000:0x1ec00000", arg);
        return -1;
    }
    memcpy(head, arg, (size_t)(colon - arg));
    head[colon - arg] = '\0';
    err = scen_parse_u64(head, base);
    if (!err)
        err = scen_parse_size(colon + 1, size);
    if (!err && (*size == 0 || *base + *size < *base))
        err = "empty or wrapping range";
    if (err) {
        snprintf(why, why_len, "--ram-pool '%s': %s; expected BASE:SIZE, e.g. "
                 "0x81000000:0x1ec00000", arg, err);
        return -1;
    }
    return 0;
}

/* s->file, s->dir, and the machine defaults. */
static void scen_init(struct vhs_scenario *s, const char *path)
{
    char *copy = scen_strdup(path), *dir, abs[PATH_MAX];

    memset(s, 0, sizeof(*s));
    s->file = scen_strdup(path);
    dir = dirname(copy);
    s->dir = scen_strdup(realpath(dir, abs) ? abs : dir);
    free(copy);
}

static char *read_file(const char *path, int *err)
{
    FILE *f = fopen(path, "rb");
    size_t cap = 4096, len = 0, got;
    char *buf;

    *err = 0;
    if (!f) {
        *err = errno;
        return NULL;
    }
    buf = malloc(cap);
    while (buf && (got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += got;
        if (len + 1 == cap)
            buf = realloc(buf, cap *= 2);
    }
    if (!buf || ferror(f)) {
        *err = buf ? EIO : ENOMEM;
        free(buf);
        buf = NULL;
    } else {
        buf[len] = '\0';
    }
    fclose(f);
    return buf;
}

/* Stable insertion sort of the messages by line. */
static void sort_diag(struct vhs_diag *d)
{
    for (unsigned i = 1; i < d->n; i++) {
        unsigned line = d->line[i], j = i;
        char *msg = d->msg[i];
        for (; j > 0 && d->line[j - 1] > line; j--) {
            d->line[j] = d->line[j - 1];
            d->msg[j] = d->msg[j - 1];
        }
        d->line[j] = line;
        d->msg[j] = msg;
    }
}

unsigned vhs_load_text(struct vhs_scenario *s, const char *path, const char *text,
                       const struct vhs_options *opt)
{
    scen_init(s, path);
    scen_lex(s, text);
    scen_fields(s, opt);
    scen_check(s, opt);
    sort_diag(&s->diag);
    return s->diag.n + s->diag.dropped;
}

unsigned vhs_load(struct vhs_scenario *s, const char *path,
                  const struct vhs_options *opt)
{
    int err;
    char *text = read_file(path, &err);
    unsigned n;

    if (!text) {
        scen_init(s, path);
        scen_err_file(s, 0, "cannot read scenario: %s; give a readable .vhs file",
                      strerror(err));
        return 1;
    }
    n = vhs_load_text(s, path, text, opt);
    free(text);
    return n;
}

static void free_keys(struct vhs_keys *k)
{
    for (unsigned i = 0; i < k->n; i++) {
        free(k->kv[i].key);
        free(k->kv[i].value);
    }
    k->n = 0;
}

void vhs_free(struct vhs_scenario *s)
{
    for (unsigned i = 0; i < s->nadus; i++) {
        free_keys(&s->adu[i].keys);
        free(s->adu[i].image_ref);
        free(s->adu[i].image_path);
        free(s->adu[i].bootargs);
    }
    free_keys(&s->machine);
    for (unsigned i = 0; i < s->diag.n; i++)
        free(s->diag.msg[i]);
    free(s->file);
    free(s->dir);
    memset(s, 0, sizeof(*s));
}

void vhs_print_diag(const struct vhs_scenario *s, FILE *out)
{
    for (unsigned i = 0; i < s->diag.n; i++)
        fprintf(out, "%s\n", s->diag.msg[i]);
    if (s->diag.dropped)
        fprintf(out, "%s: %u more errors not shown; fix the ones above first\n",
                s->file, s->diag.dropped);
}

int vhs_find_adu(const struct vhs_scenario *s, const char *name)
{
    for (unsigned i = 0; i < s->nadus; i++)
        if (!strcmp(s->cfg.adu[i].name, name))
            return (int)i;
    return -1;
}

static void print_adu(const struct vhs_scenario *s, unsigned i, FILE *out)
{
    const struct vh_cfg_adu *c = &s->cfg.adu[i];
    char size[32], res[16];

    fprintf(out, "  adu %u '%s': RAM 0x%llx..0x%llx (%s%s), entry 0x%llx, "
            "%u VCPU%s, reserve %s\n",
            i, c->name, (unsigned long long)c->ram_hpa,
            (unsigned long long)(c->ram_hpa + c->ram_size),
            scen_fmt_size(c->ram_size, size, sizeof(size)),
            s->adu[i].address_fixed ? ", fixed" : "",
            (unsigned long long)c->entry_gpa, c->n_be_vcpus,
            c->n_be_vcpus == 1 ? "" : "s",
            scen_fmt_ppm(c->reserve_ppm, res, sizeof(res)));
    fprintf(out, "      image %s (%llu bytes), dtb at 0x%llx\n",
            s->adu[i].image_path ? s->adu[i].image_path : "?",
            (unsigned long long)c->image_size, (unsigned long long)c->dtb_gpa);
}

void vhs_print_summary(const struct vhs_scenario *s, FILE *out)
{
    char q[32], lim[16];
    uint32_t sum = 0;

    if (s->cfg.quantum_ns % 1000000 == 0)
        snprintf(q, sizeof(q), "%llu ms", (unsigned long long)(s->cfg.quantum_ns / 1000000));
    else
        snprintf(q, sizeof(q), "%llu us", (unsigned long long)(s->cfg.quantum_ns / 1000));
    fprintf(out, "scenario '%s': %u CPUs, %u ADUs, quantum %s, rt_limit %s\n",
            s->cfg.name, s->cfg.ncpus, s->cfg.nadus, q,
            scen_fmt_ppm(s->cfg.rt_limit_ppm, lim, sizeof(lim)));
    for (unsigned i = 0; i < s->nadus; i++) {
        print_adu(s, i, out);
        sum += s->cfg.adu[i].reserve_ppm;
    }
    fprintf(out, "  reserved in total: %s\n", scen_fmt_ppm(sum, lim, sizeof(lim)));
}
