/*
 * Fuzz target: the link receiver (mgmt-agent/src/link.c) on arbitrary bytes.
 * Every frame that comes out must survive encode -> decode unchanged, and
 * the input itself, sent as a payload, must round-trip.  Built with
 * -fsanitize=fuzzer (libFuzzer) or, without VH_LIBFUZZER, as a program
 * that reads one input from stdin.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mgmt/link.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t enc[LINK_MAX_ENCODED];

static void check_round_trip(uint8_t ch, const uint8_t *p, size_t n)
{
    struct link_counters ctr = {0};
    struct link_rx rx;
    struct link_frame f;
    int got = 0;

    size_t len = link_encode(ch, p, n, enc, sizeof(enc));
    if (n > LINK_MAX_PAYLOAD) {
        if (len != 0)
            abort();
        return;
    }
    link_rx_init(&rx, &ctr);
    for (size_t i = 0; i < len; i++) {
        if (link_rx_feed(&rx, enc[i], &f)) {
            if (got++ || f.channel != ch || f.len != n || memcmp(f.payload, p, n) != 0)
                abort();
        }
    }
    if (got != 1 || ctr.rx_crc_errors || ctr.rx_resyncs || ctr.rx_oversize)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t copy[LINK_MAX_PAYLOAD];
    struct link_counters ctr = {0};
    struct link_rx rx;
    struct link_frame f;

    link_rx_init(&rx, &ctr);
    for (size_t i = 0; i < size; i++) {
        if (link_rx_feed(&rx, data[i], &f)) {
            if (f.len > LINK_MAX_PAYLOAD)
                abort();
            memcpy(copy, f.payload, f.len); /* f points into rx: copy first */
            check_round_trip(f.channel, copy, f.len);
        }
    }
    if (ctr.rx_frames > size / 6 + 1)
        abort(); /* a frame needs at least flag, channel, CRC */
    check_round_trip(size > 0 ? data[0] : 0, data, size);
    return 0;
}

#ifndef VH_LIBFUZZER
#include <stdio.h>

int main(void)
{
    static uint8_t buf[1 << 20];
    size_t n = fread(buf, 1, sizeof(buf), stdin);
    return LLVMFuzzerTestOneInput(buf, n);
}
#endif
