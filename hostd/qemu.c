/*
 * QEMU supervision for `qemu:SCENARIO` targets: vhd builds the command line
 * (qemu_cmd.c), starts QEMU with uv_spawn, restarts it a second after an
 * unexpected exit, and on removal or shutdown stops it (SIGTERM, SIGKILL
 * after 3 s).  The target connects to QEMU's chardev socket like any unix:
 * target (QEMU waits for that connection before it runs the guest).
 * A vhd_qemu outlives its target until the process and handles are closed.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "qemu_cmd.h"
#include "vhd.h"

#define VHD__QEMU_RESTART_MS 1000
#define VHD__QEMU_KILL_MS 3000

struct vhd_qemu {
    uv_process_t proc;
    uv_timer_t timer;          /* restart delay, or SIGKILL deadline */
    struct vhd_target *t;      /* NULL once stopping */
    int running;
    int open_handles;
    unsigned restarts;
};

static unsigned vhd__qemu_live;

unsigned vhd_qemu_running(void)
{
    return vhd__qemu_live;
}

int vhd_qemu_pid(const struct vhd_target *t)
{
    return t->qemu && t->qemu->running ? t->qemu->proc.pid : 0;
}

int vhd_qemu_command(struct vhd *d, const struct vhd_spec *sp, const struct vhd_scen_info *scen,
                     const char *name, struct vhd_qemu_cmd *cmd, char *sock, size_t sockcap)
{
    char dir[VHD_PATH_MAX], elf[VHD_PATH_MAX + 96];
    snprintf(dir, sizeof(dir), "%s", d->sock_path[0] ? d->sock_path : "/tmp/x");
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = 0;
    int n = snprintf(sock, sockcap, "%s/vhd-%d-%s.qemu", dir, (int)getpid(), name);
    if (n < 0 || (size_t)n >= sockcap)
        snprintf(sock, sockcap, "/tmp/vhd-%d-%s.qemu", (int)getpid(), name);
    if (scen)
        snprintf(elf, sizeof(elf), "%s", scen->hv_elf);
    else
        vhd_scen_elf_path(d->build_dir, sp->scenario, elf, sizeof(elf));
    unsigned smp = sp->smp ? sp->smp : scen && scen->ncpus ? scen->ncpus : 4;
    return vhd_qemu_cmd_build(cmd, d->qemu_bin, elf, smp, sp->icount, sock);
}

static void vhd__qemu_closed(uv_handle_t *h)
{
    struct vhd_qemu *q = h->data;
    if (--q->open_handles == 0)
        free(q);
}

static int vhd__qemu_spawn(struct vhd_qemu *q, char *why, size_t wl);

static void vhd__qemu_restart(uv_timer_t *tm)
{
    struct vhd_qemu *q = tm->data;
    char why[256];
    if (q->t && vhd__qemu_spawn(q, why, sizeof(why)))
        vhd_err("target %s: %s", q->t->name, why);
}

static void vhd__qemu_exited(uv_process_t *p, int64_t status, int sig)
{
    struct vhd_qemu *q = p->data;
    q->running = 0;
    vhd__qemu_live--;
    uv_close((uv_handle_t *)&q->proc, vhd__qemu_closed);
    if (!q->t) {
        uv_timer_stop(&q->timer);
        uv_close((uv_handle_t *)&q->timer, vhd__qemu_closed);
        return;
    }
    vhd_warn("target %s: QEMU exited (status %lld, signal %d); restarting in %d ms", q->t->name,
             (long long)status, sig, VHD__QEMU_RESTART_MS);
    q->restarts++;
    uv_timer_start(&q->timer, vhd__qemu_restart, VHD__QEMU_RESTART_MS, 0);
}

static int vhd__qemu_spawn(struct vhd_qemu *q, char *why, size_t wl)
{
    struct vhd_target *t = q->t;
    struct vhd_qemu_cmd cmd;
    if (vhd_qemu_command(t->d, &t->spec, t->scen, t->name, &cmd, t->qemu_sock,
                         sizeof(t->qemu_sock))) {
        snprintf(why, wl, "QEMU command line too long");
        return -1;
    }
    unlink(t->qemu_sock);
    uv_stdio_container_t stdio[3] = {{.flags = UV_IGNORE},
                                     {.flags = UV_INHERIT_FD, .data.fd = 2},
                                     {.flags = UV_INHERIT_FD, .data.fd = 2}};
    uv_process_options_t o = {.exit_cb = vhd__qemu_exited, .file = cmd.argv[0],
                              .args = cmd.argv, .stdio_count = 3, .stdio = stdio};
    q->proc.data = q;
    int rc = uv_spawn(t->d->loop, &q->proc, &o);
    q->open_handles++;
    if (rc < 0) {
        snprintf(why, wl, "cannot start %s: %s", cmd.argv[0], uv_strerror(rc));
        uv_close((uv_handle_t *)&q->proc, vhd__qemu_closed);
        return -1;
    }
    q->running = 1;
    vhd__qemu_live++;
    char line[1024];
    vhd_qemu_cmd_format(&cmd, line, sizeof(line));
    vhd_info("target %s: started QEMU pid %d: %s", t->name, q->proc.pid, line);
    return 0;
}

int vhd_qemu_start(struct vhd_target *t, char *why, size_t wl)
{
    struct vhd_qemu *q = calloc(1, sizeof(*q));
    if (!q) {
        snprintf(why, wl, "out of memory");
        return -1;
    }
    q->t = t;
    uv_timer_init(t->d->loop, &q->timer);
    q->timer.data = q;
    q->open_handles = 1;
    t->qemu = q;
    if (vhd__qemu_spawn(q, why, wl)) {
        t->qemu = NULL;
        q->t = NULL;
        uv_close((uv_handle_t *)&q->timer, vhd__qemu_closed);
        return -1;
    }
    return 0;
}

static void vhd__qemu_kill(uv_timer_t *tm)
{
    struct vhd_qemu *q = tm->data;
    if (q->running) {
        vhd_warn("QEMU pid %d ignored SIGTERM; killing it", q->proc.pid);
        uv_process_kill(&q->proc, SIGKILL);
    }
}

void vhd_qemu_stop(struct vhd_target *t)
{
    struct vhd_qemu *q = t->qemu;
    if (!q)
        return;
    t->qemu = NULL;
    q->t = NULL;
    unlink(t->qemu_sock);
    uv_timer_stop(&q->timer);
    if (!q->running) {
        uv_close((uv_handle_t *)&q->timer, vhd__qemu_closed);
        return;
    }
    vhd_info("target %s: stopping QEMU pid %d", t->name, q->proc.pid);
    uv_process_kill(&q->proc, SIGTERM);
    uv_timer_start(&q->timer, vhd__qemu_kill, VHD__QEMU_KILL_MS, 0);
}
