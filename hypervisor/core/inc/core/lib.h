/* Freestanding helpers: memory, strings, formatted output. */
#ifndef CORE_LIB_H
#define CORE_LIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strncmp(const char *a, const char *b, size_t n);
size_t strlcpy(char *dst, const char *src, size_t cap);

/* printf subset: %d %i %u %x %lx %lu %ld %llu %llx %s %c %p %%, width, 0-pad. */
int vh_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap);
int vh_snprintf(char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#endif /* CORE_LIB_H */
