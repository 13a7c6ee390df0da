/*
 * vhctl campaign run|check: load the file (nothing runs if it has a
 * mistake), fork one worker per target (at most --parallel at once, each
 * with its own vhd connection and a pipe for its result lines), print a
 * line per finished case, then write the reports.  A target to spawn is
 * added to vhd just before its worker starts and removed when the worker
 * is done, so --parallel also bounds how many QEMUs vhd runs at once.  A
 * worker that dies leaves its unreported cases as ERROR; SIGINT/SIGTERM
 * stop the workers and still write the reports.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "campaign.h"
#include "vhctl.h"

static const char camp__help[] =
    "usage: vhctl campaign run FILE [--parallel N] [--report junit,tap,lava] [--out DIR]\n"
    "       vhctl campaign check FILE\n"
    "  run:   every target's cases in parallel (N targets at once, default all) through vhd;\n"
    "         one line per case; exit 0 if all passed, 1 if a case failed or errored.\n"
    "         --report: which reports (default junit,tap): DIR/junit.xml, DIR/results.tap,\n"
    "         lava signals on stdout.  --out DIR (default campaign-out): reports, summary.md,\n"
    "         summary.html and per target and case stats.csv/json, hist-vcpuN.svg, console logs.\n"
    "  check: only load and check FILE (exit 2 with FILE:LINE:COL: ... if it is wrong).\n"
    "  Format: docs/campaigns.md.\n";

static volatile sig_atomic_t camp__stop;

static void camp__on_signal(int sig)
{
    (void)sig;
    camp__stop = 1;
}

struct camp__worker {
    pid_t pid;
    int fd;
    size_t target;
    char buf[4096];
    size_t len;
};

struct camp__run {
    const struct campaign *c;
    const struct camp_opts *o;
    struct vhctl *v;          /* the parent's vhd connection: target add/remove */
    struct camp_target_result *tr;
    struct camp__worker *w;   /* one per target; pid 0: not running */
    size_t next, running, done_cases, total_cases;
    int tty;
};

static void camp__status_line(struct camp__run *r, int erase)
{
    if (!r->tty)
        return;
    if (erase)
        fputs("\r\033[K", stdout);
    else
        printf("[%zu/%zu cases] %zu target%s running...", r->done_cases, r->total_cases,
               r->running, r->running == 1 ? "" : "s");
    fflush(stdout);
}

static void camp__record(struct camp__run *r, size_t t, size_t ci, const struct camp_case_result *res)
{
    if (ci >= r->c->ncases || r->tr[t].cases[ci].reported)
        return;
    r->tr[t].cases[ci] = *res;
    r->tr[t].cases[ci].reported = 1;
    r->done_cases++;
    camp__status_line(r, 1);
    printf("[%*zu/%zu] %-16s %-28s %-5s %7.2fs\n", r->total_cases > 99 ? 3 : 2, r->done_cases,
           r->total_cases, r->c->targets[t].name, r->c->cases[ci].name,
           campaign_result_name(res->result), (double)res->duration_ns / 1e9);
    if (res->result != CAMP_PASS)
        printf("        %s\n", res->message);
    camp__status_line(r, 0);
    fflush(stdout);
}

/* Cases of target t nobody reported: ERROR with why. */
static void camp__unreported(struct camp__run *r, size_t t, const char *why)
{
    struct camp_case_result res;
    memset(&res, 0, sizeof(res));
    res.result = CAMP_ERROR;
    snprintf(res.message, sizeof(res.message), "%s", why);
    for (size_t ci = 0; ci < r->c->ncases; ci++)
        camp__record(r, t, ci, &res);
}

static int camp__fork(struct camp__run *r, size_t t)
{
    int p[2];
    if (pipe(p))
        return -1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return -1;
    }
    if (pid == 0) {
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        close(p[0]);
        for (size_t i = 0; i < r->c->ntargets; i++)
            if (r->w[i].pid > 0)
                close(r->w[i].fd);
        _exit(campaign_worker(r->c, t, r->o, p[1]));
    }
    close(p[1]);
    r->w[t].pid = pid;
    r->w[t].fd = p[0];
    r->w[t].target = t;
    r->running++;
    return 0;
}

static void camp__lines(struct camp__run *r, struct camp__worker *w)
{
    char *nl;
    while ((nl = memchr(w->buf, '\n', w->len))) {
        struct camp_case_result res;
        size_t ci;
        *nl = 0;
        if (!campaign_result_parse(w->buf, &ci, &res))
            camp__record(r, w->target, ci, &res);
        size_t used = (size_t)(nl + 1 - w->buf);
        memmove(w->buf, nl + 1, w->len - used);
        w->len -= used;
    }
}

/* --- spawned targets ------------------------------------------------------------------ */

static int camp__target_call(struct vhctl *v, const struct camp_target *t, int add, char *why,
                             size_t cap)
{
    Vhd__ClientRequest rq = VHD__CLIENT_REQUEST__INIT;
    Vhd__TargetAddReq ta = VHD__TARGET_ADD_REQ__INIT;
    Vhd__TargetRemoveReq tr = VHD__TARGET_REMOVE_REQ__INIT;
    Vhd__ClientResponse *r;
    ta.name = tr.name = (char *)t->name;
    ta.spec = (char *)t->spec;
    rq.target = (char *)(add ? "" : t->name);
    if (add)
        rq.call_case = VHD__CLIENT_REQUEST__CALL_TARGET_ADD, rq.target_add = &ta;
    else
        rq.call_case = VHD__CLIENT_REQUEST__CALL_TARGET_REMOVE, rq.target_remove = &tr;
    v->verb = add ? "campaign: target add" : "campaign: target remove";
    int rc = vhctl_call(v, &rq, &r);
    snprintf(why, cap, "cannot add target '%s' (%s): %s", t->name, t->spec,
             r && r->detail[0] ? r->detail : "vhd did not answer");
    if (r)
        vhd__client_response__free_unpacked(r, NULL);
    /* The workers forked next must not share this connection. */
    vhctl_disconnect(v);
    return rc;
}

/* Add target t to vhd if the campaign spawns it; 0, or -1 with its cases
 * reported as ERROR. */
static int camp__spawn(struct camp__run *r, size_t t)
{
    char why[600];
    if (!r->c->targets[t].spawned || !camp__target_call(r->v, &r->c->targets[t], 1, why,
                                                        sizeof(why)))
        return 0;
    camp__unreported(r, t, why);
    return -1;
}

static void camp__unspawn(struct camp__run *r, size_t t)
{
    char why[600];
    const struct camp_target *tg = &r->c->targets[t];
    if (tg->spawned && !tg->keep)
        camp__target_call(r->v, tg, 0, why, sizeof(why));
}

static void camp__reap(struct camp__run *r, struct camp__worker *w)
{
    int st = 0;
    char why[200];
    close(w->fd);
    while (waitpid(w->pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (WIFSIGNALED(st))
        snprintf(why, sizeof(why), "the worker of target '%s' was killed by signal %d before "
                 "reporting this case", r->c->targets[w->target].name, WTERMSIG(st));
    else
        snprintf(why, sizeof(why), "the worker of target '%s' exited (status %d) before "
                 "reporting this case", r->c->targets[w->target].name, WEXITSTATUS(st));
    camp__unreported(r, w->target, camp__stop ? "campaign interrupted" : why);
    camp__unspawn(r, w->target);
    w->pid = -1;
    r->running--;
}

/* Read what the workers say; reap those that are done. */
static void camp__poll(struct camp__run *r)
{
    struct pollfd pf[256];
    struct camp__worker *who[256];
    nfds_t n = 0;
    for (size_t i = 0; i < r->c->ntargets && n < 256; i++)
        if (r->w[i].pid > 0) {
            pf[n] = (struct pollfd){.fd = r->w[i].fd, .events = POLLIN};
            who[n++] = &r->w[i];
        }
    if (poll(pf, n, 1000) < 0)
        return;
    for (nfds_t i = 0; i < n; i++) {
        if (!(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        struct camp__worker *w = who[i];
        ssize_t k = read(w->fd, w->buf + w->len, sizeof(w->buf) - 1 - w->len);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            camp__reap(r, w);
            continue;
        }
        w->len += (size_t)k;
        camp__lines(r, w);
        if (w->len == sizeof(w->buf) - 1)
            w->len = 0; /* a line that long is not ours */
    }
}

static void camp__schedule(struct camp__run *r)
{
    unsigned par = r->o->parallel ? r->o->parallel : (unsigned)r->c->ntargets;
    while (!camp__stop && r->next < r->c->ntargets && r->running < par) {
        size_t t = r->next++;
        if (camp__spawn(r, t)) {
            r->w[t].pid = -1;
            continue;
        }
        if (camp__fork(r, t)) {
            r->w[t].pid = -1;
            camp__unreported(r, t, "cannot start a worker process");
            camp__unspawn(r, t);
        }
    }
    if (camp__stop) {
        for (size_t i = 0; i < r->c->ntargets; i++)
            if (r->w[i].pid > 0)
                kill(r->w[i].pid, SIGTERM);
        for (; r->next < r->c->ntargets; r->next++)
            camp__unreported(r, r->next, "campaign interrupted");
    }
}

/* --- reports -------------------------------------------------------------------------- */

static int camp__reports(struct camp__run *r)
{
    char path[1100];
    unsigned pass = 0, fail = 0, err = 0;
    for (size_t t = 0; t < r->c->ntargets; t++)
        for (size_t i = 0; i < r->c->ncases; i++) {
            enum camp_result x = r->tr[t].cases[i].result;
            pass += x == CAMP_PASS, fail += x == CAMP_FAIL, err += x == CAMP_ERROR;
        }
    snprintf(path, sizeof(path), "%s/junit.xml", r->o->out);
    if (r->o->junit && campaign_write_junit(r->c, r->tr, path))
        vhctl_err("campaign: cannot write %s", path);
    snprintf(path, sizeof(path), "%s/results.tap", r->o->out);
    if (r->o->tap && campaign_write_tap(r->c, r->tr, path))
        vhctl_err("campaign: cannot write %s", path);
    if (campaign_write_summary(r->c, r->tr, r->o->out))
        vhctl_err("campaign: cannot write the summary in %s", r->o->out);
    if (r->o->lava)
        campaign_print_lava(r->c, r->tr, stdout);
    printf("campaign %s: %u passed, %u failed, %u errors on %zu target%s; reports in %s/\n",
           r->c->name, pass, fail, err, r->c->ntargets, r->c->ntargets == 1 ? "" : "s", r->o->out);
    return fail || err ? VHCTL_EOTHER : VHCTL_OK;
}

static int camp__execute(const struct campaign *c, const struct camp_opts *o, struct vhctl *v)
{
    struct camp__run r = {.c = c, .o = o, .v = v, .tty = isatty(1)};
    int rc = VHCTL_EOTHER;
    r.total_cases = c->ntargets * c->ncases;
    r.tr = calloc(c->ntargets, sizeof(*r.tr));
    r.w = calloc(c->ntargets, sizeof(*r.w));
    for (size_t t = 0; r.tr && t < c->ntargets; t++)
        if (!(r.tr[t].cases = calloc(c->ncases, sizeof(*r.tr[t].cases))))
            goto out;
    if (!r.tr || !r.w)
        goto out;
    struct sigaction sa = {.sa_handler = camp__on_signal};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    vhctl_disconnect(v); /* the workers have their own connections */
    camp__schedule(&r);
    while (r.running || (!camp__stop && r.next < c->ntargets)) {
        camp__poll(&r);
        camp__schedule(&r);
    }
    camp__status_line(&r, 1);
    rc = camp__reports(&r);
out:
    for (size_t t = 0; r.tr && t < c->ntargets; t++)
        free(r.tr[t].cases);
    free(r.tr);
    free(r.w);
    return rc;
}

/* --- the verb ----------------------------------------------------------------------------- */

static int camp__reports_opt(struct camp_opts *o, const char *val)
{
    char tmp[128], *save = NULL;
    snprintf(tmp, sizeof(tmp), "%s", val);
    for (char *w = strtok_r(tmp, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        if (!strcmp(w, "junit"))
            o->junit = 1;
        else if (!strcmp(w, "tap"))
            o->tap = 1;
        else if (!strcmp(w, "lava"))
            o->lava = 1;
        else {
            static const char *const names[] = {"junit", "tap", "lava", NULL};
            return vhctl_unknown("report", w, names);
        }
    }
    return 0;
}

static int camp__parse_run(int argc, char **argv, struct camp_opts *o, const char **file)
{
    int reports = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has = i + 1 < argc;
        if (!strcmp(a, "--parallel") && has) {
            uint32_t n;
            if (vhctl_parse_u32("--parallel", argv[++i], &n) || n == 0) {
                if (n == 0)
                    vhctl_err("--parallel: want at least 1");
                return VHCTL_EUSAGE;
            }
            o->parallel = n;
        } else if (!strcmp(a, "--report") && has) {
            if (!reports)
                o->junit = o->tap = 0;
            reports = 1;
            if (camp__reports_opt(o, argv[++i]))
                return VHCTL_EUSAGE;
        } else if (!strcmp(a, "--out") && has) {
            o->out = argv[++i];
        } else if (a[0] == '-' && a[1]) {
            static const char *const names[] = {"--parallel", "--report", "--out", NULL};
            if (!has && (!strcmp(a, "--parallel") || !strcmp(a, "--report") || !strcmp(a, "--out"))) {
                vhctl_err("campaign run: %s needs a value", a);
                return VHCTL_EUSAGE;
            }
            return vhctl_unknown("option of campaign run", a, names);
        } else if (!*file) {
            *file = a;
        } else {
            vhctl_err("campaign run: one FILE only (got '%s' and '%s')", *file, a);
            return VHCTL_EUSAGE;
        }
    }
    if (!*file) {
        vhctl_err("campaign run: which file? e.g. `vhctl campaign run tests/campaign/example.yaml`");
        return VHCTL_EUSAGE;
    }
    return 0;
}

int vhctl_cmd_campaign(struct vhctl *v, int argc, char **argv)
{
    struct camp_opts o = {.sock = v->sock, .junit = 1, .tap = 1, .out = "campaign-out"};
    struct campaign c;
    const char *file = NULL;
    char err[600];
    if (vhctl_wants_help(argc, argv) || argc < 1) {
        fputs(camp__help, argc < 1 ? stderr : stdout);
        return argc < 1 ? VHCTL_EUSAGE : VHCTL_OK;
    }
    int check = !strcmp(argv[0], "check");
    if (!check && strcmp(argv[0], "run")) {
        static const char *const subs[] = {"run", "check", NULL};
        return vhctl_unknown("campaign command", argv[0], subs);
    }
    int rc = camp__parse_run(argc, argv, &o, &file);
    if (rc)
        return rc;
    if (campaign_load(&c, file, err, sizeof(err))) {
        fprintf(stderr, "%s\n", err);
        return VHCTL_EUSAGE;
    }
    if (check) {
        printf("%s: campaign '%s' is well-formed: %zu target%s, %zu case%s\n", file, c.name,
               c.ntargets, c.ntargets == 1 ? "" : "s", c.ncases, c.ncases == 1 ? "" : "s");
        campaign_free(&c);
        return VHCTL_OK;
    }
    if (campaign_mkdirs(o.out)) {
        vhctl_err("campaign: cannot create --out %s: %s", o.out, strerror(errno));
        campaign_free(&c);
        return VHCTL_EOTHER;
    }
    if ((rc = vhctl_connect(v)) == 0)
        rc = camp__execute(&c, &o, v);
    campaign_free(&c);
    return rc;
}
