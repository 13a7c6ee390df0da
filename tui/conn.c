/*
 * vhtop's connection to vhd (see conn.h).  Writes are small and vhd reads
 * its clients promptly, so they block; reads only happen when poll() said
 * the socket is readable.
 */
#include "conn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

void vhtop_conn_init(struct vhtop_conn *c, const char *sock)
{
    size_t n = strlen(sock);
    memset(c, 0, sizeof(*c));
    c->fd = -1;
    snprintf(c->sock, sizeof(c->sock), "%s", sock);
    c->only_ro = n > 3 && strcmp(sock + n - 3, ".ro") == 0;
    snprintf(c->ro_sock, sizeof(c->ro_sock), c->only_ro ? "%s" : "%s.ro", sock);
}

static int vhtop__connect_path(const char *path, int *err)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(sa.sun_path)) {
        *err = ENAMETOOLONG;
        return -1;
    }
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        *err = errno;
        return -1;
    }
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        *err = errno;
        close(fd);
        return -1;
    }
    return fd;
}

int vhtop_conn_open(struct vhtop_conn *c)
{
    int e_admin = 0, e_ro = 0;
    vhtop_conn_close(c);
    c->readonly = 0;
    if (!c->only_ro)
        c->fd = vhtop__connect_path(c->sock, &e_admin);
    if (c->fd < 0) {
        c->fd = vhtop__connect_path(c->ro_sock, &e_ro);
        c->readonly = 1;
    }
    if (c->fd < 0) {
        snprintf(c->err, sizeof(c->err), "cannot connect to vhd at %s: %s; is vhd running? "
                 "(start it with `vhd --socket %s --target NAME=SPEC`, or pass -s PATH)",
                 c->only_ro ? c->ro_sock : c->sock, strerror(c->only_ro ? e_ro : e_admin),
                 c->sock);
        return -1;
    }
    vhd_framer_init(&c->fr, VHD_API_MAX_MSG);
    c->err[0] = 0;
    return 0;
}

void vhtop_conn_close(struct vhtop_conn *c)
{
    if (c->fd < 0)
        return;
    close(c->fd);
    c->fd = -1;
    vhd_framer_free(&c->fr);
}

static int vhtop__write_all(int fd, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

uint32_t vhtop_conn_send(struct vhtop_conn *c, Vhd__ClientRequest *rq)
{
    if (c->fd < 0)
        return 0;
    if (!++c->next_id)
        c->next_id = 1;
    rq->id = c->next_id;
    size_t n = vhd__client_request__get_packed_size(rq);
    uint8_t *buf = malloc(n + 4);
    if (!buf) {
        snprintf(c->err, sizeof(c->err), "out of memory");
        return 0;
    }
    vhd_frame_put_len(buf, (uint32_t)n);
    vhd__client_request__pack(rq, buf + 4);
    int rc = vhtop__write_all(c->fd, buf, n + 4);
    free(buf);
    if (rc) {
        snprintf(c->err, sizeof(c->err), "lost the connection to vhd: %s", strerror(errno));
        vhtop_conn_close(c);
        return 0;
    }
    return rq->id;
}

int vhtop_conn_read(struct vhtop_conn *c)
{
    uint8_t buf[16384];
    ssize_t n = c->fd < 0 ? 0 : read(c->fd, buf, sizeof(buf));
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return 0;
    if (n <= 0) {
        snprintf(c->err, sizeof(c->err), "vhd closed the connection (%s)",
                 n == 0 ? "end of file" : strerror(errno));
        vhtop_conn_close(c);
        return -1;
    }
    if (vhd_framer_feed(&c->fr, buf, (size_t)n)) {
        snprintf(c->err, sizeof(c->err), "out of memory");
        vhtop_conn_close(c);
        return -1;
    }
    return 0;
}

int vhtop_conn_next(struct vhtop_conn *c, Vhd__ClientResponse **out)
{
    const uint8_t *msg;
    size_t len;
    if (c->fd < 0)
        return 0;
    int rc = vhd_framer_next(&c->fr, &msg, &len);
    if (rc < 0) {
        snprintf(c->err, sizeof(c->err), "vhd sent a bad message: %s", vhd_framer_strerror(rc));
        vhtop_conn_close(c);
        return -1;
    }
    if (rc == 0)
        return 0;
    *out = vhd__client_response__unpack(NULL, len, msg);
    if (!*out) {
        snprintf(c->err, sizeof(c->err), "vhd sent a message that does not decode");
        vhtop_conn_close(c);
        return -1;
    }
    return 1;
}
