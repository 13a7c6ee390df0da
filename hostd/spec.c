/*
 * Target spec parsing (see spec.h).
 */
#include "spec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int vhd__copy(char *dst, size_t cap, const char *src, size_t n)
{
    if (n == 0 || n >= cap)
        return -1;
    memcpy(dst, src, n);
    dst[n] = 0;
    return 0;
}

static int vhd__parse_uint(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    if (!*s || *s == '-' || *s == '+')
        return -1;
    unsigned long v = strtoul(s, &end, 10);
    if (*end || v > max)
        return -1;
    *out = v;
    return 0;
}

static int vhd__spec_tcp(const char *a, struct vhd_spec *o, char *why, size_t wl)
{
    const char *colon = strrchr(a, ':');
    unsigned long port;
    if (!colon || vhd__copy(o->host, sizeof(o->host), a, (size_t)(colon - a)) ||
        vhd__parse_uint(colon + 1, 65535, &port) || port == 0) {
        snprintf(why, wl, "'tcp:%s': want tcp:HOST:PORT, e.g. tcp:127.0.0.1:4444", a);
        return -1;
    }
    o->port = (uint16_t)port;
    return 0;
}

static int vhd__spec_serial(const char *a, struct vhd_spec *o, char *why, size_t wl)
{
    const char *colon = strrchr(a, ':');
    unsigned long baud = 115200;
    size_t n = colon ? (size_t)(colon - a) : strlen(a);
    if (vhd__copy(o->path, sizeof(o->path), a, n) ||
        (colon && (vhd__parse_uint(colon + 1, 4000000, &baud) || baud == 0))) {
        snprintf(why, wl, "'serial:%s': want serial:DEVICE[:BAUD], e.g. serial:/dev/ttyUSB0:115200", a);
        return -1;
    }
    o->baud = (unsigned)baud;
    return 0;
}

static int vhd__spec_qemu_opt(const char *opt, struct vhd_spec *o)
{
    unsigned long v;
    if (strcmp(opt, "icount") == 0) {
        if (o->icount == VHD_ICOUNT_OFF) /* ",nosleep,icount" stays nosleep */
            o->icount = VHD_ICOUNT_SLEEP;
        return 0;
    }
    if (strcmp(opt, "nosleep") == 0) {
        o->icount = VHD_ICOUNT_NOSLEEP;
        return 0;
    }
    if (strncmp(opt, "smp=", 4) == 0 && !vhd__parse_uint(opt + 4, 64, &v) && v > 0) {
        o->smp = (unsigned)v;
        return 0;
    }
    return -1;
}

static int vhd__spec_qemu(const char *a, struct vhd_spec *o, char *why, size_t wl)
{
    char buf[256];
    if (strlen(a) >= sizeof(buf) || a[0] == ',') /* strtok would skip an empty name */
        goto bad;
    strcpy(buf, a);
    char *save = NULL, *tok = strtok_r(buf, ",", &save);
    if (!tok || vhd__copy(o->scenario, sizeof(o->scenario), tok, strlen(tok)) ||
        strchr(tok, '/'))
        goto bad;
    while ((tok = strtok_r(NULL, ",", &save))) {
        if (vhd__spec_qemu_opt(tok, o)) {
            snprintf(why, wl,
                     "'qemu:%s': unknown option '%s'; known: smp=N (1..64), icount, nosleep", a,
                     tok);
            return -1;
        }
    }
    return 0;
bad:
    snprintf(why, wl,
             "'qemu:%s': want qemu:SCENARIO[,smp=N][,icount][,nosleep], e.g. qemu:demo,smp=4", a);
    return -1;
}

int vhd_spec_parse(const char *text, struct vhd_spec *o, char *why, size_t wl)
{
    memset(o, 0, sizeof(*o));
    if (strncmp(text, "unix:", 5) == 0) {
        o->kind = VHD_SPEC_UNIX;
        if (vhd__copy(o->path, sizeof(o->path), text + 5, strlen(text + 5)) == 0)
            return 0;
        snprintf(why, wl, "'%s': want unix:PATH with a path of 1..107 bytes", text);
        return -1;
    }
    if (strncmp(text, "tcp:", 4) == 0) {
        o->kind = VHD_SPEC_TCP;
        return vhd__spec_tcp(text + 4, o, why, wl);
    }
    if (strncmp(text, "serial:", 7) == 0) {
        o->kind = VHD_SPEC_SERIAL;
        return vhd__spec_serial(text + 7, o, why, wl);
    }
    if (strncmp(text, "qemu:", 5) == 0) {
        o->kind = VHD_SPEC_QEMU;
        return vhd__spec_qemu(text + 5, o, why, wl);
    }
    snprintf(why, wl,
             "'%s': unknown target kind; use unix:PATH, tcp:HOST:PORT, serial:DEVICE[:BAUD] or "
             "qemu:SCENARIO[,smp=N][,icount][,nosleep]",
             text);
    return -1;
}

int vhd_name_check(const char *name, char *why, size_t wl)
{
    size_t n = strlen(name);
    int ok = n > 0 && n < 32;
    for (size_t i = 0; ok && i < n; i++) {
        char c = name[i];
        ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '_' || c == '-' || c == '.';
    }
    if (!ok)
        snprintf(why, wl, "target name '%s': use 1..31 characters of A-Z a-z 0-9 _ . -", name);
    return ok ? 0 : -1;
}
