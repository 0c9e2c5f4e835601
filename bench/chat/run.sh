#!/usr/bin/env bash
# Chat storm: a Socket.IO server and a relay each send RATE chat messages per second for SECONDS
# seconds (2 × 1,000/s = 2,000/s by default) into the ChatHub, consumed on a Qt thread; the same
# storm then goes to a reference consumer in node (socket.io-client + nostr-tools, the newest
# 1,000 kept). Records the longest time each consuming thread was blocked (a 10 ms heartbeat) and
# the peak RSS growth, in bench/results/chat-storm.md.
#
#   bench/chat/run.sh [HOSTSTUDIO_CHAT_STORM]
#
# HOSTSTUDIO_CHAT_STORM defaults to build/release/bin/hoststudio-chat-storm (build it with
# `cmake --preset release && cmake --build --preset release --target hoststudio-chat-storm`).
# Environment: RATE (1000 per source), SECONDS_STORM (10), AUTHORS (50 Nostr keys), BUILD_NOTE,
# RESULTS (bench/results/chat-storm.md). Needs node and the npm test peers (tests/peers).
# Every server binds 127.0.0.1 on a free port and is stopped by its pid on exit.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd -- "$here/../.." && pwd -P)
bin=${1:-${HOSTSTUDIO_CHAT_STORM:-$repo/build/release/bin/hoststudio-chat-storm}}
rate=${RATE:-1000}
seconds=${SECONDS_STORM:-10}
authors=${AUTHORS:-50}
results=${RESULTS:-$repo/bench/results/chat-storm.md}
[[ -x $bin ]] || { echo "no hoststudio-chat-storm at $bin (build it, or pass its path)" >&2; exit 1; }
command -v node >/dev/null || { echo "needs node (scripts/dev setup installs it)" >&2; exit 1; }
[[ -d $repo/tests/peers/node_modules ]] || { echo "needs the npm test peers: scripts/dev setup" >&2; exit 1; }
for value in "$rate" "$seconds" "$authors"; do
  [[ $value =~ ^[0-9]+$ && $value -gt 0 ]] || { echo "RATE, SECONDS_STORM and AUTHORS must be positive numbers" >&2; exit 2; }
done

log() { printf '[bench-chat] %s\n' "$*" >&2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/hoststudio-bench-chat.XXXXXX")
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf -- "$work"
}
trap cleanup EXIT
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
address="30311:$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n'):storm"

# start_peers NAME: starts storm-peers.mjs, sets backend_url and relay_url.
start_peers() {
  local name=$1 try
  node "$here/storm-peers.mjs" --address "$address" --rate "$rate" --seconds "$seconds" --authors "$authors" \
    >"$work/$name.log" 2>&1 &
  pids+=("$!")
  for ((try = 0; try < 1800; try++)); do
    grep -q '^ready$' "$work/$name.log" 2>/dev/null && break
    kill -0 "${pids[-1]}" 2>/dev/null || break
    sleep 0.1
  done
  grep -q '^ready$' "$work/$name.log" || { cat "$work/$name.log" >&2; echo "storm peers did not start" >&2; exit 1; }
  backend_url=$(sed -n 's/^socketio on //p' "$work/$name.log")
  relay_url=$(sed -n 's/^relay on //p' "$work/$name.log")
}

stop_peers() {
  kill -TERM "${pids[-1]}" 2>/dev/null || true
  wait "${pids[-1]}" 2>/dev/null || true
  unset 'pids[-1]'
}

log "signing $((rate * seconds)) events and starting the storm peers (hub run)"
start_peers hub
log "hoststudio-chat-storm: $rate/s from $backend_url and $rate/s from $relay_url for $seconds s"
ours=$("$bin" --backend "$backend_url" --relay "$relay_url" --address "$address" --seconds "$seconds")
ours_sent=$(sed -n 's/^storm done //p' "$work/hub.log")
stop_peers
log "hub: $ours (sent: $ours_sent)"

log "starting the storm peers again (reference run)"
start_peers reference
theirs=$(node "$here/reference-consumer.mjs" "$backend_url" "$relay_url" "$address" "$seconds")
theirs_sent=$(sed -n 's/^storm done //p' "$work/reference.log")
stop_peers
log "reference: $theirs (sent: $theirs_sent)"

field() { node -p "const v = JSON.parse(process.argv[1])['$2']; v === undefined ? '?' : v" "$1"; }
sent() { node -p "const r = JSON.parse(process.argv[1]); r.socketSent + ' + ' + r.relaySent + ' in ' + r.ms + ' ms'" "$1"; }
growth() { node -p "const r = JSON.parse(process.argv[1]); ((r.peakRssKb - r.baselineRssKb) / 1024).toFixed(1)" "$1"; }
cores=$(nproc)
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || echo unknown)
build_note=${BUILD_NOTE:-$(grep -m1 '^CMAKE_BUILD_TYPE' "$(dirname -- "$(dirname -- "$bin")")/CMakeCache.txt" 2>/dev/null | cut -d= -f2 || echo unknown)}
block=$(field "$ours" longestBlockMs)
verdict="within"
((block > 50)) && verdict="NOT within"

mkdir -p -- "$(dirname -- "$results")"
cat >"$results" <<REPORT
# Chat storm into the ChatHub

Produced by \`bench/chat/run.sh\` on $(date -u +%Y-%m-%d) ($(uname -m), $cores cores: $cpu; load average
before the run $load_before). hoststudio-chat-storm build: $build_note; node $(node --version).

Command: \`RATE=$rate SECONDS_STORM=$seconds AUTHORS=$authors bench/chat/run.sh $bin\`

The storm: \`bench/chat/storm-peers.mjs\` runs a socket.io 4 server emitting \`channel-message\` to the
room and a relay streaming pre-signed kind-1311 events of the activity ($authors authors), each
at $rate messages per second for $seconds s, both at once ($((2 * rate)) messages per second in all).
The hub's consumer runs on the Qt main thread, woken by the hub's notifier, one batch (at most
200 entries) per event-loop turn; the network thread verifies every event's signature. The
reference is a node client doing the same work (socket.io-client, nostr-tools' verifyEvent, the
newest 1,000 kept) on its one event loop. Blocked time: the longest delay of a 10 ms heartbeat
timer on the consuming thread beyond its interval. RSS: VmRSS sampled on every heartbeat, the
peak minus the value before connecting.

| | ChatHub (Qt consumer) | node reference |
|---|---|---|
| sent by the storm (Socket.IO + relay) | $(sent "$ours_sent") | $(sent "$theirs_sent") |
| messages accepted | $(field "$ours" accepted) | $(field "$theirs" accepted) |
| entries kept (history bound 1,000) | $(field "$ours" history) | $(field "$theirs" history) |
| entries the consumer was handed | $(field "$ours" consumerSaw) in $(field "$ours" batches) batches (largest $(field "$ours" largestBatch)) | – |
| longest block of the consuming thread | $block ms | $(field "$theirs" longestBlockMs) ms |
| peak RSS growth | $(growth "$ours") MiB | $(growth "$theirs") MiB |

The reference stops at its own timer ($((seconds + 6)) s after it starts); it fired after
$(field "$theirs" ms) ms, so a reference that accepted fewer messages than were sent was still behind
when it stopped.

The consuming Qt thread was never blocked longer than $block ms: $verdict the 50 ms budget. The
hub coalesces what the consumer has not taken yet (an entry pushed out of the history before the
consumer saw it is never handed over), so the consumer's work and the hub's memory are bounded by
the history, not by the storm.

Raw: hub \`$ours\`; reference \`$theirs\`.
REPORT
log "wrote $results"
cat "$results"
