/*
 * vhctl adu list | reserve ADU PERCENT.
 */
#include <stdio.h>
#include <string.h>

#include "out.h"
#include "vhctl.h"

static const char *vhctl__adu_state(int s)
{
    static const char *const n[] = {"running", "stopped", "resetting"};
    return (unsigned)s < 3 ? n[s] : "?";
}

static void vhctl__adu_json(const Vh__AduList *l)
{
    vhctl_json_begin();
    vhctl_json_arr("adus");
    for (size_t i = 0; i < l->n_adus; i++) {
        const Vh__Adu *a = l->adus[i];
        vhctl_json_obj(NULL);
        vhctl_json_u64("id", a->id);
        vhctl_json_str("name", a->name);
        vhctl_json_u64("ram_bytes", a->ram_bytes);
        vhctl_json_u64("be_vcpus", a->be_vcpus);
        vhctl_json_u64("reserve_ppm", a->reserve_ppm);
        vhctl_json_u64("reserve_used_ppm", a->reserve_used_ppm);
        vhctl_json_str("state", vhctl__adu_state((int)a->state));
        vhctl_json_u64("boots", a->boots);
        vhctl_json_arr("caps");
        for (size_t k = 0; k < a->n_caps; k++)
            vhctl_json_str(NULL, a->caps[k]);
        vhctl_json_arr_end();
        vhctl_json_obj_end();
    }
    vhctl_json_arr_end();
    vhctl_json_end();
}

static void vhctl__adu_table(const Vh__AduList *l)
{
    static const char *const cols[] = {">ID", "NAME", "STATE", ">RAM", ">BE-VCPUS", ">RESERVE",
                                       ">USED", ">BOOTS", "CAPS"};
    struct vhctl_table tb;
    vhctl_table_init(&tb, 9, cols);
    for (size_t i = 0; i < l->n_adus; i++) {
        const Vh__Adu *a = l->adus[i];
        char id[12], ram[24], be[12], res[16], used[16], boots[12], caps[128] = "";
        snprintf(id, sizeof(id), "%u", a->id);
        snprintf(ram, sizeof(ram), "%lluM", (unsigned long long)(a->ram_bytes >> 20));
        snprintf(be, sizeof(be), "%u", a->be_vcpus);
        snprintf(res, sizeof(res), "%.1f%%", a->reserve_ppm / 1e4);
        snprintf(used, sizeof(used), "%.1f%%", a->reserve_used_ppm / 1e4);
        snprintf(boots, sizeof(boots), "%u", a->boots);
        size_t len = 0;
        for (size_t k = 0; k < a->n_caps && len < sizeof(caps); k++)
            len += (size_t)snprintf(caps + len, sizeof(caps) - len, "%s%s", k ? "," : "", a->caps[k]);
        vhctl_table_row(&tb, id, a->name, vhctl__adu_state((int)a->state), ram, be, res, used,
                        boots, len ? caps : "-");
    }
    vhctl_table_print(&tb, stdout);
    vhctl_table_free(&tb);
}

static int vhctl__adu_list(struct vhctl *v)
{
    Vh__Request fw = VH__REQUEST__INIT;
    Vh__ListAdusReq la = VH__LIST_ADUS_REQ__INIT;
    Vhd__ClientResponse *r;
    fw.call_case = VH__REQUEST__CALL_LIST_ADUS;
    fw.list_adus = &la;
    int rc = vhctl_forward(v, &fw, &r);
    if (!rc && r->reply->adus) {
        if (v->json)
            vhctl__adu_json(r->reply->adus);
        else
            vhctl__adu_table(r->reply->adus);
    }
    if (r)
        vhd__client_response__free_unpacked(r, NULL);
    return rc;
}

static int vhctl__adu_reserve(struct vhctl *v, const char *adu, const char *pct)
{
    Vh__Request fw = VH__REQUEST__INIT;
    Vh__SetReservationReq sr = VH__SET_RESERVATION_REQ__INIT;
    Vhd__ClientResponse *r;
    if (vhctl_parse_percent("adu reserve PERCENT", pct, &sr.reserve_ppm))
        return VHCTL_EUSAGE;
    sr.adu = (char *)adu;
    fw.call_case = VH__REQUEST__CALL_SET_RESERVATION;
    fw.set_reservation = &sr;
    int rc = vhctl_forward(v, &fw, &r);
    if (!rc) {
        if (v->json) {
            vhctl_json_begin();
            vhctl_json_str("adu", adu);
            vhctl_json_u64("reserve_ppm", sr.reserve_ppm);
            vhctl_json_end();
        } else {
            printf("ADU %s: reservation %.1f%%\n", adu, sr.reserve_ppm / 1e4);
        }
    }
    if (r)
        vhd__client_response__free_unpacked(r, NULL);
    return rc;
}

static const char vhctl__adu_help[] =
    "usage: vhctl adu list\n"
    "       vhctl adu reserve ADU PERCENT\n"
    "  list: ADUs with RAM, BE-VCPUs, RT reservation (of the machine) and its used part\n"
    "  reserve: set ADU's RT reservation, e.g. `vhctl adu reserve ctl 40`; refused (exit 3)\n"
    "           when the machine's RT limit would be exceeded\n";

int vhctl_cmd_adu(struct vhctl *v, int argc, char **argv)
{
    static const char *const subs[] = {"list", "reserve", NULL};
    if (vhctl_wants_help(argc, argv)) {
        fputs(vhctl__adu_help, stdout);
        return 0;
    }
    if (argc < 1) {
        vhctl_err("adu: which? use `vhctl adu list` or `vhctl adu reserve ADU PERCENT`");
        return VHCTL_EUSAGE;
    }
    if (strcmp(argv[0], "list") == 0 && argc == 1) {
        v->verb = "adu list";
        return vhctl__adu_list(v);
    }
    if (strcmp(argv[0], "reserve") == 0) {
        v->verb = "adu reserve";
        if (argc != 3) {
            vhctl_err("adu reserve: want ADU PERCENT, e.g. `vhctl adu reserve ctl 40`");
            return VHCTL_EUSAGE;
        }
        return vhctl__adu_reserve(v, argv[1], argv[2]);
    }
    if (strcmp(argv[0], "list") == 0) {
        vhctl_err("adu list takes no arguments (got '%s')", argv[1]);
        return VHCTL_EUSAGE;
    }
    return vhctl_unknown("adu command", argv[0], subs);
}
