/*
 * Link glue: bytes from the transport go through the link layer's receiver
 * (mgmt-agent/src/link.c, shared with the target); whole frames are routed
 * by channel.  Bytes outside frames are plain text the target printed
 * before its agent started (firmware, early boot): they go to the target's
 * log scrollback.  Also the control channel: Hello, Heartbeat, Bye.
 */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "vhd.h"

int vhd_target_send_frame(struct vhd_target *t, uint8_t ch, const uint8_t *p, size_t n)
{
    uint8_t out[LINK_MAX_ENCODED];
    size_t len = link_encode(ch, p, n, out, sizeof(out));
    if (!len || !t->conn) {
        t->ctr.tx_dropped++;
        return -1;
    }
    if (vhd_conn_write(t->conn, out, len) < 0) {
        t->ctr.tx_dropped++;
        return -1;
    }
    t->ctr.tx_frames++;
    return 0;
}

static void vhd__send_control(struct vhd_target *t, const Vh__LinkControl *lc)
{
    uint8_t buf[LINK_MAX_PAYLOAD];
    size_t n = vh__link_control__get_packed_size(lc);
    if (n > sizeof(buf))
        return;
    vh__link_control__pack(lc, buf);
    vhd_target_send_frame(t, LINK_CH_CONTROL, buf, n);
}

/* The heartbeat period our Hello announces.  A QEMU target under
 * -icount sleep=off runs emulated time apart from ours (far ahead when
 * idle), so our wall-clock heartbeats cannot tell it we went silent: 0 asks
 * it never to fall back to text for silence (vh.proto, Hello).  We still
 * send heartbeats, and our own dead-target check stays on wall time. */
static uint32_t vhd__hello_hb_ms(const struct vhd_target *t)
{
    if (t->spec.kind == VHD_SPEC_QEMU && t->spec.icount == VHD_ICOUNT_NOSLEEP)
        return 0;
    return VHD_HEARTBEAT_MS;
}

void vhd_target_send_hello(struct vhd_target *t)
{
    Vh__Hello h = VH__HELLO__INIT;
    Vh__LinkControl lc = VH__LINK_CONTROL__INIT;
    h.protocol_version = VH__VERSION__PROTOCOL_VERSION;
    h.max_frame = LINK_MAX_PAYLOAD;
    h.build_id = (char *)"vhd";
    h.heartbeat_ms = vhd__hello_hb_ms(t);
    lc.msg_case = VH__LINK_CONTROL__MSG_HELLO;
    lc.hello = &h;
    t->last_hello_tx_ns = vhd_now_ns();
    vhd__send_control(t, &lc);
}

void vhd_target_send_heartbeat(struct vhd_target *t)
{
    Vh__Heartbeat hb = VH__HEARTBEAT__INIT;
    Vh__LinkCounters lcnt = VH__LINK_COUNTERS__INIT;
    Vh__LinkControl lc = VH__LINK_CONTROL__INIT;
    lcnt.rx_frames = t->ctr.rx_frames;
    lcnt.tx_frames = t->ctr.tx_frames;
    lcnt.rx_crc_errors = t->ctr.rx_crc_errors;
    lcnt.rx_resyncs = t->ctr.rx_resyncs;
    lcnt.rx_oversize = t->ctr.rx_oversize;
    lcnt.rx_dropped = t->ctr.rx_dropped;
    lcnt.tx_dropped = t->ctr.tx_dropped;
    hb.seq = ++t->hb_seq;
    hb.uptime_ns = vhd_now_ns();
    hb.counters = &lcnt;
    lc.msg_case = VH__LINK_CONTROL__MSG_HEARTBEAT;
    lc.heartbeat = &hb;
    t->last_hb_tx_ns = vhd_now_ns();
    vhd__send_control(t, &lc);
}

static void vhd__on_rpc(struct vhd_target *t, const uint8_t *p, size_t n)
{
    Vh__Response *r = vh__response__unpack(NULL, n, p);
    if (!r) {
        t->ctr.rx_dropped++;
        vhd_warn("target %s: undecodable RPC response (%zu bytes) dropped", t->name, n);
        return;
    }
    if (!vhd_fanout_on_response(t, r) && !vhd_rpc_on_response(t, r))
        vhd_debug("target %s: response to unknown call %u ignored", t->name, r->call_id);
    vh__response__free_unpacked(r, NULL);
}

void vhd_target_on_frame(struct vhd_target *t, const struct link_frame *f)
{
    t->last_rx_ns = vhd_now_ns();
    if (f->channel == LINK_CH_CONTROL)
        vhd_target_on_control(t, f->payload, f->len);
    else if (f->channel == LINK_CH_LOG)
        vhd_ring_put(&t->log, f->payload, f->len);
    else if (f->channel == LINK_CH_RPC)
        vhd__on_rpc(t, f->payload, f->len);
    else if (f->channel >= LINK_CH_CONSOLE0 && f->channel <= LINK_CH_CONSOLE_MAX)
        vhd_console_output(t, f->channel - LINK_CH_CONSOLE0, f->payload, f->len);
    else
        t->ctr.rx_dropped++;
}

/* A rejected "frame" that is mostly printable was text the target printed
 * while we were inside a frame (it rebooted under a live connection and its
 * firmware is talking): keep it in the log instead of losing it. */
static void vhd__salvage_text(struct vhd_target *t, const uint8_t *p, size_t n)
{
    size_t printable = 0;
    for (size_t i = 0; i < n; i++)
        printable += (p[i] >= 0x20 && p[i] < 0x7f) || p[i] == '\n' || p[i] == '\r' ||
                     p[i] == '\t';
    if (n < 8 || printable * 10 < n * 9)
        return;
    vhd_ring_put(&t->log, p, n);
    t->text_bytes += n;
}

static void vhd__feed(struct vhd_target *t, uint8_t byte)
{
    int closing = byte == LINK_FLAG && t->rx.in_frame;
    uint32_t held = t->rx.len;
    uint64_t bad = t->ctr.rx_crc_errors + t->ctr.rx_resyncs;
    struct link_frame f;
    if (link_rx_feed(&t->rx, byte, &f) == 1)
        vhd_target_on_frame(t, &f);
    else if (closing && t->ctr.rx_crc_errors + t->ctr.rx_resyncs != bad)
        vhd__salvage_text(t, t->rx.buf, held);
}

void vhd_target_data(struct vhd_target *t, const uint8_t *p, size_t n)
{
    size_t text_start = 0, text_len = 0;
    for (size_t i = 0; i < n && t->conn; i++) {
        int outside = !t->rx.in_frame && p[i] != LINK_FLAG;
        if (outside) {
            if (!text_len)
                text_start = i;
            text_len++;
        }
        vhd__feed(t, p[i]);
        if (text_len && (!outside || i + 1 == n)) {
            vhd_ring_put(&t->log, p + text_start, text_len);
            t->text_bytes += text_len;
            text_len = 0;
        }
    }
}
