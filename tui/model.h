/*
 * vhtop's picture of one target: what the last answers of vhd said (ADUs,
 * VCPUs, system info, link health) and what the statistics samples imply
 * (each CPU's time split and each VCPU's jitter since the previous sample).
 * Plain data and plain functions, no curses and no sockets, so the screen
 * (view.c) and the batch mode (batch.c) print the same numbers.
 * Single-threaded: only the main loop touches it.
 */
#ifndef VHTOP_MODEL_H
#define VHTOP_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "vh.pb-c.h"
#include "vhd.pb-c.h"

#define VHTOP_MAX_CPUS 64
#define VHTOP_MAX_ADUS 32
#define VHTOP_MAX_VCPUS 256
#define VHTOP_MAX_TARGETS 16
#define VHTOP_SPARK_LEN 20
#define VHTOP_NAME_LEN 32
#define VHTOP_HIST_BUCKETS 16

/* CPU time split indices (CpuStats order). */
enum { VHTOP_RT, VHTOP_BE, VHTOP_HV, VHTOP_IDLE, VHTOP_NSPLIT };

struct vhtop_cpu {
    uint32_t cpu;
    double pct[VHTOP_NSPLIT];   /* share of the time since the previous sample */
    uint32_t rt_util_ppm;       /* admitted RT utilisation */
    uint64_t prev[VHTOP_NSPLIT];
    int have_prev;
};

struct vhtop_adu {
    uint32_t id;
    char name[VHTOP_NAME_LEN];
    uint32_t reserve_ppm, used_ppm;
    int state;
};

struct vhtop_vcpu {
    uint32_t id;
    char adu[VHTOP_NAME_LEN];
    int rt, listed;             /* listed: known from list_vcpus, not only from stats */
    int cpu;
    uint32_t index;
    int state;
    uint64_t period_ns, deadline_ns, budget_ns;
    uint32_t util_ppm;
    /* From the last statistics sample (RT-VCPUs). */
    int have_stats;
    uint64_t releases, jmin_ns, jmax_ns, jsum_ns, jsumsq_ns2, misses, overruns;
    uint32_t hist[VHTOP_HIST_BUCKETS];
    size_t nhist;
    /* Per-sample average jitter (us) of the last samples, oldest first. */
    double spark[VHTOP_SPARK_LEN];
    int nspark;
    uint64_t prev_releases, prev_jsum_ns;
    int have_prev;
};

struct vhtop_target {
    char name[64];
    int state;                  /* Vhd__LinkState */
};

struct vhtop_model {
    struct vhtop_target targets[VHTOP_MAX_TARGETS];
    int ntargets, have_targets;
    /* The current target's status (TargetStatus). */
    int have_status, state;
    uint64_t boot_id;
    char scenario[64], build_id[64], last_error[160];
    uint32_t reconnects, reboots;
    /* SystemInfo, when the target answered. */
    int have_info;
    uint32_t ncpus_info, cpu_limit_ppm, rt_limit_ppm;
    /* Link health (host side and the target's last heartbeat). */
    int have_link;
    uint64_t crc_host, crc_target, resync_host, resync_target;
    /* Statistics. */
    uint64_t uptime_ns, seq, samples;
    struct vhtop_cpu cpus[VHTOP_MAX_CPUS];
    int ncpus;
    struct vhtop_adu adus[VHTOP_MAX_ADUS];
    int nadus, have_adus;
    struct vhtop_vcpu vcpus[VHTOP_MAX_VCPUS];
    int nvcpus, have_vcpus;
};

/* Sort keys, in the order `s` cycles through them. */
enum vhtop_sort {
    VHTOP_SORT_ID, VHTOP_SORT_ADU, VHTOP_SORT_CPU, VHTOP_SORT_UTIL, VHTOP_SORT_JAVG,
    VHTOP_SORT_JMAX, VHTOP_SORT_MISSES, VHTOP_NSORT
};

struct vhtop_jitter {
    double min_us, avg_us, max_us, sd_us;
};

void vhtop_model_init(struct vhtop_model *m);
/* Forget everything about the current target (another one was chosen). */
void vhtop_model_clear_target(struct vhtop_model *m);
/* Forget the previous samples: the counters restarted (target rebooted). */
void vhtop_model_reset_deltas(struct vhtop_model *m);

void vhtop_model_set_targets(struct vhtop_model *m, const Vhd__TargetList *l);
void vhtop_model_set_status(struct vhtop_model *m, const Vhd__TargetStatus *s);
void vhtop_model_set_link(struct vhtop_model *m, const Vhd__LinkStats *l);
void vhtop_model_set_adus(struct vhtop_model *m, const Vh__AduList *l);
/* Merge a VCPU list: VCPUs that went away are dropped, the others keep
 * their statistics and sparkline. */
void vhtop_model_set_vcpus(struct vhtop_model *m, const Vh__VcpuList *l);
/* Take one statistics sample: CPU split and jitter since the previous one. */
void vhtop_model_apply_stats(struct vhtop_model *m, const Vh__Stats *st);

/* Jitter since boot of v (all zero before the first release). */
struct vhtop_jitter vhtop_vcpu_jitter(const struct vhtop_vcpu *v);
/* 1 if v has missed a deadline or overrun its budget. */
int vhtop_vcpu_alarm(const struct vhtop_vcpu *v);
struct vhtop_vcpu *vhtop_model_vcpu(struct vhtop_model *m, uint32_t id);
struct vhtop_adu *vhtop_model_adu(struct vhtop_model *m, const char *name);

/*
 * Fill order[] with the indices of the VCPUs to show (ADU filter: NULL or
 * "" for all), sorted by key; returns how many.
 */
int vhtop_model_order(const struct vhtop_model *m, enum vhtop_sort key, const char *adu_filter,
                      int *order, int cap);
const char *vhtop_sort_name(enum vhtop_sort key);

/* --- text shared by the screen and the batch mode ---------------------------- */

/* VCPU table columns; the screen drops the ones with the highest `drop`
 * rank first when the window is narrow (0: never dropped). */
enum vhtop_col {
    VHTOP_C_ADU, VHTOP_C_ID, VHTOP_C_KIND, VHTOP_C_CPU, VHTOP_C_PERIOD, VHTOP_C_DEADLINE,
    VHTOP_C_BUDGET, VHTOP_C_UTIL, VHTOP_C_JMIN, VHTOP_C_JAVG, VHTOP_C_JMAX, VHTOP_C_JSD,
    VHTOP_C_MISSES, VHTOP_C_OVERRUNS, VHTOP_C_SPARK, VHTOP_NCOLS
};

struct vhtop_coldef {
    const char *head;
    int width;
    int right;  /* right-aligned */
    int drop;   /* 0: always shown; higher goes first */
};

extern const struct vhtop_coldef vhtop_cols[VHTOP_NCOLS];

/* Text of one cell (not the sparkline). */
void vhtop_cell(const struct vhtop_vcpu *v, enum vhtop_col c, char *out, size_t cap);
/* Sparkline of v in ASCII or Unicode blocks (utf8 != 0), `width` cells. */
void vhtop_spark(const struct vhtop_vcpu *v, int width, int utf8, char *out, size_t cap);
/* "<250ns", "<1us", ..., ">=4.1ms" for bucket i (the last one is overflow). */
void vhtop_hist_label(int i, char *out, size_t cap);
/* "1h02m03s" style uptime. */
void vhtop_format_uptime(uint64_t ns, char *out, size_t cap);
const char *vhtop_link_state_name(int state);
const char *vhtop_status_name(int status);

#endif /* VHTOP_MODEL_H */
