/* Link layer (mgmt-agent/src/link.c): CRC-32, escaping, the receiver's
 * state machine, resync and counters. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include <mgmt/link.h>

static uint8_t enc[LINK_MAX_ENCODED + 64];
static uint8_t payload[LINK_MAX_PAYLOAD + 16];

struct rx_result {
    int frames;
    uint8_t channel;
    uint8_t data[LINK_MAX_PAYLOAD];
    uint32_t len;
};

/* Feed bytes, remembering the last frame that came out. */
static void feed(struct link_rx *rx, const uint8_t *p, size_t n, struct rx_result *res)
{
    struct link_frame f;

    for (size_t i = 0; i < n; i++) {
        if (link_rx_feed(rx, p[i], &f)) {
            res->frames++;
            res->channel = f.channel;
            res->len = f.len;
            memcpy(res->data, f.payload, f.len);
        }
    }
}

Test(link, crc32_known_vector)
{
    cr_assert_eq(link_crc32(0, (const uint8_t *)"123456789", 9), 0xCBF43926u);
    /* chaining gives the same as one pass */
    uint32_t c = link_crc32(0, (const uint8_t *)"1234", 4);
    cr_assert_eq(link_crc32(c, (const uint8_t *)"56789", 5), 0xCBF43926u);
    cr_assert_eq(link_crc32(0, NULL, 0), 0);
}

Test(link, round_trip_random_payloads)
{
    struct link_counters ctr = {0};
    struct link_rx rx;
    static struct rx_result res;

    srand(1);
    link_rx_init(&rx, &ctr);
    for (int t = 0; t < 500; t++) {
        size_t n = (size_t)rand() % 300;
        for (size_t i = 0; i < n; i++) {
            int r = rand() % 4;
            payload[i] = r == 0 ? LINK_FLAG : r == 1 ? LINK_ESC : (uint8_t)rand();
        }
        uint8_t ch = (uint8_t)(t % 3 == 0 ? LINK_FLAG : rand());
        size_t len = link_encode(ch, payload, n, enc, sizeof(enc));
        cr_assert(len >= n + 7);
        for (size_t i = 1; i + 1 < len; i++)
            cr_assert_neq(enc[i], LINK_FLAG, "flag inside a frame");
        int before = res.frames;
        feed(&rx, enc, len, &res);
        cr_assert_eq(res.frames, before + 1);
        cr_assert_eq(res.channel, ch);
        cr_assert_eq(res.len, n);
        cr_assert(memcmp(res.data, payload, n) == 0);
    }
    cr_assert_eq(ctr.rx_frames, 500);
    cr_assert_eq(ctr.rx_crc_errors + ctr.rx_resyncs + ctr.rx_oversize, 0);
}

Test(link, max_size_and_all_escaped)
{
    struct link_counters ctr = {0};
    struct link_rx rx;
    static struct rx_result res;

    memset(payload, LINK_FLAG, LINK_MAX_PAYLOAD);
    size_t len = link_encode(LINK_ESC, payload, LINK_MAX_PAYLOAD, enc, sizeof(enc));
    cr_assert(len > 0 && len <= LINK_MAX_ENCODED);
    link_rx_init(&rx, &ctr);
    feed(&rx, enc, len, &res);
    cr_assert_eq(res.frames, 1);
    cr_assert_eq(res.len, LINK_MAX_PAYLOAD);
    cr_assert_eq(res.channel, LINK_ESC);
    /* too small an output buffer is refused, not overrun */
    cr_assert_eq(link_encode(0, payload, LINK_MAX_PAYLOAD, enc, 100), 0);
    /* over the payload bound is refused */
    cr_assert_eq(link_encode(0, payload, LINK_MAX_PAYLOAD + 1, enc, sizeof(enc)), 0);
}

/* Hand-made frame with a payload over the bound (the encoder refuses). */
static size_t encode_raw(const uint8_t *body, size_t n, uint8_t *out)
{
    size_t pos = 0;

    out[pos++] = LINK_FLAG;
    for (size_t i = 0; i < n; i++) {
        if (body[i] == LINK_FLAG || body[i] == LINK_ESC) {
            out[pos++] = LINK_ESC;
            out[pos++] = body[i] ^ 0x20;
        } else {
            out[pos++] = body[i];
        }
    }
    out[pos++] = LINK_FLAG;
    return pos;
}

Test(link, oversize_dropped_then_resumes)
{
    static uint8_t body[LINK_MAX_PAYLOAD + 64], raw[2 * LINK_MAX_PAYLOAD + 200];
    struct link_counters ctr = {0};
    struct link_rx rx;
    static struct rx_result res;

    memset(body, 'x', sizeof(body));
    uint32_t crc = link_crc32(0, body, LINK_MAX_PAYLOAD + 2);
    memcpy(body + LINK_MAX_PAYLOAD + 2, &crc, 4); /* little-endian host */
    link_rx_init(&rx, &ctr);
    feed(&rx, raw, encode_raw(body, LINK_MAX_PAYLOAD + 6, raw), &res);
    cr_assert_eq(res.frames, 0);
    cr_assert_eq(ctr.rx_oversize, 1);
    size_t len = link_encode(2, (const uint8_t *)"ok", 2, enc, sizeof(enc));
    feed(&rx, enc, len, &res);
    cr_assert_eq(res.frames, 1);
    cr_assert_eq(res.len, 2);
}

Test(link, crc_error_dropped_and_counted)
{
    struct link_counters ctr = {0};
    struct link_rx rx;
    static struct rx_result res;

    size_t len = link_encode(2, (const uint8_t *)"hello", 5, enc, sizeof(enc));
    enc[3] ^= 0x01; /* flip one payload bit */
    link_rx_init(&rx, &ctr);
    feed(&rx, enc, len, &res);
    cr_assert_eq(res.frames, 0);
    cr_assert_eq(ctr.rx_crc_errors, 1);
    cr_assert_eq(ctr.rx_frames, 0);
}

Test(link, garbage_between_frames_resyncs)
{
    struct link_counters ctr = {0};
    struct link_rx rx;
    static struct rx_result res;
    const char *text = "OpenSBI v1.1\r\n[vh] booting\r\n";

    link_rx_init(&rx, &ctr);
    feed(&rx, (const uint8_t *)text, strlen(text), &res); /* text before any frame */
    size_t len = link_encode(1, (const uint8_t *)"a", 1, enc, sizeof(enc));
    feed(&rx, enc, len, &res);
    cr_assert_eq(res.frames, 1);
    cr_assert_eq(ctr.rx_resyncs, 1);
    /* short junk between two frames, then an ESC-abort */
    feed(&rx, (const uint8_t *)"\x7e\x01\x02\x7e", 4, &res);
    feed(&rx, (const uint8_t *)"\x7e\x41\x42\x43\x44\x45\x46\x7d\x7e", 9, &res);
    feed(&rx, enc, len, &res);
    cr_assert_eq(res.frames, 2);
    cr_assert_eq(ctr.rx_resyncs, 3);
    cr_assert_eq(ctr.rx_frames, 2);
    /* idle fill (flags only) counts nothing */
    feed(&rx, (const uint8_t *)"\x7e\x7e\x7e", 3, &res);
    cr_assert_eq(ctr.rx_resyncs + ctr.rx_crc_errors, 3);
}

Test(link, cut_frame_then_good_frame)
{
    struct link_counters ctr = {0};
    struct link_rx rx;
    static struct rx_result res;
    static uint8_t first[LINK_MAX_ENCODED];

    size_t n1 = link_encode(2, (const uint8_t *)"first frame, cut", 16, first, sizeof(first));
    size_t n2 = link_encode(2, (const uint8_t *)"second", 6, enc, sizeof(enc));
    link_rx_init(&rx, &ctr);
    feed(&rx, first, n1 / 2, &res); /* the sender died in the middle */
    feed(&rx, enc, n2, &res);
    cr_assert_eq(res.frames, 1);
    cr_assert_eq(res.len, 6);
    cr_assert(memcmp(res.data, "second", 6) == 0);
    cr_assert_eq(ctr.rx_crc_errors + ctr.rx_resyncs, 1);
}
