/*
 * vhscen unit tests: parsing, values and every error class.
 *
 * Each error test loads a small scenario and asserts that one message names
 * the file and line, the ADU (or machine) and the field, says what is wrong
 * and suggests what would be right.  Images are dummy files made in a
 * scratch directory (see test_scenario.h).
 */
#include <criterion/criterion.h>

#include "test_scenario.h"

TestSuite(scenario, .init = setup, .fini = teardown);

static const char *const demo =
    "# demo scenario\n"
    "[machine]\n"
    "name = demo            # comment\n"
    "cpus = 4\n"
    "quantum = 500us\n"
    "rt_limit = 80.5%\n"
    "cpu_limit = 95%\n"
    "hv_margin = 1.25%\n"
    "\n"
    "[adu ctl]\n"
    "memory = 16M\n"
    "address = 0x82000000\n"
    "image = bareos\n"
    "bootargs = app=demo period=100   # comment\n"
    "vcpus = 2\n"
    "priority = 4, 9\n"
    "affinity = 0-1;2,3\n"
    "reserve = 30%\n"
    "devices = uart, reset\n"
    "caps = manage, reserve\n"
    "send_to = gp\n"
    "msg_depth = 16\n"
    "msg_size = 1024\n"
    "\n"
    "[adu gp]\n"
    "memory = 0x2000000\n"
    "image = guest.bin\n"
    "entry = 0x80200010\n"
    "devices = none\n";

Test(scenario, parses_full_demo)
{
    const struct vh_cfg_adu *ctl, *gp;

    cr_assert_eq(load(demo), 0);
    cr_assert_str_eq(scen.cfg.name, "demo");
    cr_assert_eq(scen.cfg.ncpus, 4);
    cr_assert_eq(scen.cfg.nadus, 2);
    cr_assert_eq(scen.cfg.quantum_ns, 500000);
    cr_assert_eq(scen.cfg.rt_limit_ppm, 805000);
    cr_assert_eq(scen.cfg.cpu_limit_ppm, 950000);
    cr_assert_eq(scen.cfg.hv_margin_ppm, 12500);
    ctl = &scen.cfg.adu[0];
    gp = &scen.cfg.adu[1];
    cr_assert_str_eq(ctl->name, "ctl");
    cr_assert_eq(ctl->ram_hpa, 0x82000000);
    cr_assert_eq(ctl->ram_size, 16 << 20);
    cr_assert_eq(ctl->entry_gpa, 0x80200000);
    cr_assert_eq(ctl->image_size, 64 * 1024);
    cr_assert_eq(ctl->dtb_gpa, 0x80000000 + (14 << 20));
    cr_assert_eq(ctl->n_be_vcpus, 2);
    cr_assert_eq(ctl->be_priority[0], 4);
    cr_assert_eq(ctl->be_priority[1], 9);
    cr_assert_eq(ctl->be_affinity[0], 0x3);
    cr_assert_eq(ctl->be_affinity[1], 0xc);
    cr_assert_eq(ctl->reserve_ppm, 300000);
    cr_assert_eq(ctl->devices, VH_DEV(UART) | VH_DEV(RESET));
    cr_assert_eq(ctl->caps, VH_CAP(MANAGE) | VH_CAP(RESERVE));
    cr_assert_eq(ctl->msg_send_mask, 1u << 1);
    cr_assert_eq(ctl->msg_depth, 16);
    cr_assert_eq(ctl->msg_size, 1024);
    cr_assert_str_eq(scen.adu[0].bootargs, "app=demo period=100");
    cr_assert_eq(scen.adu[0].address_fixed, 1);
    cr_assert_eq(gp->ram_size, 32 << 20);
    cr_assert_eq(gp->entry_gpa, 0x80200010);
    cr_assert_eq(gp->devices, 0);
    cr_assert_not_null(strstr(scen.adu[1].image_path, "/guest.bin"));
    cr_assert_eq(scen.adu[1].image_path[0], '/');
}

Test(scenario, defaults)
{
    const struct vh_cfg_adu *a;

    cr_assert_eq(load(ADU_OK), 0);
    cr_assert_str_eq(scen.cfg.name, "test"); /* from test.vhs */
    cr_assert_eq(scen.cfg.ncpus, VH_MAX_CPUS);
    cr_assert_eq(scen.cfg.quantum_ns, 10000000);
    cr_assert_eq(scen.cfg.rt_limit_ppm, 900000);
    cr_assert_eq(scen.cfg.cpu_limit_ppm, 950000);
    cr_assert_eq(scen.cfg.hv_margin_ppm, 20000);
    a = &scen.cfg.adu[0];
    cr_assert_eq(a->n_be_vcpus, 1);
    cr_assert_eq(a->be_priority[0], 1);
    cr_assert_eq(a->be_affinity[0], 0xff);
    cr_assert_eq(a->devices, VH_DEV(UART));
    cr_assert_eq(a->caps, 0);
    cr_assert_eq(a->msg_depth, 8);
    cr_assert_eq(a->msg_size, 256);
    cr_assert_eq(a->ram_hpa, VHS_DEFAULT_POOL_BASE);
    cr_assert_null(scen.adu[0].bootargs);
}

Test(scenario, unknown_section)
{
    cr_assert_gt(load("[machin]\n" ADU_OK), 0);
    assert_msg("test.vhs:1:", "unknown section '[machin]'", "[machine] or [adu NAME]");
}

Test(scenario, unknown_key_suggests_closest)
{
    cr_assert_gt(load(ADU_OK "memroy = 8M\n[machine]\nquantom = 1ms\n"), 0);
    assert_msg("test.vhs:4:", "adu 'a': memroy:", "unknown key", "did you mean 'memory'");
    assert_msg("test.vhs:6:", "machine: quantom:", "did you mean 'quantum'");
}

Test(scenario, unknown_key_lists_known)
{
    cr_assert_gt(load(ADU_OK "zzzzzzzz = 1\n"), 0);
    assert_msg("adu 'a': zzzzzzzz:", "known keys:", "memory", "msg_size");
}

Test(scenario, duplicate_key)
{
    cr_assert_gt(load(ADU_OK "memory = 32M\n"), 0);
    assert_msg("test.vhs:4:", "adu 'a': memory:", "duplicate key", "line 2");
    cr_assert_eq(scen.cfg.adu[0].ram_size, 16 << 20); /* first one kept */
}

Test(scenario, bad_numbers_and_units)
{
    cr_assert_gt(load("[machine]\nquantum = 10\ncpus = four\nrt_limit = 90\n"
                      "[adu a]\nmemory = 16Q\nimage = bareos\nvcpus = 0x\n"
                      "reserve = 1.2345%\nmsg_depth = 65\nmsg_size = 8\n"),
                 0);
    assert_msg(":2:", "machine: quantum:", "missing unit", "100us to 1s");
    assert_msg(":3:", "machine: cpus:", "not a number", "from 1 to 8");
    assert_msg(":4:", "machine: rt_limit:", "missing '%'");
    assert_msg(":6:", "adu 'a': memory:", "'16Q'", "suffix", "such as 16M");
    assert_msg(":8:", "adu 'a': vcpus:", "from 1 to 8");
    assert_msg(":9:", "adu 'a': reserve:", "more than 3 decimals");
    assert_msg(":10:", "adu 'a': msg_depth:", "out of range", "from 1 to 64");
    assert_msg(":11:", "adu 'a': msg_size:", "from 16 to 4096");
}

Test(scenario, value_ranges)
{
    cr_assert_gt(load("[machine]\nquantum = 2s\ncpus = 9\n[adu a]\nmemory = 2M\n"
                      "image = bareos\npriority = 17\nreserve = 101%\n"
                      "address = 0x82100000\n"),
                 0);
    assert_msg("machine: quantum:", "out of range");
    assert_msg("machine: cpus:", "out of range", "from 1 to 8");
    assert_msg("adu 'a': memory:", "less than 4 MiB");
    assert_msg("adu 'a': priority:", "from 1 to 16");
    assert_msg("adu 'a': reserve:", "more than 100%");
    assert_msg("adu 'a': address:", "not 2 MiB aligned");
}

Test(scenario, percentages)
{
    uint32_t ppm;

    cr_assert_eq(load("[machine]\nrt_limit = 12.125%\n" ADU_OK), 0);
    cr_assert_eq(scen.cfg.rt_limit_ppm, 121250);
    cr_assert_eq(load("[machine]\nrt_limit = 0%\n" ADU_OK), 0);
    cr_assert_eq(scen.cfg.rt_limit_ppm, 0);
    cr_assert_eq(load("[machine]\nrt_limit = 0.5%\n" ADU_OK), 0);
    cr_assert_eq(scen.cfg.rt_limit_ppm, 5000);
    (void)ppm;
}

Test(scenario, machine_limits_consistent)
{
    cr_assert_gt(load("[machine]\nrt_limit = 94%\n" ADU_OK), 0);
    assert_msg("machine: rt_limit:", "94%", "cpu_limit 95%", "at most 93%");
    cr_assert_gt(load("[machine]\nhv_margin = 95%\n" ADU_OK), 0);
    assert_msg("machine: hv_margin:", "not below cpu_limit");
}

Test(scenario, overlapping_memory)
{
    cr_assert_gt(load("[adu one]\nmemory = 16M\naddress = 0x82000000\nimage = bareos\n"
                      "[adu two]\nmemory = 16M\naddress = 0x82800000\nimage = bareos\n"),
                 0);
    assert_msg("test.vhs:7:", "adu 'two': address:", "0x82800000..0x83800000",
               "overlaps adu 'one'", "0x82000000..0x83000000", "line 1");
}

Test(scenario, memory_outside_pool)
{
    cr_assert_gt(load("[adu a]\nmemory = 16M\naddress = 0x40000000\nimage = bareos\n"), 0);
    assert_msg("test.vhs:3:", "adu 'a': address:", "outside the RAM pool",
               "0x81000000..0x9fc00000");
}

Test(scenario, pool_exhausted)
{
    cr_assert_gt(load("[adu a]\nmemory = 400M\nimage = bareos\n"
                      "[adu b]\nmemory = 100M\nimage = bareos\n"),
                 0);
    assert_msg("test.vhs:5:", "adu 'b': memory:", "exhausted", "no free block of 100 MiB",
               "92 MiB free", "enlarge --ram-pool");
}

Test(scenario, placement_first_fit)
{
    /* Explicit b sits at pool + 16M; a (8M) fits before it, c (32M) after. */
    cr_assert_eq(load("[adu a]\nmemory = 8M\nimage = bareos\n"
                      "[adu b]\nmemory = 16M\naddress = 0x82000000\nimage = bareos\n"
                      "[adu c]\nmemory = 32M\nimage = bareos\n"
                      "[adu d]\nmemory = 8M\nimage = bareos\n"),
                 0);
    cr_assert_eq(scen.cfg.adu[0].ram_hpa, 0x81000000);
    cr_assert_eq(scen.cfg.adu[1].ram_hpa, 0x82000000);
    cr_assert_eq(scen.cfg.adu[2].ram_hpa, 0x83000000);
    cr_assert_eq(scen.cfg.adu[3].ram_hpa, 0x81800000);
}

Test(scenario, placement_aligns_pool)
{
    char why[128];

    cr_assert_eq(vhs_parse_pool("0x80100000:64M", &topt.pool_base, &topt.pool_size,
                                why, sizeof(why)),
                 0);
    cr_assert_eq(load(ADU_OK), 0);
    cr_assert_eq(scen.cfg.adu[0].ram_hpa, 0x80200000);
}

Test(scenario, reservations_over_limit)
{
    cr_assert_gt(load("[adu a]\nmemory = 8M\nimage = bareos\nreserve = 50%\n"
                      "[adu b]\nmemory = 8M\nimage = bareos\nreserve = 40.5%\n"),
                 0);
    assert_msg("test.vhs:8:", "adu 'b': reserve:", "sum to 90.5%", "a 50% + b 40.5%",
               "over rt_limit 90%", "at most 90%");
}

Test(scenario, unknown_device_and_cap)
{
    cr_assert_gt(load(ADU_OK "devices = uart, disk\ncaps = fly\n"), 0);
    assert_msg("test.vhs:4:", "adu 'a': devices:", "unknown name 'disk'", "uart (",
               "reset (");
    assert_msg("test.vhs:5:", "adu 'a': caps:", "unknown name 'fly'", "manage (",
               "reserve (");
}

Test(scenario, image_missing)
{
    cr_assert_gt(load("[adu a]\nmemory = 16M\n"), 0);
    assert_msg("test.vhs:1:", "adu 'a': image: missing", "--image NAME=PATH");
    cr_assert_gt(load("[adu a]\nmemory = 16M\nimage = nosuch\n"), 0);
    assert_msg("test.vhs:3:", "adu 'a': image:", "'nosuch'", "--image nosuch=PATH",
               "bareos");
    cr_assert_gt(load("[adu a]\nmemory = 16M\nimage = /nonexistent/x.bin\n"), 0);
    assert_msg("adu 'a': image:", "cannot use '/nonexistent/x.bin'",
               "No such file");
}

Test(scenario, image_unusable)
{
    cr_assert_gt(load("[adu a]\nmemory = 16M\nimage = empty.bin\n"), 0);
    assert_msg("adu 'a': image:", "empty file", "non-empty");
    cr_assert_gt(load("[adu a]\nmemory = 16M\nimage = /tmp\n"), 0);
    assert_msg("adu 'a': image:", "not a regular file");
}

Test(scenario, image_too_large)
{
    cr_assert_gt(load("[adu a]\nmemory = 16M\nimage = big.bin\n"), 0);
    assert_msg("test.vhs:3:", "adu 'a': image:", "is 13 MiB (13631488 bytes)",
               "memory 16 MiB leaves 12 MiB", "at least 18M");
    cr_assert_eq(load("[adu a]\nmemory = 18M\nimage = big.bin\n"), 0);
}

Test(scenario, entry_outside_image)
{
    cr_assert_gt(load(ADU_OK "entry = 0x80210000\n"), 0);
    assert_msg("test.vhs:4:", "adu 'a': entry:", "0x80210000 is outside the image",
               "0x80200000..0x80210000");
    cr_assert_gt(load(ADU_OK "entry = 0x80000000\n"), 0);
    assert_msg("adu 'a': entry:", "outside the image");
}

Test(scenario, affinity)
{
    cr_assert_gt(load("[machine]\ncpus = 2\n" ADU_OK "affinity = 0-3\n"), 0);
    assert_msg("test.vhs:6:", "adu 'a': affinity:", "names CPU 3", "2 CPUs",
               "0..1");
    cr_assert_gt(load(ADU_OK "vcpus = 2\naffinity = 0;1;2\n"), 0);
    assert_msg("adu 'a': affinity:", "3 CPU sets for 2 VCPU");
    cr_assert_gt(load(ADU_OK "affinity = 0,,1\n"), 0);
    assert_msg("adu 'a': affinity:", "empty");
    cr_assert_gt(load(ADU_OK "affinity = 3-1\n"), 0);
    assert_msg("adu 'a': affinity:", "bad CPU range");
    cr_assert_eq(load(ADU_OK "vcpus = 3\naffinity = all\npriority = 2\n"), 0);
    cr_assert_eq(scen.cfg.adu[0].be_affinity[2], 0xff);
    cr_assert_eq(scen.cfg.adu[0].be_priority[2], 2);
}

Test(scenario, no_adus)
{
    cr_assert_gt(load("[machine]\ncpus = 2\n"), 0);
    assert_msg("test.vhs: no ADUs", "add at least one [adu NAME]");
    cr_assert_gt(load(""), 0);
}

Test(scenario, too_many_adus)
{
    char text[2048] = "";

    for (int i = 0; i < VH_MAX_ADUS + 1; i++)
        snprintf(text + strlen(text), sizeof(text) - strlen(text),
                 "[adu a%d]\nmemory = 4M\nimage = bareos\n", i);
    cr_assert_gt(load(text), 0);
    assert_msg("test.vhs:25:", "adu 'a8'", "too many ADUs", "at most 8");
}

Test(scenario, send_to)
{
    cr_assert_gt(load(ADU_OK "send_to = b, a\n[adu c]\nmemory = 4M\nimage = bareos\n"),
                 0);
    assert_msg("test.vhs:4:", "adu 'a': send_to:", "no ADU named 'b'");
    assert_msg("test.vhs:4:", "adu 'a': send_to:", "this ADU itself");
    cr_assert_eq(load(ADU_OK "send_to = c\n[adu c]\nmemory = 8M\nimage = bareos\n"
                             "send_to = a\n"),
                 0);
    cr_assert_eq(scen.cfg.adu[0].msg_send_mask, 2);
    cr_assert_eq(scen.cfg.adu[1].msg_send_mask, 1);
}

Test(scenario, adu_names)
{
    cr_assert_gt(load(ADU_OK "[adu a]\nmemory = 4M\nimage = bareos\n"), 0);
    assert_msg("test.vhs:4:", "adu 'a': name: duplicate ADU name", "line 1");
    cr_assert_gt(load("[adu Ctl]\n[adu way-too-long-name]\n" ADU_OK), 0);
    assert_msg("test.vhs:1:", "adu 'Ctl': name: invalid");
    assert_msg("test.vhs:2:", "invalid ADU name", "1..15");
}

Test(scenario, syntax_errors)
{
    cr_assert_gt(load("memory = 4M\n" ADU_OK "justaword\n[adu b\n"), 0);
    assert_msg("test.vhs:1:", "outside any section");
    assert_msg("test.vhs:5:", "expected 'key = value'");
    assert_msg("test.vhs:6:", "malformed section header");
    cr_assert_gt(load(ADU_OK "vcpus =\n"), 0);
    assert_msg("adu 'a': vcpus:", "empty value");
}

Test(scenario, machine_name)
{
    cr_assert_gt(load("[machine]\nname = Has Space\n" ADU_OK), 0);
    assert_msg("test.vhs:2:", "machine: name:", "not a valid name");
    cr_assert_eq(load("[machine]\nname = x-1\n" ADU_OK), 0);
    cr_assert_str_eq(scen.cfg.name, "x-1");
}

Test(scenario, reports_many_errors_sorted)
{
    unsigned n = load("[adu a]\nmemory = 3M\nimage = nosuch\nreserve = 200%\n"
                      "devices = tty\nbogus = 1\n");

    cr_assert_geq(n, 5);
    for (unsigned i = 1; i < scen.diag.n; i++)
        cr_assert_geq(scen.diag.line[i], scen.diag.line[i - 1]);
}

Test(scenario, diag_cap)
{
    char text[8192] = ADU_OK;

    for (int i = 0; i < VHS_MAX_DIAGS + 10; i++)
        snprintf(text + strlen(text), sizeof(text) - strlen(text), "bad%d = 1\n", i);
    cr_assert_eq(load(text), VHS_MAX_DIAGS + 10);
    cr_assert_eq(scen.diag.n, VHS_MAX_DIAGS);
    cr_assert_eq(scen.diag.dropped, 10);
}

Test(scenario, load_file_errors)
{
    vhs_free(&scen);
    cr_assert_eq(vhs_load(&scen, "/nonexistent/x.vhs", &topt), 1);
    assert_msg("/nonexistent/x.vhs: cannot read scenario");
}

Test(scenario, options)
{
    char why[256];
    uint64_t base, size;

    cr_assert_eq(vhs_options_add_image(&topt, "bareos=/x", why, sizeof(why)), -1);
    cr_assert_not_null(strstr(why, "given twice"));
    cr_assert_eq(vhs_options_add_image(&topt, "noequals", why, sizeof(why)), -1);
    cr_assert_not_null(strstr(why, "NAME=PATH"));
    cr_assert_eq(vhs_parse_pool("0x90000000:256M", &base, &size, why, sizeof(why)), 0);
    cr_assert_eq(base, 0x90000000);
    cr_assert_eq(size, 256 << 20);
    cr_assert_eq(vhs_parse_pool("0x90000000", &base, &size, why, sizeof(why)), -1);
    cr_assert_not_null(strstr(why, "BASE:SIZE"));
}

Test(scenario, find_adu)
{
    cr_assert_eq(load(demo), 0);
    cr_assert_eq(vhs_find_adu(&scen, "gp"), 1);
    cr_assert_eq(vhs_find_adu(&scen, "nope"), -1);
}
