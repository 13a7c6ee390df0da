/*
 * RT-VCPUs: creation by hypercall (after admission), the job protocol
 * (wait for the next release), parameter changes, migration and
 * destruction.  One implementation serves the hypercalls and, later, the
 * management agent: each call takes the ADU it acts for.
 */
#ifndef CORE_RT_H
#define CORE_RT_H

#include <stddef.h>
#include <stdint.h>
#include <vh/abi.h>

struct adu;
struct vcpu;
struct cpu;

/* Mark every RT-VCPU slot free (boot). */
void rt_init(void);
/*
 * Create (or with VH_RT_F_DRY_RUN only check) an RT-VCPU of `a`.
 * Returns its id (>= 0; 0 for a dry run) or a VH_E* code, *cpu_out the CPU
 * chosen; `why` gets a sentence on refusal.
 */
long rt_create(struct adu *a, const struct vh_rt_params *p, int32_t *cpu_out, char *why,
               size_t why_len);
/* The running RT-VCPU's job is done: it waits for its next release. */
void rt_wait(struct cpu *c, struct vcpu *v);
/* Destroy RT-VCPU `id` of `a` (any state). 0 or VH_E*. */
long rt_destroy(struct adu *a, long id);
/* Destroy every RT-VCPU of `a` (ADU stop or reset). */
void rt_destroy_adu(struct adu *a);
/* Find RT-VCPU `id` of `a`, or NULL. */
struct vcpu *rt_find(const struct adu *a, long id);
/* Change timing parameters (transactional). 0 or VH_E*, `why` on refusal. */
long rt_set(struct adu *a, long id, const struct vh_rt_params *p, char *why, size_t why_len);
/* Move RT-VCPU `id` to `cpu` after admission there. */
long rt_migrate(struct adu *a, long id, int32_t cpu, char *why, size_t why_len);
/* Scheduler: a migrating RT-VCPU has left its old CPU; queue it on the new. */
void rt_migrate_finish(struct vcpu *v);
/* Change the ADU's reservation (transactional). */
long rt_reserve_set(struct adu *a, uint32_t ppm, char *why, size_t why_len);

#endif /* CORE_RT_H */
