/*
 * vhscen front end: options, messages, and the lexer.
 *
 * vhs_load() reads the file and runs the three phases (see scen_internal.h).
 * This file holds the first: it splits the text into [machine] and
 * [adu NAME] sections of `key = value` lines, strips `#` comments, and
 * rejects what no later phase could make sense of: unknown sections, unknown
 * keys (suggesting the closest known one), duplicate keys, duplicate or
 * invalid ADU names and more ADUs than VH_MAX_ADUS.  It also holds the
 * message helpers every phase reports through.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scen_internal.h"

const char *const scen_machine_keys[] = {"name",     "cpus",      "quantum",
                                         "rt_limit", "cpu_limit", "hv_margin",
                                         "timer_advance", "trace", NULL};
const char *const scen_adu_keys[] = {
    "memory",   "address", "image",   "entry", "bootargs", "vcpus",
    "priority", "affinity", "reserve", "devices", "caps",  "send_to",
    "msg_depth", "msg_size", NULL};

char *scen_strdup(const char *text)
{
    size_t n = strlen(text) + 1;
    char *copy = malloc(n);

    if (!copy) {
        perror("vhscen");
        exit(2);
    }
    return memcpy(copy, text, n);
}

static void diag_add(struct vhs_scenario *s, unsigned line, const char *scope,
                     const char *field, const char *fmt, va_list ap)
{
    char msg[1024];
    int n;

    if (s->diag.n >= VHS_MAX_DIAGS) {
        s->diag.dropped++;
        return;
    }
    if (line)
        n = snprintf(msg, sizeof(msg), "%s:%u: ", s->file, line);
    else
        n = snprintf(msg, sizeof(msg), "%s: ", s->file);
    if (scope)
        n += snprintf(msg + n, sizeof(msg) - (size_t)n, "%s: ", scope);
    if (field)
        n += snprintf(msg + n, sizeof(msg) - (size_t)n, "%s: ", field);
    vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
    s->diag.line[s->diag.n] = line;
    s->diag.msg[s->diag.n++] = scen_strdup(msg);
}

void scen_err_file(struct vhs_scenario *s, unsigned line, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    diag_add(s, line, NULL, NULL, fmt, ap);
    va_end(ap);
}

void scen_err_machine(struct vhs_scenario *s, const char *key, const char *fmt, ...)
{
    unsigned line = scen_key_line(&s->machine, key);
    va_list ap;

    va_start(ap, fmt);
    diag_add(s, line ? line : s->machine_line, "machine", key, fmt, ap);
    va_end(ap);
}

void scen_err_adu(struct vhs_scenario *s, const struct vhs_adu *a, const char *key,
                  const char *fmt, ...)
{
    unsigned line = key ? scen_key_line(&a->keys, key) : 0;
    char scope[VH_NAME_LEN + 8];
    va_list ap;

    snprintf(scope, sizeof(scope), "adu '%s'", a->cfg->name);
    va_start(ap, fmt);
    diag_add(s, line ? line : a->line, scope, key, fmt, ap);
    va_end(ap);
}

unsigned scen_key_line(const struct vhs_keys *k, const char *key)
{
    for (unsigned i = 0; i < k->n; i++)
        if (!strcmp(k->kv[i].key, key))
            return k->kv[i].line;
    return 0;
}

const char *scen_key_value(const struct vhs_keys *k, const char *key)
{
    for (unsigned i = 0; i < k->n; i++)
        if (!strcmp(k->kv[i].key, key))
            return k->kv[i].value;
    return NULL;
}

int scen_valid_name(const char *name)
{
    size_t n = strlen(name);

    if (n == 0 || n >= VH_NAME_LEN)
        return 0;
    return strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

/* Edit distance between two short strings (keys), for suggestions. */
static unsigned edit_distance(const char *a, const char *b)
{
    unsigned row[64], la = (unsigned)strlen(a), lb = (unsigned)strlen(b);

    if (la >= 63 || lb >= 63)
        return UINT_MAX;
    for (unsigned j = 0; j <= lb; j++)
        row[j] = j;
    for (unsigned i = 1; i <= la; i++) {
        unsigned diag = row[0];
        row[0] = i;
        for (unsigned j = 1; j <= lb; j++) {
            unsigned up = row[j], best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            diag = up;
            row[j] = best;
        }
    }
    return row[lb];
}

/* "did you mean 'memory'?" or the list of known keys. */
static void suggest_key(const char *key, const char *const *known, char *buf,
                        size_t len)
{
    unsigned best = UINT_MAX, n = 0;
    const char *best_key = NULL;

    for (unsigned i = 0; known[i]; i++) {
        unsigned d = edit_distance(key, known[i]);
        if (d < best) {
            best = d;
            best_key = known[i];
        }
    }
    if (best_key && best <= 1 + strlen(key) / 3) {
        snprintf(buf, len, "did you mean '%s'?", best_key);
        return;
    }
    n = (unsigned)snprintf(buf, len, "known keys:");
    for (unsigned i = 0; known[i] && n < len; i++)
        n += (unsigned)snprintf(buf + n, len - n, "%s %s", i ? "," : "", known[i]);
}

/* Lexer state: where keys go and which keys are valid there. */
struct lex {
    struct vhs_scenario *s;
    struct vhs_keys *keys;     /* NULL: ignore keys (bad section) */
    const char *const *known;
    const char *scope;         /* "machine" or the ADU name, for messages */
    int in_section;
    unsigned adus_seen;
};

static char *trim(char *p)
{
    char *end;

    while (*p == ' ' || *p == '\t' || *p == '\r')
        p++;
    end = p + strlen(p);
    while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        *--end = '\0';
    return p;
}

/* A `#` at the start or after white space begins a comment. */
static void strip_comment(char *p)
{
    for (char *c = p; *c; c++)
        if (*c == '#' && (c == p || c[-1] == ' ' || c[-1] == '\t')) {
            *c = '\0';
            return;
        }
}

static void lex_machine(struct lex *lx, unsigned line)
{
    struct vhs_scenario *s = lx->s;

    if (s->machine_line) {
        scen_err_file(s, line,
                      "machine: duplicate [machine] section (first on line %u); "
                      "merge them into one",
                      s->machine_line);
        return;
    }
    s->machine_line = line;
    lx->keys = &s->machine;
    lx->known = scen_machine_keys;
    lx->scope = "machine";
}

static int lex_adu_name_ok(struct lex *lx, const char *name, unsigned line)
{
    struct vhs_scenario *s = lx->s;
    int dup = vhs_find_adu(s, name);

    if (!scen_valid_name(name)) {
        scen_err_file(s, line,
                      "adu '%s': name: invalid ADU name; use 1..15 characters "
                      "from a-z, 0-9, '_' and '-'",
                      name);
        return 0;
    }
    if (dup >= 0) {
        scen_err_file(s, line,
                      "adu '%s': name: duplicate ADU name (first declared on "
                      "line %u); give each ADU its own name",
                      name, s->adu[dup].line);
        return 0;
    }
    if (s->nadus >= VH_MAX_ADUS) {
        scen_err_file(s, line,
                      "adu '%s': too many ADUs: this is ADU %u, at most %d "
                      "(VH_MAX_ADUS) fit; remove or merge ADUs",
                      name, lx->adus_seen, VH_MAX_ADUS);
        return 0;
    }
    return 1;
}

static void lex_adu(struct lex *lx, const char *name, unsigned line)
{
    struct vhs_scenario *s = lx->s;
    struct vhs_adu *a;

    lx->adus_seen++;
    if (!lex_adu_name_ok(lx, name, line))
        return;
    a = &s->adu[s->nadus];
    a->cfg = &s->cfg.adu[s->nadus];
    strcpy(a->cfg->name, name);
    a->line = line;
    s->nadus++;
    s->cfg.nadus = s->nadus;
    lx->keys = &a->keys;
    lx->known = scen_adu_keys;
    lx->scope = a->cfg->name;
}

static void lex_section(struct lex *lx, char *p, unsigned line)
{
    char *end = strchr(p, ']');

    lx->in_section = 1;
    lx->keys = NULL;
    if (!end || *trim(end + 1)) {
        scen_err_file(lx->s, line,
                      "malformed section header '%s'; write [machine] or [adu NAME]",
                      p);
        return;
    }
    *end = '\0';
    p = trim(p + 1);
    if (!strcmp(p, "machine"))
        lex_machine(lx, line);
    else if (!strncmp(p, "adu", 3) && (p[3] == ' ' || p[3] == '\t'))
        lex_adu(lx, trim(p + 3), line);
    else
        scen_err_file(lx->s, line,
                      "unknown section '[%s]'; use [machine] or [adu NAME]", p);
}

static int is_known(const char *key, const char *const *known)
{
    for (unsigned i = 0; known[i]; i++)
        if (!strcmp(key, known[i]))
            return 1;
    return 0;
}

static void lex_key_error(struct lex *lx, unsigned line, const char *key,
                          const char *fmt_tail)
{
    if (lx->known == scen_machine_keys)
        scen_err_file(lx->s, line, "machine: %s: %s", key, fmt_tail);
    else
        scen_err_file(lx->s, line, "adu '%s': %s: %s", lx->scope, key, fmt_tail);
}

/* A known key in a good section: reject a duplicate, else keep it. */
static void lex_store(struct lex *lx, const char *key, const char *value,
                      unsigned line)
{
    unsigned first = scen_key_line(lx->keys, key);
    char msg[128];

    if (first) {
        snprintf(msg, sizeof(msg), "duplicate key (first set on line %u); keep one",
                 first);
        lex_key_error(lx, line, key, msg);
    } else if (lx->keys->n < VHS_MAX_KEYS) {
        struct vhs_kv *kv = &lx->keys->kv[lx->keys->n++];
        kv->key = scen_strdup(key);
        kv->value = scen_strdup(value);
        kv->line = line;
    }
}

static void lex_key(struct lex *lx, char *p, unsigned line)
{
    char *eq = strchr(p, '='), *key, hint[256], msg[300];

    if (!eq) {
        scen_err_file(lx->s, line, "expected 'key = value' or '[section]', got '%s'", p);
        return;
    }
    *eq = '\0';
    key = trim(p);
    if (!lx->in_section) {
        scen_err_file(lx->s, line, "key '%s' outside any section; put it under "
                      "[machine] or [adu NAME]", key);
    } else if (lx->keys && !is_known(key, lx->known)) {
        suggest_key(key, lx->known, hint, sizeof(hint));
        snprintf(msg, sizeof(msg), "unknown key; %s", hint);
        lex_key_error(lx, line, key, msg);
    } else if (lx->keys) { /* NULL: a section already reported as bad */
        lex_store(lx, key, trim(eq + 1), line);
    }
}

void scen_lex(struct vhs_scenario *s, const char *text)
{
    struct lex lx = {.s = s};
    char *copy = scen_strdup(text), *p = copy;
    unsigned line = 0;

    while (p) {
        char *nl = strchr(p, '\n'), *t;
        if (nl)
            *nl = '\0';
        line++;
        strip_comment(p);
        t = trim(p);
        if (*t == '[')
            lex_section(&lx, t, line);
        else if (*t)
            lex_key(&lx, t, line);
        p = nl ? nl + 1 : NULL;
    }
    free(copy);
}
