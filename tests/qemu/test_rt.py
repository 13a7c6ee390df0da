#!/usr/bin/env python3
"""Real-time integration tests: RT-App under vh in QEMU (-icount shift=3,sleep=off).

usage: test_rt.py one|reserve|overrun|load|migrate|resv-change|set
"""
import re
import sys

import vhtest as t

SUMMARY = re.compile(r"rtapp: rt (\d+) \(vcpu (\d+), cpu (-?\d+)\): releases (\d+) jitter avg ([\d.]+) us "
                     r"sd ([\d.]+) us min ([\d.]+) us max ([\d.]+) us misses (\d+) overruns (\d+)")


def run(scenario, smp):
    return t.boot("rt-" + scenario, smp, 120, until=r"\[ctl\] rtapp: done")


def summaries(r):
    """Last summary per RT index: dict idx -> dict of numbers."""
    out = {}
    for line in r.tagged("ctl"):
        m = SUMMARY.search(line)
        if m:
            out[int(m.group(1))] = {"vcpu": int(m.group(2)), "cpu": int(m.group(3)), "releases": int(m.group(4)),
                                    "avg": float(m.group(5)), "sd": float(m.group(6)), "min": float(m.group(7)),
                                    "max": float(m.group(8)), "misses": int(m.group(9)), "overruns": int(m.group(10))}
    return out


def done(r):
    t.check(any("rtapp: done" in l for l in r.tagged("ctl")), "RT-App ran to the end", r)
    t.check(not any("PANIC" in l for l in r.out), "no hypervisor panic", r)


def one():
    r = run("one", 1)
    s = summaries(r)
    done(r)
    t.check(0 in s and s[0]["releases"] >= 1000, "1000 releases of one RT-VCPU", r)
    if 0 in s:
        print("RT-App, 1 CPU, 1 RT-VCPU, period 10 ms, -icount shift=3: jitter avg %.2f us, sd %.2f us, "
              "min %.1f us, max %.1f us" % (s[0]["avg"], s[0]["sd"], s[0]["min"], s[0]["max"]))
        t.check(s[0]["misses"] == 0 and s[0]["overruns"] == 0, "no misses, no overruns", r)


def reserve():
    r = run("reserve", 2)
    s = summaries(r)
    done(r)
    t.check(any(re.search(r"\[vh\] ADU 'ctl': RT-VCPU creation refused \(EADU_RESERVE\): ADU 'ctl': 10\.0% of its "
                          r"30\.0% reservation left, needs 25\.0%", l) for l in r.out),
            "over-reservation creation refused with the reason in vh's log", r)
    t.check(any("RT-VCPU 2 (period 10000 us, budget 5000 us) refused: EADU_RESERVE" in l for l in r.tagged("ctl")),
            "the guest gets the error code", r)
    t.check(sorted(s) == [0, 1] and all(v["misses"] == 0 for v in s.values()), "the admitted two run without misses", r)


def overrun():
    r = run("overrun", 1)
    s = summaries(r)
    done(r)
    t.check(1 in s and s[1]["overruns"] >= 100, "the spinning RT-VCPU is throttled every period", r)
    t.check(all(s.get(i, {}).get("misses", 1) == 0 and s.get(i, {}).get("overruns", 1) == 0 for i in (0, 2)),
            "its neighbours keep zero misses and overruns", r)


def load():
    base = summaries(run("one", 1))
    r = run("load", 1)
    s = summaries(r)
    done(r)
    t.check(0 in s and s[0]["misses"] == 0 and s[0]["overruns"] == 0, "no misses under best-effort load", r)
    if 0 in s and 0 in base:
        print("jitter without load: avg %.2f us max %.1f us; with a spinning BE ADU: avg %.2f us max %.1f us"
              % (base[0]["avg"], base[0]["max"], s[0]["avg"], s[0]["max"]))
        t.check(s[0]["max"] < 20.0, "best-effort load leaves RT jitter in the microseconds (max %.1f us)" % s[0]["max"], r)


def migrate():
    r = run("migrate", 2)
    s = summaries(r)
    done(r)
    t.check(any("rtapp: migrate vcpu 64 from cpu 0 to cpu 1: OK" in l for l in r.tagged("ctl")), "migration accepted", r)
    t.check(any("after migrate: vcpu 64 on cpu 1" in l for l in r.tagged("ctl")), "the VCPU is on its new CPU", r)
    t.check(s.get(0, {}).get("cpu") == 1 and s[0]["releases"] >= 300, "it keeps running there", r)
    t.check(all(v["misses"] == 0 for v in s.values()), "no deadline missed across the move", r)


def resv_change():
    r = run("resv-change", 2)
    c = r.tagged("ctl")
    done(r)
    t.check(any("a reservation of 0.1% would not cover it" in l for l in r.out), "shrink refused with the reason", r)
    t.check(any("after refused shrink: reservation 300000 ppm, used 100000 ppm" in l for l in c),
            "refusal leaves the reservation unchanged", r)
    t.check(any("after grow: reservation 400000 ppm" in l for l in c), "a grow within the limit is applied", r)


def set_params():
    r = run("set", 2)
    c = r.tagged("ctl")
    done(r)
    t.check(any("RT-VCPU change refused (EADU_RESERVE)" in l for l in r.out), "an oversized budget is refused", r)
    t.check(any("after refused set: vcpu 64 on cpu 0 period 10000 us deadline 10000 us budget 1000 us" in l for l in c),
            "refusal leaves the parameters unchanged", r)
    t.check(any("after set: vcpu 64 on cpu 0 period 10000 us deadline 10000 us budget 2000 us" in l for l in c),
            "a fitting change is applied", r)
    t.check(all(v["misses"] == 0 for v in summaries(r).values()), "no misses", r)


TESTS = {"one": one, "reserve": reserve, "overrun": overrun, "load": load, "migrate": migrate,
         "resv-change": resv_change, "set": set_params}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in TESTS:
        t.fail("usage: test_rt.py %s" % "|".join(TESTS))
    TESTS[sys.argv[1]]()
    t.done()
