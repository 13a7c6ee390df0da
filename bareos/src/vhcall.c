/*
 * vh hypercall wrappers: each one is a single ecall with a7 = VH_SBI_EXT
 * and a6 = the VH_HC_* id, returning a0 (0 or -VH_E*) and storing a1 where
 * the caller asked.  BareOS runs with translation off, so a pointer is the
 * guest physical address vh expects.
 */
#include "sbi.h"
#include "vhcall.h"

static struct sbiret hc(unsigned long fid, unsigned long a0, unsigned long a1,
                        unsigned long a2)
{
    return sbi_ecall(VH_SBI_EXT, fid, a0, a1, a2, 0, 0, 0);
}

static unsigned long ptr(const void *p)
{
    return (unsigned long)(uintptr_t)p;
}

bool vh_present(void)
{
    static int cached = -1;
    if (cached < 0)
        cached = sbi_get_impl_id() == VH_SBI_IMPL_ID;
    return cached != 0;
}

long vh_hc_null(void)
{
    return hc(VH_HC_NULL, 0, 0, 0).error;
}

long vh_hc_info(struct vh_info *info)
{
    return hc(VH_HC_INFO, ptr(info), 0, 0).error;
}

long vh_rt_create(const struct vh_rt_params *params, long *id_out)
{
    struct sbiret r = hc(VH_HC_RT_CREATE, ptr(params), 0, 0);
    if (r.error == 0 && id_out != NULL)
        *id_out = r.value;
    return r.error;
}

long vh_rt_wait(uint64_t *next_release)
{
    struct sbiret r = hc(VH_HC_RT_WAIT, 0, 0, 0);
    if (r.error == 0 && next_release != NULL)
        *next_release = (uint64_t)r.value;
    return r.error;
}

long vh_rt_exit(void)
{
    return hc(VH_HC_RT_EXIT, 0, 0, 0).error;
}

long vh_rt_query(long id, struct vh_rt_info *info)
{
    return hc(VH_HC_RT_QUERY, (unsigned long)id, ptr(info), 0).error;
}

long vh_rt_set(long id, const struct vh_rt_params *params)
{
    return hc(VH_HC_RT_SET, (unsigned long)id, ptr(params), 0).error;
}

long vh_rt_migrate(long id, long cpu)
{
    return hc(VH_HC_RT_MIGRATE, (unsigned long)id, (unsigned long)cpu, 0).error;
}

long vh_rt_destroy(long id)
{
    return hc(VH_HC_RT_DESTROY, (unsigned long)id, 0, 0).error;
}

long vh_reserve_set(uint32_t reserve_ppm)
{
    return hc(VH_HC_RESERVE_SET, reserve_ppm, 0, 0).error;
}

long vh_be_affinity(uint32_t be_vcpu, uint64_t cpu_mask)
{
    return hc(VH_HC_BE_AFFINITY, be_vcpu, cpu_mask, 0).error;
}

long vh_rt_stats(long id, struct vh_rt_stats *stats)
{
    return hc(VH_HC_RT_STATS, (unsigned long)id, ptr(stats), 0).error;
}

long vh_msg_send(uint32_t dest_adu, const void *buf, size_t len)
{
    return hc(VH_HC_MSG_SEND, dest_adu, ptr(buf), len).error;
}

long vh_msg_recv(void *buf, size_t cap, uint32_t flags, size_t *len_out,
                 uint32_t *src_out)
{
    struct sbiret r = hc(VH_HC_MSG_RECV, ptr(buf), cap, flags);
    uint64_t v = (uint64_t)r.value;
    if (r.error == 0 && len_out != NULL)
        *len_out = (size_t)(v & 0xffffffffu);
    if (r.error == 0 && src_out != NULL)
        *src_out = (uint32_t)(v >> 32);
    return r.error;
}

long vh_msg_query(uint32_t *pending_out, uint32_t *free_out)
{
    struct sbiret r = hc(VH_HC_MSG_QUERY, 0, 0, 0);
    uint64_t v = (uint64_t)r.value;
    if (r.error == 0 && pending_out != NULL)
        *pending_out = (uint32_t)(v & 0xffffffffu);
    if (r.error == 0 && free_out != NULL)
        *free_out = (uint32_t)(v >> 32);
    return r.error;
}

/* vh writes a bounded part per call and says how much: loop for the rest. */
long vh_console_put(const char *buf, size_t len)
{
    while (len != 0) {
        struct sbiret r = hc(VH_HC_CONSOLE_PUT, ptr(buf), len, 0);
        if (r.error != 0)
            return r.error;
        if (r.value == 0 || (size_t)r.value > len)
            return -1;
        buf += r.value;
        len -= (size_t)r.value;
    }
    return 0;
}
