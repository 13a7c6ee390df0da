/* vh hypercalls (VH_SBI_EXT): decode, check the guest's arguments, dispatch
 * to the module that owns the object. */
#ifndef CORE_HCALL_H
#define CORE_HCALL_H

#include <stdbool.h>

struct cpu;
struct vcpu;

/* Handle hypercall `fid` of the running VCPU `v`; true if the scheduler
 * must decide again (the VCPU waits, exits or stops). */
bool hcall_dispatch(struct cpu *c, struct vcpu *v, unsigned long fid);

#endif /* CORE_HCALL_H */
