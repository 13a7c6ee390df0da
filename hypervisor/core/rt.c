/* RT-VCPU lifecycle: see rt.h.  (Creation and admission land with the RT work.) */
#include <core/adu.h>
#include <core/cpu.h>
#include <core/rt.h>
#include <core/vcpu.h>

long rt_create(struct adu *a, const struct vh_rt_params *p, char *why, size_t why_len)
{
    (void)a; (void)p; (void)why; (void)why_len;
    return VH_ENOSYS;
}
void rt_wait(struct cpu *c, struct vcpu *v) { (void)c; (void)v; }
long rt_destroy(struct adu *a, long id) { (void)a; (void)id; return VH_ENOSYS; }
void rt_destroy_adu(struct adu *a) { (void)a; }
struct vcpu *rt_find(const struct adu *a, long id) { (void)a; (void)id; return 0; }
long rt_set(struct adu *a, long id, const struct vh_rt_params *p, char *why, size_t why_len)
{ (void)a; (void)id; (void)p; (void)why; (void)why_len; return VH_ENOSYS; }
long rt_migrate(struct adu *a, long id, int32_t cpu, char *why, size_t why_len)
{ (void)a; (void)id; (void)cpu; (void)why; (void)why_len; return VH_ENOSYS; }
long rt_reserve_set(struct adu *a, uint32_t ppm, char *why, size_t why_len)
{ (void)a; (void)ppm; (void)why; (void)why_len; return VH_ENOSYS; }
