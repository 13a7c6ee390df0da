/*
 * EDF admission test: see admit.h.
 *
 * With all deadlines equal to periods, EDF is feasible iff the total
 * utilisation is at most the CPU's speed.  With constrained deadlines we
 * check the demand bound function dbf(t) = sum over tasks with D_i <= t of
 * (floor((t - D_i) / P_i) + 1) * C_i against speed * t at every absolute
 * deadline t up to the classic horizon
 *   L = max(D_max, sum((P_i - D_i) * U_i) / (speed - U)),
 * which is exact (Baruah, Rosier, Howell).  At U == speed the horizon is
 * the hyperperiod plus D_max, capped by ADMIT_MAX_POINTS.
 */
#include <core/admit.h>
#include <core/lib.h>

uint32_t admit_util_ppm(const struct admit_task *t)
{
    return (uint32_t)((t->budget * ADMIT_PPM + t->period - 1) / t->period);
}

static uint64_t gcd(uint64_t a, uint64_t b)
{
    while (b != 0) {
        uint64_t r = a % b;
        a = b;
        b = r;
    }
    return a;
}

/* Horizon of the demand analysis, or 0 if it is too long to examine. */
static uint64_t horizon(const struct admit_task *set, uint32_t n, uint64_t util, uint32_t limit)
{
    uint64_t dmax = 0, num = 0, hyper = 1;
    for (uint32_t i = 0; i < n; i++) {
        dmax = MAX(dmax, set[i].deadline);
        num += (set[i].period - set[i].deadline) * admit_util_ppm(&set[i]);
        uint64_t g = gcd(hyper, set[i].period);
        if (hyper / g > UINT64_MAX / set[i].period) {
            hyper = 0; /* overflows: treat as unbounded */
        } else if (hyper != 0) {
            hyper = hyper / g * set[i].period;
        }
    }
    if (util < limit) {
        return MAX(dmax, (num + (limit - util) - 1) / (limit - util));
    }
    return hyper == 0 ? 0 : hyper + dmax;
}

static bool demand_ok(const struct admit_task *set, uint32_t n, uint64_t t, uint32_t limit)
{
    uint64_t dbf = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (set[i].deadline <= t) {
            dbf += ((t - set[i].deadline) / set[i].period + 1) * set[i].budget;
        }
    }
    return dbf * ADMIT_PPM <= t * (uint64_t)limit;
}

enum admit_result admit_edf(const struct admit_task *set, uint32_t n, uint32_t limit_ppm,
                            uint64_t *at)
{
    uint64_t util = 0;
    bool implicit = true;
    for (uint32_t i = 0; i < n; i++) {
        util += admit_util_ppm(&set[i]);
        implicit = implicit && set[i].deadline == set[i].period;
    }
    if (util > limit_ppm) {
        return ADMIT_OVER_UTIL;
    }
    if (implicit) {
        return ADMIT_OK;
    }
    uint64_t L = horizon(set, n, util, limit_ppm);
    /* Walk the absolute deadlines in increasing order up to L. */
    uint64_t next[32];
    if (n > ARRAY_SIZE(next)) {
        return ADMIT_TOO_LONG;
    }
    for (uint32_t i = 0; i < n; i++) {
        next[i] = set[i].deadline;
    }
    for (uint32_t points = 0; points < ADMIT_MAX_POINTS; points++) {
        uint32_t k = 0;
        for (uint32_t i = 1; i < n; i++) {
            k = next[i] < next[k] ? i : k;
        }
        uint64_t t = next[k];
        if (L != 0 && t > L) {
            return ADMIT_OK;
        }
        if (!demand_ok(set, n, t, limit_ppm)) {
            *at = t;
            return ADMIT_OVER_DEMAND;
        }
        next[k] += set[k].period;
    }
    return ADMIT_TOO_LONG;
}

const char *admit_pct(char *buf, size_t cap, uint64_t ppm)
{
    uint64_t tenths = (ppm + 500) / 1000;
    vh_snprintf(buf, cap, "%lu.%lu%%", tenths / 10, tenths % 10);
    return buf;
}
