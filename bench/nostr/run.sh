#!/usr/bin/env bash
# Nostr benchmark: signing and verification throughput of the nostr module next to nostr-tools
# (the library most web clients use) on the same work in the same run, and one publish fanned out
# by the RelayPool to 8 local relays, one of them slowed down by a known delay.
#
#   bench/nostr/run.sh [HOSTSTUDIO_NOSTR_BENCH]
#
# HOSTSTUDIO_NOSTR_BENCH defaults to build/release/bin/hoststudio-nostr-bench (build it with
# `cmake --preset release && cmake --build --preset release --target hoststudio-nostr-bench`).
# Needs node and the npm test peers (tests/peers, `scripts/dev setup`).
#
# Measures, and writes to bench/results/nostr.md:
#   - events signed per second (NIP-01 id + BIP-340 signature) and events verified per second
#     (id recomputed + signature checked), COUNT events each, ours and nostr-tools alternating
#     REPEATS times, the best of each side reported;
#   - the median wall time of ROUNDS publishes to all 8 relays through one pool, next to the
#     median of each relay alone: the total must be close to the slowest relay, not the sum.
# Environment: COUNT (2000), REPEATS (3), ROUNDS (15), DELAY_MS (250: the slow relay's delay
# before it handles an EVENT), BASE_DELAY_MS (40: the other seven relays' delay, so that a
# one-after-the-other publish would visibly add up), BUILD_NOTE (how the binary was built),
# RESULTS (bench/results/nostr.md).
# Every relay binds 127.0.0.1 on a free port and is stopped by its pid on exit.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd -- "$here/../.." && pwd -P)
bin=${1:-${HOSTSTUDIO_NOSTR_BENCH:-$repo/build/release/bin/hoststudio-nostr-bench}}
count=${COUNT:-2000}
repeats=${REPEATS:-3}
rounds=${ROUNDS:-15}
delay_ms=${DELAY_MS:-250}
base_delay_ms=${BASE_DELAY_MS:-40}
results=${RESULTS:-$repo/bench/results/nostr.md}
relay_script=$repo/tests/peers/relay.mjs
[[ -x $bin ]] || { echo "no hoststudio-nostr-bench at $bin (build it with the release preset, or pass its path)" >&2; exit 1; }
command -v node >/dev/null || { echo "needs node (scripts/dev setup installs it)" >&2; exit 1; }
[[ -d $repo/tests/peers/node_modules ]] || { echo "needs the npm test peers: scripts/dev setup" >&2; exit 1; }
for value in "$count" "$repeats" "$rounds" "$delay_ms" "$base_delay_ms"; do
  [[ $value =~ ^[0-9]+$ && $value -gt 0 ]] ||
    { echo "COUNT, REPEATS, ROUNDS, DELAY_MS and BASE_DELAY_MS must be positive numbers" >&2; exit 2; }
done

log() { printf '[bench-nostr] %s\n' "$*" >&2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/hoststudio-bench-nostr.XXXXXX")
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf -- "$work"
}
trap cleanup EXIT
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- signing and verification ----

# best_of WHAT SIDE: the highest eventsPerSecond of REPEATS runs (ours and theirs alternate).
declare -A best
for ((run = 1; run <= repeats; run++)); do
  for what in sign verify; do
    log "run $run/$repeats: $what $count events (hoststudio, then nostr-tools)"
    ours=$("$bin" "$what" "$count" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).eventsPerSecond.toFixed(0)))')
    theirs=$(node "$here/nostr_tools_bench.mjs" "$what" "$count" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).eventsPerSecond.toFixed(0)))')
    log "  hoststudio $ours/s, nostr-tools $theirs/s"
    (( ours > ${best[$what.ours]:-0} )) && best[$what.ours]=$ours
    (( theirs > ${best[$what.theirs]:-0} )) && best[$what.theirs]=$theirs
  done
done

# ---- publish to 8 relays ----

urls=()
for index in 0 1 2 3 4 5 6 7; do
  relay_delay=$base_delay_ms
  ((index == 7)) && relay_delay=$delay_ms
  node "$relay_script" --host 127.0.0.1 --port 0 --db :memory: --ok-delay-ms "$relay_delay" >"$work/relay$index.log" 2>&1 &
  pids+=("$!")
done
for index in 0 1 2 3 4 5 6 7; do
  port=
  for ((try = 0; try < 200; try++)); do
    port=$(grep -o -m1 'listening on ws://127\.0\.0\.1:[0-9]*' "$work/relay$index.log" 2>/dev/null | grep -o '[0-9]*$' || true)
    [[ -n $port ]] && break
    kill -0 "${pids[index]}" 2>/dev/null || break
    sleep 0.1
  done
  [[ -n $port ]] || { cat "$work/relay$index.log" >&2; echo "relay $index did not start" >&2; exit 1; }
  urls+=("ws://127.0.0.1:$port")
done
log "8 relays up (the last one waits $delay_ms ms before each EVENT, the others $base_delay_ms ms): ${urls[*]}"
log "publish: $rounds rounds to all 8 through one pool, then $rounds to each alone"
publish=$("$bin" publish "$rounds" "${urls[@]}")
log "$publish"

# ---- report ----

read -r all_ms all_max slowest_ms sum_ms singles < <(node -e '
  const r = JSON.parse(process.argv[1]);
  const singles = r.single.map((s, i) => `${i + 1}:${s.medianMs.toFixed(1)}`).join(",");
  console.log(r.allMedianMs.toFixed(1), r.allMaxMs.toFixed(1), r.slowestSingleMedianMs.toFixed(1),
              r.sumOfSingleMediansMs.toFixed(1), singles);' "$publish")
cores=$(nproc)
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || echo unknown)
node_version=$(node --version)
tools_version=$(node -p "require('$repo/tests/peers/node_modules/nostr-tools/package.json').version")
build_note=${BUILD_NOTE:-$(grep -m1 '^CMAKE_BUILD_TYPE' "$(dirname -- "$(dirname -- "$bin")")/CMakeCache.txt" 2>/dev/null | cut -d= -f2 || echo unknown)}
ratio() { node -p "($1 / $2).toFixed(1)"; }
single_rows=$(tr ',' '\n' <<<"$singles" | while IFS=: read -r number ms; do
  note=" (delayed $base_delay_ms ms)"
  [[ $number == 8 ]] && note=" (delayed $delay_ms ms)"
  printf '| relay %s alone%s | %s |\n' "$number" "$note" "$ms"
done)

mkdir -p -- "$(dirname -- "$results")"
cat >"$results" <<REPORT
# Nostr: signing, verification and the relay pool's fan-out

Produced by \`bench/nostr/run.sh\` on $(date -u +%Y-%m-%d) ($(uname -m), $cores cores: $cpu; load average before
the run $load_before). hoststudio-nostr-bench build: $build_note (libsecp256k1 from Debian); nostr-tools
$tools_version on node $node_version, same machine, same run. COUNT=$count events per measurement,
REPEATS=$repeats (ours and nostr-tools alternating), best of each side.

Command: \`COUNT=$count REPEATS=$repeats ROUNDS=$rounds DELAY_MS=$delay_ms BASE_DELAY_MS=$base_delay_ms bench/nostr/run.sh\`

| work | hoststudio events/s | nostr-tools events/s | ratio |
|---|---|---|---|
| sign (id + BIP-340 signature) | ${best[sign.ours]} | ${best[sign.theirs]} | $(ratio "${best[sign.ours]}" "${best[sign.theirs]}")× |
| verify (id recomputed + signature) | ${best[verify.ours]} | ${best[verify.theirs]} | $(ratio "${best[verify.ours]}" "${best[verify.theirs]}")× |

Publish one event to 8 relays (tests/peers/relay.mjs on 127.0.0.1, in-memory SQLite; relay 8 waits
$delay_ms ms before handling each EVENT, relays 1–7 wait $base_delay_ms ms), median of $rounds publishes,
wall time until every relay's OK:

| publish | median ms |
|---|---|
| all 8 through one RelayPool | $all_ms (slowest of the $rounds: $all_max) |
$single_rows
| slowest single relay | $slowest_ms |
| sum of the single relays | $sum_ms |

The pool sends to every relay at once and collects the OKs as they come, so the total follows
the slowest relay ($all_ms ms against $slowest_ms ms) and not the sum ($sum_ms ms).
REPORT
log "wrote $results"
cat "$results"
