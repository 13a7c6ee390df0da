/*
 * vhd: the vh host daemon.  Parses the command line, listens on the local
 * sockets, adds the targets and runs one libuv loop until SIGTERM/SIGINT,
 * then closes everything (QEMUs it started are stopped) and exits when the
 * loop has nothing left open.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "qemu_cmd.h"
#include "vhd.h"

#ifndef VHD_BUILD_DIR
#define VHD_BUILD_DIR "."
#endif
#ifndef VHD_SOURCE_DIR
#define VHD_SOURCE_DIR "."
#endif

#define VHD__MAX_TARGETS 32

struct vhd__opts {
    const char *socket;
    const char *targets[VHD__MAX_TARGETS];
    unsigned ntargets;
    int dry_run_qemu;
};

static uv_signal_t vhd__sig[2];

static void vhd__usage(FILE *f)
{
    fprintf(f,
            "usage: vhd [options]\n"
            "  --target NAME=SPEC   add a target (repeatable); SPEC is one of\n"
            "                         unix:PATH  tcp:HOST:PORT  serial:DEVICE[:BAUD]\n"
            "                         qemu:SCENARIO[,smp=N][,icount][,nosleep]  (vhd runs QEMU;\n"
            "                         icount: -icount shift=3, paced to the host clock;\n"
            "                         nosleep: -icount shift=3,sleep=off, deterministic)\n"
            "  --socket PATH        admin socket (read-only one: PATH.ro); default\n"
            "                       $XDG_RUNTIME_DIR/vhd.sock, /run/vhd.sock as root,\n"
            "                       else /tmp/vhd-UID.sock\n"
            "  --build-dir DIR      vh build tree with the target images (default %s)\n"
            "  --source-dir DIR     vh source tree with the scenarios (default %s)\n"
            "  --qemu PROGRAM       QEMU binary (default qemu-system-riscv64)\n"
            "  --dry-run-qemu       print the QEMU command line of each qemu: target, exit\n"
            "  -v, --verbose        debug logging     -q, --quiet  warnings and errors only\n"
            "  -h, --help\n",
            VHD_BUILD_DIR, VHD_SOURCE_DIR);
}

static int vhd__parse(int argc, char **argv, struct vhd *d, struct vhd__opts *o)
{
    static const struct option lo[] = {
        {"target", 1, 0, 't'},     {"socket", 1, 0, 's'},  {"build-dir", 1, 0, 'B'},
        {"source-dir", 1, 0, 'S'}, {"qemu", 1, 0, 'Q'},    {"dry-run-qemu", 0, 0, 'D'},
        {"verbose", 0, 0, 'v'},    {"quiet", 0, 0, 'q'},   {"help", 0, 0, 'h'},
        {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "t:s:vqh", lo, NULL)) != -1) {
        switch (c) {
        case 't':
            if (o->ntargets == VHD__MAX_TARGETS) {
                fprintf(stderr, "vhd: at most %d --target options\n", VHD__MAX_TARGETS);
                return 2;
            }
            o->targets[o->ntargets++] = optarg;
            break;
        case 's': o->socket = optarg; break;
        case 'B': snprintf(d->build_dir, sizeof(d->build_dir), "%s", optarg); break;
        case 'S': snprintf(d->source_dir, sizeof(d->source_dir), "%s", optarg); break;
        case 'Q': snprintf(d->qemu_bin, sizeof(d->qemu_bin), "%s", optarg); break;
        case 'D': o->dry_run_qemu = 1; break;
        case 'v': vhd_log_level = VHD_LOG_DEBUG; break;
        case 'q': vhd_log_level = VHD_LOG_WARN; break;
        case 'h': vhd__usage(stdout); return 0;
        default: vhd__usage(stderr); return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "vhd: unexpected argument '%s'; targets are given as --target NAME=SPEC\n",
                argv[optind]);
        return 2;
    }
    return -1;
}

/* Split NAME=SPEC; returns 0 or -1 with a message printed. */
static int vhd__split(const char *arg, char *name, size_t cap, const char **spec)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || (size_t)(eq - arg) >= cap) {
        fprintf(stderr, "vhd: --target '%s': want NAME=SPEC, e.g. --target board=unix:/tmp/b.sock\n",
                arg);
        return -1;
    }
    memcpy(name, arg, (size_t)(eq - arg));
    name[eq - arg] = 0;
    *spec = eq + 1;
    return 0;
}

static int vhd__dry_run_qemu(struct vhd *d, const struct vhd__opts *o)
{
    for (unsigned i = 0; i < o->ntargets; i++) {
        char name[32], why[512], sock[108], line[2048];
        const char *spec;
        struct vhd_spec sp;
        if (vhd__split(o->targets[i], name, sizeof(name), &spec))
            return 2;
        if (vhd_spec_parse(spec, &sp, why, sizeof(why))) {
            fprintf(stderr, "vhd: --target %s: %s\n", name, why);
            return 2;
        }
        if (sp.kind != VHD_SPEC_QEMU)
            continue;
        struct vhd_scen_info scen;
        int have = vhd_scen_load(d->source_dir, d->build_dir, sp.scenario, &scen, why,
                                 sizeof(why)) == 0;
        if (!have)
            fprintf(stderr, "vhd: warning: %s\n", why);
        struct vhd_qemu_cmd cmd;
        if (vhd_qemu_command(d, &sp, have ? &scen : NULL, name, &cmd, sock, sizeof(sock)))
            return 1;
        vhd_qemu_cmd_format(&cmd, line, sizeof(line));
        printf("%s: %s\n", name, line);
    }
    return 0;
}

static void vhd__on_signal(uv_signal_t *s, int signum)
{
    struct vhd *d = s->data;
    vhd_info("%s: shutting down", strsignal(signum));
    for (int i = 0; i < 2; i++)
        uv_close((uv_handle_t *)&vhd__sig[i], NULL);
    vhd_shutdown(d);
}

static int vhd__add_targets(struct vhd *d, const struct vhd__opts *o)
{
    for (unsigned i = 0; i < o->ntargets; i++) {
        char name[32], why[512];
        const char *spec;
        if (vhd__split(o->targets[i], name, sizeof(name), &spec))
            return -1;
        if (vhd_target_add(d, name, spec, why, sizeof(why))) {
            fprintf(stderr, "vhd: --target %s: %s\n", name, why);
            return -1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    static struct vhd d;
    struct vhd__opts o = {0};
    uv_loop_t *loop = uv_default_loop();
    vhd_init(&d, loop);
    snprintf(d.build_dir, sizeof(d.build_dir), "%s", VHD_BUILD_DIR);
    snprintf(d.source_dir, sizeof(d.source_dir), "%s", VHD_SOURCE_DIR);
    int rc = vhd__parse(argc, argv, &d, &o);
    if (rc >= 0)
        return rc;
    char path[108];
    if (o.socket)
        snprintf(path, sizeof(path), "%s", o.socket);
    else
        vhd_default_socket(path, sizeof(path));
    snprintf(d.sock_path, sizeof(d.sock_path), "%s", path);
    if (o.dry_run_qemu)
        return vhd__dry_run_qemu(&d, &o);
    signal(SIGPIPE, SIG_IGN);
    if (vhd_api_listen(&d, path))
        return 1;
    for (int i = 0; i < 2; i++) {
        uv_signal_init(loop, &vhd__sig[i]);
        vhd__sig[i].data = &d;
        uv_signal_start(&vhd__sig[i], vhd__on_signal, i ? SIGINT : SIGTERM);
    }
    if (vhd__add_targets(&d, &o)) {
        for (int i = 0; i < 2; i++)
            uv_close((uv_handle_t *)&vhd__sig[i], NULL);
        vhd_shutdown(&d);
        rc = 2;
    } else {
        rc = 0;
    }
    uv_run(loop, UV_RUN_DEFAULT);
    vhd_info("stopped");
    uv_loop_close(loop);
    return rc;
}
