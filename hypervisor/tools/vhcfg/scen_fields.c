/*
 * vhscen phase 2: convert each key's value into s->cfg.
 *
 * The machine is converted first (its defaults: cpus = --max-cpus, quantum
 * 10ms, rt_limit 90%, cpu_limit 95%, hv_margin 2%), then each ADU: defaults
 * first, then one converter per key in a fixed order (vcpus before priority
 * and affinity, which depend on it).  Each converter checks the value on its
 * own (syntax and range); what needs the whole scenario or the images
 * (placement, reservations, entry inside the image) is in scen_check.c.
 */
#include <stdlib.h>
#include <string.h>

#include "scen_internal.h"

/* ---- machine ---------------------------------------------------------- */

static void machine_name(struct vhs_scenario *s)
{
    const char *given = scen_key_value(&s->machine, "name");
    const char *base = strrchr(s->file, '/');
    char def[256];
    size_t n;

    base = base ? base + 1 : s->file;
    snprintf(def, sizeof(def), "%s", base);
    n = strlen(def);
    if (n > 4 && !strcmp(def + n - 4, ".vhs"))
        def[n - 4] = '\0';
    if (given && !scen_valid_name(given))
        scen_err_machine(s, "name", "'%s' is not a valid name; use 1..15 characters "
                         "from a-z, 0-9, '_' and '-'", given);
    else if (!given && !scen_valid_name(def))
        scen_err_machine(s, "name", "the file name gives '%s', not a valid name; "
                         "set name = ... (1..15 of a-z, 0-9, '_', '-') in [machine]",
                         def);
    else
        strcpy(s->cfg.name, given ? given : def); /* valid: fits */
}

/* An integer key in lo..hi; returns 0 if absent or bad (with a message). */
static int machine_uint(struct vhs_scenario *s, const char *key, uint64_t lo,
                        uint64_t hi, uint64_t *out)
{
    const char *v = scen_key_value(&s->machine, key), *err;

    if (!v)
        return 0;
    err = scen_parse_u64(v, out);
    if (!err && (*out < lo || *out > hi))
        err = "out of range";
    if (err) {
        scen_err_machine(s, key, "'%s': %s; use a number from %llu to %llu", v, err,
                         (unsigned long long)lo, (unsigned long long)hi);
        return 0;
    }
    return 1;
}

static void machine_ppm(struct vhs_scenario *s, const char *key, uint32_t *out)
{
    const char *v = scen_key_value(&s->machine, key), *err;

    if (v && (err = scen_parse_ppm(v, out)))
        scen_err_machine(s, key, "'%s': %s; write a percentage such as 90%% or "
                         "12.5%%", v, err);
}

static void machine_quantum(struct vhs_scenario *s)
{
    const char *v = scen_key_value(&s->machine, "quantum"), *err;
    uint64_t ns;

    if (!v)
        return;
    err = scen_parse_time_ns(v, &ns);
    if (!err && (ns < 100000 || ns > 1000000000))
        err = "out of range";
    if (err)
        scen_err_machine(s, "quantum", "'%s': %s; use a time from 100us to 1s, "
                         "such as 10ms", v, err);
    else
        s->cfg.quantum_ns = ns;
}

/* timer_advance = auto | off | a time up to 20us */
static void machine_timer_advance(struct vhs_scenario *s)
{
    const char *v = scen_key_value(&s->machine, "timer_advance"), *err;
    uint64_t ns;

    if (!v)
        return;
    if (strcmp(v, "auto") == 0) {
        s->cfg.timer_advance_ns = VH_TIMER_ADVANCE_AUTO;
        return;
    }
    if (strcmp(v, "off") == 0) {
        s->cfg.timer_advance_ns = 0;
        return;
    }
    err = scen_parse_time_ns(v, &ns);
    if (!err && ns > 20000)
        err = "out of range";
    if (err)
        scen_err_machine(s, "timer_advance", "'%s': %s; use auto, off or a time up to "
                         "20us, such as 2us", v, err);
    else
        s->cfg.timer_advance_ns = (uint32_t)ns;
}

/* trace = off | on (costs reported every second) | late:TIME (events
 * recorded, dumped at the first release at least TIME late, nothing
 * printed before: what is traced is disturbed as little as possible) */
static void machine_trace(struct vhs_scenario *s)
{
    const char *v = scen_key_value(&s->machine, "trace"), *err = NULL;
    uint64_t ns;

    if (!v || strcmp(v, "off") == 0)
        return;
    if (strcmp(v, "on") == 0) {
        s->cfg.trace = VH_TRACE_SPANS;
        return;
    }
    if (strncmp(v, "late:", 5) == 0) {
        err = scen_parse_time_ns(v + 5, &ns);
        if (!err && (ns == 0 || ns > 1000000000))
            err = "out of range";
        if (!err) {
            s->cfg.trace = VH_TRACE_LATE;
            s->cfg.trace_late_ns = (uint32_t)ns;
            return;
        }
    }
    scen_err_machine(s, "trace", "'%s': %s; use off, on or late:TIME (a time up to 1s, "
                     "such as late:5us)", v, err ? err : "unknown value");
}

static void machine_fields(struct vhs_scenario *s, const struct vhs_options *opt)
{
    uint64_t v;

    s->cfg.ncpus = opt->max_cpus;
    s->cfg.quantum_ns = 10000000;
    s->cfg.rt_limit_ppm = 900000;
    s->cfg.cpu_limit_ppm = 950000;
    s->cfg.hv_margin_ppm = 20000;
    s->cfg.timer_advance_ns = VH_TIMER_ADVANCE_AUTO;
    machine_name(s);
    if (machine_uint(s, "cpus", 1, opt->max_cpus, &v))
        s->cfg.ncpus = (uint32_t)v;
    machine_quantum(s);
    machine_ppm(s, "rt_limit", &s->cfg.rt_limit_ppm);
    machine_ppm(s, "cpu_limit", &s->cfg.cpu_limit_ppm);
    machine_ppm(s, "hv_margin", &s->cfg.hv_margin_ppm);
    machine_timer_advance(s);
    machine_trace(s);
}

/* ---- ADU --------------------------------------------------------------- */

typedef void adu_field_fn(struct vhs_scenario *s, struct vhs_adu *a, const char *v);

/* An integer value in lo..hi into *out; 0 and a message if bad. */
static int adu_uint(struct vhs_scenario *s, struct vhs_adu *a, const char *key,
                    const char *v, uint64_t lo, uint64_t hi, uint32_t *out)
{
    uint64_t n;
    const char *err = scen_parse_u64(v, &n);

    if (!err && (n < lo || n > hi))
        err = "out of range";
    if (err) {
        scen_err_adu(s, a, key, "'%s': %s; use a number from %llu to %llu", v, err,
                     (unsigned long long)lo, (unsigned long long)hi);
        return 0;
    }
    *out = (uint32_t)n;
    return 1;
}

static void f_memory(struct vhs_scenario *s, struct vhs_adu *a, const char *v)
{
    uint64_t size;
    const char *err = scen_parse_size(v, &size);

    if (!err && size % (2 * MIB))
        err = "not a multiple of 2 MiB";
    if (!err && size < 4 * MIB)
        err = "less than 4 MiB";
    if (err)
        scen_err_adu(s, a, "memory", "'%s': %s; use a multiple of 2 MiB of at "
                     "least 4M, such as 16M", v, err);
    else
        a->cfg->ram_size = size;
}

static void f_address(struct vhs_scenario *s, struct vhs_adu *a, const char *v)
{
    uint64_t hpa;
    const char *err = scen_parse_u64(v, &hpa);

    if (!err && hpa % (2 * MIB))
        err = "not 2 MiB aligned";
    if (err) {
        scen_err_adu(s, a, "address", "'%s': %s; use a 2 MiB aligned host "
                     "physical address such as 0x82000000, or leave it out", v, err);
        return;
    }
    a->cfg->ram_hpa = hpa;
    a->address_fixed = 1;
}

static void f_image(struct vhs_scenario *s, struct vhs_adu *a, const char *v)
{
    (void)s;
    a->image_ref = scen_strdup(v);
}

static void f_entry(struct vhs_scenario *s, struct vhs_adu *a, const char *v)
{
    const char *err = scen_parse_u64(v, &a->cfg->entry_gpa);

    if (err)
        scen_err_adu(s, a, "entry", "'%s': %s; give a guest physical address "
                     "inside the image, such as 0x%llx", v, err,
                     VH_GUEST_RAM_GPA + VH_GUEST_IMAGE_OFFSET);
}

static void f_bootargs(struct vhs_scenario *s, struct vhs_adu *a, const char *v)
{
    size_t n = strlen(v);

    (void)s;
    a->bootargs = scen_strdup(v);
    if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
        memmove(a->bootargs, v + 1, n - 2);
        a->bootargs[n - 2] = '\0';
    }
}

static void f_vcpus(struct vhs_scenario *s, struct vhs_adu *a, const char *v)
{
    adu_uint(s, a, "vcpus", v, 1, VH_MAX_BE_VCPUS, &a->cfg->n_be_vcpus);
}

static void f_priority(struct vhs_scenario *s, struct vhs_adu *a, const char *v)
{
    char *items[VH_MAX_BE_VCPUS];
    uint32_t prio[VH_MAX_BE_VCPUS];
    unsigned nv = a->cfg->n_be_vcpus;
    int n = scen_split(v, ',', items, VH_MAX_BE_VCPUS), ok = 1;

    if (n != 1 && n != (int)nv) {
        scen_err_adu(s, a, "priority", "'%s': %d values for %u VCPU(s); give one "
                     "value for all or one per VCPU, separated by ','", v, n, nv);
        scen_free_items(items, n);
        return;
    }
    for (int i = 0; i < n && ok; i++)
        ok = adu_uint(s, a, "priority", items[i], 1, 16, &prio[i]);
    for (unsigned i = 0; i < nv && ok; i++)
        a->cfg->be_priority[i] = prio[n == 1 ? 0 : i];
    scen_free_items(items, n);
}

/* One VCPU's CPU set: parsed, within cpus, not empty. */
static int affinity_one(struct vhs_scenario *s, struct vhs_adu *a, const char *item,
                        uint32_t *mask)
{
    unsigned ncpus = s->cfg.ncpus, top = 31;
    uint32_t all = (uint32_t)((1ULL << ncpus) - 1);
    const char *err = scen_parse_cpuset(item, mask);

    if (!err && *mask == UINT32_MAX)
        *mask = all;
    if (err) {
        scen_err_adu(s, a, "affinity", "'%s': %s; use \"all\", a range such as "
                     "\"0-%u\" or a list such as \"0,%u\"", item, err, ncpus - 1,
                     ncpus - 1);
        return 0;
    }
    if (*mask & ~all) {
        while (!(*mask & (1u << top)))
            top--;
        scen_err_adu(s, a, "affinity", "'%s' names CPU %u but the machine has "
                     "%u CPUs (cpus = %u); use CPUs 0..%u", item, top, ncpus, ncpus,
                     ncpus - 1);
        return 0;
    }
    return 1;
}

static void f_affinity(struct vhs_scenario *s, struct vhs_adu *a, const char *v)
{
    char *items[VH_MAX_BE_VCPUS];
    uint32_t mask[VH_MAX_BE_VCPUS];
    unsigned nv = a->cfg->n_be_vcpus;
    int n = scen_split(v, ';', items, VH_MAX_BE_VCPUS), ok = 1;

    if (n != 1 && n != (int)nv) {
        scen_err_adu(s, a, "affinity", "'%s': %d CPU sets for %u VCPU(s); give one "
                     "set for all or one per VCPU, separated by ';'", v,
                     n < 0 ? 0 : n, nv);
        scen_free_items(items, n);
        return;
    }
    for (int i = 0; i < n && ok; i++)
        ok = affinity_one(s, a, items[i], &mask[i]);
    for (unsigned i = 0; i < nv && ok; i++)
        a->cfg->be_affinity[i] = mask[n == 1 ? 0 : i];
    scen_free_items(items, n);
}

static void f_reserve(struct vhs_scenario *s, struct vhs_adu *a, const char *v)
{
    const char *err = scen_parse_ppm(v, &a->cfg->reserve_ppm);

    if (err)
        scen_err_adu(s, a, "reserve", "'%s': %s; write a share of the machine "
                     "such as 30%% or 12.5%%", v, err);
}

struct name_bit {
    const char *name, *text;
};

static const struct name_bit device_names[] = {
#define VH__DEV_NAME(id, name, text) {name, text},
    VH_DEVICE_MAP(VH__DEV_NAME)
#undef VH__DEV_NAME
    {NULL, NULL}};
static const struct name_bit cap_names[] = {
#define VH__CAP_NAME(id, name, text) {name, text},
    VH_CAP_MAP(VH__CAP_NAME)
#undef VH__CAP_NAME
    {NULL, NULL}};

/* devices / caps: a list of names from `table` (or "none") into bits. */
static void name_list(struct vhs_scenario *s, struct vhs_adu *a, const char *key,
                      const char *v, const struct name_bit *table, uint32_t *bits)
{
    char *items[32], valid[512];
    int n = strcmp(v, "none") ? scen_split(v, ',', items, 32) : 0;
    unsigned len = 0;

    *bits = 0;
    for (unsigned j = 0; table[j].name; j++)
        len += (unsigned)snprintf(valid + len, sizeof(valid) - len, "%s%s (%s)",
                                  j ? ", " : "", table[j].name, table[j].text);
    if (n < 0)
        scen_err_adu(s, a, key, "'%s': empty list item; list names separated by "
                     "',' from: %s, or none", v, valid);
    for (int i = 0; i < n; i++) {
        unsigned j = 0;
        while (table[j].name && strcmp(table[j].name, items[i]))
            j++;
        if (table[j].name)
            *bits |= 1u << j;
        else
            scen_err_adu(s, a, key, "unknown name '%s'; valid: %s", items[i], valid);
    }
    scen_free_items(items, n);
}

static void f_devices(struct vhs_scenario *s, struct vhs_adu *a, const char *v)
{
    name_list(s, a, "devices", v, device_names, &a->cfg->devices);
}

static void f_caps(struct vhs_scenario *s, struct vhs_adu *a, const char *v)
{
    name_list(s, a, "caps", v, cap_names, &a->cfg->caps);
}

static void f_send_to(struct vhs_scenario *s, struct vhs_adu *a, const char *v)
{
    char *items[32];
    int n = strcmp(v, "none") ? scen_split(v, ',', items, 32) : 0;

    if (n < 0)
        scen_err_adu(s, a, "send_to", "'%s': empty list item; list ADU names "
                     "separated by ',', or none", v);
    for (int i = 0; i < n; i++) {
        int id = vhs_find_adu(s, items[i]);
        if (id < 0)
            scen_err_adu(s, a, "send_to", "no ADU named '%s'; name an ADU of "
                         "this scenario", items[i]);
        else if (&s->cfg.adu[id] == a->cfg)
            scen_err_adu(s, a, "send_to", "'%s' is this ADU itself; list only "
                         "other ADUs", items[i]);
        else
            a->cfg->msg_send_mask |= 1u << id;
    }
    scen_free_items(items, n);
}

static void f_msg_depth(struct vhs_scenario *s, struct vhs_adu *a, const char *v)
{
    adu_uint(s, a, "msg_depth", v, 1, 64, &a->cfg->msg_depth);
}

static void f_msg_size(struct vhs_scenario *s, struct vhs_adu *a, const char *v)
{
    adu_uint(s, a, "msg_size", v, 16, 4096, &a->cfg->msg_size);
}

static const struct {
    const char *key;
    adu_field_fn *fn;
} adu_fields_tab[] = {
    {"memory", f_memory},     {"address", f_address},   {"image", f_image},
    {"entry", f_entry},       {"bootargs", f_bootargs}, {"vcpus", f_vcpus},
    {"priority", f_priority}, {"affinity", f_affinity}, {"reserve", f_reserve},
    {"devices", f_devices},   {"caps", f_caps},         {"send_to", f_send_to},
    {"msg_depth", f_msg_depth}, {"msg_size", f_msg_size},
};

static void adu_defaults(struct vhs_scenario *s, struct vhs_adu *a)
{
    struct vh_cfg_adu *c = a->cfg;

    c->entry_gpa = VH_GUEST_RAM_GPA + VH_GUEST_IMAGE_OFFSET;
    c->n_be_vcpus = 1;
    for (unsigned i = 0; i < VH_MAX_BE_VCPUS; i++) {
        c->be_priority[i] = 1;
        c->be_affinity[i] = (uint32_t)((1ULL << s->cfg.ncpus) - 1);
    }
    c->devices = VH_DEV(UART);
    c->msg_depth = 8;
    c->msg_size = 256;
}

static void adu_fields(struct vhs_scenario *s, struct vhs_adu *a)
{
    const unsigned n = sizeof(adu_fields_tab) / sizeof(adu_fields_tab[0]);

    adu_defaults(s, a);
    for (unsigned i = 0; i < n; i++) {
        const char *v = scen_key_value(&a->keys, adu_fields_tab[i].key);
        if (v && !*v)
            scen_err_adu(s, a, adu_fields_tab[i].key, "empty value; give a value "
                         "or leave the key out");
        else if (v)
            adu_fields_tab[i].fn(s, a, v);
    }
    if (!scen_key_value(&a->keys, "memory"))
        scen_err_adu(s, a, NULL, "memory: missing; add memory = 16M (a multiple "
                     "of 2 MiB, at least 4M)");
    if (!scen_key_value(&a->keys, "image"))
        scen_err_adu(s, a, NULL, "image: missing; add image = NAME (from --image "
                     "NAME=PATH) or a path to the guest binary");
}

void scen_fields(struct vhs_scenario *s, const struct vhs_options *opt)
{
    machine_fields(s, opt);
    for (unsigned i = 0; i < s->nadus; i++)
        adu_fields(s, &s->adu[i]);
}
