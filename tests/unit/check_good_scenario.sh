#!/bin/sh
# Run vhcfg on a good scenario: --check and --print succeed and write
# nothing; the real run writes C, assembly and DTS files; the C compiles
# against include/vh/config.h, the assembly assembles, and dtc (if
# installed) accepts the DTS.
# usage: check_good_scenario.sh VHCFG SCENARIO INCLUDE_DIR WORK_DIR CC
set -eu
vhcfg=$1 scen=$2 inc=$3 work=$4 cc=$5
rm -rf "$work" && mkdir -p "$work/dts"
head -c 70000 /dev/urandom > "$work/guest.bin"
img="--image guest=$work/guest.bin"
$vhcfg $img --check --out-c "$work/x.c" --out-s "$work/x.S" "$scen"
[ ! -e "$work/x.c" ] || { echo "FAIL: --check wrote output"; exit 1; }
$vhcfg $img --print "$scen" | grep -q "adu 0 'ctl': RAM 0x82000000..0x83000000"
$vhcfg $img --out-c "$work/cfg.c" --out-s "$work/cfg.S" --dts "$work/dts" "$scen"
grep -q 'const struct vh_cfg vh_cfg = {' "$work/cfg.c"
grep -q "\.incbin \"$work/guest.bin\"" "$work/cfg.S"
$cc -std=c11 -Wall -Wextra -Werror -I"$inc" -c "$work/cfg.c" -o "$work/cfg.o"
$cc -c "$work/cfg.S" -o "$work/cfg_s.o"
if command -v dtc >/dev/null 2>&1; then
    for f in "$work"/dts/*.dts; do dtc -q -I dts -O dtb -o /dev/null "$f"; done
fi
ls "$work/dts/demo-ctl.dts" "$work/dts/demo-gp.dts" >/dev/null
# A changed image must be caught when the assembly is built.
head -c 10 /dev/zero >> "$work/guest.bin"
if $cc -c "$work/cfg.S" -o "$work/cfg_s.o" 2>/dev/null; then
    echo "FAIL: assembly accepted an image whose size changed"; exit 1
fi
echo "ok: good scenario compiled"
