/*
 * The stats stream message on the wire in one pass.
 *
 * A stats message is the agent's only periodic work, and it runs on a CPU
 * that also runs RT-VCPUs.  nanopb's generic encoder sizes every nested
 * message once per level above it before writing it (Response > Stats >
 * VcpuStats > RtStats > hist), which made one message of three VCPUs cost
 * about 70,000 instructions (fill and encode, under QEMU -icount ~580 us).
 * These functions write the same bytes directly from the nanopb structs,
 * each field once, and size entries for the frame budget in one counting
 * pass.  unit_stats_wire checks them against pb_encode() byte for byte.
 */
#ifndef MGMT_STATS_WIRE_H
#define MGMT_STATS_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "vh.pb.h"

/* Encoded size of one repeated entry as it sits in Stats: tag, length and body. */
size_t mgmt__wire_vcpu_entry(const vh_VcpuStats *v);
size_t mgmt__wire_chan_entry(const vh_IpcChannelStats *c);
/* Encoded size of a Stats body. */
size_t mgmt__wire_stats_size(const vh_Stats *st);

/* Response{call_id, stats} as pb_encode(vh_Response_fields) writes it for
 * a Response with status OK, no detail and result stats.  It is written at
 * the end of buf[cap] (backwards, see stats_wire.c): *start is where it
 * begins.  Returns the length, or 0 when it does not fit. */
size_t mgmt__wire_stats_response(uint32_t call_id, const vh_Stats *st, uint8_t *buf, size_t cap,
                                 const uint8_t **start);

#endif /* MGMT_STATS_WIRE_H */
