/*
 * vhctl vcpu list | create | set | migrate | destroy.
 * `--entry SYMBOL` is resolved by vhd in the ADU's ELF image (vhd knows
 * the scenario; see hostd/scen.c); `--entry ADDR` is used as is.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "out.h"
#include "vhctl.h"

static const char vhctl__vcpu_help[] =
    "usage: vhctl vcpu list\n"
    "       vhctl vcpu create ADU --entry SYMBOL|ADDR --period D --budget D [--deadline D]\n"
    "                         [--arg N] [--stack ADDR] [--cpu N|auto] [--dry-run]\n"
    "       vhctl vcpu set ID [--period D] [--deadline D] [--budget D]\n"
    "       vhctl vcpu migrate ID CPU\n"
    "       vhctl vcpu destroy ID\n"
    "Durations need a unit: 10ms, 500us, 2s, 1000ns.  An admission refusal exits 3 with\n"
    "the reason; --dry-run only asks whether admission would pass (exit 3 if not).\n";

static const char *vhctl__vstate(int s)
{
    static const char *const n[] = {"stopped", "runnable", "running", "blocked", "waiting",
                                    "throttled"};
    return (unsigned)s < 6 ? n[s] : "?";
}

static void vhctl__vcpu_row(struct vhctl_table *tb, const Vh__Vcpu *c)
{
    char id[12], idx[12], cpu[12], per[24] = "-", dl[24] = "-", bud[24] = "-", util[16] = "-",
         ent[48];
    int rt = c->kind == VH__VCPU_KIND__VCPU_RT;
    snprintf(id, sizeof(id), "%u", c->id);
    snprintf(idx, sizeof(idx), "%u", c->index);
    snprintf(cpu, sizeof(cpu), c->cpu < 0 ? "-" : "%d", c->cpu);
    if (rt) {
        vhctl_format_duration(c->period_ns, per, sizeof(per));
        vhctl_format_duration(c->deadline_ns, dl, sizeof(dl));
        vhctl_format_duration(c->budget_ns, bud, sizeof(bud));
        snprintf(util, sizeof(util), "%.1f%%", c->util_ppm / 1e4);
        snprintf(ent, sizeof(ent), "entry 0x%llx", (unsigned long long)c->entry);
    } else {
        snprintf(ent, sizeof(ent), "prio %u, cpus 0x%x", c->priority, c->affinity);
    }
    vhctl_table_row(tb, id, c->adu, rt ? "RT" : "BE", idx, vhctl__vstate((int)c->state), cpu, per,
                    dl, bud, util, ent);
}

static void vhctl__vcpu_json(const Vh__Vcpu *c)
{
    vhctl_json_obj(NULL);
    vhctl_json_u64("id", c->id);
    vhctl_json_str("adu", c->adu);
    vhctl_json_str("kind", c->kind == VH__VCPU_KIND__VCPU_RT ? "rt" : "be");
    vhctl_json_u64("index", c->index);
    vhctl_json_str("state", vhctl__vstate((int)c->state));
    vhctl_json_i64("cpu", c->cpu);
    vhctl_json_u64("priority", c->priority);
    vhctl_json_u64("affinity", c->affinity);
    vhctl_json_u64("period_ns", c->period_ns);
    vhctl_json_u64("deadline_ns", c->deadline_ns);
    vhctl_json_u64("budget_ns", c->budget_ns);
    vhctl_json_u64("util_ppm", c->util_ppm);
    vhctl_json_u64("entry", c->entry);
    vhctl_json_obj_end();
}

static int vhctl__vcpu_list(struct vhctl *v)
{
    Vh__Request fw = VH__REQUEST__INIT;
    Vh__ListVcpusReq lv = VH__LIST_VCPUS_REQ__INIT;
    Vhd__ClientResponse *r;
    fw.call_case = VH__REQUEST__CALL_LIST_VCPUS;
    fw.list_vcpus = &lv;
    int rc = vhctl_forward(v, &fw, &r);
    const Vh__VcpuList *l = !rc ? r->reply->vcpus : NULL;
    if (l && v->json) {
        vhctl_json_begin();
        vhctl_json_arr("vcpus");
        for (size_t i = 0; i < l->n_vcpus; i++)
            vhctl__vcpu_json(l->vcpus[i]);
        vhctl_json_arr_end();
        vhctl_json_end();
    } else if (l) {
        static const char *const cols[] = {">ID", "ADU", "KIND", ">INDEX", "STATE", ">CPU",
                                           ">PERIOD", ">DEADLINE", ">BUDGET", ">UTIL", "DETAIL"};
        struct vhctl_table tb;
        vhctl_table_init(&tb, 11, cols);
        for (size_t i = 0; i < l->n_vcpus; i++)
            vhctl__vcpu_row(&tb, l->vcpus[i]);
        vhctl_table_print(&tb, stdout);
        vhctl_table_free(&tb);
    }
    if (r)
        vhd__client_response__free_unpacked(r, NULL);
    return rc;
}

/* --- create / set ------------------------------------------------------------ */

static const struct option vhctl__create_opts[] = {
    {"entry", 1, 0, 'e'}, {"arg", 1, 0, 'a'},      {"stack", 1, 0, 'k'},
    {"period", 1, 0, 'p'}, {"deadline", 1, 0, 'd'}, {"budget", 1, 0, 'b'},
    {"cpu", 1, 0, 'c'},   {"dry-run", 0, 0, 'n'},  {0, 0, 0, 0}};
static const char *const vhctl__create_names[] = {"--entry", "--arg", "--stack", "--period",
                                                  "--deadline", "--budget", "--cpu",
                                                  "--dry-run", NULL};

static int vhctl__bad_option(const char *verb, const char *arg, const char *const *names)
{
    char what[64];
    char *eq = strchr(arg, '=');
    char opt[64];
    snprintf(opt, sizeof(opt), "%.*s", eq ? (int)(eq - arg) : (int)strlen(arg), arg);
    snprintf(what, sizeof(what), "option of %s", verb);
    return vhctl_unknown(what, opt, names);
}

static int vhctl__duration(const char *opt, const char *s, uint64_t *ns)
{
    char why[200];
    if (vhctl_parse_duration(opt, s, ns, why, sizeof(why)) == 0)
        return 0;
    vhctl_err("%s", why);
    return -1;
}

static int vhctl__resolve(struct vhctl *v, const char *adu, const char *sym, uint64_t *addr)
{
    if ((sym[0] >= '0' && sym[0] <= '9'))
        return vhctl_parse_u64("--entry", sym, addr) ? VHCTL_EUSAGE : 0;
    Vhd__ClientRequest rq = VHD__CLIENT_REQUEST__INIT;
    Vhd__ResolveSymbolReq rs = VHD__RESOLVE_SYMBOL_REQ__INIT;
    Vhd__ClientResponse *r;
    rs.adu = (char *)adu;
    rs.symbol = (char *)sym;
    rq.call_case = VHD__CLIENT_REQUEST__CALL_RESOLVE_SYMBOL;
    rq.resolve_symbol = &rs;
    const char *verb = v->verb;
    v->verb = "vcpu create: --entry";
    int rc = vhctl_call(v, &rq, &r);
    v->verb = verb;
    if (!rc && r->symbol)
        *addr = r->symbol->address;
    if (r)
        vhd__client_response__free_unpacked(r, NULL);
    return rc;
}

static int vhctl__create_parse(int argc, char **argv, Vh__CreateRtReq *c, const char **entry)
{
    int o;
    optind = 0;
    opterr = 0;
    c->cpu = -1;
    while ((o = getopt_long(argc, argv, ":", vhctl__create_opts, NULL)) != -1) {
        int bad = 0;
        switch (o) {
        case 'e': *entry = optarg; break;
        case 'a': bad = vhctl_parse_u64("--arg", optarg, &c->arg); break;
        case 'k': bad = vhctl_parse_u64("--stack", optarg, &c->stack); break;
        case 'p': bad = vhctl__duration("--period", optarg, &c->period_ns); break;
        case 'd': bad = vhctl__duration("--deadline", optarg, &c->deadline_ns); break;
        case 'b': bad = vhctl__duration("--budget", optarg, &c->budget_ns); break;
        case 'c': {
            uint32_t cpu;
            if (strcmp(optarg, "auto") == 0)
                c->cpu = -1;
            else if (!(bad = vhctl_parse_u32("--cpu", optarg, &cpu)))
                c->cpu = (int32_t)cpu;
            break;
        }
        case 'n': c->dry_run = 1; break;
        case ':':
            vhctl_err("vcpu create: %s needs a value", argv[optind - 1]);
            return -1;
        default:
            vhctl__bad_option("vcpu create", argv[optind - 1], vhctl__create_names);
            return -1;
        }
        if (bad)
            return -1;
    }
    return optind;
}

static int vhctl__create_check(int argc, int first, const Vh__CreateRtReq *c,
                               const char *entry)
{
    if (first != argc - 1) {
        vhctl_err("vcpu create: want exactly one ADU name (got %d words); e.g. "
                  "`vhctl vcpu create ctl --entry rt_task --period 10ms --budget 2ms`",
                  argc - first);
        return -1;
    }
    const char *missing = !entry ? "--entry" : !c->period_ns ? "--period" : !c->budget_ns ? "--budget" : NULL;
    if (missing) {
        vhctl_err("vcpu create: %s is required; e.g. --entry rt_task --period 10ms --budget 2ms",
                  missing);
        return -1;
    }
    uint64_t dl = c->deadline_ns ? c->deadline_ns : c->period_ns;
    if (c->budget_ns > dl || dl > c->period_ns) {
        vhctl_err("vcpu create: need budget <= deadline <= period (got budget %llu ns, "
                  "deadline %llu ns, period %llu ns)", (unsigned long long)c->budget_ns,
                  (unsigned long long)dl, (unsigned long long)c->period_ns);
        return -1;
    }
    return 0;
}

static void vhctl__create_print(struct vhctl *v, const Vh__CreateRtReq *c, const Vh__Response *r)
{
    const Vh__CreateRtResult *res = r->create_rt;
    if (v->json) {
        vhctl_json_begin();
        vhctl_json_bool("dry_run", c->dry_run);
        vhctl_json_bool("admitted", res ? res->admitted : 0);
        vhctl_json_u64("vcpu_id", res ? res->vcpu_id : 0);
        vhctl_json_u64("rt_id", res ? res->rt_id : 0);
        vhctl_json_i64("cpu", res ? res->cpu : -1);
        vhctl_json_str("detail", r->detail);
        vhctl_json_end();
    } else if (c->dry_run && res && res->admitted) {
        printf("dry run: admission would pass on CPU %d\n", res->cpu);
    } else if (res && res->admitted) {
        printf("created VCPU %u (RT %u of ADU %s) on CPU %d\n", res->vcpu_id, res->rt_id, c->adu,
               res->cpu);
    }
    if (c->dry_run && res && !res->admitted)
        vhctl_err("vcpu create --dry-run: would be refused: %s", r->detail);
}

static int vhctl__vcpu_create(struct vhctl *v, int argc, char **argv)
{
    Vh__CreateRtReq c = VH__CREATE_RT_REQ__INIT;
    Vh__Request fw = VH__REQUEST__INIT;
    Vhd__ClientResponse *r;
    const char *entry = NULL;
    int first = vhctl__create_parse(argc, argv, &c, &entry);
    if (first < 0 || vhctl__create_check(argc, first, &c, entry))
        return VHCTL_EUSAGE;
    c.adu = argv[first];
    int rc = vhctl__resolve(v, c.adu, entry, &c.entry);
    if (rc)
        return rc;
    fw.call_case = VH__REQUEST__CALL_CREATE_RT;
    fw.create_rt = &c;
    rc = vhctl_forward(v, &fw, &r);
    if (!rc) {
        vhctl__create_print(v, &c, r->reply);
        if (c.dry_run && r->reply->create_rt && !r->reply->create_rt->admitted)
            rc = VHCTL_EREFUSED;
    }
    if (r)
        vhd__client_response__free_unpacked(r, NULL);
    return rc;
}

static int vhctl__vcpu_set(struct vhctl *v, int argc, char **argv)
{
    static const struct option lo[] = {{"period", 1, 0, 'p'}, {"deadline", 1, 0, 'd'},
                                       {"budget", 1, 0, 'b'}, {0, 0, 0, 0}};
    static const char *const names[] = {"--period", "--deadline", "--budget", NULL};
    Vh__SetRtParamsReq s = VH__SET_RT_PARAMS_REQ__INIT;
    int o;
    optind = 0;
    opterr = 0;
    while ((o = getopt_long(argc, argv, ":", lo, NULL)) != -1) {
        int bad;
        if (o == 'p')
            bad = vhctl__duration("--period", optarg, &s.period_ns);
        else if (o == 'd')
            bad = vhctl__duration("--deadline", optarg, &s.deadline_ns);
        else if (o == 'b')
            bad = vhctl__duration("--budget", optarg, &s.budget_ns);
        else if (o == ':') {
            vhctl_err("vcpu set: %s needs a value", argv[optind - 1]);
            return VHCTL_EUSAGE;
        } else
            return vhctl__bad_option("vcpu set", argv[optind - 1], names);
        if (bad)
            return VHCTL_EUSAGE;
    }
    if (optind != argc - 1 || vhctl_parse_u32("vcpu set ID", argv[optind], &s.vcpu_id)) {
        if (optind != argc - 1)
            vhctl_err("vcpu set: want one VCPU id, e.g. `vhctl vcpu set 5 --budget 3ms`");
        return VHCTL_EUSAGE;
    }
    if (!s.period_ns && !s.deadline_ns && !s.budget_ns) {
        vhctl_err("vcpu set: nothing to change; give --period, --deadline and/or --budget");
        return VHCTL_EUSAGE;
    }
    Vh__Request fw = VH__REQUEST__INIT;
    Vhd__ClientResponse *r;
    fw.call_case = VH__REQUEST__CALL_SET_RT_PARAMS;
    fw.set_rt_params = &s;
    int rc = vhctl_forward(v, &fw, &r);
    if (!rc && !v->json)
        printf("VCPU %u updated\n", s.vcpu_id);
    else if (!rc) {
        vhctl_json_begin();
        vhctl_json_u64("vcpu_id", s.vcpu_id);
        vhctl_json_str("result", "updated");
        vhctl_json_end();
    }
    if (r)
        vhd__client_response__free_unpacked(r, NULL);
    return rc;
}

static int vhctl__vcpu_simple(struct vhctl *v, int argc, char **argv, int migrate)
{
    Vh__Request fw = VH__REQUEST__INIT;
    Vh__MigrateReq m = VH__MIGRATE_REQ__INIT;
    Vh__DestroyRtReq d = VH__DESTROY_RT_REQ__INIT;
    Vhd__ClientResponse *r;
    uint32_t id, cpu = 0;
    if (argc != (migrate ? 3 : 2)) {
        vhctl_err(migrate ? "vcpu migrate: want ID CPU, e.g. `vhctl vcpu migrate 5 2`"
                          : "vcpu destroy: want one VCPU id, e.g. `vhctl vcpu destroy 5`");
        return VHCTL_EUSAGE;
    }
    if (vhctl_parse_u32("ID", argv[1], &id) || (migrate && vhctl_parse_u32("CPU", argv[2], &cpu)))
        return VHCTL_EUSAGE;
    if (migrate) {
        m.vcpu_id = id;
        m.cpu = (int32_t)cpu;
        fw.call_case = VH__REQUEST__CALL_MIGRATE;
        fw.migrate = &m;
    } else {
        d.vcpu_id = id;
        fw.call_case = VH__REQUEST__CALL_DESTROY_RT;
        fw.destroy_rt = &d;
    }
    int rc = vhctl_forward(v, &fw, &r);
    if (!rc && v->json) {
        vhctl_json_begin();
        vhctl_json_u64("vcpu_id", id);
        vhctl_json_str("result", migrate ? "migrated" : "destroyed");
        if (migrate)
            vhctl_json_u64("cpu", cpu);
        vhctl_json_end();
    } else if (!rc && migrate) {
        printf("VCPU %u moved to CPU %u\n", id, cpu);
    } else if (!rc) {
        printf("VCPU %u destroyed\n", id);
    }
    if (r)
        vhd__client_response__free_unpacked(r, NULL);
    return rc;
}

int vhctl_cmd_vcpu(struct vhctl *v, int argc, char **argv)
{
    static const char *const subs[] = {"list", "create", "set", "migrate", "destroy", NULL};
    static const char *const verbs[] = {"vcpu list", "vcpu create", "vcpu set", "vcpu migrate",
                                        "vcpu destroy"};
    if (vhctl_wants_help(argc, argv)) {
        fputs(vhctl__vcpu_help, stdout);
        return 0;
    }
    if (argc < 1) {
        vhctl_err("vcpu: which? use list, create, set, migrate or destroy (vhctl vcpu --help)");
        return VHCTL_EUSAGE;
    }
    int k = -1;
    for (int i = 0; subs[i]; i++)
        if (strcmp(argv[0], subs[i]) == 0)
            k = i;
    if (k < 0)
        return vhctl_unknown("vcpu command", argv[0], subs);
    v->verb = verbs[k];
    switch (k) {
    case 0:
        if (argc != 1) {
            vhctl_err("vcpu list takes no arguments (got '%s')", argv[1]);
            return VHCTL_EUSAGE;
        }
        return vhctl__vcpu_list(v);
    case 1: return vhctl__vcpu_create(v, argc, argv);
    case 2: return vhctl__vcpu_set(v, argc, argv);
    default: return vhctl__vcpu_simple(v, argc, argv, k == 3);
    }
}
