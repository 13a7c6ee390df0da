/*
 * Management agent glue: see mgmt.h.
 *
 * Text mode (no host yet): what a person types goes to the ADU that has
 * the console focus; Ctrl-A three times moves the focus to the next ADU,
 * as on Xen.  Framed mode: each ADU's console is its own channel and input
 * arrives through the agent (console_input).  All agent calls hold
 * mgmt_lock; only the line queue's leaf lock is taken under it.
 */
#include <arch/spinlock.h>
#include <core/adu.h>
#include <core/arch.h>
#include <core/console.h>
#include <core/cpu.h>
#include <core/lib.h>
#include <core/mgmt.h>
#include <core/sched.h>
#include <core/trace.h>
#include <mgmt/agent.h>
#include <platform/platform.h>

extern const struct mgmt_ops vh_mgmt_ops;
extern uint64_t vh_mgmt_boot_id;

static struct mgmt_agent agent;
static spinlock_t mgmt_lock = SPINLOCK_INIT;
static volatile bool mgmt_up;
uint32_t mgmt_cpu = UINT32_MAX; /* none until mgmt_init */
static uint32_t focus;   /* ADU receiving typed input in text mode */
static uint32_t ctrl_a;  /* consecutive Ctrl-A seen */
uint64_t mgmt_next = UINT64_MAX;

/*
 * Output never waits for the UART on the CPU that produced it.  A console
 * or log line is copied into the line queue (a leaf lock held for one
 * copy) from any CPU; the management CPU, in its bounded work steps, hands
 * lines to the agent, which writes text or frames into the transmit ring,
 * and drains the ring into the UART as fast as the UART takes it, a chunk
 * per step.  When producers outrun the UART, whole lines are dropped and
 * counted, never parts of one.
 */
#define LINEQ_SLOTS 32
#define LINE_MAX 256
struct line_slot {
    int16_t adu_id;
    uint16_t len;
    char tag[VH_NAME_LEN];
    char text[LINE_MAX];
};
static struct line_slot lineq[LINEQ_SLOTS];
static uint32_t lineq_head, lineq_count, lineq_dropped;
static spinlock_t lineq_lock = SPINLOCK_INIT;

#define TXQ_BYTES 32768u /* several of the largest frames */
#define TX_CHUNK 2048u   /* bytes to the UART per work step */
#define TX_UNIT 256u     /* ... written in units, the guard checked between */
static uint8_t txq[TXQ_BYTES];
static uint32_t txq_head, txq_count; /* under mgmt_lock */

static size_t uart_write(void *ctx, const uint8_t *buf, size_t len)
{
    (void)ctx;
    if (len > TXQ_BYTES - txq_count) {
        return 0; /* the agent counts the frame as dropped */
    }
    uint32_t tail = (txq_head + txq_count) % TXQ_BYTES;
    size_t first = MIN(len, (size_t)(TXQ_BYTES - tail));
    memcpy(&txq[tail], buf, first);
    memcpy(txq, buf + first, len - first);
    txq_count += (uint32_t)len;
    return len;
}

/* Write what the UART takes now, up to TX_UNIT bytes (mgmt_lock held);
 * false when the UART took less. */
static bool txq_drain(void)
{
    uint32_t budget = TX_UNIT;
    while (txq_count != 0 && budget != 0) {
        uint32_t n = MIN(MIN(txq_count, TXQ_BYTES - txq_head), budget);
        size_t done = platform_console_write(&txq[txq_head], n);
        txq_head = (txq_head + (uint32_t)done) % TXQ_BYTES;
        txq_count -= (uint32_t)done;
        budget -= (uint32_t)done;
        if (done < n) {
            return false; /* the UART is full: next step */
        }
    }
    return true;
}

/*
 * Agent work runs in units (one agent step, one console line handed to the
 * agent, one TX_UNIT of output), each started only where no RT release of
 * this CPU (nor, on a serialised emulator, of another) is due within
 * MGMT_GUARD_NS by the clock now.  Every unit is bounded well below that:
 * under QEMU -icount (8 ns per instruction) a stats message of
 * MGMT_STATS_VCPUS RT-VCPUs costs ~220 us and the longest unit ~300 us,
 * which qemu_mgmt_units keeps below the guard; on hardware at 1 GHz a tenth
 * of that.  The guard is fixed, not learnt from what units took: on an
 * emulator without -icount the clock also counts the time the host or the
 * other CPUs took, and costs learnt from it grew to milliseconds, starving
 * the agent.
 */
static bool unit_may_run(const struct cpu *c)
{
    uint64_t now = arch_time_now(), guard = MGMT_GUARD_NS / sched_ns_per_tick, until;
    return sched_rt_quiet(c, now, guard) && sched_sibling_quiet(c, now, guard, &until);
}

void mgmt_init(uint64_t boot_id)
{
    mgmt_agent_init(&agent, &vh_mgmt_ops, uart_write, NULL);
    vh_mgmt_boot_id = boot_id;
    mgmt_cpu = cpu_count - 1;
    mgmt_up = true;
    if (this_cpu()->id == mgmt_cpu) {
        platform_console_rx_irq(mgmt_cpu);
    }
    mgmt_next = 0;
}

/*
 * The management CPU routes the UART interrupt to itself once it runs:
 * the firmware resets that CPU's interrupt threshold when it starts it.
 */
void mgmt_cpu_online(const struct cpu *c)
{
    if (mgmt_up && c->id == mgmt_cpu) {
        platform_console_rx_irq(mgmt_cpu);
    }
}

/* Make the management CPU take the output: at its next trap when it runs
 * a VCPU (it arms its timer for agent work), woken by an IPI when idle. */
static void poke_mgmt_cpu(void)
{
    mgmt_next = 0;
    if (this_cpu()->id != mgmt_cpu && cpus[mgmt_cpu].cur == NULL) {
        sched_kick_idle_cpu(mgmt_cpu);
    }
}

bool mgmt_console_line(int adu_id, const char *tag, const char *text, size_t len)
{
    if (!mgmt_up) {
        return false;
    }
    spin_lock(&lineq_lock);
    bool was_empty = lineq_count == 0;
    if (lineq_count == LINEQ_SLOTS) {
        lineq_dropped++;
    } else {
        struct line_slot *l = &lineq[(lineq_head + lineq_count) % LINEQ_SLOTS];
        l->adu_id = (int16_t)adu_id;
        l->len = (uint16_t)MIN(len, (size_t)LINE_MAX);
        strlcpy(l->tag, tag, VH_NAME_LEN);
        memcpy(l->text, text, l->len);
        lineq_count++;
    }
    spin_unlock(&lineq_lock);
    if (was_empty) {
        poke_mgmt_cpu();
    }
    return true;
}

bool mgmt_log_room(void)
{
    return lineq_count < LINEQ_SLOTS / 2;
}

/* Hand queued lines to the agent while the transmit ring keeps room for
 * one more and for the agent's own largest frame, so RPC answers are never
 * starved by console output (mgmt_lock held; lines go out in order). */
#define LINE_FRAME_MAX (2 + 2 * (1 + LINE_MAX + VH_NAME_LEN + 8 + 4))
static void lines_to_agent(struct cpu *c)
{
    struct line_slot l;
    for (;;) {
        if (TXQ_BYTES - txq_count < LINE_FRAME_MAX + LINK_MAX_ENCODED || !unit_may_run(c)) {
            return;
        }
        uint64_t u0 = trace_stamp();
        uint32_t dropped = 0;
        spin_lock(&lineq_lock);
        if (lineq_count == 0) {
            spin_unlock(&lineq_lock);
            return;
        }
        l = lineq[lineq_head];
        lineq_head = (lineq_head + 1) % LINEQ_SLOTS;
        lineq_count--;
        if (lineq_count == 0) {
            dropped = lineq_dropped;
            lineq_dropped = 0;
        }
        spin_unlock(&lineq_lock);
        if (l.adu_id < 0) {
            mgmt_agent_log(&agent, l.text, l.len);
        } else {
            mgmt_agent_console(&agent, (uint32_t)l.adu_id, l.tag, l.text, l.len);
        }
        if (dropped != 0) {
            char msg[96];
            int n = vh_snprintf(msg, sizeof msg,
                                "console: %u line(s) dropped: output faster than the UART", dropped);
            mgmt_agent_log(&agent, msg, MIN((size_t)n, sizeof msg - 1));
        }
        trace_span(c, TS_UNIT, u0);
    }
}

static bool output_pending(void)
{
    return txq_count != 0 || lineq_count != 0;
}

void mgmt_panic_flush(void)
{
    if (!mgmt_up) {
        return;
    }
    while (txq_count != 0) { /* best effort, no lock: we are going down */
        platform_console_putc((char)txq[txq_head]);
        txq_head = (txq_head + 1) % TXQ_BYTES;
        txq_count--;
    }
}

/* Text mode: typed bytes go to the focused ADU; Ctrl-A x3 moves the focus. */
static void text_input(uint8_t ch)
{
    if (ch == 0x01) {
        if (++ctrl_a == 3) {
            ctrl_a = 0;
            focus = (focus + 1) % adu_count;
            vh_log("console input now goes to ADU '%s' (Ctrl-A three times to switch)",
                   adus[focus].cfg->name);
        }
        return;
    }
    ctrl_a = 0;
    if (ch != LINK_FLAG && ch != LINK_ESC && adu_count != 0) {
        vuart_rx_push(&adus[focus], ch);
    }
}

static void drain_uart(void)
{
    uint8_t buf[64];
    size_t n = 0;
    int ch;
    while (n < sizeof buf && (ch = platform_console_getc()) >= 0) {
        buf[n++] = (uint8_t)ch;
    }
    if (n == 0) {
        return;
    }
    spin_lock(&mgmt_lock);
    bool framed = mgmt_agent_framed(&agent);
    mgmt_agent_rx(&agent, buf, n);
    spin_unlock(&mgmt_lock);
    if (!framed) {
        for (size_t i = 0; i < n; i++) {
            text_input(buf[i]);
        }
    }
}

void mgmt_irq(struct cpu *c)
{
    if (!mgmt_up || c->id != mgmt_cpu) {
        return;
    }
    uint32_t irq = platform_irq_claim(c->id);
    drain_uart();
    platform_irq_complete(c->id, irq);
    mgmt_next = 0; /* frames may be waiting: work as soon as RT allows */
}

void mgmt_work(struct cpu *c, uint64_t now)
{
    uint64_t guard = MGMT_GUARD_NS / sched_ns_per_tick;
    uint64_t until;
    if (!sched_rt_quiet(c, now, guard)) {
        mgmt_next = now + guard / 4; /* retry once the RT work is past */
        return;
    }
    if (!sched_sibling_quiet(c, now, guard, &until)) {
        mgmt_next = until;
        return;
    }
    uint64_t now_ns = now * sched_ns_per_tick;
    uint64_t t0 = trace_stamp();
    trace_event(c, TE_MGMT, NULL, 1);
    spin_lock(&mgmt_lock);
    /* Each unit is checked against the releases ahead just before it runs
     * (unit_may_run); one that does not fit now waits for the next try. */
    bool more = false;
    for (int i = 0; i < 4 && TXQ_BYTES - txq_count >= LINK_MAX_ENCODED; i++) {
        if (i != 0 && !unit_may_run(c)) {
            break; /* more is true: the next try goes on */
        }
        uint64_t u0 = trace_stamp();
        more = mgmt_agent_step(&agent, now_ns);
        trace_span(c, TS_UNIT, u0);
        if (!more) {
            break;
        }
    }
    trace_mgmt_step(now);
    lines_to_agent(c);
    for (uint32_t i = 0; i < TX_CHUNK / TX_UNIT && txq_count != 0 && unit_may_run(c); i++) {
        uint64_t u0 = trace_stamp();
        bool all = txq_drain();
        trace_span(c, TS_UNIT, u0);
        if (!all) {
            break; /* the UART is full */
        }
    }
    more = more || output_pending();
    uint64_t t = mgmt_agent_next_ns(&agent);
    spin_unlock(&mgmt_lock);
    mgmt_next = more ? now + guard / 4 : (t == UINT64_MAX ? UINT64_MAX : MAX(t / sched_ns_per_tick, now + 1));
    barrier_full();
    if (lineq_count != 0) {
        mgmt_next = now; /* a line came meanwhile (its poke may predate the store above) */
    }
    trace_span(c, TS_MGMT, t0);
    trace_event(c, TE_MGMT, NULL, 0);
}

/* An RPC over inter-ADU messaging (ipc.c): the agent served on the calling
 * CPU, under mgmt_lock like every agent call; lines it logs wait until the
 * call is over, as in mgmt_work. */
long mgmt_rpc_packet(bool caller_may_manage, const uint8_t *req, size_t len, uint8_t *resp,
                     size_t cap)
{
    if (!mgmt_up) {
        return VH_EAGAIN;
    }
    spin_lock(&mgmt_lock);
    long r = mgmt_agent_rpc_packet(&agent, caller_may_manage, req, len, resp, cap);
    spin_unlock(&mgmt_lock);
    return r;
}

bool mgmt_rpc_fits(const struct cpu *c)
{
    return unit_may_run(c);
}
