/*
 * Campaign steps: one mapping with one key per step (`create: {...}`),
 * checked field by field, plus the assertion mini-language
 * "FIELD OP VALUE[UNIT]" (e.g. "jitter.max < 5us").  campaign_step_parse()
 * also checks what can be known before running: a `vcpu: last` needs a
 * create step before it, a name needs its `as:`, an assert needs a stats
 * step earlier in its case.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign.h"
#include "campaign_step.h"
#include "vhctl.h"

static const char *const camp__kinds[] = {"create", "set",     "destroy", "migrate", "reserve",
                                          "wait",   "stats",   "assert",  "console", NULL};

/* expect: ok | refused | {refused: "reason substring"} */
static int camp__expect(struct camp_ld *l, yaml_node_t *n, struct camp_expect *e)
{
    static const char *const keys[] = {"refused", NULL};
    const char *t = camp_text(n);
    if (t && strcmp(t, "ok") == 0)
        return 0;
    if (t && strcmp(t, "refused") == 0) {
        e->refused = 1;
        return 0;
    }
    if (t)
        return camp_err(l, n, "expect is '%s'; expected ok, refused or {refused: \"reason\"}", t);
    if (camp_map_check(l, n, "expect", keys))
        return -1;
    e->refused = 1;
    return camp_str(l, camp_need(l, n, "refused", "expect"), "expect.refused", e->reason,
                    sizeof(e->reason));
}

static int camp__vref(struct camp_ld *l, yaml_node_t *n, struct camp_check *ck,
                      struct camp_vref *v)
{
    const char *t = camp_text(n);
    if (!t || !*t)
        return camp_err(l, n, "vcpu is %s; expected last, a VCPU id or a name from `as:`",
                        camp_type_name(n));
    if (strcmp(t, "last") == 0) {
        if (!ck->creates)
            return camp_err(l, n, "vcpu: last has no create step before it; expected a "
                            "create step earlier in the campaign");
        v->kind = CAMP_VREF_LAST;
        return 0;
    }
    if (t[0] >= '0' && t[0] <= '9') {
        uint64_t id;
        if (camp_u64(l, n, "vcpu", &id))
            return -1;
        v->kind = CAMP_VREF_ID;
        v->id = (uint32_t)id;
        return 0;
    }
    for (size_t i = 0; i < ck->nnames; i++)
        if (strcmp(ck->names[i], t) == 0) {
            v->kind = CAMP_VREF_NAME;
            snprintf(v->name, sizeof(v->name), "%s", t);
            return 0;
        }
    return camp_err(l, n, "vcpu '%s' is not known here; expected last, a number or a name "
                    "given earlier with `as: %s` in a create step", t, t);
}

static int camp__opt_dur(struct camp_ld *l, yaml_node_t *m, const char *key, uint64_t *ns)
{
    yaml_node_t *v = camp_get(l, m, key);
    return v ? camp_dur(l, v, key, ns) : 0;
}

static int camp__opt_expect(struct camp_ld *l, yaml_node_t *m, struct camp_step *s)
{
    yaml_node_t *v = camp_get(l, m, "expect");
    return v ? camp__expect(l, v, &s->expect) : 0;
}

static int camp__cpu(struct camp_ld *l, yaml_node_t *n, int32_t *cpu)
{
    uint64_t c;
    const char *t = camp_text(n);
    if (t && strcmp(t, "auto") == 0) {
        *cpu = -1;
        return 0;
    }
    if (camp_u64(l, n, "cpu", &c) || c > 1023)
        return l->failed ? -1 : camp_err(l, n, "cpu %s is out of range; expected 0..1023 or auto", t);
    *cpu = (int32_t)c;
    return 0;
}

/* entry: an address (42, 0x80200000) or a symbol of the ADU's image. */
static int camp__entry(struct camp_ld *l, yaml_node_t *n, struct camp_step *s)
{
    const char *t = camp_text(n);
    if (!n || !t || !*t || (*t >= '0' && *t <= '9'))
        return camp_u64(l, n, "entry", &s->entry);
    size_t len = strlen(t), ok = len < sizeof(s->entry_sym);
    for (size_t i = 0; ok && i < len; i++)
        ok = (t[i] >= 'a' && t[i] <= 'z') || (t[i] >= 'A' && t[i] <= 'Z') || t[i] == '_' ||
             t[i] == '.' || t[i] == '$' || (i && t[i] >= '0' && t[i] <= '9');
    if (!ok)
        return camp_err(l, n, "entry '%s' is neither an address nor a symbol; expected e.g. "
                        "0x80200000 or rtapp_spawn", t);
    memcpy(s->entry_sym, t, len + 1);
    return 0;
}

static int camp__create(struct camp_ld *l, yaml_node_t *m, struct camp_step *s,
                        struct camp_check *ck)
{
    static const char *const keys[] = {"adu", "entry", "period", "budget", "deadline", "cpu",
                                       "arg", "stack", "dry-run", "as", "expect", NULL};
    yaml_node_t *v;
    if (camp_map_check(l, m, "a create step", keys) ||
        camp_str(l, camp_need(l, m, "adu", "a create step"), "adu", s->adu, sizeof(s->adu)) ||
        camp__entry(l, camp_need(l, m, "entry", "a create step"), s) ||
        camp_dur(l, camp_need(l, m, "period", "a create step"), "period", &s->period_ns) ||
        camp_dur(l, camp_need(l, m, "budget", "a create step"), "budget", &s->budget_ns) ||
        camp__opt_dur(l, m, "deadline", &s->deadline_ns) || camp__opt_expect(l, m, s))
        return -1;
    s->cpu = -1;
    if ((v = camp_get(l, m, "cpu")) && camp__cpu(l, v, &s->cpu))
        return -1;
    if (((v = camp_get(l, m, "arg")) && camp_u64(l, v, "arg", &s->arg)) ||
        ((v = camp_get(l, m, "stack")) && camp_u64(l, v, "stack", &s->stack)) ||
        ((v = camp_get(l, m, "dry-run")) && camp_bool(l, v, "dry-run", &s->dry_run)) ||
        ((v = camp_get(l, m, "as")) && camp_str(l, v, "as", s->as, sizeof(s->as))))
        return -1;
    uint64_t dl = s->deadline_ns ? s->deadline_ns : s->period_ns;
    if (!s->period_ns || !s->budget_ns || s->budget_ns > dl || dl > s->period_ns)
        return camp_err(l, m, "create: budget, deadline and period do not fit; expected "
                        "0 < budget <= deadline <= period");
    if (!s->dry_run)
        ck->creates++;
    if (s->as[0] && ck->nnames < CAMP_MAX_NAMES)
        memcpy(ck->names[ck->nnames++], s->as, sizeof(s->as));
    return 0;
}

static int camp__set(struct camp_ld *l, yaml_node_t *m, struct camp_step *s, struct camp_check *ck)
{
    static const char *const keys[] = {"vcpu", "period", "deadline", "budget", "expect", NULL};
    if (camp_map_check(l, m, "a set step", keys) ||
        camp__vref(l, camp_need(l, m, "vcpu", "a set step"), ck, &s->vcpu) ||
        camp__opt_dur(l, m, "period", &s->period_ns) ||
        camp__opt_dur(l, m, "deadline", &s->deadline_ns) ||
        camp__opt_dur(l, m, "budget", &s->budget_ns) || camp__opt_expect(l, m, s))
        return -1;
    if (!s->period_ns && !s->deadline_ns && !s->budget_ns)
        return camp_err(l, m, "a set step changes nothing; expected period, deadline and/or "
                        "budget");
    return 0;
}

static int camp__vcpu_only(struct camp_ld *l, yaml_node_t *m, struct camp_step *s,
                           struct camp_check *ck, int migrate)
{
    static const char *const dkeys[] = {"vcpu", "expect", NULL};
    static const char *const mkeys[] = {"vcpu", "cpu", "expect", NULL};
    const char *what = migrate ? "a migrate step" : "a destroy step";
    if (camp_map_check(l, m, what, migrate ? mkeys : dkeys) ||
        camp__vref(l, camp_need(l, m, "vcpu", what), ck, &s->vcpu) || camp__opt_expect(l, m, s))
        return -1;
    if (!migrate)
        return 0;
    yaml_node_t *c = camp_need(l, m, "cpu", what);
    if (!c || camp__cpu(l, c, &s->cpu))
        return -1;
    if (s->cpu < 0)
        return camp_err(l, c, "migrate needs a CPU number; expected e.g. cpu: 1");
    return 0;
}

static int camp__reserve(struct camp_ld *l, yaml_node_t *m, struct camp_step *s)
{
    static const char *const keys[] = {"adu", "percent", "expect", NULL};
    if (camp_map_check(l, m, "a reserve step", keys) ||
        camp_str(l, camp_need(l, m, "adu", "a reserve step"), "adu", s->adu, sizeof(s->adu)) ||
        camp__opt_expect(l, m, s))
        return -1;
    yaml_node_t *p = camp_need(l, m, "percent", "a reserve step");
    const char *t = camp_text(p);
    char *end;
    double v = t ? strtod(t, &end) : -1;
    if (!p)
        return -1;
    if (!t || end == t || (*end && strcmp(end, "%") != 0) || v < 0 || v > 100)
        return camp_err(l, p, "percent is '%s'; expected 0..100, e.g. 35 or 12.5",
                        t ? t : camp_type_name(p));
    s->percent_ppm = (uint32_t)(v * 10000.0 + 0.5);
    return 0;
}

static int camp__wait(struct camp_ld *l, yaml_node_t *m, struct camp_step *s, struct camp_check *ck)
{
    static const char *const keys[] = {"releases", "vcpu", "timeout", NULL};
    if (camp_text(m))
        return camp_dur(l, m, "wait", &s->wait_ns);
    if (m->type != YAML_MAPPING_NODE)
        return camp_err(l, m, "wait is %s; expected a duration (wait: 2s) or "
                        "{releases: N, vcpu: last}", camp_type_name(m));
    yaml_node_t *v;
    if (camp_map_check(l, m, "a wait step", keys) ||
        camp_u64(l, camp_need(l, m, "releases", "a wait step"), "releases", &s->releases))
        return -1;
    if ((v = camp_get(l, m, "vcpu")) ? camp__vref(l, v, ck, &s->vcpu) : 0)
        return -1;
    if (!v) {
        if (!ck->creates)
            return camp_err(l, m, "wait for releases of the last VCPU, but no create step comes "
                            "before it; expected a create step or vcpu: ID");
        s->vcpu.kind = CAMP_VREF_LAST;
    }
    s->timeout_ns = 30000000000ull;
    return camp__opt_dur(l, m, "timeout", &s->timeout_ns);
}

static int camp__stats(struct camp_ld *l, yaml_node_t *m, struct camp_step *s)
{
    static const char *const keys[] = {"window", "rate", NULL};
    yaml_node_t *r;
    uint64_t hz = 10;
    if (camp_map_check(l, m, "a stats step", keys) ||
        camp_dur(l, camp_need(l, m, "window", "a stats step"), "window", &s->wait_ns))
        return -1;
    if ((r = camp_get(l, m, "rate")) && camp_u64(l, r, "rate", &hz))
        return -1;
    if (hz < 1 || hz > 100)
        return camp_err(l, r, "rate %llu Hz is out of range; expected 1..100",
                        (unsigned long long)hz);
    s->rate_hz = (uint32_t)hz;
    return 0;
}

static int camp__console(struct camp_ld *l, yaml_node_t *m, struct camp_step *s)
{
    static const char *const keys[] = {"adu", "send", "expect", "timeout", NULL};
    yaml_node_t *v;
    s->timeout_ns = 5000000000ull;
    if (camp_map_check(l, m, "a console step", keys) ||
        camp_str(l, camp_need(l, m, "adu", "a console step"), "adu", s->adu, sizeof(s->adu)) ||
        ((v = camp_get(l, m, "send")) && camp_str(l, v, "send", s->send, sizeof(s->send))) ||
        ((v = camp_get(l, m, "expect")) && camp_str(l, v, "expect", s->match, sizeof(s->match))) ||
        camp__opt_dur(l, m, "timeout", &s->timeout_ns))
        return -1;
    if (!s->send[0] && !s->match[0])
        return camp_err(l, m, "a console step does nothing; expected send and/or expect");
    return 0;
}

int campaign_assert_parse(struct camp_ld *l, yaml_node_t *n, struct camp_step *s,
                          struct camp_check *ck)
{
    static const char *const keys[] = {"vcpu", "checks", NULL};
    yaml_node_t *list = n;
    if (n && n->type == YAML_MAPPING_NODE) {
        if (camp_map_check(l, n, "an assert step", keys) ||
            camp__vref(l, camp_need(l, n, "vcpu", "an assert step"), ck, &s->vcpu) ||
            !(list = camp_need(l, n, "checks", "an assert step")))
            return -1;
    }
    if (!list || list->type != YAML_SEQUENCE_NODE)
        return camp_err(l, list, "assert is %s; expected a list such as [\"jitter.max < 5us\", "
                        "\"misses == 0\"] or {vcpu: last, checks: [...]}", camp_type_name(list));
    size_t cnt = (size_t)(list->data.sequence.items.top - list->data.sequence.items.start);
    if (!cnt)
        return camp_err(l, list, "assert has an empty list; expected at least one check");
    s->asserts = calloc(cnt, sizeof(*s->asserts));
    if (!s->asserts)
        return camp_err(l, list, "out of memory");
    for (yaml_node_item_t *it = list->data.sequence.items.start;
         it < list->data.sequence.items.top; it++) {
        yaml_node_t *e = camp_node(l, *it);
        char why[300];
        struct camp_assert *a = &s->asserts[s->nasserts];
        if (camp_str(l, e, "a check", a->text, sizeof(a->text)))
            return -1;
        if (campaign_assert_expr(a->text, a, why, sizeof(why)))
            return camp_err(l, e, "%s", why);
        s->nasserts++;
    }
    return 0;
}

static int camp__step_body(struct camp_ld *l, yaml_node_t *v, struct camp_step *s,
                           struct camp_check *ck)
{
    switch (s->kind) {
    case CAMP_CREATE: return camp__create(l, v, s, ck);
    case CAMP_SET: return camp__set(l, v, s, ck);
    case CAMP_DESTROY: return camp__vcpu_only(l, v, s, ck, 0);
    case CAMP_MIGRATE: return camp__vcpu_only(l, v, s, ck, 1);
    case CAMP_RESERVE: return camp__reserve(l, v, s);
    case CAMP_WAIT: return camp__wait(l, v, s, ck);
    case CAMP_STATS: ck->stats_in_case = 1; return camp__stats(l, v, s);
    case CAMP_ASSERT:
        if (!ck->stats_in_case)
            return camp_err(l, v, "assert has nothing to check; expected a stats step "
                            "({window: 1s}) before it in the same case");
        return campaign_assert_parse(l, v, s, ck);
    case CAMP_CONSOLE: return camp__console(l, v, s);
    }
    return -1;
}

int campaign_step_parse(struct camp_ld *l, yaml_node_t *n, struct camp_step *s,
                        struct camp_check *ck)
{
    char list[200];
    size_t len = 0;
    for (const char *const *k = camp__kinds; *k; k++)
        len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", len ? ", " : "", *k);
    if (!n || n->type != YAML_MAPPING_NODE ||
        n->data.mapping.pairs.top - n->data.mapping.pairs.start != 1)
        return camp_err(l, n, "a step is %s%s; expected a mapping with one key: %s",
                        camp_type_name(n),
                        n && n->type == YAML_MAPPING_NODE ? " with several keys" : "", list);
    yaml_node_t *k = camp_node(l, n->data.mapping.pairs.start->key);
    yaml_node_t *v = camp_node(l, n->data.mapping.pairs.start->value);
    const char *t = camp_text(k);
    s->line = (int)n->start_mark.line + 1;
    s->col = (int)n->start_mark.column + 1;
    for (int i = 0; t && camp__kinds[i]; i++)
        if (strcmp(t, camp__kinds[i]) == 0) {
            s->kind = (enum camp_step_kind)i;
            return camp__step_body(l, v, s, ck);
        }
    const char *sug = t ? vhctl_suggest(t, camp__kinds) : NULL;
    return camp_err(l, k, "unknown step '%s'; expected one of: %s%s%s%s", t ? t : "?", list,
                    sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "");
}
