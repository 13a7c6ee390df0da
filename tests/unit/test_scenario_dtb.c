/*
 * vhscen device tree tests: the DTB header and structure, the nodes and
 * properties each ADU gets, the checker's rejection of damaged blobs, and
 * (when dtc is installed) that dtc decompiles the blob.
 */
#include <criterion/criterion.h>

#include "fdt.h"
#include "test_scenario.h"

TestSuite(dtb, .init = setup, .fini = teardown);

static uint8_t *blob;
static size_t blob_len;
static char dts[16384];

/* Load `text`, build ADU idx's DTB and its DTS text. */
static void build(const char *text, unsigned idx)
{
    FILE *f;

    cr_assert_eq(load(text), 0);
    free(blob);
    cr_assert_eq(vhs_adu_dtb(&scen, idx, &blob, &blob_len), 0);
    f = fmemopen(dts, sizeof(dts), "w");
    cr_assert_eq(fdt_to_dts(blob, blob_len, f), 0);
    fclose(f);
}

static void has(const char *text)
{
    cr_assert_not_null(strstr(dts, text), "DTS lacks '%s':\n%s", text, dts);
}

static const char *const full =
    "[machine]\nname = demo\ncpus = 4\n"
    "[adu ctl]\nmemory = 16M\nimage = bareos\nvcpus = 2\nbootargs = app=x v=1\n"
    "devices = uart, reset\n";

Test(dtb, header)
{
    build(full, 0);
    cr_assert_eq(fdt_be32(blob), FDT_MAGIC);
    cr_assert_eq(fdt_be32(blob + 4), blob_len);
    cr_assert_eq(fdt_be32(blob + 20), 17);
    cr_assert_eq(fdt_be32(blob + 24), 16);
    cr_assert_eq(fdt_be32(blob + 8) % 4, 0);
    cr_assert_eq(fdt_check(blob, blob_len), 0);
}

Test(dtb, root_chosen_memory)
{
    build(full, 0);
    has("/ {\n\t#address-cells = <0x2>;\n\t#size-cells = <0x2>;");
    has("compatible = \"riscv-virtio\";");
    has("model = \"vh,demo-ctl\";");
    has("chosen {\n\t\tbootargs = \"app=x v=1\";\n\t\tstdout-path = "
        "\"/soc/serial@10000000\";");
    has("memory@80000000 {\n\t\tdevice_type = \"memory\";\n\t\treg = <0x0 "
        "0x80000000 0x0 0x1000000>;");
}

Test(dtb, cpus)
{
    build(full, 0);
    has("cpus {\n\t\t#address-cells = <0x1>;\n\t\t#size-cells = <0x0>;\n\t\t"
        "timebase-frequency = <0x989680>;");
    has("cpu@0 {\n\t\t\tdevice_type = \"cpu\";\n\t\t\treg = <0x0>;\n\t\t\tstatus = "
        "\"okay\";\n\t\t\tcompatible = \"riscv\";\n\t\t\triscv,isa = \"rv64imafdc\";"
        "\n\t\t\tmmu-type = \"riscv,sv39\";");
    has("cpu@1 {");
    cr_assert_null(strstr(dts, "cpu@2"));
    has("interrupt-controller {\n\t\t\t\t#interrupt-cells = <0x1>;\n\t\t\t\t"
        "interrupt-controller;\n\t\t\t\tcompatible = \"riscv,cpu-intc\";\n\t\t\t\t"
        "phandle = <0x1>;");
    has("phandle = <0x2>;");
}

Test(dtb, soc_and_reset)
{
    build(full, 0);
    has("soc {\n\t\t#address-cells = <0x2>;\n\t\t#size-cells = <0x2>;\n\t\t"
        "compatible = \"simple-bus\";\n\t\tranges;");
    has("serial@10000000 {\n\t\t\tcompatible = \"ns16550a\";\n\t\t\treg = <0x0 "
        "0x10000000 0x0 0x100>;\n\t\t\tclock-frequency = <0x384000>;");
    has("test@100000 {\n\t\t\tcompatible = \"sifive,test1\", \"sifive,test0\", "
        "\"syscon\";\n\t\t\treg = <0x0 0x100000 0x0 0x1000>;\n\t\t\tphandle = <0x3>;");
    has("reboot {\n\t\tcompatible = \"syscon-reboot\";\n\t\tregmap = <0x3>;\n\t\t"
        "offset = <0x0>;\n\t\tvalue = <0x7777>;");
    has("poweroff {\n\t\tcompatible = \"syscon-poweroff\";\n\t\tregmap = <0x3>;\n\t\t"
        "offset = <0x0>;\n\t\tvalue = <0x5555>;");
}

Test(dtb, without_devices)
{
    build("[adu a]\nmemory = 6M\nimage = bareos\ndevices = none\n", 0);
    cr_assert_null(strstr(dts, "serial@"));
    cr_assert_null(strstr(dts, "test@"));
    cr_assert_null(strstr(dts, "reboot"));
    cr_assert_null(strstr(dts, "stdout-path"));
    cr_assert_null(strstr(dts, "bootargs"));
    has("model = \"vh,test-a\";");
    has("reg = <0x0 0x80000000 0x0 0x600000>;");
}

Test(dtb, fits_before_image_end)
{
    build(full, 0);
    cr_assert_leq(blob_len, VHS_DTB_AREA);
    cr_assert_geq(scen.cfg.adu[0].dtb_gpa, VH_GUEST_RAM_GPA + VH_GUEST_IMAGE_OFFSET +
                                               scen.cfg.adu[0].image_size);
}

Test(dtb, checker_rejects_damage)
{
    uint8_t *copy;

    build(full, 0);
    copy = malloc(blob_len);
    memcpy(copy, blob, blob_len);
    cr_assert_neq(fdt_check(copy, blob_len - 1), 0); /* truncated */
    copy[0] ^= 1;
    cr_assert_neq(fdt_check(copy, blob_len), 0); /* magic */
    copy[0] ^= 1;
    copy[fdt_be32(copy + 8) + 3] = 9; /* first token: FDT_END before any node */
    cr_assert_neq(fdt_check(copy, blob_len), 0);
    memcpy(copy, blob, blob_len);
    copy[fdt_be32(copy + 8) + fdt_be32(copy + 36) - 5] = 1; /* last END_NODE */
    cr_assert_neq(fdt_check(copy, blob_len), 0);
    free(copy);
}

Test(dtb, writer_rejects_unbalanced)
{
    struct fdt f;
    uint8_t *b;
    size_t len;

    fdt_init(&f);
    fdt_begin_node(&f, "");
    cr_assert_eq(fdt_finish(&f, &b, &len), -1);
    cr_assert_null(b);
}

Test(dtb, dtc_decompiles)
{
    char bin[256], out[256], cmd[2048];
    FILE *f;

    if (system("command -v dtc >/dev/null 2>&1") != 0) {
        cr_log_warn("dtc not installed: skipping");
        return;
    }
    build(full, 0);
    snprintf(bin, sizeof(bin), "%s/ctl.dtb", tdir);
    snprintf(out, sizeof(out), "%s/ctl.dts", tdir);
    f = fopen(bin, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(blob, 1, blob_len, f), blob_len);
    fclose(f);
    snprintf(cmd, sizeof(cmd), "dtc -q -I dtb -O dts -o %s %s && grep -q "
             "'sifive,test0' %s && grep -q 'regmap = <0x03>' %s", out, bin, out, out);
    cr_assert_eq(system(cmd), 0, "dtc failed: %s", cmd);
}
