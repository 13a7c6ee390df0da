#!/bin/sh
# fuzz_smoke: seeds through the stdin builds of both fuzz targets, then, when
# the libFuzzer builds exist, each for a short run (FUZZ_SECONDS, default 10)
# on a copy of the seeds.  Usage: run_fuzz_smoke.sh BUILD_DIR
set -eu
B=$1
T=${FUZZ_SECONDS:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
mkdir -p "$work/seeds"
"$B/fuzz_seeds" "$work/seeds"
for f in "$work"/seeds/*; do
    "$B/fuzz_frame_stdin" <"$f"
    "$B/fuzz_rpc_stdin" <"$f"
done
echo "stdin builds: all seeds pass"
for t in fuzz_frame fuzz_rpc; do
    if [ -x "$B/$t" ]; then
        mkdir -p "$work/$t"
        cp "$work"/seeds/* "$work/$t/"
        if ! "$B/$t" -max_total_time="$T" -max_len=5000 -print_final_stats=1 \
                "$work/$t" >"$work/$t.log" 2>&1; then
            tail -n 60 "$work/$t.log"
            echo "$t: FAILED (crash input saved in $(pwd))"
            exit 1
        fi
        echo "$t: $(grep -c . "$work/$t.log") log lines, $(ls "$work/$t" | wc -l) corpus entries"
    else
        echo "$t: no libFuzzer build (clang missing), stdin build only"
    fi
done
