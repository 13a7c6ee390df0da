/*
 * ADUs: created from the scenario at boot, each with its own second-stage
 * address space, virtual UART and BE-VCPUs.  Stopping or resetting an ADU
 * touches only that ADU: its VCPUs are taken off their CPUs (other CPUs are
 * asked by IPI) and the rest of the machine goes on.
 * Lock order: adu->lock, then the scheduler's locks.
 */
#include <core/adu.h>
#include <core/arch.h>
#include <core/console.h>
#include <core/cpu.h>
#include <core/ipc.h>
#include <core/lib.h>
#include <core/rt.h>
#include <core/sched.h>

extern const struct vh_cfg vh_cfg;

struct adu adus[VH_MAX_ADUS];
uint32_t adu_count;
struct vcpu vcpu_pool[VH_MAX_VCPUS];

void *adu_gpa_to_hva(const struct adu *a, uint64_t gpa, uint64_t len)
{
    uint64_t size = a->cfg->ram_size;
    if (gpa < VH_GUEST_RAM_GPA || len > size || gpa - VH_GUEST_RAM_GPA > size - len) {
        return NULL;
    }
    return (void *)(uintptr_t)(a->cfg->ram_hpa + (gpa - VH_GUEST_RAM_GPA));
}

struct adu *adu_by_name(const char *name)
{
    for (uint32_t i = 0; i < adu_count; i++) {
        if (strncmp(adus[i].cfg->name, name, VH_NAME_LEN) == 0) {
            return &adus[i];
        }
    }
    return NULL;
}

void adu_load(struct adu *a)
{
    const struct vh_cfg_adu *cfg = a->cfg;
    memcpy(adu_gpa_to_hva(a, VH_GUEST_RAM_GPA + VH_GUEST_IMAGE_OFFSET, cfg->image_size),
           cfg->image, cfg->image_size);
    memcpy(adu_gpa_to_hva(a, cfg->dtb_gpa, cfg->dtb_size), cfg->dtb, cfg->dtb_size);
    memset(&a->vuart, 0, sizeof a->vuart);
    a->boots++;
    ipc_adu_reset(a); /* its queue empties: messages to the old boot are gone */
    for (uint32_t i = 0; i < cfg->n_be_vcpus; i++) {
        struct vcpu *v = a->be[i];
        v->state = VCPU_STOPPED;
        v->pending = 0;
        v->vtime = 0;
        arch_vcpu_reset(v, cfg->entry_gpa, i, cfg->dtb_gpa);
    }
    a->state = ADU_RUNNING;
}

static void adu_create(struct adu *a, uint32_t id, const struct vh_cfg_adu *cfg)
{
    a->cfg = cfg;
    a->id = id;
    a->reserve_ppm = cfg->reserve_ppm;
    if (arch_adu_space_init(a) != 0) {
        vh_panic("ADU '%s': no room for its address space", cfg->name);
    }
    memset((void *)(uintptr_t)cfg->ram_hpa, 0, cfg->ram_size);
    for (uint32_t i = 0; i < cfg->n_be_vcpus; i++) {
        struct vcpu *v = &vcpu_pool[id * VH_MAX_BE_VCPUS + i];
        v->id = (uint16_t)(id * VH_MAX_BE_VCPUS + i);
        v->index = (uint16_t)i;
        v->kind = VCPU_BE;
        v->adu = a;
        v->cpu = -1;
        v->prio = cfg->be_priority[i];
        v->affinity = cfg->be_affinity[i];
        a->be[i] = v;
    }
}

void adu_init_all(void)
{
    adu_count = vh_cfg.nadus;
    for (uint32_t i = 0; i < adu_count; i++) {
        struct adu *a = &adus[i];
        adu_create(a, i, &vh_cfg.adu[i]);
        adu_load(a);
        vh_log("ADU '%s': %lu MiB at 0x%lx, %u BE-VCPU(s), RT reservation %u.%u%%",
               a->cfg->name, a->cfg->ram_size >> 20, a->cfg->ram_hpa, a->cfg->n_be_vcpus,
               a->reserve_ppm / 10000, (a->reserve_ppm / 1000) % 10);
        sched_be_start(a->be[0]);
    }
}

/* Take every VCPU of `a` off the CPUs; wait until none runs but `self`. */
static void adu_quiesce(struct adu *a, const struct vcpu *self)
{
    rt_destroy_adu(a);
    for (uint32_t i = 0; i < a->cfg->n_be_vcpus; i++) {
        sched_vcpu_stop(a->be[i]);
    }
    for (uint32_t i = 0; i < a->cfg->n_be_vcpus; i++) {
        const struct vcpu *v = a->be[i];
        while (v != self && v->cpu >= 0) {
            cpu_relax();
        }
    }
}

void adu_stop(struct adu *a, const char *why)
{
    spin_lock(&a->lock);
    bool first = a->state == ADU_RUNNING;
    a->state = ADU_STOPPED;
    spin_unlock(&a->lock);
    if (!first) {
        return;
    }
    vuart_flush(a);
    vh_log("ADU '%s' stopped: %s; other ADUs continue", a->cfg->name, why);
    adu_quiesce(a, this_cpu()->cur);
}

/*
 * Called by a VCPU of `a` (SRST reboot, reset device).  If that VCPU is
 * VCPU 0 it restarts in place; otherwise it stops and VCPU 0 restarts.
 */
void adu_reset(struct adu *a)
{
    struct vcpu *self = this_cpu()->cur;
    spin_lock(&a->lock);
    bool first = a->state == ADU_RUNNING;
    a->state = ADU_RESETTING;
    spin_unlock(&a->lock);
    if (!first) {
        sched_vcpu_stop(self);
        return;
    }
    vuart_flush(a);
    vh_log("ADU '%s' resets (boot %u)", a->cfg->name, a->boots + 1);
    adu_quiesce(a, self);
    adu_load(a);
    struct vcpu *v0 = a->be[0];
    if (self == v0) {
        atomic_and32(&v0->pending, ~VCPU_PEND_STOP);
        v0->state = VCPU_RUNNING;
        arch_vcpu_load(v0);
    } else {
        sched_be_start(v0);
    }
}
