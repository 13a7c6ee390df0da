/*
 * vhtop's keys and the small forms behind the actions.  A form is modal
 * but the dashboard keeps living under it: while it waits for a key it
 * still handles vhd's messages and redraws.  Every action shows vhd's
 * answer verbatim (a refusal with its reason) in a box and then on the
 * message line.  Without admin rights the actions only say why not.
 */
#include <curses.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "vhtop.h"

#define VHTOP_FIELD_LEN 64
#define VHTOP_KEY_ESC 27

struct vhtop__field {
    const char *label;
    char val[VHTOP_FIELD_LEN];
};

int vhtop_ui_wait_key(struct vhtop_app *a)
{
    int ms = vhtop_app_tick(a);
    struct pollfd p[2] = {{.fd = 0, .events = POLLIN}, {.fd = a->conn.fd, .events = POLLIN}};
    int key = getch(); /* a key (or KEY_RESIZE) may already be buffered */
    if (key != ERR)
        return key;
    int n = poll(p, a->conn.fd >= 0 ? 2 : 1, ms);
    if (n > 0 && a->conn.fd >= 0 && p[1].revents)
        vhtop_app_readable(a);
    return getch();
}

/* A box of `h` rows centred on the screen; returns its top-left corner. */
static void vhtop__box(int h, int w, int *y, int *x)
{
    *y = (LINES - h) / 2 > 0 ? (LINES - h) / 2 : 0;
    *x = (COLS - w) / 2 > 0 ? (COLS - w) / 2 : 0;
    for (int i = 0; i < h && *y + i < LINES; i++) {
        move(*y + i, *x);
        for (int k = 0; k < w && *x + k < COLS; k++)
            addch((chtype)(i == 0 || i == h - 1 ? '-' : k == 0 || k == w - 1 ? '|' : ' '));
    }
}

static int vhtop__boxw(void)
{
    return COLS - 4 < 76 ? COLS - 4 : 76;
}

/* Word-wrap text into the box's width; returns the number of lines. */
static int vhtop__wrap(const char *text, int w, char lines[][128], int max)
{
    int n = 0;
    while (*text && n < max) {
        int len = (int)strlen(text), take = len < w ? len : w;
        if (take < len)
            for (int k = take; k > w / 2; k--)
                if (text[k] == ' ') {
                    take = k;
                    break;
                }
        snprintf(lines[n++], 128, "%.*s", take, text);
        text += take;
        while (*text == ' ')
            text++;
    }
    return n;
}

static void vhtop__text(int y, int x, int w, attr_t at, const char *s)
{
    if (y < LINES && x < COLS) {
        attron(at);
        mvaddnstr(y, x, s, w < COLS - x ? w : COLS - x);
        attroff(at);
    }
}

/*
 * Show text in a box until a key; `keys` lists the keys that close it with
 * their meaning (NULL: any key).  Returns the key.  The text also stays on
 * the message line.
 */
static int vhtop__answer(struct vhtop_app *a, struct vhtop_ui *u, const char *title,
                         const char *text, int err, const char *keys)
{
    char lines[8][128];
    int w = vhtop__boxw(), n = vhtop__wrap(text, w - 4, lines, 8), y, x;
    snprintf(u->msg, sizeof(u->msg), "%s: %s", title, text);
    u->msg_err = err;
    for (;;) {
        vhtop_view_draw(a, u);
        vhtop__box(n + 4, w, &y, &x);
        vhtop__text(y + 1, x + 2, w - 4, A_BOLD, title);
        for (int i = 0; i < n; i++)
            vhtop__text(y + 2 + i, x + 2, w - 4, err ? A_BOLD : 0, lines[i]);
        vhtop__text(y + n + 3, x + 2, w - 4, A_DIM, keys ? keys : " any key closes ");
        doupdate();
        int k = vhtop_ui_wait_key(a);
        if (k == ERR || k == KEY_RESIZE)
            continue;
        if (!keys || k == 'y' || k == 'n' || k == VHTOP_KEY_ESC || k == 'q')
            return k;
    }
}

static void vhtop__form_draw(const char *title, struct vhtop__field *f, int n, int cur,
                             const char *note)
{
    char lines[4][128];
    int w = vhtop__boxw(), nn = note && *note ? vhtop__wrap(note, w - 4, lines, 4) : 0, y, x;
    vhtop__box(n + nn + 5, w, &y, &x);
    vhtop__text(y + 1, x + 2, w - 4, A_BOLD, title);
    for (int i = 0; i < n; i++) {
        char row[160];
        snprintf(row, sizeof(row), "%-22s %s%s", f[i].label, f[i].val, i == cur ? "_" : "");
        vhtop__text(y + 2 + i, x + 2, w - 4, i == cur ? A_REVERSE : 0, row);
    }
    for (int i = 0; i < nn; i++)
        vhtop__text(y + 2 + n + i, x + 2, w - 4, A_BOLD, lines[i]);
    vhtop__text(y + n + nn + 3, x + 2, w - 4, A_DIM,
                "Enter next/submit  Tab/Up/Down move  ^U clear  Esc cancel");
}

/* Edit the fields; 1 when submitted (Enter on the last field), 0 cancelled. */
static int vhtop__form(struct vhtop_app *a, struct vhtop_ui *u, const char *title,
                       struct vhtop__field *f, int n, const char *note)
{
    int cur = n - 1; /* start on the first empty field, else the last */
    for (int i = n - 1; i >= 0; i--)
        if (!f[i].val[0])
            cur = i;
    for (;;) {
        vhtop_view_draw(a, u);
        vhtop__form_draw(title, f, n, cur, note);
        doupdate();
        int k = vhtop_ui_wait_key(a);
        size_t len = strlen(f[cur].val);
        if (k == ERR || k == KEY_RESIZE)
            continue;
        if (k == VHTOP_KEY_ESC)
            return 0;
        if (k == '\n' || k == '\r' || k == KEY_ENTER) {
            if (cur == n - 1)
                return 1;
            cur++;
        } else if (k == '\t' || k == KEY_DOWN) {
            cur = (cur + 1) % n;
        } else if (k == KEY_UP || k == KEY_BTAB) {
            cur = (cur + n - 1) % n;
        } else if (k == KEY_BACKSPACE || k == 127 || k == 8) {
            if (len)
                f[cur].val[len - 1] = 0;
        } else if (k == 21) { /* Ctrl-U */
            f[cur].val[0] = 0;
        } else if (k >= 32 && k < 127 && len + 1 < VHTOP_FIELD_LEN) {
            f[cur].val[len] = (char)k;
            f[cur].val[len + 1] = 0;
        }
    }
}

static void vhtop__say(struct vhtop_ui *u, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void vhtop__say(struct vhtop_ui *u, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(u->msg, sizeof(u->msg), fmt, ap);
    va_end(ap);
    u->msg_err = err;
}

/* After a change: ask again at once instead of at the next tick. */
static void vhtop__requery(struct vhtop_app *a)
{
    a->pending[VHTOP_Q_ADUS] = a->pending[VHTOP_Q_VCPUS] = 0;
    vhtop_app_refresh(a);
}

static int vhtop__parse_int(const char *s, long lo, long hi, long *out)
{
    char *end;
    long v = strtol(s, &end, 0);
    if (!*s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static const struct vhtop_vcpu *vhtop__sel(struct vhtop_app *a, struct vhtop_ui *u)
{
    int i = vhtop_view_selected(a, u);
    return i >= 0 ? &a->m.vcpus[i] : NULL;
}

/* --- actions ------------------------------------------------------------------------ */

static void vhtop__migrate(struct vhtop_app *a, struct vhtop_ui *u, const struct vhtop_vcpu *v)
{
    struct vhtop__field f[1] = {{"to CPU", ""}};
    char title[128], msg[600], why[160] = "";
    long cpu;
    int ncpu = a->m.ncpus ? a->m.ncpus : (int)a->m.ncpus_info;
    snprintf(f[0].val, sizeof(f[0].val), "%d", ncpu ? ((v->cpu < 0 ? 0 : v->cpu) + 1) % ncpu : 0);
    snprintf(title, sizeof(title), "migrate VCPU %u (%s %s, now on CPU %d)", v->id, v->adu,
             v->rt ? "RT" : "BE", v->cpu);
    for (;;) {
        if (!vhtop__form(a, u, title, f, 1, why))
            return;
        if (!vhtop__parse_int(f[0].val, 0, 4095, &cpu))
            break;
        snprintf(why, sizeof(why), "'%s' is not a CPU number; use 0..%d", f[0].val,
                 ncpu ? ncpu - 1 : 0);
    }
    Vh__Request fw = VH__REQUEST__INIT;
    Vh__MigrateReq m = VH__MIGRATE_REQ__INIT;
    m.vcpu_id = v->id;
    m.cpu = (int32_t)cpu;
    fw.call_case = VH__REQUEST__CALL_MIGRATE;
    fw.migrate = &m;
    uint32_t id = v->id;
    int st = vhtop_app_forward(a, &fw, msg, sizeof(msg), NULL);
    vhtop__requery(a);
    snprintf(title, sizeof(title), "migrate VCPU %u to CPU %ld", id, cpu);
    vhtop__answer(a, u, title, msg, st != 0, NULL);
}

static int vhtop__parse_pct(const char *s, uint32_t *ppm)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || (*end && strcmp(end, "%")) || v < 0 || v > 100)
        return -1;
    *ppm = (uint32_t)(v * 1e4 + 0.5);
    return 0;
}

static void vhtop__reserve(struct vhtop_app *a, struct vhtop_ui *u, const struct vhtop_vcpu *v)
{
    struct vhtop__field f[2] = {{"ADU", ""}, {"reservation (%)", ""}};
    char msg[600], why[160] = "", title[160];
    uint32_t ppm;
    const struct vhtop_adu *d = v ? vhtop_model_adu(&a->m, v->adu) : NULL;
    if (!d && a->m.nadus)
        d = &a->m.adus[0];
    snprintf(f[0].val, sizeof(f[0].val), "%s", d ? d->name : "");
    if (d)
        snprintf(f[1].val, sizeof(f[1].val), "%.1f", d->reserve_ppm / 1e4);
    for (;;) {
        if (!vhtop__form(a, u, "change an ADU's RT reservation (share of the machine)", f, 2,
                         why))
            return;
        if (!vhtop__parse_pct(f[1].val, &ppm) && f[0].val[0])
            break;
        snprintf(why, sizeof(why), f[0].val[0] ? "'%s' is not a percentage; use e.g. 40 or 12.5"
                                               : "which ADU?%.0s", f[1].val);
    }
    Vh__Request fw = VH__REQUEST__INIT;
    Vh__SetReservationReq sr = VH__SET_RESERVATION_REQ__INIT;
    sr.adu = f[0].val;
    sr.reserve_ppm = ppm;
    fw.call_case = VH__REQUEST__CALL_SET_RESERVATION;
    fw.set_reservation = &sr;
    int st = vhtop_app_forward(a, &fw, msg, sizeof(msg), NULL);
    vhtop__requery(a);
    snprintf(title, sizeof(title), "reserve %.1f%% for ADU %s", ppm / 1e4, f[0].val);
    vhtop__answer(a, u, title, msg, st != 0, NULL);
}

static void vhtop__destroy(struct vhtop_app *a, struct vhtop_ui *u, const struct vhtop_vcpu *v)
{
    char title[128], msg[600];
    uint32_t id = v->id;
    if (!v->rt) {
        vhtop__say(u, 1, "x: VCPU %u is a BE-VCPU; only RT-VCPUs can be destroyed", v->id);
        return;
    }
    snprintf(title, sizeof(title), "destroy VCPU %u", id);
    snprintf(msg, sizeof(msg), "destroy RT-VCPU %u of ADU %s on CPU %d?", id, v->adu, v->cpu);
    if (vhtop__answer(a, u, title, msg, 0, " y destroy   n/Esc cancel ") != 'y') {
        u->msg[0] = 0;
        return;
    }
    Vh__Request fw = VH__REQUEST__INIT;
    Vh__DestroyRtReq d = VH__DESTROY_RT_REQ__INIT;
    d.vcpu_id = id;
    fw.call_case = VH__REQUEST__CALL_DESTROY_RT;
    fw.destroy_rt = &d;
    int st = vhtop_app_forward(a, &fw, msg, sizeof(msg), NULL);
    vhtop__requery(a);
    vhtop__answer(a, u, title, msg, st != 0, NULL);
}

/* --- create ---------------------------------------------------------------------------- */

enum { VHTOP_F_ADU, VHTOP_F_ENTRY, VHTOP_F_PERIOD, VHTOP_F_BUDGET, VHTOP_F_DEADLINE,
       VHTOP_F_CPU, VHTOP_NF };

/* Check the form and fill c; 0, or -1 with a sentence in why[]. */
static int vhtop__create_check(struct vhtop__field *f, Vh__CreateRtReq *c, char *why, size_t cap)
{
    long cpu;
    if (!f[VHTOP_F_ADU].val[0] || !f[VHTOP_F_ENTRY].val[0]) {
        snprintf(why, cap, "ADU and entry are required (entry: a symbol of the ADU's image "
                 "or an address like 0x80200000)");
        return -1;
    }
    if (vhctl_parse_duration("period", f[VHTOP_F_PERIOD].val, &c->period_ns, why, cap) ||
        vhctl_parse_duration("budget", f[VHTOP_F_BUDGET].val, &c->budget_ns, why, cap) ||
        (f[VHTOP_F_DEADLINE].val[0] &&
         vhctl_parse_duration("deadline", f[VHTOP_F_DEADLINE].val, &c->deadline_ns, why, cap)))
        return -1;
    if (!strcmp(f[VHTOP_F_CPU].val, "auto") || !f[VHTOP_F_CPU].val[0])
        c->cpu = -1;
    else if (vhtop__parse_int(f[VHTOP_F_CPU].val, 0, 4095, &cpu)) {
        snprintf(why, cap, "cpu: '%s' is not a CPU number; use a number or auto",
                 f[VHTOP_F_CPU].val);
        return -1;
    } else
        c->cpu = (int32_t)cpu;
    c->adu = f[VHTOP_F_ADU].val;
    return 0;
}

/* The entry as an address: a number, or a symbol vhd resolves. */
static int vhtop__entry(struct vhtop_app *a, const char *adu, const char *s, uint64_t *addr,
                        char *why, size_t cap)
{
    char *end;
    if (s[0] >= '0' && s[0] <= '9') {
        *addr = strtoull(s, &end, 0);
        if (!*end)
            return 0;
        snprintf(why, cap, "entry: '%s' is not an address", s);
        return -1;
    }
    Vhd__ClientRequest rq = VHD__CLIENT_REQUEST__INIT;
    Vhd__ResolveSymbolReq rs = VHD__RESOLVE_SYMBOL_REQ__INIT;
    Vhd__ClientResponse *r;
    rs.adu = (char *)adu;
    rs.symbol = (char *)s;
    rq.call_case = VHD__CLIENT_REQUEST__CALL_RESOLVE_SYMBOL;
    rq.resolve_symbol = &rs;
    if (vhtop_app_call(a, &rq, 5000, &r, why, cap))
        return -1;
    int ok = r->status == VH__STATUS__OK && r->symbol;
    if (ok)
        *addr = r->symbol->address;
    else
        snprintf(why, cap, "entry: vhd: %s", r->detail[0] ? r->detail : "symbol not found");
    vhd__client_response__free_unpacked(r, NULL);
    return ok ? 0 : -1;
}

/* Dry run, then the real thing if admitted and confirmed. */
static void vhtop__create_run(struct vhtop_app *a, struct vhtop_ui *u, Vh__CreateRtReq *c)
{
    Vh__Request fw = VH__REQUEST__INIT;
    Vhd__ClientResponse *r;
    char msg[600], text[800];
    fw.call_case = VH__REQUEST__CALL_CREATE_RT;
    fw.create_rt = c;
    c->dry_run = 1;
    int st = vhtop_app_forward(a, &fw, msg, sizeof(msg), &r);
    const Vh__CreateRtResult *res = st == 0 && r->reply ? r->reply->create_rt : NULL;
    if (!res || !res->admitted) {
        snprintf(text, sizeof(text), "would be refused: %s", res ? r->reply->detail : msg);
        if (r)
            vhd__client_response__free_unpacked(r, NULL);
        vhtop__answer(a, u, "create RT-VCPU: dry run", text, 1, NULL);
        return;
    }
    snprintf(text, sizeof(text), "admission would pass on CPU %d (%s). Create it?", res->cpu, msg);
    vhd__client_response__free_unpacked(r, NULL);
    if (vhtop__answer(a, u, "create RT-VCPU: dry run", text, 0, " y create   n/Esc cancel ") != 'y') {
        vhtop__say(u, 0, "create RT-VCPU: cancelled after the dry run");
        return;
    }
    c->dry_run = 0;
    st = vhtop_app_forward(a, &fw, msg, sizeof(msg), &r);
    res = st == 0 && r->reply ? r->reply->create_rt : NULL;
    if (res)
        snprintf(text, sizeof(text), "created VCPU %u (RT %u of ADU %s) on CPU %d; %s",
                 res->vcpu_id, res->rt_id, c->adu, res->cpu, msg);
    else
        snprintf(text, sizeof(text), "%s", msg);
    if (r)
        vhd__client_response__free_unpacked(r, NULL);
    vhtop__requery(a);
    vhtop__answer(a, u, "create RT-VCPU", text, st != 0, NULL);
}

static void vhtop__create(struct vhtop_app *a, struct vhtop_ui *u, const struct vhtop_vcpu *v)
{
    static struct vhtop__field f[VHTOP_NF] = {
        {"ADU", ""}, {"entry (symbol|addr)", ""}, {"period", "10ms"}, {"budget", "1ms"},
        {"deadline (empty: =per)", ""}, {"cpu (number|auto)", "auto"}};
    char why[300] = "";
    if (v && v->adu[0] != '?')
        snprintf(f[VHTOP_F_ADU].val, VHTOP_FIELD_LEN, "%s", v->adu);
    else if (!f[VHTOP_F_ADU].val[0] && a->m.nadus)
        snprintf(f[VHTOP_F_ADU].val, VHTOP_FIELD_LEN, "%s", a->m.adus[0].name);
    for (;;) {
        Vh__CreateRtReq c = VH__CREATE_RT_REQ__INIT;
        if (!vhtop__form(a, u, "create an RT-VCPU (a dry run comes first)", f, VHTOP_NF, why))
            return;
        if (vhtop__create_check(f, &c, why, sizeof(why)) ||
            vhtop__entry(a, c.adu, f[VHTOP_F_ENTRY].val, &c.entry, why, sizeof(why)))
            continue;
        vhtop__create_run(a, u, &c);
        return;
    }
}

/* --- keys ------------------------------------------------------------------------------- */

static void vhtop__prompt(struct vhtop_app *a, struct vhtop_ui *u, int key)
{
    struct vhtop__field f[1] = {{key == '/' ? "ADU (empty: all)" : "refresh delay (s)", ""}};
    char why[120] = "";
    if (key == '/') {
        snprintf(f[0].val, sizeof(f[0].val), "%s", u->filter);
        if (vhtop__form(a, u, "filter the VCPUs by ADU", f, 1, ""))
            snprintf(u->filter, sizeof(u->filter), "%s", f[0].val);
        return;
    }
    snprintf(f[0].val, sizeof(f[0].val), "%g", a->o.delay_s);
    for (;;) {
        char *end;
        if (!vhtop__form(a, u, "change the refresh delay", f, 1, why))
            return;
        double d = strtod(f[0].val, &end);
        if (end != f[0].val && !*end && d >= 0.1 && d <= 3600) {
            vhtop_app_set_delay(a, d);
            a->next_tick_ns = 0;
            return;
        }
        snprintf(why, sizeof(why), "'%s': use seconds between 0.1 and 3600, e.g. 0.5", f[0].val);
    }
}

static void vhtop__next_target(struct vhtop_app *a, struct vhtop_ui *u)
{
    const struct vhtop_model *m = &a->m;
    int cur = 0;
    if (m->ntargets < 2) {
        vhtop__say(u, 0, "t: vhd has %s target%s", m->ntargets ? "only one" : "no",
                   m->ntargets ? "" : "s");
        return;
    }
    for (int i = 0; i < m->ntargets; i++)
        if (strcmp(m->targets[i].name, a->shown) == 0)
            cur = i;
    cur = (cur + 1) % m->ntargets;
    char name[64];
    snprintf(name, sizeof(name), "%s", m->targets[cur].name);
    vhtop_app_switch_target(a, name);
    vhtop__say(u, 0, "target %s (%d of %d)", name, cur + 1, m->ntargets);
    u->have_sel = 0;
    u->sel = u->top = 0;
}

static void vhtop__action(struct vhtop_app *a, struct vhtop_ui *u, int key)
{
    const struct vhtop_vcpu *v = vhtop__sel(a, u);
    if (!vhtop_app_admin(a)) {
        vhtop__say(u, 1, "%c: not available: %s", key, vhtop_app_admin_hint(a));
        return;
    }
    if (!v && (key == 'm' || key == 'x')) {
        vhtop__say(u, 1, "%c: select a VCPU first", key);
        return;
    }
    u->msg[0] = 0;
    if (key == 'm')
        vhtop__migrate(a, u, v);
    else if (key == 'r')
        vhtop__reserve(a, u, v);
    else if (key == 'c')
        vhtop__create(a, u, v);
    else
        vhtop__destroy(a, u, v);
}

void vhtop_form_key(struct vhtop_app *a, struct vhtop_ui *u, int key)
{
    if (u->help && key != KEY_RESIZE) {
        u->help = 0;
        if (key != 'q')
            return;
    }
    switch (key) {
    case 'q': u->quit = 1; break;
    case '?': case 'h': u->help = 1; break;
    case KEY_UP: case 'k': vhtop_view_move(a, u, -1); break;
    case KEY_DOWN: case 'j': vhtop_view_move(a, u, 1); break;
    case KEY_PPAGE: vhtop_view_move(a, u, -10); break;
    case KEY_NPAGE: vhtop_view_move(a, u, 10); break;
    case KEY_HOME: vhtop_view_move(a, u, -VHTOP_MAX_VCPUS); break;
    case KEY_END: vhtop_view_move(a, u, VHTOP_MAX_VCPUS); break;
    case 's': u->sort = (enum vhtop_sort)((u->sort + 1) % VHTOP_NSORT); break;
    case '/': case 'd': vhtop__prompt(a, u, key); break;
    case 't': vhtop__next_target(a, u); break;
    case 'm': case 'r': case 'c': case 'x': vhtop__action(a, u, key); break;
    case VHTOP_KEY_ESC: u->msg[0] = 0; break;
    case 12: clearok(curscr, TRUE); break; /* Ctrl-L */
    default: break;
    }
}
