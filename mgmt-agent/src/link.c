/*
 * vh link layer: CRC-32, frame encoding and the byte-at-a-time receiver of
 * mgmt/link.h.  Freestanding, no heap, no locks: each struct link_rx belongs
 * to one reader, and link_encode() only touches its arguments.
 *
 * Receiver states: hunting (before the first flag, nothing to keep) and
 * in_frame (collecting bytes since the last flag).  A flag both closes a
 * frame and opens the next, so back-to-back frames share nothing but idle
 * flags.  What a closing flag finds:
 *   no bytes                    idle fill, ignored
 *   more than the buffer holds  rx_oversize
 *   ESC right before the flag   an abort sequence: rx_resyncs
 *   fewer than channel + CRC    a fragment of garbage: rx_resyncs
 *   a CRC mismatch              rx_crc_errors
 *   otherwise                   a frame: rx_frames, returned to the caller
 * Bytes seen while hunting (a plain-text boot banner, line noise) count as
 * one resync when the flag that ends the hunt arrives.
 */
#include <mgmt/link.h>

#define LINK_CRC_BYTES 4u
#define LINK_MIN_FRAME (1u + LINK_CRC_BYTES)

/* CRC-32 (IEEE, reflected) four bits at a time: 64 bytes of table instead
 * of 1 KiB, two lookups per byte. */
static const uint32_t crc_nibble[16] = {
    0x00000000u, 0x1db71064u, 0x3b6e20c8u, 0x26d930acu, 0x76dc4190u, 0x6b6b51f4u,
    0x4db26158u, 0x5005713cu, 0xedb88320u, 0xf00f9344u, 0xd6d6a3e8u, 0xcb61b38cu,
    0x9b64c2b0u, 0x86d3d2d4u, 0xa00ae278u, 0xbdbdf21cu,
};

/*
 * zlib convention: start with crc = 0, and chain by passing the previous
 * result (the init and final xor are applied inside).
 */
uint32_t link_crc32(uint32_t crc, const uint8_t *p, size_t n)
{
    crc = ~crc;
    for (size_t i = 0; i < n; i++) {
        crc = (crc >> 4) ^ crc_nibble[(crc ^ p[i]) & 0xfu];
        crc = (crc >> 4) ^ crc_nibble[(crc ^ ((uint32_t)p[i] >> 4)) & 0xfu];
    }
    return ~crc;
}

void link_rx_init(struct link_rx *rx, struct link_counters *ctr)
{
    rx->len = 0;
    rx->in_frame = 0;
    rx->escaped = 0;
    rx->overflow = 0;
    rx->ctr = ctr;
}

static uint32_t get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

/* A flag closed the bytes collected so far: judge them.  Returns 1 for a
 * good frame (filled into *out). */
static int rx_close(struct link_rx *rx, struct link_frame *out)
{
    struct link_counters *c = rx->ctr;
    uint32_t len = rx->len;
    int aborted = rx->escaped;

    rx->len = 0;
    rx->escaped = 0;
    if (rx->overflow) {
        rx->overflow = 0;
        c->rx_oversize++;
        return 0;
    }
    if (len == 0 && !aborted)
        return 0;
    if (aborted || len < LINK_MIN_FRAME) {
        c->rx_resyncs++;
        return 0;
    }
    uint32_t body = len - LINK_CRC_BYTES;
    if (link_crc32(0, rx->buf, body) != get_le32(rx->buf + body)) {
        c->rx_crc_errors++;
        return 0;
    }
    c->rx_frames++;
    out->channel = rx->buf[0];
    out->payload = rx->buf + 1;
    out->len = body - 1;
    return 1;
}

int link_rx_feed(struct link_rx *rx, uint8_t byte, struct link_frame *out)
{
    if (byte == LINK_FLAG) {
        if (!rx->in_frame) {
            /* End of a hunt: anything collected was garbage or text. */
            if (rx->len != 0)
                rx->ctr->rx_resyncs++;
            rx->len = 0;
            rx->in_frame = 1;
            return 0;
        }
        return rx_close(rx, out);
    }
    if (!rx->in_frame) {
        rx->len = 1; /* only remembers that something came before the flag */
        return 0;
    }
    if (rx->overflow)
        return 0;
    if (byte == LINK_ESC) {
        rx->escaped = 1;
        return 0;
    }
    if (rx->escaped) {
        byte ^= 0x20u;
        rx->escaped = 0;
    }
    if (rx->len >= sizeof(rx->buf)) {
        rx->overflow = 1;
        return 0;
    }
    rx->buf[rx->len++] = byte;
    return 0;
}

/* Append one byte, escaped if needed.  Returns the new position, or 0 when
 * it does not fit (position 0 is never a valid result: the flag is there). */
static size_t put_esc(uint8_t *out, size_t pos, size_t cap, uint8_t b)
{
    if (b == LINK_FLAG || b == LINK_ESC) {
        if (pos + 2 > cap)
            return 0;
        out[pos++] = LINK_ESC;
        out[pos++] = (uint8_t)(b ^ 0x20u);
        return pos;
    }
    if (pos + 1 > cap)
        return 0;
    out[pos++] = b;
    return pos;
}

size_t link_encode(uint8_t channel, const uint8_t *payload, size_t len, uint8_t *out, size_t cap)
{
    uint8_t crc_le[LINK_CRC_BYTES];
    size_t pos = 0;

    if (len > LINK_MAX_PAYLOAD || cap < 2 + LINK_MIN_FRAME)
        return 0;
    uint32_t crc = link_crc32(0, &channel, 1);
    crc = link_crc32(crc, payload, len);
    for (unsigned i = 0; i < LINK_CRC_BYTES; i++)
        crc_le[i] = (uint8_t)(crc >> (8 * i));

    out[pos++] = LINK_FLAG;
    pos = put_esc(out, pos, cap, channel);
    for (size_t i = 0; i < len && pos != 0; i++)
        pos = put_esc(out, pos, cap, payload[i]);
    for (unsigned i = 0; i < LINK_CRC_BYTES && pos != 0; i++)
        pos = put_esc(out, pos, cap, crc_le[i]);
    if (pos == 0 || pos + 1 > cap)
        return 0;
    out[pos++] = LINK_FLAG;
    return pos;
}
