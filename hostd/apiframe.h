/*
 * Framing of vhd's local API: each message is a 4-byte big-endian length
 * followed by that many bytes of protobuf (vhd.proto).  The decoder is fed
 * arbitrary chunks and hands out whole messages; a length of 0 or over the
 * cap is an error after which the stream is unusable (the peer is dropped).
 * Used by vhd (per client) and by vhctl; no libuv here.
 */
#ifndef VHD_APIFRAME_H
#define VHD_APIFRAME_H

#include <stddef.h>
#include <stdint.h>

#define VHD_API_MAX_MSG (64u * 1024u)

#define VHD_FRAME_EZERO (-1)     /* length prefix of 0 */
#define VHD_FRAME_EOVERSIZE (-2) /* length prefix over the cap */

struct vhd_framer {
    uint8_t *buf;
    size_t len, cap;
    size_t consumed; /* bytes of buf already handed out */
    uint32_t max_msg;
    int error;       /* first error, sticky */
    uint32_t bad_len; /* the offending length, for messages */
};

void vhd_framer_init(struct vhd_framer *f, uint32_t max_msg);
void vhd_framer_free(struct vhd_framer *f);
/* Append received bytes.  Returns 0, or -1 when out of memory. */
int vhd_framer_feed(struct vhd_framer *f, const uint8_t *p, size_t n);
/*
 * Take the next whole message: returns 1 with *msg and *len pointing into the
 * framer (valid until the next feed), 0 when more bytes are needed, or a
 * negative VHD_FRAME_E* code.
 */
int vhd_framer_next(struct vhd_framer *f, const uint8_t **msg, size_t *len);
/* Text of a VHD_FRAME_E* code. */
const char *vhd_framer_strerror(int err);

/* Write the 4-byte big-endian prefix of a message of n bytes. */
void vhd_frame_put_len(uint8_t out[4], uint32_t n);

/* The default socket path: $XDG_RUNTIME_DIR/vhd.sock, /run/vhd.sock as
 * root, else /tmp/vhd-UID.sock (vhd and vhctl agree on it). */
void vhd_default_socket(char *out, size_t cap);

#endif /* VHD_APIFRAME_H */
