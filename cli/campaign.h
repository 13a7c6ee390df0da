/*
 * vhctl campaign: scripted test campaigns run through vhd.
 *
 * A campaign file (YAML, see docs/campaigns.md) names targets and cases;
 * campaign_load() checks all of it before anything runs and keeps the first
 * mistake as "FILE:LINE:COL: what is wrong; what was expected".  Then
 * campaign_run() forks one worker per target (at most --parallel at once);
 * each worker runs every case in order over its own vhd connection
 * (campaign_worker.c), writes the per-case artifacts and sends one result
 * line per case up a pipe.  The parent prints progress and, at the end,
 * the reports (campaign_report.c).  Nothing here is shared between
 * processes, so there is no locking.
 */
#ifndef VHCTL_CAMPAIGN_H
#define VHCTL_CAMPAIGN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CAMP_NAME_MAX 64
#define CAMP_TEXT_MAX 256
#define CAMP_HIST_BUCKETS 16

enum camp_step_kind {
    CAMP_CREATE,
    CAMP_SET,
    CAMP_DESTROY,
    CAMP_MIGRATE,
    CAMP_RESERVE,
    CAMP_WAIT,
    CAMP_STATS,
    CAMP_ASSERT,
    CAMP_CONSOLE,
};

/* A VCPU named in a step: `last` (the last one created), an id, or the
 * name given with `as:` in a create step. */
enum camp_vref_kind { CAMP_VREF_NONE, CAMP_VREF_LAST, CAMP_VREF_ID, CAMP_VREF_NAME };
struct camp_vref {
    enum camp_vref_kind kind;
    uint32_t id;
    char name[CAMP_NAME_MAX];
};

/* What a mutation should answer: ok, or a refusal (with a reason substring). */
struct camp_expect {
    int refused;
    char reason[CAMP_TEXT_MAX];
};

enum camp_field {
    CAMP_F_JIT_MIN,
    CAMP_F_JIT_AVG,
    CAMP_F_JIT_MAX,
    CAMP_F_JIT_SD,
    CAMP_F_MISSES,
    CAMP_F_OVERRUNS,
    CAMP_F_RELEASES,
};
enum camp_op { CAMP_LT, CAMP_LE, CAMP_GT, CAMP_GE, CAMP_EQ, CAMP_NE };

struct camp_assert {
    char text[CAMP_TEXT_MAX]; /* as written, for messages */
    enum camp_field field;
    enum camp_op op;
    double bound;             /* ns for jitter fields, a count otherwise */
};

struct camp_step {
    enum camp_step_kind kind;
    int line, col;
    struct camp_expect expect;
    struct camp_vref vcpu;
    char adu[CAMP_NAME_MAX];
    char as[CAMP_NAME_MAX];      /* create: name for later steps */
    uint64_t entry, arg, stack;
    char entry_sym[CAMP_NAME_MAX]; /* create: a symbol vhd resolves in the ADU's image */
    uint64_t period_ns, deadline_ns, budget_ns;
    int32_t cpu;                 /* -1: auto */
    int dry_run;
    uint32_t percent_ppm;        /* reserve */
    uint64_t wait_ns;            /* wait: duration; stats: window */
    uint64_t releases;           /* wait: {releases: N} */
    uint64_t timeout_ns;         /* wait/console */
    uint32_t rate_hz;            /* stats */
    char send[CAMP_TEXT_MAX];    /* console */
    char match[CAMP_TEXT_MAX];   /* console expect */
    struct camp_assert *asserts; /* assert */
    size_t nasserts;
};

struct camp_case {
    char name[CAMP_NAME_MAX];
    struct camp_step *steps;
    size_t nsteps;
};

struct camp_target {
    char name[CAMP_NAME_MAX];
    char spec[CAMP_TEXT_MAX]; /* spawned targets: what `target add` gets */
    int spawned;
    int keep;                 /* spawned: leave it in vhd afterwards */
};

struct campaign {
    char file[CAMP_TEXT_MAX];
    char name[CAMP_NAME_MAX];
    uint64_t timeout_ns;    /* deadline of each vhd call */
    uint64_t up_timeout_ns; /* how long a target may take to come up */
    int cleanup;            /* destroy created VCPUs, restore reservations */
    struct camp_target *targets;
    size_t ntargets;
    struct camp_case *cases;
    size_t ncases;
};

/* Load and check `file`.  Returns 0, or -1 with the first mistake in
 * err ("FILE:LINE:COL: ...; ..."). */
int campaign_load(struct campaign *c, const char *file, char *err, size_t errlen)
    __attribute__((warn_unused_result));
void campaign_free(struct campaign *c);

/* --- results -------------------------------------------------------------------- */

enum camp_result { CAMP_PASS, CAMP_FAIL, CAMP_ERROR };

struct camp_case_result {
    enum camp_result result;
    int reported;
    uint64_t duration_ns;
    char message[1024];       /* why it failed or errored */
    int has_measure;          /* LAVA MEASUREMENT of the case's first (failing) assertion */
    double measure;
    char units[8];
};

/* One target's line of results, indexed like campaign.cases. */
struct camp_target_result {
    struct camp_case_result *cases;
};

/* --- running ------------------------------------------------------------------------ */

struct camp_opts {
    const char *sock;
    unsigned parallel;        /* 0: all targets at once */
    int junit, tap, lava;
    const char *out;          /* artifact and report directory */
};

/* Run the campaign; returns the exit code (0 all passed). */
int campaign_run(const struct campaign *c, const struct camp_opts *o);

/* Worker of one target (in a child process): runs every case, writing one
 * line per case to fd (campaign_result_format).  Returns the exit status. */
int campaign_worker(const struct campaign *c, size_t target, const struct camp_opts *o, int fd);

/* Result lines between worker and parent: "R <case> <result> <ns> <has> <measure> <units>
 * <message>\n" with the message's newlines and tabs made spaces. */
void campaign_result_format(char *line, size_t cap, size_t ci, const struct camp_case_result *r);
int campaign_result_parse(const char *line, size_t *ci, struct camp_case_result *r);

const char *campaign_result_name(enum camp_result r);

/* --- reports (campaign_report.c) -------------------------------------------------- */
int campaign_write_junit(const struct campaign *c, const struct camp_target_result *tr,
                         const char *path);
int campaign_write_tap(const struct campaign *c, const struct camp_target_result *tr,
                       const char *path);
void campaign_print_lava(const struct campaign *c, const struct camp_target_result *tr, FILE *f);
int campaign_write_summary(const struct campaign *c, const struct camp_target_result *tr,
                           const char *dir);

/* --- artifacts (campaign_artifact.c) ---------------------------------------------- */

/* One RT-VCPU's statistics over a stats window. */
struct camp_vstat {
    uint32_t vcpu_id;
    int32_t cpu;
    uint64_t releases, misses, overruns; /* during the window */
    double jit_min_ns, jit_avg_ns, jit_max_ns, jit_sd_ns;
    uint64_t hist[CAMP_HIST_BUCKETS];    /* during the window */
};

struct camp_window {
    size_t step;          /* index in the case */
    uint64_t window_ns;
    unsigned samples;
    struct camp_vstat *v;
    size_t nv;
};

/*
 * Check assertion a over the window's RT-VCPUs (only vcpu_id when pick).
 * It must hold for every one; *measured is the worst value (the one that
 * broke it, else the one closest to the bound).  Returns 1 holds, 0 does
 * not (msg says "jitter.max = 7.2us (VCPU 4), bound < 5us"), -1 no
 * RT-VCPU to check (msg says so).
 */
int campaign_assert_eval(const struct camp_assert *a, const struct camp_window *w, int pick,
                         uint32_t vcpu_id, double *measured, char *msg, size_t cap);
/* "us" for jitter fields (values shown in microseconds), "" for counts. */
const char *campaign_assert_units(const struct camp_assert *a);

/* Safe file name from a target or case name. */
void campaign_file_name(char *out, size_t cap, const char *name);
/* mkdir -p; returns 0 or -1 (errno set). */
int campaign_mkdirs(const char *path);
int campaign_write_stats(const char *dir, const char *target, const char *cs,
                         const struct camp_window *w, size_t nw);
int campaign_write_svg(const char *path, const char *title, const uint64_t *hist);

/* Escape for XML attributes and text. */
void campaign_xml_escape(FILE *f, const char *s);

#endif /* VHCTL_CAMPAIGN_H */
