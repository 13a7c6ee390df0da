/*
 * Messaging applications (app= in bootargs; numbers are decimal):
 *   ping    sends count= (100) numbered messages of size= (16) bytes to
 *           ADU peer= (1), window= (4) at a time, and waits for each echo
 *           with a blocking receive; checks the sequence numbers and prints
 *           sent, received, lost, duplicated and out of order
 *   pong    receives (blocking; notify=1: soft interrupt + wfi) and echoes
 *           each message to its sender (echo=0: only counts); report=N
 *           prints a count every N messages
 *   msgbad  tries what must be refused: a non-permitted ADU (deny=, 2), a
 *           bad pointer, a length past the end of RAM, an oversize message
 *           (over=, 4097), ...; then one management RPC; prints each code
 *   flood   sends size= (256) byte messages to peer= as fast as it can,
 *           counting refusals (queue full); a summary every report= (20000)
 *           attempts, done after total= (0: never)
 */
#include "bareos.h"
#include "kprintf.h"
#include "lib.h"
#include "msg.h"
#include "riscv.h"
#include "vhcall.h"

#define PING_MAGIC 0x50494e47u
#define PING_MAX 65536u

struct ping_msg {
    uint32_t magic;
    uint32_t seq;
};

static uint8_t buf[VH_MSG_SIZE_MAX + 64];
static uint8_t seen[PING_MAX / 8];

static uint64_t arg_clamp(const char *key, uint64_t def, uint64_t lo, uint64_t hi)
{
    uint64_t v = args_get_u64(key, def);
    return v < lo ? lo : v > hi ? hi : v;
}

/* Send, waiting out a full queue; returns the first other error. */
static long send_retry(uint32_t dest, const void *p, size_t len, uint64_t *full)
{
    long r;
    while ((r = msg_send(dest, p, len)) == VH_EQUEUE_FULL) {
        (*full)++;
        timer_sleep_ms(1);
    }
    return r;
}

struct ping_count {
    uint32_t received, dup, ooo, next, foreign;
};

static void ping_take(struct ping_count *c, uint32_t peer, uint32_t src, long n, uint32_t count)
{
    const struct ping_msg *m = (const struct ping_msg *)buf;
    if (src != peer || n < (long)sizeof *m || m->magic != PING_MAGIC) {
        c->foreign++;
        return;
    }
    if (m->seq >= count || (seen[m->seq / 8] & (1u << (m->seq % 8)))) {
        c->dup++;
        return;
    }
    seen[m->seq / 8] |= (uint8_t)(1u << (m->seq % 8));
    c->received++;
    c->ooo += m->seq != c->next;
    c->next = m->seq + 1;
}

void app_ping(unsigned long hartid)
{
    uint32_t peer = (uint32_t)args_get_u64("peer", 1);
    uint32_t count = (uint32_t)arg_clamp("count", 100, 1, PING_MAX);
    uint32_t window = (uint32_t)arg_clamp("window", 4, 1, 64);
    size_t size = arg_clamp("size", 16, sizeof(struct ping_msg), VH_MSG_SIZE_MAX);
    struct ping_count c = {0};
    uint64_t full = 0;
    (void)hartid;
    timer_sleep_ms(args_get_u64("delay", 50)); /* the peer is parked in its receive by then */
    kprintf("ping: %u messages of %lu bytes to ADU %u, window %u\n", count, (unsigned long)size,
            peer, window);
    uint64_t t0 = rdtime();
    uint32_t sent = 0;
    while (sent < count) {
        uint32_t n = count - sent < window ? count - sent : window;
        for (uint32_t i = 0; i < n; i++) {
            struct ping_msg m = {PING_MAGIC, sent + i};
            memset(buf, (int)(sent + i), size);
            memcpy(buf, &m, sizeof m);
            long r = send_retry(peer, buf, size, &full);
            if (r < 0) {
                kprintf("ping: send %u failed: %s\n", sent + i, vh_errname(r));
                n = i;
                count = sent + i;
                break;
            }
        }
        for (uint32_t i = 0; i < n; i++) {
            uint32_t src = 0;
            long r = msg_recv(buf, sizeof buf, &src, true);
            if (r < 0) {
                kprintf("ping: receive failed: %s\n", vh_errname(r));
                continue;
            }
            ping_take(&c, peer, src, r, count);
        }
        sent += n;
    }
    uint64_t us = (rdtime() - t0) * 1000000 / (g_boot.fdt.timebase_hz ? g_boot.fdt.timebase_hz : 10000000);
    kprintf("ping: sent %u received %u lost %u duplicated %u out of order %u foreign %u full %lu\n",
            sent, c.received, sent - c.received, c.dup, c.ooo, c.foreign, (unsigned long)full);
    kprintf("ping: %lu us for %u round trips\n", (unsigned long)us, sent);
    kprintf("ping: done\n");
}

/* Non-blocking receive; when empty, wfi until the notification interrupt. */
static long recv_notified(uint32_t *src, uint64_t *wakes)
{
    for (;;) {
        long n = msg_recv(buf, sizeof buf, src, false);
        if (n != VH_ENOMSG)
            return n;
        unsigned long s = irq_save();
        if (msg_pending() == 0) {
            wfi(); /* a pending, enabled SSIP ends it even with SIE off */
            (*wakes)++;
        }
        irq_restore(s); /* the soft interrupt is taken (and cleared) here */
    }
}

void app_pong(unsigned long hartid)
{
    bool notify = args_get_u64("notify", 0) != 0;
    bool echo = args_get_u64("echo", 1) != 0;
    uint64_t report = args_get_u64("report", 0);
    uint64_t got = 0, full = 0, wakes = 0;
    (void)hartid;
    if (notify) {
        csr_set(sie, SIE_SSIE);
        long r = msg_notify_enable();
        kprintf("pong: notification %s\n", r == 0 ? "on" : vh_errname(r));
    }
    kprintf("pong: ready (%s)\n", notify ? "notification + wfi" : "blocking receive");
    for (;;) {
        uint32_t src = 0;
        long n = notify ? recv_notified(&src, &wakes) : msg_recv(buf, sizeof buf, &src, true);
        if (n < 0) {
            kprintf("pong: receive failed: %s\n", vh_errname(n));
            timer_sleep_ms(10);
            continue;
        }
        if (++got == 1)
            kprintf("pong: first message (%ld bytes from ADU %u) woke the receiver\n", n, src);
        if (echo) {
            long r = send_retry(src, buf, (size_t)n, &full);
            if (r < 0)
                kprintf("pong: echo to ADU %u failed: %s\n", src, vh_errname(r));
        }
        if (report != 0 && got % report == 0)
            kprintf("pong: received %lu wakes %lu full %lu\n", (unsigned long)got,
                    (unsigned long)wakes, (unsigned long)full);
    }
}

static void bad(const char *what, long r)
{
    kprintf("msgbad: %s: %s\n", what, r >= 0 ? "OK" : vh_errname(r));
}

static void *gpa(uint64_t a)
{
    return (void *)(uintptr_t)a;
}

/* Status (field 2) of an encoded vh.proto Response, or -1. */
static long response_status(const uint8_t *p, long n)
{
    long i = 0, status = 0;
    while (i < n) {
        uint32_t key = p[i++], field = key >> 3, wt = key & 7;
        uint64_t val = 0;
        for (uint32_t sh = 0; i < n && sh < 64; sh += 7) {
            val |= (uint64_t)(p[i] & 0x7f) << sh;
            if (!(p[i++] & 0x80))
                break;
        }
        if (wt == 2)
            i += (long)val;
        else if (wt != 0)
            return -1;
        else if (field == 2)
            status = (long)val;
    }
    return status;
}

static void msgbad_mgmt(void)
{
    /* Request { call_id: 7, system_info: {} } */
    static const uint8_t req[] = {0x08, 0x07, 0x52, 0x00};
    long r = msg_send(VH_MSG_DEST_MGMT, req, sizeof req);
    bad("management RPC", r);
    uint32_t src = 0;
    long n = r;
    while (r == 0 && (n = msg_recv(buf, sizeof buf, &src, true)) >= 0 && src != VH_MSG_DEST_MGMT) {
    }
    if (r == 0 && n >= 0)
        kprintf("msgbad: management response: %ld bytes from 0x%x, status %ld\n", n, src,
                response_status(buf, n));
}

void app_msgbad(unsigned long hartid)
{
    uint32_t peer = (uint32_t)args_get_u64("peer", 1);
    uint32_t deny = (uint32_t)args_get_u64("deny", 2);
    size_t over = arg_clamp("over", VH_MSG_SIZE_MAX + 1, 1, sizeof buf);
    uint64_t base = g_boot.fdt.mem_base, end = base + g_boot.fdt.mem_size;
    uint32_t src = 0;
    (void)hartid;
    kprintf("msgbad: RAM 0x%lx..0x%lx, peer %u, deny %u\n", (unsigned long)base,
            (unsigned long)end, peer, deny);
    bad("send to a non-permitted ADU", msg_send(deny, buf, 16));
    bad("send to a nonexistent ADU", msg_send(99, buf, 16));
    bad("send from a bad pointer", msg_send(peer, gpa(0x1000), 16));
    bad("send with a length past the end of RAM", msg_send(peer, gpa(end - 8), 64));
    bad("send from a buffer straddling the start of RAM", msg_send(peer, gpa(base - 8), 64));
    kprintf("msgbad: oversize is %lu bytes\n", (unsigned long)over);
    bad("send an oversize message", msg_send(peer, buf, over));
    bad("send a message over the 4 KiB limit", msg_send(peer, buf, VH_MSG_SIZE_MAX + 1));
    bad("receive into a bad pointer", msg_recv(gpa(0x1000), 64, &src, false));
    bad("receive with a capacity past the end of RAM", msg_recv(gpa(end - 8), 64, &src, false));
    bad("receive with unknown flags",
        vh_msg_recv(buf, 64, 0x80, NULL, NULL));
    bad("receive from an empty queue", msg_recv(buf, 64, &src, false));
    bad("send a valid message", msg_send(peer, buf, 16));
    msgbad_mgmt();
    kprintf("msgbad: done\n");
}

void app_flood(unsigned long hartid)
{
    uint32_t peer = (uint32_t)args_get_u64("peer", 1);
    size_t size = arg_clamp("size", 256, 1, VH_MSG_SIZE_MAX);
    uint64_t report = arg_clamp("report", 20000, 1, ~0ull);
    uint64_t total = args_get_u64("total", 0);
    uint64_t sent = 0, full = 0, other = 0;
    long last = 0;
    (void)hartid;
    kprintf("flood: %lu-byte messages to ADU %u\n", (unsigned long)size, peer);
    for (uint64_t n = 1; total == 0 || n <= total; n++) {
        long r = msg_send(peer, buf, size);
        sent += r == 0;
        full += r == VH_EQUEUE_FULL;
        if (r != 0 && r != VH_EQUEUE_FULL) {
            other++;
            last = r;
        }
        if (n % report == 0)
            kprintf("flood: attempts %lu sent %lu full %lu other %lu%s%s\n", (unsigned long)n,
                    (unsigned long)sent, (unsigned long)full, (unsigned long)other,
                    other ? " last " : "", other ? vh_errname(last) : "");
    }
    kprintf("flood: done\n");
}
