/*
 * vhctl status and vhctl link stats.
 */
#include <stdio.h>
#include <string.h>

#include "duration.h"
#include "out.h"
#include "vhctl.h"

static int vhctl__link_stats(struct vhctl *v, Vhd__ClientResponse **out)
{
    Vhd__ClientRequest rq = VHD__CLIENT_REQUEST__INIT;
    Vhd__LinkStatsReq ls = VHD__LINK_STATS_REQ__INIT;
    rq.call_case = VHD__CLIENT_REQUEST__CALL_LINK_STATS;
    rq.link_stats = &ls;
    return vhctl_call(v, &rq, out);
}

static const char *vhctl__lstate(int s)
{
    static const char *const n[] = {"down", "connecting", "hello", "up", "stopped"};
    return (unsigned)s < 5 ? n[s] : "?";
}

static void vhctl__counters_json(const char *key, const Vh__LinkCounters *c)
{
    vhctl_json_obj(key);
    if (c) {
        vhctl_json_u64("rx_frames", c->rx_frames);
        vhctl_json_u64("tx_frames", c->tx_frames);
        vhctl_json_u64("rx_crc_errors", c->rx_crc_errors);
        vhctl_json_u64("rx_resyncs", c->rx_resyncs);
        vhctl_json_u64("rx_oversize", c->rx_oversize);
        vhctl_json_u64("rx_dropped", c->rx_dropped);
        vhctl_json_u64("tx_dropped", c->tx_dropped);
    }
    vhctl_json_obj_end();
}

static void vhctl__link_json(const Vhd__LinkStats *l)
{
    vhctl_json_str("state", vhctl__lstate((int)l->state));
    vhctl__counters_json("host", l->host);
    vhctl__counters_json("target", l->target);
    vhctl_json_u64("heartbeats_rx", l->heartbeats_rx);
    vhctl_json_u64("calls", l->calls);
    vhctl_json_u64("retries", l->retries);
    vhctl_json_u64("timeouts", l->timeouts);
    vhctl_json_u64("text_bytes", l->text_bytes);
    vhctl_json_u64("reconnects", l->reconnects);
}

static void vhctl__counters_row(struct vhctl_table *tb, const char *side, const Vh__LinkCounters *c)
{
    char v[7][24];
    uint64_t x[7] = {0};
    if (c) {
        x[0] = c->rx_frames, x[1] = c->tx_frames, x[2] = c->rx_crc_errors;
        x[3] = c->rx_resyncs, x[4] = c->rx_oversize, x[5] = c->rx_dropped, x[6] = c->tx_dropped;
    }
    for (int i = 0; i < 7; i++)
        snprintf(v[i], sizeof(v[i]), "%llu", (unsigned long long)x[i]);
    vhctl_table_row(tb, side, v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
}

static void vhctl__link_table(const Vhd__LinkStats *l)
{
    static const char *const cols[] = {"SIDE", ">RX FRAMES", ">TX FRAMES", ">CRC ERR", ">RESYNCS",
                                       ">OVERSIZE", ">RX DROP", ">TX DROP"};
    struct vhctl_table tb;
    vhctl_table_init(&tb, 8, cols);
    vhctl__counters_row(&tb, "host", l->host);
    vhctl__counters_row(&tb, "target", l->target);
    vhctl_table_print(&tb, stdout);
    vhctl_table_free(&tb);
    printf("link %s; heartbeats received %llu; calls %llu, retries %llu, timeouts %llu; "
           "reconnects %u; text outside frames %llu bytes\n",
           vhctl__lstate((int)l->state), (unsigned long long)l->heartbeats_rx,
           (unsigned long long)l->calls, (unsigned long long)l->retries,
           (unsigned long long)l->timeouts, l->reconnects, (unsigned long long)l->text_bytes);
}

int vhctl_cmd_link(struct vhctl *v, int argc, char **argv)
{
    static const char *const subs[] = {"stats", NULL};
    if (vhctl_wants_help(argc, argv)) {
        puts("usage: vhctl link stats\n  frame counters of vhd's and the target's end of the "
             "line, heartbeats, call retries and timeouts");
        return 0;
    }
    if (argc != 1 || strcmp(argv[0], "stats")) {
        if (argc >= 1)
            return vhctl_unknown("link command", argv[0], subs);
        vhctl_err("link: which? use `vhctl link stats`");
        return VHCTL_EUSAGE;
    }
    v->verb = "link stats";
    Vhd__ClientResponse *r;
    int rc = vhctl__link_stats(v, &r);
    if (!rc && r->link_stats) {
        if (v->json) {
            vhctl_json_begin();
            vhctl_json_str("target", r->target);
            vhctl__link_json(r->link_stats);
            vhctl_json_end();
        } else {
            vhctl__link_table(r->link_stats);
        }
    }
    if (r)
        vhd__client_response__free_unpacked(r, NULL);
    return rc;
}

static void vhctl__status_json(const Vhd__TargetStatus *t, const Vhd__LinkStats *l)
{
    char boot[24];
    snprintf(boot, sizeof(boot), "%016llx", (unsigned long long)t->boot_id);
    vhctl_json_begin();
    vhctl_json_str("target", t->name);
    vhctl_json_str("spec", t->spec);
    vhctl_json_str("state", vhctl__lstate((int)t->state));
    vhctl_json_str("build_id", t->build_id);
    vhctl_json_str("boot_id", boot);
    vhctl_json_str("scenario", t->scenario);
    vhctl_json_u64("reconnects", t->reconnects);
    vhctl_json_u64("reboots", t->reboots);
    if (t->info) {
        vhctl_json_u64("ncpus", t->info->ncpus);
        vhctl_json_u64("uptime_ns", t->info->uptime_ns);
        vhctl_json_u64("timebase_hz", t->info->timebase_hz);
        vhctl_json_u64("rt_limit_ppm", t->info->rt_limit_ppm);
        vhctl_json_u64("cpu_limit_ppm", t->info->cpu_limit_ppm);
        vhctl_json_u64("quantum_ns", t->info->quantum_ns);
        vhctl_json_u64("protocol_version", t->info->protocol_version);
    }
    if (l) {
        vhctl_json_obj("link");
        vhctl__link_json(l);
        vhctl_json_obj_end();
    }
    vhctl_json_end();
}

static void vhctl__status_text(const Vhd__TargetStatus *t, const Vhd__LinkStats *l)
{
    char up[32], q[32];
    printf("target     %s (%s)\n", t->name, t->spec);
    printf("link       %s%s%s\n", vhctl__lstate((int)t->state),
           t->state != VHD__LINK_STATE__LINK_UP && t->last_error[0] ? ": " : "",
           t->state != VHD__LINK_STATE__LINK_UP ? t->last_error : "");
    printf("build      %s\n", t->build_id[0] ? t->build_id : "-");
    printf("boot id    %016llx (reboots seen: %u)\n", (unsigned long long)t->boot_id, t->reboots);
    printf("scenario   %s\n", t->scenario[0] ? t->scenario : "-");
    if (t->qemu_pid)
        printf("qemu pid   %d\n", t->qemu_pid);
    if (t->info) {
        vhctl_format_duration(t->info->uptime_ns / 1000000 * 1000000, up, sizeof(up));
        vhctl_format_duration(t->info->quantum_ns, q, sizeof(q));
        printf("cpus       %u\n", t->info->ncpus);
        printf("uptime     %s\n", up);
        printf("timebase   %llu Hz\n", (unsigned long long)t->info->timebase_hz);
        printf("limits     RT total %.1f%%, per CPU %.1f%%, BE quantum %s\n",
               t->info->rt_limit_ppm / 1e4, t->info->cpu_limit_ppm / 1e4, q);
    }
    if (l)
        printf("health     %llu heartbeats, %llu/%llu frames rx/tx, %llu CRC errors, "
               "%llu resyncs, %llu retries, %llu timeouts, %u reconnects\n",
               (unsigned long long)l->heartbeats_rx, (unsigned long long)l->host->rx_frames,
               (unsigned long long)l->host->tx_frames, (unsigned long long)l->host->rx_crc_errors,
               (unsigned long long)l->host->rx_resyncs, (unsigned long long)l->retries,
               (unsigned long long)l->timeouts, l->reconnects);
}

int vhctl_cmd_status(struct vhctl *v, int argc, char **argv)
{
    if (vhctl_wants_help(argc, argv)) {
        puts("usage: vhctl status\n  the target's CPUs, build and boot id, uptime, limits and "
             "link health");
        return 0;
    }
    if (argc) {
        vhctl_err("status takes no arguments (got '%s'); pick the target with -t NAME", argv[0]);
        return VHCTL_EUSAGE;
    }
    Vhd__ClientRequest rq = VHD__CLIENT_REQUEST__INIT;
    Vhd__StatusReq sr = VHD__STATUS_REQ__INIT;
    Vhd__ClientResponse *r, *l = NULL;
    rq.call_case = VHD__CLIENT_REQUEST__CALL_STATUS;
    rq.status = &sr;
    int rc = vhctl_call(v, &rq, &r);
    if (r && r->target_status) {
        v->target = r->target_status->name;
        vhctl__link_stats(v, &l);
        const Vhd__LinkStats *ls = l ? l->link_stats : NULL;
        if (v->json)
            vhctl__status_json(r->target_status, ls);
        else
            vhctl__status_text(r->target_status, ls);
    }
    if (l)
        vhd__client_response__free_unpacked(l, NULL);
    if (r)
        vhd__client_response__free_unpacked(r, NULL);
    return rc;
}
