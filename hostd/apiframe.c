/*
 * Length-prefixed message framing of the local API (see apiframe.h).
 */
#include "apiframe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void vhd_framer_init(struct vhd_framer *f, uint32_t max_msg)
{
    memset(f, 0, sizeof(*f));
    f->max_msg = max_msg ? max_msg : VHD_API_MAX_MSG;
}

void vhd_framer_free(struct vhd_framer *f)
{
    free(f->buf);
    f->buf = NULL;
    f->len = f->cap = f->consumed = 0;
}

/* Drop what was handed out so the buffer does not grow without bound. */
static void vhd__framer_compact(struct vhd_framer *f)
{
    if (!f->consumed)
        return;
    memmove(f->buf, f->buf + f->consumed, f->len - f->consumed);
    f->len -= f->consumed;
    f->consumed = 0;
}

int vhd_framer_feed(struct vhd_framer *f, const uint8_t *p, size_t n)
{
    vhd__framer_compact(f);
    if (f->len + n > f->cap) {
        size_t cap = f->cap ? f->cap : 4096;
        while (cap < f->len + n)
            cap *= 2;
        uint8_t *nb = realloc(f->buf, cap);
        if (!nb)
            return -1;
        f->buf = nb;
        f->cap = cap;
    }
    memcpy(f->buf + f->len, p, n);
    f->len += n;
    return 0;
}

int vhd_framer_next(struct vhd_framer *f, const uint8_t **msg, size_t *len)
{
    if (f->error)
        return f->error;
    size_t avail = f->len - f->consumed;
    if (avail < 4)
        return 0;
    const uint8_t *h = f->buf + f->consumed;
    uint32_t n = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
    if (n == 0 || n > f->max_msg) {
        f->bad_len = n;
        f->error = n ? VHD_FRAME_EOVERSIZE : VHD_FRAME_EZERO;
        return f->error;
    }
    if (avail < 4 + (size_t)n)
        return 0;
    *msg = h + 4;
    *len = n;
    f->consumed += 4 + (size_t)n;
    return 1;
}

const char *vhd_framer_strerror(int err)
{
    switch (err) {
    case VHD_FRAME_EZERO:
        return "message length 0";
    case VHD_FRAME_EOVERSIZE:
        return "message over the size cap";
    default:
        return "framing error";
    }
}

void vhd_frame_put_len(uint8_t out[4], uint32_t n)
{
    out[0] = (uint8_t)(n >> 24);
    out[1] = (uint8_t)(n >> 16);
    out[2] = (uint8_t)(n >> 8);
    out[3] = (uint8_t)n;
}

void vhd_default_socket(char *out, size_t cap)
{
    const char *xdg = getenv("XDG_RUNTIME_DIR");
    if (xdg && *xdg)
        snprintf(out, cap, "%s/vhd.sock", xdg);
    else if (getuid() == 0)
        snprintf(out, cap, "/run/vhd.sock");
    else
        snprintf(out, cap, "/tmp/vhd-%u.sock", (unsigned)getuid());
}
