#!/usr/bin/env bash
# Clean build time of HostStudio: configures and builds a preset in a fresh directory and records
# the wall and CPU time in bench/results/build-time.md.
# Usage: bench/build-time.sh [PRESET]   (default: dev)
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
preset=${1:-dev}
root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
build=$(mktemp -d "${TMPDIR:-/tmp}/hoststudio-build-time.XXXXXX")
trap 'rm -rf -- "$build"' EXIT
cd "$root"
start=$(date +%s.%N)
/usr/bin/time -f '%U %S' -o "$build/.time" bash -c \
  "cmake --preset '$preset' -B '$build' >/dev/null && cmake --build '$build' -j$(nproc) >/dev/null"
end=$(date +%s.%N)
read -r user sys <"$build/.time"
wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", b - a }')
cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.0f", u + s }')
load=$(cut -d' ' -f1-3 /proc/loadavg)
line="| $(date -u +%Y-%m-%d) | $preset | $(nproc) | $wall s | $cpu s | $(git rev-parse --short HEAD) | $load |"
out=bench/results/build-time.md
if [[ ! -f $out ]]; then
  cat >"$out" <<'HEADER'
# Clean build time

Produced by `bench/build-time.sh [PRESET]`: a fresh configure + build of every target (libraries,
the executable and all tests) with `-j$(nproc)`. "CPU" is user + system time of the whole build;
the load average at the end shows whether other work shared the machine.

| date | preset | cores | wall | CPU | commit | load at end |
|---|---|---|---|---|---|---|
HEADER
fi
echo "$line" >>"$out"
echo "$line"
