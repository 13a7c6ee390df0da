/*
 * vhctl's connection to vhd: a blocking Unix socket with poll() for
 * timeouts; requests and answers are vhd.proto messages with a 4-byte
 * big-endian length prefix.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "vhctl.h"

int vhctl_connect(struct vhctl *v)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(v->sock) >= sizeof(sa.sun_path)) {
        vhctl_err("socket path '%s' is too long", v->sock);
        return VHCTL_EUSAGE;
    }
    strcpy(sa.sun_path, v->sock);
    v->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (v->fd < 0 || connect(v->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        int e = errno;
        vhctl_err("cannot connect to vhd at %s: %s; is vhd running? (start it with "
                  "`vhd --socket %s --target NAME=SPEC`, or pass -s PATH)",
                  v->sock, strerror(e), v->sock);
        if (v->fd >= 0)
            close(v->fd);
        v->fd = -1;
        return e == EACCES ? VHCTL_EPERM : VHCTL_EUNAVAIL;
    }
    vhd_framer_init(&v->fr, VHD_API_MAX_MSG);
    return 0;
}

void vhctl_disconnect(struct vhctl *v)
{
    if (v->fd >= 0)
        close(v->fd);
    v->fd = -1;
    vhd_framer_free(&v->fr);
}

static int vhctl__write_all(int fd, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

int vhctl_send(struct vhctl *v, Vhd__ClientRequest *rq)
{
    if (v->fd < 0) {
        int rc = vhctl_connect(v);
        if (rc)
            return rc;
    }
    if (!rq->id)
        rq->id = ++v->next_id;
    if (!rq->target || !*rq->target)
        rq->target = (char *)(v->target ? v->target : "");
    rq->timeout_ms = (uint32_t)vhctl_timeout_ms(v);
    size_t n = vhd__client_request__get_packed_size(rq);
    uint8_t *buf = malloc(n + 4);
    if (!buf)
        return VHCTL_EOTHER;
    vhd_frame_put_len(buf, (uint32_t)n);
    vhd__client_request__pack(rq, buf + 4);
    int rc = vhctl__write_all(v->fd, buf, n + 4);
    free(buf);
    if (rc) {
        vhctl_err("lost the connection to vhd at %s: %s", v->sock, strerror(errno));
        return VHCTL_EUNAVAIL;
    }
    return 0;
}

int vhctl_recv(struct vhctl *v, Vhd__ClientResponse **out, int timeout_ms)
{
    for (;;) {
        const uint8_t *msg;
        size_t len;
        int rc = vhd_framer_next(&v->fr, &msg, &len);
        if (rc < 0) {
            vhctl_err("vhd sent a bad message: %s", vhd_framer_strerror(rc));
            return -VHCTL_EOTHER;
        }
        if (rc == 1) {
            *out = vhd__client_response__unpack(NULL, len, msg);
            if (!*out) {
                vhctl_err("vhd sent a message that does not decode");
                return -VHCTL_EOTHER;
            }
            return 1;
        }
        struct pollfd pfd = {.fd = v->fd, .events = POLLIN};
        int pr = poll(&pfd, 1, timeout_ms);
        if (pr < 0 && errno == EINTR)
            return 0;
        if (pr == 0)
            return 0;
        uint8_t buf[16384];
        ssize_t n = read(v->fd, buf, sizeof(buf));
        if (n <= 0) {
            vhctl_err("vhd closed the connection (%s)", n == 0 ? "end of file" : strerror(errno));
            return -VHCTL_EUNAVAIL;
        }
        vhd_framer_feed(&v->fr, buf, (size_t)n);
    }
}

int vhctl_timeout_ms(const struct vhctl *v)
{
    uint64_t ms = v->timeout_ns / 1000000ull;
    return ms ? (ms > 600000 ? 600000 : (int)ms) : 5000;
}

int vhctl_call(struct vhctl *v, Vhd__ClientRequest *rq, Vhd__ClientResponse **out)
{
    *out = NULL;
    int rc = vhctl_send(v, rq);
    if (rc)
        return rc;
    int wait = vhctl_timeout_ms(v) + 2000; /* vhd times out first, with a reason */
    for (;;) {
        Vhd__ClientResponse *r;
        rc = vhctl_recv(v, &r, wait);
        if (rc < 0)
            return -rc;
        if (rc == 0) {
            vhctl_err("%s: no answer from vhd within %d ms", v->verb, wait);
            return VHCTL_ETIMEOUT;
        }
        if (r->id == rq->id) {
            *out = r;
            return r->status == VH__STATUS__OK ? 0 : vhctl_report(v, r);
        }
        vhd__client_response__free_unpacked(r, NULL);
    }
}

int vhctl_forward(struct vhctl *v, Vh__Request *fw, Vhd__ClientResponse **out)
{
    Vhd__ClientRequest rq = VHD__CLIENT_REQUEST__INIT;
    rq.call_case = VHD__CLIENT_REQUEST__CALL_FORWARD;
    rq.forward = fw;
    int rc = vhctl_call(v, &rq, out);
    if (rc || !*out)
        return rc;
    const Vh__Response *r = (*out)->reply;
    if (!r) {
        vhctl_err("%s: vhd answered without the target's reply", v->verb);
        return VHCTL_EOTHER;
    }
    if (r->status != VH__STATUS__OK) {
        (*out)->status = r->status;
        if (r->detail && *r->detail)
            (*out)->detail = r->detail;
        return vhctl_report(v, *out);
    }
    return 0;
}

int vhctl_exit_for_status(int status)
{
    switch (status) {
    case VH__STATUS__OK: return VHCTL_OK;
    case VH__STATUS__RESOURCE_EXHAUSTED: return VHCTL_EREFUSED;
    case VH__STATUS__NOT_FOUND: return VHCTL_ENOTFOUND;
    case VH__STATUS__UNAVAILABLE: return VHCTL_EUNAVAIL;
    case VH__STATUS__DEADLINE_EXCEEDED: return VHCTL_ETIMEOUT;
    case VH__STATUS__PERMISSION_DENIED: return VHCTL_EPERM;
    case VH__STATUS__INVALID_ARGUMENT:
    case VH__STATUS__OUT_OF_RANGE: return VHCTL_EUSAGE;
    default: return VHCTL_EOTHER;
    }
}

int vhctl_report(struct vhctl *v, const Vhd__ClientResponse *r)
{
    const char *d = r->detail && *r->detail ? r->detail : vhctl_status_name((int)r->status);
    if (r->status == VH__STATUS__RESOURCE_EXHAUSTED)
        vhctl_err("%s: refused: %s", v->verb, d);
    else
        vhctl_err("%s: %s", v->verb, d);
    return vhctl_exit_for_status((int)r->status);
}
