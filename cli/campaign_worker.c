/*
 * A campaign worker runs one target's cases in order over its own vhd
 * connection (a child process; see campaign.h).  Each step either passes,
 * fails (an expectation or assertion was not met) or errors (it could not
 * be carried out).  The first failing step ends its case.  When the target
 * goes away (vhd says UNAVAILABLE, the link is down) or reboots (its boot
 * id changes: what earlier steps made is gone) the case errors with the
 * reason and the remaining cases are reported as ERROR with it too.
 * After each case its artifacts are written; at the end, RT-VCPUs the
 * campaign created are destroyed and changed reservations restored
 * (unless `cleanup: false`).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "campaign_worker.h"

static const char *const camp__kind_names[] = {"create", "set",   "destroy", "migrate", "reserve",
                                               "wait",   "stats", "assert",  "console"};

uint64_t camp_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int camp_fail(struct camp_w *w, enum camp_result r, const char *fmt, ...)
{
    if (w->res.result != CAMP_PASS)
        return -1;
    int k = 0;
    if (w->step < w->cs->nsteps) {
        const struct camp_step *s = &w->cs->steps[w->step];
        k = snprintf(w->res.message, sizeof(w->res.message), "step %zu (%s, line %d): ",
                     w->step + 1, camp__kind_names[s->kind], s->line);
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->res.message + k, sizeof(w->res.message) - (size_t)k, fmt, ap);
    va_end(ap);
    w->res.result = r;
    return -1;
}

int camp_gone(struct camp_w *w, const char *why)
{
    w->gone = 1;
    snprintf(w->gone_why, sizeof(w->gone_why), "target '%s' unavailable: %s", w->t->name,
             why && *why ? why : "no reason given");
    return camp_fail(w, CAMP_ERROR, "%s", w->gone_why);
}

int camp_call(struct camp_w *w, Vhd__ClientRequest *rq, Vhd__ClientResponse **out, int wait_ms)
{
    *out = NULL;
    rq->target = (char *)w->t->name;
    if (vhctl_send(&w->v, rq))
        return -1;
    uint64_t end = camp_now_ns() + (uint64_t)wait_ms * 1000000ull;
    for (;;) {
        uint64_t now = camp_now_ns();
        if (now >= end)
            return 0;
        int got = vhctl_recv(&w->v, out, (int)((end - now) / 1000000ull) + 1);
        if (got <= 0)
            return got;
        if ((*out)->id == rq->id)
            return 1;
        vhd__client_response__free_unpacked(*out, NULL);
        *out = NULL;
    }
}

int camp_target_down(struct camp_w *w, char *why, size_t cap)
{
    Vhd__ClientRequest rq = VHD__CLIENT_REQUEST__INIT;
    Vhd__TargetListReq tl = VHD__TARGET_LIST_REQ__INIT;
    Vhd__ClientResponse *r;
    rq.call_case = VHD__CLIENT_REQUEST__CALL_TARGET_LIST;
    rq.target_list = &tl;
    if (camp_call(w, &rq, &r, 3000) <= 0) {
        snprintf(why, cap, "vhd does not answer");
        return 1;
    }
    int down = 1;
    snprintf(why, cap, "vhd has no target '%s' any more", w->t->name);
    for (size_t i = 0; r->targets && i < r->targets->n_targets; i++) {
        const Vhd__TargetStatus *t = r->targets->targets[i];
        if (strcmp(t->name, w->t->name) != 0)
            continue;
        down = t->state != VHD__LINK_STATE__LINK_UP;
        snprintf(why, cap, "link %s%s%s", down ? "down" : "up", t->last_error[0] ? ": " : "",
                 t->last_error);
        if (!down && !w->boot_id)
            w->boot_id = t->boot_id;
        if (w->boot_id && t->boot_id != w->boot_id) {
            /* Restarted (a QEMU that vhd started again, a reset board):
             * the VCPUs and settings the campaign made are gone. */
            down = w->rebooted = 1;
            snprintf(why, cap, "it rebooted (boot id %016llx, now %016llx)%s%s",
                     (unsigned long long)w->boot_id, (unsigned long long)t->boot_id,
                     t->last_error[0] ? "; link went down: " : "", t->last_error);
        }
    }
    vhd__client_response__free_unpacked(r, NULL);
    return down;
}

int camp_vcpu_id(struct camp_w *w, const struct camp_vref *r, uint32_t *id)
{
    switch (r->kind) {
    case CAMP_VREF_ID: *id = r->id; return 0;
    case CAMP_VREF_LAST:
        if (w->have_last) {
            *id = w->last;
            return 0;
        }
        return camp_fail(w, CAMP_ERROR, "vcpu: last, but no VCPU was created on this target "
                         "(did an earlier create fail?)");
    case CAMP_VREF_NAME:
        for (size_t i = 0; i < w->nnamed; i++)
            if (strcmp(w->named[i], r->name) == 0) {
                *id = w->named_id[i];
                return 0;
            }
        return camp_fail(w, CAMP_ERROR, "vcpu '%s' was not created on this target", r->name);
    default: return camp_fail(w, CAMP_ERROR, "no VCPU given");
    }
}

/* --- mutations --------------------------------------------------------------------------- */

/* Forward fw; returns 0 if the target did it, 1 if it refused (detail in
 * *r), -1 if the step errored. */
static int camp__forward(struct camp_w *w, Vh__Request *fw, Vhd__ClientResponse **r)
{
    Vhd__ClientRequest rq = VHD__CLIENT_REQUEST__INIT;
    rq.call_case = VHD__CLIENT_REQUEST__CALL_FORWARD;
    rq.forward = fw;
    int got = camp_call(w, &rq, r, (int)(w->c->timeout_ns / 1000000) + 2000);
    if (got < 0)
        return camp_fail(w, CAMP_ERROR, "lost the connection to vhd");
    if (got == 0)
        return camp_fail(w, CAMP_ERROR, "no answer from vhd in time");
    int st = (int)(*r)->status;
    const char *d = (*r)->detail;
    if (st == VH__STATUS__OK && (*r)->reply)
        st = (int)(*r)->reply->status, d = (*r)->reply->detail;
    if (st == VH__STATUS__OK)
        return 0;
    if (st == VH__STATUS__UNAVAILABLE || (*r)->status == VH__STATUS__NOT_FOUND)
        return camp_gone(w, d);
    if (st == VH__STATUS__DEADLINE_EXCEEDED || st == VH__STATUS__PERMISSION_DENIED)
        return camp_fail(w, CAMP_ERROR, "%s", d);
    (*r)->detail = (char *)d; /* points into the same message */
    return 1;
}

/* Compare the answer with the step's expect; returns 0 to go on. */
static int camp__expect(struct camp_w *w, const struct camp_step *s, int refused,
                        const char *detail)
{
    const struct camp_expect *e = &s->expect;
    if (!refused && e->refused)
        return camp_fail(w, CAMP_FAIL, "expected a refusal%s%s%s, but it was accepted",
                         e->reason[0] ? " mentioning '" : "", e->reason,
                         e->reason[0] ? "'" : "");
    if (refused && !e->refused)
        return camp_fail(w, CAMP_FAIL, "refused: %s", detail);
    if (refused && e->reason[0] && !strcasestr(detail, e->reason))
        return camp_fail(w, CAMP_FAIL, "refused for another reason: '%s'; expected a reason "
                         "mentioning '%s'", detail, e->reason);
    return 0;
}

static void camp__note_created(struct camp_w *w, const struct camp_step *s, uint32_t id)
{
    w->have_last = 1;
    w->last = id;
    if (w->ncreated < CAMP_MAX_CREATED)
        w->created[w->ncreated++] = id;
    if (s->as[0] && w->nnamed < 32) {
        snprintf(w->named[w->nnamed], CAMP_NAME_MAX, "%s", s->as);
        w->named_id[w->nnamed++] = id;
    }
}

/* The address of the step's entry symbol in its ADU's image, from vhd
 * (which knows the target's scenario); 0, or -1 with the step errored. */
static int camp__resolve(struct camp_w *w, const struct camp_step *s, uint64_t *addr)
{
    Vhd__ClientRequest rq = VHD__CLIENT_REQUEST__INIT;
    Vhd__ResolveSymbolReq rs = VHD__RESOLVE_SYMBOL_REQ__INIT;
    Vhd__ClientResponse *r;
    rs.adu = (char *)s->adu;
    rs.symbol = (char *)s->entry_sym;
    rq.call_case = VHD__CLIENT_REQUEST__CALL_RESOLVE_SYMBOL;
    rq.resolve_symbol = &rs;
    int got = camp_call(w, &rq, &r, (int)(w->c->timeout_ns / 1000000) + 2000);
    if (got <= 0)
        return camp_fail(w, CAMP_ERROR, "entry '%s': %s", s->entry_sym,
                         got ? "lost the connection to vhd" : "no answer from vhd in time");
    int rc = 0;
    if (r->status == VH__STATUS__UNAVAILABLE)
        rc = camp_gone(w, r->detail);
    else if (r->status != VH__STATUS__OK || !r->symbol)
        rc = camp_fail(w, CAMP_ERROR, "entry: %s", r->detail[0] ? r->detail : "not resolved");
    else
        *addr = r->symbol->address;
    vhd__client_response__free_unpacked(r, NULL);
    return rc;
}

static int camp__create(struct camp_w *w, const struct camp_step *s)
{
    Vh__Request fw = VH__REQUEST__INIT;
    Vh__CreateRtReq c = VH__CREATE_RT_REQ__INIT;
    Vhd__ClientResponse *r = NULL;
    c.adu = (char *)s->adu;
    c.entry = s->entry, c.arg = s->arg, c.stack = s->stack;
    if (s->entry_sym[0] && camp__resolve(w, s, &c.entry))
        return -1;
    c.period_ns = s->period_ns, c.deadline_ns = s->deadline_ns, c.budget_ns = s->budget_ns;
    c.cpu = s->cpu;
    c.dry_run = s->dry_run;
    fw.call_case = VH__REQUEST__CALL_CREATE_RT;
    fw.create_rt = &c;
    int rc = camp__forward(w, &fw, &r);
    const Vh__CreateRtResult *res = !rc && r->reply ? r->reply->create_rt : NULL;
    if (!rc && s->dry_run && (!res || !res->admitted))
        rc = 1; /* a dry run answers OK with admitted = false */
    if (rc >= 0)
        rc = camp__expect(w, s, rc == 1, r->reply && r->reply->detail[0] ? r->reply->detail : r->detail);
    if (!rc && res && res->admitted && !s->dry_run)
        camp__note_created(w, s, res->vcpu_id);
    if (r)
        vhd__client_response__free_unpacked(r, NULL);
    return rc;
}

static void camp__forget(struct camp_w *w, uint32_t id)
{
    for (size_t i = 0; i < w->ncreated; i++)
        if (w->created[i] == id) {
            w->created[i] = w->created[--w->ncreated];
            return;
        }
}

static struct camp_adu *camp__adu(struct camp_w *w, const char *name)
{
    for (size_t i = 0; i < w->nadus; i++)
        if (strcmp(w->adus[i].name, name) == 0)
            return &w->adus[i];
    return NULL;
}

static int camp__mutate(struct camp_w *w, const struct camp_step *s)
{
    Vh__Request fw = VH__REQUEST__INIT;
    Vh__SetRtParamsReq set = VH__SET_RT_PARAMS_REQ__INIT;
    Vh__DestroyRtReq d = VH__DESTROY_RT_REQ__INIT;
    Vh__MigrateReq m = VH__MIGRATE_REQ__INIT;
    Vh__SetReservationReq sr = VH__SET_RESERVATION_REQ__INIT;
    Vhd__ClientResponse *r = NULL;
    uint32_t id = 0;
    if (s->kind != CAMP_RESERVE && camp_vcpu_id(w, &s->vcpu, &id))
        return -1;
    if (s->kind == CAMP_SET) {
        set.vcpu_id = id, set.period_ns = s->period_ns, set.deadline_ns = s->deadline_ns;
        set.budget_ns = s->budget_ns;
        fw.call_case = VH__REQUEST__CALL_SET_RT_PARAMS, fw.set_rt_params = &set;
    } else if (s->kind == CAMP_DESTROY) {
        d.vcpu_id = id;
        fw.call_case = VH__REQUEST__CALL_DESTROY_RT, fw.destroy_rt = &d;
    } else if (s->kind == CAMP_MIGRATE) {
        m.vcpu_id = id, m.cpu = s->cpu;
        fw.call_case = VH__REQUEST__CALL_MIGRATE, fw.migrate = &m;
    } else {
        sr.adu = (char *)s->adu, sr.reserve_ppm = s->percent_ppm;
        fw.call_case = VH__REQUEST__CALL_SET_RESERVATION, fw.set_reservation = &sr;
    }
    int rc = camp__forward(w, &fw, &r);
    if (rc >= 0)
        rc = camp__expect(w, s, rc == 1, r->detail);
    if (!rc && s->kind == CAMP_DESTROY)
        camp__forget(w, id);
    struct camp_adu *a = s->kind == CAMP_RESERVE ? camp__adu(w, s->adu) : NULL;
    if (!rc && a)
        a->changed = 1;
    if (r)
        vhd__client_response__free_unpacked(r, NULL);
    return rc;
}

/* --- console ------------------------------------------------------------------------------ */

static int camp__attach(struct camp_w *w, const char *adu, int scrollback, uint32_t *id)
{
    Vhd__ClientRequest rq = VHD__CLIENT_REQUEST__INIT;
    Vhd__ConsoleAttachReq at = VHD__CONSOLE_ATTACH_REQ__INIT;
    Vhd__ClientResponse *r;
    at.adu = (char *)adu;
    at.no_scrollback = !scrollback;
    rq.call_case = VHD__CLIENT_REQUEST__CALL_CONSOLE_ATTACH;
    rq.console_attach = &at;
    int got = camp_call(w, &rq, &r, 5000);
    *id = rq.id;
    if (got <= 0)
        return camp_fail(w, CAMP_ERROR, "no answer from vhd to the console attach");
    int st = (int)r->status;
    if (st == VH__STATUS__UNAVAILABLE)
        camp_gone(w, r->detail);
    else if (st != VH__STATUS__OK)
        camp_fail(w, CAMP_ERROR, "console of %s: %s", adu, r->detail);
    vhd__client_response__free_unpacked(r, NULL);
    return st == VH__STATUS__OK ? 0 : -1;
}

/* Send a request whose answer is read later; returns its id (0 on error). */
static uint32_t camp__send_detach(struct camp_w *w, uint32_t attach_id)
{
    Vhd__ClientRequest rq = VHD__CLIENT_REQUEST__INIT;
    Vhd__ConsoleDetachReq dt = VHD__CONSOLE_DETACH_REQ__INIT;
    dt.attach_id = attach_id;
    rq.call_case = VHD__CLIENT_REQUEST__CALL_CONSOLE_DETACH;
    rq.console_detach = &dt;
    rq.target = (char *)w->t->name;
    return vhctl_send(&w->v, &rq) ? 0 : rq.id;
}

static void camp__append(char **buf, size_t *len, size_t cap, const uint8_t *p, size_t n)
{
    if (!*buf && !(*buf = malloc(cap + 1)))
        return;
    if (n >= cap)
        p += n - cap, n = cap, *len = 0;
    if (*len + n > cap) { /* keep the tail */
        memmove(*buf, *buf + (*len + n - cap), cap - n);
        *len = cap - n;
    }
    memcpy(*buf + *len, p, n);
    *len += n;
    (*buf)[*len] = 0;
}

static int camp__console(struct camp_w *w, const struct camp_step *s)
{
    uint32_t aid, in_id = 0, det;
    char *buf = NULL;
    size_t len = 0;
    int rc = 0, seen = !s->match[0], answered = !s->send[0];
    if (camp__attach(w, s->adu, 0, &aid))
        return -1;
    if (s->send[0]) {
        Vhd__ClientRequest rq = VHD__CLIENT_REQUEST__INIT;
        Vhd__ConsoleInputReq in = VHD__CONSOLE_INPUT_REQ__INIT;
        in.adu = (char *)s->adu;
        in.data.data = (uint8_t *)s->send;
        in.data.len = strlen(s->send);
        rq.call_case = VHD__CLIENT_REQUEST__CALL_CONSOLE_INPUT;
        rq.console_input = &in;
        rq.target = (char *)w->t->name;
        if (vhctl_send(&w->v, &rq))
            return camp_fail(w, CAMP_ERROR, "lost the connection to vhd");
        in_id = rq.id;
    }
    uint64_t end = camp_now_ns() + s->timeout_ns;
    while (!rc && !(seen && answered)) {
        uint64_t now = camp_now_ns();
        Vhd__ClientResponse *r;
        int got = now < end ? vhctl_recv(&w->v, &r, (int)((end - now) / 1000000) + 1) : 0;
        if (got < 0)
            rc = camp_fail(w, CAMP_ERROR, "lost the connection to vhd");
        if (got <= 0)
            break;
        if (r->id == aid && r->result_case == VHD__CLIENT_RESPONSE__RESULT_CONSOLE) {
            camp__append(&buf, &len, 16384, r->console->data.data, r->console->data.len);
            seen = seen || (buf && strstr(buf, s->match));
        } else if (r->id == aid && r->result_case == VHD__CLIENT_RESPONSE__RESULT_STREAM_END) {
            rc = camp_gone(w, r->detail);
        } else if (r->id == in_id) {
            answered = 1;
            int st = (int)r->status;
            const char *d = r->detail;
            if (st == VH__STATUS__OK && r->reply)
                st = (int)r->reply->status, d = r->reply->detail;
            if (st == VH__STATUS__UNAVAILABLE)
                rc = camp_gone(w, d);
            else if (st != VH__STATUS__OK)
                rc = camp_fail(w, CAMP_ERROR, "console input to %s: %s", s->adu, d);
        }
        vhd__client_response__free_unpacked(r, NULL);
    }
    if (!rc && !answered) {
        char why[400];
        if (camp_target_down(w, why, sizeof(why)))
            rc = camp_gone(w, why);
    }
    if (!rc && !(seen && answered)) {
        const char *tail = buf && len > 200 ? buf + len - 200 : buf ? buf : "";
        rc = camp_fail(w, CAMP_FAIL, "console of %s: %s within %.1fs; got: '%s'", s->adu,
                       !answered ? "the input was not acknowledged" : "expected text not seen",
                       (double)s->timeout_ns / 1e9, tail);
    }
    free(buf);
    if (!w->gone && (det = camp__send_detach(w, aid))) {
        Vhd__ClientResponse *r;
        while (vhctl_recv(&w->v, &r, 2000) > 0) {
            int done = r->id == det;
            vhd__client_response__free_unpacked(r, NULL);
            if (done)
                break;
        }
    }
    return rc;
}

/* --- cases ---------------------------------------------------------------------------------- */

static int camp__step(struct camp_w *w, const struct camp_step *s)
{
    switch (s->kind) {
    case CAMP_CREATE: return camp__create(w, s);
    case CAMP_SET:
    case CAMP_DESTROY:
    case CAMP_MIGRATE:
    case CAMP_RESERVE: return camp__mutate(w, s);
    case CAMP_WAIT:
        if (!s->releases) {
            struct timespec ts = {.tv_sec = (time_t)(s->wait_ns / 1000000000ull),
                                  .tv_nsec = (long)(s->wait_ns % 1000000000ull)};
            while (nanosleep(&ts, &ts) && errno == EINTR)
                ;
            return 0;
        }
        return camp_step_wait_releases(w, s);
    case CAMP_STATS: return camp_step_stats(w, s);
    case CAMP_ASSERT: return camp_step_assert(w, s);
    case CAMP_CONSOLE: return camp__console(w, s);
    }
    return -1;
}

/* Wait until the target's link is up (a reboot does not heal by waiting);
 * returns 0, or 1 with why. */
static int camp__wait_up(struct camp_w *w, uint64_t timeout_ns, char *why, size_t cap)
{
    uint64_t end = camp_now_ns() + timeout_ns;
    for (;;) {
        if (!camp_target_down(w, why, cap))
            return 0;
        if (camp_now_ns() >= end || w->rebooted || strstr(why, "no target") ||
            strstr(why, "not answer"))
            return 1;
        usleep(100000);
    }
}

/* Before a step: a target that rebooted since the campaign began lost what
 * earlier steps made, so the step would test something else.  (A link that
 * is down is left to the step, which says so.)  Returns 0 to go on. */
static int camp__same_boot(struct camp_w *w)
{
    char why[400];
    if (camp_target_down(w, why, sizeof(why)) && w->rebooted)
        return camp_gone(w, why);
    return 0;
}

int campaign_worker_case(struct camp_w *w, size_t ci)
{
    char why[400];
    uint64_t t0 = camp_now_ns();
    w->cs = &w->c->cases[ci];
    w->step = 0;
    memset(&w->res, 0, sizeof(w->res));
    if (w->gone) {
        w->res.result = CAMP_ERROR;
        snprintf(w->res.message, sizeof(w->res.message), "not run: %s", w->gone_why);
        return 0;
    }
    if (camp__wait_up(w, w->c->timeout_ns, why, sizeof(why))) {
        camp_gone(w, why);
        snprintf(w->res.message, sizeof(w->res.message), "%s", w->gone_why);
    }
    for (; !w->gone && w->step < w->cs->nsteps; w->step++)
        if ((w->step && camp__same_boot(w)) || camp__step(w, &w->cs->steps[w->step]))
            break;
    w->res.duration_ns = camp_now_ns() - t0;
    return 0;
}
