/*
 * Hypercall table: decodes arguments, checks every guest address against
 * the caller's own RAM, and calls the owning module.  Guest pointers are
 * guest-physical addresses.  Refusals are logged with their reason.
 */
#include <core/adu.h>
#include <core/arch.h>
#include <core/console.h>
#include <core/cpu.h>
#include <core/hcall.h>
#include <core/ipc.h>
#include <core/lib.h>
#include <core/rt.h>
#include <core/sched.h>
#include <core/vuart.h>
#include <vh/abi.h>

extern const struct vh_cfg vh_cfg;

static bool hc_info(struct vcpu *v, uint64_t gpa)
{
    struct vh_info *out = adu_gpa_to_hva(v->adu, gpa, sizeof *out);
    if (out == NULL) {
        arch_vcpu_set_ret(v, VH_EFAULT, 0);
        return false;
    }
    struct adu *a = v->adu;
    memset(out, 0, sizeof *out);
    out->abi_version = VH_ABI_VERSION;
    out->adu_id = a->id;
    out->ncpus = cpu_count;
    out->n_be_vcpus = a->cfg->n_be_vcpus;
    out->reserve_ppm = a->reserve_ppm;
    out->reserve_used_ppm = a->reserve_used_ppm;
    out->timebase_hz = 1000000000ULL / sched_ns_per_tick;
    strlcpy(out->adu_name, a->cfg->name, sizeof out->adu_name);
    arch_vcpu_set_ret(v, 0, 0);
    return false;
}

bool hcall_console_waits(struct cpu *c, struct vcpu *v, const char *p, uint64_t *len)
{
    if (v->kind == VCPU_BE && sched_release_near(c, arch_time_now())) {
        arch_vcpu_hcall_restart(v);
        return true;
    }
    *len = MIN(*len, (uint64_t)VUART_PUTS_MAX);
    vuart_puts(v->adu, p, (size_t)*len);
    return false;
}

static bool hc_console(struct cpu *c, struct vcpu *v, uint64_t gpa, uint64_t len)
{
    const char *p = adu_gpa_to_hva(v->adu, gpa, len);
    if (p == NULL) {
        arch_vcpu_set_ret(v, VH_EFAULT, 0);
        return false;
    }
    if (hcall_console_waits(c, v, p, &len)) {
        return true;
    }
    arch_vcpu_set_ret(v, 0, len);
    return false;
}

static void log_refusal(const struct vcpu *v, const char *op, long err, const char *why)
{
    vh_log("ADU '%s': %s refused (%s): %s", v->adu->cfg->name, op, vh_errname(err), why);
}

static bool hc_rt_create(struct vcpu *v, uint64_t gpa)
{
    const struct vh_rt_params *p = adu_gpa_to_hva(v->adu, gpa, sizeof *p);
    if (p == NULL) {
        arch_vcpu_set_ret(v, VH_EFAULT, 0);
        return false;
    }
    struct vh_rt_params copy = *p;
    char why[160] = "";
    long r = rt_create(v->adu, &copy, NULL, why, sizeof why);
    if (r < 0) {
        log_refusal(v, "RT-VCPU creation", r, why);
        arch_vcpu_set_ret(v, r, 0);
    } else {
        arch_vcpu_set_ret(v, 0, (uint64_t)r);
    }
    return false;
}

static bool hc_rt_stats(struct vcpu *v, long id, uint64_t gpa)
{
    struct vh_rt_stats *out = adu_gpa_to_hva(v->adu, gpa, sizeof *out);
    struct vcpu *t = id == VH_RT_SELF ? v : rt_find(v->adu, id);
    if (out == NULL || t == NULL || t->kind != VCPU_RT) {
        arch_vcpu_set_ret(v, out == NULL ? VH_EFAULT : VH_ENOENT, 0);
        return false;
    }
    *out = t->rt.st;
    if (out->jitter_min_ns == UINT64_MAX) {
        out->jitter_min_ns = 0; /* no job measured yet */
    }
    arch_vcpu_set_ret(v, 0, 0);
    return false;
}

static bool hc_rt_query(struct vcpu *v, long id, uint64_t gpa)
{
    struct vh_rt_info *out = adu_gpa_to_hva(v->adu, gpa, sizeof *out);
    struct vcpu *t = id == VH_RT_SELF ? v : rt_find(v->adu, id);
    if (out == NULL || t == NULL || t->kind != VCPU_RT) {
        arch_vcpu_set_ret(v, out == NULL ? VH_EFAULT : VH_ENOENT, 0);
        return false;
    }
    memset(out, 0, sizeof *out);
    out->params.period_ns = t->rt.period * sched_ns_per_tick;
    out->params.deadline_ns = t->rt.deadline * sched_ns_per_tick;
    out->params.budget_ns = t->rt.budget * sched_ns_per_tick;
    out->params.cpu = t->rt_cpu;
    out->id = t->index;
    out->cpu = t->rt_cpu;
    out->adu_id = t->adu->id;
    out->state = t->state == VCPU_RUNNING ? VH_RT_STATE_RUNNING
                 : t->state == VCPU_RT_WAITING ? VH_RT_STATE_WAITING
                 : t->state == VCPU_RT_THROTTLED ? VH_RT_STATE_THROTTLED
                                                 : VH_RT_STATE_READY;
    arch_vcpu_set_ret(v, 0, 0);
    return false;
}

static bool hc_result(struct vcpu *v, const char *op, long r, const char *why)
{
    if (r < 0) {
        log_refusal(v, op, r, why);
    }
    arch_vcpu_set_ret(v, r < 0 ? r : 0, 0);
    return false;
}

static bool hc_rt_set(struct vcpu *v, long id, uint64_t gpa)
{
    const struct vh_rt_params *p = adu_gpa_to_hva(v->adu, gpa, sizeof *p);
    if (p == NULL) {
        arch_vcpu_set_ret(v, VH_EFAULT, 0);
        return false;
    }
    struct vh_rt_params copy = *p;
    char why[160] = "";
    return hc_result(v, "RT-VCPU change", rt_set(v->adu, id, &copy, why, sizeof why), why);
}

bool hcall_dispatch(struct cpu *c, struct vcpu *v, unsigned long fid)
{
    uint64_t a0 = arch_vcpu_arg(v, 0), a1 = arch_vcpu_arg(v, 1);
    char why[160] = "";
    switch (fid) {
    case VH_HC_NULL:
        arch_vcpu_set_ret(v, 0, 0);
        return false;
    case VH_HC_INFO:
        return hc_info(v, a0);
    case VH_HC_CONSOLE_PUT:
        return hc_console(c, v, a0, a1);
    case VH_HC_RT_CREATE:
        return hc_rt_create(v, a0);
    case VH_HC_RT_WAIT:
        if (v->kind != VCPU_RT) {
            arch_vcpu_set_ret(v, VH_ESTATE, 0);
            return false;
        }
        rt_wait(c, v);
        return true;
    case VH_HC_RT_EXIT:
        if (v->kind != VCPU_RT) {
            arch_vcpu_set_ret(v, VH_ESTATE, 0);
            return false;
        }
        rt_destroy(v->adu, v->index);
        return true;
    case VH_HC_RT_QUERY:
        return hc_rt_query(v, (long)a0, a1);
    case VH_HC_RT_STATS:
        return hc_rt_stats(v, (long)a0, a1);
    case VH_HC_RT_SET:
        return hc_rt_set(v, (long)a0, a1);
    case VH_HC_RT_MIGRATE:
        return hc_result(v, "RT-VCPU migration",
                         rt_migrate(v->adu, (long)a0, (int32_t)a1, why, sizeof why), why);
    case VH_HC_RT_DESTROY:
        return hc_result(v, "RT-VCPU destruction", rt_destroy(v->adu, (long)a0), "no such RT-VCPU");
    case VH_HC_BE_AFFINITY:
        if (a0 >= v->adu->cfg->n_be_vcpus) {
            arch_vcpu_set_ret(v, VH_ENOENT, 0);
            return false;
        }
        arch_vcpu_set_ret(v, sched_be_set_affinity(v->adu->be[a0], (uint32_t)a1), 0);
        return false;
    case VH_HC_RESERVE_SET:
        if (!(v->adu->cfg->caps & VH_CAP(RESERVE))) {
            return hc_result(v, "reservation change", VH_EPERM, "the ADU lacks the 'reserve' capability");
        }
        return hc_result(v, "reservation change",
                         rt_reserve_set(v->adu, (uint32_t)a0, why, sizeof why), why);
    case VH_HC_MSG_SEND:
        return ipc_hcall_send(v, a0, a1, arch_vcpu_arg(v, 2));
    case VH_HC_MSG_RECV:
        return ipc_hcall_recv(c, v, a0, a1, arch_vcpu_arg(v, 2));
    case VH_HC_MSG_QUERY:
        return ipc_hcall_query(v, a0);
    default:
        arch_vcpu_set_ret(v, VH_ENOSYS, 0);
        return false;
    }
}
