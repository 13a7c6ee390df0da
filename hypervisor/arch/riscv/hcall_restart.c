/*
 * Restartable hypercalls: a hypercall that has to wait (a blocking message
 * receive) parks its VCPU with the pc back on the ecall, so the VCPU simply
 * calls again when it is woken.  ecall has no compressed form: 4 bytes.
 */
#include <core/arch.h>
#include <core/vcpu.h>

void arch_vcpu_hcall_restart(struct vcpu *v)
{
    v->arch.regs.sepc -= 4;
}
