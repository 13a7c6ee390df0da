/*
 * RT-App: the paper's jitter application.  The boot hart (a BE-VCPU) asks
 * vh for n RT-VCPUs; each job reads the time as its first act, computes its
 * release jitter, does `work` us of work and waits for its next release.
 * Jobs keep their numbers in memory shared with the BE-VCPU, which prints a
 * summary per RT-VCPU every `report` releases, in microseconds, beside
 * what vh itself measured (misses, overruns).
 *
 * bootargs: app=rtapp n=1 period=10000 (us) budget=1000 (us) deadline=
 *   work=20 (us) cpu=auto|N report=100 releases=0 (0: forever)
 *   spin=K (RT-VCPU K never finishes a job: budget enforcement test)
 *   extra=US (then ask for one more with this budget: refusal test)
 *   script=migrate|reserve|set (live changes after the first report)
 *
 * Each job also counts its jitter in a histogram, so the summary gives the
 * 99th percentile too: 1-tick buckets up to RTAPP_FINE ticks (exact at
 * rdtime's 100 ns resolution), then RTAPP_COARSE buckets RTAPP_FINE ticks
 * wide, then one overflow bucket.
 */
#include "bareos.h"
#include "kprintf.h"
#include "lib.h"
#include "riscv.h"
#include "vhcall.h"

#define RTAPP_MAX 8
#define RTAPP_STACK 4096
#define RTAPP_FINE 1024   /* jitter 0..102.3 us, one bucket per tick */
#define RTAPP_COARSE 1024 /* then 102.4 us wide, up to 104.9 ms */
#define RTAPP_HIST (RTAPP_FINE + RTAPP_COARSE) /* index of the overflow bucket */

struct rtapp_slot {
    volatile uint64_t count, min, max, sum, sumsq; /* jitter, in ticks */
    uint64_t work_ticks;
    bool spin;
    long id;
    volatile uint32_t hist[RTAPP_HIST + 1]; /* jobs per jitter bucket (hist_bucket) */
};

static struct rtapp_slot slots[RTAPP_MAX];
uint8_t rtapp_stacks[RTAPP_MAX][RTAPP_STACK] __attribute__((aligned(16)));
/* Next slot for RT-VCPUs that a host creates (rtapp_spawn, rtapp_entry.S). */
volatile uint32_t rtapp_next_slot = RTAPP_MAX / 2;

void rtapp_job(uint64_t idx, uint64_t release);

static inline unsigned hist_bucket(uint64_t j)
{
    if (j < RTAPP_FINE)
        return (unsigned)j;
    j = j / RTAPP_FINE - 1; /* coarse bucket k: [(k + 1) * FINE, (k + 2) * FINE) ticks */
    return j < RTAPP_COARSE ? RTAPP_FINE + (unsigned)j : RTAPP_HIST;
}

/* One RT-VCPU: runs forever, one job per release. */
void rtapp_job(uint64_t idx, uint64_t release)
{
    struct rtapp_slot *s = &slots[idx];
    if (s->id == 0) { /* created by a host (rtapp_spawn): learn our own id */
        struct vh_rt_info self;
        if (vh_rt_query(VH_RT_SELF, &self) == 0)
            s->id = self.id;
    }
    for (;;) {
        uint64_t now = rdtime();
        uint64_t j = now - release;
        s->sum += j;
        s->sumsq += j * j;
        if (s->count == 0 || j < s->min)
            s->min = j;
        if (j > s->max)
            s->max = j;
        s->count++;
        s->hist[hist_bucket(j)]++;
        while (s->spin || rdtime() - now < s->work_ticks)
            ;
        vh_rt_wait(&release);
    }
}

/*
 * The 99th percentile of a slot's jitter in ticks: the smallest j with at
 * least 99% of the jobs at or below it (nearest rank).  *how is "" when it is
 * exact, "<=" when it is a coarse bucket's upper end, ">=" past the histogram.
 */
static uint64_t hist_p99(const struct rtapp_slot *s, const char **how)
{
    uint64_t n = 0, seen = 0;
    unsigned b;
    for (b = 0; b <= RTAPP_HIST; b++)
        n += s->hist[b];
    uint64_t want = (n * 99 + 99) / 100;
    for (b = 0; b < RTAPP_HIST; b++) {
        seen += s->hist[b];
        if (seen >= want)
            break;
    }
    *how = b < RTAPP_FINE ? "" : b < RTAPP_HIST ? "<=" : ">=";
    if (b < RTAPP_FINE)
        return b;
    return (uint64_t)(b - RTAPP_FINE + 1) * RTAPP_FINE + (b < RTAPP_HIST ? RTAPP_FINE - 1 : 0);
}

/* ticks (100 ns) as "x.yz" microseconds, from a value scaled by 100. */
static void print_summary(unsigned i, const struct rtapp_slot *s)
{
    uint64_t n = s->count, sum = s->sum, sumsq = s->sumsq;
    if (n == 0)
        return;
    /* hundredths of a tick = ns: avg_ns = sum*100/n */
    uint64_t avg_ns = sum * 100 / n;
    /* n^2 * variance = n * sumsq - sum^2, in ticks^2; 1 tick = 100 ns.  The
     * root is taken before scaling to ns: scaled first, the square overflows
     * 64 bits once the RMS jitter passes ~4 ms (jobs missing deadlines). */
    uint64_t sd_ns = isqrt64(n * sumsq - sum * sum) * 100 / n;
    struct vh_rt_stats st = {0};
    struct vh_rt_info info = {0};
    vh_rt_stats(s->id, &st);
    vh_rt_query(s->id, &info);
    const char *p99_how;
    uint64_t p99 = hist_p99(s, &p99_how);
    kprintf("rtapp: rt %u (vcpu %ld, cpu %d): releases %lu jitter avg %lu.%02lu us sd %lu.%02lu us "
            "min %lu.%01lu us max %lu.%01lu us misses %lu overruns %lu p99 %s%lu.%01lu us "
            "(vh: avg %lu ns max %lu ns)\n",
            i, s->id, info.cpu, (unsigned long)n, (unsigned long)(avg_ns / 1000),
            (unsigned long)(avg_ns % 1000 / 10), (unsigned long)(sd_ns / 1000),
            (unsigned long)(sd_ns % 1000 / 10), (unsigned long)(s->min / 10),
            (unsigned long)(s->min % 10), (unsigned long)(s->max / 10), (unsigned long)(s->max % 10),
            (unsigned long)st.misses, (unsigned long)st.overruns, p99_how,
            (unsigned long)(p99 / 10), (unsigned long)(p99 % 10),
            (unsigned long)(st.releases ? st.jitter_sum_ns / st.releases : 0), (unsigned long)st.jitter_max_ns);
}

static long create_one(unsigned i, uint64_t period_us, uint64_t deadline_us, uint64_t budget_us,
                       long cpu)
{
    struct vh_rt_params p = {
        .entry = (uint64_t)(uintptr_t)rtapp_job,
        .arg = i,
        .stack = (uint64_t)(uintptr_t)&rtapp_stacks[i][RTAPP_STACK],
        .period_ns = period_us * 1000,
        .deadline_ns = deadline_us * 1000,
        .budget_ns = budget_us * 1000,
        .cpu = (int32_t)cpu,
    };
    long id = -1;
    long err = vh_rt_create(&p, &id);
    if (err != 0) {
        kprintf("rtapp: RT-VCPU %u (period %lu us, budget %lu us) refused: %s (%s)\n", i,
                (unsigned long)period_us, (unsigned long)budget_us, vh_errname(err), vh_strerror(err));
        return err;
    }
    slots[i].id = id;
    kprintf("rtapp: RT-VCPU %u created: vcpu %ld, period %lu us, budget %lu us\n", i, id,
            (unsigned long)period_us, (unsigned long)budget_us);
    return 0;
}

static void print_info(const char *when)
{
    struct vh_info info = {0};
    vh_hc_info(&info);
    kprintf("rtapp: %s: reservation %lu ppm, used %lu ppm\n", when,
            (unsigned long)info.reserve_ppm, (unsigned long)info.reserve_used_ppm);
}

static void print_params(long id, const char *when)
{
    struct vh_rt_info q = {0};
    long err = vh_rt_query(id, &q);
    kprintf("rtapp: %s: vcpu %ld on cpu %d period %lu us deadline %lu us budget %lu us (%s)\n",
            when, id, q.cpu, (unsigned long)(q.params.period_ns / 1000),
            (unsigned long)(q.params.deadline_ns / 1000), (unsigned long)(q.params.budget_ns / 1000),
            vh_errname(err));
}

/* Live changes after the first report, each refusal shown with state unchanged. */
static void run_script(const char *name, size_t len, unsigned n)
{
    long id = slots[0].id;
    if (len == 7 && strncmp(name, "migrate", 7) == 0) {
        struct vh_info info = {0};
        vh_hc_info(&info);
        struct vh_rt_info q = {0};
        vh_rt_query(id, &q);
        long to = (q.cpu + 1) % (long)info.ncpus;
        long err = vh_rt_migrate(id, to);
        kprintf("rtapp: migrate vcpu %ld from cpu %d to cpu %ld: %s\n", id, q.cpu, to, vh_errname(err));
        print_params(id, "after migrate");
    } else if (len == 7 && strncmp(name, "reserve", 7) == 0) {
        print_info("before");
        long err = vh_reserve_set(1000);
        kprintf("rtapp: shrink reservation to 0.1%%: %s (%s)\n", vh_errname(err), vh_strerror(err));
        print_info("after refused shrink");
        err = vh_reserve_set(400000);
        kprintf("rtapp: grow reservation to 40%%: %s\n", vh_errname(err));
        print_info("after grow");
    } else if (len == 3 && strncmp(name, "set", 3) == 0) {
        print_params(id, "before");
        struct vh_rt_params p = {.budget_ns = 9900000};
        long err = vh_rt_set(id, &p);
        kprintf("rtapp: set budget 9900 us: %s (%s)\n", vh_errname(err), vh_strerror(err));
        print_params(id, "after refused set");
        p.budget_ns = 2000000;
        err = vh_rt_set(id, &p);
        kprintf("rtapp: set budget 2000 us: %s\n", vh_errname(err));
        print_params(id, "after set");
    }
    (void)n;
}

void app_rtapp(unsigned long hartid)
{
    unsigned n = (unsigned)args_get_u64("n", 1);
    uint64_t period = args_get_u64("period", 10000);
    uint64_t budget = args_get_u64("budget", period / 10);
    uint64_t deadline = args_get_u64("deadline", period);
    uint64_t work = args_get_u64("work", 20);
    uint64_t report = args_get_u64("report", 100);
    uint64_t releases = args_get_u64("releases", 0);
    const char *v;
    size_t vlen;
    long cpu = -1;
    if (args_find("cpu", &v, &vlen) && !(vlen == 4 && strncmp(v, "auto", 4) == 0))
        cpu = (long)args_get_u64("cpu", 0);
    long spin = args_find("spin", &v, &vlen) ? (long)args_get_u64("spin", 0) : -1;
    (void)hartid;
    if (!g_boot.under_vh) {
        kprintf("rtapp: not under vh: RT-VCPUs need the hypervisor\n");
        return;
    }
    n = n > RTAPP_MAX ? RTAPP_MAX : n;
    kprintf("rtapp: %u RT-VCPU(s), period %lu us, deadline %lu us, budget %lu us, work %lu us\n", n,
            (unsigned long)period, (unsigned long)deadline, (unsigned long)budget, (unsigned long)work);
    unsigned made = 0;
    for (unsigned i = 0; i < n; i++) {
        slots[i].work_ticks = work * 10;
        slots[i].spin = (long)i == spin;
        if (create_one(i, period, deadline, budget, cpu) == 0)
            made++;
    }
    if (args_find("extra", &v, &vlen) && made < RTAPP_MAX) {
        create_one(made, period, period, args_get_u64("extra", 0), cpu);
    }
    bool scripted = !args_find("script", &v, &vlen);
    uint64_t next_report = report;
    for (;;) {
        timer_sleep_ms(period / 1000 ? period / 1000 : 1);
        if (slots[0].count < next_report)
            continue;
        for (unsigned i = 0; i < RTAPP_MAX; i++)
            print_summary(i, &slots[i]); /* ours and host-created ones */
        if (!scripted) {
            run_script(v, vlen, made);
            scripted = true;
        }
        if (releases != 0 && next_report >= releases) {
            kprintf("rtapp: done\n");
            for (;;)
                timer_sleep_ms(1000);
        }
        next_report += report;
    }
}
