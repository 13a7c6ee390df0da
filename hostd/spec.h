/*
 * Target specs as given to `vhd --target NAME=SPEC` and `vhctl target add`:
 *   unix:PATH                        a Unix socket (QEMU chardev server)
 *   tcp:HOST:PORT                    a TCP socket (QEMU, ser2net)
 *   serial:DEVICE[:BAUD]             a serial line (raw mode; default 115200)
 *   qemu:SCENARIO[,smp=N][,icount]   vhd starts QEMU with that scenario
 * Pure parsing; errors say what would be right.
 */
#ifndef VHD_SPEC_H
#define VHD_SPEC_H

#include <stddef.h>
#include <stdint.h>

enum vhd_spec_kind { VHD_SPEC_UNIX, VHD_SPEC_TCP, VHD_SPEC_SERIAL, VHD_SPEC_QEMU };

struct vhd_spec {
    enum vhd_spec_kind kind;
    char path[108];     /* unix: socket; serial: device */
    char host[128];     /* tcp */
    uint16_t port;      /* tcp */
    unsigned baud;      /* serial */
    char scenario[64];  /* qemu */
    unsigned smp;       /* qemu: 0 = from the scenario */
    int icount;         /* qemu */
};

/* Returns 0, or -1 with a sentence in why[]. */
int vhd_spec_parse(const char *text, struct vhd_spec *out, char *why, size_t why_len);

/* Target names: 1..31 characters of [A-Za-z0-9_.-].  Returns 0 or -1 with why[]. */
int vhd_name_check(const char *name, char *why, size_t why_len);

#endif /* VHD_SPEC_H */
