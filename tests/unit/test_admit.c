/*
 * EDF admission (hypervisor/core/admit.c) against an exact oracle and
 * against the scheduler itself: every random task set that admit_edf()
 * accepts runs on the simulated CPU (hypervisor/core/sched.c unchanged, see
 * sim_arch.h) with no deadline miss, and the set one budget tick past what
 * it accepts is refused.  Plus textbook cases, admit_util_ppm rounding and
 * admit_pct formatting.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <core/admit.h>
#include <core/sched.h>

#include "sim_arch.h"

#define PT ((uint64_t)1000)    /* one "paper tick" in time-base ticks */
#define T0 (1000 * PT) /* when the RT-VCPUs are created */
#define MAXN 8
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- reproducible PRNG (splitmix64) ---- */

static uint64_t rng_state;

static uint64_t rng(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rng_below(uint64_t n)
{
    return rng() % n;
}

/* ---- exact oracle: U <= s and dbf(t) <= s*t at every deadline t <= H + Dmax ---- */

static uint64_t gcd64(uint64_t a, uint64_t b)
{
    while (b != 0) {
        uint64_t r = a % b;
        a = b;
        b = r;
    }
    return a;
}

static uint64_t hyperperiod(const struct admit_task *s, uint32_t n)
{
    uint64_t h = 1;
    for (uint32_t i = 0; i < n; i++) {
        h = h / gcd64(h, s[i].period) * s[i].period;
    }
    return h;
}

static uint64_t dmax_of(const struct admit_task *s, uint32_t n)
{
    uint64_t d = 0;
    for (uint32_t i = 0; i < n; i++) {
        d = s[i].deadline > d ? s[i].deadline : d;
    }
    return d;
}

static uint64_t dbf(const struct admit_task *s, uint32_t n, uint64_t t)
{
    uint64_t d = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (s[i].deadline <= t) {
            d += ((t - s[i].deadline) / s[i].period + 1) * s[i].budget;
        }
    }
    return d;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Feasible on a CPU of speed limit/1e6?  *bad: first failing t (0: utilisation). */
static bool oracle(const struct admit_task *s, uint32_t n, uint32_t limit, uint64_t *bad)
{
    static uint64_t pts[1 << 16];
    uint64_t h = hyperperiod(s, n), end = h + dmax_of(s, n), work = 0;
    for (uint32_t i = 0; i < n; i++) {
        work += s[i].budget * (h / s[i].period);
    }
    if (work * ADMIT_PPM > h * (uint64_t)limit) {
        *bad = 0;
        return false;
    }
    uint32_t np = 0;
    for (uint32_t i = 0; i < n; i++) {
        for (uint64_t t = s[i].deadline; t <= end; t += s[i].period) {
            cr_assert(np < ARRAY_SIZE(pts));
            pts[np++] = t;
        }
    }
    qsort(pts, np, sizeof pts[0], cmp_u64);
    for (uint32_t k = 0; k < np; k++) {
        if (dbf(s, n, pts[k]) * ADMIT_PPM > pts[k] * (uint64_t)limit) {
            *bad = pts[k];
            return false;
        }
    }
    return true;
}

static uint64_t sum_ppm(const struct admit_task *s, uint32_t n)
{
    uint64_t u = 0;
    for (uint32_t i = 0; i < n; i++) {
        u += admit_util_ppm(&s[i]);
    }
    return u;
}

/* Exact utilisation <= limit (no rounding): sum C_i/P_i <= limit/1e6. */
static bool exact_util_within(const struct admit_task *s, uint32_t n, uint32_t limit)
{
    uint64_t h = hyperperiod(s, n), work = 0;
    for (uint32_t i = 0; i < n; i++) {
        work += s[i].budget * (h / s[i].period);
    }
    return work * ADMIT_PPM <= h * (uint64_t)limit;
}

/* admit_edf, checked against the oracle on every call. */
static enum admit_result admit_checked(const struct admit_task *s, uint32_t n, uint32_t limit)
{
    uint64_t at = 0, bad = 0;
    enum admit_result r = admit_edf(s, n, limit, &at);
    bool ok = oracle(s, n, limit, &bad);
    cr_assert_neq(r, ADMIT_TOO_LONG, "short hyperperiod, yet the analysis gave up");
    if (r == ADMIT_OK) {
        cr_assert(ok, "admitted an infeasible set (demand over supply at t=%lu)", bad);
    } else if (r == ADMIT_OVER_DEMAND) {
        cr_assert(!ok && bad == at, "OVER_DEMAND at %lu, oracle: %s at %lu", at,
                  ok ? "feasible" : "infeasible", bad);
    } else {
        cr_assert_eq(r, ADMIT_OVER_UTIL);
        cr_assert_gt(sum_ppm(s, n), limit);
        /* only rounding up to whole ppm may refuse a feasible set */
        cr_assert(!ok || exact_util_within(s, n, limit));
    }
    return r;
}

/* ---- running a set on the simulated CPU ---- */

static void print_set(const char *what, const struct admit_task *s, uint32_t n)
{
    printf("%s:", what);
    for (uint32_t i = 0; i < n; i++) {
        printf(" (P=%lu D=%lu C=%lu)", s[i].period, s[i].deadline, s[i].budget);
    }
    printf("  U=%lu ppm\n", sum_ppm(s, n));
}


struct run_result {
    uint64_t misses, overruns, late, bad_release, idle, undone, releases, idle_ticks;
};

/* One hyperperiod plus the largest deadline, synchronous release at T0, a BE-VCPU beside. */
static struct run_result run_set(const struct admit_task *s, uint32_t n)
{
    struct run_result res = {0};
    sim_reset(1, 1 * PT);
    sim.now = T0;
    struct vcpu *v[MAXN];
    for (uint32_t i = 0; i < n; i++) {
        v[i] = sim_add_rt(0, s[i].period, s[i].deadline, s[i].budget, s[i].budget, T0, "R");
    }
    sim_add_be(0, 1, 0x1, "B");
    uint64_t span = hyperperiod(s, n) + dmax_of(s, n);
    if (!sim_run(T0 + span)) {
        print_set("stalled", s, n);
        cr_assert_fail("the simulation stalled");
    }
    cr_assert(!sim.seg_overflow);
    for (uint32_t i = 0; i < n; i++) {
        const struct rt_sched *r = &v[i]->rt;
        const struct sim_rt_log *l = &sim.rt[v[i]->id];
        res.misses += r->st.misses;
        res.overruns += r->st.overruns;
        res.late += l->late;
        res.bad_release += l->bad_release;
        res.releases += r->st.releases;
        cr_assert_eq(r->st.releases, span / r->period + 1, "releases %lu", r->st.releases);
        /* every job whose deadline is within the run finished */
        uint64_t due = (span - r->deadline) / r->period + 1;
        cr_assert_leq(l->done, r->st.releases);
        res.undone += l->done < due ? due - l->done : 0;
    }
    res.idle = cpus[0].t_acc[CPU_T_IDLE] + sim.idle_with_be_queued;
    res.idle_ticks = cpus[0].t_acc[CPU_T_IDLE];
    sim_free();
    return res;
}

static void assert_runs_clean(const struct admit_task *s, uint32_t n, const char *what)
{
    struct run_result r = run_set(s, n);
    if (r.misses || r.overruns || r.late || r.bad_release || r.idle || r.undone) {
        print_set(what, s, n);
    }
    cr_assert_eq(r.misses, 0, "%s: %lu misses", what, r.misses);
    cr_assert_eq(r.late, 0, "%s: %lu late jobs", what, r.late);
    cr_assert_eq(r.overruns, 0, "%s: %lu overruns", what, r.overruns);
    cr_assert_eq(r.bad_release, 0, "%s: releases off their period", what);
    cr_assert_eq(r.undone, 0, "%s: %lu jobs unfinished at their deadline", what, r.undone);
    cr_assert_eq(r.idle, 0, "%s: CPU idle %lu ticks beside a runnable BE-VCPU", what, r.idle);
}

/* ---- random task sets ---- */

static const uint64_t periods[] = {2, 3, 4, 5, 6, 8, 10, 12};

/* 2..6 tasks of total utilisation 0.6..1.1 split at random, in time-base ticks. */
static uint32_t random_set(struct admit_task *s, bool constrained)
{
    uint32_t n = 2 + (uint32_t)rng_below(5);
    double u = 0.6 + 0.5 * (double)rng_below(1000) / 1000.0, w[MAXN], wsum = 0;
    for (uint32_t i = 0; i < n; i++) {
        w[i] = (double)(1 + rng_below(1000));
        wsum += w[i];
    }
    for (uint32_t i = 0; i < n; i++) {
        double ui = u * w[i] / wsum;
        uint64_t p = periods[rng_below(ARRAY_SIZE(periods))] * PT;
        uint64_t c = (uint64_t)(ui * (double)p + 0.5);
        uint64_t cmax = constrained ? p - PT / 2 : p;
        c = c < 1 ? 1 : c > cmax ? cmax : c;
        uint64_t d = p;
        if (constrained) {
            d = c + rng_below(p - c); /* c <= d < p */
        }
        s[i] = (struct admit_task){p, d, c};
    }
    return n;
}

struct stats {
    uint32_t sets, offered, accepted, refused_util, refused_demand, edge_util, edge_demand,
        edge_none, rounding_refusals, none_admitted;
    uint64_t max_ppm;
};

/* Smallest budget of task k over `s[k].budget` that admit_edf refuses; 0 if none <= D. */
static uint64_t first_refused_budget(struct admit_task *s, uint32_t n, uint32_t k, uint32_t limit)
{
    uint64_t keep = s[k].budget, lo = keep, hi = s[k].deadline;
    s[k].budget = hi;
    bool refused = admit_edf(s, n, limit, &(uint64_t){0}) != ADMIT_OK;
    s[k].budget = keep;
    if (!refused) {
        return 0;
    }
    while (hi - lo > 1) { /* admit(lo) OK, admit(hi) refused: demand grows with C */
        uint64_t mid = lo + (hi - lo) / 2;
        s[k].budget = mid;
        bool ok = admit_edf(s, n, limit, &(uint64_t){0}) == ADMIT_OK;
        s[k].budget = keep;
        if (ok) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    return hi;
}

static void random_campaign(bool constrained, uint32_t limit, uint64_t seed, struct stats *st)
{
    rng_state = seed;
    memset(st, 0, sizeof *st);
    for (uint32_t set = 0; set < 200; set++) {
        struct admit_task offer[MAXN], acc[MAXN];
        uint32_t n = random_set(offer, constrained), na = 0;
        st->sets++;
        /* admit one by one, as RT-VCPUs are created */
        for (uint32_t i = 0; i < n; i++) {
            acc[na] = offer[i];
            st->offered++;
            uint64_t bad;
            enum admit_result r = admit_checked(acc, na + 1, limit);
            if (r == ADMIT_OK) {
                na++;
                st->accepted++;
            } else {
                st->refused_util += r == ADMIT_OVER_UTIL;
                st->refused_demand += r == ADMIT_OVER_DEMAND;
                st->rounding_refusals += oracle(acc, na + 1, limit, &bad);
            }
        }
        if (na == 0) { /* a lone task with C > 0.95 D is refused too */
            st->none_admitted++;
            continue;
        }
        st->max_ppm = sum_ppm(acc, na) > st->max_ppm ? sum_ppm(acc, na) : st->max_ppm;
        char what[64];
        snprintf(what, sizeof what, "set %u (seed %lu)", set, seed);
        assert_runs_clean(acc, na, what);

        /* Just past the bound: grow the last task's budget until admission refuses. */
        uint32_t k = na - 1;
        uint64_t c = first_refused_budget(acc, na, k, limit);
        if (c == 0) {
            st->edge_none++;
            continue;
        }
        uint64_t keep = acc[k].budget;
        acc[k].budget = c;
        enum admit_result r = admit_checked(acc, na, limit);
        cr_assert_neq(r, ADMIT_OK);
        if (!constrained) {
            /* implicit deadlines: refused on utilisation exactly one tick past it */
            cr_assert_eq(r, ADMIT_OVER_UTIL);
            cr_assert_gt(sum_ppm(acc, na), limit);
        }
        st->edge_util += r == ADMIT_OVER_UTIL;
        st->edge_demand += r == ADMIT_OVER_DEMAND;
        /* and one tick less is admitted, runs clean, and is at the bound */
        acc[k].budget = c - 1;
        cr_assert_eq(admit_checked(acc, na, limit), ADMIT_OK);
        if (!constrained) {
            cr_assert_leq(sum_ppm(acc, na), limit);
            acc[k].budget = c;
            uint64_t over = sum_ppm(acc, na);
            acc[k].budget = c - 1;
            uint64_t one_tick = (ADMIT_PPM + acc[k].period - 1) / acc[k].period;
            cr_assert_leq(over - sum_ppm(acc, na), one_tick);
        }
        snprintf(what, sizeof what, "set %u at the bound (seed %lu)", set, seed);
        assert_runs_clean(acc, na, what);
        acc[k].budget = keep;
    }
    printf("%s deadlines, limit %u ppm: %u sets, %u/%u tasks admitted (refused: %u util, "
           "%u demand; %u of them only by ppm rounding), highest admitted U %lu ppm; "
           "one tick past the bound: %u util, %u demand refusals (%u sets had no bound)\n",
           constrained ? "constrained" : "implicit", limit, st->sets, st->accepted, st->offered,
           st->refused_util, st->refused_demand, st->rounding_refusals, st->max_ppm, st->edge_util,
           st->edge_demand, st->edge_none);
    fflush(stdout);
}

/* With the guard, best effort gives up the CPU only in the guard before
 * each release, and the RT-VCPUs run exactly as without it. */
Test(admit_sim, release_guard_idles_only_before_releases)
{
    static const struct admit_task s[] = {{3 * PT, 3 * PT, PT}, {5 * PT, 4 * PT, PT}};
    sim_guard_ns = SCHED_RELEASE_GUARD_NS;
    struct run_result r = run_set(s, 2);
    sim_guard_ns = 0;
    uint64_t guard = SCHED_RELEASE_GUARD_NS / 100; /* the simulation's ticks are 100 ns */
    cr_assert_eq(r.misses + r.overruns + r.late + r.bad_release + r.undone, 0);
    cr_assert_gt(r.idle_ticks, 0, "the guard was never kept");
    cr_assert_leq(r.idle_ticks, r.releases * guard, "idle %lu ticks, more than %lu releases x %lu",
                  r.idle_ticks, r.releases, guard);
}

Test(admit_sim, implicit_deadlines_random_sets, .timeout = 120)
{
    struct stats st;
    random_campaign(false, 950000, 1, &st);
    cr_assert_gt(st.refused_util, 0, "the campaign never reached the bound");
    cr_assert_geq(st.max_ppm, 940000);
    cr_assert_eq(st.refused_demand, 0);
    cr_assert_gt(st.edge_util, 150);
}

Test(admit_sim, implicit_deadlines_random_sets_no_margin, .timeout = 120)
{
    struct stats st;
    random_campaign(false, 1000000, 2, &st);
    cr_assert_gt(st.refused_util, 0);
    cr_assert_geq(st.max_ppm, 990000);
}

Test(admit_sim, constrained_deadlines_random_sets, .timeout = 120)
{
    struct stats st;
    random_campaign(true, 950000, 3, &st);
    cr_assert_gt(st.refused_demand, 0, "no set was refused on demand");
    cr_assert_gt(st.edge_demand, 0, "no set was refused on demand one tick past its bound");
}

Test(admit_sim, constrained_deadlines_random_sets_no_margin, .timeout = 120)
{
    struct stats st;
    random_campaign(true, 1000000, 4, &st);
    cr_assert_gt(st.refused_demand, 0);
    cr_assert_gt(st.edge_demand, 0);
}

/* ---- hand-made cases ---- */

#define T(p, d, c) {(p), (d), (c)}

Test(admit, implicit_sets_exactly_at_the_bound_pass)
{
    uint64_t at = 0;
    /* U = 1/2 + 2/4 = 1 exactly, whole ppm */
    const struct admit_task a[] = {T(2, 2, 1), T(4, 4, 2)};
    cr_assert_eq(admit_edf(a, 2, ADMIT_PPM, &at), ADMIT_OK);
    /* U = 0.95 exactly at a 95% limit: 1/4 + 7/10 */
    const struct admit_task b[] = {T(4, 4, 1), T(10, 10, 7)};
    cr_assert_eq(admit_edf(b, 2, 950000, &at), ADMIT_OK);
    /* ... and one tick more is refused on utilisation */
    const struct admit_task b2[] = {T(4, 4, 1), T(10, 10, 8)};
    cr_assert_eq(admit_edf(b2, 2, 950000, &at), ADMIT_OVER_UTIL);
    /* the bound in time-base ticks: 0.25 + 0.7 of a 95% CPU, then one tick past */
    const struct admit_task c[] = {T(4000, 4000, 1000), T(10000, 10000, 7000)};
    cr_assert_eq(admit_edf(c, 2, 950000, &at), ADMIT_OK);
    const struct admit_task c2[] = {T(4000, 4000, 1000), T(10000, 10000, 7001)};
    cr_assert_eq(admit_edf(c2, 2, 950000, &at), ADMIT_OVER_UTIL);
    /* at == speed with nothing left over runs clean on the scheduler */
    assert_runs_clean((const struct admit_task[]){T(2000, 2000, 1000), T(4000, 4000, 2000)}, 2,
                      "U = 1");
}

Test(admit, utilisation_rounds_up_so_thirds_do_not_fill_a_cpu)
{
    /* 3 x 1/3 is exactly 1, but each third counts 333334 ppm: refused (conservative). */
    uint64_t at = 0;
    const struct admit_task a[] = {T(3, 3, 1), T(3, 3, 1), T(3, 3, 1)};
    cr_assert_eq(admit_edf(a, 3, ADMIT_PPM, &at), ADMIT_OVER_UTIL);
    cr_assert_eq(admit_edf(a, 2, ADMIT_PPM, &at), ADMIT_OK);
}

Test(admit, constrained_deadlines_infeasible_below_full_utilisation)
{
    uint64_t at = 0;
    /* U = 1 but both jobs need the first tick: dbf(1) = 2 > 1 */
    const struct admit_task a[] = {T(2, 1, 1), T(2, 1, 1)};
    cr_assert_eq(admit_edf(a, 2, ADMIT_PPM, &at), ADMIT_OVER_DEMAND);
    cr_assert_eq(at, 1);
    /* U = 0.75 (Buttazzo-style): dbf(2) = 1 + 2 = 3 > 2 */
    at = 0;
    const struct admit_task b[] = {T(4, 1, 1), T(4, 2, 2)};
    cr_assert_eq(admit_edf(b, 2, ADMIT_PPM, &at), ADMIT_OVER_DEMAND);
    cr_assert_eq(at, 2);
    /* U = 0.6 fits; with budgets 3 (U = 0.8) dbf(7) = 2 + 3 + 3 = 8 > 7 */
    at = 0;
    const struct admit_task c[] = {T(10, 2, 2), T(10, 7, 2), T(10, 7, 2)};
    cr_assert_eq(admit_edf(c, 3, ADMIT_PPM, &at), ADMIT_OK);
    const struct admit_task c2[] = {T(10, 2, 2), T(10, 7, 3), T(10, 7, 3)};
    cr_assert_eq(admit_edf(c2, 3, ADMIT_PPM, &at), ADMIT_OVER_DEMAND);
    cr_assert_eq(at, 7);
    /* U = 209/210, demand fine up to t = 23 (dbf(23) = 23) and first over at t = 28 */
    at = 0;
    const struct admit_task d[] = {T(5, 3, 2), T(7, 7, 3), T(6, 4, 1)};
    cr_assert_eq(admit_edf(d, 3, ADMIT_PPM, &at), ADMIT_OVER_DEMAND);
    cr_assert_eq(at, 28);
    /* U = 179/180, first over only at t = 97, far past every first deadline */
    at = 0;
    const struct admit_task e[] = {T(9, 7, 4), T(10, 7, 3), T(12, 11, 3)};
    cr_assert_eq(admit_edf(e, 3, ADMIT_PPM, &at), ADMIT_OVER_DEMAND);
    cr_assert_eq(at, 97);
    /* one budget tick less and it fits */
    const struct admit_task e2[] = {T(9, 7, 4), T(10, 7, 3), T(12, 11, 2)};
    cr_assert_eq(admit_checked(e2, 3, ADMIT_PPM), ADMIT_OK);
}

Test(admit, constrained_deadlines_exactly_at_the_bound_pass)
{
    uint64_t at = 0;
    /* U = 1, dbf(t) = t at t = 1, 2, 3, 4, ...: feasible, with no slack at all */
    const struct admit_task a[] = {T(2, 1, 1), T(2, 2, 1)};
    cr_assert_eq(admit_edf(a, 2, ADMIT_PPM, &at), ADMIT_OK);
    /* (4,3,2) + (4,4,2): dbf(3) = 2, dbf(4) = 4 */
    const struct admit_task b[] = {T(4, 3, 2), T(4, 4, 2)};
    cr_assert_eq(admit_edf(b, 2, ADMIT_PPM, &at), ADMIT_OK);
    /* at 95%: dbf(t) <= 0.95 t with equality at t = 20 */
    const struct admit_task c[] = {T(40, 20, 19), T(40, 40, 19)};
    cr_assert_eq(admit_edf(c, 2, 950000, &at), ADMIT_OK);
    const struct admit_task c2[] = {T(40, 20, 20), T(40, 40, 18)};
    cr_assert_eq(admit_edf(c2, 2, 950000, &at), ADMIT_OVER_DEMAND);
    cr_assert_eq(at, 20);
    /* they run clean on the scheduler (in time-base ticks) */
    assert_runs_clean((const struct admit_task[]){T(2000, 1000, 1000), T(2000, 2000, 1000)}, 2,
                      "dbf(t) = t");
    assert_runs_clean((const struct admit_task[]){T(4000, 3000, 2000), T(4000, 4000, 2000)}, 2,
                      "(4,3,2) + (4,4,2)");
}

Test(admit, infeasible_set_misses_on_the_scheduler)
{
    /* The refused (2,1,1) x 2 really misses under EDF: the check is not just pessimism. */
    const struct admit_task a[] = {T(2000, 1000, 1000), T(2000, 1000, 1000)};
    struct run_result r = run_set(a, 2);
    cr_assert_gt(r.late + r.misses + r.undone, 0);
}

Test(admit, horizon_too_long_is_refused_not_guessed)
{
    /* U is 1 ppm under the limit, so the horizon sum((P-D)U)/(limit-U) is 1.25e6 ticks:
     * more deadlines than ADMIT_MAX_POINTS, none failing among them. */
    uint64_t at = 0;
    const struct admit_task a[] = {T(4, 1, 1), T(4, 2, 1), T(10000019, 10000019, 4999999)};
    cr_assert_eq(sum_ppm(a, 3), 999999);
    cr_assert_eq(admit_edf(a, 3, ADMIT_PPM, &at), ADMIT_TOO_LONG);
    /* without the long task the horizon is short and the set is decided */
    cr_assert_eq(admit_edf(a, 2, ADMIT_PPM, &at), ADMIT_OK);
}

Test(admit, empty_and_single_sets)
{
    uint64_t at = 0;
    cr_assert_eq(admit_edf(NULL, 0, 950000, &at), ADMIT_OK);
    const struct admit_task full[] = {T(10, 10, 10)};
    cr_assert_eq(admit_edf(full, 1, ADMIT_PPM, &at), ADMIT_OK);
    cr_assert_eq(admit_edf(full, 1, 950000, &at), ADMIT_OVER_UTIL);
    const struct admit_task c[] = {T(10, 5, 5)};
    cr_assert_eq(admit_edf(c, 1, ADMIT_PPM, &at), ADMIT_OK);
    const struct admit_task c2[] = {T(10, 5, 5)};
    cr_assert_eq(admit_edf(c2, 1, 950000, &at), ADMIT_OVER_DEMAND); /* 5 > 0.95 * 5 */
    cr_assert_eq(at, 5);
}

Test(admit, util_ppm_rounds_up)
{
    struct {
        uint64_t c, p;
        uint32_t ppm;
    } cases[] = {
        {1, 2, 500000},       {1, 3, 333334},         {2, 3, 666667},   {3, 3, 1000000},
        {1, 4, 250000},       {1, 1000000, 1},        {1, 1000001, 1},  {0, 7, 0},
        {1, 7, 142858},       {999999, 1000000, 999999}, {1, 100000000, 1},
        {99999999, 100000000, 1000000}, {5000, 40000, 125000}, {1, 999999, 2},
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct admit_task t = {cases[i].p, cases[i].p, cases[i].c};
        cr_assert_eq(admit_util_ppm(&t), cases[i].ppm, "%lu/%lu: %u ppm, want %u", cases[i].c,
                     cases[i].p, admit_util_ppm(&t), cases[i].ppm);
    }
    /* deadline does not enter utilisation */
    struct admit_task d = {10, 3, 1};
    cr_assert_eq(admit_util_ppm(&d), 100000);
}

Test(admit, pct_formats_tenths_rounded_half_up)
{
    struct {
        uint64_t ppm;
        const char *s;
    } cases[] = {
        {0, "0.0%"},          {499, "0.0%"},        {500, "0.1%"},        {1000, "0.1%"},
        {125000, "12.5%"},    {333334, "33.3%"},    {666667, "66.7%"},    {949999, "95.0%"},
        {950000, "95.0%"},    {999499, "99.9%"},    {999500, "100.0%"},   {1000000, "100.0%"},
        {1049999, "105.0%"},  {5000000, "500.0%"},  {99500, "10.0%"},     {99499, "9.9%"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        char buf[16];
        memset(buf, 'x', sizeof buf);
        const char *r = admit_pct(buf, sizeof buf, cases[i].ppm);
        cr_assert_eq(r, buf);
        cr_assert_str_eq(buf, cases[i].s, "%lu ppm: \"%s\", want \"%s\"", cases[i].ppm, buf,
                         cases[i].s);
    }
    /* truncated to the buffer, always terminated */
    char small[4];
    admit_pct(small, sizeof small, 125000);
    cr_assert_str_eq(small, "12.");
    char one[1] = {'x'};
    admit_pct(one, sizeof one, 125000);
    cr_assert_eq(one[0], '\0');
}
