/*
 * Scheduling policy as plain functions over plain data: the BE queue
 * (weighted round robin), the EDF pick and RT job accounting.  No locks and
 * no arch hooks here: callers hold the lock of the data they pass, and the
 * host tests run exactly this code on a simulated clock.
 */
#include <core/sched.h>
#include <core/lib.h>

uint64_t sched_ns_per_tick = 100;

void be_queue_push(struct be_queue *q, struct vcpu *v)
{
    if (q->n < ARRAY_SIZE(q->v)) {
        q->v[q->n++] = v;
    }
}

bool be_queue_remove(struct be_queue *q, struct vcpu *v)
{
    for (uint32_t i = 0; i < q->n; i++) {
        if (q->v[i] == v) {
            for (uint32_t j = i + 1; j < q->n; j++) {
                q->v[j - 1] = q->v[j];
            }
            q->n--;
            return true;
        }
    }
    return false;
}

bool be_queue_has_for(const struct be_queue *q, uint32_t cpu)
{
    for (uint32_t i = 0; i < q->n; i++) {
        if (q->v[i]->affinity & (1u << cpu)) {
            return true;
        }
    }
    return false;
}

/*
 * Best effort is weighted round robin by virtual time (stride scheduling):
 * running for d ticks advances a VCPU's virtual time by d * BE_STRIDE/prio,
 * and the queued VCPU with the least virtual time runs next (FIFO among
 * equals).  So always-runnable VCPUs share a CPU in proportion to their
 * priorities, and none starves.  A VCPU that wakes up is brought forward
 * to the queue's clock so that sleeping earns no credit.
 */
#define BE_STRIDE 720720ULL /* divisible by every priority 1..16 */

static uint64_t be_clock;

void be_charge(struct vcpu *v, uint64_t ticks)
{
    v->vtime += ticks * (BE_STRIDE / v->prio);
}

void be_enter_queue(struct vcpu *v)
{
    if (v->vtime < be_clock) {
        v->vtime = be_clock;
    }
}

struct vcpu *be_queue_pick(struct be_queue *q, uint32_t cpu)
{
    struct vcpu *best = NULL;
    for (uint32_t i = 0; i < q->n; i++) {
        struct vcpu *v = q->v[i];
        if ((v->affinity & (1u << cpu)) && (best == NULL || v->vtime < best->vtime)) {
            best = v;
        }
    }
    if (best != NULL) {
        be_queue_remove(q, best);
        if (best->vtime > be_clock) {
            be_clock = best->vtime;
        }
    }
    return best;
}

struct vcpu *edf_pick(struct vcpu *const *set, uint32_t n)
{
    struct vcpu *best = NULL;
    for (uint32_t i = 0; i < n; i++) {
        struct vcpu *v = set[i];
        if (v->state != VCPU_RUNNABLE && v->state != VCPU_RUNNING) {
            continue;
        }
        if (best == NULL || v->rt.abs_deadline < best->rt.abs_deadline) {
            best = v;
        }
    }
    return best;
}

void rt_release(struct vcpu *v)
{
    struct rt_sched *r = &v->rt;
    rt_job_fold(v);
    if (r->release != 0 && !r->job_done) {
        r->st.misses++; /* the previous job is unfinished at its deadline */
    }
    r->release = r->next_release;
    r->abs_deadline = r->release + r->deadline;
    r->next_release = r->release + r->period;
    r->budget_left = r->budget;
    r->job_started = false;
    r->job_done = false;
    r->st.releases++;
    if (v->state != VCPU_RUNNING) {
        v->state = VCPU_RUNNABLE;
    }
}

void rt_release_due(struct vcpu *const *set, uint32_t n, uint64_t now)
{
    for (uint32_t i = 0; i < n; i++) {
        struct vcpu *v = set[i];
        if (v->rt.next_release <= now) {
            rt_release(v);
        }
    }
}

bool rt_charge(struct vcpu *v, uint64_t now)
{
    struct rt_sched *r = &v->rt;
    uint64_t used = now - r->run_start;
    r->budget_left = used >= r->budget_left ? 0 : r->budget_left - used;
    r->run_start = now;
    return r->budget_left == 0;
}

static uint32_t hist_bucket(uint64_t ns)
{
    static const uint64_t bounds[] = VH_HIST_BOUNDS_NS;
    for (uint32_t i = 0; i < ARRAY_SIZE(bounds); i++) {
        if (ns < bounds[i]) {
            return i;
        }
    }
    return VH_HIST_BUCKETS - 1;
}

/*
 * The dispatch of a job only notes the time; the jitter statistics are
 * folded in later (job end, or next release), off the release path.
 */
void rt_job_dispatched(struct vcpu *v, uint64_t now)
{
    v->rt.job_started = true;
    v->rt.dispatched = now;
    v->rt.jitter_pending = true;
}

void rt_job_fold(struct vcpu *v)
{
    struct rt_sched *r = &v->rt;
    if (!r->jitter_pending) {
        return;
    }
    r->jitter_pending = false;
    uint64_t j = (r->dispatched - r->release) * sched_ns_per_tick;
    struct vh_rt_stats *s = &r->st;
    if (j < s->jitter_min_ns) { /* starts at UINT64_MAX */
        s->jitter_min_ns = j;
    }
    if (j > s->jitter_max_ns) {
        s->jitter_max_ns = j;
    }
    s->jitter_sum_ns += j;
    s->jitter_sumsq_ns2 += j * j;
    s->hist[hist_bucket(j)]++;
}

void rt_job_done(struct vcpu *v, uint64_t now)
{
    struct rt_sched *r = &v->rt;
    rt_job_fold(v);
    uint64_t resp = (now - r->release) * sched_ns_per_tick;
    r->job_done = true;
    r->st.resp_sum_ns += resp;
    if (resp > r->st.resp_max_ns) {
        r->st.resp_max_ns = resp;
    }
    if (now > r->abs_deadline) {
        r->st.misses++;
    }
}
