#!/bin/sh
# Make nanopb's runtime sources (pb_common.c, pb_decode.c, pb_encode.c and
# their headers) available under third_party/nanopb/ for the target build.
# They come from Debian's own source package `nanopb` (0.4.7 in Debian 12),
# never from anywhere else, and are never committed (third_party/ is in
# .gitignore).  The host build uses Debian's libnanopb-dev instead.
#
# Idempotent: does nothing when the files are present.  As root it adds a
# deb-src entry mirroring the deb entries if there is none, runs
# apt-get update and `apt-get source --download-only nanopb` in a temporary
# directory, and unpacks only the seven runtime files.  Not root: prints the
# one command to run.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEST="$ROOT/third_party/nanopb"
FILES="pb_common.c pb_decode.c pb_encode.c pb.h pb_common.h pb_decode.h pb_encode.h"

have_all() {
    for f in $FILES; do
        [ -f "$DEST/$f" ] || return 1
    done
    return 0
}

if have_all; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "vh: nanopb runtime sources missing in $DEST; run once:"
    echo "    sudo sh $ROOT/scripts/fetch-nanopb.sh"
    exit 1
fi

command -v dpkg-source >/dev/null 2>&1 || {
    echo "vh: apt-get source needs dpkg-dev: apt-get install -y dpkg-dev" >&2
    exit 1
}

# A deb-src entry with the same URIs/Suites/Components as the deb ones.
has_src=0
if grep -rqsE '^[[:space:]]*Types:.*deb-src' /etc/apt/sources.list.d/*.sources; then
    has_src=1
fi
if grep -rqsE '^[[:space:]]*deb-src[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list; then
    has_src=1
fi
if [ "$has_src" -eq 0 ]; then
    if [ -f /etc/apt/sources.list.d/debian.sources ]; then
        sed -E 's/^([[:space:]]*Types:).*/\1 deb-src/' /etc/apt/sources.list.d/debian.sources \
            >/etc/apt/sources.list.d/vh-deb-src.sources
    elif [ -f /etc/apt/sources.list ]; then
        sed -nE 's/^[[:space:]]*deb[[:space:]]/deb-src /p' /etc/apt/sources.list \
            >/etc/apt/sources.list.d/vh-deb-src.list
    else
        echo "vh: no Debian apt source found to mirror as deb-src" >&2
        exit 1
    fi
    echo "vh: added a deb-src entry for Debian's archive"
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
(cd "$tmp" && apt-get source --download-only -q nanopb)
orig=$(ls "$tmp"/nanopb_*.orig.tar.* 2>/dev/null | head -n 1)
if [ -z "$orig" ]; then
    echo "vh: apt-get source did not fetch nanopb's orig tarball" >&2
    exit 1
fi

# The tarball's top folder name varies (nanopb-0.4.7/...): find the members.
members=""
for f in $FILES; do
    m=$(tar -tf "$orig" | grep -E "^[^/]+/$f\$" | head -n 1)
    if [ -z "$m" ]; then
        echo "vh: $f not found in $orig" >&2
        exit 1
    fi
    members="$members $m"
done
mkdir -p "$DEST"
# shellcheck disable=SC2086
tar -xf "$orig" -C "$tmp" $members
for m in $members; do
    cp "$tmp/$m" "$DEST/"
done
echo "nanopb runtime from Debian source package $(basename "$orig")" >"$DEST/SOURCE"
echo "vh: nanopb runtime sources in $DEST"
