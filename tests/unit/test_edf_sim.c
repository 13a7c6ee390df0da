/*
 * The hypervisor's scheduler (hypervisor/core/sched.c + sched_policy.c,
 * unchanged) on a simulated 2-CPU clock: Figure 6 of Moratelli et al. 2014
 * (four RT-VCPUs partitioned over two CPUs, two BE-VCPUs filling the gaps).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include <core/sched.h>

#include "sim_arch.h"

#define PT ((uint64_t)1000) /* one paper tick in time-base ticks */
#define T0 (1000 * PT) /* the time base is not 0 when the RT-VCPUs start */
#define FIG6_TICKS 20

struct fig6 {
    struct vcpu *rt[4];
    struct vcpu *be[2];
};

static void fig6_setup(struct fig6 *f)
{
    sim_reset(2, 1 * PT);
    sim.now = T0;
    /* RT-VCPU id: (cpu, period, deadline, budget, work of every job) */
    f->rt[0] = sim_add_rt(0, 5 * PT, 5 * PT, 3 * PT, 3 * PT, T0, "R0");
    f->rt[1] = sim_add_rt(0, 4 * PT, 4 * PT, 1 * PT, 1 * PT, T0, "R1");
    f->rt[2] = sim_add_rt(1, 5 * PT, 5 * PT, 2 * PT, 2 * PT, T0, "R2");
    f->rt[3] = sim_add_rt(1, 4 * PT, 4 * PT, 1 * PT, 1 * PT, T0, "R3");
    f->be[0] = sim_add_be(0, 1, 0x3, "B0");
    f->be[1] = sim_add_be(1, 4, 0x3, "B1");
}

/*
 * EDF by hand, per paper tick: the released unfinished job with the earliest
 * absolute deadline runs, ties to the lower index (edf_pick's scan order).
 * -1 where the CPU has no RT work.
 */
static void reference_edf(const uint64_t *p, const uint64_t *c, int n, int ticks, int *out)
{
    uint64_t left[8] = {0}, dl[8] = {0};
    for (int t = 0; t < ticks; t++) {
        for (int i = 0; i < n; i++) {
            if (t % (int)p[i] == 0) {
                left[i] = c[i];
                dl[i] = (uint64_t)t + p[i];
            }
        }
        int best = -1;
        for (int i = 0; i < n; i++) {
            if (left[i] != 0 && (best < 0 || dl[i] < dl[best])) {
                best = i;
            }
        }
        out[t] = best;
        if (best >= 0) {
            left[best]--;
        }
    }
}

Test(edf_sim, figure6_two_cpus_four_rt_two_be)
{
    struct fig6 f;
    fig6_setup(&f);
    cr_assert(sim_run(T0 + FIG6_TICKS * PT), "the simulation stalled");
    cr_assert(!sim.seg_overflow);
    sim_print_chart("Figure 6 (R = RT-VCPU, B = BE-VCPU; one column per paper tick)", T0,
                    T0 + FIG6_TICKS * PT, PT);

    /* Every RT job met its deadline; none overran its budget. */
    const uint64_t releases_at_end[4] = {FIG6_TICKS / 5 + 1, FIG6_TICKS / 4 + 1,
                                         FIG6_TICKS / 5 + 1, FIG6_TICKS / 4 + 1};
    for (int i = 0; i < 4; i++) {
        struct vcpu *v = f.rt[i];
        const struct sim_rt_log *l = &sim.rt[v->id];
        cr_assert_eq(v->rt.st.misses, 0, "R%d missed %lu deadlines", i, v->rt.st.misses);
        cr_assert_eq(v->rt.st.overruns, 0, "R%d overran %lu times", i, v->rt.st.overruns);
        /* releases at 0, P, 2P, ... up to and including tick 20 */
        cr_assert_eq(v->rt.st.releases, releases_at_end[i], "R%d: %lu releases", i,
                     v->rt.st.releases);
        /* the simulator's own count: every job with deadline <= 20 finished in time */
        cr_assert_eq(l->done, releases_at_end[i] - 1, "R%d finished %lu jobs", i, l->done);
        cr_assert_eq(l->late, 0);
        cr_assert_eq(l->bad_release, 0, "R%d: a job released off its period", i);
        cr_assert_eq(v->run_ticks, l->done * v->rt.budget, "R%d ran %lu ticks", i, v->run_ticks);
        cr_assert(v->rt.st.resp_max_ns <= v->rt.deadline * 100);
    }

    cr_assert_eq(sim.idle_with_be_queued, 0);
    /* The RT schedule is EDF's, tick by tick. */
    const uint64_t p0[2] = {5, 4}, c0[2] = {3, 1}, p1[2] = {5, 4}, c1[2] = {2, 1};
    int ref[2][FIG6_TICKS];
    reference_edf(p0, c0, 2, FIG6_TICKS, ref[0]);
    reference_edf(p1, c1, 2, FIG6_TICKS, ref[1]);
    bool be_on[2][2] = {{false}};
    uint64_t be_slots[2] = {0};
    for (uint32_t c = 0; c < 2; c++) {
        for (int t = 0; t < FIG6_TICKS; t++) {
            uint64_t at = T0 + (uint64_t)t * PT;
            int who = sim_who(c, at, at + PT);
            cr_assert_neq(who, -2, "CPU %u switched inside tick %d", c, t);
            /* never idle: two BE-VCPUs are always runnable */
            cr_assert_neq(who, -1, "CPU %u idle at tick %d while BE-VCPUs are runnable", c, t);
            int want = ref[c][t] < 0 ? -1 : (int)f.rt[2 * c + (uint32_t)ref[c][t]]->id;
            if (want >= 0) {
                cr_assert_eq(who, want, "CPU %u tick %d: ran %s, EDF runs %s", c, t,
                             sim.label[who], sim.label[want]);
            } else {
                cr_assert(who == f.be[0]->id || who == f.be[1]->id,
                          "CPU %u tick %d: ran %s, a BE-VCPU should", c, t, sim.label[who]);
                int b = who == f.be[0]->id ? 0 : 1;
                be_on[b][c] = true;
                be_slots[b]++;
            }
        }
    }
    /* RT load: CPU 0 is 85% busy (3 BE ticks), CPU 1 65% (7 BE ticks). */
    cr_assert_eq(be_slots[0] + be_slots[1], 10);
    /* The BE-VCPUs move between CPUs. */
    for (int b = 0; b < 2; b++) {
        cr_assert(be_on[b][0] && be_on[b][1], "B%d ran only on CPU %d", b, be_on[b][0] ? 0 : 1);
    }
    /* The priority-4 BE-VCPU gets more than the priority-1 one. */
    cr_assert(be_slots[1] > be_slots[0], "B1 (prio 4) %lu ticks, B0 (prio 1) %lu", be_slots[1],
              be_slots[0]);
    printf("  BE ticks: B0 (prio 1) %lu, B1 (prio 4) %lu; %lu reschedules, %lu IPIs\n",
           be_slots[0], be_slots[1], sim.reschedules, sim.ipis);
    for (int i = 0; i < 4; i++) {
        struct vcpu *v = f.rt[i];
        printf("  R%d: %lu releases, %lu misses, %lu overruns, response max %lu ticks, "
               "jitter max %lu ns\n",
               i, v->rt.st.releases, v->rt.st.misses, v->rt.st.overruns,
               sim.rt[v->id].max_resp / PT, v->rt.st.jitter_max_ns);
    }
    /* The scheduler's own time split agrees: no idle time on either CPU. */
    for (uint32_t c = 0; c < 2; c++) {
        cr_assert_eq(cpus[c].t_acc[CPU_T_IDLE], 0, "CPU %u idle %lu ticks", c,
                     cpus[c].t_acc[CPU_T_IDLE]);
    }
    sim_free();
}

/* The same RT set without BE-VCPUs: the gaps are idle and nothing else moves. */
Test(edf_sim, figure6_rt_only_leaves_gaps_idle)
{
    sim_reset(2, 1 * PT);
    sim.now = T0;
    struct vcpu *r[4];
    r[0] = sim_add_rt(0, 5 * PT, 5 * PT, 3 * PT, 3 * PT, T0, "R0");
    r[1] = sim_add_rt(0, 4 * PT, 4 * PT, 1 * PT, 1 * PT, T0, "R1");
    r[2] = sim_add_rt(1, 5 * PT, 5 * PT, 2 * PT, 2 * PT, T0, "R2");
    r[3] = sim_add_rt(1, 4 * PT, 4 * PT, 1 * PT, 1 * PT, T0, "R3");
    cr_assert(sim_run(T0 + FIG6_TICKS * PT));
    uint64_t idle[2] = {0};
    for (uint32_t c = 0; c < 2; c++) {
        for (int t = 0; t < FIG6_TICKS; t++) {
            uint64_t at = T0 + (uint64_t)t * PT;
            idle[c] += sim_who(c, at, at + PT) == -1;
        }
    }
    cr_assert_eq(idle[0], 3);
    cr_assert_eq(idle[1], 7);
    for (int i = 0; i < 4; i++) {
        cr_assert_eq(r[i]->rt.st.misses, 0);
        cr_assert_eq(r[i]->rt.st.overruns, 0);
    }
    cr_assert_eq(sim.ipis, 0, "no BE-VCPU, so no CPU kicks another");
    sim_free();
}

/* A job that needs more than its budget is throttled and counted, not run on. */
Test(edf_sim, overrunning_job_is_throttled)
{
    sim_reset(1, 1 * PT);
    sim.now = T0;
    struct vcpu *hog = sim_add_rt(0, 4 * PT, 4 * PT, 1 * PT, 3 * PT, T0, "RH");
    struct vcpu *ok = sim_add_rt(0, 4 * PT, 4 * PT, 2 * PT, 2 * PT, T0, "RK");
    struct vcpu *be = sim_add_be(0, 1, 0x1, "B0");
    cr_assert(sim_run(T0 + 12 * PT));
    sim_print_chart("An overrunning RT-VCPU (RH: budget 1, needs 3)", T0, T0 + 12 * PT, PT);
    cr_assert_eq(hog->rt.st.overruns, 3, "hog overran %lu times", hog->rt.st.overruns);
    cr_assert_eq(hog->run_ticks, 3 * PT, "the hog is held to its budget");
    cr_assert_eq(ok->rt.st.misses, 0);
    cr_assert_eq(ok->rt.st.overruns, 0);
    cr_assert_eq(sim.rt[ok->id].done, 3);
    cr_assert_eq(be->run_ticks, 3 * PT, "BE gets the tick the hog may not use");
    sim_free();
}

/*
 * A job that ends exactly when its next job is released (U = 1, or a job
 * finishing at its deadline = period): the wait hypercall's reschedule
 * releases the next job and EDF picks the same VCPU again.  It must be
 * dispatched again (RUNNING, run_start = now): otherwise the timer is armed
 * at the stale run_start + budget_left, already past, and the CPU spins on
 * timer interrupts while the budget goes uncharged.
 */
Test(edf_sim, job_ending_at_its_next_release_runs_the_next_job)
{
    sim_reset(1, 1 * PT);
    sim.now = T0;
    struct vcpu *r = sim_add_rt(0, 4 * PT, 4 * PT, 4 * PT, 4 * PT, T0, "R0");
    struct vcpu *be = sim_add_be(0, 1, 0x1, "B0");
    cr_assert(sim_run(T0 + 20 * PT), "the CPU livelocked at tick %lu", sim.now - T0);
    cr_assert_eq(r->rt.st.releases, 6);
    cr_assert_eq(r->rt.st.misses, 0);
    cr_assert_eq(r->rt.st.overruns, 0);
    cr_assert_eq(sim.rt[r->id].done, 5);
    cr_assert_eq(r->run_ticks, 20 * PT, "run_ticks %lu", r->run_ticks);
    cr_assert_eq(be->run_ticks, 0);
    sim_free();
}

/* The same with a job that overruns: throttled exactly at its next release. */
Test(edf_sim, job_throttled_at_its_next_release_is_charged_again)
{
    sim_reset(1, 1 * PT);
    sim.now = T0;
    struct vcpu *r = sim_add_rt(0, 2 * PT, 2 * PT, 2 * PT, 3 * PT, T0, "R0");
    cr_assert(sim_run(T0 + 10 * PT), "the CPU livelocked at tick %lu", sim.now - T0);
    cr_assert_eq(r->rt.st.releases, 6);
    cr_assert_eq(r->rt.st.overruns, 5, "overruns %lu", r->rt.st.overruns);
    cr_assert_eq(r->run_ticks, 10 * PT, "run_ticks %lu", r->run_ticks);
    sim_free();
}

/*
 * One BE-VCPU, an RT-VCPU on each CPU: when an RT release preempts the
 * BE-VCPU, the CPU that is idle (in sched_idle, its idle bit set) is kicked
 * and takes it, so the BE-VCPU moves instead of waiting.
 */
Test(edf_sim, preempted_be_vcpu_moves_to_the_idle_cpu)
{
    sim_reset(2, 1 * PT);
    sim.now = T0;
    struct vcpu *q = sim_add_rt(0, 3 * PT, 3 * PT, 1 * PT, 1 * PT, T0, "Q0");
    struct vcpu *r = sim_add_rt(1, 6 * PT, 6 * PT, 1 * PT, 1 * PT, T0, "R1");
    struct vcpu *be = sim_add_be(0, 1, 0x3, "B0");
    cr_assert(sim_run(T0 + 12 * PT));
    sim_print_chart("One BE-VCPU kicked across (Q0 on CPU 0, R1 on CPU 1)", T0, T0 + 12 * PT, PT);
    cr_assert_eq(sim.idle_with_be_queued, 0, "a CPU idled while the BE-VCPU waited");
    cr_assert_gt(sim.ipis, 0, "the idle CPU was never kicked");
    bool on[2] = {false, false};
    for (uint32_t c = 0; c < 2; c++) {
        for (int t = 0; t < 12; t++) {
            uint64_t at = T0 + (uint64_t)t * PT;
            int who = sim_who(c, at, at + PT);
            on[c] = on[c] || who == be->id;
            /* an idle CPU only while the BE-VCPU runs on the other one */
            if (who == -1) {
                cr_assert_eq(sim_who(1 - c, at, at + PT), be->id, "CPU %u idle at tick %d", c, t);
            }
        }
    }
    cr_assert(on[0] && on[1]);
    /* every tick one of the CPUs runs the BE-VCPU, apart from 0 (both RT) */
    cr_assert_eq(be->run_ticks, 12 * PT - 1 * PT - 1 * PT, "BE ran %lu", be->run_ticks);
    cr_assert_eq(q->rt.st.misses + r->rt.st.misses, 0);
    sim_free();
}
