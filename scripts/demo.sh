#!/bin/sh
# make demo: boot the `demo` scenario in QEMU under vhd and watch it live in
# vhtop.  Quitting vhtop (q) stops vhd, which stops QEMU.  Without a
# terminal it prints a few plain-text snapshots instead.
set -eu
BUILD=${1:-build}
BUILD=$(cd "$BUILD" && pwd)
ELF=$BUILD/target/scenarios/vh-demo.elf
[ -f "$ELF" ] || { echo "demo: $ELF is missing; run 'make build' first" >&2; exit 1; }

RUN=$(mktemp -d /tmp/vh-demo.XXXXXX)
SOCK=$RUN/vhd.sock
"$BUILD/hostd/vhd" --socket "$SOCK" --build-dir "$BUILD" --target demo=qemu:demo,icount \
    >"$RUN/vhd.log" 2>&1 &
VHD=$!
cleanup() {
    kill "$VHD" 2>/dev/null || true
    wait "$VHD" 2>/dev/null || true
    rm -rf "$RUN"
}
trap cleanup EXIT INT TERM

i=0
while [ ! -S "$SOCK" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
echo "vh demo: scenario 'demo' (4 CPUs; ADU 'ctl' runs RT-App with 2 RT-VCPUs, ADU 'gp' best effort)"
echo "vhd log: $RUN/vhd.log   try in another terminal: $BUILD/cli/vhctl -s $SOCK vcpu list"
if [ -t 0 ] && [ -t 1 ]; then
    "$BUILD/tui/vhtop" -s "$SOCK" -t demo
else
    sleep 3
    "$BUILD/tui/vhtop" -s "$SOCK" -t demo -b -n 3 -d 2
fi
