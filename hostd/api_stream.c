/*
 * Local API requests that open or close streams (console attach/detach,
 * stats subscribe/unsubscribe), console input and symbol resolution.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elfsym.h"
#include "log.h"
#include "vhd.h"
#include "vhd_api.h"

static struct vhd_stream *vhd__stream_new(struct vhd_client *c, struct vhd_target *t,
                                          enum vhd_stream_kind kind, uint32_t id)
{
    struct vhd_stream *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->c = c;
    s->t = t;
    s->kind = kind;
    s->id = id;
    vhd_list_init(&s->tlink);
    vhd_list_add_tail(&c->streams, &s->clink);
    return s;
}

static struct vhd_stream *vhd__stream_find(struct vhd_client *c, uint32_t id)
{
    struct vhd_list *pos, *tmp;
    vhd_list_for_each_safe(pos, tmp, &c->streams)
    {
        struct vhd_stream *s = vhd_container_of(pos, struct vhd_stream, clink);
        if (s->id == id)
            return s;
    }
    return NULL;
}

void vhd_api_stats_subscribe(struct vhd_client *c, struct vhd_target *t,
                             const Vhd__ClientRequest *rq)
{
    uint32_t hz = rq->stats_subscribe->rate_hz ? rq->stats_subscribe->rate_hz : 10;
    if (hz > 100) {
        vhd_client_reply(c, rq->id, t->name, VH__STATUS__INVALID_ARGUMENT,
                         "stats rate must be 1..100 Hz");
        return;
    }
    struct vhd_stream *s = vhd__stream_new(c, t, VHD_STREAM_STATS, rq->id);
    if (!s) {
        vhd_client_drop(c, "out of memory");
        return;
    }
    s->rate_hz = hz;
    vhd_client_reply(c, rq->id, t->name, VH__STATUS__OK, "subscribed");
    vhd_fanout_add(t, s);
}

void vhd_api_stream_close(struct vhd_client *c, const Vhd__ClientRequest *rq, uint32_t which)
{
    struct vhd_stream *s = vhd__stream_find(c, which);
    if (!s) {
        char why[96];
        snprintf(why, sizeof(why), "no open stream with id %u", which);
        vhd_client_reply(c, rq->id, rq->target, VH__STATUS__NOT_FOUND, why);
        return;
    }
    vhd_stream_end(s, VH__STATUS__OK, "closed by the client");
    vhd_client_reply(c, rq->id, rq->target, VH__STATUS__OK, "closed");
}

static void vhd__known_adus(struct vhd_target *t, char *out, size_t cap)
{
    size_t len = 0;
    out[0] = 0;
    for (int i = 0; i < VHD_NCONSOLES && len < cap; i++)
        if (t->adu_name[i][0])
            len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? ", " : "", t->adu_name[i]);
    if (!len)
        snprintf(out, cap, "none known yet");
}

static void vhd__attach_now(struct vhd_client *c, struct vhd_target *t, uint32_t id,
                            const char *adu, int scrollback)
{
    int idx = vhd_console_adu_id(t, adu);
    if (idx < -1) {
        char why[256], known[160];
        vhd__known_adus(t, known, sizeof(known));
        snprintf(why, sizeof(why), "no ADU '%s' on target '%s' (ADUs: %s; 'log' is the "
                 "hypervisor log)", adu, t->name, known);
        vhd_client_reply(c, id, t->name, VH__STATUS__NOT_FOUND, why);
        return;
    }
    struct vhd_stream *s = vhd__stream_new(c, t, VHD_STREAM_CONSOLE, id);
    if (!s) {
        vhd_client_drop(c, "out of memory");
        return;
    }
    s->adu = idx;
    snprintf(s->adu_name, sizeof(s->adu_name), "%s", adu);
    vhd_client_reply(c, id, t->name, VH__STATUS__OK, "attached");
    vhd_console_attach(t, s, scrollback);
}

static void vhd__attach_listed(struct vhd_call *call, const Vh__Response *r, int status,
                               const char *detail)
{
    vhd_api_note_adus(call->t, r);
    if (!call->c)
        return;
    if (!r) {
        vhd_client_reply(call->c, call->req_id, call->t->name, status, detail);
        return;
    }
    vhd__attach_now(call->c, call->t, call->req_id, call->ctx_str, !(uintptr_t)call->ctx);
}

void vhd_api_console_attach(struct vhd_client *c, struct vhd_target *t,
                            const Vhd__ClientRequest *rq)
{
    const Vhd__ConsoleAttachReq *a = rq->console_attach;
    if (vhd_console_adu_id(t, a->adu) >= -1 || t->state != VHD__LINK_STATE__LINK_UP) {
        vhd__attach_now(c, t, rq->id, a->adu, !a->no_scrollback);
        return;
    }
    /* Not in the cache: ask the target for its ADUs first. */
    Vh__Request fw = VH__REQUEST__INIT;
    Vh__ListAdusReq la = VH__LIST_ADUS_REQ__INIT;
    fw.call_case = VH__REQUEST__CALL_LIST_ADUS;
    fw.list_adus = &la;
    struct vhd_call *call = vhd_rpc_call(t, &fw, 0, rq->timeout_ms, vhd__attach_listed);
    if (!call)
        return;
    call->c = c;
    call->req_id = rq->id;
    call->ctx = (void *)(uintptr_t)a->no_scrollback;
    snprintf(call->ctx_str, sizeof(call->ctx_str), "%s", a->adu);
}

void vhd_api_console_input(struct vhd_client *c, struct vhd_target *t,
                           const Vhd__ClientRequest *rq)
{
    Vh__Request fw = VH__REQUEST__INIT;
    Vh__ConsoleInputReq in = VH__CONSOLE_INPUT_REQ__INIT;
    in.adu = rq->console_input->adu;
    in.data = rq->console_input->data;
    fw.call_case = VH__REQUEST__CALL_CONSOLE_INPUT;
    fw.console_input = &in;
    vhd_api_forward(c, t, rq, &fw);
}

/* The ELF image of ADU `adu`: from the qemu: spec's scenario, or from the
 * scenario the target named in its Hello. */
static const char *vhd__adu_image(struct vhd_target *t, const char *adu, char *why, size_t wl)
{
    if (!t->scen && t->scenario[0]) {
        struct vhd_scen_info *s = calloc(1, sizeof(*s));
        if (s && vhd_scen_load(t->d->source_dir, t->d->build_dir, t->scenario, s, why, wl) == 0)
            t->scen = s;
        else
            free(s);
    }
    if (!t->scen) {
        if (!t->scenario[0])
            snprintf(why, wl, "target '%s' has no known scenario, so no ADU images; "
                     "give --entry as an address (e.g. 0x80200000)", t->name);
        return NULL;
    }
    int i = vhd_scen_find_adu(t->scen, adu);
    if (i < 0 || !t->scen->image[i][0]) {
        snprintf(why, wl, "scenario %.300s has no ADU '%.32s' with an image", t->scen->file, adu);
        return NULL;
    }
    return t->scen->image[i];
}

void vhd_api_resolve_symbol(struct vhd_client *c, struct vhd_target *t,
                            const Vhd__ClientRequest *rq)
{
    const Vhd__ResolveSymbolReq *q = rq->resolve_symbol;
    char why[512];
    const char *img = vhd__adu_image(t, q->adu, why, sizeof(why));
    if (!img) {
        vhd_client_reply(c, rq->id, t->name, VH__STATUS__NOT_FOUND, why);
        return;
    }
    uint64_t addr;
    int rc = vhd_elf_lookup(img, q->symbol, &addr);
    if (rc) {
        snprintf(why, sizeof(why), "symbol '%s' in %s: %s", q->symbol, img, vhd_elf_strerror(rc));
        vhd_client_reply(c, rq->id, t->name, VH__STATUS__NOT_FOUND, why);
        return;
    }
    Vhd__SymbolResult sr = VHD__SYMBOL_RESULT__INIT;
    Vhd__ClientResponse m = VHD__CLIENT_RESPONSE__INIT;
    sr.address = addr;
    sr.image = (char *)img;
    m.id = rq->id;
    m.target = t->name;
    m.result_case = VHD__CLIENT_RESPONSE__RESULT_SYMBOL;
    m.symbol = &sr;
    vhd_client_send(c, &m);
}
