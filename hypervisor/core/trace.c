/*
 * Tracing: see trace.h.  Each CPU writes only its own spans and ring; the
 * management CPU reads them (a torn read of a running counter costs one
 * report line, nothing else).  After a late release every ring is frozen
 * and the management CPU prints the events of all CPUs around it in time
 * order, a few lines per work step, through the normal log.
 */
#include <core/console.h>
#include <core/cpu.h>
#include <core/lib.h>
#include <core/mgmt.h>
#include <core/sched.h>
#include <core/trace.h>
#include <core/vcpu.h>

volatile uint32_t trace_on;
uint64_t trace_wake[VH_MAX_CPUS];

#define RING 256 /* events per CPU, a power of two */
#define DUMP_WINDOW_NS 2000000 /* events up to this long before the late release */
#define NO_VCPU 0xffffu

struct trace_rec {
    uint64_t t;
    uint32_t arg;
    uint16_t vcpu;
    uint8_t ev;
};

struct span_acc {
    uint64_t n, sum, max;
};

static struct trace_cpu {
    struct span_acc span[TS_COUNT];
    struct trace_rec ring[RING];
    uint32_t head; /* next slot; the ring holds MIN(head, RING) events */
} tr[VH_MAX_CPUS];

static uint32_t mode;
static uint64_t late_ticks;
static volatile uint32_t frozen; /* 1: rings frozen, dump pending; 2: dumped */
static uint64_t late_at;         /* cycles when the late release was seen */
static uint32_t late_cpu;
static uint64_t late_by_ns;
static uint32_t dump_pos[VH_MAX_CPUS]; /* next ring index to print per CPU */
static uint64_t next_report;
static bool dump_started;

static const char *const span_name[TS_COUNT] = {"release", "decide", "switch", "sbi",
                                                "mmio",    "irq",    "mgmt",   "unit"};
static const char *const ev_name[TE_COUNT] = {"trap", "wake", "release", "enter", "idle",
                                              "ipi",  "arm",  "mgmt",    "LATE"};

void trace_init(uint32_t m, uint32_t late_ns)
{
    mode = m;
    late_ticks = (late_ns + sched_ns_per_tick - 1) / sched_ns_per_tick;
    next_report = 0;
    barrier_full();
    trace_on = m != 0;
    if (m & VH_TRACE_LATE) {
        vh_log("tracing on: events dumped at the first release %u ns late", late_ns);
    } else if (m != 0) {
        vh_log("tracing on: costs in the log every second");
    }
}

void trace_span_rec(struct cpu *c, enum trace_span s, uint64_t start)
{
    uint64_t d = arch_cycles() - start;
    struct span_acc *a = &tr[c->id].span[s];
    a->n++;
    a->sum += d;
    a->max = MAX(a->max, d);
}

void trace_event_rec(struct cpu *c, enum trace_event e, const struct vcpu *v, uint64_t arg)
{
    if (frozen) {
        return;
    }
    struct trace_cpu *t = &tr[c->id];
    struct trace_rec *r = &t->ring[t->head % RING];
    r->t = arch_cycles();
    r->ev = (uint8_t)e;
    r->vcpu = v != NULL ? v->id : NO_VCPU;
    r->arg = (uint32_t)MIN(arg, (uint64_t)UINT32_MAX);
    t->head++;
}

/* A job released ahead is ready at `now` for its release `rel`. */
void trace_release_rec(struct cpu *c, const struct vcpu *v, uint64_t rel, uint64_t now)
{
    trace_span(c, TS_RELEASE, trace_wake[c->id]);
    trace_event_rec(c, TE_RELEASE, v, rel > now ? rel - now : 0);
    if ((mode & VH_TRACE_LATE) && now > rel && now - rel >= late_ticks && !frozen) {
        trace_event_rec(c, TE_LATE, v, (now - rel) * sched_ns_per_tick);
        late_at = arch_cycles();
        late_cpu = c->id;
        late_by_ns = (now - rel) * sched_ns_per_tick;
        barrier_full();
        frozen = 1;
    }
}

static void report_spans(void)
{
    for (uint32_t s = 0; s < TS_COUNT; s++) {
        struct span_acc sum = {0, 0, 0};
        for (uint32_t i = 0; i < cpu_count; i++) {
            struct span_acc a = tr[i].span[s];
            sum.n += a.n;
            sum.sum += a.sum;
            sum.max = MAX(sum.max, a.max);
        }
        if (sum.n != 0) {
            vh_log("trace: span %s n %lu avg %lu max %lu cycles", span_name[s], sum.n,
                   sum.sum / sum.n, sum.max);
        }
    }
}

/* The oldest event kept per CPU that is inside the dump window. */
static void dump_start(void)
{
    vh_log("trace: release on cpu %u late by %lu ns; events of every CPU before it "
           "(cycles relative to that moment):", late_cpu, late_by_ns);
    for (uint32_t i = 0; i < cpu_count; i++) {
        struct trace_cpu *t = &tr[i];
        uint32_t first = t->head > RING ? t->head - RING : 0;
        while (first < t->head && t->ring[first % RING].t + DUMP_WINDOW_NS < late_at) {
            first++;
        }
        dump_pos[i] = first;
    }
}

/* Print the next event in time order over all CPUs; false when done. */
static bool dump_one(void)
{
    int best = -1;
    for (uint32_t i = 0; i < cpu_count; i++) {
        if (dump_pos[i] < tr[i].head &&
            (best < 0 || tr[i].ring[dump_pos[i] % RING].t < tr[best].ring[dump_pos[best] % RING].t)) {
            best = (int)i;
        }
    }
    if (best < 0) {
        return false;
    }
    const struct trace_rec *r = &tr[best].ring[dump_pos[best]++ % RING];
    int64_t rel = (int64_t)(r->t - late_at);
    if (r->ev == TE_TRAP) {
        vh_log("trace: %ld cpu %d trap vcpu %u %s %u", (long)rel, best, r->vcpu,
               r->arg & TRACE_TRAP_IRQ ? "irq" : "exception", r->arg & ~TRACE_TRAP_IRQ);
    } else if (r->vcpu != NO_VCPU) {
        vh_log("trace: %ld cpu %d %s vcpu %u arg %u", (long)rel, best, ev_name[r->ev], r->vcpu,
               r->arg);
    } else {
        vh_log("trace: %ld cpu %d %s arg %u", (long)rel, best, ev_name[r->ev], r->arg);
    }
    return true;
}

void trace_mgmt_step(uint64_t now)
{
    if (!trace_on) {
        return;
    }
    if ((mode & VH_TRACE_SPANS) && now >= next_report) {
        if (next_report != 0) {
            report_spans();
        }
        next_report = now + 1000000000ull / sched_ns_per_tick;
    }
    if (frozen == 1) {
        if (!dump_started) {
            dump_start();
            dump_started = true;
        }
        for (int i = 0; i < 8 && mgmt_log_room(); i++) {
            if (!dump_one()) {
                vh_log("trace: end of dump (recording stopped; spans go on)");
                frozen = 2;
                break;
            }
        }
    }
}
