/*
 * vhctl stats [--follow] [--rate HZ] [--count N]: per-VCPU jitter (min,
 * avg, max, standard deviation in us), deadline misses and budget
 * overruns, each CPU's time split (RT, BE, hypervisor, idle) since the
 * previous sample (the first: since boot), and per inter-ADU messaging
 * channel the messages sent, received and refused by reason since boot.
 * With --follow the stream keeps going across target reboots (vhd
 * re-subscribes; a notice goes to stderr).
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "vhctl.h"

#define VHCTL__MAX_CPUS 64

struct vhctl__cpu_prev {
    int have;
    uint64_t rt, be, hv, idle;
};

struct vhctl__stats {
    struct vhctl__cpu_prev prev[VHCTL__MAX_CPUS];
    int follow;
    uint32_t rate;
    uint64_t count, got;
};

struct vhctl__jitter {
    double min, avg, max, sd;
};

static struct vhctl__jitter vhctl__jitter_us(const Vh__RtStats *rt)
{
    struct vhctl__jitter j = {0, 0, 0, 0};
    if (!rt || !rt->releases)
        return j;
    double n = (double)rt->releases;
    double mean = (double)rt->jitter_sum_ns / n;
    double var = (double)rt->jitter_sumsq_ns2 / n - mean * mean;
    j.min = rt->jitter_min_ns / 1e3;
    j.max = rt->jitter_max_ns / 1e3;
    j.avg = mean / 1e3;
    j.sd = var > 0 ? sqrt(var) / 1e3 : 0;
    return j;
}

/* Percentages of a CPU's time since the previous sample. */
static void vhctl__cpu_split(struct vhctl__stats *s, const Vh__CpuStats *c, double pct[4])
{
    uint64_t v[4] = {c->rt_ns, c->be_ns, c->hv_ns, c->idle_ns};
    struct vhctl__cpu_prev *p = c->cpu < VHCTL__MAX_CPUS ? &s->prev[c->cpu] : NULL;
    if (p && p->have && v[0] >= p->rt && v[1] >= p->be && v[2] >= p->hv && v[3] >= p->idle) {
        v[0] -= p->rt, v[1] -= p->be, v[2] -= p->hv, v[3] -= p->idle;
    }
    double total = (double)(v[0] + v[1] + v[2] + v[3]);
    for (int i = 0; i < 4; i++)
        pct[i] = total > 0 ? 100.0 * (double)v[i] / total : 0;
    if (p) {
        p->have = 1;
        p->rt = c->rt_ns, p->be = c->be_ns, p->hv = c->hv_ns, p->idle = c->idle_ns;
    }
}

/* The management agent is endpoint VH_MSG_DEST_MGMT and has no name on the wire. */
#define VHCTL__EP_MGMT 0xFFFFu

static const char *vhctl__ep_name(uint32_t id, const char *name)
{
    return id == VHCTL__EP_MGMT ? "<mgmt>" : name;
}

static void vhctl__chans_json(const Vh__Stats *st)
{
    vhctl_json_arr("ipc_channels");
    for (size_t i = 0; i < st->n_ipc_channels; i++) {
        const Vh__IpcChannelStats *c = st->ipc_channels[i];
        vhctl_json_obj(NULL);
        vhctl_json_u64("src_adu", c->src_adu);
        vhctl_json_str("src", vhctl__ep_name(c->src_adu, c->src));
        vhctl_json_u64("dst_adu", c->dst_adu);
        vhctl_json_str("dst", vhctl__ep_name(c->dst_adu, c->dst));
        vhctl_json_bool("permitted", c->permitted);
        vhctl_json_u64("sent", c->sent);
        vhctl_json_u64("received", c->received);
        vhctl_json_u64("refused_perm", c->refused_perm);
        vhctl_json_u64("refused_full", c->refused_full);
        vhctl_json_u64("refused_size", c->refused_size);
        vhctl_json_u64("refused_fault", c->refused_fault);
        vhctl_json_obj_end();
    }
    vhctl_json_arr_end();
}

static void vhctl__stats_json(struct vhctl__stats *s, const char *target, const Vh__Stats *st)
{
    vhctl_json_begin();
    vhctl_json_str("target", target);
    vhctl_json_u64("seq", st->seq);
    vhctl_json_u64("uptime_ns", st->uptime_ns);
    vhctl_json_u64("dropped", st->dropped);
    vhctl_json_arr("vcpus");
    for (size_t i = 0; i < st->n_vcpus; i++) {
        const Vh__VcpuStats *vc = st->vcpus[i];
        struct vhctl__jitter j = vhctl__jitter_us(vc->rt);
        vhctl_json_obj(NULL);
        vhctl_json_u64("vcpu_id", vc->vcpu_id);
        vhctl_json_i64("cpu", vc->cpu);
        vhctl_json_u64("run_ns", vc->run_ns);
        vhctl_json_u64("releases", vc->rt ? vc->rt->releases : 0);
        vhctl_json_num("jitter_min_us", j.min);
        vhctl_json_num("jitter_avg_us", j.avg);
        vhctl_json_num("jitter_max_us", j.max);
        vhctl_json_num("jitter_sd_us", j.sd);
        vhctl_json_u64("misses", vc->rt ? vc->rt->misses : 0);
        vhctl_json_u64("overruns", vc->rt ? vc->rt->overruns : 0);
        vhctl_json_obj_end();
    }
    vhctl_json_arr_end();
    vhctl_json_arr("cpus");
    for (size_t i = 0; i < st->n_cpus; i++) {
        double pct[4];
        vhctl__cpu_split(s, st->cpus[i], pct);
        vhctl_json_obj(NULL);
        vhctl_json_u64("cpu", st->cpus[i]->cpu);
        vhctl_json_num("rt_pct", pct[0]);
        vhctl_json_num("be_pct", pct[1]);
        vhctl_json_num("hv_pct", pct[2]);
        vhctl_json_num("idle_pct", pct[3]);
        vhctl_json_u64("rt_util_ppm", st->cpus[i]->rt_util_ppm);
        vhctl_json_obj_end();
    }
    vhctl_json_arr_end();
    vhctl__chans_json(st);
    vhctl_json_end();
}

static void vhctl__vcpu_table(const Vh__Stats *st)
{
    static const char *const cols[] = {">VCPU", ">CPU", ">RELEASES", ">JIT MIN us", ">AVG us",
                                       ">MAX us", ">SD us", ">MISSES", ">OVERRUNS"};
    struct vhctl_table tb;
    vhctl_table_init(&tb, 9, cols);
    for (size_t i = 0; i < st->n_vcpus; i++) {
        const Vh__VcpuStats *vc = st->vcpus[i];
        if (!vc->rt)
            continue;
        struct vhctl__jitter j = vhctl__jitter_us(vc->rt);
        char c[9][24];
        snprintf(c[0], 24, "%u", vc->vcpu_id);
        snprintf(c[1], 24, "%d", vc->cpu);
        snprintf(c[2], 24, "%llu", (unsigned long long)vc->rt->releases);
        snprintf(c[3], 24, "%.1f", j.min);
        snprintf(c[4], 24, "%.1f", j.avg);
        snprintf(c[5], 24, "%.1f", j.max);
        snprintf(c[6], 24, "%.1f", j.sd);
        snprintf(c[7], 24, "%llu", (unsigned long long)vc->rt->misses);
        snprintf(c[8], 24, "%llu", (unsigned long long)vc->rt->overruns);
        vhctl_table_row(&tb, c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8]);
    }
    if (tb.nrows)
        vhctl_table_print(&tb, stdout);
    else
        puts("(no RT-VCPUs)");
    vhctl_table_free(&tb);
}

/* Messages per channel since boot; ALLOWED: the scenario opens the channel
 * (send_to, or the manage capability for the agent). */
static void vhctl__chan_table(const Vh__Stats *st)
{
    static const char *const cols[] = {"FROM", "TO",    "ALLOWED", ">SENT", ">RECEIVED",
                                       ">REFUSED PERM", ">FULL", ">SIZE", ">FAULT"};
    struct vhctl_table tb;
    if (!st->n_ipc_channels) {
        puts("(no messaging channels)");
        return;
    }
    vhctl_table_init(&tb, 9, cols);
    for (size_t i = 0; i < st->n_ipc_channels; i++) {
        const Vh__IpcChannelStats *ch = st->ipc_channels[i];
        uint64_t n[6] = {ch->sent,         ch->received,     ch->refused_perm,
                         ch->refused_full, ch->refused_size, ch->refused_fault};
        char c[6][24];
        for (int k = 0; k < 6; k++)
            snprintf(c[k], 24, "%llu", (unsigned long long)n[k]);
        vhctl_table_row(&tb, vhctl__ep_name(ch->src_adu, ch->src),
                        vhctl__ep_name(ch->dst_adu, ch->dst), ch->permitted ? "yes" : "no", c[0],
                        c[1], c[2], c[3], c[4], c[5]);
    }
    vhctl_table_print(&tb, stdout);
    vhctl_table_free(&tb);
}

static void vhctl__stats_table(struct vhctl__stats *s, const char *target, const Vh__Stats *st)
{
    static const char *const cols[] = {">CPU", ">RT %", ">BE %", ">HV %", ">IDLE %", ">ADMITTED"};
    printf("%s  sample %llu  uptime %.3fs%s\n", target, (unsigned long long)st->seq,
           st->uptime_ns / 1e9, st->dropped ? "  (target dropped samples)" : "");
    vhctl__vcpu_table(st);
    struct vhctl_table tb;
    vhctl_table_init(&tb, 6, cols);
    for (size_t i = 0; i < st->n_cpus; i++) {
        double pct[4];
        char c[6][24];
        vhctl__cpu_split(s, st->cpus[i], pct);
        snprintf(c[0], 24, "%u", st->cpus[i]->cpu);
        for (int k = 0; k < 4; k++)
            snprintf(c[k + 1], 24, "%.1f", pct[k]);
        snprintf(c[5], 24, "%.1f%%", st->cpus[i]->rt_util_ppm / 1e4);
        vhctl_table_row(&tb, c[0], c[1], c[2], c[3], c[4], c[5]);
    }
    vhctl_table_print(&tb, stdout);
    vhctl_table_free(&tb);
    vhctl__chan_table(st);
    if (s->follow)
        putchar('\n');
    fflush(stdout);
}

static void vhctl__stats_event(struct vhctl *v, const Vhd__ClientResponse *r)
{
    static const char *const kinds[] = {"link_down", "link_up", "rebooted"};
    const Vhd__TargetEvent *e = r->event;
    const char *k = (unsigned)e->kind < 3 ? kinds[e->kind] : "event";
    if (v->json) {
        char boot[24];
        snprintf(boot, sizeof(boot), "%016llx", (unsigned long long)e->boot_id);
        vhctl_json_begin();
        vhctl_json_str("target", r->target);
        vhctl_json_str("event", k);
        vhctl_json_str("boot_id", boot);
        vhctl_json_str("detail", e->detail);
        vhctl_json_end();
    }
    if (e->kind == VHD__TARGET_EVENT_KIND__EV_REBOOTED)
        vhctl_err("stats: target %s rebooted (boot id %016llx); stream resumes", r->target,
                  (unsigned long long)e->boot_id);
    else if (e->kind == VHD__TARGET_EVENT_KIND__EV_LINK_DOWN)
        vhctl_err("stats: target %s link down (%s); waiting for it", r->target, e->detail);
    else
        vhctl_err("stats: target %s link up", r->target);
}

/* One stream message: 1 = keep going, 0 = done, <0 = -exit code. */
static int vhctl__stats_msg(struct vhctl *v, struct vhctl__stats *s, const Vhd__ClientResponse *r)
{
    switch (r->result_case) {
    case VHD__CLIENT_RESPONSE__RESULT_STATS:
        if (v->json)
            vhctl__stats_json(s, r->target, r->stats);
        else
            vhctl__stats_table(s, r->target, r->stats);
        return ++s->got < s->count || !s->count;
    case VHD__CLIENT_RESPONSE__RESULT_GAP:
        if (v->json) {
            vhctl_json_begin();
            vhctl_json_u64("gap", r->gap->skipped);
            vhctl_json_end();
        }
        vhctl_err("stats: %llu samples skipped (this client was too slow)",
                  (unsigned long long)r->gap->skipped);
        return 1;
    case VHD__CLIENT_RESPONSE__RESULT_EVENT:
        if (s->follow)
            vhctl__stats_event(v, r);
        return 1;
    case VHD__CLIENT_RESPONSE__RESULT_STREAM_END:
        return -vhctl_report(v, r);
    default:
        return 1;
    }
}

static int vhctl__stats_parse(int argc, char **argv, struct vhctl__stats *s)
{
    static const struct option lo[] = {{"follow", 0, 0, 'f'}, {"rate", 1, 0, 'r'},
                                       {"count", 1, 0, 'n'}, {0, 0, 0, 0}};
    static const char *const names[] = {"--follow", "--rate", "--count", NULL};
    uint32_t n;
    int o, has_count = 0;
    optind = 1;
    opterr = 0;
    s->rate = 10;
    while ((o = getopt_long(argc, argv, ":f", lo, NULL)) != -1) {
        if (o == 'f')
            s->follow = 1;
        else if (o == 'r' && !vhctl_parse_u32("--rate", optarg, &s->rate)) {
            if (s->rate < 1 || s->rate > 100) {
                vhctl_err("--rate: %u Hz is out of range; use 1..100", s->rate);
                return -1;
            }
        } else if (o == 'n' && !vhctl_parse_u32("--count", optarg, &n)) {
            s->count = n;
            has_count = 1;
        } else if (o == ':') {
            vhctl_err("stats: %s needs a value", argv[optind - 1]);
            return -1;
        } else {
            if (o == '?')
                vhctl_unknown("option of stats", argv[optind - 1], names);
            return -1;
        }
    }
    if (optind < argc) {
        vhctl_err("stats takes no words (got '%s'); see vhctl stats --help", argv[optind]);
        return -1;
    }
    if (!has_count)
        s->count = s->follow ? 0 : 1;
    return 0;
}

int vhctl_cmd_stats(struct vhctl *v, int argc, char **argv)
{
    static struct vhctl__stats s;
    if (vhctl_wants_help(argc, argv)) {
        puts("usage: vhctl stats [--follow] [--rate HZ] [--count N]\n"
             "  per-VCPU jitter min/avg/max/SD (us), misses, overruns; per-CPU time split;\n"
             "  per messaging channel: sent, received, refused (perm, full, size, fault).\n"
             "  --follow  keep printing (across target reboots); --rate 1..100 Hz (default 10);\n"
             "  --count N stop after N samples (default 1, with --follow unlimited)");
        return 0;
    }
    /* getopt wants a program name in argv[0]: the words start at argv[-1] ("stats"). */
    if (vhctl__stats_parse(argc + 1, argv - 1, &s))
        return VHCTL_EUSAGE;
    Vhd__ClientRequest rq = VHD__CLIENT_REQUEST__INIT;
    Vhd__StatsSubscribeReq sub = VHD__STATS_SUBSCRIBE_REQ__INIT;
    Vhd__ClientResponse *r;
    sub.rate_hz = s.rate;
    rq.call_case = VHD__CLIENT_REQUEST__CALL_STATS_SUBSCRIBE;
    rq.stats_subscribe = &sub;
    int rc = vhctl_call(v, &rq, &r);
    if (r)
        vhd__client_response__free_unpacked(r, NULL);
    if (rc)
        return rc;
    int wait = s.follow ? -1 : vhctl_timeout_ms(v) + 1000 + (int)(1000 / s.rate) * 2;
    for (;;) {
        int got = vhctl_recv(v, &r, wait);
        if (got < 0)
            return -got;
        if (got == 0) {
            vhctl_err("stats: no sample from target within %d ms", wait);
            return VHCTL_ETIMEOUT;
        }
        int more = r->id == rq.id ? vhctl__stats_msg(v, &s, r) : 1;
        vhd__client_response__free_unpacked(r, NULL);
        if (more <= 0)
            return more < 0 ? -more : 0;
    }
}
