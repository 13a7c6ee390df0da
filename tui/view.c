/*
 * vhtop's screen: header (target, link, boot id, uptime, refresh), one bar
 * per CPU (time split since the previous sample and admitted RT load
 * against the per-CPU limit), ADU reservations, the VCPU table and the
 * selected VCPU's jitter histogram.  Every frame is laid out from LINES and
 * COLS, so a resize only needs a redraw: narrow windows drop the table's
 * optional columns (model.c ranks them), short ones shrink the histogram
 * first, then scroll the table.  Without colour, letters and bold carry
 * the meaning (bars are R/b/h, alarms are bold with a '!').
 */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "vhtop.h"

enum { VHTOP_P_RT = 1, VHTOP_P_BE, VHTOP_P_HV, VHTOP_P_ALARM, VHTOP_P_HEAD, VHTOP_P_NOTICE,
       VHTOP_P_ADM };

void vhtop_view_init(struct vhtop_ui *u, int want_color)
{
    u->color = want_color && has_colors();
    if (!u->color)
        return;
    start_color();
    use_default_colors();
    init_pair(VHTOP_P_RT, COLOR_GREEN, -1);
    init_pair(VHTOP_P_BE, COLOR_BLUE, -1);
    init_pair(VHTOP_P_HV, COLOR_YELLOW, -1);
    init_pair(VHTOP_P_ALARM, COLOR_RED, -1);
    init_pair(VHTOP_P_HEAD, COLOR_BLACK, COLOR_CYAN);
    init_pair(VHTOP_P_NOTICE, COLOR_YELLOW, -1);
    init_pair(VHTOP_P_ADM, COLOR_MAGENTA, -1);
}

static attr_t vhtop__pair(const struct vhtop_ui *u, int pair)
{
    return u->color ? COLOR_PAIR(pair) : A_NORMAL;
}

/* printf at (y, x), clipped to the window's width. */
static void vhtop__put(int y, int x, attr_t at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void vhtop__put(int y, int x, attr_t at, const char *fmt, ...)
{
    char buf[1024];
    wchar_t wbuf[1024];
    va_list ap;
    if (y < 0 || y >= LINES || x >= COLS)
        return;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    attron(at);
    /* Clip by screen cells, not bytes: sparklines and ellipses are UTF-8. */
    size_t n = mbstowcs(wbuf, buf, sizeof(wbuf) / sizeof(wbuf[0]) - 1);
    if (n == (size_t)-1)
        mvaddnstr(y, x, buf, COLS - x);
    else
        mvaddnwstr(y, x, wbuf, COLS - x);
    attroff(at);
}

static const char *vhtop__dots(const struct vhtop_ui *u)
{
    return u->utf8 ? "\u2026" : "...";
}

/* --- header --------------------------------------------------------------------- */

static int vhtop__header(struct vhtop_app *a, struct vhtop_ui *u, int y)
{
    const struct vhtop_model *m = &a->m;
    char up[32], boot[24] = "-";
    vhtop_format_uptime(m->uptime_ns, up, sizeof(up));
    if (m->boot_id)
        snprintf(boot, sizeof(boot), "%016llx", (unsigned long long)m->boot_id);
    move(y, 0);
    attron(vhtop__pair(u, VHTOP_P_HEAD) | A_BOLD);
    hline(' ', COLS);
    vhtop__put(y, 0, 0, "vhtop  %s [%s]  boot %s  up %s  refresh %.1fs  %s", a->shown[0] ? a->shown : "?",
               a->conn.fd < 0 ? "no vhd" : vhtop_link_state_name(m->state), boot, up,
               a->o.delay_s, vhtop_app_admin(a) ? "admin" : "read-only");
    attroff(vhtop__pair(u, VHTOP_P_HEAD) | A_BOLD);
    vhtop__put(y + 1, 0, 0, "link crc %llu/%llu resync %llu/%llu (host/target)  reconnects %u "
               "reboots %u  %s%s  sort:%s  filter:%s  ?:help",
               (unsigned long long)m->crc_host, (unsigned long long)m->crc_target,
               (unsigned long long)m->resync_host, (unsigned long long)m->resync_target,
               m->reconnects, m->reboots, m->scenario[0] ? "scenario " : "", m->scenario,
               vhtop_sort_name(u->sort), u->filter[0] ? u->filter : "all");
    return y + 2;
}

/* A line saying what is wrong right now, if anything; returns the next row. */
static int vhtop__notice(struct vhtop_app *a, struct vhtop_ui *u, int y)
{
    char line[600];
    const struct vhtop_model *m = &a->m;
    line[0] = 0;
    if (a->conn.fd < 0)
        snprintf(line, sizeof(line), "connecting to vhd%s %s", vhtop__dots(u),
                 a->conn.err[0] ? a->conn.err : a->conn.sock);
    else if (a->link_down)
        snprintf(line, sizeof(line), "target %s: %s", a->shown, a->event);
    else if (m->have_status && m->state != VHD__LINK_STATE__LINK_UP)
        snprintf(line, sizeof(line), "target %s: connecting%s (link %s%s%s)", a->shown,
                 vhtop__dots(u), vhtop_link_state_name(m->state), m->last_error[0] ? ": " : "",
                 m->last_error);
    else if (a->sub_err[0])
        snprintf(line, sizeof(line), "%s", a->sub_err);
    else if (a->event[0] && vhtop_now_ns() - a->event_ns < 10000000000ull)
        snprintf(line, sizeof(line), "target %s: %s", a->shown, a->event);
    else if (!m->samples)
        snprintf(line, sizeof(line), "waiting for the first statistics sample%s", vhtop__dots(u));
    if (!line[0])
        return y;
    vhtop__put(y, 0, vhtop__pair(u, VHTOP_P_NOTICE) | A_BOLD, "%s", line);
    return y + 1;
}

/* --- CPUs and ADUs ---------------------------------------------------------------- */

static void vhtop__split_bar(struct vhtop_ui *u, const struct vhtop_cpu *c, int w)
{
    static const char ch[VHTOP_NSPLIT] = {'R', 'b', 'h', ' '};
    static const int pair[VHTOP_NSPLIT] = {VHTOP_P_RT, VHTOP_P_BE, VHTOP_P_HV, 0};
    int done = 0;
    double acc = 0;
    addch('[');
    for (int k = 0; k < VHTOP_NSPLIT; k++) {
        acc += c->pct[k];
        int upto = k == VHTOP_NSPLIT - 1 ? w : (int)(acc / 100.0 * w + 0.5);
        attron(vhtop__pair(u, pair[k]) | (k == VHTOP_RT ? A_BOLD : 0));
        for (; done < upto && done < w; done++)
            addch((chtype)(unsigned char)ch[k]);
        attroff(vhtop__pair(u, pair[k]) | A_BOLD);
    }
    addch(']');
}

/* Admitted load on a 0..100% scale with '|' at the limit. */
static void vhtop__adm_bar(struct vhtop_ui *u, uint32_t ppm, uint32_t limit_ppm, int w)
{
    int fill = (int)((double)ppm / 1e6 * w + 0.5), lim = (int)((double)limit_ppm / 1e6 * w);
    addch('[');
    for (int i = 0; i < w; i++) {
        int on = i < fill;
        attr_t at = on ? vhtop__pair(u, ppm > limit_ppm ? VHTOP_P_ALARM : VHTOP_P_ADM) : 0;
        attron(at);
        addch(on ? '#' : (limit_ppm && i == lim) ? '|' : '-');
        attroff(at);
    }
    addch(']');
}

static int vhtop__cpus(struct vhtop_app *a, struct vhtop_ui *u, int y, int maxrows)
{
    const struct vhtop_model *m = &a->m;
    int per_row = m->ncpus > maxrows ? 2 : 1, w = COLS / per_row;
    int rest = w - 58, bar = rest * 3 / 5, abar = rest - bar;
    if (bar < 4)
        bar = 4;
    if (abar < 4)
        abar = 0;
    for (int i = 0; i < m->ncpus; i++) {
        const struct vhtop_cpu *c = &m->cpus[i];
        int row = y + i / per_row, x = (i % per_row) * w;
        if (row >= LINES || i / per_row >= maxrows)
            break;
        vhtop__put(row, x, A_BOLD, "CPU%-2u", c->cpu);
        move(row, x + 6);
        vhtop__split_bar(u, c, bar);
        vhtop__put(row, getcurx(stdscr), 0, " RT%3.0f%% BE%3.0f%% HV%3.0f%% ID%3.0f%%  adm %5.1f/%.0f%% ",
                   c->pct[0], c->pct[1], c->pct[2], c->pct[3], c->rt_util_ppm / 1e4,
                   m->cpu_limit_ppm / 1e4);
        if (abar && getcurx(stdscr) + abar + 2 <= x + w)
            vhtop__adm_bar(u, c->rt_util_ppm, m->cpu_limit_ppm, abar);
    }
    int used = (m->ncpus + per_row - 1) / per_row;
    return y + (used < maxrows ? used : maxrows);
}

static int vhtop__adus(struct vhtop_app *a, struct vhtop_ui *u, int y)
{
    const struct vhtop_model *m = &a->m;
    const int w = 58;
    int per_row = COLS / w > 0 ? COLS / w : 1;
    for (int i = 0; i < m->nadus; i++) {
        const struct vhtop_adu *d = &m->adus[i];
        int row = y + i / per_row, x = (i % per_row) * w;
        vhtop__put(row, x, A_BOLD, "ADU %-6.6s", d->name);
        vhtop__put(row, x + 11, 0, "reserve %5.1f%% admitted %5.1f%% ", d->reserve_ppm / 1e4,
                   d->used_ppm / 1e4);
        if (x + 56 <= COLS) {
            move(row, x + 44);
            vhtop__adm_bar(u, d->reserve_ppm ? (uint32_t)((double)d->used_ppm * 1e6 / d->reserve_ppm) : 0,
                           1000000, 10);
        }
    }
    return y + (m->nadus + per_row - 1) / per_row;
}

/* --- the VCPU table -------------------------------------------------------------------- */

struct vhtop__layout {
    int show[VHTOP_NCOLS];
    int width[VHTOP_NCOLS];
};

static int vhtop__total(const struct vhtop__layout *l)
{
    int t = 0;
    for (int c = 0; c < VHTOP_NCOLS; c++)
        t += l->show[c] ? l->width[c] + 1 : 0;
    return t;
}

/* Drop optional columns (highest rank first) until the table fits; the
 * sparkline shrinks to 6 cells before it goes. */
static void vhtop__layout(struct vhtop__layout *l, int cols)
{
    for (int c = 0; c < VHTOP_NCOLS; c++) {
        l->show[c] = 1;
        l->width[c] = vhtop_cols[c].width;
    }
    l->width[VHTOP_C_SPARK] = VHTOP_SPARK_LEN;
    for (int rank = 7; rank > 0 && vhtop__total(l) > cols; rank--) {
        if (rank == vhtop_cols[VHTOP_C_SPARK].drop) {
            int over = vhtop__total(l) - cols, w = l->width[VHTOP_C_SPARK] - over;
            l->width[VHTOP_C_SPARK] = w > 6 ? w : 6;
            if (vhtop__total(l) <= cols)
                break;
        }
        for (int c = 0; c < VHTOP_NCOLS; c++)
            if (vhtop_cols[c].drop == rank)
                l->show[c] = 0;
    }
}

static void vhtop__table_head(const struct vhtop__layout *l, struct vhtop_ui *u, int y)
{
    int x = 0;
    move(y, 0);
    attron(A_REVERSE | vhtop__pair(u, 0));
    hline(' ', COLS);
    for (int c = 0; c < VHTOP_NCOLS; c++) {
        if (!l->show[c])
            continue;
        vhtop__put(y, x, A_REVERSE, vhtop_cols[c].right ? "%*.*s" : "%-*.*s", l->width[c],
                   l->width[c], vhtop_cols[c].head);
        x += l->width[c] + 1;
    }
    attroff(A_REVERSE);
}

static void vhtop__table_row(const struct vhtop__layout *l, struct vhtop_ui *u,
                             const struct vhtop_vcpu *v, int y, int selected)
{
    int x = 0, alarm = vhtop_vcpu_alarm(v);
    attr_t at = (selected ? A_REVERSE : 0) | (alarm ? A_BOLD | vhtop__pair(u, VHTOP_P_ALARM) : 0);
    move(y, 0);
    attron(at);
    if (selected)
        hline(' ', COLS);
    for (int c = 0; c < VHTOP_NCOLS; c++) {
        char cell[64];
        if (!l->show[c])
            continue;
        if (c == VHTOP_C_SPARK) {
            vhtop_spark(v, l->width[c], u->utf8, cell, sizeof(cell));
            vhtop__put(y, x, at, "%s", cell);
        } else {
            vhtop_cell(v, (enum vhtop_col)c, cell, sizeof(cell));
            if (c == VHTOP_C_KIND && alarm)
                strcat(cell, "!");
            vhtop__put(y, x, at, vhtop_cols[c].right ? "%*.*s" : "%-*.*s", l->width[c],
                       l->width[c], cell);
        }
        x += l->width[c] + 1;
    }
    attroff(at);
}

static void vhtop__fix_selection(struct vhtop_app *a, struct vhtop_ui *u, const int *order, int n)
{
    if (!u->have_sel) /* start on the first RT-VCPU: it has a histogram */
        for (int i = n - 1; i >= 0; i--)
            if (a->m.vcpus[order[i]].rt)
                u->sel = i;
    if (u->have_sel)
        for (int i = 0; i < n; i++)
            if (a->m.vcpus[order[i]].id == u->sel_id)
                u->sel = i;
    if (u->sel >= n)
        u->sel = n - 1;
    if (u->sel < 0)
        u->sel = 0;
    if (n)
        u->sel_id = a->m.vcpus[order[u->sel]].id;
}

int vhtop_view_selected(struct vhtop_app *a, struct vhtop_ui *u)
{
    static int order[VHTOP_MAX_VCPUS];
    int n = vhtop_model_order(&a->m, u->sort, u->filter, order, VHTOP_MAX_VCPUS);
    vhtop__fix_selection(a, u, order, n);
    return n ? order[u->sel] : -1;
}

void vhtop_view_move(struct vhtop_app *a, struct vhtop_ui *u, int delta)
{
    static int order[VHTOP_MAX_VCPUS];
    int n = vhtop_model_order(&a->m, u->sort, u->filter, order, VHTOP_MAX_VCPUS);
    vhtop__fix_selection(a, u, order, n);
    u->sel += delta;
    u->sel = u->sel < 0 ? 0 : u->sel >= n ? n - 1 : u->sel;
    if (n > 0) {
        u->sel_id = a->m.vcpus[order[u->sel]].id;
        u->have_sel = 1; /* the user chose: keep it across re-sorting */
    }
}

static void vhtop__table(struct vhtop_app *a, struct vhtop_ui *u, int y, int rows)
{
    static int order[VHTOP_MAX_VCPUS];
    struct vhtop__layout l;
    int n = vhtop_model_order(&a->m, u->sort, u->filter, order, VHTOP_MAX_VCPUS);
    vhtop__fix_selection(a, u, order, n);
    vhtop__layout(&l, COLS);
    vhtop__table_head(&l, u, y);
    if (u->sel < u->top)
        u->top = u->sel;
    if (u->sel >= u->top + rows)
        u->top = u->sel - rows + 1;
    if (u->top > n - rows)
        u->top = n - rows > 0 ? n - rows : 0;
    for (int i = 0; i < rows && u->top + i < n; i++)
        vhtop__table_row(&l, u, &a->m.vcpus[order[u->top + i]], y + 1 + i, u->top + i == u->sel);
    if (!n)
        vhtop__put(y + 1, 0, A_DIM, "%s", a->m.have_vcpus ? "(no VCPUs match the filter)"
                                                          : "(no VCPU list yet)");
}

/* --- histogram --------------------------------------------------------------------------- */

static void vhtop__histogram(struct vhtop_app *a, struct vhtop_ui *u, int y, int h)
{
    int idx = vhtop_view_selected(a, u);
    const struct vhtop_vcpu *v = idx >= 0 ? &a->m.vcpus[idx] : NULL;
    if (!v || !v->rt || !v->have_stats) {
        vhtop__put(y, 0, A_DIM, "jitter histogram: %s",
                   v ? "select an RT-VCPU with statistics" : "no VCPU selected");
        return;
    }
    uint64_t total = 0, peak = 0;
    for (int i = 0; i < VHTOP_HIST_BUCKETS; i++) {
        total += v->hist[i];
        peak = v->hist[i] > peak ? v->hist[i] : peak;
    }
    vhtop__put(y, 0, A_BOLD, "jitter histogram of VCPU %u (%s): %llu releases, %llu counted",
               v->id, v->adu, (unsigned long long)v->releases, (unsigned long long)total);
    int rows = h - 1, ncol = (VHTOP_HIST_BUCKETS + rows - 1) / rows, colw = COLS / ncol;
    if (colw < 22) {
        vhtop__put(y + 1, 0, A_DIM, "(enlarge the window to see the histogram)");
        return;
    }
    for (int i = 0; i < VHTOP_HIST_BUCKETS; i++) {
        char lab[24];
        int row = y + 1 + i % rows, x = (i / rows) * colw, overflow = i == VHTOP_HIST_BUCKETS - 1;
        int bw = colw - 22 < 50 ? colw - 22 : 50, fill = peak ? (int)((double)v->hist[i] / (double)peak * bw + 0.5) : 0;
        vhtop_hist_label(i, lab, sizeof(lab));
        attr_t at = overflow && v->hist[i] ? A_BOLD | vhtop__pair(u, VHTOP_P_ALARM) : 0;
        vhtop__put(row, x, at, "%c%-8s %9u ", overflow ? '!' : ' ', lab, v->hist[i]);
        move(row, x + 20);
        attron(vhtop__pair(u, overflow ? VHTOP_P_ALARM : VHTOP_P_RT));
        for (int k = 0; k < fill && x + 20 + k < COLS; k++)
            addch('=');
        attroff(vhtop__pair(u, overflow ? VHTOP_P_ALARM : VHTOP_P_RT));
        if (overflow)
            vhtop__put(row, x + 20 + fill, at, "%s", fill + 30 < colw ? " overflow" : "");
    }
}

/* --- footer and help ------------------------------------------------------------------------ */

static void vhtop__footer(struct vhtop_app *a, struct vhtop_ui *u)
{
    int y = LINES - 1;
    move(y, 0);
    clrtoeol();
    if (u->msg[0]) {
        vhtop__put(y, 0, u->msg_err ? vhtop__pair(u, VHTOP_P_ALARM) | A_BOLD : A_BOLD, "%s",
                   u->msg);
        return;
    }
    vhtop__put(y, 0, 0, "q quit ? help s sort / filter t target d delay ");
    if (vhtop_app_admin(a))
        vhtop__put(y, getcurx(stdscr), 0, "m migrate r reserve c create x destroy");
    else /* greyed out, with the reason */
        vhtop__put(y, getcurx(stdscr), A_DIM, "m r c x: %s", vhtop_app_admin_hint(a));
}

static void vhtop__help(struct vhtop_app *a)
{
    static const char *const lines[] = {
        "vhtop keys",
        "",
        "  Up/Down j/k  select a VCPU      PgUp/PgDn  by a page",
        "  s            cycle the sort column",
        "  /            filter by ADU (empty: all)",
        "  t            switch target (when vhd has several)",
        "  d            change the refresh delay",
        "  m            migrate the selected VCPU to a CPU",
        "  r            change the selected VCPU's ADU reservation",
        "  c            create an RT-VCPU (dry run first, then confirm)",
        "  x            destroy the selected RT-VCPU",
        "  Esc          clear the message line",
        "  q            quit            ?  this help (any key closes)",
        "",
        "bars: R = RT, b = BE, h = hypervisor, blank = idle;",
        "adm = admitted RT load / per-CPU limit; '!' = misses, overruns or overflow",
    };
    int n = (int)(sizeof(lines) / sizeof(lines[0])), w = 72;
    int y0 = (LINES - n - 2) / 2, x0 = (COLS - w) / 2;
    if (y0 < 0)
        y0 = 0;
    if (x0 < 0)
        x0 = 0;
    for (int i = 0; i < n + 2; i++) {
        move(y0 + i, x0);
        for (int k = 0; k < w && x0 + k < COLS; k++)
            addch(' ' | A_REVERSE);
    }
    for (int i = 0; i < n; i++)
        vhtop__put(y0 + 1 + i, x0 + 2, A_REVERSE | (i == 0 ? A_BOLD : 0), "%s", lines[i]);
    if (!vhtop_app_admin(a))
        vhtop__put(y0 + n, x0 + 2, A_REVERSE | A_BOLD, "actions unavailable: %s",
                   vhtop_app_admin_hint(a));
}

/* --- the frame --------------------------------------------------------------------------------- */

void vhtop_view_draw(struct vhtop_app *a, struct vhtop_ui *u)
{
    erase();
    int y = vhtop__header(a, u, 0);
    y = vhtop__notice(a, u, y);
    int nv = a->m.nvcpus ? a->m.nvcpus : 1;
    /* Keep room for the table header, a few VCPU rows and the footer. */
    int room = LINES - y - 2 - (nv < 4 ? nv : 4) - 2;
    y = vhtop__cpus(a, u, y, room > 1 ? (room < a->m.ncpus ? room : a->m.ncpus) : 1);
    if (LINES - y > 12 || a->m.nadus <= 2)
        y = vhtop__adus(a, u, y);
    int avail = LINES - 1 - y - 1; /* minus the footer and the table header */
    int rows = nv, hist = 0;
    if (avail - rows >= 5) {
        hist = avail - rows;
    } else if (avail >= 3 + 5) {
        hist = 5;
        rows = avail - hist;
    } else {
        rows = avail;
    }
    if (hist > VHTOP_HIST_BUCKETS + 2)
        hist = VHTOP_HIST_BUCKETS + 2;
    if (rows < 1)
        rows = 1;
    vhtop__table(a, u, y, rows);
    if (hist >= 6) /* a blank line above the pane when there is room */
        vhtop__histogram(a, u, y + 2 + rows, hist - 1);
    else if (hist)
        vhtop__histogram(a, u, y + 1 + rows, hist);
    vhtop__footer(a, u);
    if (u->help)
        vhtop__help(a);
    wnoutrefresh(stdscr);
    doupdate();
}
