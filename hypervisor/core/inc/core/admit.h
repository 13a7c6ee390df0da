/*
 * Admission control, as plain functions over plain data (the host tests
 * run the same code).  EDF on one CPU is exact: utilisation when every
 * deadline equals its period, processor-demand analysis otherwise, both
 * against a CPU of speed limit_ppm (the CPU's bound minus the margin kept
 * for the hypervisor's own overhead).
 */
#ifndef CORE_ADMIT_H
#define CORE_ADMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct admit_task {
    uint64_t period, deadline, budget; /* ticks; budget <= deadline <= period */
};

#define ADMIT_PPM 1000000u
/* Demand-analysis points examined at most; past that the set is refused. */
#define ADMIT_MAX_POINTS 200000u

/* Utilisation of a task in ppm of one CPU, rounded up. */
uint32_t admit_util_ppm(const struct admit_task *t);

enum admit_result {
    ADMIT_OK = 0,
    ADMIT_OVER_UTIL,   /* sum of utilisations over the limit */
    ADMIT_OVER_DEMAND, /* demand exceeds supply at some t (constrained deadlines) */
    ADMIT_TOO_LONG,    /* analysis horizon too long to check exactly */
};

/*
 * Is the set schedulable by EDF on a CPU of speed limit_ppm?  On
 * ADMIT_OVER_DEMAND, *at gets the first interval length t (ticks) whose
 * demand exceeds limit * t.
 */
enum admit_result admit_edf(const struct admit_task *set, uint32_t n, uint32_t limit_ppm,
                            uint64_t *at);

/* "12.5%" from ppm, into buf; returns buf. */
const char *admit_pct(char *buf, size_t cap, uint64_t ppm);

#endif /* CORE_ADMIT_H */
