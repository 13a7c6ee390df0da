/*
 * The QEMU command line vhd runs for a `qemu:` target: pure, so it can be
 * printed (`vhd --dry-run-qemu`) and tested.
 */
#ifndef VHD_QEMU_CMD_H
#define VHD_QEMU_CMD_H

#include <stddef.h>

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
 * server=on,wait=on -serial chardev:s0 [-icount shift=3].  (sleep stays on:
 * with sleep=off idle virtual time races ahead of the host and the link
 * heartbeats look late.)
 * Returns 0, or -1 if it does not fit.
 */
int vhd_qemu_cmd_build(struct vhd_qemu_cmd *c, const char *qemu_bin, const char *elf,
                       unsigned smp, int icount, const char *sock);
/* The command as one shell-like line into out[cap]. */
void vhd_qemu_cmd_format(const struct vhd_qemu_cmd *c, char *out, size_t cap);

#endif /* VHD_QEMU_CMD_H */
