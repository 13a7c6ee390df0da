/*
 * kprintf and ksnprintf: a small printf.  Output goes into a sink: either a
 * caller's string buffer (truncating) or a console line buffer.  The console
 * sink takes the console lock the first time it has to write, keeps it for
 * the rest of the call and releases it at the end, so each kprintf call
 * (normally one line) reaches the UART in one piece, never interleaved with
 * another hart's output.
 */
#include <stdbool.h>
#include <stdint.h>

#include "kprintf.h"
#include "vhcall.h"
#include "bareos.h"
#include "lib.h"
#include "spinlock.h"
#include "uart.h"

#define CONSOLE_BUF 256

struct sink {
    char *buf;
    size_t cap;
    size_t len;
    bool console;
    bool locked;
    unsigned long irq_flags;
};

struct spec {
    size_t width;
    bool zero;
    bool left;
    int length;       /* 0: int, 1: long, 2: long long, 3: size_t */
    size_t precision; /* %s only: most characters to print */
    bool has_precision;
};

static struct spinlock console_lock;

static void sink_flush(struct sink *s)
{
    if (!s->console)
        return;
    if (g_boot.under_vh) {
        /* One hypercall per buffer: vh keeps each ADU's lines whole, so
         * no lock is held across slow UART traps. */
        vh_console_put(s->buf, s->len);
        s->len = 0;
        return;
    }
    if (!s->locked) {
        s->irq_flags = spin_lock_irqsave(&console_lock);
        s->locked = true;
    }
    uart_write(s->buf, s->len);
    s->len = 0;
}

static void put_char(struct sink *s, char c)
{
    if (s->len + 1 >= s->cap) {
        if (!s->console)
            return; /* string sink: keep room for the NUL, drop the rest */
        sink_flush(s);
    }
    s->buf[s->len++] = c;
}

static void put_str(struct sink *s, const char *str, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put_char(s, str[i]);
}

static void put_repeat(struct sink *s, char c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put_char(s, c);
}

static void put_padded(struct sink *s, const char *str, size_t n,
                       const struct spec *sp)
{
    size_t pad = sp->width > n ? sp->width - n : 0;
    if (!sp->left)
        put_repeat(s, ' ', pad);
    put_str(s, str, n);
    if (sp->left)
        put_repeat(s, ' ', pad);
}

static void put_number(struct sink *s, uint64_t v, unsigned int base,
                       bool upper, const char *prefix, const struct spec *sp)
{
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char digits[24];
    size_t n = 0;

    do {
        digits[n++] = set[v % base];
        v /= base;
    } while (v != 0);

    size_t plen = strlen(prefix);
    size_t pad = sp->width > n + plen ? sp->width - n - plen : 0;
    if (!sp->left && !sp->zero)
        put_repeat(s, ' ', pad);
    put_str(s, prefix, plen);
    if (!sp->left && sp->zero)
        put_repeat(s, '0', pad);
    while (n > 0)
        put_char(s, digits[--n]);
    if (sp->left)
        put_repeat(s, ' ', pad);
}

static uint64_t fetch_unsigned(va_list *ap, int length)
{
    switch (length) {
    case 0:
        return va_arg(*ap, unsigned int);
    case 1:
        return va_arg(*ap, unsigned long);
    case 2:
        return va_arg(*ap, unsigned long long);
    default:
        return va_arg(*ap, size_t);
    }
}

static int64_t fetch_signed(va_list *ap, int length)
{
    switch (length) {
    case 0:
        return va_arg(*ap, int);
    case 1:
        return va_arg(*ap, long);
    case 2:
        return va_arg(*ap, long long);
    default:
        return (int64_t)va_arg(*ap, size_t);
    }
}

/* Parses flags, width, precision and length after '%'; returns the
 * position of the conversion character. */
static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
    *sp = (struct spec){0, false, false, 0, 0, false};
    for (;; f++) {
        if (*f == '0')
            sp->zero = true;
        else if (*f == '-')
            sp->left = true;
        else
            break;
    }
    while (*f >= '0' && *f <= '9')
        sp->width = sp->width * 10 + (size_t)(*f++ - '0');
    if (*f == '.') {
        sp->has_precision = true;
        if (*++f == '*') {
            int p = va_arg(*ap, int);
            sp->precision = p > 0 ? (size_t)p : 0;
            f++;
        }
        while (*f >= '0' && *f <= '9')
            sp->precision = sp->precision * 10 + (size_t)(*f++ - '0');
    }
    if (*f == 'z') {
        sp->length = 3;
        f++;
    }
    while (*f == 'l' && sp->length < 2) {
        sp->length++;
        f++;
    }
    return f;
}

static void put_conversion(struct sink *s, char conv, const struct spec *sp,
                           va_list *ap)
{
    switch (conv) {
    case 'd':
    case 'i': {
        int64_t v = fetch_signed(ap, sp->length);
        uint64_t mag = v < 0 ? (uint64_t)(-(v + 1)) + 1u : (uint64_t)v;
        put_number(s, mag, 10, false, v < 0 ? "-" : "", sp);
        break;
    }
    case 'u':
        put_number(s, fetch_unsigned(ap, sp->length), 10, false, "", sp);
        break;
    case 'x':
    case 'X':
        put_number(s, fetch_unsigned(ap, sp->length), 16, conv == 'X', "", sp);
        break;
    case 'p':
        put_number(s, (uintptr_t)va_arg(*ap, void *), 16, false, "0x", sp);
        break;
    case 's': {
        const char *str = va_arg(*ap, const char *);
        if (str == NULL)
            str = "(null)";
        size_t n = strlen(str);
        if (sp->has_precision && sp->precision < n)
            n = sp->precision;
        put_padded(s, str, n, sp);
        break;
    }
    case 'c': {
        char c = (char)va_arg(*ap, int);
        put_padded(s, &c, 1, sp);
        break;
    }
    case '%':
        put_char(s, '%');
        break;
    default: /* unknown: show it as written */
        put_char(s, '%');
        put_char(s, conv);
        break;
    }
}

static void format(struct sink *s, const char *fmt, va_list ap)
{
    va_list args;
    struct spec sp;

    va_copy(args, ap);
    while (*fmt != '\0') {
        if (*fmt != '%') {
            put_char(s, *fmt++);
            continue;
        }
        fmt = parse_spec(fmt + 1, &sp, &args);
        if (*fmt == '\0')
            break;
        put_conversion(s, *fmt++, &sp, &args);
    }
    va_end(args);
}

void kvprintf(const char *fmt, va_list ap)
{
    char buf[CONSOLE_BUF];
    struct sink s = {buf, sizeof buf, 0, true, false, 0};

    format(&s, fmt, ap);
    sink_flush(&s);
    if (s.locked)
        spin_unlock_irqrestore(&console_lock, s.irq_flags);
}

void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
}

size_t ksnprintf(char *buf, size_t cap, const char *fmt, ...)
{
    struct sink s = {buf, cap, 0, false, false, 0};
    va_list ap;

    if (cap == 0)
        return 0;
    va_start(ap, fmt);
    format(&s, fmt, ap);
    va_end(ap);
    buf[s.len] = '\0';
    return s.len;
}
