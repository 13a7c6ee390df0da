/*
 * BareOS messaging driver (see msg.h) over the vhcall wrappers.
 */
#include "msg.h"
#include "sbi.h"
#include "vhcall.h"

long msg_send(uint32_t dest, const void *buf, size_t len)
{
    return vh_msg_send(dest, buf, len);
}

long msg_recv(void *buf, size_t cap, uint32_t *src, bool block)
{
    size_t len = 0;
    long r = vh_msg_recv(buf, cap, block ? VH_MSG_F_BLOCK : 0, &len, src);
    return r < 0 ? r : (long)len;
}

uint32_t msg_pending(void)
{
    uint32_t n = 0;
    return vh_msg_query(&n, NULL) == 0 ? n : 0;
}

uint32_t msg_free(void)
{
    uint32_t n = 0;
    return vh_msg_query(NULL, &n) == 0 ? n : 0;
}

long msg_notify_enable(void)
{
    /* vh_msg_query() passes no flags: call the hypercall with a0 = NOTIFY. */
    return sbi_ecall(VH_SBI_EXT, VH_HC_MSG_QUERY, VH_MSG_F_NOTIFY, 0, 0, 0, 0, 0).error;
}
