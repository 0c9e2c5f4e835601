#!/usr/bin/env bash
# The studio window's event loop under load: hoststudio-ui-latency opens the real window on a real
# session (a private local stack: nginx-rtmp and a relay; the custom RTMP provider) and clicks Go
# Live, stays live while a chat storm (bench/chat/storm-peers.mjs: RATE messages per second from a
# Socket.IO server and from a relay, for SECONDS_STORM s) lands in the chat dock, and clicks End. A
# 5 ms heartbeat on the UI thread records how late it fires: the longest block and the 99th
# percentile per phase go to bench/results/ui-latency.md (target: never blocked over 50 ms).
#
#   bench/ui/run.sh [BIN_DIR]      (default build/release/bin: hoststudio and hoststudio-ui-latency)
#
# Environment: RATE (1000 per source), SECONDS_STORM (10), LIVE_SECONDS (20), BUILD_NOTE,
# RESULTS (bench/results/ui-latency.md). Starts its own virtual display when DISPLAY is not set.
# Every server binds 127.0.0.1 on a free port and is stopped by its pid on exit.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd -- "$here/../.." && pwd -P)
bindir=${1:-$repo/build/release/bin}
tool=$bindir/hoststudio-ui-latency
hoststudio=$bindir/hoststudio
rate=${RATE:-1000}
storm_seconds=${SECONDS_STORM:-10}
live_seconds=${LIVE_SECONDS:-20}
results=${RESULTS:-$repo/bench/results/ui-latency.md}
[[ -x $tool && -x $hoststudio ]] || { echo "needs $tool and $hoststudio (build the targets hoststudio and hoststudio-ui-latency)" >&2; exit 1; }
# shellcheck source=tests/integration/lib.sh
source "$repo/tests/integration/lib.sh"
log() { printf '[bench-ui] %s\n' "$*" >&2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/hoststudio-bench-ui.XXXXXX")
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  HOSTSTUDIO_STACK_DIR=$work/stack "$repo/scripts/stack.sh" stop >/dev/null 2>&1 || true
  rm -rf -- "$work"
}
trap cleanup EXIT
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

mapfile -t ports < <(hs_free_ports 6)
export HOSTSTUDIO_STACK_DIR=$work/stack HOSTSTUDIO_RTMP_PORT=${ports[0]} HOSTSTUDIO_RTMPS_PORT=${ports[1]} \
  HOSTSTUDIO_HTTP_PORT=${ports[2]} HOSTSTUDIO_RELAY_PORT=${ports[3]} HOSTSTUDIO_CHAT_PORT=${ports[4]} \
  HOSTSTUDIO_CLOUD_PORT=${ports[5]} HOSTSTUDIO_STACK_SERVICES="nginx relay"
"$repo/scripts/stack.sh" start >/dev/null
export XDG_STATE_HOME=$work/state XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/data
"$hoststudio" nostr keygen --save --key-file "$work/host.key" >"$work/keygen.json" 2>/dev/null
host=$(node -p 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).pubkey' "$work/keygen.json")
HOSTSTUDIO_NOSTR_KEY=$(cat "$work/host.key")
export HOSTSTUDIO_NOSTR_KEY
event=bench-ui-$$

log "signing $((rate * storm_seconds)) chat events and starting the storm peers"
node "$repo/bench/chat/storm-peers.mjs" --address "30311:$host:$event" --rate "$rate" --seconds "$storm_seconds" \
  >"$work/storm.log" 2>&1 &
pids+=("$!")
for ((try = 0; try < 1800; try++)); do
  grep -q '^ready$' "$work/storm.log" 2>/dev/null && break
  sleep 0.1
done
grep -q '^ready$' "$work/storm.log" || { cat "$work/storm.log" >&2; exit 1; }
storm_backend=$(sed -n 's/^socketio on //p' "$work/storm.log")
storm_relay=$(sed -n 's/^relay on //p' "$work/storm.log")

# The stack's settings, with the storm's relay after the real one and its Socket.IO as the channel.
stack_relay=ws://127.0.0.1:$HOSTSTUDIO_RELAY_PORT
awk -v relays="$stack_relay,$storm_relay" -v chat="$storm_backend" '
  /^\[/ { section = $0 }
  section == "[nostr]" && /^relays=/ { print "relays=" relays; next }
  section == "[chat]" && /^url=/ { print "url=" chat; next }
  section == "[ingest]" && /^provider=/ { print "provider=custom"; next }
  { print }' "$HOSTSTUDIO_STACK_DIR/hoststudio.ini" >"$work/hoststudio.ini"

if [[ -z ${DISPLAY:-} ]]; then
  for n in $(seq 90 120); do [[ -e /tmp/.X$n-lock ]] || { export DISPLAY=:$n; break; }; done
  Xvfb "$DISPLAY" -screen 0 1280x720x24 -nolisten tcp >/dev/null 2>&1 &
  pids+=("$!")
  sleep 1
fi
log "the window: go live, $live_seconds s live under the storm, end"
result=$("$tool" --config "$work/hoststudio.ini" --event "$event" --author "$host" --live-seconds "$live_seconds")
log "$result"
sent=$(sed -n 's/^storm done //p' "$work/storm.log")
field() { node -p "const r = JSON.parse(process.argv[1]); const v = r$1; typeof v === 'number' ? Math.round(v * 10) / 10 : String(v)" "$result"; }
build_note=${BUILD_NOTE:-$(grep -m1 '^CMAKE_BUILD_TYPE' "$(dirname -- "$bindir")/CMakeCache.txt" 2>/dev/null | cut -d= -f2 || echo unknown)}
{
  printf '# The window'"'"'s event loop: going live, live under a chat storm, ending\n\n'
  printf 'Produced by `bench/ui/run.sh` on %s (%s, %s cores), build: %s, load average before: %s.\n\n' \
    "$(date -u +%Y-%m-%d)" "$(uname -m)" "$(nproc)" "$build_note" "$load_before"
  printf 'The real window on a real session (private nginx-rtmp and relay, custom RTMP provider, test pattern),\n'
  printf 'with a storm of %s chat messages per second from a Socket.IO server and %s from a relay for %s s\n' "$rate" "$rate" "$storm_seconds"
  printf 'while live (%s s live). A 5 ms heartbeat timer on the UI thread; "late" is how much later than 5 ms\n' "$live_seconds"
  printf 'each tick fired. Target: the UI thread never blocked over 50 ms.\n\n'
  printf '| phase | ticks | longest block ms | 99th percentile late ms |\n|---|---|---|---|\n'
  for phase in goingLive live ending; do
    printf '| %s | %s | %s | %s |\n' "$phase" "$(field ".$phase.ticks")" "$(field ".$phase.longestBlockMs")" "$(field ".$phase.p99LateMs")"
  done
  printf '\nChat entries in the dock at the end of the live phase (the history keeps 1,000): %s. Storm sent: `%s`.\n' \
    "$(field .chatEntriesShown)" "$sent"
  printf '\n```json\n%s\n```\n' "$result"
} >"$results"
log "wrote $results"
cat "$results"
