/*
 * vhctl's messages and argument helpers: errors on stderr that say what
 * was wrong and what would be right, "did you mean" by edit distance,
 * numbers and percentages.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vhctl.h"

void vhctl_err(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("vhctl: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static size_t vhctl__distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), prev[64], cur[64];
    if (la >= 63 || lb >= 63)
        return 99;
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
        memcpy(prev, cur, (lb + 1) * sizeof(size_t));
    }
    return prev[lb];
}

const char *vhctl_suggest(const char *w, const char *const *words)
{
    const char *best = NULL;
    size_t bd = 3;
    for (; *words; words++) {
        size_t d = vhctl__distance(w, *words);
        if (d < bd || (strncmp(w, *words, strlen(w)) == 0 && strlen(w) >= 2 && d <= bd)) {
            bd = d;
            best = *words;
        }
    }
    return best;
}

int vhctl_unknown(const char *what, const char *w, const char *const *words)
{
    const char *s = vhctl_suggest(w, words);
    char list[256];
    size_t len = 0;
    list[0] = 0;
    for (const char *const *p = words; *p && len < sizeof(list); p++)
        len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", len ? ", " : "", *p);
    if (s)
        vhctl_err("unknown %s '%s'; did you mean '%s'?", what, w, s);
    else
        vhctl_err("unknown %s '%s'; use one of: %s", what, w, list);
    return VHCTL_EUSAGE;
}

int vhctl_parse_u64(const char *opt, const char *s, uint64_t *out)
{
    char *end;
    if (!*s || *s == '-') {
        vhctl_err("%s: '%s' is not a number; use e.g. 42 or 0x80200000", opt, s);
        return -1;
    }
    unsigned long long v = strtoull(s, &end, 0);
    if (*end) {
        vhctl_err("%s: '%s' is not a number; use e.g. 42 or 0x80200000", opt, s);
        return -1;
    }
    *out = v;
    return 0;
}

int vhctl_parse_u32(const char *opt, const char *s, uint32_t *out)
{
    uint64_t v;
    if (vhctl_parse_u64(opt, s, &v))
        return -1;
    if (v > UINT32_MAX) {
        vhctl_err("%s: '%s' is too large", opt, s);
        return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

int vhctl_parse_percent(const char *opt, const char *s, uint32_t *ppm)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || (*end && strcmp(end, "%") != 0) || v < 0 || v > 100) {
        vhctl_err("%s: '%s' is not a percentage; use 0..100, e.g. 25 or 12.5%%", opt, s);
        return -1;
    }
    *ppm = (uint32_t)(v * 10000.0 + 0.5);
    return 0;
}

const char *vhctl_status_name(int status)
{
    const ProtobufCEnumValue *e = protobuf_c_enum_descriptor_get_value(&vh__status__descriptor,
                                                                       status);
    return e ? e->name : "unknown status";
}

int vhctl_wants_help(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return 1;
    return 0;
}
