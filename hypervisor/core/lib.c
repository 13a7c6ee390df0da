/* Freestanding memory and string helpers, and a small vsnprintf. */
#include <stdbool.h>
#include <core/lib.h>

void *memcpy(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    if ((((uintptr_t)d | (uintptr_t)s | n) & 7) == 0) {
        for (size_t i = 0; i < n / 8; i++) {
            ((uint64_t *)dst)[i] = ((const uint64_t *)src)[i];
        }
        return dst;
    }
    for (size_t i = 0; i < n; i++) {
        d[i] = s[i];
    }
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    uint8_t *d = dst;
    if ((((uintptr_t)d | n) & 7) == 0 && c == 0) {
        for (size_t i = 0; i < n / 8; i++) {
            ((uint64_t *)dst)[i] = 0;
        }
        return dst;
    }
    for (size_t i = 0; i < n; i++) {
        d[i] = (uint8_t)c;
    }
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a, *y = b;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i]) {
            return x[i] < y[i] ? -1 : 1;
        }
    }
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n] != '\0') {
        n++;
    }
    return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i] || a[i] == '\0') {
            return (unsigned char)a[i] - (unsigned char)b[i];
        }
    }
    return 0;
}

size_t strlcpy(char *dst, const char *src, size_t cap)
{
    size_t n = strlen(src);
    if (cap != 0) {
        size_t k = n < cap - 1 ? n : cap - 1;
        memcpy(dst, src, k);
        dst[k] = '\0';
    }
    return n;
}

struct out {
    char *buf;
    size_t cap, len;
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->cap) {
        o->buf[o->len] = c;
    }
    o->len++;
}

static void put_num(struct out *o, uint64_t v, unsigned base, int width, char pad, bool neg)
{
    char tmp[24];
    int n = 0;
    do {
        unsigned d = (unsigned)(v % base);
        tmp[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        v /= base;
    } while (v != 0);
    if (neg) {
        tmp[n++] = '-';
    }
    for (int i = n; i < width; i++) {
        put(o, pad);
    }
    while (n > 0) {
        put(o, tmp[--n]);
    }
}

static const char *fmt_one(struct out *o, const char *f, va_list *ap)
{
    char pad = ' ';
    int width = 0, longs = 0;
    if (*f == '0') {
        pad = '0';
        f++;
    }
    while (*f >= '0' && *f <= '9') {
        width = width * 10 + (*f++ - '0');
    }
    while (*f == 'l') {
        longs++;
        f++;
    }
    switch (*f) {
    case 'd':
    case 'i': {
        int64_t v = longs ? va_arg(*ap, int64_t) : va_arg(*ap, int);
        put_num(o, v < 0 ? (uint64_t)-v : (uint64_t)v, 10, width, pad, v < 0);
        break;
    }
    case 'u':
    case 'x': {
        uint64_t v = longs ? va_arg(*ap, uint64_t) : va_arg(*ap, unsigned);
        put_num(o, v, *f == 'x' ? 16 : 10, width, pad, false);
        break;
    }
    case 'p':
        put(o, '0');
        put(o, 'x');
        put_num(o, (uintptr_t)va_arg(*ap, void *), 16, width, pad, false);
        break;
    case 's': {
        const char *s = va_arg(*ap, const char *);
        s = s ? s : "(null)";
        for (int n = (int)strlen(s); n < width; n++) {
            put(o, ' ');
        }
        while (*s) {
            put(o, *s++);
        }
        break;
    }
    case 'c':
        put(o, (char)va_arg(*ap, int));
        break;
    case '%':
        put(o, '%');
        break;
    default:
        put(o, '%');
        put(o, *f);
        break;
    }
    return f;
}

int vh_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
{
    struct out o = {buf, cap, 0};
    va_list aq;
    va_copy(aq, ap);
    for (const char *f = fmt; *f; f++) {
        if (*f != '%') {
            put(&o, *f);
        } else if (f[1] != '\0') {
            f = fmt_one(&o, f + 1, &aq);
        }
    }
    va_end(aq);
    if (cap != 0) {
        buf[o.len < cap ? o.len : cap - 1] = '\0';
    }
    return (int)o.len;
}

int vh_snprintf(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vh_vsnprintf(buf, cap, fmt, ap);
    va_end(ap);
    return n;
}
