/*
 * Target specs as given to `vhd --target NAME=SPEC` and `vhctl target add`:
 *   unix:PATH                        a Unix socket (QEMU chardev server)
 *   tcp:HOST:PORT                    a TCP socket (QEMU, ser2net)
 *   serial:DEVICE[:BAUD]             a serial line (raw mode; default 115200)
 *   qemu:SCENARIO[,smp=N][,icount][,nosleep]
 *                                    vhd starts QEMU with that scenario
 * qemu: options: smp=N overrides the scenario's CPU count; icount runs QEMU
 * with -icount shift=3 (sleep on: emulated time keeps pace with the host);
 * nosleep with -icount shift=3,sleep=off (deterministic emulated time that
 * runs apart from the host's; implies icount; vhd then announces
 * heartbeat_ms = 0 in its Hello so the target does not time the host out).
 * Pure parsing; errors say what would be right.
 */
#ifndef VHD_SPEC_H
#define VHD_SPEC_H

#include <stddef.h>
#include <stdint.h>

enum vhd_spec_kind { VHD_SPEC_UNIX, VHD_SPEC_TCP, VHD_SPEC_SERIAL, VHD_SPEC_QEMU };

/* How QEMU counts time for a qemu: target. */
enum vhd_icount {
    VHD_ICOUNT_OFF = 0,     /* QEMU's default: host-timed */
    VHD_ICOUNT_SLEEP = 1,   /* ,icount: -icount shift=3 */
    VHD_ICOUNT_NOSLEEP = 2, /* ,nosleep: -icount shift=3,sleep=off */
};

struct vhd_spec {
    enum vhd_spec_kind kind;
    char path[108];     /* unix: socket; serial: device */
    char host[128];     /* tcp */
    uint16_t port;      /* tcp */
    unsigned baud;      /* serial */
    char scenario[64];  /* qemu */
    unsigned smp;       /* qemu: 0 = from the scenario */
    enum vhd_icount icount; /* qemu */
};

/* Returns 0, or -1 with a sentence in why[]. */
int vhd_spec_parse(const char *text, struct vhd_spec *out, char *why, size_t why_len);

/* Target names: 1..31 characters of [A-Za-z0-9_.-].  Returns 0 or -1 with why[]. */
int vhd_name_check(const char *name, char *why, size_t why_len);

#endif /* VHD_SPEC_H */
