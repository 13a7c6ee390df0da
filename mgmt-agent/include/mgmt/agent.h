/*
 * vh management agent: the target's end of the management link.  It
 * multiplexes the hypervisor log, the ADU consoles, link control and RPC
 * (vh.proto) over the one console UART, and serves RPCs by calling the
 * hypervisor through struct mgmt_ops.
 *
 * Two modes on the wire.  Text mode (after boot): console and log lines go
 * out as plain text "[tag] line\r\n", readable on a bare terminal.  When a
 * host sends a Hello on channel 0 the agent answers with its own Hello and
 * switches to framed mode (mgmt/link.h); when no frame has come from the
 * host for MGMT_FALLBACK_BEATS of the heartbeat periods the host announced
 * in its Hello (a host sends at least a Heartbeat every period; periods
 * under MGMT_HOST_HB_MIN_MS count as that), or on a Bye, it falls back to
 * text mode and ends all stats subscriptions.  A host that announces
 * heartbeat_ms = 0 says its heartbeats do not measure our clock (emulated
 * time that runs apart from the host's): silence then never ends the
 * session; a Bye or a new Hello still do.
 *
 * Memory: no heap.  All buffers are inside struct mgmt_agent (about 32 KiB,
 * see the sizes below), so the hypervisor declares one statically.
 *
 * Concurrency: none inside.  The caller serialises every call on one agent
 * (one lock, or one hart owns it); write_fn is called with that held.
 *
 * RPC conventions a host can rely on (vh.proto says the rest):
 *  - Every Response carries the Request's call_id; a refusal has a Status
 *    from the VH_E* code (admission refusals: RESOURCE_EXHAUSTED) and the
 *    hypervisor's sentence in detail.  A Request that does not decode gets
 *    INVALID_ARGUMENT with nanopb's error text, or no answer when not even
 *    its call_id is readable.
 *  - create_rt with dry_run: status OK; result.admitted says whether it
 *    would pass and detail why not; nothing changes.
 *  - Mutations with op_id != 0: the answer is kept for the last
 *    MGMT_OPCACHE_SLOTS such ops; a repeat is answered from it (with the
 *    repeat's call_id) and does not act again.
 *  - subscribe_stats: answered OK (no result); then Responses with the same
 *    call_id and result.stats at rate_hz, from mgmt_agent_step().  seq counts
 *    every message produced, `dropped` how many since the last delivered one
 *    could not be written.  All CPUs are in every message; messaging
 *    channels and VCPUs that do not fit one frame follow in the next
 *    messages (merge by src_adu/dst_adu and by vcpu_id).
 *  - unsubscribe_stats: the stream ends with a Response {call_id of the
 *    subscribe, stream_end}, then the unsubscribe's own answer (stream_end).
 *  - Lists that do not fit a frame are cut; detail then says
 *    "listed N of M VCPUs (frame limit)".
 *
 * Bounded work: mgmt_agent_rx() costs O(n) in the bytes given (CRC and
 * copy into the receive queue, no RPC is executed); mgmt_agent_console()
 * and mgmt_agent_log() encode and write one line; mgmt_agent_step() does
 * at most one unit of work, see there.
 */
#ifndef MGMT_AGENT_H
#define MGMT_AGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mgmt/link.h>
#include <mgmt/ops.h>

#define MGMT_HEARTBEAT_MS 1000u   /* our heartbeat period, announced in Hello */
#define MGMT_FALLBACK_BEATS 3u    /* host silence (in host periods) before text mode */
#define MGMT_HOST_HB_MIN_MS 100u  /* floor on the host's announced heartbeat period */
#define MGMT_RXQ_SLOTS 8u         /* received frames waiting for mgmt_agent_step */
#define MGMT_STATS_VCPUS 8u       /* VCPUs per stats message at most (the rest follow) */
#define MGMT_RXQ_BYTES 512u       /* largest queued payload (a Request is <= 297) */
#define MGMT_OPCACHE_SLOTS 16u    /* op_id -> answer of recent mutations */
#define MGMT_OPCACHE_BYTES 192u   /* largest cached answer (a mutation's is <= 161) */
#define MGMT_MAX_SUBS 2u          /* concurrent stats subscriptions */
#define MGMT_SCRATCH_BYTES 10240u /* decoded Request + Response (nanopb structs) */
#define MGMT_STATS_MIN_HZ 1u
#define MGMT_STATS_MAX_HZ 100u

/*
 * Output: write len bytes (one whole frame, or one text line) to the UART.
 * Returns the number of bytes taken.  It should take all or nothing: a
 * short write counts the frame as dropped (tx_dropped; a stats message as
 * `dropped`), and the receiver discards the torn frame by its CRC.
 * Must not block for long and must not call back into the agent.
 */
typedef size_t (*mgmt_write_fn)(void *ctx, const uint8_t *buf, size_t len);

/* Agent counters beyond the link's (not on the wire). */
struct mgmt_agent_counters {
    uint64_t rpc_calls;     /* requests answered (link and packet) */
    uint64_t rpc_malformed; /* requests that did not decode */
    uint64_t rpc_replayed;  /* answered from the op_id cache */
    uint64_t mode_switches; /* text <-> framed */
};

struct mgmt_rxq_slot {
    uint8_t channel;
    uint16_t len;
    uint8_t data[MGMT_RXQ_BYTES];
};

struct mgmt_opcache_slot {
    uint64_t op_id; /* 0: free */
    uint16_t len;
    uint8_t data[MGMT_OPCACHE_BYTES]; /* encoded Response without call_id */
};

struct mgmt_sub {
    uint32_t call_id; /* of the subscribe; 0: slot free */
    uint64_t period_ns;
    uint64_t next_ns;
    uint64_t seq;
    uint32_t dropped;     /* messages lost since the last one sent */
    uint32_t vcpu_cursor; /* first VCPU slot of the next message */
    uint32_t chan_cursor; /* first messaging channel slot of the next message */
};

struct mgmt_agent {
    const struct mgmt_ops *ops;
    mgmt_write_fn write;
    void *ctx;

    struct link_counters link;
    struct link_rx rx;
    struct mgmt_agent_counters ctr;

    bool framed;
    bool host_seen;       /* a frame arrived since the last step */
    uint64_t now_ns;      /* time of the latest step */
    uint64_t host_ns;     /* time a host frame was last seen */
    uint64_t silence_ns;  /* host silence that ends the session; 0: none does */
    uint64_t hb_next_ns;  /* next heartbeat due */
    uint64_t hb_seq;

    struct mgmt_rxq_slot rxq[MGMT_RXQ_SLOTS];
    uint32_t rxq_head, rxq_count;

    struct mgmt_sub subs[MGMT_MAX_SUBS];
    uint32_t sub_turn; /* round robin among due subscriptions */

    struct mgmt_opcache_slot opcache[MGMT_OPCACHE_SLOTS];
    uint32_t opcache_next;

    uint8_t payload[LINK_MAX_PAYLOAD];
    uint8_t frame[LINK_MAX_ENCODED];
    uint64_t scratch[MGMT_SCRATCH_BYTES / 8];
};

/* Set up an agent in text mode.  ops, write and ctx stay in use until the
 * agent is no longer called. */
void mgmt_agent_init(struct mgmt_agent *a, const struct mgmt_ops *ops, mgmt_write_fn write,
                     void *ctx);

/*
 * Feed bytes received from the UART.  Complete frames are checked and
 * queued for mgmt_agent_step(); nothing is executed here.  A frame that
 * does not fit (queue full, payload over MGMT_RXQ_BYTES, unknown channel)
 * is counted in rx_dropped.  Bytes outside frames are ignored here: in text
 * mode the caller handles its own keyboard input.
 */
void mgmt_agent_rx(struct mgmt_agent *a, const uint8_t *bytes, size_t n);

/*
 * Do at most one unit of work at time now_ns (a monotonic clock): serve
 * one queued frame (one RPC, a Hello, console input), or else send one
 * heartbeat, or else one stats message of one subscription.  Returns true
 * when more work is pending now (call again), false when the agent is idle
 * until mgmt_agent_next_ns().
 *
 * Worst case of one call: one RPC, i.e. one mgmt_ops call plus, for the
 * list and stats calls, one adu_get/vcpu_get/cpu_get/chan_get per slot
 * (bounded by vcpu_slots() + adu_count() + cpu_count() + chan_slots()), a
 * nanopb decode of <= 297 bytes, an encode of <= LINK_MAX_PAYLOAD bytes
 * (lists and stats messages of at most MGMT_STATS_VCPUS VCPUs in one pass,
 * wire.c; the small answers by nanopb), the CRC and escaping of one frame
 * and one write of <= LINK_MAX_ENCODED bytes.
 */
bool mgmt_agent_step(struct mgmt_agent *a, uint64_t now_ns);

/* When the agent next has timed work (heartbeat, stats, fallback check
 * unless the host's Hello turned it off), for the caller's timer;
 * UINT64_MAX in text mode with nothing queued. */
uint64_t mgmt_agent_next_ns(const struct mgmt_agent *a);

/* True in framed mode. */
bool mgmt_agent_framed(const struct mgmt_agent *a);

/*
 * One console line of ADU adu_id (without its newline).  Framed: one frame
 * on channel LINK_CH_CONSOLE0 + adu_id whose payload is the line plus
 * '\n'.  Text: "[tag] line\r\n".  Lines longer than a frame are cut.
 */
void mgmt_agent_console(struct mgmt_agent *a, uint32_t adu_id, const char *tag,
                        const char *line, size_t len);

/* One hypervisor log line: channel LINK_CH_LOG (line plus '\n'), or
 * "[vh] line\r\n" in text mode. */
void mgmt_agent_log(struct mgmt_agent *a, const char *line, size_t len);

/*
 * The inter-ADU transport's entry point: serve one encoded Request from an
 * ADU, writing the encoded Response into resp[cap].  A caller without the
 * manage capability is answered PERMISSION_DENIED for every call; stats
 * subscriptions are only served over the link (FAILED_PRECONDITION here).
 * Returns the response length, or a negative VH_E* code: VH_EINVAL for a
 * request without a readable call_id (counted in rpc_malformed), VH_EMSGSIZE
 * when cap cannot hold the answer.
 */
long mgmt_agent_rpc_packet(struct mgmt_agent *a, bool caller_may_manage, const uint8_t *req,
                           size_t len, uint8_t *resp, size_t cap);

#endif /* MGMT_AGENT_H */
