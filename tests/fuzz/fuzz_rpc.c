/*
 * Fuzz target: the agent's RPC path against the fake hypervisor.  The first
 * byte picks the entry: even -> the input is one Request for
 * mgmt_agent_rpc_packet() (decode + dispatch, manage capability from bit 1);
 * odd -> the rest is raw UART bytes for a framed-mode agent (link parse,
 * queue, then steps until idle).  Built with -fsanitize=fuzzer (libFuzzer)
 * or, without VH_LIBFUZZER, as a program that reads one input from stdin.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mgmt/agent.h>
#include <pb_encode.h>

#include "fake_ops.h"
#include "vh.pb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct mgmt_agent agent;
static uint64_t written;

static size_t sink(void *ctx, const uint8_t *buf, size_t len)
{
    (void)ctx;
    (void)buf;
    written += len;
    return len;
}

/* A fresh machine and an agent already in framed mode. */
static void start(void)
{
    static uint8_t hello[32], frame[64];
    vh_LinkControl m = vh_LinkControl_init_zero;
    pb_ostream_t os = pb_ostream_from_buffer(hello, sizeof(hello));

    fake_ops_reset(1);
    fake_ops_set_now(1000000000ull);
    mgmt_agent_init(&agent, fake_ops(), sink, NULL);
    m.which_msg = vh_LinkControl_hello_tag;
    if (!pb_encode(&os, vh_LinkControl_fields, &m))
        abort();
    size_t n = link_encode(LINK_CH_CONTROL, hello, os.bytes_written, frame, sizeof(frame));
    mgmt_agent_rx(&agent, frame, n);
    mgmt_agent_step(&agent, 1000000000ull);
    if (!mgmt_agent_framed(&agent))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t resp[LINK_MAX_PAYLOAD];

    if (size == 0)
        return 0;
    start();
    if ((data[0] & 1) == 0) {
        long n = mgmt_agent_rpc_packet(&agent, (data[0] & 2) != 0, data + 1, size - 1, resp,
                                       sizeof(resp));
        if (n > (long)sizeof(resp))
            abort();
        return 0;
    }
    mgmt_agent_rx(&agent, data + 1, size - 1);
    uint64_t now = 1000000000ull;
    for (int i = 0; i < 200; i++) {
        now += 7000000; /* stats and heartbeats come due too */
        fake_ops_set_now(now);
        if (!mgmt_agent_step(&agent, now) && i > 20)
            break;
    }
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
