/*
 * vhscen value syntax: numbers, sizes, times, percentages, CPU sets and
 * lists, plus the formatters messages use to show sizes and percentages.
 *
 * Parsers take one trimmed value and return NULL on success or a short
 * phrase saying what is wrong; the caller adds the ADU, the field and what
 * would be right.  Numbers are decimal or 0x-hex; sizes take K/M/G
 * (powers of 1024, "KiB" style accepted); times need a unit (ns, us, ms, s);
 * percentages have up to three decimals and become parts per million.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "scen_internal.h"

/* Digits of a number at *p (advanced past them). */
static const char *parse_digits(const char **p, uint64_t *out)
{
    const char *s = *p;
    unsigned base = 10;
    uint64_t v = 0;
    int any = 0;

    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    for (;; s++, any = 1) {
        int d = isdigit((unsigned char)*s)          ? *s - '0'
                : base == 16 && isxdigit((unsigned char)*s) ? (tolower(*s) - 'a' + 10)
                                                    : -1;
        if (d < 0)
            break;
        if (v > (UINT64_MAX - (unsigned)d) / base)
            return "number too large";
        v = v * base + (unsigned)d;
    }
    if (!any)
        return "not a number";
    *p = s;
    *out = v;
    return NULL;
}

const char *scen_parse_u64(const char *text, uint64_t *out)
{
    const char *p = text, *err = parse_digits(&p, out);

    if (err)
        return err;
    return *p ? "trailing characters after the number" : NULL;
}

static uint64_t size_unit(const char *p)
{
    static const char *const units[] = {"", "K", "M", "G"};

    for (unsigned i = 0; i < 4; i++) {
        size_t n = strlen(units[i]);
        if (strncasecmp(p, units[i], n))
            continue;
        if (!strcmp(p + n, "") || (i && (!strcasecmp(p + n, "iB") ||
                                         !strcasecmp(p + n, "B"))))
            return 1ULL << (10 * i);
    }
    return 0;
}

const char *scen_parse_size(const char *text, uint64_t *out)
{
    const char *p = text, *err = parse_digits(&p, out);
    uint64_t unit;

    if (err)
        return err;
    while (*p == ' ')
        p++;
    unit = size_unit(p);
    if (!unit)
        return "unknown size suffix (use K, M or G)";
    if (*out > UINT64_MAX / unit)
        return "size too large";
    *out *= unit;
    return NULL;
}

const char *scen_parse_time_ns(const char *text, uint64_t *out)
{
    static const struct {
        const char *name;
        uint64_t ns;
    } units[] = {{"ns", 1}, {"us", 1000}, {"ms", 1000000}, {"s", 1000000000}};
    const char *p = text, *err = parse_digits(&p, out);

    if (err)
        return err;
    while (*p == ' ')
        p++;
    if (!*p)
        return "missing unit (ns, us, ms or s)";
    for (unsigned i = 0; i < 4; i++)
        if (!strcmp(p, units[i].name)) {
            if (*out > UINT64_MAX / units[i].ns)
                return "time too large";
            *out *= units[i].ns;
            return NULL;
        }
    return "unknown time unit (use ns, us, ms or s)";
}

const char *scen_parse_ppm(const char *text, uint32_t *out)
{
    const char *p = text;
    uint64_t whole, frac = 0;
    unsigned ndec = 0;

    if (!isdigit((unsigned char)*p) || (p[0] == '0' && tolower(p[1]) == 'x') ||
        parse_digits(&p, &whole))
        return "not a percentage";
    if (*p == '.') {
        for (p++; isdigit((unsigned char)*p); p++, ndec++)
            if (ndec < 3)
                frac = frac * 10 + (uint64_t)(*p - '0');
        if (ndec == 0 || ndec > 3)
            return ndec ? "more than 3 decimals" : "no digits after '.'";
    }
    if (*p != '%' || p[1])
        return *p ? "trailing characters (expected '%')" : "missing '%'";
    for (; ndec < 3; ndec++)
        frac *= 10;
    if (whole > 100 || (whole == 100 && frac))
        return "more than 100%";
    *out = (uint32_t)(whole * 10000 + frac * 10);
    return NULL;
}

/* One "N" or "N-M" item of a CPU set. */
static const char *parse_cpu_range(const char *item, uint32_t *mask)
{
    const char *p = item, *err;
    uint64_t lo, hi;

    err = parse_digits(&p, &lo);
    if (err)
        return "not a CPU number or range";
    hi = lo;
    if (*p == '-') {
        p++;
        if (parse_digits(&p, &hi))
            return "bad CPU range";
    }
    if (*p || hi < lo)
        return "bad CPU range";
    if (hi >= 32)
        return "CPU number too large";
    for (uint64_t c = lo; c <= hi; c++)
        *mask |= 1u << c;
    return NULL;
}

const char *scen_parse_cpuset(const char *text, uint32_t *mask)
{
    char *items[32];
    const char *err = NULL;
    int n;

    *mask = 0;
    if (!strcmp(text, "all")) {
        *mask = UINT32_MAX;
        return NULL;
    }
    n = scen_split(text, ',', items, 32);
    if (n <= 0)
        return "empty CPU set or list item";
    for (int i = 0; i < n && !err; i++)
        err = parse_cpu_range(items[i], mask);
    scen_free_items(items, n);
    return err;
}

int scen_split(const char *text, char sep, char **items, int max)
{
    const char *p = text;
    int n = 0;

    for (;;) {
        const char *end = strchr(p, sep), *b = p, *e;
        if (!end)
            end = p + strlen(p);
        e = end;
        while (b < e && isspace((unsigned char)*b))
            b++;
        while (e > b && isspace((unsigned char)e[-1]))
            e--;
        if (b == e || n >= max) {
            scen_free_items(items, n);
            return -1;
        }
        items[n] = scen_strdup(b);
        items[n++][e - b] = '\0';
        if (!*end)
            return n;
        p = end + 1;
    }
}

void scen_free_items(char **items, int n)
{
    for (int i = 0; i < n; i++)
        free(items[i]);
}

const char *scen_fmt_size(uint64_t bytes, char *buf, size_t len)
{
    if (bytes && bytes % (1ULL << 30) == 0)
        snprintf(buf, len, "%llu GiB", (unsigned long long)(bytes >> 30));
    else if (bytes && bytes % MIB == 0)
        snprintf(buf, len, "%llu MiB", (unsigned long long)(bytes >> 20));
    else if (bytes && bytes % 1024 == 0)
        snprintf(buf, len, "%llu KiB", (unsigned long long)(bytes >> 10));
    else
        snprintf(buf, len, "%llu bytes", (unsigned long long)bytes);
    return buf;
}

const char *scen_fmt_ppm(uint32_t ppm, char *buf, size_t len)
{
    unsigned whole = ppm / 10000, frac = (ppm % 10000) / 10;

    if (frac == 0)
        snprintf(buf, len, "%u%%", whole);
    else if (frac % 100 == 0)
        snprintf(buf, len, "%u.%u%%", whole, frac / 100);
    else if (frac % 10 == 0)
        snprintf(buf, len, "%u.%02u%%", whole, frac / 10);
    else
        snprintf(buf, len, "%u.%03u%%", whole, frac);
    return buf;
}
