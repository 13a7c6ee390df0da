/*
 * Target transports: a Unix or TCP socket (uv streams) or a serial line
 * (raw fd under uv_poll_t with a small write buffer).  A connection reports
 * to its target with vhd_target_connected / _data / _lost; after
 * vhd_conn_close it is detached (t = NULL) and frees itself once libuv has
 * closed the handle, so a late callback never reaches a dead target.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "vhd.h"

struct vhd_conn {
    struct vhd_target *t;
    enum vhd_spec_kind kind;
    union {
        uv_handle_t h;
        uv_stream_t s;
        uv_pipe_t pipe;
        uv_tcp_t tcp;
        uv_poll_t poll;
    } u;
    int handle_open;
    int fd;                    /* serial */
    uv_connect_t creq;
    uv_getaddrinfo_t gai;
    int gai_busy;
    uint8_t *wq;               /* serial: bytes not yet written */
    size_t wq_len, wq_cap;
};

struct vhd__cwreq {
    uv_write_t req;
    uint8_t data[];
};

static void vhd__conn_destroy(struct vhd_conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    free(c->wq);
    free(c);
}

static void vhd__conn_free(uv_handle_t *h)
{
    vhd__conn_destroy(h->data);
}

void vhd_conn_close(struct vhd_conn *c)
{
    c->t = NULL;
    if (c->gai_busy) {
        uv_cancel((uv_req_t *)&c->gai); /* the callback frees c */
        return;
    }
    if (c->handle_open && !uv_is_closing(&c->u.h))
        uv_close(&c->u.h, vhd__conn_free);
    else if (!c->handle_open)
        vhd__conn_destroy(c);
}

static void vhd__conn_lost(struct vhd_conn *c, const char *why)
{
    if (c->t)
        vhd_target_lost(c->t, why);
}

static void vhd__conn_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b)
{
    (void)h;
    (void)hint;
    static char buf[16384];
    *b = uv_buf_init(buf, sizeof(buf));
}

static void vhd__conn_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
    struct vhd_conn *c = s->data;
    if (n < 0)
        vhd__conn_lost(c, n == UV_EOF ? "connection closed by the target" : uv_strerror((int)n));
    else if (n > 0 && c->t)
        vhd_target_data(c->t, (const uint8_t *)b->base, (size_t)n);
}

static void vhd__conn_connected(uv_connect_t *req, int status)
{
    struct vhd_conn *c = req->data;
    if (!c->t)
        return;
    if (status < 0) {
        vhd__conn_lost(c, uv_strerror(status));
        return;
    }
    uv_read_start(&c->u.s, vhd__conn_alloc, vhd__conn_read);
    vhd_target_connected(c->t);
}

static void vhd__conn_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *ai)
{
    struct vhd_conn *c = req->data;
    c->gai_busy = 0;
    if (!c->t) {
        uv_freeaddrinfo(ai);
        vhd__conn_destroy(c);
        return;
    }
    int rc = status;
    if (rc == 0) {
        rc = uv_tcp_init(c->t->d->loop, &c->u.tcp);
        c->handle_open = rc == 0;
        c->u.h.data = c;
        if (rc == 0)
            rc = uv_tcp_connect(&c->creq, &c->u.tcp, ai->ai_addr, vhd__conn_connected);
    }
    uv_freeaddrinfo(ai);
    if (rc < 0)
        vhd__conn_lost(c, uv_strerror(rc));
}

/* --- serial ------------------------------------------------------------ */

static void vhd__serial_event(uv_poll_t *p, int status, int events);

static void vhd__serial_rearm(struct vhd_conn *c)
{
    uv_poll_start(&c->u.poll, UV_READABLE | (c->wq_len ? UV_WRITABLE : 0), vhd__serial_event);
}

static void vhd__serial_flush(struct vhd_conn *c)
{
    while (c->wq_len) {
        ssize_t n = write(c->fd, c->wq, c->wq_len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            break;
        if (n < 0) {
            vhd__conn_lost(c, strerror(errno));
            return;
        }
        memmove(c->wq, c->wq + n, c->wq_len - (size_t)n);
        c->wq_len -= (size_t)n;
    }
    if (c->t && c->handle_open)
        vhd__serial_rearm(c);
}

static void vhd__serial_event(uv_poll_t *p, int status, int events)
{
    struct vhd_conn *c = p->data;
    if (status < 0) {
        vhd__conn_lost(c, uv_strerror(status));
        return;
    }
    if (events & UV_READABLE) {
        uint8_t buf[4096];
        ssize_t n = read(c->fd, buf, sizeof(buf));
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
            vhd__conn_lost(c, n == 0 ? "serial line closed" : strerror(errno));
            return;
        }
        if (n > 0 && c->t)
            vhd_target_data(c->t, buf, (size_t)n);
    }
    if (c->t)
        vhd__serial_flush(c);
}

static int vhd__serial_open(struct vhd_conn *c, struct vhd_target *t)
{
    c->fd = vhd_serial_open(t->spec.path, t->spec.baud);
    if (c->fd < 0) {
        int e = -c->fd;
        c->fd = -1;
        return -e;
    }
    int rc = uv_poll_init(t->d->loop, &c->u.poll, c->fd);
    if (rc < 0)
        return rc;
    c->handle_open = 1;
    c->u.h.data = c;
    vhd__serial_rearm(c);
    return 0;
}

static int vhd__serial_write(struct vhd_conn *c, const uint8_t *p, size_t n)
{
    if (c->wq_len + n > 1 << 20)
        return UV_ENOBUFS;
    if (c->wq_len + n > c->wq_cap) {
        size_t cap = (c->wq_len + n) * 2;
        uint8_t *q = realloc(c->wq, cap);
        if (!q)
            return UV_ENOMEM;
        c->wq = q;
        c->wq_cap = cap;
    }
    memcpy(c->wq + c->wq_len, p, n);
    c->wq_len += n;
    vhd__serial_flush(c);
    return 0;
}

/* --- open / write ------------------------------------------------------- */

static int vhd__conn_start(struct vhd_conn *c, struct vhd_target *t)
{
    uv_loop_t *loop = t->d->loop;
    int rc;
    switch (t->spec.kind) {
    case VHD_SPEC_SERIAL:
        return vhd__serial_open(c, t);
    case VHD_SPEC_TCP: {
        char port[8];
        snprintf(port, sizeof(port), "%u", t->spec.port);
        struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
        c->gai.data = c;
        rc = uv_getaddrinfo(loop, &c->gai, vhd__conn_resolved, t->spec.host, port, &hints);
        c->gai_busy = rc == 0;
        return rc;
    }
    default: /* unix and qemu (QEMU's chardev socket) */
        rc = uv_pipe_init(loop, &c->u.pipe, 0);
        if (rc < 0)
            return rc;
        c->handle_open = 1;
        c->u.h.data = c;
        c->creq.data = c;
        uv_pipe_connect(&c->creq, &c->u.pipe, t->spec.kind == VHD_SPEC_QEMU ? t->qemu_sock
                        : t->spec.path, vhd__conn_connected);
        return 0;
    }
}

int vhd_conn_open(struct vhd_target *t)
{
    struct vhd_conn *c = calloc(1, sizeof(*c));
    if (!c)
        return UV_ENOMEM;
    c->t = t;
    c->fd = -1;
    c->kind = t->spec.kind;
    c->creq.data = c;
    t->conn = c;
    int rc = vhd__conn_start(c, t);
    if (rc < 0) {
        t->conn = NULL;
        vhd_conn_close(c);
        return rc;
    }
    if (c->kind == VHD_SPEC_SERIAL)
        vhd_target_connected(t);
    return 0;
}

static void vhd__conn_written(uv_write_t *req, int status)
{
    (void)status; /* a failed write shows up as a read error / EOF */
    free(req);
}

int vhd_conn_write(struct vhd_conn *c, const uint8_t *p, size_t n)
{
    if (c->kind == VHD_SPEC_SERIAL)
        return vhd__serial_write(c, p, n);
    if (!c->handle_open || uv_is_closing(&c->u.h))
        return UV_ENOTCONN;
    struct vhd__cwreq *w = malloc(sizeof(*w) + n);
    if (!w)
        return UV_ENOMEM;
    memcpy(w->data, p, n);
    uv_buf_t b = uv_buf_init((char *)w->data, (unsigned)n);
    int rc = uv_write(&w->req, &c->u.s, &b, 1, vhd__conn_written);
    if (rc < 0)
        free(w);
    return rc;
}
