/*
 * vh link layer: HDLC-style framing of channels over one serial line.
 * Freestanding C (no libc, no heap): the same code runs in the hypervisor's
 * mgmt-agent and in the host daemon vhd.
 *
 * Frame on the wire:
 *   FLAG | esc(channel:1 | payload:n | crc32:4, little endian) | FLAG
 * FLAG = 0x7E; ESC = 0x7D; a FLAG or ESC byte inside a frame is sent as
 * ESC followed by (byte ^ 0x20).  The CRC-32 (IEEE 802.3, reflected,
 * poly 0xEDB88320, init and final xor 0xFFFFFFFF) covers channel and
 * payload.  A payload is at most LINK_MAX_PAYLOAD bytes; both sides know
 * the bound and drop larger frames.  Empty frames (two flags in a row) are
 * idle fill and are ignored.
 */
#ifndef MGMT_LINK_H
#define MGMT_LINK_H

#include <stddef.h>
#include <stdint.h>

#define LINK_FLAG 0x7e
#define LINK_ESC 0x7d
#define LINK_MAX_PAYLOAD 4096
/* Worst case encoded size of one frame (every byte escaped). */
#define LINK_MAX_ENCODED (2 + 2 * (1 + LINK_MAX_PAYLOAD + 4))

/* Channels (the frame's address byte). */
#define LINK_CH_CONTROL 0x00  /* LinkControl: hello, heartbeat, bye */
#define LINK_CH_LOG 0x01      /* hypervisor log, UTF-8 text lines */
#define LINK_CH_RPC 0x02      /* host->target Request, target->host Response */
#define LINK_CH_CONSOLE0 0x10 /* + ADU id: that ADU's console, both directions */
#define LINK_CH_CONSOLE_MAX (LINK_CH_CONSOLE0 + 0x3f)

struct link_counters {
    uint64_t rx_frames, tx_frames;
    uint64_t rx_crc_errors, rx_resyncs, rx_oversize, rx_dropped, tx_dropped;
};

/* Receiver state: feed it bytes one at a time. */
struct link_rx {
    uint8_t buf[1 + LINK_MAX_PAYLOAD + 4];
    uint32_t len;
    uint8_t in_frame, escaped, overflow;
    struct link_counters *ctr;
};

/* A received, CRC-checked frame: points into the receiver's buffer, valid
 * until the next link_rx_feed(). */
struct link_frame {
    uint8_t channel;
    const uint8_t *payload;
    uint32_t len;
};

uint32_t link_crc32(uint32_t crc, const uint8_t *p, size_t n);

void link_rx_init(struct link_rx *rx, struct link_counters *ctr);
/*
 * Feed one received byte.  Returns 1 and fills *out when it completes a
 * valid frame; 0 otherwise.  Bytes outside frames (plain text, garbage)
 * return 0 and are counted as resyncs when they precede a frame; a bad CRC
 * or an oversize frame is dropped and counted, and reception resumes at the
 * next flag.  Nothing corrupt is ever returned.
 */
int link_rx_feed(struct link_rx *rx, uint8_t byte, struct link_frame *out);

/*
 * Encode one frame into out[cap].  Returns the encoded length, or 0 if the
 * payload is over LINK_MAX_PAYLOAD or the frame does not fit in cap.
 */
size_t link_encode(uint8_t channel, const uint8_t *payload, size_t len, uint8_t *out, size_t cap);

#endif /* MGMT_LINK_H */
