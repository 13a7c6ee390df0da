/*
 * The physical console: whole lines, each tagged with who wrote it
 * ("[vh] ..." for the hypervisor, "[ADU] ..." for a guest), never
 * interleaved inside a line.  Lock order: console lock is a leaf.
 */
#ifndef CORE_CONSOLE_H
#define CORE_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

/* Write one line (without its newline) of ADU `adu_id` (-1: the
 * hypervisor) under `tag`: plain text, or a framed channel once a host
 * has said hello (see core/mgmt.c). */
void console_line(int adu_id, const char *tag, const char *text, size_t len);
/* Write raw bytes to the board's console (the management link's writer). */
void console_raw(const uint8_t *buf, size_t len);
/* Hypervisor log: printf-style, one line. */
void vh_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Broken invariant: report and stop this CPU. */
__attribute__((noreturn)) void vh_panic(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

#define VH_ASSERT(c)                                                           \
    do {                                                                       \
        if (!(c)) {                                                            \
            vh_panic("assertion failed: %s (%s:%d)", #c, __FILE__, __LINE__);  \
        }                                                                      \
    } while (0)

#endif /* CORE_CONSOLE_H */
