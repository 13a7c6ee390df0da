#!/bin/sh
# Boot the `demo` scenario in QEMU and show its console until Ctrl-C.
set -eu
BUILD=${1:-build}
ELF=$BUILD/target/scenarios/vh-demo.elf
[ -f "$ELF" ] || { echo "demo: $ELF is missing; run 'make build' first" >&2; exit 1; }
echo "vh demo: 4 CPUs, ADUs 'ctl' and 'gp'; each console line is tagged with its ADU. Ctrl-C stops."
exec qemu-system-riscv64 -M virt -cpu rv64 -smp 4 -m 512M -nographic -bios default -kernel "$ELF"
