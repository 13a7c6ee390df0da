/*
 * Internals shared by the agent's files (agent.c: link, modes, output;
 * rpc.c: decode, dispatch, op cache, mutations; rpc_info.c: the read-only
 * calls and stats messages).  Not part of the API.
 */
#ifndef MGMT_AGENT_PRIV_H
#define MGMT_AGENT_PRIV_H

#include <mgmt/agent.h>
#include <pb_decode.h>
#include <pb_encode.h>
#include <string.h>

#include "wire.h"
#include "vh.pb.h"

/* What lives in struct mgmt_agent's scratch: the decoded request and the
 * response being built (too big for a hypervisor stack). */
struct mgmt_scratch {
    vh_Request req;
    vh_Response resp;
};
_Static_assert(sizeof(struct mgmt_scratch) <= MGMT_SCRATCH_BYTES, "MGMT_SCRATCH_BYTES too small");
_Static_assert(vh_Request_size <= MGMT_RXQ_BYTES, "MGMT_RXQ_BYTES below a Request");

/* Room kept in a Response for call_id, status, detail and the result's tag
 * and length when sizing a list or stats result to the frame. */
#define MGMT_RESP_OVERHEAD (6 + 2 + 2 + 127 + 1 + 3)

static inline struct mgmt_scratch *mgmt__scratch(struct mgmt_agent *a)
{
    return (struct mgmt_scratch *)(void *)a->scratch;
}

/* agent.c */
bool mgmt__send(struct mgmt_agent *a, uint8_t channel, const uint8_t *p, size_t n);

/* rpc.c */
long mgmt__rpc_serve(struct mgmt_agent *a, bool may_manage, bool over_link, const uint8_t *req,
                     size_t len, uint8_t *out, size_t cap);
void mgmt__subs_clear(struct mgmt_agent *a);
bool mgmt__stats_due(const struct mgmt_agent *a);
void mgmt__stats_step(struct mgmt_agent *a);

/* rpc_info.c */
void mgmt__copy_str(char *dst, size_t cap, const char *src);
size_t mgmt__str_len(const char *s, size_t cap);
vh_Status mgmt__status_of(long err);
long mgmt__adu_by_name(struct mgmt_agent *a, const char *name, uint32_t *id, char *why, size_t n);
void mgmt__system_info(struct mgmt_agent *a, vh_SystemInfo *out);
void mgmt__list_adus(struct mgmt_agent *a, vh_Response *r, size_t budget);
void mgmt__list_vcpus(struct mgmt_agent *a, vh_Response *r, const char *adu, size_t budget);
void mgmt__fill_stats(struct mgmt_agent *a, struct mgmt_sub *s, vh_Stats *st, size_t budget);
int32_t mgmt__rt_index(struct mgmt_agent *a, uint32_t vcpu_id);

#endif /* MGMT_AGENT_PRIV_H */
