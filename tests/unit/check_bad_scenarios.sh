#!/bin/sh
# Run vhcfg on every tests/scenarios/bad-*.vhs: each must exit 1, print every
# "# expect: TEXT" line's TEXT on stderr, and leave no output file behind.
# usage: check_bad_scenarios.sh VHCFG SCENARIO_DIR WORK_DIR
set -u
vhcfg=$1 dir=$2 work=$3
rm -rf "$work" && mkdir -p "$work" || exit 1
head -c 4096 /dev/zero > "$work/guest.bin"
head -c 13631488 /dev/zero > "$work/big.bin"
fail=0 n=0
for f in "$dir"/bad-*.vhs; do
    n=$((n + 1))
    name=$(basename "$f" .vhs)
    if ! grep -q '^# expect: ' "$f"; then
        echo "FAIL $name: no '# expect:' line"; fail=1; continue
    fi
    "$vhcfg" --image guest="$work/guest.bin" --image big="$work/big.bin" \
        --out-c "$work/$name.c" --out-s "$work/$name.S" "$f" 2> "$work/$name.err"
    rc=$?
    if [ $rc -ne 1 ]; then
        echo "FAIL $name: exit status $rc, expected 1"; fail=1
    fi
    grep '^# expect: ' "$f" | sed 's/^# expect: //' > "$work/$name.exp"
    while IFS= read -r text; do
        if ! grep -qF -- "$text" "$work/$name.err"; then
            echo "FAIL $name: stderr lacks: $text"; sed 's/^/    /' "$work/$name.err"
            fail=1
        fi
    done < "$work/$name.exp"
    if ls "$work/$name".c* "$work/$name".S* >/dev/null 2>&1; then
        echo "FAIL $name: output left behind after an error"; fail=1
    fi
done
[ $n -gt 0 ] || { echo "FAIL: no bad-*.vhs in $dir"; exit 1; }
[ $fail -eq 0 ] && echo "ok: $n bad scenarios rejected as expected"
exit $fail
