/*
 * vh guest ABI: the one header shared by the hypervisor, guests (BareOS,
 * RT-App), the management agent and the host tools.
 *
 * Hypercalls use the SBI calling convention from VS-mode: `ecall` with the
 * extension id VH_SBI_EXT in a7, the function id in a6 and arguments in
 * a0..a5.  On return a0 holds 0 or a negative VH_E* code and a1 a value.
 * Every struct passed by address lives in the calling ADU's own memory; the
 * hypervisor checks each address and length against that ADU's RAM.
 *
 * Freestanding: only <stdint.h> is needed, so this compiles on the target
 * and on the host alike.
 */
#ifndef VH_ABI_H
#define VH_ABI_H

#include <stdint.h>

/* SBI extension id of vh's hypercalls: firmware-specific space, "VH". */
#define VH_SBI_EXT 0x0A005648UL
/* What vh reports as its SBI implementation id (BASE.get_impl_id). */
#define VH_SBI_IMPL_ID 0x5648UL
#define VH_SBI_IMPL_VERSION 0x00010000UL

/* Hypercall function ids (a6). Numbers are stable: never reuse one. */
#define VH_HC_NULL 0        /* no-op round trip, for measurement           */
#define VH_HC_INFO 1        /* a0 = struct vh_info * (out)                  */
#define VH_HC_RT_CREATE 2   /* a0 = struct vh_rt_params *; a1 <- rt id      */
#define VH_HC_RT_WAIT 3     /* end this job; a1 <- next release time (ticks)*/
#define VH_HC_RT_EXIT 4     /* destroy the calling RT-VCPU                  */
#define VH_HC_RT_QUERY 5    /* a0 = rt id (-1: self), a1 = struct vh_rt_info * */
#define VH_HC_RT_SET 6      /* a0 = rt id, a1 = struct vh_rt_params * (timing only) */
#define VH_HC_RT_MIGRATE 7  /* a0 = rt id, a1 = cpu                         */
#define VH_HC_RT_DESTROY 8  /* a0 = rt id (one of the caller's ADU)         */
#define VH_HC_RESERVE_SET 9 /* a0 = new reservation of the caller, in ppm   */
#define VH_HC_BE_AFFINITY 10 /* a0 = BE-VCPU index in ADU, a1 = cpu mask   */
#define VH_HC_RT_STATS 11   /* a0 = rt id (-1: self), a1 = struct vh_rt_stats * */
#define VH_HC_MSG_SEND 16   /* a0 = dest ADU id, a1 = buf, a2 = len         */
#define VH_HC_MSG_RECV 17   /* a0 = buf, a1 = cap, a2 = flags; a1 <- len|src<<32 */
#define VH_HC_MSG_QUERY 18  /* a0 = flags; a1 <- pending | free << 32       */
#define VH_HC_CONSOLE_PUT 19 /* a0 = buf, a1 = len: write to own console;    \
                                a1 <- bytes written (at most 64: call again) */

/*
 * Error codes: one list makes the enum and the strings, so the hypervisor,
 * guests and host tools print the same words.
 */
#define VH_ERRNO_MAP(X)                                                          \
    X(EINVAL, 1, "invalid argument")                                             \
    X(EFAULT, 2, "address outside the caller's memory")                          \
    X(ENOMEM, 3, "out of resources")                                             \
    X(EPERM, 4, "not permitted")                                                 \
    X(ENOENT, 5, "no such object")                                               \
    X(EBUSY, 6, "busy")                                                          \
    X(EAGAIN, 7, "try again")                                                    \
    X(ENOSYS, 8, "not implemented")                                              \
    X(ERANGE, 9, "value out of range")                                           \
    X(EADU_RESERVE, 10, "admission refused: ADU reservation exceeded")           \
    X(ECPU_CAPACITY, 11, "admission refused: CPU capacity exceeded")             \
    X(EFRAGMENTED, 12, "admission refused: capacity fragmented across CPUs")     \
    X(EMACHINE_LIMIT, 13, "reservations would exceed the machine's RT limit")    \
    X(EQUEUE_FULL, 14, "destination queue full")                                 \
    X(EMSGSIZE, 15, "message too large")                                         \
    X(ENOMSG, 16, "no message")                                                  \
    X(ESTATE, 17, "object in the wrong state")

enum vh_errno {
    VH_OK = 0,
#define VH__ERR_ENUM(name, num, text) VH_##name = -(num),
    VH_ERRNO_MAP(VH__ERR_ENUM)
#undef VH__ERR_ENUM
};

/* Human text of a VH_E* code (static storage; unknown codes say so). */
static inline const char *vh_strerror(long err)
{
    switch (err) {
    case VH_OK:
        return "ok";
#define VH__ERR_STR(name, num, text)                                             \
    case -(num):                                                                 \
        return text;
        VH_ERRNO_MAP(VH__ERR_STR)
#undef VH__ERR_STR
    default:
        return "unknown error";
    }
}

/* Symbolic name of a VH_E* code ("EINVAL"). */
static inline const char *vh_errname(long err)
{
    switch (err) {
    case VH_OK:
        return "OK";
#define VH__ERR_NAME(name, num, text)                                            \
    case -(num):                                                                 \
        return #name;
        VH_ERRNO_MAP(VH__ERR_NAME)
#undef VH__ERR_NAME
    default:
        return "EUNKNOWN";
    }
}

#define VH_CPU_AUTO (-1)
#define VH_RT_SELF (-1)

/* VH_HC_RT_CREATE / VH_HC_RT_SET argument. Times are in nanoseconds. */
struct vh_rt_params {
    uint64_t entry;       /* guest physical address of the job's code     */
    uint64_t arg;         /* passed in a0 at every release                 */
    uint64_t stack;       /* initial sp (top of a stack in the ADU's RAM)  */
    uint64_t period_ns;
    uint64_t deadline_ns; /* relative, <= period; 0 means = period         */
    uint64_t budget_ns;   /* capacity per period, <= deadline              */
    int32_t cpu;          /* physical CPU, or VH_CPU_AUTO                  */
    uint32_t flags;       /* VH_RT_F_*                                     */
};
_Static_assert(sizeof(struct vh_rt_params) == 56, "vh_rt_params layout");

#define VH_RT_F_DRY_RUN (1u << 0) /* only answer whether admission passes */

/* VH_HC_INFO answer. */
struct vh_info {
    uint32_t abi_version;
    uint32_t adu_id;
    uint32_t ncpus;          /* physical CPUs of the machine            */
    uint32_t n_be_vcpus;     /* this ADU's BE-VCPUs                     */
    uint32_t reserve_ppm;    /* this ADU's RT reservation (of the machine) */
    uint32_t reserve_used_ppm;
    uint64_t timebase_hz;
    char adu_name[16];
};
_Static_assert(sizeof(struct vh_info) == 48, "vh_info layout");

#define VH_ABI_VERSION 1

/* VH_HC_RT_QUERY answer. */
struct vh_rt_info {
    struct vh_rt_params params;
    int32_t id;
    int32_t cpu;
    uint32_t adu_id;
    uint32_t state; /* VH_RT_STATE_* */
};
_Static_assert(sizeof(struct vh_rt_info) == 72, "vh_rt_info layout");

#define VH_RT_STATE_READY 0
#define VH_RT_STATE_RUNNING 1
#define VH_RT_STATE_WAITING 2   /* job done, waiting for the next release */
#define VH_RT_STATE_THROTTLED 3 /* budget spent, waiting for the next release */

/* Jitter histogram: fixed buckets so histograms merge by adding counts. */
#define VH_HIST_BUCKETS 16
/* Upper bounds (exclusive) in ns of buckets 0..14; bucket 15 is overflow. */
#define VH_HIST_BOUNDS_NS                                                       \
    {250, 500, 1000, 2000, 4000, 8000, 16000, 32000, 64000, 128000, 256000,    \
     512000, 1024000, 2048000, 4096000}

/* VH_HC_RT_STATS answer: what vh measured for one RT-VCPU (ns). */
struct vh_rt_stats {
    uint64_t releases;
    uint64_t jitter_min_ns;
    uint64_t jitter_max_ns;
    uint64_t jitter_sum_ns;
    uint64_t jitter_sumsq_ns2; /* sum of squares, for the SD             */
    uint64_t resp_max_ns;      /* response time: release to job end      */
    uint64_t resp_sum_ns;
    uint64_t misses;
    uint64_t overruns;
    uint64_t migrations;
    uint32_t hist[VH_HIST_BUCKETS];
};
_Static_assert(sizeof(struct vh_rt_stats) == 144, "vh_rt_stats layout");

/* VH_HC_MSG_RECV flags (a2); VH_HC_MSG_QUERY takes VH_MSG_F_NOTIFY in a0. */
#define VH_MSG_F_BLOCK (1u << 0)  /* RECV: wait for a message (BE-VCPUs only) */
#define VH_MSG_F_NOTIFY (1u << 1) /* from now on, each message that arrives posts
                                     a soft interrupt to the ADU's BE-VCPU 0 */

/*
 * VH_HC_MSG_SEND destination (and RECV source) of the hypervisor's
 * management agent: the message is one encoded vh.proto Request; the
 * encoded Response arrives in the sender's own queue from this source.
 */
#define VH_MSG_DEST_MGMT 0xFFFFu
#define VH_MSG_SIZE_MAX 4096u /* largest msg_size a scenario may set */

#endif /* VH_ABI_H */
