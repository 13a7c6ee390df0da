/*
 * Campaign loader: reads the YAML file with libyaml's document API and
 * fills struct campaign, checking every key, type and value on the way
 * (see docs/campaigns.md for the format).  Spawn specs may use `{n}` (the
 * spawned target's number, from 1) and `${VAR}` (an environment variable).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign.h"
#include "campaign_step.h"

/* Expand ${VAR} and {n} in a spawn spec. */
static int camp__expand(struct camp_ld *l, yaml_node_t *n, const char *in, unsigned idx,
                        char *out, size_t cap)
{
    size_t o = 0;
    for (const char *p = in; *p;) {
        char tmp[CAMP_TEXT_MAX];
        const char *add = tmp;
        size_t len;
        if (p[0] == '$' && p[1] == '{') {
            const char *e = strchr(p, '}');
            if (!e)
                return camp_err(l, n, "spec '%s' has '${' without '}'; expected ${VAR}", in);
            snprintf(tmp, sizeof(tmp), "%.*s", (int)(e - p - 2), p + 2);
            add = getenv(tmp);
            if (!add)
                return camp_err(l, n, "spec '%s' uses ${%s}, which is not set; expected it "
                                "in the environment", in, tmp);
            p = e + 1;
        } else if (strncmp(p, "{n}", 3) == 0) {
            snprintf(tmp, sizeof(tmp), "%u", idx);
            p += 3;
        } else {
            tmp[0] = *p++;
            tmp[1] = 0;
        }
        len = strlen(add);
        if (o + len >= cap)
            return camp_err(l, n, "spec '%s' is too long once expanded; expected under %zu "
                            "characters", in, cap);
        memcpy(out + o, add, len);
        o += len;
    }
    out[o] = 0;
    return 0;
}

static struct camp_target *camp__add_target(struct campaign *c)
{
    struct camp_target *t = realloc(c->targets, (c->ntargets + 1) * sizeof(*t));
    if (!t)
        return NULL;
    c->targets = t;
    memset(&t[c->ntargets], 0, sizeof(*t));
    return &t[c->ntargets++];
}

static int camp__target_unique(struct camp_ld *l, yaml_node_t *n, struct campaign *c,
                               const char *name)
{
    for (size_t i = 0; i < c->ntargets; i++)
        if (strcmp(c->targets[i].name, name) == 0)
            return camp_err(l, n, "target '%s' is listed twice; expected each target once", name);
    return 0;
}

static int camp__spawn(struct camp_ld *l, yaml_node_t *n, struct campaign *c)
{
    char spec[CAMP_TEXT_MAX], prefix[CAMP_NAME_MAX - 8] = "spawn";
    uint64_t count;
    int keep = 0;
    yaml_node_t *v, *sn = camp_need(l, n, "spec", "a spawn entry");
    if (camp_u64(l, camp_get(l, n, "spawn"), "spawn", &count) ||
        camp_str(l, sn, "spec", spec, sizeof(spec)) ||
        ((v = camp_get(l, n, "prefix")) && camp_str(l, v, "prefix", prefix, sizeof(prefix))) ||
        ((v = camp_get(l, n, "keep")) && camp_bool(l, v, "keep", &keep)))
        return -1;
    if (count < 1 || count > 64)
        return camp_err(l, camp_get(l, n, "spawn"), "spawn: %llu targets; expected 1..64",
                        (unsigned long long)count);
    for (unsigned i = 1; i <= count; i++) {
        char name[CAMP_NAME_MAX];
        snprintf(name, sizeof(name), "%s%u", prefix, i);
        struct camp_target *t;
        if (camp__target_unique(l, n, c, name))
            return -1;
        if (!(t = camp__add_target(c)))
            return camp_err(l, n, "out of memory");
        memcpy(t->name, name, sizeof(name));
        t->spawned = 1;
        t->keep = keep;
        if (camp__expand(l, sn, spec, i, t->spec, sizeof(t->spec)))
            return -1;
    }
    return 0;
}

static int camp__targets(struct camp_ld *l, yaml_node_t *n, struct campaign *c)
{
    static const char *const nkeys[] = {"name", "spec", "keep", NULL};
    static const char *const skeys[] = {"spawn", "spec", "prefix", "keep", NULL};
    if (!n || n->type != YAML_SEQUENCE_NODE || n->data.sequence.items.top == n->data.sequence.items.start)
        return camp_err(l, n, "targets is %s; expected a list of {name: TARGET} or "
                        "{spawn: N, spec: SPEC}", camp_type_name(n));
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
         it++) {
        yaml_node_t *e = camp_node(l, *it), *v;
        if (camp_get(l, e, "spawn")) {
            if (camp_map_check(l, e, "a spawn entry", skeys) || camp__spawn(l, e, c))
                return -1;
            continue;
        }
        if (camp_map_check(l, e, "a target entry", nkeys))
            return -1;
        char name[CAMP_NAME_MAX];
        if (camp_str(l, camp_need(l, e, "name", "a target entry"), "name", name, sizeof(name)) ||
            camp__target_unique(l, e, c, name))
            return -1;
        struct camp_target *t = camp__add_target(c);
        if (!t)
            return camp_err(l, e, "out of memory");
        memcpy(t->name, name, sizeof(name));
        if ((v = camp_get(l, e, "spec"))) {
            t->spawned = 1;
            if (camp_str(l, v, "spec", name, sizeof(name)) ||
                camp__expand(l, v, camp_text(v), 1, t->spec, sizeof(t->spec)))
                return -1;
        }
        if ((v = camp_get(l, e, "keep")) && camp_bool(l, v, "keep", &t->keep))
            return -1;
    }
    return 0;
}

static int camp__case(struct camp_ld *l, yaml_node_t *n, struct camp_case *cs,
                      struct camp_check *ck, const struct campaign *c, size_t idx)
{
    static const char *const keys[] = {"name", "steps", NULL};
    if (camp_map_check(l, n, "a case", keys) ||
        camp_str(l, camp_need(l, n, "name", "a case"), "case name", cs->name, sizeof(cs->name)))
        return -1;
    for (size_t i = 0; i < idx; i++)
        if (strcmp(c->cases[i].name, cs->name) == 0)
            return camp_err(l, camp_get(l, n, "name"), "case '%s' is defined twice; expected "
                            "unique case names", cs->name);
    yaml_node_t *st = camp_need(l, n, "steps", "a case");
    if (!st)
        return -1;
    if (st->type != YAML_SEQUENCE_NODE || st->data.sequence.items.top == st->data.sequence.items.start)
        return camp_err(l, st, "steps of case '%s' is %s; expected a list of steps", cs->name,
                        camp_type_name(st));
    size_t cnt = (size_t)(st->data.sequence.items.top - st->data.sequence.items.start);
    if (!(cs->steps = calloc(cnt, sizeof(*cs->steps))))
        return camp_err(l, st, "out of memory");
    ck->stats_in_case = 0;
    for (size_t i = 0; i < cnt; i++) {
        if (campaign_step_parse(l, camp_node(l, st->data.sequence.items.start[i]),
                                &cs->steps[i], ck))
            return -1;
        cs->nsteps++;
    }
    return 0;
}

static int camp__cases(struct camp_ld *l, yaml_node_t *n, struct campaign *c)
{
    struct camp_check ck;
    memset(&ck, 0, sizeof(ck));
    if (!n || n->type != YAML_SEQUENCE_NODE || n->data.sequence.items.top == n->data.sequence.items.start)
        return camp_err(l, n, "cases is %s; expected a list of {name: CASE, steps: [...]}",
                        camp_type_name(n));
    size_t cnt = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    if (!(c->cases = calloc(cnt, sizeof(*c->cases))))
        return camp_err(l, n, "out of memory");
    for (size_t i = 0; i < cnt; i++) {
        struct camp_case *cs = &c->cases[i];
        if (camp__case(l, camp_node(l, n->data.sequence.items.start[i]), cs, &ck, c, i)) {
            /* The failed case is not counted: free what its steps got so far (the
             * failing step is at index nsteps, still inside the array). */
            for (size_t k = 0; cs->steps && k <= cs->nsteps; k++)
                free(cs->steps[k].asserts);
            free(cs->steps);
            return -1;
        }
        c->ncases++;
    }
    return 0;
}

static int camp__top(struct camp_ld *l, struct campaign *c)
{
    static const char *const keys[] = {"name",  "description", "targets", "cases",
                                       "timeout", "up-timeout", "cleanup", NULL};
    yaml_node_t *root = yaml_document_get_root_node(&l->doc), *v;
    if (!root)
        return camp_err(l, NULL, "the file is empty; expected a campaign (name, targets, cases)");
    if (camp_map_check(l, root, "the campaign", keys) ||
        camp_str(l, camp_need(l, root, "name", "the campaign"), "name", c->name, sizeof(c->name)))
        return -1;
    c->timeout_ns = 5000000000ull;
    c->up_timeout_ns = 30000000000ull;
    c->cleanup = 1;
    if (((v = camp_get(l, root, "timeout")) && camp_dur(l, v, "timeout", &c->timeout_ns)) ||
        ((v = camp_get(l, root, "up-timeout")) && camp_dur(l, v, "up-timeout", &c->up_timeout_ns)) ||
        ((v = camp_get(l, root, "cleanup")) && camp_bool(l, v, "cleanup", &c->cleanup)))
        return -1;
    if ((v = camp_get(l, root, "description")) && !camp_text(v))
        return camp_err(l, v, "description is %s; expected a string", camp_type_name(v));
    return camp__targets(l, camp_need(l, root, "targets", "the campaign"), c) ||
                   camp__cases(l, camp_need(l, root, "cases", "the campaign"), c)
               ? -1
               : 0;
}

static int camp__parse_file(struct camp_ld *l, FILE *f)
{
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p))
        return camp_err(l, NULL, "cannot initialise the YAML parser");
    yaml_parser_set_input_file(&p, f);
    int rc = 0;
    if (!yaml_parser_load(&p, &l->doc)) {
        l->failed = 1;
        snprintf(l->err, l->errlen, "%s:%zu:%zu: YAML syntax: %s%s%s; expected well-formed YAML",
                 l->file, p.problem_mark.line + 1, p.problem_mark.column + 1,
                 p.problem ? p.problem : "error", p.context ? " " : "", p.context ? p.context : "");
        rc = -1;
    }
    yaml_parser_delete(&p);
    return rc;
}

int campaign_load(struct campaign *c, const char *file, char *err, size_t errlen)
{
    struct camp_ld l = {.file = file, .err = err, .errlen = errlen};
    memset(c, 0, sizeof(*c));
    snprintf(c->file, sizeof(c->file), "%s", file);
    FILE *f = fopen(file, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s; expected a readable campaign file", file,
                 strerror(errno));
        return -1;
    }
    int rc = camp__parse_file(&l, f);
    fclose(f);
    if (rc)
        return -1;
    rc = camp__top(&l, c);
    yaml_document_delete(&l.doc);
    if (rc)
        campaign_free(c);
    return rc ? -1 : 0;
}

void campaign_free(struct campaign *c)
{
    for (size_t i = 0; i < c->ncases; i++) {
        for (size_t k = 0; k < c->cases[i].nsteps; k++)
            free(c->cases[i].steps[k].asserts);
        free(c->cases[i].steps);
    }
    free(c->cases);
    free(c->targets);
    c->cases = NULL;
    c->targets = NULL;
    c->ncases = c->ntargets = 0;
}
