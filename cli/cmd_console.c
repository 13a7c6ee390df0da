/*
 * vhctl console ADU: show what the ADU printed before (vhd's scrollback),
 * then its live output; what is typed goes to its console.  On a terminal
 * the terminal is in raw mode and Ctrl-] detaches; otherwise stdin is
 * forwarded line by line and, after end of input, output is drained for
 * a short while before exiting.  ADU `log` is the hypervisor log.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "vhctl.h"

#define VHCTL__ESCAPE 0x1d /* Ctrl-] */
#define VHCTL__DRAIN_MS 700

struct vhctl__console {
    const char *adu;
    uint32_t attach_id;
    int tty, eof, rc, done;
    struct termios saved;
};

static int vhctl__now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int)(ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

static int vhctl__send_input(struct vhctl *v, struct vhctl__console *c, const uint8_t *p, size_t n)
{
    Vhd__ClientRequest rq = VHD__CLIENT_REQUEST__INIT;
    Vhd__ConsoleInputReq in = VHD__CONSOLE_INPUT_REQ__INIT;
    in.adu = (char *)c->adu;
    in.data.data = (uint8_t *)p;
    in.data.len = n;
    rq.call_case = VHD__CLIENT_REQUEST__CALL_CONSOLE_INPUT;
    rq.console_input = &in;
    return vhctl_send(v, &rq);
}

/* Read what stdin has; returns 0, or an exit code to stop with. */
static int vhctl__console_stdin(struct vhctl *v, struct vhctl__console *c)
{
    uint8_t buf[512];
    ssize_t n = read(0, buf, sizeof(buf));
    if (n < 0 && errno == EINTR)
        return 0;
    if (n <= 0) {
        c->eof = 1;
        return 0;
    }
    if (c->tty) {
        uint8_t *esc = memchr(buf, VHCTL__ESCAPE, (size_t)n);
        if (esc) {
            c->done = 1;
            n = esc - buf;
        }
    }
    for (ssize_t off = 0; off < n; off += 256) {
        size_t k = (size_t)(n - off) < 256 ? (size_t)(n - off) : 256;
        int rc = vhctl__send_input(v, c, buf + off, k);
        if (rc)
            return rc;
    }
    return 0;
}

/* One message from vhd; returns 0, or an exit code to stop with. */
static int vhctl__console_msg(struct vhctl *v, struct vhctl__console *c, Vhd__ClientResponse *r)
{
    if (r->id == c->attach_id) {
        if (r->result_case == VHD__CLIENT_RESPONSE__RESULT_CONSOLE && r->console) {
            if (write(1, r->console->data.data, r->console->data.len) < 0)
                return VHCTL_EOTHER;
        } else if (r->result_case == VHD__CLIENT_RESPONSE__RESULT_GAP) {
            fprintf(stderr, "\r\n[vhctl: %llu console messages lost]\r\n",
                    (unsigned long long)r->gap->skipped);
        } else if (r->result_case == VHD__CLIENT_RESPONSE__RESULT_STREAM_END) {
            return vhctl_report(v, r) ? vhctl_report(v, r) : VHCTL_EUNAVAIL;
        }
        return 0;
    }
    if (r->status != VH__STATUS__OK)
        c->rc = vhctl_report(v, r);
    else if (r->reply && r->reply->status != VH__STATUS__OK) {
        r->status = r->reply->status;
        r->detail = r->reply->detail;
        c->rc = vhctl_report(v, r);
    }
    return 0;
}

/* Handle every message vhd has sent so far (some may already sit in the
 * framer, read along with the attach answer). */
static int vhctl__console_drain(struct vhctl *v, struct vhctl__console *c)
{
    Vhd__ClientResponse *r;
    int got;
    while ((got = vhctl_recv(v, &r, 0)) == 1) {
        int rc = vhctl__console_msg(v, c, r);
        vhd__client_response__free_unpacked(r, NULL);
        if (rc)
            return rc;
    }
    return got < 0 ? -got : 0;
}

static int vhctl__console_loop(struct vhctl *v, struct vhctl__console *c)
{
    int drain_until = 0, rc;
    while (!c->done) {
        if ((rc = vhctl__console_drain(v, c)) != 0)
            return rc;
        struct pollfd pf[2] = {{.fd = v->fd, .events = POLLIN}, {.fd = 0, .events = POLLIN}};
        int timeout = -1;
        if (c->eof) {
            if (!drain_until)
                drain_until = vhctl__now_ms() + VHCTL__DRAIN_MS;
            timeout = drain_until - vhctl__now_ms();
            if (timeout <= 0)
                break;
        }
        if (poll(pf, c->eof ? 1 : 2, timeout) < 0 && errno != EINTR)
            return VHCTL_EOTHER;
        if (!c->eof && (pf[1].revents & (POLLIN | POLLHUP)) && (rc = vhctl__console_stdin(v, c)))
            return rc;
    }
    return c->rc;
}

static int vhctl__attach(struct vhctl *v, struct vhctl__console *c, int no_scrollback)
{
    Vhd__ClientRequest rq = VHD__CLIENT_REQUEST__INIT;
    Vhd__ConsoleAttachReq at = VHD__CONSOLE_ATTACH_REQ__INIT;
    Vhd__ClientResponse *r;
    at.adu = (char *)c->adu;
    at.no_scrollback = no_scrollback;
    rq.call_case = VHD__CLIENT_REQUEST__CALL_CONSOLE_ATTACH;
    rq.console_attach = &at;
    int rc = vhctl_call(v, &rq, &r);
    c->attach_id = rq.id;
    if (r)
        vhd__client_response__free_unpacked(r, NULL);
    return rc;
}

int vhctl_cmd_console(struct vhctl *v, int argc, char **argv)
{
    struct vhctl__console c = {0};
    int no_scrollback = 0;
    if (vhctl_wants_help(argc, argv)) {
        puts("usage: vhctl console [--no-scrollback] ADU\n"
             "  attach to ADU's console (`log`: the hypervisor log).  Earlier output is shown\n"
             "  first.  On a terminal, Ctrl-] detaches; otherwise stdin lines are sent and\n"
             "  output is printed until end of input plus a short drain.");
        return 0;
    }
    if (argc == 2 && strcmp(argv[0], "--no-scrollback") == 0) {
        no_scrollback = 1;
        argv++, argc--;
    }
    if (argc != 1 || argv[0][0] == '-') {
        vhctl_err("console: want one ADU name, e.g. `vhctl console ctl` (see vhctl adu list)");
        return VHCTL_EUSAGE;
    }
    c.adu = argv[0];
    v->verb = "console";
    int rc = vhctl__attach(v, &c, no_scrollback);
    if (rc)
        return rc;
    c.tty = isatty(0);
    if (c.tty && tcgetattr(0, &c.saved) == 0) {
        struct termios raw = c.saved;
        cfmakeraw(&raw);
        tcsetattr(0, TCSANOW, &raw);
        fprintf(stderr, "[vhctl: console of %s; Ctrl-] detaches]\r\n", c.adu);
    }
    rc = vhctl__console_loop(v, &c);
    if (c.tty) {
        tcsetattr(0, TCSANOW, &c.saved);
        fputs("\n[vhctl: detached]\n", stderr);
    }
    return rc;
}
