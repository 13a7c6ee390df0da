/*
 * Writes seed inputs for both fuzz targets into a directory: encoded
 * Requests of every call (prefixed for fuzz_rpc's packet entry), the same
 * as link frames (for its UART entry and for fuzz_frame), text mixed with
 * frames, and a few damaged frames.  Usage: fuzz_seeds DIR
 */
#include <stdio.h>
#include <string.h>

#include <mgmt/link.h>
#include <pb_encode.h>

#include "vh.pb.h"

static int nseeds;
static const char *dir;

static void put(const uint8_t *p, size_t n)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/seed_%03d", dir, nseeds++);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(p, 1, n, f) != n) {
        perror(path);
        return;
    }
    fclose(f);
}

static size_t encode_req(const vh_Request *q, uint8_t *out, size_t cap)
{
    pb_ostream_t os = pb_ostream_from_buffer(out, cap);
    return pb_encode(&os, vh_Request_fields, q) ? os.bytes_written : 0;
}

int main(int argc, char **argv)
{
    static uint8_t req[512], buf[8192];
    static const pb_size_t calls[] = {
        vh_Request_system_info_tag,   vh_Request_list_adus_tag,      vh_Request_list_vcpus_tag,
        vh_Request_create_rt_tag,     vh_Request_destroy_rt_tag,     vh_Request_set_reservation_tag,
        vh_Request_set_rt_params_tag, vh_Request_migrate_tag,        vh_Request_subscribe_stats_tag,
        vh_Request_unsubscribe_stats_tag, vh_Request_console_input_tag,
    };

    if (argc != 2) {
        fprintf(stderr, "usage: fuzz_seeds DIR\n");
        return 2;
    }
    dir = argv[1];
    for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
        vh_Request q = vh_Request_init_zero;
        q.call_id = (uint32_t)(i + 1);
        q.op_id = i + 100;
        q.which_call = calls[i];
        strcpy(q.call.create_rt.adu, "ctl"); /* adu is the first field of several */
        if (calls[i] == vh_Request_create_rt_tag) {
            q.call.create_rt.period_ns = 10000000;
            q.call.create_rt.budget_ns = 3000000;
            q.call.create_rt.cpu = -1;
        } else if (calls[i] == vh_Request_subscribe_stats_tag) {
            q.call.subscribe_stats.rate_hz = 50;
        } else if (calls[i] == vh_Request_console_input_tag) {
            q.call.console_input.data.size = 3;
            memcpy(q.call.console_input.data.bytes, "ls\n", 3);
        } else if (calls[i] != vh_Request_list_vcpus_tag &&
                   calls[i] != vh_Request_set_reservation_tag) {
            memset(&q.call, 0, sizeof(q.call));
            q.call.destroy_rt.vcpu_id = 4; /* first field of the id-based calls */
        }
        size_t n = encode_req(&q, req + 1, sizeof(req) - 1);
        req[0] = 2; /* packet entry, may manage */
        put(req, n + 1);
        buf[0] = 1; /* UART entry: text, then the request as a frame */
        memcpy(buf + 1, "boot\r\n", 6);
        size_t m = link_encode(LINK_CH_RPC, req + 1, n, buf + 7, sizeof(buf) - 7);
        put(buf, 7 + m);
    }
    /* damaged: cut frame, then flags, then a frame on a console channel */
    size_t m = link_encode(LINK_CH_CONSOLE0 + 1, (const uint8_t *)"\x7e\x7dhello\n", 8, buf + 1,
                           sizeof(buf) - 1);
    buf[0] = 1;
    put(buf, 1 + m / 2);
    memcpy(buf + 1 + m, "\x7e\x7e\x7d\x7e", 4);
    put(buf, 1 + m + 4);
    printf("%d seeds in %s\n", nseeds, dir);
    return 0;
}
