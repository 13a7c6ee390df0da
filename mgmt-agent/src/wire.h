/*
 * The agent's large answers on the wire in one pass.
 *
 * nanopb's generic encoder sizes every nested message once per level above
 * it before writing it, at about 300 instructions per field on the target:
 * one stats message of three VCPUs cost ~70,000 instructions (with the
 * fill, ~580 us under QEMU -icount), a list of nine VCPUs ~180,000.  That
 * is work the management CPU does with interrupts off, ahead of RT
 * releases.  These functions write the same bytes directly from the nanopb
 * structs, each field once, for the Responses that carry lists and stats;
 * nanopb still encodes every other message and decodes all of them.
 * unit_wire checks them against pb_encode() byte for byte.
 */
#ifndef MGMT_WIRE_H
#define MGMT_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vh.pb.h"

/* Encoded size of one repeated entry as it sits in its list: tag, length
 * and body (for the frame budget while a list is filled). */
size_t mgmt__wire_vcpu_stats_entry(const vh_VcpuStats *v);
size_t mgmt__wire_chan_entry(const vh_IpcChannelStats *c);
size_t mgmt__wire_vcpu_entry(const vh_Vcpu *v);
size_t mgmt__wire_adu_entry(const vh_Adu *d);
/* Encoded size of a Stats body. */
size_t mgmt__wire_stats_size(const vh_Stats *st);

/* Whether mgmt__wire_response() encodes r: its result is stats, VCPUs or ADUs. */
bool mgmt__wire_handles(const vh_Response *r);

/* r as pb_encode(vh_Response_fields) writes it.  It is written at the end
 * of buf[cap] (backwards, see wire.c): *start is where it begins.  Returns
 * the length, or 0 when it does not fit or r is not handled. */
size_t mgmt__wire_response(const vh_Response *r, uint8_t *buf, size_t cap, const uint8_t **start);

#endif /* MGMT_WIRE_H */
