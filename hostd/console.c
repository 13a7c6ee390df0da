/*
 * Console demultiplexing: each ADU's output (channel LINK_CH_CONSOLE0 + ADU
 * id) goes into that ADU's 64 KiB scrollback ring and to every client
 * attached to it.  An attach first replays the ring, so `vhctl console ADU`
 * shows what was printed before.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "vhd.h"

#define VHD__CHUNK 4096

void vhd_ring_put(struct vhd_ring *r, const uint8_t *p, size_t n)
{
    if (!r->buf && !(r->buf = malloc(VHD_SCROLLBACK)))
        return;
    if (n > VHD_SCROLLBACK) {
        p += n - VHD_SCROLLBACK;
        n = VHD_SCROLLBACK;
    }
    while (n) {
        size_t room = VHD_SCROLLBACK - r->head, k = n < room ? n : room;
        memcpy(r->buf + r->head, p, k);
        r->head = (r->head + k) % VHD_SCROLLBACK;
        r->len = r->len + k > VHD_SCROLLBACK ? VHD_SCROLLBACK : r->len + k;
        p += k;
        n -= k;
    }
}

size_t vhd_ring_read(const struct vhd_ring *r, uint8_t *out, size_t cap)
{
    size_t n = r->len < cap ? r->len : cap;
    size_t start = (r->head + VHD_SCROLLBACK - r->len) % VHD_SCROLLBACK;
    for (size_t i = 0; i < n; i++)
        out[i] = r->buf[(start + i) % VHD_SCROLLBACK];
    return n;
}

void vhd_ring_free(struct vhd_ring *r)
{
    free(r->buf);
    memset(r, 0, sizeof(*r));
}

static void vhd__console_send(struct vhd_stream *s, const uint8_t *p, size_t n, int scrollback)
{
    Vhd__ConsoleData cd = VHD__CONSOLE_DATA__INIT;
    Vhd__ClientResponse m = VHD__CLIENT_RESPONSE__INIT;
    cd.adu = s->adu_name;
    cd.data.data = (uint8_t *)p;
    cd.data.len = n;
    cd.scrollback = scrollback;
    m.id = s->id;
    m.target = s->t ? s->t->name : (char *)"";
    m.result_case = VHD__CLIENT_RESPONSE__RESULT_CONSOLE;
    m.console = &cd;
    if (scrollback && s->c)
        vhd_client_send(s->c, &m); /* the replay is not dropped */
    else
        vhd_stream_send(s, &m);
}

static struct vhd_ring *vhd__console_ring(struct vhd_target *t, int adu)
{
    return adu < 0 ? &t->log : &t->con[adu];
}

void vhd_console_output(struct vhd_target *t, int adu, const uint8_t *p, size_t n)
{
    if (adu >= VHD_NCONSOLES)
        return;
    vhd_ring_put(vhd__console_ring(t, adu), p, n);
    struct vhd_list *pos, *tmp;
    vhd_list_for_each_safe(pos, tmp, &t->attaches)
    {
        struct vhd_stream *s = vhd_container_of(pos, struct vhd_stream, tlink);
        if (s->adu == adu)
            vhd__console_send(s, p, n, 0);
    }
}

void vhd_console_attach(struct vhd_target *t, struct vhd_stream *s, int scrollback)
{
    vhd_list_add_tail(&t->attaches, &s->tlink);
    struct vhd_ring *r = vhd__console_ring(t, s->adu);
    if (!scrollback || !r->len)
        return;
    uint8_t *all = malloc(r->len);
    if (!all)
        return;
    size_t n = vhd_ring_read(r, all, r->len);
    for (size_t off = 0; off < n; off += VHD__CHUNK)
        vhd__console_send(s, all + off, n - off < VHD__CHUNK ? n - off : VHD__CHUNK, 1);
    free(all);
}

int vhd_console_adu_id(struct vhd_target *t, const char *name)
{
    if (strcmp(name, "log") == 0)
        return -1;
    for (int i = 0; i < VHD_NCONSOLES; i++)
        if (t->adu_name[i][0] && strcmp(t->adu_name[i], name) == 0)
            return i;
    return -2;
}
