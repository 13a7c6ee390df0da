/*
 * Host harness for the messaging mechanism: hypervisor/core/adu.c is
 * included unchanged (the real adu_gpa_to_hva bounds check), the arch,
 * scheduler and agent hooks it and ipc.c call are recorded stand-ins.
 */
#include "../../hypervisor/core/adu.c"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <core/ipc.h>
#include <core/mgmt.h>

#include "ipc_host.h"

struct host_log host;
static uint8_t ram[HOST_NADUS][HOST_RAM_SIZE] __attribute__((aligned(4096)));
static struct cpu host_cpu;

/* ram_hpa must be a constant here: the arrays are placed at setup. */
const struct vh_cfg vh_cfg = {
    .name = "host",
    .ncpus = 1,
    .nadus = HOST_NADUS,
    .adu = {
        {.name = "zero", .ram_size = HOST_RAM_SIZE, .n_be_vcpus = 1,
         .msg_send_mask = (1u << 1) | (1u << 2), .msg_depth = 4, .msg_size = 64},
        {.name = "one", .ram_size = HOST_RAM_SIZE, .n_be_vcpus = 2, .msg_send_mask = 1u << 0,
         .msg_depth = 8, .msg_size = 256},
        {.name = "two", .ram_size = HOST_RAM_SIZE, .n_be_vcpus = 1, .msg_depth = 2,
         .msg_size = 4096},
        {.name = "mgr", .ram_size = HOST_RAM_SIZE, .n_be_vcpus = 1, .caps = VH_CAP(MANAGE),
         .msg_send_mask = 1u << 0, .msg_depth = 2, .msg_size = 128},
    },
};
static struct vh_cfg_adu cfgs[HOST_NADUS];

void host_setup(void)
{
    memset(&host, 0, sizeof host);
    adu_count = HOST_NADUS;
    for (uint32_t i = 0; i < HOST_NADUS; i++) {
        cfgs[i] = vh_cfg.adu[i];
        cfgs[i].ram_hpa = (uint64_t)(uintptr_t)ram[i];
        struct adu *a = &adus[i];
        a->cfg = &cfgs[i];
        a->id = i;
        a->state = ADU_RUNNING;
        for (uint32_t j = 0; j < cfgs[i].n_be_vcpus; j++) {
            struct vcpu *v = &vcpu_pool[i * VH_MAX_BE_VCPUS + j];
            v->id = (uint16_t)(i * VH_MAX_BE_VCPUS + j);
            v->index = (uint16_t)j;
            v->kind = VCPU_BE;
            v->adu = a;
            v->state = VCPU_RUNNING;
            v->cpu = -1;
            v->arch.regs.sepc = 0x80200004;
            a->be[j] = v;
        }
        ipc_adu_reset(a);
    }
}

uint64_t host_gpa(uint64_t off)
{
    return VH_GUEST_RAM_GPA + off;
}

uint8_t *host_ram(uint32_t adu, uint64_t off)
{
    return &ram[adu][off];
}

/* ---- stand-ins ---- */

struct cpu *this_cpu(void)
{
    return &host_cpu;
}

void vh_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    host.logs++;
}

void vh_panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    abort();
}

void sched_be_wake(struct vcpu *v)
{
    host.wakes[v->id]++;
    if (v->state == VCPU_BLOCKED) {
        v->state = VCPU_RUNNABLE;
    }
}

void sched_be_block(struct cpu *c, struct vcpu *v, uint64_t wake_at)
{
    (void)c;
    v->wake_at = wake_at;
    v->state = VCPU_BLOCKED;
}

void sched_kick_vcpu(struct vcpu *v)
{
    (void)v;
}

void sched_be_start(struct vcpu *v)
{
    v->state = VCPU_RUNNABLE;
}

void sched_vcpu_stop(struct vcpu *v)
{
    v->state = VCPU_STOPPED;
}

void rt_destroy_adu(struct adu *a)
{
    (void)a;
}

void vuart_flush(struct adu *a)
{
    (void)a;
}

int arch_adu_space_init(struct adu *a)
{
    (void)a;
    return 0;
}

void arch_vcpu_reset(struct vcpu *v, uint64_t entry, uint64_t a0, uint64_t a1)
{
    v->arch.regs.sepc = entry;
    v->arch.regs.x[10] = a0;
    v->arch.regs.x[11] = a1;
}

void arch_vcpu_load(struct vcpu *v)
{
    (void)v;
}

void arch_vcpu_irq_post(struct vcpu *v, uint32_t virq)
{
    if (virq & VH_VIRQ_SOFT) {
        host.irq_posts[v->id]++;
    }
}

void arch_vcpu_set_ret(struct vcpu *v, int64_t err, uint64_t value)
{
    v->arch.regs.x[10] = (uint64_t)err;
    v->arch.regs.x[11] = value;
}

void arch_vcpu_hcall_restart(struct vcpu *v)
{
    v->arch.regs.sepc -= 4;
    host.restarts++;
}

bool mgmt_rpc_fits(const struct cpu *c)
{
    (void)c;
    return !host.agent_no_room;
}

/* The agent: answers "ok" to managers and "denied" to everyone else. */
long mgmt_rpc_packet(bool caller_may_manage, const uint8_t *req, size_t len, uint8_t *resp,
                     size_t cap)
{
    (void)req;
    host.agent_calls++;
    host.agent_may_manage = caller_may_manage;
    host.agent_req_len = len;
    const char *answer = caller_may_manage ? "ok" : "denied";
    if (strlen(answer) > cap) {
        return VH_EMSGSIZE;
    }
    memcpy(resp, answer, strlen(answer));
    return (long)strlen(answer);
}
