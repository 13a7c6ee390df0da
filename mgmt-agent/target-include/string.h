/*
 * The four string functions nanopb and the agent use on the target, where
 * there is no libc: the hypervisor implements them (hypervisor/core/lib.c).
 * Only on the include path of the agent's target build.
 */
#ifndef MGMT_TARGET_STRING_H
#define MGMT_TARGET_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

#endif /* MGMT_TARGET_STRING_H */
