"""Boot a vh scenario (or BareOS natively) in QEMU and read what it prints.

Shared by the QEMU integration tests.  Each test boots with a time limit,
optionally under `-icount shift=3,sleep=off` (deterministic), collects the
console lines and checks them.  A failed check prints the console tail so the
reason is visible in CTest's output.
"""
import os
import re
import select
import subprocess
import sys
import time

BUILD = os.environ.get("VH_BUILD", os.path.join(os.path.dirname(__file__), "..", "..", "build"))
TARGET = os.path.join(BUILD, "target")


def scenario_elf(name):
    return os.path.join(TARGET, "scenarios", "vh-%s.elf" % name)


def bareos_elf():
    return os.path.join(TARGET, "bareos", "bareos.elf")


def qemu_cmd(kernel, smp, mem="512M", icount=True, append=None):
    cmd = ["qemu-system-riscv64", "-M", "virt", "-cpu", "rv64", "-smp", str(smp), "-m", mem,
           "-display", "none", "-monitor", "none", "-serial", "stdio", "-bios", "default",
           "-kernel", kernel]
    if icount:
        cmd += ["-icount", "shift=3,sleep=off"]
    if append:
        cmd += ["-append", append]
    return cmd


class Run:
    """A running QEMU; lines() accumulates its console output."""

    def __init__(self, cmd):
        self.cmd = cmd
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.buf = b""
        self.out = []

    def _pump(self, timeout):
        r, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not r:
            return False
        data = os.read(self.proc.stdout.fileno(), 65536)
        if not data:
            return None
        self.buf += data
        while b"\n" in self.buf:
            line, self.buf = self.buf.split(b"\n", 1)
            self.out.append(line.decode("utf-8", "replace").rstrip("\r"))
        return True

    def wait_for(self, pred, timeout):
        """Read until pred(lines) is true or timeout (s); returns pred's value."""
        end = time.time() + timeout
        while time.time() < end:
            v = pred(self.out)
            if v:
                return v
            if self._pump(min(0.2, max(0.0, end - time.time()))) is None:
                break
        return pred(self.out)

    def wait_line(self, regex, timeout, count=1):
        rx = re.compile(regex)
        return self.wait_for(lambda ls: len([l for l in ls if rx.search(l)]) >= count, timeout)

    def send(self, text):
        self.proc.stdin.write(text.encode())
        self.proc.stdin.flush()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self._pump(0)

    def tagged(self, tag):
        p = "[%s] " % tag
        return [l[len(p):] for l in self.out if l.startswith(p)]


def boot(scenario, smp, seconds, icount=True, until=None):
    """Boot a scenario; read for `seconds` (or until `until` regex); stop."""
    elf = scenario_elf(scenario)
    if not os.path.exists(elf):
        fail("no image %s: build first (make check builds it)" % elf)
    r = Run(qemu_cmd(elf, smp, icount=icount))
    if until:
        r.wait_line(until, seconds)
    else:
        r.wait_for(lambda ls: False, seconds)
    r.stop()
    return r


_failures = []


def check(cond, what, run=None):
    if cond:
        print("ok - %s" % what)
    else:
        print("not ok - %s" % what)
        _failures.append(what)
        if run is not None:
            print("--- console tail ---")
            for l in run.out[-40:]:
                print("  " + l)
    return cond


def fail(msg):
    print("not ok - " + msg)
    sys.exit(1)


def done():
    n = len(_failures)
    if n:
        print("%d check(s) failed" % n)
        sys.exit(1)
    print("all checks passed")
    sys.exit(0)


class Vhd:
    """vhd with one `qemu:` target, driven through vhctl (JSON output)."""

    def __init__(self, scenario, extra="", spec=None):
        import tempfile
        self.dir = tempfile.mkdtemp(prefix="vhtest-")
        self.sock = os.path.join(self.dir, "vhd.sock")
        self.log = open(os.path.join(self.dir, "vhd.log"), "w")
        self.proc = subprocess.Popen([os.path.join(BUILD, "hostd", "vhd"), "--socket", self.sock,
                                      "--build-dir", BUILD, "--target",
                                      "t=" + (spec or "qemu:%s%s" % (scenario, extra))],
                                     stdout=self.log, stderr=subprocess.STDOUT)

    def ctl(self, *args, timeout=20):
        import json
        cmd = [os.path.join(BUILD, "cli", "vhctl"), "-s", self.sock, "-o", "json"] + list(args)
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        out = [json.loads(l) for l in p.stdout.splitlines() if l.strip().startswith("{")]
        return p.returncode, out, p.stderr

    def wait_up(self, seconds=30):
        end = time.time() + seconds
        while time.time() < end:
            rc, out, _ = self.ctl("status", timeout=10)
            if rc == 0:
                return True
            time.sleep(0.5)
        return False

    def target_log(self):
        """The target's log channel as vhd keeps it (`vhctl console log`, not followed)."""
        p = subprocess.run([os.path.join(BUILD, "cli", "vhctl"), "-s", self.sock, "console", "log"],
                           stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30)
        return p.stdout

    def stop(self, side=()):
        """Stop the processes in `side` (vhctl followers) that still run, then vhd."""
        for p in side:
            if p.poll() is None:
                p.terminate()
                p.wait(10)
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()

    def log_tail(self):
        with open(os.path.join(self.dir, "vhd.log")) as f:
            return f.read()[-2000:]
