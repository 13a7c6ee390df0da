/* Best-effort policy (hypervisor/core/sched_policy.c) on a simulated
 * machine: shares follow priorities, nothing starves, affinity holds. */
#include <criterion/criterion.h>
#include <string.h>

#include <core/sched.h>

struct vcpu vcpu_pool[VH_MAX_VCPUS];

static struct be_queue q;

static void setup_vcpus(int n, const uint32_t *prio, const uint32_t *aff)
{
    memset(&q, 0, sizeof q);
    memset(vcpu_pool, 0, sizeof vcpu_pool);
    for (int i = 0; i < n; i++) {
        vcpu_pool[i].prio = prio[i];
        vcpu_pool[i].affinity = aff ? aff[i] : 0xff;
        vcpu_pool[i].id = (uint16_t)i;
        be_enter_queue(&vcpu_pool[i]);
        be_queue_push(&q, &vcpu_pool[i]);
    }
}

/* Run `cpus` CPUs for `quanta` rounds; each picks, runs 1 quantum, requeues. */
static void simulate(int ncpu, int quanta, uint64_t *got)
{
    for (int t = 0; t < quanta; t++) {
        struct vcpu *running[8] = {0};
        for (int c = 0; c < ncpu; c++) {
            running[c] = be_queue_pick(&q, (uint32_t)c);
        }
        for (int c = 0; c < ncpu; c++) {
            if (running[c]) {
                be_charge(running[c], 100);
                got[running[c]->id] += 100;
                be_queue_push(&q, running[c]);
            }
        }
    }
}

Test(be_policy, shares_follow_priorities_on_one_cpu)
{
    uint32_t prio[] = {4, 1};
    uint64_t got[2] = {0};
    setup_vcpus(2, prio, NULL);
    simulate(1, 500, got);
    cr_assert_eq(got[0] + got[1], 50000);
    cr_assert(got[0] >= 3 * got[1] && got[0] <= 5 * got[1], "4:1 share, got %lu:%lu", got[0], got[1]);
}

Test(be_policy, six_vcpus_on_four_cpus_all_progress)
{
    uint32_t prio[] = {4, 4, 4, 1, 1, 1};
    uint64_t got[6] = {0};
    setup_vcpus(6, prio, NULL);
    simulate(4, 1000, got);
    for (int i = 0; i < 6; i++) {
        cr_assert(got[i] > 0, "VCPU %d starved", i);
    }
    cr_assert(got[0] > 2 * got[3], "priority 4 beats priority 1: %lu vs %lu", got[0], got[3]);
}

Test(be_policy, affinity_is_respected)
{
    uint32_t prio[] = {1, 1};
    uint32_t aff[] = {1u << 1, 1u << 1}; /* both only on CPU 1 */
    setup_vcpus(2, prio, aff);
    cr_assert_null(be_queue_pick(&q, 0));
    struct vcpu *v = be_queue_pick(&q, 1);
    cr_assert_not_null(v);
    cr_assert(!be_queue_has_for(&q, 0));
    cr_assert(be_queue_has_for(&q, 1));
}

Test(be_policy, sleeping_earns_no_credit)
{
    uint32_t prio[] = {1, 1};
    uint64_t got[2] = {0};
    setup_vcpus(2, prio, NULL);
    /* VCPU 1 leaves the queue (sleeps) while VCPU 0 runs a long time. */
    be_queue_remove(&q, &vcpu_pool[1]);
    simulate(1, 100, got);
    be_enter_queue(&vcpu_pool[1]);
    be_queue_push(&q, &vcpu_pool[1]);
    memset(got, 0, sizeof got);
    simulate(1, 100, got);
    cr_assert(got[0] >= 4000 && got[1] >= 4000, "back to a fair share: %lu:%lu", got[0], got[1]);
}

Test(be_policy, remove_and_push)
{
    uint32_t prio[] = {1, 2, 3};
    setup_vcpus(3, prio, NULL);
    cr_assert(be_queue_remove(&q, &vcpu_pool[1]));
    cr_assert(!be_queue_remove(&q, &vcpu_pool[1]));
    cr_assert_eq(q.n, 2);
}
