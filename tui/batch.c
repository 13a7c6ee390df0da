/*
 * vhtop -b: N plain-text snapshots on stdout, one per refresh period (like
 * top -b), for logs and scripts.  The first snapshot waits (a bounded
 * time) for the first statistics sample and the VCPU list, so its
 * numbers are the ones since boot; the later ones cover one period each.
 */
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "vhtop.h"

#define VHTOP_FIRST_WAIT_NS 5000000000ull
#define VHTOP_LATE_NS 2000000000ull

static void vhtop__batch_head(struct vhtop_app *a)
{
    const struct vhtop_model *m = &a->m;
    char up[32];
    vhtop_format_uptime(m->uptime_ns, up, sizeof(up));
    printf("vhtop  target %s [%s]  boot %016llx  uptime %s  sample %llu  refresh %.1fs\n",
           a->shown[0] ? a->shown : "?", a->conn.fd < 0 ? "no vhd" : vhtop_link_state_name(m->state),
           (unsigned long long)m->boot_id, up, (unsigned long long)m->seq, a->o.delay_s);
    printf("link crc %llu/%llu resync %llu/%llu (host/target)  reconnects %u  reboots %u%s%s\n",
           (unsigned long long)m->crc_host, (unsigned long long)m->crc_target,
           (unsigned long long)m->resync_host, (unsigned long long)m->resync_target,
           m->reconnects, m->reboots, m->scenario[0] ? "  scenario " : "", m->scenario);
    if (a->conn.fd < 0)
        printf("connecting to vhd... %s\n", a->conn.err);
    else if (m->have_status && m->state != VHD__LINK_STATE__LINK_UP)
        printf("target %s: connecting... (link %s%s%s)\n", a->shown,
               vhtop_link_state_name(m->state), m->last_error[0] ? ": " : "", m->last_error);
    else if (a->event[0])
        printf("target %s: %s\n", a->shown, a->event);
}

static void vhtop__batch_cpus(const struct vhtop_model *m)
{
    printf("\n%-4s %6s %6s %6s %6s %9s %6s\n", "CPU", "RT%", "BE%", "HV%", "IDLE%", "ADMITTED",
           "LIMIT");
    for (int i = 0; i < m->ncpus; i++) {
        const struct vhtop_cpu *c = &m->cpus[i];
        printf("%-4u %6.1f %6.1f %6.1f %6.1f %8.1f%% %5.1f%%\n", c->cpu, c->pct[0], c->pct[1],
               c->pct[2], c->pct[3], c->rt_util_ppm / 1e4, m->cpu_limit_ppm / 1e4);
    }
    printf("\n%-8s %8s %9s\n", "ADU", "RESERVE", "ADMITTED");
    for (int i = 0; i < m->nadus; i++)
        printf("%-8s %7.1f%% %8.1f%%\n", m->adus[i].name, m->adus[i].reserve_ppm / 1e4,
               m->adus[i].used_ppm / 1e4);
}

void vhtop_batch_print(struct vhtop_app *a, int utf8)
{
    static int order[VHTOP_MAX_VCPUS];
    char cell[128];
    vhtop__batch_head(a);
    vhtop__batch_cpus(&a->m);
    putchar('\n');
    for (int c = 0; c < VHTOP_NCOLS; c++)
        printf(vhtop_cols[c].right ? "%*s " : "%-*s ", vhtop_cols[c].width, vhtop_cols[c].head);
    putchar('\n');
    int n = vhtop_model_order(&a->m, VHTOP_SORT_ID, NULL, order, VHTOP_MAX_VCPUS);
    for (int i = 0; i < n; i++) {
        const struct vhtop_vcpu *v = &a->m.vcpus[order[i]];
        for (int c = 0; c < VHTOP_C_SPARK; c++) {
            vhtop_cell(v, (enum vhtop_col)c, cell, sizeof(cell));
            if (c == VHTOP_C_KIND && vhtop_vcpu_alarm(v))
                strcat(cell, "!");
            printf(vhtop_cols[c].right ? "%*s " : "%-*s ", vhtop_cols[c].width, cell);
        }
        vhtop_spark(v, vhtop_cols[VHTOP_C_SPARK].width, utf8, cell, sizeof(cell));
        printf("%s\n", cell[0] ? cell : "-");
    }
    if (!n)
        printf("(no VCPUs%s)\n", a->m.have_vcpus ? "" : " known yet");
    putchar('\n');
    fflush(stdout);
}

/* Handle vhd's messages until `until` (monotonic ns) or, if ready != NULL,
 * until *ready says the model has what a snapshot needs. */
static void vhtop__pump(struct vhtop_app *a, uint64_t until, int (*ready)(struct vhtop_app *))
{
    for (;;) {
        uint64_t now = vhtop_now_ns();
        if (now >= until || (ready && ready(a)))
            return;
        vhtop_app_connect(a);
        uint64_t wait = until - now;
        if (a->conn.fd < 0 && a->next_connect_ns > now && a->next_connect_ns - now < wait)
            wait = a->next_connect_ns - now;
        struct pollfd p = {.fd = a->conn.fd, .events = POLLIN};
        int rc = poll(&p, a->conn.fd >= 0 ? 1 : 0, (int)(wait / 1000000ull) + 1);
        if (rc > 0)
            vhtop_app_readable(a);
    }
}

static int vhtop__has_sample(struct vhtop_app *a)
{
    return a->latest != NULL;
}

static int vhtop__first_ready(struct vhtop_app *a)
{
    const struct vhtop_model *m = &a->m;
    if (m->have_status && m->state != VHD__LINK_STATE__LINK_UP)
        return 1; /* nothing will come: say so in the snapshot */
    return a->latest && m->have_vcpus && m->have_adus && m->have_status && m->have_link;
}

int vhtop_batch_run(struct vhtop_app *a)
{
    uint64_t period = (uint64_t)(a->o.delay_s * 1e9);
    vhtop_app_connect(a);
    if (a->conn.fd < 0) {
        fprintf(stderr, "vhtop: %s\n", a->conn.err);
        return 1;
    }
    vhtop__pump(a, vhtop_now_ns() + period + VHTOP_FIRST_WAIT_NS, vhtop__first_ready);
    for (long k = 0; !a->o.count || k < a->o.count; k++) {
        uint64_t start = vhtop_now_ns();
        if (k) {
            vhtop_app_refresh(a);
            vhtop__pump(a, start + period, NULL);
            /* Samples come at the same rate: one may be a little late. */
            if (!a->latest)
                vhtop__pump(a, vhtop_now_ns() + VHTOP_LATE_NS, vhtop__has_sample);
        }
        vhtop_app_take_sample(a);
        vhtop_batch_print(a, 0);
        if (a->conn.fd < 0 && a->ever_connected)
            fprintf(stderr, "vhtop: %s; retrying\n", a->conn.err);
    }
    return 0;
}
