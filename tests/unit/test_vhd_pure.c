/*
 * Pure parts of vhd and vhctl: local-API framing, reconnect backoff,
 * durations, target specs, the QEMU command line, scenario lookup and ELF
 * symbol lookup.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "apiframe.h"
#include "backoff.h"
#include "duration.h"
#include "elfsym.h"
#include "qemu_cmd.h"
#include "scen.h"
#include "spec.h"

/* --- framing -------------------------------------------------------------- */

Test(vhd_frame, whole_messages_across_chunks)
{
    struct vhd_framer f;
    uint8_t wire[4 + 3 + 4 + 1] = {0, 0, 0, 3, 'a', 'b', 'c', 0, 0, 0, 1, 'z'};
    const uint8_t *msg;
    size_t len;
    vhd_framer_init(&f, 64);
    for (size_t i = 0; i < 5; i++)
        cr_assert_eq(vhd_framer_feed(&f, &wire[i], 1), 0);
    cr_assert_eq(vhd_framer_next(&f, &msg, &len), 0, "4+1 of 7 bytes: not yet");
    cr_assert_eq(vhd_framer_feed(&f, wire + 5, sizeof(wire) - 5), 0);
    cr_assert_eq(vhd_framer_next(&f, &msg, &len), 1);
    cr_assert_eq(len, 3);
    cr_assert_eq(memcmp(msg, "abc", 3), 0);
    cr_assert_eq(vhd_framer_next(&f, &msg, &len), 1);
    cr_assert_eq(len, 1);
    cr_assert_eq(msg[0], 'z');
    cr_assert_eq(vhd_framer_next(&f, &msg, &len), 0);
    vhd_framer_free(&f);
}

Test(vhd_frame, oversize_and_zero_are_sticky_errors)
{
    struct vhd_framer f;
    uint8_t big[4], zero[4] = {0};
    const uint8_t *msg;
    size_t len;
    vhd_frame_put_len(big, 65);
    vhd_framer_init(&f, 64);
    vhd_framer_feed(&f, big, 4);
    cr_assert_eq(vhd_framer_next(&f, &msg, &len), VHD_FRAME_EOVERSIZE);
    cr_assert_eq(f.bad_len, 65);
    cr_assert_eq(vhd_framer_next(&f, &msg, &len), VHD_FRAME_EOVERSIZE, "stays broken");
    vhd_framer_free(&f);
    vhd_framer_init(&f, 64);
    vhd_framer_feed(&f, zero, 4);
    cr_assert_eq(vhd_framer_next(&f, &msg, &len), VHD_FRAME_EZERO);
    vhd_framer_free(&f);
}

Test(vhd_frame, exactly_the_cap_is_fine)
{
    struct vhd_framer f;
    static uint8_t wire[4 + VHD_API_MAX_MSG];
    const uint8_t *msg;
    size_t len;
    vhd_frame_put_len(wire, VHD_API_MAX_MSG);
    vhd_framer_init(&f, 0);
    vhd_framer_feed(&f, wire, sizeof(wire));
    cr_assert_eq(vhd_framer_next(&f, &msg, &len), 1);
    cr_assert_eq(len, VHD_API_MAX_MSG);
    vhd_framer_free(&f);
}

/* --- backoff ---------------------------------------------------------------- */

Test(vhd_backoff, doubles_to_the_cap_with_jitter_in_range)
{
    struct vhd_backoff b;
    static const uint64_t ceil[] = {100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000};
    vhd_backoff_init(&b, 100, 5000, 42);
    for (size_t i = 0; i < sizeof(ceil) / sizeof(ceil[0]); i++) {
        cr_assert_eq(vhd_backoff_ceiling(&b), ceil[i], "attempt %zu", i);
        uint64_t d = vhd_backoff_next(&b);
        cr_assert(d >= ceil[i] / 2 && d <= ceil[i], "attempt %zu: %llu not in [%llu, %llu]", i,
                  (unsigned long long)d, (unsigned long long)ceil[i] / 2,
                  (unsigned long long)ceil[i]);
    }
    vhd_backoff_reset(&b);
    cr_assert_eq(vhd_backoff_ceiling(&b), 100);
}

Test(vhd_backoff, same_seed_same_schedule_other_seed_differs)
{
    struct vhd_backoff a, b, c;
    int differs = 0;
    vhd_backoff_init(&a, 100, 5000, 7);
    vhd_backoff_init(&b, 100, 5000, 7);
    vhd_backoff_init(&c, 100, 5000, 8);
    for (int i = 0; i < 10; i++) {
        uint64_t x = vhd_backoff_next(&a);
        cr_assert_eq(x, vhd_backoff_next(&b));
        differs |= x != vhd_backoff_next(&c);
    }
    cr_assert(differs, "jitter depends on the seed");
}

/* --- durations --------------------------------------------------------------- */

Test(vhctl_duration, units)
{
    static const struct {
        const char *s;
        uint64_t ns;
    } ok[] = {{"10ms", 10000000},  {"500us", 500000}, {"2s", 2000000000}, {"1000ns", 1000},
              {"1.5ms", 1500000}, {"0.1s", 100000000}, {"7\xc2\xb5s", 7000}, {"0ms", 0}};
    char why[128];
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        uint64_t ns = 1;
        cr_assert_eq(vhctl_parse_duration("--x", ok[i].s, &ns, why, sizeof(why)), 0, "%s: %s",
                     ok[i].s, why);
        cr_assert_eq(ns, ok[i].ns, "%s", ok[i].s);
    }
}

Test(vhctl_duration, errors_say_what_would_be_right)
{
    char why[128];
    uint64_t ns;
    cr_assert_eq(vhctl_parse_duration("--period", "10", &ns, why, sizeof(why)), -1);
    cr_assert_str_eq(why, "--period: '10' has no unit; use e.g. 10ms");
    cr_assert_eq(vhctl_parse_duration("--budget", "3min", &ns, why, sizeof(why)), -1);
    cr_assert(strstr(why, "unknown unit 'min'"), "%s", why);
    cr_assert_eq(vhctl_parse_duration("--budget", "ms", &ns, why, sizeof(why)), -1);
    cr_assert_eq(vhctl_parse_duration("--budget", "-1ms", &ns, why, sizeof(why)), -1);
    cr_assert_eq(vhctl_parse_duration("--budget", "99999999999999s", &ns, why, sizeof(why)), -1);
}

Test(vhctl_duration, format)
{
    char b[32];
    vhctl_format_duration(10000000, b, sizeof(b));
    cr_assert_str_eq(b, "10ms");
    vhctl_format_duration(1500000, b, sizeof(b));
    cr_assert_str_eq(b, "1.5ms");
    vhctl_format_duration(999, b, sizeof(b));
    cr_assert_str_eq(b, "999ns");
}

/* --- specs and the QEMU command line ------------------------------------------- */

Test(vhd_spec, kinds)
{
    struct vhd_spec s;
    char why[256];
    cr_assert_eq(vhd_spec_parse("unix:/tmp/a.sock", &s, why, sizeof(why)), 0);
    cr_assert_eq(s.kind, VHD_SPEC_UNIX);
    cr_assert_str_eq(s.path, "/tmp/a.sock");
    cr_assert_eq(vhd_spec_parse("tcp:127.0.0.1:4444", &s, why, sizeof(why)), 0);
    cr_assert_str_eq(s.host, "127.0.0.1");
    cr_assert_eq(s.port, 4444);
    cr_assert_eq(vhd_spec_parse("serial:/dev/ttyUSB0", &s, why, sizeof(why)), 0);
    cr_assert_eq(s.baud, 115200);
    cr_assert_eq(vhd_spec_parse("serial:/dev/ttyS1:921600", &s, why, sizeof(why)), 0);
    cr_assert_eq(s.baud, 921600);
    cr_assert_eq(vhd_spec_parse("qemu:demo,smp=2,icount", &s, why, sizeof(why)), 0);
    cr_assert_str_eq(s.scenario, "demo");
    cr_assert_eq(s.smp, 2);
    cr_assert_eq(s.icount, VHD_ICOUNT_SLEEP);
    cr_assert_eq(vhd_spec_parse("qemu:bstream-c1,nosleep", &s, why, sizeof(why)), 0);
    cr_assert_str_eq(s.scenario, "bstream-c1");
    cr_assert_eq(s.icount, VHD_ICOUNT_NOSLEEP);
    cr_assert_eq(vhd_spec_parse("qemu:demo,nosleep,icount,smp=1", &s, why, sizeof(why)), 0);
    cr_assert_eq(s.icount, VHD_ICOUNT_NOSLEEP, "icount after nosleep keeps sleep off");
    cr_assert_eq(s.smp, 1);
    cr_assert_eq(vhd_spec_parse("qemu:demo", &s, why, sizeof(why)), 0);
    cr_assert_eq(s.icount, VHD_ICOUNT_OFF);
}

Test(vhd_spec, errors)
{
    struct vhd_spec s;
    char why[256];
    cr_assert_eq(vhd_spec_parse("tcp:host", &s, why, sizeof(why)), -1);
    cr_assert(strstr(why, "tcp:HOST:PORT"), "%s", why);
    cr_assert_eq(vhd_spec_parse("qemu:demo,smp=x", &s, why, sizeof(why)), -1);
    cr_assert(strstr(why, "unknown option 'smp=x'"), "%s", why);
    cr_assert_eq(vhd_spec_parse("qemu:demo,sleep=off", &s, why, sizeof(why)), -1);
    cr_assert(strstr(why, "unknown option 'sleep=off'; known: smp=N (1..64), icount, nosleep"),
              "%s", why);
    cr_assert_eq(vhd_spec_parse("qemu:,nosleep", &s, why, sizeof(why)), -1);
    cr_assert(strstr(why, "want qemu:SCENARIO[,smp=N][,icount][,nosleep]"), "%s", why);
    cr_assert_eq(vhd_spec_parse("ssh:box", &s, why, sizeof(why)), -1);
    cr_assert(strstr(why, "unknown target kind"), "%s", why);
    cr_assert_eq(vhd_name_check("a b", why, sizeof(why)), -1);
    cr_assert_eq(vhd_name_check("board-1", why, sizeof(why)), 0);
}

Test(vhd_qemu, command_line)
{
    struct vhd_qemu_cmd c;
    char line[1024];
    cr_assert_eq(vhd_qemu_cmd_build(&c, "qemu-system-riscv64", "/b/target/scenarios/vh-demo.elf",
                                    4, 1, "/run/q.sock"), 0);
    vhd_qemu_cmd_format(&c, line, sizeof(line));
    cr_assert_str_eq(line,
                     "qemu-system-riscv64 -M virt -cpu rv64 -smp 4 -m 512M -display none "
                     "-monitor none -bios default -kernel /b/target/scenarios/vh-demo.elf "
                     "-chardev socket,id=s0,path=/run/q.sock,server=on,wait=on "
                     "-serial chardev:s0 -icount shift=3");
    cr_assert_null(c.argv[c.argc]);
    cr_assert_eq(vhd_qemu_cmd_build(&c, "q", "k.elf", 2, VHD_ICOUNT_OFF, "s"), 0);
    cr_assert_str_eq(c.argv[c.argc - 1], "chardev:s0", "no -icount unless asked");
    cr_assert_eq(vhd_qemu_cmd_build(&c, "q", "k.elf", 1, VHD_ICOUNT_NOSLEEP, "s"), 0);
    cr_assert_str_eq(c.argv[c.argc - 2], "-icount");
    cr_assert_str_eq(c.argv[c.argc - 1], "shift=3,sleep=off");
}

/* --- scenario lookup (in this source tree) -------------------------------------- */

Test(vhd_scen, finds_shipped_test_and_bench_scenarios)
{
    static struct vhd_scen_info si;
    char why[512];
    const char *names[] = {"demo", "mgmt", "bench-c1-r1", "bstream-c2"};
    const char *dirs[] = {"/scenarios/", "/tests/qemu/scenarios/", "/tests/bench/scenarios/",
                          "/tests/bench/scenarios/"};
    for (int i = 0; i < 4; i++) {
        cr_assert_eq(vhd_scen_load(VH_TEST_SOURCE_DIR, "/b", names[i], &si, why, sizeof(why)), 0,
                     "%s: %s", names[i], why);
        cr_assert(strstr(si.file, dirs[i]), "%s", si.file);
        cr_assert_gt(si.nadus, 0);
    }
    cr_assert_str_eq(si.hv_elf, "/b/target/scenarios/vh-bstream-c2.elf");
    cr_assert_eq(si.ncpus, 2);
    cr_assert_str_eq(si.adu[0], "ctl");
    cr_assert_str_eq(si.image[0], "/b/target/bareos/bareos.elf", "symbols for --entry");
}

Test(vhd_scen, missing_says_where_it_looked)
{
    static struct vhd_scen_info si;
    char why[512];
    cr_assert_eq(vhd_scen_load("/src", "/b", "nope", &si, why, sizeof(why)), -1);
    cr_assert_str_eq(why, "no scenario 'nope': looked for /src/scenarios/nope.vhs, "
                          "/src/tests/qemu/scenarios/nope.vhs and "
                          "/src/tests/bench/scenarios/nope.vhs");
}

/* --- ELF symbols (on this very test binary) ------------------------------------- */

int vhd_test_marker_a(void);
int vhd_test_marker_b(void);
int vhd_test_marker_a(void) { return 1; }
int vhd_test_marker_b(void) { return 2; }

Test(vhd_elf, finds_own_symbols)
{
    uint64_t a, b;
    cr_assert_eq(vhd_elf_lookup("/proc/self/exe", "vhd_test_marker_a", &a), 0);
    cr_assert_eq(vhd_elf_lookup("/proc/self/exe", "vhd_test_marker_b", &b), 0);
    /* PIE or not, the distance between two functions is the link-time one. */
    cr_assert_eq((int64_t)(b - a),
                 (int64_t)((uintptr_t)&vhd_test_marker_b - (uintptr_t)&vhd_test_marker_a));
}

Test(vhd_elf, errors)
{
    uint64_t v;
    char path[] = "/tmp/vhd-elf-XXXXXX";
    cr_assert_eq(vhd_elf_lookup("/proc/self/exe", "no_such_symbol_anywhere", &v), VHD_ELF_ENOSYM);
    cr_assert_eq(vhd_elf_lookup("/nonexistent/x.elf", "main", &v), VHD_ELF_ENOFILE);
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, "\x7f" "ELF but not really", 19), 19);
    close(fd);
    cr_assert_eq(vhd_elf_lookup(path, "main", &v), VHD_ELF_EFORMAT);
    unlink(path);
    uint8_t hdr[64] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
    cr_assert_eq(vhd_elf_lookup_mem(hdr, sizeof(hdr), "x", &v), VHD_ELF_ENOSYMTAB,
                 "no sections");
}
