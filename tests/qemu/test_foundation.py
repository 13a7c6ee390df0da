#!/usr/bin/env python3
"""Foundation integration tests: boot real scenarios under vh in QEMU.

usage: test_foundation.py two-adus|be-share|isolation|srst
"""
import re
import sys
import time

import vhtest as t


def ticks(run, tag):
    return [int(m.group(2)) for m in (re.search(r"vcpu (\d+) tick (\d+)", l) for l in run.tagged(tag)) if m]


def two_adus():
    r = t.boot("two-adus", 2, 60, until=r"\[beta\] vcpu 0 tick 10")
    t.check(any("BareOS: app=demo" in l and "env=vh:alpha" in l for l in r.tagged("alpha")), "alpha boots under vh", r)
    t.check(any("env=vh:beta" in l for l in r.tagged("beta")), "beta boots under vh", r)
    t.check(len(ticks(r, "alpha")) >= 10, "alpha keeps running", r)
    t.check(len(ticks(r, "beta")) >= 10, "beta keeps running", r)
    t.check(not any("PANIC" in l for l in r.out), "no hypervisor panic", r)


def be_share():
    # Progress seen by the guests (each spinning VCPU prints its count).
    r = t.boot("be-share", 4, 120, until=r"\[lo\] spin vcpu \d count 12000000\b")
    counts = {}
    for tag in ("hi", "lo"):
        for l in r.tagged(tag):
            m = re.search(r"spin vcpu (\d+) count (\d+)", l)
            if m:
                counts[(tag, int(m.group(1)))] = int(m.group(2)) // 1000000
    print("guest progress per VCPU (millions of iterations):", counts)
    for tag in ("hi", "lo"):
        for v in range(3):
            t.check(counts.get((tag, v), 0) >= 1, "%s VCPU %d makes progress" % (tag, v), r)
    # CPU time given by vh, read through vhd/vhctl.  (Under -icount QEMU runs
    # the CPUs one after another, so guest-side counts say little about shares.)
    d = t.Vhd("be-share")
    try:
        t.check(d.wait_up(), "vhd reaches the target")
        time.sleep(4)
        rc, out, err = d.ctl("stats", "--count", "1")
        runs = {v["vcpu_id"]: v["run_ns"] for v in out[0]["vcpus"]} if rc == 0 and out else {}
        print("CPU time per VCPU (ns):", runs)
        hi = [runs.get(i, 0) for i in (0, 1, 2)]
        lo = [runs.get(i, 0) for i in (8, 9, 10)]
        t.check(all(x > 0 for x in hi + lo), "every BE-VCPU got CPU time")
        t.check(min(hi) > 2 * max(lo), "priority 4 gets more than twice the CPU of priority 1 (%s vs %s)" % (hi, lo))
    finally:
        d.stop()


def isolation():
    r = t.boot("isolation", 2, 60, until=r"\[victim\] vcpu 0 tick 30")
    out = "\n".join(r.out)
    t.check(re.search(r"\[vh\] ADU 'spy-mem' stopped: load from guest-physical address outside its memory: 0x84000000 at pc 0x8020", out),
            "reading the victim's memory stops spy-mem, with address and pc", r)
    t.check(re.search(r"\[vh\] ADU 'spy-hv' stopped: load from guest-physical address outside its memory: 0xc000000", out),
            "reading the hypervisor's PLIC stops spy-hv", r)
    t.check(not any("isolation broken" in l for l in r.out), "no hostile read succeeded", r)
    stop_idx = max(i for i, l in enumerate(r.out) if "stopped:" in l) if any("stopped:" in l for l in r.out) else len(r.out)
    later = [l for l in r.out[stop_idx:] if l.startswith("[victim] vcpu 0 tick")]
    t.check(len(later) >= 10, "the victim keeps printing after both spies stopped", r)
    t.check(not any("PANIC" in l for l in r.out), "no hypervisor panic", r)


def srst():
    r = t.boot("srst", 2, 60, until=r"\[steady\] vcpu 0 tick 25")
    banners = [l for l in r.tagged("rst") if l.startswith("BareOS:")]
    t.check(len(banners) >= 2, "rst boots again after its reset (%d banners)" % len(banners), r)
    t.check(any(re.search(r"\[vh\] ADU 'rst' resets", l) for l in r.out), "vh logs the reset", r)
    t.check(len([l for l in r.tagged("steady") if l.startswith("BareOS:")]) == 1, "steady boots once", r)
    tk = ticks(r, "steady")
    t.check(tk == list(range(1, len(tk) + 1)) and len(tk) >= 25, "steady's ticks run on without a restart", r)


TESTS = {"two-adus": two_adus, "be-share": be_share, "isolation": isolation, "srst": srst}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in TESTS:
        t.fail("usage: test_foundation.py %s" % "|".join(TESTS))
    TESTS[sys.argv[1]]()
    t.done()
