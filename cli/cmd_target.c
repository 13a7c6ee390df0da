/*
 * vhctl target list|add|remove, vhctl status, vhctl link stats.
 */
#include <stdio.h>
#include <string.h>

#include "duration.h"
#include "out.h"
#include "vhctl.h"

static const char *vhctl__state(int s)
{
    const ProtobufCEnumValue *e =
        protobuf_c_enum_descriptor_get_value(&vhd__link_state__descriptor, s);
    return e ? e->name + 5 : "?"; /* drop "LINK_" */
}

static void vhctl__lower(char *dst, const char *src, size_t cap)
{
    size_t i = 0;
    for (; src[i] && i + 1 < cap; i++)
        dst[i] = (char)(src[i] >= 'A' && src[i] <= 'Z' ? src[i] + 32 : src[i]);
    dst[i] = 0;
}

static void vhctl__target_json(const Vhd__TargetStatus *t)
{
    char st[16], boot[24];
    vhctl__lower(st, vhctl__state((int)t->state), sizeof(st));
    snprintf(boot, sizeof(boot), "%016llx", (unsigned long long)t->boot_id);
    vhctl_json_str("name", t->name);
    vhctl_json_str("spec", t->spec);
    vhctl_json_str("state", st);
    vhctl_json_str("build_id", t->build_id);
    vhctl_json_str("boot_id", boot);
    vhctl_json_str("scenario", t->scenario);
    vhctl_json_u64("reconnects", t->reconnects);
    vhctl_json_u64("reboots", t->reboots);
    vhctl_json_str("last_error", t->last_error);
    vhctl_json_i64("qemu_pid", t->qemu_pid);
}

static int vhctl__target_list(struct vhctl *v)
{
    Vhd__ClientRequest rq = VHD__CLIENT_REQUEST__INIT;
    Vhd__TargetListReq tl = VHD__TARGET_LIST_REQ__INIT;
    Vhd__ClientResponse *r;
    rq.call_case = VHD__CLIENT_REQUEST__CALL_TARGET_LIST;
    rq.target_list = &tl;
    int rc = vhctl_call(v, &rq, &r);
    if (rc || !r->targets)
        goto out;
    if (v->json) {
        vhctl_json_begin();
        vhctl_json_arr("targets");
        for (size_t i = 0; i < r->targets->n_targets; i++) {
            vhctl_json_obj(NULL);
            vhctl__target_json(r->targets->targets[i]);
            vhctl_json_obj_end();
        }
        vhctl_json_arr_end();
        vhctl_json_end();
        goto out;
    }
    static const char *const cols[] = {"NAME", "STATE", "BOOT ID", "SCENARIO", "SPEC", "LAST ERROR"};
    struct vhctl_table tb;
    vhctl_table_init(&tb, 6, cols);
    for (size_t i = 0; i < r->targets->n_targets; i++) {
        const Vhd__TargetStatus *t = r->targets->targets[i];
        char st[16], boot[24];
        vhctl__lower(st, vhctl__state((int)t->state), sizeof(st));
        snprintf(boot, sizeof(boot), "%016llx", (unsigned long long)t->boot_id);
        vhctl_table_row(&tb, t->name, st, t->boot_id ? boot : "-", t->scenario[0] ? t->scenario : "-",
                        t->spec, t->last_error[0] && t->state != VHD__LINK_STATE__LINK_UP ? t->last_error : "");
    }
    vhctl_table_print(&tb, stdout);
    vhctl_table_free(&tb);
out:
    if (r)
        vhd__client_response__free_unpacked(r, NULL);
    return rc;
}

static int vhctl__target_change(struct vhctl *v, int add, const char *name, const char *spec)
{
    Vhd__ClientRequest rq = VHD__CLIENT_REQUEST__INIT;
    Vhd__TargetAddReq a = VHD__TARGET_ADD_REQ__INIT;
    Vhd__TargetRemoveReq rm = VHD__TARGET_REMOVE_REQ__INIT;
    Vhd__ClientResponse *r;
    if (add) {
        a.name = (char *)name;
        a.spec = (char *)spec;
        rq.call_case = VHD__CLIENT_REQUEST__CALL_TARGET_ADD;
        rq.target_add = &a;
    } else {
        rm.name = (char *)name;
        rq.target = (char *)name;
        rq.call_case = VHD__CLIENT_REQUEST__CALL_TARGET_REMOVE;
        rq.target_remove = &rm;
    }
    int rc = vhctl_call(v, &rq, &r);
    if (!rc && !v->json)
        printf("target %s %s\n", name, add ? "added" : "removed");
    else if (!rc) {
        vhctl_json_begin();
        vhctl_json_str("target", name);
        vhctl_json_str("result", add ? "added" : "removed");
        vhctl_json_end();
    }
    if (r)
        vhd__client_response__free_unpacked(r, NULL);
    return rc;
}

static const char vhctl__target_help[] =
    "usage: vhctl target list\n"
    "       vhctl target add NAME SPEC\n"
    "       vhctl target remove NAME\n"
    "SPEC: unix:PATH, tcp:HOST:PORT, serial:DEVICE[:BAUD],\n"
    "      qemu:SCENARIO[,smp=N][,icount][,nosleep]\n";

int vhctl_cmd_target(struct vhctl *v, int argc, char **argv)
{
    static const char *const subs[] = {"list", "add", "remove", NULL};
    if (vhctl_wants_help(argc, argv)) {
        fputs(vhctl__target_help, stdout);
        return 0;
    }
    if (argc < 1) {
        vhctl_err("target: which? use target list, target add NAME SPEC or target remove NAME");
        return VHCTL_EUSAGE;
    }
    int want = !strcmp(argv[0], "list") ? 1 : !strcmp(argv[0], "add") ? 3 : !strcmp(argv[0], "remove") ? 2 : 0;
    if (!want)
        return vhctl_unknown("target command", argv[0], subs);
    if (argc != want) {
        vhctl_err("target %s: wrong number of arguments\n%s", argv[0], vhctl__target_help);
        return VHCTL_EUSAGE;
    }
    v->verb = argv[0][0] == 'l' ? "target list" : argv[0][0] == 'a' ? "target add" : "target remove";
    if (want == 1)
        return vhctl__target_list(v);
    return vhctl__target_change(v, want == 3, argv[1], want == 3 ? argv[2] : NULL);
}
