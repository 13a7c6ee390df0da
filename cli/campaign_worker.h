/*
 * One target's worker (a child process of `vhctl campaign run`): its vhd
 * connection, what earlier steps created, and the current case's outcome.
 * Shared by campaign_worker.c (cases, calls, mutations, console) and
 * campaign_sample.c (statistics windows, waits, assertions).
 */
#ifndef VHCTL_CAMPAIGN_WORKER_H
#define VHCTL_CAMPAIGN_WORKER_H

#include "campaign.h"
#include "vhctl.h"

#define CAMP_MAX_CREATED 64
#define CAMP_MAX_WINDOWS 16
#define CAMP_MAX_ADUS 16

struct camp_adu {
    char name[CAMP_NAME_MAX];
    uint32_t orig_ppm;
    int changed;       /* a reserve step touched it: restore at the end */
    char *prev;        /* console scrollback seen at the previous case's end */
    size_t prev_len;
};

struct camp_w {
    const struct campaign *c;
    const struct camp_target *t;
    const struct camp_opts *o;
    struct vhctl v;
    int have_last;
    uint32_t last;
    uint32_t named_id[32];
    char named[32][CAMP_NAME_MAX];
    size_t nnamed;
    uint32_t created[CAMP_MAX_CREATED];
    size_t ncreated;
    struct camp_adu adus[CAMP_MAX_ADUS];
    size_t nadus;
    uint64_t boot_id;                /* the target's boot when the campaign began */
    int rebooted;                    /* it has booted again since: our state is gone */
    int gone;                        /* the target went away: skip the rest */
    char gone_why[512];
    /* the current case */
    const struct camp_case *cs;
    size_t step;
    struct camp_case_result res;
    struct camp_window win[CAMP_MAX_WINDOWS];
    size_t nwin;
    char dir[600];                   /* OUT/TARGET/CASE */
};

/* Mark the current step failed or errored ("step N (KIND, line L): ...");
 * returns -1 so step handlers can `return camp_fail(...)`. */
int camp_fail(struct camp_w *w, enum camp_result r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* As camp_fail(ERROR), and the target counts as gone for later cases. */
int camp_gone(struct camp_w *w, const char *why);

/* Send rq and wait for the answer with its id (other ids are dropped).
 * Returns 1 with *out, 0 on timeout, -1 if vhd went away. */
int camp_call(struct camp_w *w, Vhd__ClientRequest *rq, Vhd__ClientResponse **out, int wait_ms);
/* Why the target does not answer: fills why from vhd's target list and
 * returns 1 if the target is down or gone, or has rebooted since the
 * campaign began (w->rebooted set), 0 if it is up.  The first call that
 * finds it up records its boot id. */
int camp_target_down(struct camp_w *w, char *why, size_t cap);
/* The VCPU id a reference means now; -1 (step errored) if there is none. */
int camp_vcpu_id(struct camp_w *w, const struct camp_vref *r, uint32_t *id);
uint64_t camp_now_ns(void);

/* Run case ci of the campaign into w->res (campaign_worker.c). */
int campaign_worker_case(struct camp_w *w, size_t ci);

/* campaign_sample.c */
int camp_step_stats(struct camp_w *w, const struct camp_step *s);
int camp_step_wait_releases(struct camp_w *w, const struct camp_step *s);
int camp_step_assert(struct camp_w *w, const struct camp_step *s);
void camp_windows_free(struct camp_w *w);

#endif /* VHCTL_CAMPAIGN_WORKER_H */
