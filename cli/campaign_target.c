/*
 * The life of one target's worker process (see campaign.h): connect to
 * vhd, wait for the target's link, learn its ADUs, run the cases, write
 * each case's artifacts (statistics, histograms, the console text printed
 * during the case) and send its result line to the parent, then clean up
 * what the campaign changed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "campaign_worker.h"

static int camp__learn_adus(struct camp_w *w)
{
    Vhd__ClientRequest rq = VHD__CLIENT_REQUEST__INIT;
    Vh__Request fw = VH__REQUEST__INIT;
    Vh__ListAdusReq la = VH__LIST_ADUS_REQ__INIT;
    Vhd__ClientResponse *r;
    fw.call_case = VH__REQUEST__CALL_LIST_ADUS;
    fw.list_adus = &la;
    rq.call_case = VHD__CLIENT_REQUEST__CALL_FORWARD;
    rq.forward = &fw;
    if (camp_call(w, &rq, &r, (int)(w->c->timeout_ns / 1000000) + 2000) <= 0) {
        snprintf(w->gone_why, sizeof(w->gone_why), "no answer from vhd about target '%s'",
                 w->t->name);
        return -1;
    }
    const Vh__AduList *l = r->status == VH__STATUS__OK && r->reply ? r->reply->adus : NULL;
    for (size_t i = 0; l && i < l->n_adus && w->nadus < CAMP_MAX_ADUS - 1; i++) {
        struct camp_adu *a = &w->adus[w->nadus++];
        snprintf(a->name, sizeof(a->name), "%s", l->adus[i]->name);
        a->orig_ppm = l->adus[i]->reserve_ppm;
    }
    int rc = l ? 0 : -1;
    if (rc)
        snprintf(w->gone_why, sizeof(w->gone_why), "target '%s' unavailable: %s", w->t->name,
                 r->reply && r->reply->detail[0] ? r->reply->detail : r->detail);
    vhd__client_response__free_unpacked(r, NULL);
    /* The hypervisor log is a console too. */
    snprintf(w->adus[w->nadus++].name, CAMP_NAME_MAX, "log");
    return rc;
}

/* The scrollback of one console: attach (with scrollback), detach at once
 * and keep the data that comes before the detach's answer. */
static char *camp__scrollback(struct camp_w *w, const char *adu, size_t *len)
{
    Vhd__ClientRequest rq = VHD__CLIENT_REQUEST__INIT, dq = VHD__CLIENT_REQUEST__INIT;
    Vhd__ConsoleAttachReq at = VHD__CONSOLE_ATTACH_REQ__INIT;
    Vhd__ConsoleDetachReq dt = VHD__CONSOLE_DETACH_REQ__INIT;
    Vhd__ClientResponse *r;
    char *buf = NULL;
    *len = 0;
    at.adu = (char *)adu;
    rq.call_case = VHD__CLIENT_REQUEST__CALL_CONSOLE_ATTACH;
    rq.console_attach = &at;
    rq.target = dq.target = (char *)w->t->name;
    dq.call_case = VHD__CLIENT_REQUEST__CALL_CONSOLE_DETACH;
    dq.console_detach = &dt;
    if (vhctl_send(&w->v, &rq))
        return NULL;
    dt.attach_id = rq.id;
    if (vhctl_send(&w->v, &dq))
        return NULL;
    while (vhctl_recv(&w->v, &r, 3000) > 0) {
        int done = r->id == dq.id;
        if (r->id == rq.id && r->result_case == VHD__CLIENT_RESPONSE__RESULT_CONSOLE) {
            char *nb = realloc(buf, *len + r->console->data.len + 1);
            if (nb) {
                buf = nb;
                memcpy(buf + *len, r->console->data.data, r->console->data.len);
                *len += r->console->data.len;
                buf[*len] = 0;
            }
        }
        if (r->id == rq.id && r->status != VH__STATUS__OK)
            done = 1;
        vhd__client_response__free_unpacked(r, NULL);
        if (done)
            break;
    }
    return buf;
}

/* What is new in `now` since `prev` (the ring may have wrapped). */
static size_t camp__new_from(const char *prev, size_t plen, const char *now, size_t nlen)
{
    size_t k = plen < 256 ? plen : 256;
    if (!k)
        return 0;
    const char *tail = prev + plen - k, *hit = NULL;
    for (const char *p = now; p + k <= now + nlen; p++) {
        p = memmem(p, (size_t)(now + nlen - p), tail, k);
        if (!p)
            break;
        hit = p;
    }
    return hit ? (size_t)(hit + k - now) : 0;
}

static void camp__write_file(const char *dir, const char *name, const char *p, size_t n)
{
    char path[800];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        return;
    fwrite(p, 1, n, f);
    fclose(f);
}

static void camp__consoles(struct camp_w *w)
{
    for (size_t i = 0; i < w->nadus; i++) {
        struct camp_adu *a = &w->adus[i];
        size_t len, from;
        char *now = camp__scrollback(w, a->name, &len), name[CAMP_NAME_MAX + 16];
        snprintf(name, sizeof(name), "console-%s.log", a->name);
        if (!now) { /* it has printed nothing (yet): say so with an empty log */
            camp__write_file(w->dir, name, "", 0);
            continue;
        }
        from = camp__new_from(a->prev, a->prev_len, now, len);
        camp__write_file(w->dir, name, now + from, len - from);
        free(a->prev);
        a->prev = now;
        a->prev_len = len;
    }
}

static void camp__artifacts(struct camp_w *w)
{
    char tname[CAMP_NAME_MAX], cname[CAMP_NAME_MAX];
    campaign_file_name(tname, sizeof(tname), w->t->name);
    campaign_file_name(cname, sizeof(cname), w->cs->name);
    snprintf(w->dir, sizeof(w->dir), "%s/%s/%s", w->o->out, tname, cname);
    if (campaign_mkdirs(w->dir))
        return;
    if (w->nwin) {
        campaign_write_stats(w->dir, w->t->name, w->cs->name, w->win, w->nwin);
        const struct camp_window *last = &w->win[w->nwin - 1];
        for (size_t i = 0; i < last->nv; i++) {
            char path[800], title[160];
            snprintf(path, sizeof(path), "%s/hist-vcpu%u.svg", w->dir, last->v[i].vcpu_id);
            snprintf(title, sizeof(title), "%s / %s: jitter of VCPU %u", w->t->name, w->cs->name,
                     last->v[i].vcpu_id);
            campaign_write_svg(path, title, last->v[i].hist);
        }
    }
    if (!w->gone)
        camp__consoles(w);
}

static void camp__cleanup(struct camp_w *w)
{
    for (size_t i = 0; i < w->ncreated; i++) {
        Vhd__ClientRequest rq = VHD__CLIENT_REQUEST__INIT;
        Vh__Request fw = VH__REQUEST__INIT;
        Vh__DestroyRtReq d = VH__DESTROY_RT_REQ__INIT;
        Vhd__ClientResponse *r;
        d.vcpu_id = w->created[i];
        fw.call_case = VH__REQUEST__CALL_DESTROY_RT, fw.destroy_rt = &d;
        rq.call_case = VHD__CLIENT_REQUEST__CALL_FORWARD, rq.forward = &fw;
        if (camp_call(w, &rq, &r, 3000) > 0)
            vhd__client_response__free_unpacked(r, NULL);
    }
    for (size_t i = 0; i < w->nadus; i++) {
        if (!w->adus[i].changed)
            continue;
        Vhd__ClientRequest rq = VHD__CLIENT_REQUEST__INIT;
        Vh__Request fw = VH__REQUEST__INIT;
        Vh__SetReservationReq sr = VH__SET_RESERVATION_REQ__INIT;
        Vhd__ClientResponse *r;
        sr.adu = w->adus[i].name, sr.reserve_ppm = w->adus[i].orig_ppm;
        fw.call_case = VH__REQUEST__CALL_SET_RESERVATION, fw.set_reservation = &sr;
        rq.call_case = VHD__CLIENT_REQUEST__CALL_FORWARD, rq.forward = &fw;
        if (camp_call(w, &rq, &r, 3000) > 0)
            vhd__client_response__free_unpacked(r, NULL);
    }
}

static int camp__send_result(int fd, size_t ci, const struct camp_case_result *r)
{
    char line[1400];
    campaign_result_format(line, sizeof(line), ci, r);
    size_t n = strlen(line);
    for (size_t off = 0; off < n;) {
        ssize_t k = write(fd, line + off, n - off);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        off += (size_t)k;
    }
    return 0;
}

static void camp__start(struct camp_w *w)
{
    char why[400];
    if (vhctl_connect(&w->v)) {
        w->gone = 1;
        snprintf(w->gone_why, sizeof(w->gone_why), "cannot connect to vhd at %s", w->v.sock);
        return;
    }
    uint64_t end = camp_now_ns() + w->c->up_timeout_ns;
    while (camp_target_down(w, why, sizeof(why))) {
        if (camp_now_ns() >= end || strstr(why, "no target") || strstr(why, "not answer")) {
            w->gone = 1;
            snprintf(w->gone_why, sizeof(w->gone_why), "target '%s' did not come up within "
                     "%.0fs: %s", w->t->name, (double)w->c->up_timeout_ns / 1e9, why);
            return;
        }
        usleep(100000);
    }
    if (camp__learn_adus(w))
        w->gone = 1;
}

int campaign_worker(const struct campaign *c, size_t target, const struct camp_opts *o, int fd)
{
    static struct camp_w w; /* large; one per process */
    memset(&w, 0, sizeof(w));
    w.c = c, w.t = &c->targets[target], w.o = o;
    w.v.fd = -1;
    w.v.sock = o->sock;
    w.v.target = w.t->name;
    w.v.timeout_ns = c->timeout_ns;
    w.v.verb = "campaign";
    camp__start(&w);
    for (size_t ci = 0; ci < c->ncases; ci++) {
        campaign_worker_case(&w, ci);
        camp__artifacts(&w);
        camp_windows_free(&w);
        if (camp__send_result(fd, ci, &w.res))
            break;
    }
    if (!w.gone && c->cleanup)
        camp__cleanup(&w);
    for (size_t i = 0; i < w.nadus; i++)
        free(w.adus[i].prev);
    vhctl_disconnect(&w.v);
    return 0;
}

const char *campaign_result_name(enum camp_result r)
{
    return r == CAMP_PASS ? "PASS" : r == CAMP_FAIL ? "FAIL" : "ERROR";
}

void campaign_result_format(char *line, size_t cap, size_t ci, const struct camp_case_result *r)
{
    char msg[sizeof(r->message)];
    size_t i = 0;
    for (; r->message[i] && i + 1 < sizeof(msg); i++)
        msg[i] = r->message[i] == '\n' || r->message[i] == '\t' || r->message[i] == '\r'
                     ? ' '
                     : r->message[i];
    msg[i] = 0;
    snprintf(line, cap, "R\t%zu\t%d\t%llu\t%d\t%.6g\t%s\t%s\n", ci, (int)r->result,
             (unsigned long long)r->duration_ns, r->has_measure, r->measure,
             r->units[0] ? r->units : "-", msg);
}

int campaign_result_parse(const char *line, size_t *ci, struct camp_case_result *r)
{
    int res, has, off = 0;
    unsigned long long dur;
    size_t idx;
    char units[8];
    memset(r, 0, sizeof(*r));
    if (sscanf(line, "R\t%zu\t%d\t%llu\t%d\t%lg\t%7s\t%n", &idx, &res, &dur, &has, &r->measure,
               units, &off) < 6 || !off || res < CAMP_PASS || res > CAMP_ERROR)
        return -1;
    *ci = idx;
    r->result = (enum camp_result)res;
    r->duration_ns = dur;
    r->has_measure = has;
    snprintf(r->units, sizeof(r->units), "%s", strcmp(units, "-") ? units : "");
    snprintf(r->message, sizeof(r->message), "%s", line + off);
    size_t n = strlen(r->message);
    if (n && r->message[n - 1] == '\n')
        r->message[n - 1] = 0;
    r->reported = 1;
    return 0;
}
