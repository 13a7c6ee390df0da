#!/bin/sh
# Install what vh needs from Debian 12's archive, and nothing from anywhere
# else.  As root it installs what is missing; otherwise it prints the one
# command to run and stops.
set -eu

PKGS="cmake make gcc libc6-dev python3 git
gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf
qemu-system-misc qemu-utils opensbi u-boot-qemu device-tree-compiler
libcriterion-dev libuv1-dev libprotobuf-c-dev protobuf-c-compiler protobuf-compiler
nanopb libnanopb-dev libncurses-dev tmux clang dpkg-dev valgrind libyaml-dev"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

HERE=$(cd "$(dirname "$0")" && pwd)

if [ -z "$missing" ]; then
    # nanopb's runtime sources for the target come from Debian's source package.
    exec sh "$HERE/fetch-nanopb.sh"
fi

echo "vh: missing Debian packages:$missing"
if [ "$(id -u)" -ne 0 ]; then
    echo "vh: run this once, then try again:"
    echo "    sudo apt-get update && sudo apt-get install -y --no-install-recommends$missing"
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends $missing

# nanopb's runtime sources for the target come from Debian's source package.
exec sh "$HERE/fetch-nanopb.sh"
