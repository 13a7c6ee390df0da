/*
 * Assertions on collected statistics: "FIELD OP VALUE[UNIT]".  Jitter
 * fields take a duration (ns, us, ms, s), counts take a plain number.  An
 * assertion must hold for every RT-VCPU in scope; what is reported is the
 * worst value, so a failure message shows the measured value next to the
 * bound.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign.h"
#include "campaign_step.h"

static const struct {
    const char *name;
    enum camp_field f;
} camp__fields[] = {
    {"jitter.min", CAMP_F_JIT_MIN}, {"jitter.avg", CAMP_F_JIT_AVG}, {"jitter.max", CAMP_F_JIT_MAX},
    {"jitter.sd", CAMP_F_JIT_SD},   {"misses", CAMP_F_MISSES},      {"overruns", CAMP_F_OVERRUNS},
    {"releases", CAMP_F_RELEASES},
};
static const char *const camp__ops[] = {"<", "<=", ">", ">=", "==", "!="};

static int camp__is_jitter(enum camp_field f)
{
    return f <= CAMP_F_JIT_SD;
}

static const char *camp__skip(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

static int camp__field(const char **pp, struct camp_assert *a, char *why, size_t cap)
{
    const char *p = *pp, *e = p;
    while ((*e >= 'a' && *e <= 'z') || *e == '.' || *e == '_')
        e++;
    for (size_t i = 0; i < sizeof(camp__fields) / sizeof(camp__fields[0]); i++)
        if (strlen(camp__fields[i].name) == (size_t)(e - p) &&
            strncmp(p, camp__fields[i].name, (size_t)(e - p)) == 0) {
            a->field = camp__fields[i].f;
            *pp = e;
            return 0;
        }
    snprintf(why, cap, "check '%s' starts with unknown field '%.*s'; expected jitter.min, "
             "jitter.avg, jitter.max, jitter.sd, misses, overruns or releases", a->text,
             (int)(e - p), p);
    return -1;
}

static int camp__op(const char **pp, struct camp_assert *a, char *why, size_t cap)
{
    const char *p = *pp;
    int best = -1;
    for (int i = 0; i < 6; i++)
        if (strncmp(p, camp__ops[i], strlen(camp__ops[i])) == 0 &&
            (best < 0 || strlen(camp__ops[i]) > strlen(camp__ops[best])))
            best = i;
    if (best < 0) {
        snprintf(why, cap, "check '%s' has no comparison after the field; expected one of "
                 "< <= > >= == !=", a->text);
        return -1;
    }
    a->op = (enum camp_op)best;
    *pp = p + strlen(camp__ops[best]);
    return 0;
}

static int camp__value(const char *p, struct camp_assert *a, char *why, size_t cap)
{
    static const struct {
        const char *u;
        double ns;
    } units[] = {{"ns", 1}, {"us", 1e3}, {"\xc2\xb5s", 1e3}, {"ms", 1e6}, {"s", 1e9}};
    char *end;
    double v = strtod(p, &end);
    if (end == p || v < 0) {
        snprintf(why, cap, "check '%s' has no value to compare with; expected e.g. 5us or 0",
                 a->text);
        return -1;
    }
    const char *u = camp__skip(end);
    size_t ul = strlen(u);
    while (ul && (u[ul - 1] == ' ' || u[ul - 1] == '\t'))
        ul--;
    if (!camp__is_jitter(a->field)) {
        if (ul) {
            snprintf(why, cap, "check '%s': a count has no unit ('%.*s'); expected a plain "
                     "number, e.g. misses == 0", a->text, (int)ul, u);
            return -1;
        }
        a->bound = v;
        return 0;
    }
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
        if (ul == strlen(units[i].u) && strncmp(u, units[i].u, ul) == 0) {
            a->bound = v * units[i].ns;
            return 0;
        }
    snprintf(why, cap, "check '%s': jitter needs a unit%s%.*s%s; expected ns, us, ms or s, "
             "e.g. jitter.max < 5us", a->text, ul ? " ('" : "", (int)ul, u, ul ? "' is unknown)" : "");
    return -1;
}

int campaign_assert_expr(const char *text, struct camp_assert *a, char *why, size_t cap)
{
    const char *p = camp__skip(text);
    if (camp__field(&p, a, why, cap))
        return -1;
    p = camp__skip(p);
    if (camp__op(&p, a, why, cap))
        return -1;
    return camp__value(camp__skip(p), a, why, cap);
}

static double camp__get(const struct camp_vstat *v, enum camp_field f)
{
    switch (f) {
    case CAMP_F_JIT_MIN: return v->jit_min_ns;
    case CAMP_F_JIT_AVG: return v->jit_avg_ns;
    case CAMP_F_JIT_MAX: return v->jit_max_ns;
    case CAMP_F_JIT_SD: return v->jit_sd_ns;
    case CAMP_F_MISSES: return (double)v->misses;
    case CAMP_F_OVERRUNS: return (double)v->overruns;
    case CAMP_F_RELEASES: return (double)v->releases;
    }
    return 0;
}

static int camp__holds(enum camp_op op, double x, double b)
{
    switch (op) {
    case CAMP_LT: return x < b;
    case CAMP_LE: return x <= b;
    case CAMP_GT: return x > b;
    case CAMP_GE: return x >= b;
    case CAMP_EQ: return fabs(x - b) < 1e-9;
    case CAMP_NE: return fabs(x - b) >= 1e-9;
    }
    return 0;
}

/* Is x worse than y for op (further on the wrong side of the bound)? */
static int camp__worse(enum camp_op op, double x, double y, double b)
{
    if (op == CAMP_LT || op == CAMP_LE)
        return x > y;
    if (op == CAMP_GT || op == CAMP_GE)
        return x < y;
    return fabs(x - b) > fabs(y - b);
}

const char *campaign_assert_units(const struct camp_assert *a)
{
    return camp__is_jitter(a->field) ? "us" : "";
}

static void camp__show(char *out, size_t cap, const struct camp_assert *a, double v)
{
    if (camp__is_jitter(a->field))
        snprintf(out, cap, "%.3fus", v / 1e3);
    else
        snprintf(out, cap, "%.0f", v);
}

int campaign_assert_eval(const struct camp_assert *a, const struct camp_window *w, int pick,
                         uint32_t vcpu_id, double *measured, char *msg, size_t cap)
{
    const struct camp_vstat *worst = NULL, *bad = NULL;
    for (size_t i = 0; w && i < w->nv; i++) {
        const struct camp_vstat *v = &w->v[i];
        if (pick && v->vcpu_id != vcpu_id)
            continue;
        double x = camp__get(v, a->field);
        if (!worst || camp__worse(a->op, x, camp__get(worst, a->field), a->bound))
            worst = v;
        if (!camp__holds(a->op, x, a->bound) &&
            (!bad || camp__worse(a->op, x, camp__get(bad, a->field), a->bound)))
            bad = v;
    }
    int ok = !bad;
    if (bad)
        worst = bad;
    if (!worst) {
        if (pick)
            snprintf(msg, cap, "%s: VCPU %u is not an RT-VCPU in the statistics window",
                     a->text, vcpu_id);
        else
            snprintf(msg, cap, "%s: no RT-VCPU in the statistics window", a->text);
        return -1;
    }
    char got[32], bound[32];
    *measured = camp__get(worst, a->field);
    camp__show(got, sizeof(got), a, *measured);
    camp__show(bound, sizeof(bound), a, a->bound);
    snprintf(msg, cap, "%s: measured %s (VCPU %u), bound %s %s", a->text, got, worst->vcpu_id,
             camp__ops[a->op], bound);
    return ok;
}
