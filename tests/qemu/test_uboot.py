#!/usr/bin/env python3
"""Full virtualization: an unmodified U-Boot beside a real-time BareOS ADU.

usage: test_uboot.py

First the absent-device probes (scenario `absent`, BareOS only): reads of
devices no ADU owns return an empty slot's value and are logged once; a
read of the hypervisor's CLINT still stops the ADU.  Then, when Debian's
u-boot-qemu is installed, scenario `uboot-mixed`: U-Boot boots to its
prompt, answers `version` and `sbi` typed to its console (it has the
console focus: it is the first ADU), runs busy commands, resets itself and
powers itself off through the sifive_test device; the RT-App in ADU `rt`
runs on throughout, once, with no deadline miss.
"""
import os
import re
import sys

import vhtest as t

UBOOT_BIN = "/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin"


def absent():
    r = t.boot("absent", 2, 60, until=r"\[steady\] vcpu 0 tick 20")
    out = "\n".join(r.out)
    t.check(re.search(r"\[vh\] ADU 'probe': probes of absent device virtio-mmio@10001000 read as empty", out),
            "a virtio-mmio probe is logged with the region", r)
    t.check(len(re.findall(r"ADU 'probe': probes of absent", out)) == 1, "logged once for two reads", r)
    t.check(len([l for l in r.tagged("probe") if l.startswith("hostile: read 0x0 ")]) == 2,
            "both virtio reads return 0 (no device)", r)
    t.check(any(l.startswith("hostile: read 0xffffffffffffffff ") for l in r.tagged("pci")),
            "an empty PCIe ECAM reads all ones", r)
    t.check(re.search(r"\[vh\] ADU 'pci' stopped: load from guest-physical address outside its memory: 0x2000000", out),
            "a read of the hypervisor's CLINT still stops the ADU", r)
    t.check("ADU 'probe' stopped" not in out, "the probing ADU keeps running", r)
    t.check(len([l for l in r.tagged("steady") if " tick " in l]) >= 20, "its neighbour keeps running", r)


def summaries(run):
    """RT-App's summary lines of ADU rt: (releases, misses) each."""
    res = []
    for l in run.tagged("rt"):
        m = re.search(r"releases (\d+) .* misses (\d+)", l)
        if m:
            res.append((int(m.group(1)), int(m.group(2))))
    return res


def prompts(run):
    return len([l for l in run.tagged("uboot") if l.startswith("=>")])


def command(run, cmd, until, timeout=60):
    """Type a command at U-Boot's prompt; wait for `until` after its echo."""
    start = len(run.out)
    run.send(cmd + "\n")
    rx = re.compile(until)
    return run.wait_for(lambda ls: any(rx.search(l[len("[uboot] "):]) for l in ls[start:]
                                       if l.startswith("[uboot] ")), timeout)


def to_prompt(run):
    """Past autoboot (it eats typed keys): press Enter until a prompt shows."""
    for _ in range(30):
        n = prompts(run)
        run.send("\n")
        if run.wait_for(lambda ls: prompts(run) > n, 4):
            return True
    return False


def rt_mark(run, what):
    s = summaries(run)
    print("%s: RT-App summary %s" % (what, ([l for l in run.tagged("rt") if "releases" in l] or ["(none)"])[-1]))
    return s


def mixed(scenario, cpus):
    # U-Boot and the RT ADU under -icount (deterministic): the shipped
    # two-CPU uboot-mixed, or both sharing one CPU (uboot-onecpu, where the
    # RT-VCPU preempts U-Boot).
    print("scenario %s, %d CPU(s)" % (scenario, cpus))
    r = t.Run(t.qemu_cmd(t.scenario_elf(scenario), cpus))
    try:
        t.check(r.wait_line(r"\[uboot\] U-Boot 2023\.01", 120), "U-Boot prints its banner", r)
        t.check(to_prompt(r), "U-Boot reaches its => prompt (input reaches it)", r)
        t.check(command(r, "version", r"^U-Boot 2023\.01"), "`version` answers U-Boot 2023.01", r)
        t.check(command(r, "sbi", r"System Reset Extension"), "`sbi` answers", r)
        sbi = [l for l in r.tagged("uboot") if l.startswith("SBI ")]
        # vh's id 0x5648 is not in U-Boot's table: it prints "Unknown
        # implementation ID" (followed, by a U-Boot slip, by the spec version).
        t.check(any(re.match(r"SBI 2\.0Unknown implementation ID", l) for l in sbi),
                "`sbi`: SBI 2.0 from an implementation U-Boot does not know (vh's)", r)
        t.check(any("System Reset Extension" in l for l in r.tagged("uboot")), "`sbi` lists SRST", r)
        r.wait_line(r"\[rt\] rtapp: rt 0 .*releases", 60)
        before = rt_mark(r, "before U-Boot's busy commands")
        # (this U-Boot has no mtest; crc32 reads its RAM instead)
        # One line: while `sleep` runs, U-Boot reads and drops typed keys.
        t.check(command(r, "sleep 1; crc32 80000000 1000000", r"^[Cc][Rr][Cc]32 for 80000000", 180),
                "U-Boot busy: sleep 1, then crc32 over 16 MiB of its RAM", r)
        n = len(summaries(r))
        r.wait_for(lambda ls: len(summaries(r)) > n, 60)
        after = rt_mark(r, "after U-Boot's busy commands")
        t.check(after and before and after[-1][0] > before[-1][0], "RT-App went on releasing", r)
        busy_misses = (after[-1][1] - before[-1][1]) if after and before else -1
        print("RT-App misses while U-Boot was busy: %d" % busy_misses)
        t.check(busy_misses == 0, "no RT-App deadline miss while U-Boot was busy", r)
        banners = len([l for l in r.tagged("uboot") if l.startswith("U-Boot 2023.01")])
        r.send("reset\n")
        t.check(r.wait_line(r"\[vh\] ADU 'uboot' resets \(boot 2\)", 60), "`reset` resets the U-Boot ADU", r)
        t.check(r.wait_for(lambda ls: len([l for l in r.tagged("uboot") if l.startswith("U-Boot 2023.01")]) > banners, 120),
                "U-Boot boots again (banner)", r)
        t.check(to_prompt(r), "U-Boot reaches its prompt again", r)
        n = len(summaries(r))
        r.wait_for(lambda ls: len(summaries(r)) > n, 60)
        later = rt_mark(r, "after U-Boot's reset")
        t.check(len([l for l in r.tagged("rt") if l.startswith("BareOS:")]) == 1, "the RT ADU did not restart", r)
        t.check(later and after and later[-1][0] > after[-1][0], "RT-App went on across the reset", r)
        reboot_misses = (later[-1][1] - after[-1][1]) if later and after else -1
        print("RT-App misses while U-Boot rebooted: %d" % reboot_misses)
        t.check(reboot_misses == 0, "no RT-App deadline miss while U-Boot rebooted", r)
        r.send("poweroff\n")
        t.check(r.wait_line(r"\[vh\] ADU 'uboot' stopped: powered off by the guest \(test device\)", 60),
                "`poweroff` stops only the U-Boot ADU", r)
        n = len(summaries(r))
        t.check(r.wait_for(lambda ls: len(summaries(r)) > n, 60), "RT-App goes on after the power-off", r)
        t.check(not any("PANIC" in l for l in r.out), "no hypervisor panic", r)
    finally:
        r.stop()


if __name__ == "__main__":
    absent()
    if not os.path.exists(UBOOT_BIN):
        print("skip - %s not installed (apt-get install u-boot-qemu)" % UBOOT_BIN)
    elif len(sys.argv) > 1 and sys.argv[1] == "onecpu":
        mixed("uboot-onecpu", 1)
    else:
        mixed("uboot-mixed", 2)
    t.done()
