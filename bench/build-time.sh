#!/usr/bin/env bash
# Clean build time of HostStudio: exports the committed HEAD to a temporary directory, configures
# and builds a preset there from nothing, and records the wall and CPU time in
# bench/results/build-time.md.
# Usage: bench/build-time.sh [PRESET]   (default: dev)
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
preset=${1:-dev}
root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
work=$(mktemp -d "${TMPDIR:-/tmp}/hoststudio-build-time.XXXXXX")
trap 'rm -rf -- "$work"' EXIT
cd "$root"
mkdir -p "$work/source"
git archive HEAD | tar -x -C "$work/source"
start=$(date +%s.%N)
if ! /usr/bin/time -f '%U %S' -o "$work/time" bash -c \
  "cd '$work/source' && cmake --preset '$preset' && cmake --build --preset '$preset' -j$(nproc)" >"$work/build.log" 2>&1; then
  tail -n 30 "$work/build.log" >&2
  echo "build-time: the build failed (log above)" >&2
  exit 1
fi
end=$(date +%s.%N)
read -r user sys <"$work/time"
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
