/*
 * vh-fake-target: the real mgmt-agent on a simulated hypervisor (fake_ops.c),
 * speaking the exact wire protocol of a board's console UART.
 *
 * Usage: vh-fake-target [--listen unix:PATH | --listen tcp:127.0.0.1:PORT | --listen stdio]
 *                       [--boot-id N] [--tick-ms MS]
 * Without --listen it talks on stdin/stdout and exits at end of input.  With
 * a socket it serves one connection at a time and waits for the next after a
 * disconnect, keeping its state (as a board does when the host goes away):
 * RT-VCPUs, the op_id cache and the boot id survive; after 3 s without host
 * frames the agent is back in text mode.  PORT 0 picks a free port; the
 * address actually used is printed on stderr as "listening on ADDR" once the
 * socket is ready, which lets a benchmark start many targets.  Each new
 * connection first sees a few plain-text boot lines ("[vh] ...", "[ctl] ..."),
 * like QEMU's serial socket with wait=on; a host then sends a Hello on
 * channel 0 to switch to framed mode.  Every --tick-ms (default 5000, 0: off)
 * each ADU prints a console line, and console input sent to an ADU is echoed
 * back on its console as "echo: LINE", so console channels can be tested.
 * --boot-id sets the boot id the Hello and SystemInfo report (default: from
 * the clock and pid).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <mgmt/agent.h>

#include "fake_ops.h"

struct conn {
    int in_fd, out_fd;
    int is_socket;
    int broken;
};

static struct mgmt_agent agent;
static uint64_t t0_ns;

static uint64_t mono_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec - t0_ns;
}

/* All or nothing, as mgmt_write_fn asks; a dead peer takes nothing. */
static size_t conn_write(void *ctx, const uint8_t *buf, size_t len)
{
    struct conn *c = ctx;
    size_t done = 0;

    if (c == NULL || c->broken)
        return 0;
    while (done < len) {
        ssize_t n = c->is_socket ? send(c->out_fd, buf + done, len - done, MSG_NOSIGNAL)
                                 : write(c->out_fd, buf + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            c->broken = 1;
            return done;
        }
        done += (size_t)n;
    }
    return done;
}

/* The agent outlives connections: between them its output goes nowhere. */
static struct conn *current;

static size_t agent_write(void *ctx, const uint8_t *buf, size_t len)
{
    (void)ctx;
    return conn_write(current, buf, len);
}

static void say(uint32_t adu, const char *tag, const char *fmt, unsigned long long v)
{
    char line[160];
    int n = snprintf(line, sizeof(line), fmt, v);

    if (adu == UINT32_MAX)
        mgmt_agent_log(&agent, line, (size_t)n);
    else
        mgmt_agent_console(&agent, adu, tag, line, (size_t)n);
}

static void banner(uint64_t boot_id)
{
    if (mgmt_agent_framed(&agent))
        return;
    say(UINT32_MAX, "vh", "vh fake target, boot id %llu", (unsigned long long)boot_id);
    say(UINT32_MAX, "vh", "%llu CPUs, scenario fake-demo; ADUs ctl (30%%), gp (30%%)",
        FAKE_NCPUS);
    say(0, "ctl", "BareOS on %llu BE-VCPUs", 2);
    say(1, "gp", "BareOS on %llu BE-VCPUs", 2);
}

static void ticks(uint64_t now, uint64_t *next, uint64_t tick_ns)
{
    static const char *const tags[2] = {"ctl", "gp"};
    static unsigned long long n;

    if (tick_ns == 0 || now < *next)
        return;
    *next = now + tick_ns;
    n++;
    for (uint32_t a = 0; a < 2; a++)
        say(a, tags[a], "tick %llu", n);
}

static void echoes(void)
{
    static const char *const tags[2] = {"ctl", "gp"};
    char line[200], out[210];
    uint32_t adu;
    long n;

    while ((n = fake_ops_console_take(&adu, line, sizeof(line))) >= 0) {
        int m = snprintf(out, sizeof(out), "echo: %.*s", (int)n, line);
        mgmt_agent_console(&agent, adu, tags[adu % 2], out, (size_t)m);
    }
}

/* Serve one connection until its peer goes away (or stdin ends). */
static void serve(struct conn *c, uint64_t tick_ns, uint64_t boot_id)
{
    uint64_t next_tick = mono_ns() + tick_ns;
    uint8_t buf[4096];

    current = c;
    fake_ops_set_now(mono_ns());
    banner(boot_id);
    while (!c->broken) {
        uint64_t now = mono_ns();
        fake_ops_set_now(now);
        for (int i = 0; i < 64 && mgmt_agent_step(&agent, now); i++)
            ;
        echoes();
        ticks(now, &next_tick, tick_ns);

        uint64_t due = mgmt_agent_next_ns(&agent);
        if (tick_ns != 0 && next_tick < due)
            due = next_tick;
        int timeout = due <= now ? 0 : (int)((due - now + 999999) / 1000000);
        if (timeout > 1000)
            timeout = 1000;
        struct pollfd p = {.fd = c->in_fd, .events = POLLIN};
        int r = poll(&p, 1, timeout);
        if (r < 0 && errno != EINTR)
            break;
        if (r > 0) {
            ssize_t n = read(c->in_fd, buf, sizeof(buf));
            if (n <= 0 && !(n < 0 && errno == EINTR))
                break;
            if (n > 0)
                mgmt_agent_rx(&agent, buf, (size_t)n);
        }
    }
    current = NULL;
}

static int listen_on(const char *spec, char *shown, size_t shown_len)
{
    int fd;

    if (strncmp(spec, "unix:", 5) == 0) {
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        if (strlen(spec + 5) >= sizeof(sa.sun_path))
            return -1;
        strcpy(sa.sun_path, spec + 5);
        unlink(sa.sun_path);
        fd = socket(AF_UNIX, SOCK_STREAM, 0);
        if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
            return -1;
        snprintf(shown, shown_len, "%s", spec);
    } else if (strncmp(spec, "tcp:", 4) == 0) {
        char host[64];
        const char *colon = strrchr(spec + 4, ':');
        struct sockaddr_in sa = {.sin_family = AF_INET};
        socklen_t len = sizeof(sa);
        int one = 1;
        if (colon == NULL || (size_t)(colon - spec - 4) >= sizeof(host))
            return -1;
        snprintf(host, sizeof(host), "%.*s", (int)(colon - spec - 4), spec + 4);
        sa.sin_port = htons((uint16_t)atoi(colon + 1));
        if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
            return -1;
        fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0)
            return -1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
            getsockname(fd, (struct sockaddr *)&sa, &len) < 0)
            return -1;
        snprintf(shown, shown_len, "tcp:%s:%u", host, ntohs(sa.sin_port));
    } else {
        return -1;
    }
    if (listen(fd, 1) < 0)
        return -1;
    return fd;
}

static void usage(void)
{
    fprintf(stderr, "usage: vh-fake-target [--listen unix:PATH|tcp:127.0.0.1:PORT|stdio] "
                    "[--boot-id N] [--tick-ms MS]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *listen_spec = "stdio";
    uint64_t boot_id = (uint64_t)time(NULL) * 1000003u ^ (uint64_t)getpid();
    uint64_t tick_ns = 5000000000ull;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc)
            listen_spec = argv[++i];
        else if (strcmp(argv[i], "--boot-id") == 0 && i + 1 < argc)
            boot_id = strtoull(argv[++i], NULL, 0);
        else if (strcmp(argv[i], "--tick-ms") == 0 && i + 1 < argc)
            tick_ns = strtoull(argv[++i], NULL, 0) * 1000000ull;
        else
            usage();
    }
    signal(SIGPIPE, SIG_IGN);
    t0_ns = 0;
    t0_ns = mono_ns();
    fake_ops_reset(boot_id);
    mgmt_agent_init(&agent, fake_ops(), agent_write, NULL);

    if (strcmp(listen_spec, "stdio") == 0) {
        struct conn c = {.in_fd = 0, .out_fd = 1};
        serve(&c, tick_ns, boot_id);
        return 0;
    }
    char shown[160];
    int lfd = listen_on(listen_spec, shown, sizeof(shown));
    if (lfd < 0) {
        fprintf(stderr, "vh-fake-target: cannot listen on %s: %s\n", listen_spec,
                strerror(errno));
        return 1;
    }
    fprintf(stderr, "listening on %s\n", shown);
    fflush(stderr);
    for (;;) {
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR)
                continue;
            perror("vh-fake-target: accept");
            return 1;
        }
        struct conn c = {.in_fd = fd, .out_fd = fd, .is_socket = 1};
        serve(&c, tick_ns, boot_id);
        close(fd);
    }
}
