/*
 * The daemon's listening sockets: PATH (admin: changes allowed, mode 0660)
 * and PATH.ro (read-only, 0666).  A stale socket file left by a dead vhd is
 * replaced; a live one (something accepts connections) is an error.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "vhd.h"

static int vhd__socket_live(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return 0;
    int live = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
    close(fd);
    return live;
}

static void vhd__on_connection(uv_stream_t *server, int status)
{
    struct vhd *d = server->data;
    if (status < 0) {
        vhd_warn("accept: %s", uv_strerror(status));
        return;
    }
    vhd_client_accept(d, server, server == (uv_stream_t *)&d->ro);
}

static int vhd__listen_one(struct vhd *d, uv_pipe_t *p, const char *path, int mode)
{
    if (vhd__socket_live(path)) {
        vhd_err("%s: another vhd is listening there; stop it or use --socket", path);
        return -1;
    }
    unlink(path);
    uv_pipe_init(d->loop, p, 0);
    p->data = d;
    int rc = uv_pipe_bind(p, path);
    if (rc == 0)
        rc = uv_listen((uv_stream_t *)p, 16, vhd__on_connection);
    if (rc == 0 && chmod(path, (mode_t)mode) < 0)
        rc = -errno;
    if (rc < 0) {
        vhd_err("%s: %s", path, rc == -errno ? strerror(errno) : uv_strerror(rc));
        uv_close((uv_handle_t *)p, NULL);
        return -1;
    }
    return 0;
}

int vhd_api_listen(struct vhd *d, const char *path)
{
    if (strlen(path) + 4 >= sizeof(d->sock_path)) {
        vhd_err("socket path '%s' is too long (at most %zu bytes)", path, sizeof(d->sock_path) - 4);
        return -1;
    }
    snprintf(d->sock_path, sizeof(d->sock_path), "%s", path);
    snprintf(d->ro_path, sizeof(d->ro_path), "%s.ro", path);
    if (vhd__listen_one(d, &d->admin, d->sock_path, 0660))
        return -1;
    if (vhd__listen_one(d, &d->ro, d->ro_path, 0666)) {
        uv_close((uv_handle_t *)&d->admin, NULL);
        unlink(d->sock_path);
        return -1;
    }
    d->listening = 1;
    vhd_info("listening on %s (admin) and %s (read-only)", d->sock_path, d->ro_path);
    return 0;
}

void vhd_init(struct vhd *d, uv_loop_t *loop)
{
    memset(d, 0, sizeof(*d));
    d->loop = loop;
    vhd_list_init(&d->targets);
    vhd_list_init(&d->clients);
    snprintf(d->qemu_bin, sizeof(d->qemu_bin), "qemu-system-riscv64");
}

void vhd_shutdown(struct vhd *d)
{
    struct vhd_list *pos, *tmp;
    d->stopping = 1;
    if (d->listening) {
        uv_close((uv_handle_t *)&d->admin, NULL);
        uv_close((uv_handle_t *)&d->ro, NULL);
        unlink(d->sock_path);
        unlink(d->ro_path);
        d->listening = 0;
    }
    vhd_list_for_each_safe(pos, tmp, &d->clients)
        vhd_client_drop(vhd_container_of(pos, struct vhd_client, link), NULL);
    vhd_list_for_each_safe(pos, tmp, &d->targets)
        vhd_target_remove(vhd_container_of(pos, struct vhd_target, link), "stopped (vhd shutting down)");
}
