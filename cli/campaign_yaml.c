/*
 * Typed access to the campaign's YAML document (see campaign_yaml.h).
 */
#include "campaign_yaml.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "vhctl.h"

int camp_err(struct camp_ld *l, const yaml_node_t *n, const char *fmt, ...)
{
    if (l->failed)
        return -1;
    l->failed = 1;
    size_t line = n ? n->start_mark.line + 1 : 1, col = n ? n->start_mark.column + 1 : 1;
    int k = snprintf(l->err, l->errlen, "%s:%zu:%zu: ", l->file, line, col);
    if (k < 0 || (size_t)k >= l->errlen)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(l->err + k, l->errlen - (size_t)k, fmt, ap);
    va_end(ap);
    return -1;
}

yaml_node_t *camp_node(struct camp_ld *l, int id)
{
    return yaml_document_get_node(&l->doc, id);
}

const char *camp_text(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

const char *camp_type_name(const yaml_node_t *n)
{
    if (!n)
        return "nothing";
    switch (n->type) {
    case YAML_SCALAR_NODE: return n->data.scalar.length ? "a scalar" : "an empty value";
    case YAML_SEQUENCE_NODE: return "a list";
    case YAML_MAPPING_NODE: return "a mapping";
    default: return "nothing";
    }
}

static void camp__key_list(const char *const *keys, char *out, size_t cap)
{
    size_t len = 0;
    out[0] = 0;
    for (; *keys && len < cap; keys++)
        len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? ", " : "", *keys);
}

static int camp__known(const char *k, const char *const *keys)
{
    for (; *keys; keys++)
        if (strcmp(k, *keys) == 0)
            return 1;
    return 0;
}

int camp_map_check(struct camp_ld *l, yaml_node_t *n, const char *what, const char *const *keys)
{
    char list[300];
    camp__key_list(keys, list, sizeof(list));
    if (!n || n->type != YAML_MAPPING_NODE)
        return camp_err(l, n, "%s is %s; expected a mapping with keys: %s", what,
                        camp_type_name(n), list);
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = camp_node(l, p->key);
        const char *t = camp_text(k);
        if (!t)
            return camp_err(l, k, "a key of %s is %s; expected a plain word (%s)", what,
                            camp_type_name(k), list);
        if (!camp__known(t, keys)) {
            const char *s = vhctl_suggest(t, keys);
            return camp_err(l, k, "unknown key '%s' in %s; expected one of: %s%s%s%s", t, what,
                            list, s ? " (did you mean '" : "", s ? s : "", s ? "'?)" : "");
        }
        for (yaml_node_pair_t *q = n->data.mapping.pairs.start; q < p; q++)
            if (strcmp(camp_text(camp_node(l, q->key)), t) == 0)
                return camp_err(l, k, "key '%s' appears twice in %s; expected it once", t,
                                what);
    }
    return 0;
}

yaml_node_t *camp_get(struct camp_ld *l, yaml_node_t *n, const char *key)
{
    if (!n || n->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        const char *t = camp_text(camp_node(l, p->key));
        if (t && strcmp(t, key) == 0)
            return camp_node(l, p->value);
    }
    return NULL;
}

yaml_node_t *camp_need(struct camp_ld *l, yaml_node_t *n, const char *key, const char *what)
{
    yaml_node_t *v = camp_get(l, n, key);
    if (!v)
        camp_err(l, n, "%s has no '%s'; expected '%s: ...' in it", what, key, key);
    return v;
}

int camp_str(struct camp_ld *l, yaml_node_t *n, const char *what, char *out, size_t cap)
{
    const char *t = camp_text(n);
    if (!t)
        return camp_err(l, n, "%s is %s; expected a string", what, camp_type_name(n));
    if (strlen(t) >= cap)
        return camp_err(l, n, "%s is %zu characters long; expected at most %zu", what, strlen(t),
                        cap - 1);
    memcpy(out, t, strlen(t) + 1);
    return 0;
}

int camp_u64(struct camp_ld *l, yaml_node_t *n, const char *what, uint64_t *out)
{
    const char *t = camp_text(n);
    char *end;
    if (!t || !*t || *t == '-')
        return camp_err(l, n, "%s is %s; expected a number such as 42 or 0x80200000", what,
                        t ? "negative or empty" : camp_type_name(n));
    unsigned long long v = strtoull(t, &end, 0);
    if (*end)
        return camp_err(l, n, "%s '%s' is not a number; expected e.g. 42 or 0x80200000", what, t);
    *out = v;
    return 0;
}

int camp_dur(struct camp_ld *l, yaml_node_t *n, const char *what, uint64_t *ns)
{
    char why[200];
    const char *t = camp_text(n);
    if (!t)
        return camp_err(l, n, "%s is %s; expected a duration such as 10ms", what,
                        camp_type_name(n));
    if (vhctl_parse_duration(what, t, ns, why, sizeof(why)))
        return camp_err(l, n, "%s", why);
    return 0;
}

int camp_bool(struct camp_ld *l, yaml_node_t *n, const char *what, int *out)
{
    const char *t = camp_text(n);
    if (t && (!strcmp(t, "true") || !strcmp(t, "yes") || !strcmp(t, "on"))) {
        *out = 1;
        return 0;
    }
    if (t && (!strcmp(t, "false") || !strcmp(t, "no") || !strcmp(t, "off"))) {
        *out = 0;
        return 0;
    }
    return camp_err(l, n, "%s is '%s'; expected true or false", what, t ? t : camp_type_name(n));
}
