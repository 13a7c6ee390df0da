/*
 * Host harness for the agent's tests: one agent on the fake hypervisor,
 * its output captured in a buffer and parsed back into frames, requests
 * sent as the host would (link frames on channel 2).
 */
#ifndef TEST_RPC_HARNESS_H
#define TEST_RPC_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mgmt/agent.h>
#include <pb_decode.h>
#include <pb_encode.h>

#include "fake_ops.h"
#include "vh.pb.h"

struct harness {
    struct mgmt_agent a;
    uint8_t out[1 << 20];
    size_t out_len, out_pos; /* captured, and parsed so far */
    bool refuse;             /* the "UART" takes nothing */
    struct link_counters ctr;
    struct link_rx rx;
    uint64_t now;
};
extern struct harness H;

void h_setup(void);
void h_set_now(uint64_t now_ns);
void h_send(uint8_t channel, const uint8_t *p, size_t n);
/* Run steps until the agent is idle (bounded). */
void h_run(void);
/* Next frame in the captured output; false when none is left. */
bool h_next_frame(struct link_frame *f);
/* Send a Hello as vhd does (heartbeat_ms 1000) and check the agent's Hello
 * comes back. */
void h_hello(void);
/* The same with the host's heartbeat period host_hb_ms (0: "not your clock"). */
void h_hello_hb(uint32_t host_hb_ms);
/* Send a request and decode the first Response with its call_id. */
bool h_call(const vh_Request *q, vh_Response *r);
/* Encode and send a request without waiting for an answer. */
void h_send_request(const vh_Request *q);
/* Decode the next Response frame in the output (skipping other channels). */
bool h_next_response(vh_Response *r);
/* The captured output from out_pos on, as a NUL-terminated string. */
const char *h_text(void);

#endif /* TEST_RPC_HARNESS_H */
