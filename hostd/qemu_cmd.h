/*
 * The QEMU command line vhd runs for a `qemu:` target: pure, so it can be
 * printed (`vhd --dry-run-qemu`) and tested.
 */
#ifndef VHD_QEMU_CMD_H
#define VHD_QEMU_CMD_H

#include <stddef.h>

#include "spec.h"

#define VHD_QEMU_MAX_ARGS 40

struct vhd_qemu_cmd {
    int argc;
    char *argv[VHD_QEMU_MAX_ARGS + 1]; /* NULL-terminated, points into store */
    char store[2048];
    size_t used;
};

/*
 * Build: qemu-system-riscv64 -M virt -cpu rv64 -smp N -m 512M -display none
 * -monitor none -bios default -kernel ELF -chardev socket,id=s0,path=SOCK,
 * server=on,wait=on -serial chardev:s0, then for VHD_ICOUNT_SLEEP
 * -icount shift=3 (emulated time keeps pace with the host), for
 * VHD_ICOUNT_NOSLEEP -icount shift=3,sleep=off (deterministic: idle
 * emulated time races ahead of the host, so the host's heartbeats do not
 * measure the target's clock; vhd's Hello says so, see linkio.c).
 * Returns 0, or -1 if it does not fit.
 */
int vhd_qemu_cmd_build(struct vhd_qemu_cmd *c, const char *qemu_bin, const char *elf,
                       unsigned smp, enum vhd_icount icount, const char *sock);
/* The command as one shell-like line into out[cap]. */
void vhd_qemu_cmd_format(const struct vhd_qemu_cmd *c, char *out, size_t cap);

#endif /* VHD_QEMU_CMD_H */
