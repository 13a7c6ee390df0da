/*
 * vhctl: command-line client of vhd.  Global options may stand anywhere
 * before a `--`; the first other word is the verb.  See vhctl(1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "vhctl.h"

static const char vhctl__usage[] =
    "usage: vhctl [-s SOCKET] [-t TARGET] [-o table|json] [--timeout DUR] VERB ...\n"
    "\n"
    "verbs:\n"
    "  target list | add NAME SPEC | remove NAME   targets vhd talks to\n"
    "  status                                     CPUs, boot id, uptime, link health\n"
    "  adu list | reserve ADU PERCENT             ADUs and their RT reservations\n"
    "  vcpu list | create | set | migrate | destroy   VCPUs (`vhctl vcpu --help`)\n"
    "  stats [--follow] [--rate HZ] [--count N]   jitter, misses, overruns, CPU split\n"
    "  console ADU                                an ADU's console (Ctrl-] detaches)\n"
    "  link stats                                 link counters on both ends\n"
    "  campaign run FILE | check FILE             scripted test campaigns (docs/campaigns.md)\n"
    "\n"
    "options:\n"
    "  -s SOCKET      vhd's socket (default $XDG_RUNTIME_DIR/vhd.sock, /run/vhd.sock as\n"
    "                 root, else /tmp/vhd-UID.sock; PATH.ro is the read-only one)\n"
    "  -t TARGET      target name (default: vhd's first target)\n"
    "  -o FORMAT      table (default) or json (one object; one per line with --follow)\n"
    "  --timeout DUR  deadline of each call, e.g. 500ms, 2s (default 5s)\n"
    "  -h, --help     this help; `vhctl VERB --help` for a verb\n"
    "\n"
    "exit codes: 0 ok, 1 other error, 2 usage error, 3 refused by admission,\n"
    "            4 not found, 5 target or vhd unavailable, 6 timeout,\n"
    "            7 permission denied\n";

struct vhctl__verb {
    const char *name;
    int (*fn)(struct vhctl *v, int argc, char **argv);
};

static const struct vhctl__verb vhctl__verbs[] = {
    {"target", vhctl_cmd_target}, {"status", vhctl_cmd_status}, {"adu", vhctl_cmd_adu},
    {"vcpu", vhctl_cmd_vcpu},     {"stats", vhctl_cmd_stats},   {"console", vhctl_cmd_console},
    {"link", vhctl_cmd_link},     {"campaign", vhctl_cmd_campaign},
};
static const char *const vhctl__verb_names[] = {"target", "status", "adu",  "vcpu", "stats",
                                                "console", "link",  "campaign", "help", NULL};

/* Take a global option's value: "-s X", "-sX", "--timeout X", "--timeout=X". */
static const char *vhctl__value(int argc, char **argv, int *i, const char *lng)
{
    const char *a = argv[*i];
    size_t n = strlen(lng);
    if (strncmp(a, lng, n) == 0 && a[n] == '=')
        return a + n + 1;
    if (a[1] != '-' && a[2])
        return a + 2;
    if (*i + 1 >= argc) {
        vhctl_err("%s needs a value", a);
        return NULL;
    }
    return argv[++*i];
}

static int vhctl__is(const char *a, const char *sh, const char *lng)
{
    size_t n = strlen(lng);
    return (sh && strncmp(a, sh, 2) == 0) || strcmp(a, lng) == 0 ||
           (strncmp(a, lng, n) == 0 && a[n] == '=');
}

static int vhctl__global(struct vhctl *v, int argc, char **argv, int *i)
{
    const char *a = argv[*i], *val;
    if (vhctl__is(a, "-s", "--socket")) {
        if (!(val = vhctl__value(argc, argv, i, "--socket")))
            return -1;
        v->sock = val;
    } else if (vhctl__is(a, "-t", "--target")) {
        if (!(val = vhctl__value(argc, argv, i, "--target")))
            return -1;
        v->target = val;
    } else if (vhctl__is(a, "-o", "--output")) {
        if (!(val = vhctl__value(argc, argv, i, "--output")))
            return -1;
        if (strcmp(val, "json") && strcmp(val, "table")) {
            vhctl_err("-o: unknown format '%s'; use table or json", val);
            return -1;
        }
        v->json = strcmp(val, "json") == 0;
    } else if (vhctl__is(a, NULL, "--timeout")) {
        char why[160];
        if (!(val = vhctl__value(argc, argv, i, "--timeout")))
            return -1;
        if (vhctl_parse_duration("--timeout", val, &v->timeout_ns, why, sizeof(why))) {
            vhctl_err("%s", why);
            return -1;
        }
    } else {
        return 0;
    }
    return 1;
}

/* Remove global options from argv (up to "--"); returns the new argc or -1. */
static int vhctl__globals(struct vhctl *v, int argc, char **argv)
{
    int out = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            while (i < argc)
                argv[out++] = argv[i++];
            break;
        }
        int rc = vhctl__global(v, argc, argv, &i);
        if (rc < 0)
            return -1;
        if (rc == 0)
            argv[out++] = argv[i];
    }
    argv[out] = NULL;
    return out;
}

static int vhctl__run(struct vhctl *v, int argc, char **argv)
{
    const char *verb = argv[1];
    for (size_t i = 0; i < sizeof(vhctl__verbs) / sizeof(vhctl__verbs[0]); i++) {
        if (strcmp(verb, vhctl__verbs[i].name) == 0) {
            v->verb = verb;
            return vhctl__verbs[i].fn(v, argc - 2, argv + 2);
        }
    }
    if (verb[0] == '-') {
        vhctl_err("unknown option '%s'; see vhctl --help", verb);
        return VHCTL_EUSAGE;
    }
    return vhctl_unknown("verb", verb, vhctl__verb_names);
}

int main(int argc, char **argv)
{
    static char sock[128];
    struct vhctl v = {.fd = -1};
    vhd_default_socket(sock, sizeof(sock));
    v.sock = sock;
    if (getenv("VHD_SOCKET") && *getenv("VHD_SOCKET"))
        v.sock = getenv("VHD_SOCKET");
    argc = vhctl__globals(&v, argc, argv);
    if (argc < 0)
        return VHCTL_EUSAGE;
    if (argc < 2) {
        fputs(vhctl__usage, stderr);
        return VHCTL_EUSAGE;
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(vhctl__usage, stdout);
        return VHCTL_OK;
    }
    int rc = vhctl__run(&v, argc, argv);
    vhctl_disconnect(&v);
    return rc;
}
