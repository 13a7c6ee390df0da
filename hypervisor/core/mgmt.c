/*
 * Management agent glue: see mgmt.h.
 *
 * Text mode (no host yet): what a person types goes to the ADU that has
 * the console focus; Ctrl-A three times moves the focus to the next ADU,
 * as on Xen.  Framed mode: each ADU's console is its own channel and input
 * arrives through the agent (console_input).  All agent calls hold
 * mgmt_lock; nothing else is taken under it.
 */
#include <arch/spinlock.h>
#include <core/adu.h>
#include <core/arch.h>
#include <core/console.h>
#include <core/cpu.h>
#include <core/lib.h>
#include <core/mgmt.h>
#include <core/sched.h>
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
static volatile int owner = -1; /* CPU inside an agent step */

/* Lines logged from inside an agent step (an RPC's own log line) wait
 * here until the step is over: the agent is not re-entrant. */
#define DEFERRED_LINES 4
static struct {
    int adu_id;
    char tag[VH_NAME_LEN];
    char text[160];
    uint32_t len;
} deferred[DEFERRED_LINES];
static uint32_t n_deferred;

static size_t uart_write(void *ctx, const uint8_t *buf, size_t len)
{
    (void)ctx;
    console_raw(buf, len);
    return len;
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

/* After an agent call (mgmt_lock held): write the lines it logged. */
static void end_agent_call(void)
{
    for (uint32_t i = 0; i < n_deferred; i++) {
        if (deferred[i].adu_id < 0) {
            mgmt_agent_log(&agent, deferred[i].text, deferred[i].len);
        } else {
            mgmt_agent_console(&agent, (uint32_t)deferred[i].adu_id, deferred[i].tag,
                               deferred[i].text, deferred[i].len);
        }
    }
    n_deferred = 0;
    owner = -1;
}

bool mgmt_console_line(int adu_id, const char *tag, const char *text, size_t len)
{
    if (!mgmt_up) {
        return false;
    }
    if (owner == (int)this_cpu()->id) {
        if (n_deferred < DEFERRED_LINES) {
            deferred[n_deferred].adu_id = adu_id;
            strlcpy(deferred[n_deferred].tag, tag, VH_NAME_LEN);
            deferred[n_deferred].len = (uint32_t)MIN(len, sizeof deferred[0].text);
            memcpy(deferred[n_deferred].text, text, deferred[n_deferred].len);
            n_deferred++;
        }
        return true;
    }
    spin_lock(&mgmt_lock);
    if (adu_id < 0) {
        mgmt_agent_log(&agent, text, len);
    } else {
        mgmt_agent_console(&agent, (uint32_t)adu_id, tag, text, len);
    }
    spin_unlock(&mgmt_lock);
    return true;
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
    if (!sched_rt_quiet(c, now, guard)) {
        mgmt_next = now + guard / 4; /* retry once the RT work is past */
        return;
    }
    uint64_t now_ns = now * sched_ns_per_tick;
    spin_lock(&mgmt_lock);
    owner = (int)c->id;
    bool more = false;
    for (int i = 0; i < 4 && (more = mgmt_agent_step(&agent, now_ns)); i++) {
    }
    uint64_t t = mgmt_agent_next_ns(&agent);
    end_agent_call();
    spin_unlock(&mgmt_lock);
    mgmt_next = more ? now + guard / 4 : (t == UINT64_MAX ? UINT64_MAX : MAX(t / sched_ns_per_tick, now + 1));
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
    owner = (int)this_cpu()->id;
    long r = mgmt_agent_rpc_packet(&agent, caller_may_manage, req, len, resp, cap);
    end_agent_call();
    spin_unlock(&mgmt_lock);
    return r;
}
