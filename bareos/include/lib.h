/*
 * The few C library routines BareOS needs (the compiler may also call the
 * mem* ones for struct copies and zeroing).
 */
#ifndef BAREOS_LIB_H
#define BAREOS_LIB_H

#include <stddef.h>
#include <stdint.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

/* Integer square root (floor). */
uint64_t isqrt64(uint64_t v);

#endif /* BAREOS_LIB_H */
