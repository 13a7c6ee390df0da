/*
 * Formatted console output.  kprintf formats the whole call into a buffer
 * and writes it under the console lock, so lines from different harts never
 * interleave.  Conversions: %d %i %u %x %X %p %s %c %% with the l, ll, z
 * length modifiers, a field width, the '0' and '-' flags, and a precision
 * (.N or .*) for %s.
 */
#ifndef BAREOS_KPRINTF_H
#define BAREOS_KPRINTF_H

#include <stdarg.h>
#include <stddef.h>

__attribute__((format(printf, 1, 2))) void kprintf(const char *fmt, ...);
void kvprintf(const char *fmt, va_list ap);
/* Like snprintf: always NUL-terminates (if cap > 0); returns chars written. */
__attribute__((format(printf, 3, 4))) size_t ksnprintf(char *buf, size_t cap,
                                                       const char *fmt, ...);

#endif /* BAREOS_KPRINTF_H */
