/* vh hypercalls (VH_SBI_EXT): decode, check the guest's arguments, dispatch
 * to the module that owns the object. */
#ifndef CORE_HCALL_H
#define CORE_HCALL_H

#include <stdbool.h>
#include <stdint.h>

struct cpu;
struct vcpu;

/* Handle hypercall `fid` of the running VCPU `v`; true if the scheduler
 * must decide again (the VCPU waits, exits or stops). */
bool hcall_dispatch(struct cpu *c, struct vcpu *v, unsigned long fid);

/* A guest's console write (vh's CONSOLE_PUT, SBI DBCN) of *len bytes at p,
 * already checked to be its memory.  At most VUART_PUTS_MAX bytes go out
 * per call (*len becomes that count; the guest calls again for the rest).
 * True when a best-effort caller's CPU has a release due shortly: nothing
 * is written and the call is restarted after it, so console output never
 * holds up a release. */
bool hcall_console_waits(struct cpu *c, struct vcpu *v, const char *p, uint64_t *len);

#endif /* CORE_HCALL_H */
