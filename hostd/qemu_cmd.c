/*
 * QEMU command line builder (see qemu_cmd.h).
 */
#include "qemu_cmd.h"

#include <stdio.h>
#include <string.h>

static int vhd__arg(struct vhd_qemu_cmd *c, const char *s)
{
    size_t n = strlen(s) + 1;
    if (c->argc >= VHD_QEMU_MAX_ARGS || c->used + n > sizeof(c->store))
        return -1;
    memcpy(c->store + c->used, s, n);
    c->argv[c->argc++] = c->store + c->used;
    c->argv[c->argc] = NULL;
    c->used += n;
    return 0;
}

int vhd_qemu_cmd_build(struct vhd_qemu_cmd *c, const char *qemu_bin, const char *elf,
                       unsigned smp, enum vhd_icount icount, const char *sock)
{
    char nsmp[16], chardev[256];
    memset(c, 0, sizeof(*c));
    snprintf(nsmp, sizeof(nsmp), "%u", smp ? smp : 1);
    int n = snprintf(chardev, sizeof(chardev), "socket,id=s0,path=%s,server=on,wait=on", sock);
    if (n < 0 || (size_t)n >= sizeof(chardev))
        return -1;
    const char *fixed[] = {qemu_bin, "-M", "virt", "-cpu", "rv64", "-smp", nsmp, "-m", "512M",
                           "-display", "none", "-monitor", "none", "-bios", "default",
                           "-kernel", elf, "-chardev", chardev, "-serial", "chardev:s0"};
    int rc = 0;
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
        rc |= vhd__arg(c, fixed[i]);
    if (icount != VHD_ICOUNT_OFF) {
        rc |= vhd__arg(c, "-icount");
        rc |= vhd__arg(c, icount == VHD_ICOUNT_NOSLEEP ? "shift=3,sleep=off" : "shift=3");
    }
    return rc ? -1 : 0;
}

void vhd_qemu_cmd_format(const struct vhd_qemu_cmd *c, char *out, size_t cap)
{
    size_t len = 0;
    out[0] = 0;
    for (int i = 0; i < c->argc && len < cap; i++) {
        int n = snprintf(out + len, cap - len, "%s%s", i ? " " : "", c->argv[i]);
        if (n < 0)
            return;
        len += (size_t)n;
    }
}
