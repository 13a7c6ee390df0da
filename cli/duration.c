/*
 * Duration parsing and formatting (see duration.h).  Integer arithmetic
 * on the digits, so "0.1s" is exactly 100000000 ns.
 */
#include "duration.h"

#include <stdio.h>
#include <string.h>

struct vhctl__unit {
    const char *name;
    uint64_t ns;
};

static const struct vhctl__unit vhctl__units[] = {
    {"ns", 1}, {"us", 1000}, {"\xc2\xb5s", 1000}, {"ms", 1000000}, {"s", 1000000000},
};

/* Digits with an optional fraction: value in units of 10^-9 (nano-units). */
static const char *vhctl__number(const char *p, uint64_t *whole, uint64_t *frac_e9, int *ok)
{
    *whole = 0;
    *frac_e9 = 0;
    *ok = 0;
    while (*p >= '0' && *p <= '9') {
        if (*whole > (UINT64_MAX - 9) / 10)
            return p;
        *whole = *whole * 10 + (uint64_t)(*p++ - '0');
        *ok = 1;
    }
    if (*p == '.') {
        p++;
        uint64_t scale = 100000000;
        while (*p >= '0' && *p <= '9') {
            *frac_e9 += (uint64_t)(*p++ - '0') * scale;
            scale /= 10;
            *ok = 1;
        }
    }
    return p;
}

int vhctl_parse_duration(const char *opt, const char *text, uint64_t *ns, char *why, size_t wl)
{
    uint64_t whole, frac;
    int ok;
    const char *unit = vhctl__number(text, &whole, &frac, &ok);
    if (!ok) {
        snprintf(why, wl, "%s: '%s' is not a duration; use a number with a unit, e.g. 10ms, "
                 "500us, 2s", opt, text);
        return -1;
    }
    if (!*unit) {
        snprintf(why, wl, "%s: '%s' has no unit; use e.g. %sms", opt, text, text);
        return -1;
    }
    for (size_t i = 0; i < sizeof(vhctl__units) / sizeof(vhctl__units[0]); i++) {
        const struct vhctl__unit *u = &vhctl__units[i];
        if (strcmp(unit, u->name) != 0)
            continue;
        if (whole > UINT64_MAX / u->ns) {
            snprintf(why, wl, "%s: '%s' is too large", opt, text);
            return -1;
        }
        uint64_t f = frac / 1000000000ull * u->ns + frac % 1000000000ull * u->ns / 1000000000ull;
        if (u->ns == 1 && frac) {
            snprintf(why, wl, "%s: '%s': nanoseconds have no fraction", opt, text);
            return -1;
        }
        *ns = whole * u->ns + f;
        return 0;
    }
    snprintf(why, wl, "%s: '%s' has an unknown unit '%s'; use ns, us, ms or s", opt, text, unit);
    return -1;
}

void vhctl_format_duration(uint64_t ns, char *out, size_t cap)
{
    static const struct vhctl__unit fmt[] = {{"s", 1000000000}, {"ms", 1000000}, {"us", 1000}};
    for (size_t i = 0; i < 3; i++) {
        if (ns >= fmt[i].ns) {
            if (ns % fmt[i].ns == 0)
                snprintf(out, cap, "%llu%s", (unsigned long long)(ns / fmt[i].ns), fmt[i].name);
            else
                snprintf(out, cap, "%.3g%s", (double)ns / (double)fmt[i].ns, fmt[i].name);
            return;
        }
    }
    snprintf(out, cap, "%lluns", (unsigned long long)ns);
}
