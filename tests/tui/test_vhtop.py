#!/usr/bin/env python3
"""vhtop against vhd + vh-fake-target, driven through tmux.

Usage: test_vhtop.py BUILD_DIR CASE   (CASE: see CASES below, or "all")

Each case starts its own fake target, vhd and a private tmux server
(tmux -L vhtop-test-PID) whose window runs an interactive shell; vhtop is
typed into that shell, keys are sent with send-keys and the screen is read
with capture-pane.  Every wait is bounded; what was started is killed at
the end, the tmux server too.
"""
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import vhtestlib as vt  # noqa: E402
from vhtestlib import Fail, check, wait_for  # noqa: E402

BUILD = vt.build_dir()
FAKE, VHD, VHCTL, VHTOP = vt.tools(BUILD)
# VHTOP_TEST_QEMU=SCENARIO: run against vh itself in QEMU (vhd's qemu: target)
# instead of the fake target.
QEMU_SCENARIO = os.environ.get("VHTOP_TEST_QEMU", "")
PROMPT = "vhtest$ "


class Env:
    def __init__(self):
        self.dir = vt.tmpdir("vhtop-test-")
        self.sock = os.path.join(self.dir, "vhd.sock")
        self.tsock = os.path.join(self.dir, "target.sock")
        self.tmux_name = "vhtop-test-%d" % os.getpid()
        self.procs = []
        self.tmux_up = False

    # --- processes --------------------------------------------------------------
    def start_fake(self):
        if QEMU_SCENARIO:
            return  # vhd starts QEMU itself
        self.procs.append(vt.start_fake(FAKE, self.tsock, os.path.join(self.dir, "fake.log"),
                                        200))

    def start_vhd(self, wait_up=True):
        spec = "qemu:" + QEMU_SCENARIO if QEMU_SCENARIO else "unix:" + self.tsock
        p = subprocess.Popen([VHD, "--socket", self.sock, "--build-dir", BUILD, "--target", "ft=" + spec],
                             stderr=open(os.path.join(self.dir, "vhd.log"), "w"))
        self.procs.append(p)
        wait_for(lambda: os.path.exists(self.sock), 10, "vhd's socket")
        if wait_up:
            wait_for(lambda: "up" in self.ctl("target", "list", check_rc=None).stdout,
                     60 if QEMU_SCENARIO else 20, "vhd to bring the target up")

    def ctl(self, *args, check_rc=0):
        return vt.vhctl(VHCTL, self.sock, args, check_rc=check_rc)

    def create_rt(self, cpu):
        entry = "rtapp_spawn" if QEMU_SCENARIO else "0x80200000"  # a real BareOS: by symbol
        r = self.ctl("vcpu", "create", "ctl", "--entry", entry, "--period", "10ms",
                     "--budget", "1ms", "--cpu", str(cpu))
        m = re.search(r"created VCPU (\d+)", r.stdout)
        check(m, "vhctl created a VCPU: " + r.stdout)
        return int(m.group(1))

    # --- tmux ---------------------------------------------------------------------
    def tmux(self, *args, check_rc=True):
        # The server's socket lives in the case's directory, removed with it.
        env = dict(os.environ, TMUX_TMPDIR=self.dir)
        env.pop("TMUX", None)
        r = subprocess.run(["tmux", "-L", self.tmux_name] + list(args), capture_output=True,
                           text=True, timeout=10, env=env)
        if check_rc and r.returncode != 0:
            raise Fail("tmux %s: %s" % (" ".join(args), r.stderr))
        return r.stdout

    def start_shell(self, w=120, h=40):
        env = "env -i PATH=/usr/bin:/bin TERM=tmux-256color LANG=C.UTF-8 HOME=%s PS1='%s'" % (
            self.dir, PROMPT)
        self.tmux("-f", "/dev/null", "new-session", "-d", "-x", str(w), "-y", str(h),
                  env + " bash --norc --noprofile -i")
        self.tmux_up = True
        self.wait_screen(lambda s: PROMPT.rstrip() in s, 5, "the shell prompt")

    def type_line(self, line):
        self.tmux("send-keys", "-l", line)
        self.tmux("send-keys", "Enter")

    def keys(self, *keys):
        self.tmux("send-keys", *keys)

    def screen(self):
        return self.tmux("capture-pane", "-p")

    def wait_screen(self, pred, timeout, what):
        end = time.monotonic() + timeout
        s = ""
        while time.monotonic() < end:
            s = self.screen()
            if pred(s):
                return s
            time.sleep(0.1)
        raise Fail("timed out waiting for %s; screen:\n%s" % (what, s))

    def vhtop(self, *args):
        self.type_line("%s -s %s %s; echo VHTOP-EXIT=$?" % (VHTOP, self.sock, " ".join(args)))

    def close(self):
        if self.tmux_up:
            self.tmux("kill-server", check_rc=False)
        vt.stop_all(self.procs)


# --- screen parsing ----------------------------------------------------------------

def vcpu_rows(screen):
    """{id: {column: cell}} for the rows of the VCPU table (cells are single words;
    only the last column, TREND, may be empty)."""
    rows, head = {}, None
    for line in screen.splitlines():
        f = line.split()
        if f[:2] == ["ADU", "ID"]:
            head = f
            continue
        if head:
            if len(f) < 4 or not f[1].isdigit() or f[2].rstrip("!") not in ("RT", "BE"):
                break
            rows[int(f[1])] = dict(zip(head, f))
    return rows


def header_ok(screen):
    return screen.startswith("vhtop  ft [up]")


def wait_rows(e, ids, timeout=15):
    """Wait until the table shows all ids, RT rows with jitter numbers."""
    def ok(s):
        r = vcpu_rows(s)
        return all(i in r for i in ids) and all(
            re.match(r"^\d+\.\d$", r[i]["JAVG"]) for i in ids if r[i]["KIND"].startswith("RT"))
    return e.wait_screen(ok, timeout, "VCPU rows %r with jitter numbers" % (ids,))


def all_vcpu_ids(e):
    out = e.ctl("vcpu", "list").stdout.splitlines()[1:]
    return [int(line.split()[0]) for line in out if line.strip()]


def jitter_cols(row):
    return [row.get(c) for c in ("JMIN", "JAVG", "JMAX", "JSD", "TREND")]


# --- cases -------------------------------------------------------------------------

def case_rows(e):
    vid = e.create_rt(0)
    ids = all_vcpu_ids(e)
    e.start_shell()
    e.vhtop()
    s1 = wait_rows(e, ids)
    check(header_ok(s1), "header with target and link state:\n" + s1)
    check("boot " in s1 and "refresh 1.0s" in s1 and "crc " in s1 and "resync " in s1,
          "header fields:\n" + s1)
    check(re.search(r"CPU0 +\[", s1) and "adm " in s1, "CPU bars:\n" + s1)
    check(re.search(r"ADU ctl +reserve +30\.0% admitted", s1), "ADU line:\n" + s1)
    shown = vid if not QEMU_SCENARIO else ""  # vh's demo has RT-VCPUs of its own, listed first
    check("jitter histogram of VCPU %s" % shown in s1 and ">=4.1ms" in s1 and "overflow" in s1,
          "histogram pane of the RT-VCPU:\n" + s1)
    first = jitter_cols(vcpu_rows(s1)[vid])
    s2 = e.wait_screen(lambda s: vid in vcpu_rows(s) and jitter_cols(vcpu_rows(s)[vid]) != first,
                       10, "jitter numbers of VCPU %d to change" % vid)
    check(len(vcpu_rows(s2)) == len(ids), "every VCPU has a row:\n" + s2)
    e.keys("q")
    e.wait_screen(lambda s: "VHTOP-EXIT=0" in s, 5, "vhtop to exit")


def first_rt(e):
    """vh's demo has RT-VCPUs of its own; vhtop selects the first at start."""
    for line in e.ctl("vcpu", "list").stdout.splitlines():
        f = line.split()
        if len(f) > 5 and f[2] == "RT":
            return int(f[0])
    raise Fail("no RT-VCPU listed")


def case_migrate(e):
    vid = first_rt(e) if QEMU_SCENARIO else e.create_rt(0)
    e.start_shell()
    e.vhtop()
    s = wait_rows(e, [vid])
    check(vcpu_rows(s)[vid]["CPU"] == "0", "RT-VCPU on CPU 0 first:\n" + s)
    # The first RT-VCPU is selected at start; migrate it to CPU 2.
    e.keys("m")
    e.wait_screen(lambda s: "migrate VCPU %d" % vid in s and "to CPU" in s, 5, "migrate form")
    e.keys("C-u", "2", "Enter")
    s = e.wait_screen(lambda s: "vhd: OK" in s, 10, "vhd's answer")
    e.keys("Escape")
    s = e.wait_screen(lambda s: vid in vcpu_rows(s) and vcpu_rows(s)[vid]["CPU"] == "2", 10,
                      "the CPU column to change to 2")
    out = e.ctl("vcpu", "list").stdout
    check(re.search(r"^\s*%d\s+ctl\s+RT\s+\d+\s+\S+\s+2\s" % vid, out, re.M),
          "vhctl agrees:\n" + out)
    e.keys("q")
    e.wait_screen(lambda s: "VHTOP-EXIT=0" in s, 5, "vhtop to exit")


def case_refusal(e):
    e.start_shell()
    e.vhtop()
    wait_rows(e, all_vcpu_ids(e))
    e.keys("r")
    e.wait_screen(lambda s: "reservation (%)" in s, 5, "reservation form")
    e.keys("C-u", "9", "5", "Enter")
    s = e.wait_screen(lambda s: "refused" in s, 10, "the refusal")
    want = ("vhd: refused: reservations would sum to 125.0% (limit 90.0%)" if QEMU_SCENARIO
            else "vhd: refused: reservations would sum to 125.0% (machine RT limit 90.0%)")
    check(want in s, "refusal text verbatim:\n" + s)
    e.keys("Escape")
    s = e.wait_screen(lambda s: "vhd: refused" in s.splitlines()[-1], 5, "refusal on the last line")
    check("reserve  30.0%" in s, "reservation unchanged:\n" + s)
    e.keys("q")
    e.wait_screen(lambda s: "VHTOP-EXIT=0" in s, 5, "vhtop to exit")


def case_resize(e):
    vid = e.create_rt(1)
    ids = all_vcpu_ids(e)
    e.start_shell()
    e.vhtop()
    wait_rows(e, ids)
    e.tmux("resize-window", "-x", "80", "-y", "24")
    s = e.wait_screen(lambda s: len(s.splitlines()[0]) <= 80 and header_ok(s) and
                      len(vcpu_rows(s)) == len(ids), 10, "the 80x24 layout")
    lines = s.splitlines()
    check(all(len(line) <= 80 for line in lines), "no line over 80 columns:\n" + s)
    check(len(lines) <= 24, "24 rows:\n" + s)
    head = [line for line in lines if line.split()[:2] == ["ADU", "ID"]][0]
    for col in ("KIND", "CPU", "UTIL", "JAVG", "JMAX", "MISS", "OVR"):
        check(col in head.split(), "column %s kept at 80 columns: %s" % (col, head))
    check(re.match(r"^\d+\.\d$", vcpu_rows(s)[vid]["JAVG"]), "RT row readable:\n" + s)
    e.tmux("resize-window", "-x", "120", "-y", "40")
    e.wait_screen(lambda s: "PERIOD" in s and len(vcpu_rows(s)) == len(ids), 10,
                  "the wide layout again")
    e.keys("q")
    e.wait_screen(lambda s: "VHTOP-EXIT=0" in s, 5, "vhtop to exit")


def case_quit(e):
    e.start_shell()
    e.type_line("echo BEFORE-VHTOP")
    e.vhtop()
    wait_rows(e, all_vcpu_ids(e))
    e.keys("?")
    e.wait_screen(lambda s: "vhtop keys" in s, 5, "the help")
    e.keys("q")  # closes the help and quits
    # The shell prints the prompt just after VHTOP-EXIT: wait for both.
    s = e.wait_screen(lambda s: "VHTOP-EXIT=0" in s and
                      [l for l in s.splitlines() if l.strip()][-1] == PROMPT.rstrip(), 5,
                      "vhtop to exit with 0 and the prompt")
    lines = [line for line in s.splitlines() if line.strip()]
    check(lines[-1] == PROMPT.rstrip(), "the prompt is back on the last line:\n" + s)
    check("BEFORE-VHTOP" in s, "the screen before vhtop is restored:\n" + s)
    check("vhtop  ft" not in s and "ADU  " not in s and "jitter histogram" not in s,
          "no leftover curses screen:\n" + s)
    e.type_line("echo STILL-SANE")
    e.wait_screen(lambda s: re.search(r"^STILL-SANE$", s, re.M), 5,
                  "the terminal to echo normally (not in raw mode)")


def case_batch(e):
    vid = e.create_rt(3)
    ids = all_vcpu_ids(e)
    r = subprocess.run([VHTOP, "-s", e.sock, "-b", "-n", "2", "-d", "1"], capture_output=True,
                       text=True, timeout=30)
    check(r.returncode == 0, "vhtop -b exit %d: %s" % (r.returncode, r.stderr))
    out = r.stdout
    snaps = [x for x in out.split("vhtop  target ") if x.strip()]
    check(len(snaps) == 2, "two snapshots:\n" + out)
    for snap in snaps:
        check(snap.startswith("ft [up]") and "boot " in snap and "uptime " in snap,
              "snapshot header: " + snap[:200])
        lines = snap.splitlines()
        cpu_head = [line.split() for line in lines if line.startswith("CPU ")]
        check(cpu_head == [["CPU", "RT%", "BE%", "HV%", "IDLE%", "ADMITTED", "LIMIT"]],
              "CPU table header:\n" + snap)
        check(len([line for line in lines if re.match(r"^\d+ ", line)]) == 4, "4 CPU rows")
        head = [line.split() for line in lines if line.startswith("ADU ") and "ID" in line]
        check(head == [["ADU", "ID", "KIND", "CPU", "PERIOD", "DEADL", "BUDGET", "UTIL", "JMIN",
                        "JAVG", "JMAX", "JSD", "MISS", "OVR", "TREND"]], "VCPU columns:\n" + snap)
        rows = vcpu_rows("\n".join(lines))
        check(sorted(rows) == sorted(ids), "all VCPUs: %r vs %r" % (sorted(rows), ids))
        rt = rows[vid]
        check(rt["KIND"] == "RT" and rt["CPU"] == "3" and rt["PERIOD"] == "10ms" and
              rt["BUDGET"] == "1ms" and rt["UTIL"] == "10.0%", "RT row: %r" % rt)
        check(all(re.match(r"^\d+\.\d$", rt[c]) for c in ("JMIN", "JAVG", "JMAX", "JSD")),
              "jitter numbers: %r" % rt)
    seq = [re.search(r"sample (\d+)", x).group(1) for x in snaps]
    check(seq[0] != seq[1], "the second snapshot is a new sample: %r" % seq)


def case_connecting(e):
    # vhtop first, then vhd with a target that is not there yet, then the target.
    e.start_shell()
    e.vhtop()
    e.wait_screen(lambda s: "connecting to vhd" in s, 5, "'connecting to vhd'")
    e.start_vhd(wait_up=False)
    e.wait_screen(lambda s: re.search(r"target ft: connecting\S* \(link", s), 10,
                  "'target ft: connecting' while the target is away")
    e.start_fake()
    e.wait_screen(lambda s: header_ok(s) and len(vcpu_rows(s)) >= 4, 30,
                  "the dashboard once the target is up")
    e.keys("q")
    e.wait_screen(lambda s: "VHTOP-EXIT=0" in s, 5, "vhtop to exit")


def case_readonly(e):
    e.start_shell()
    e.type_line("%s -s %s.ro; echo VHTOP-EXIT=$?" % (VHTOP, e.sock))
    # The header and the hint are drawn by the same refresh, but tmux may show
    # the screen between the two: wait for both.
    s = e.wait_screen(lambda s: header_ok(s) and "read-only" in s.splitlines()[0] and
                      "actions need the admin socket" in s.splitlines()[-1], 15,
                      "the read-only header and the hint on the last line")
    e.keys("r")
    s = e.wait_screen(lambda s: "r: not available: read-only" in s, 5, "the refusal to act")
    check("reservation (%)" not in s, "no form opened:\n" + s)
    e.keys("q")
    e.wait_screen(lambda s: "VHTOP-EXIT=0" in s, 5, "vhtop to exit")


CASES = {"rows": case_rows, "migrate": case_migrate, "refusal": case_refusal,
         "resize": case_resize, "quit": case_quit, "batch": case_batch,
         "connecting": case_connecting, "readonly": case_readonly}
NO_SETUP = {"connecting"}


def run(name):
    e = Env()
    try:
        if name not in NO_SETUP:
            e.start_fake()
            e.start_vhd()
        CASES[name](e)
    finally:
        e.close()
    shutil.rmtree(e.dir, ignore_errors=True)  # kept when the case failed: the logs


if __name__ == "__main__":
    sys.exit(vt.main(CASES, run))
