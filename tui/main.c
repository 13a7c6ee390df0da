/*
 * vhtop: live dashboard of a vh target, a client of vhd (see vhtop(1)).
 * Options, then either the batch mode or the curses loop: draw, wait for
 * a key / a message from vhd / the next refresh, handle it, again.  The
 * terminal is restored on q, on SIGINT/SIGTERM/SIGHUP and on errors.
 */
#include <curses.h>
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vhtop.h"

static const char vhtop__usage[] =
    "usage: vhtop [-s SOCKET] [-t TARGET] [-d SECS] [-b] [-n N] [--no-color]\n"
    "\n"
    "Live view of a vh target through vhd: per-CPU time split and admitted RT load,\n"
    "ADU reservations, per-VCPU jitter (min/avg/max/SD us, trend), deadline misses,\n"
    "budget overruns and the selected VCPU's jitter histogram.\n"
    "\n"
    "options:\n"
    "  -s SOCKET   vhd's admin socket (default $XDG_RUNTIME_DIR/vhd.sock, /run/vhd.sock\n"
    "              as root, else /tmp/vhd-UID.sock); SOCKET.ro is tried when the admin\n"
    "              socket refuses (actions are then unavailable)\n"
    "  -t TARGET   target name (default: vhd's first; `t` switches)\n"
    "  -d SECS     refresh period in seconds (default 1, 0.1..3600)\n"
    "  -b          batch mode: plain-text snapshots on stdout, no curses\n"
    "  -n N        with -b: stop after N snapshots (default: run until killed)\n"
    "  --no-color  no colours (letters and bold only)\n"
    "  -h, --help  this help\n"
    "\n"
    "keys: arrows/j/k select, s sort, / filter by ADU, t target, d delay, m migrate,\n"
    "      r reservation, c create RT-VCPU, x destroy RT-VCPU, ? help, q quit\n";

static volatile sig_atomic_t vhtop__stop;

static void vhtop__on_signal(int sig)
{
    (void)sig;
    vhtop__stop = 1;
}

static int vhtop__parse(int argc, char **argv, struct vhtop_opts *o)
{
    static const struct option lo[] = {{"socket", 1, 0, 's'}, {"target", 1, 0, 't'},
                                       {"delay", 1, 0, 'd'},  {"batch", 0, 0, 'b'},
                                       {"count", 1, 0, 'n'},  {"no-color", 0, 0, 'C'},
                                       {"no-colour", 0, 0, 'C'}, {"help", 0, 0, 'h'},
                                       {0, 0, 0, 0}};
    int c;
    char *end;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":s:t:d:bn:h", lo, NULL)) != -1) {
        switch (c) {
        case 's': o->sock = optarg; break;
        case 't': o->target = optarg; break;
        case 'd':
            o->delay_s = strtod(optarg, &end);
            if (end == optarg || *end || o->delay_s < 0.1 || o->delay_s > 3600) {
                fprintf(stderr, "vhtop: -d: '%s' is not a delay; use seconds between 0.1 and "
                        "3600, e.g. -d 0.5\n", optarg);
                return 2;
            }
            break;
        case 'b': o->batch = 1; break;
        case 'n':
            o->count = strtol(optarg, &end, 10);
            if (end == optarg || *end || o->count < 1) {
                fprintf(stderr, "vhtop: -n: '%s' is not a count; use a number >= 1\n", optarg);
                return 2;
            }
            break;
        case 'C': o->color = 0; break;
        case 'h': fputs(vhtop__usage, stdout); return -1;
        case ':':
            fprintf(stderr, "vhtop: %s needs a value; see vhtop --help\n", argv[optind - 1]);
            return 2;
        default:
            fprintf(stderr, "vhtop: unknown option '%s'; see vhtop --help\n", argv[optind - 1]);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "vhtop: takes no arguments (got '%s'); see vhtop --help\n", argv[optind]);
        return 2;
    }
    return 0;
}

static void vhtop__signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = vhtop__on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static int vhtop__tui(struct vhtop_app *a, int utf8)
{
    static struct vhtop_ui u;
    if (!initscr()) {
        fprintf(stderr, "vhtop: cannot start curses on this terminal (TERM=%s); try -b\n",
                getenv("TERM") ? getenv("TERM") : "");
        return 1;
    }
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    vhtop_view_init(&u, a->o.color);
    u.utf8 = utf8;
    while (!u.quit && !vhtop__stop) {
        vhtop_view_draw(a, &u);
        int key = vhtop_ui_wait_key(a);
        if (key != ERR)
            vhtop_form_key(a, &u, key);
    }
    erase();
    refresh();
    endwin();
    return 0;
}

int main(int argc, char **argv)
{
    static char sock[128];
    static struct vhtop_app app;
    struct vhtop_opts o = {.delay_s = 1.0, .color = 1};
    setlocale(LC_ALL, "");
    vhd_default_socket(sock, sizeof(sock));
    o.sock = getenv("VHD_SOCKET") && *getenv("VHD_SOCKET") ? getenv("VHD_SOCKET") : sock;
    if (getenv("NO_COLOR") && *getenv("NO_COLOR"))
        o.color = 0;
    int rc = vhtop__parse(argc, argv, &o);
    if (rc)
        return rc < 0 ? 0 : rc;
    vhtop__signals();
    vhtop_app_init(&app, &o);
    int utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
    rc = o.batch ? vhtop_batch_run(&app) : vhtop__tui(&app, utf8);
    vhtop_app_fini(&app);
    return rc;
}
