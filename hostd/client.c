/*
 * One local API client: reads length-prefixed ClientRequests, writes
 * ClientResponses.  A malformed or oversize message drops only this client.
 *
 * Output is bounded by what the client leaves unread, never by how much is
 * sent per loop turn: uv_write hands each message to the kernel at once
 * while its socket buffer has room, and only what does not fit stays queued
 * in libuv (uv_stream_get_write_queue_size).  Once those bytes reach the
 * client's budget (vhd.h: VHD_CLIENT_QUEUE_BYTES + VHD_CLIENT_QUEUE_PER_STREAM
 * per open stream, at most VHD_CLIENT_QUEUE_MAX) stream messages are skipped
 * and counted per stream, and the stream's next message is preceded by a Gap
 * with the count; so a client that reads is sent everything however many
 * targets it follows, and one that does not never blocks the daemon or
 * makes it grow.  Messages that are not droppable (answers, console
 * replays, stream ends) are always queued, and past VHD_CLIENT_HARD_BYTES
 * queued the client is dropped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "log.h"
#include "vhd.h"

struct vhd__wreq {
    uv_write_t req;
    struct vhd_client *c;
    uint8_t data[];
};

static void vhd__client_closed(uv_handle_t *h)
{
    struct vhd_client *c = h->data;
    vhd_framer_free(&c->fr);
    free(c);
}

static void vhd__client_forget(struct vhd_client *c)
{
    struct vhd_list *pos, *tmp;
    vhd_list_for_each_safe(pos, tmp, &c->d->targets)
        vhd_target_forget_client(vhd_container_of(pos, struct vhd_target, link), c);
    vhd_list_for_each_safe(pos, tmp, &c->streams)
    {
        struct vhd_stream *s = vhd_container_of(pos, struct vhd_stream, clink);
        s->c = NULL;
        vhd_list_del(&s->clink);
        vhd_stream_end(s, VH__STATUS__CANCELLED, "client gone");
    }
}

void vhd_client_drop(struct vhd_client *c, const char *why)
{
    if (c->closing)
        return;
    c->closing = 1;
    if (why)
        vhd_warn("client #%u (uid %d pid %d) dropped: %s", c->serial, (int)c->uid, (int)c->pid,
                 why);
    else
        vhd_debug("client #%u closed", c->serial);
    vhd__client_forget(c);
    vhd_list_del(&c->link);
    uv_close((uv_handle_t *)&c->pipe, vhd__client_closed);
}

static void vhd__client_written(uv_write_t *req, int status)
{
    struct vhd__wreq *w = (struct vhd__wreq *)req;
    struct vhd_client *c = w->c;
    c->inflight--;
    free(w);
    if (status < 0 && !c->closing)
        vhd_client_drop(c, uv_strerror(status));
}

/* Bytes written to c that the kernel has not taken yet (its buffer is full):
 * what the client is behind by.  Writes the kernel took do not count even
 * before their callback runs. */
static size_t vhd__client_queued(const struct vhd_client *c)
{
    return uv_stream_get_write_queue_size((const uv_stream_t *)&c->pipe);
}

/* How far behind c may fall before its stream messages are skipped: room for
 * a few messages of each of its streams, as all may send in one loop turn. */
static size_t vhd__client_budget(const struct vhd_client *c)
{
    size_t b = VHD_CLIENT_QUEUE_BYTES;
    const struct vhd_list *pos;
    for (pos = c->streams.next; pos != &c->streams && b < VHD_CLIENT_QUEUE_MAX; pos = pos->next)
        b += VHD_CLIENT_QUEUE_PER_STREAM;
    return b < VHD_CLIENT_QUEUE_MAX ? b : VHD_CLIENT_QUEUE_MAX;
}

/* Whether a stream message for c is to be skipped now.  The write count
 * bounds the per-write overhead when the messages are tiny. */
static int vhd__client_full(const struct vhd_client *c)
{
    size_t q = vhd__client_queued(c);
    if (c->inflight >= VHD_CLIENT_QUEUE_WRITES)
        return 1;
    return q >= VHD_CLIENT_QUEUE_BYTES && q >= vhd__client_budget(c);
}

#define VHD__BEHIND_LOG_NS (10 * 1000000000ull) /* at most one "behind" line per client */

static void vhd__client_skipped(struct vhd_client *c)
{
    c->behind_skipped++;
    if (c->behind)
        return;
    uint64_t now = vhd_now_ns();
    c->behind = 1;
    if (c->behind_logged_ns && now - c->behind_logged_ns < VHD__BEHIND_LOG_NS)
        return;
    c->behind = 2; /* this episode is logged: its end is too */
    c->behind_logged_ns = now;
    vhd_info("client #%u (uid %d pid %d) is behind: %zu KiB unread (budget %zu KiB, %u writes); "
             "skipping its stream messages, counted in gap markers",
             c->serial, (int)c->uid, (int)c->pid, vhd__client_queued(c) / 1024,
             vhd__client_budget(c) / 1024, c->inflight);
}

static void vhd__client_caught_up(struct vhd_client *c)
{
    if (c->behind == 2)
        vhd_info("client #%u caught up: %llu stream messages skipped", c->serial,
                 (unsigned long long)c->behind_skipped);
    c->behind = 0;
    c->behind_skipped = 0;
}

int vhd_client_send(struct vhd_client *c, const Vhd__ClientResponse *m)
{
    if (c->closing)
        return -1;
    size_t queued = vhd__client_queued(c);
    if (queued >= VHD_CLIENT_HARD_BYTES || c->inflight >= VHD_CLIENT_HARD_WRITES) {
        char why[128];
        snprintf(why, sizeof(why), "not reading its answers (%zu KiB unread, %u writes pending)",
                 queued / 1024, c->inflight);
        vhd_client_drop(c, why);
        return -1;
    }
    size_t n = vhd__client_response__get_packed_size(m);
    struct vhd__wreq *w = malloc(sizeof(*w) + 4 + n);
    if (!w) {
        vhd_client_drop(c, "out of memory");
        return -1;
    }
    vhd_frame_put_len(w->data, (uint32_t)n);
    vhd__client_response__pack(m, w->data + 4);
    w->c = c;
    uv_buf_t b = uv_buf_init((char *)w->data, (unsigned)(n + 4));
    int rc = uv_write(&w->req, (uv_stream_t *)&c->pipe, &b, 1, vhd__client_written);
    if (rc < 0) {
        free(w);
        vhd_client_drop(c, uv_strerror(rc));
        return -1;
    }
    c->inflight++;
    return 0;
}

void vhd_client_reply(struct vhd_client *c, uint32_t id, const char *target, int status,
                      const char *detail)
{
    Vhd__ClientResponse m = VHD__CLIENT_RESPONSE__INIT;
    m.id = id;
    m.status = (Vh__Status)status;
    m.detail = (char *)(detail ? detail : "");
    m.target = (char *)(target ? target : "");
    vhd_client_send(c, &m);
}

void vhd_stream_send(struct vhd_stream *s, Vhd__ClientResponse *m)
{
    struct vhd_client *c = s->c;
    if (!c || c->closing)
        return;
    if (vhd__client_full(c)) {
        s->skipped++;
        vhd__client_skipped(c);
        return;
    }
    if (c->behind)
        vhd__client_caught_up(c);
    if (s->skipped) {
        Vhd__Gap gap = VHD__GAP__INIT;
        Vhd__ClientResponse g = VHD__CLIENT_RESPONSE__INIT;
        gap.skipped = s->skipped;
        g.id = s->id;
        g.target = m->target;
        g.result_case = VHD__CLIENT_RESPONSE__RESULT_GAP;
        g.gap = &gap;
        s->skipped = 0;
        if (vhd_client_send(c, &g))
            return;
    }
    m->id = s->id;
    vhd_client_send(c, m);
}

static void vhd__client_handle(struct vhd_client *c, const uint8_t *msg, size_t len)
{
    Vhd__ClientRequest *rq = vhd__client_request__unpack(NULL, len, msg);
    if (!rq) {
        vhd_client_drop(c, "malformed message (not a vhd.ClientRequest)");
        return;
    }
    vhd_api_dispatch(c, rq);
    vhd__client_request__free_unpacked(rq, NULL);
}

static void vhd__client_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b)
{
    (void)h;
    (void)hint;
    static char buf[65536];
    *b = uv_buf_init(buf, sizeof(buf));
}

static void vhd__client_read(uv_stream_t *st, ssize_t n, const uv_buf_t *b)
{
    struct vhd_client *c = st->data;
    if (n < 0) {
        vhd_client_drop(c, n == UV_EOF ? NULL : uv_strerror((int)n));
        return;
    }
    if (vhd_framer_feed(&c->fr, (const uint8_t *)b->base, (size_t)n)) {
        vhd_client_drop(c, "out of memory");
        return;
    }
    const uint8_t *msg;
    size_t len;
    int rc;
    while (!c->closing && (rc = vhd_framer_next(&c->fr, &msg, &len)) != 0) {
        if (rc < 0) {
            char why[96];
            snprintf(why, sizeof(why), "%s (length %u, limit %u)", vhd_framer_strerror(rc),
                     c->fr.bad_len, c->fr.max_msg);
            vhd_client_drop(c, why);
            return;
        }
        vhd__client_handle(c, msg, len);
    }
}

static void vhd__client_peer(struct vhd_client *c)
{
    uv_os_fd_t fd;
    struct ucred cr;
    socklen_t len = sizeof(cr);
    c->uid = (uid_t)-1;
    c->pid = -1;
    if (uv_fileno((uv_handle_t *)&c->pipe, &fd) == 0 &&
        getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) == 0) {
        c->uid = cr.uid;
        c->pid = cr.pid;
    }
}

static struct vhd_client *vhd__client_new(struct vhd *d, int readonly)
{
    struct vhd_client *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->d = d;
    c->readonly = readonly;
    c->serial = ++d->next_serial;
    vhd_framer_init(&c->fr, VHD_API_MAX_MSG);
    vhd_list_init(&c->streams);
    uv_pipe_init(d->loop, &c->pipe, 0);
    c->pipe.data = c;
    return c;
}

static struct vhd_client *vhd__client_start(struct vhd_client *c)
{
    vhd__client_peer(c);
    vhd_list_add_tail(&c->d->clients, &c->link);
    uv_read_start((uv_stream_t *)&c->pipe, vhd__client_alloc, vhd__client_read);
    vhd_debug("client #%u connected (%s, uid %d pid %d)", c->serial,
              c->readonly ? "read-only" : "admin", (int)c->uid, (int)c->pid);
    return c;
}

struct vhd_client *vhd_client_open(struct vhd *d, int fd, int readonly)
{
    struct vhd_client *c = vhd__client_new(d, readonly);
    if (!c)
        return NULL;
    if (uv_pipe_open(&c->pipe, fd) < 0) {
        vhd_list_init(&c->link);
        c->closing = 1;
        uv_close((uv_handle_t *)&c->pipe, vhd__client_closed);
        return NULL;
    }
    return vhd__client_start(c);
}

struct vhd_client *vhd_client_accept(struct vhd *d, uv_stream_t *server, int readonly)
{
    struct vhd_client *c = vhd__client_new(d, readonly);
    if (!c)
        return NULL;
    if (uv_accept(server, (uv_stream_t *)&c->pipe) < 0) {
        c->closing = 1;
        uv_close((uv_handle_t *)&c->pipe, vhd__client_closed);
        return NULL;
    }
    return vhd__client_start(c);
}
