#!/usr/bin/env bash
# Session latency benchmark: how long Go Live and End take on a local stack.
#
#   bench/session/run.sh [HOSTSTUDIO_BIN]
#
# HOSTSTUDIO_BIN defaults to build/release/bin/hoststudio (cmake --preset release, then
# cmake --build --preset release --target hoststudio). Needs node, nginx with the RTMP module and the
# npm test peers (scripts/dev setup).
#
# Starts a private stack (scripts/stack.sh, free ports on 127.0.0.1, its own directory; stopped by
# pid on exit), then ROUNDS times for each provider in PROVIDERS (custom: the stack's nginx-rtmp;
# cloudinary: the Cloudinary stand-in, which ingests into the same nginx), alternating:
#   go-live  `hoststudio live` started → the first coded video frame at nginx (read from the FLV
#            nginx records, unbuffered, for every published stream; see measure.mjs)
#   end      SIGINT → the process exit, and → all clean: the relay's 30311 is `ended`, nginx has no
#            publisher left and (cloudinary) the stand-in's stream is idle
# Targets: go-live under 1 s, end (all clean) under 2 s. Median and max of each, and the median time
# of each go-live step's first line, go to RESULTS (bench/results/session-latency.md).
# Environment: ROUNDS (7), LIVE_SECONDS (3: how long each round stays live), PROVIDERS
# ("custom cloudinary"), BUILD_NOTE (how the binary was built), RESULTS.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd -- "$here/../.." && pwd -P)
bin=${1:-${HOSTSTUDIO_BIN:-$repo/build/release/bin/hoststudio}}
rounds=${ROUNDS:-7}
live_seconds=${LIVE_SECONDS:-3}
read -ra providers <<<"${PROVIDERS:-custom cloudinary}"
results=${RESULTS:-$repo/bench/results/session-latency.md}
build_note=${BUILD_NOTE:-"$(basename -- "$(dirname -- "$(dirname -- "$bin")")") build"}
[[ -x $bin ]] || { echo "no hoststudio at $bin (build it with the release preset, or pass its path)" >&2; exit 1; }
command -v node >/dev/null || { echo "needs node (scripts/dev setup installs it)" >&2; exit 1; }
[[ -d $repo/tests/peers/node_modules ]] || { echo "needs the npm test peers: scripts/dev setup" >&2; exit 1; }
[[ $rounds =~ ^[0-9]+$ && $rounds -gt 0 && $live_seconds =~ ^[0-9]+$ && $live_seconds -gt 0 ]] ||
  { echo "ROUNDS and LIVE_SECONDS must be positive numbers" >&2; exit 2; }
for provider in "${providers[@]}"; do
  [[ $provider == custom || $provider == cloudinary ]] ||
    { echo "PROVIDERS: unknown provider $provider (custom, cloudinary)" >&2; exit 2; }
done

log() { printf '[bench-session] %s\n' "$*" >&2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/hoststudio-bench-session.XXXXXX")
stack_env=()
cleanup() {
  if ((${#stack_env[@]})); then
    env "${stack_env[@]}" bash "$repo/scripts/stack.sh" stop >/dev/null 2>&1 || true
  fi
  rm -rf -- "$work"
}
trap cleanup EXIT
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# Free ports below the ephemeral range, distinct, not the default or test stacks' ports.
# shellcheck disable=SC2016 # expanded by the inner shell
port_open() { timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null; }
ports=()
while ((${#ports[@]} < 6)); do
  port=$((12000 + (RANDOM * 32768 + RANDOM) % 18000))
  case " ${ports[*]} " in *" $port "*) continue ;; esac
  port_open "$port" && continue
  ports+=("$port")
done
stack_env=(
  "HOSTSTUDIO_STACK_DIR=$work/stack" "HOSTSTUDIO_RTMP_PORT=${ports[0]}" "HOSTSTUDIO_RTMPS_PORT=${ports[1]}"
  "HOSTSTUDIO_HTTP_PORT=${ports[2]}" "HOSTSTUDIO_RELAY_PORT=${ports[3]}" "HOSTSTUDIO_BACKEND_PORT=${ports[4]}"
  "HOSTSTUDIO_CLOUD_PORT=${ports[5]}" "HOSTSTUDIO_SKIP_SETUP=1")
log "starting a private stack in $work/stack"
env "${stack_env[@]}" bash "$repo/scripts/stack.sh" start >"$work/stack-start.log" 2>&1 ||
  { cat "$work/stack-start.log" >&2; exit 1; }
config=$work/stack/hoststudio.ini
export XDG_STATE_HOME=$work/state XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/data
"$bin" nostr keygen --save --key-file "$work/host.key" >"$work/keygen.json" 2>/dev/null
host=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).pubkey)' "$work/keygen.json")

: >"$work/rounds.jsonl"
for ((round = 1; round <= rounds; round++)); do
  for provider in "${providers[@]}"; do
    event=bench-$provider-$$-$round-$RANDOM
    # shellcheck disable=SC2016 # JavaScript, not shell
    options=$(node -e 'console.log(JSON.stringify({
      bin: process.argv[1], config: process.argv[2], provider: process.argv[3], event: process.argv[4],
      title: `Bench ${process.argv[4]}`, keyFile: process.argv[5], recDir: process.argv[6],
      statUrl: process.argv[7], relayUrl: process.argv[8], hostPubkey: process.argv[9],
      cloudUrl: process.argv[10], liveSeconds: Number(process.argv[11]) }))' \
      "$bin" "$config" "$provider" "$event" "$work/host.key" "$work/stack/rec" \
      "http://127.0.0.1:${ports[2]}/stat" "ws://127.0.0.1:${ports[3]}" "$host" "http://127.0.0.1:${ports[5]}" \
      "$live_seconds")
    if ! node "$here/measure.mjs" "$options" >>"$work/rounds.jsonl"; then
      log "round $round ($provider) failed: $(tail -n 1 "$work/rounds.jsonl")"
      exit 1
    fi
    log "round $round $provider: $(tail -n 1 "$work/rounds.jsonl")"
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

command_line="bench/session/run.sh${1:+ $1}"
[[ -z ${ROUNDS:-} ]] || command_line="ROUNDS=$rounds $command_line"
[[ -z ${LIVE_SECONDS:-} ]] || command_line="LIVE_SECONDS=$live_seconds $command_line"
[[ -z ${PROVIDERS:-} ]] || command_line="PROVIDERS='${PROVIDERS}' $command_line"
node - "$work/rounds.jsonl" "$results" "$command_line" "$build_note" "$load_before" "$load_after" \
  "$(nproc)" "$(date -u '+%Y-%m-%d %H:%M UTC')" "$("$bin" --version | head -n 1)" <<'EOF'
const fs = require('fs');
const [file, results, command, build, loadBefore, loadAfter, cores, when, version] = process.argv.slice(2);
const rows = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (v) => `${Math.round(v)} ms`;
const lines = [];
lines.push('# Session latency: Go Live and End on the local stack', '');
lines.push(`Measured ${when} with \`${command}\` (${version}, ${build}, ${cores} cores; load average`);
lines.push(`before ${loadBefore}, after ${loadAfter}). Each round starts \`hoststudio live\`, stays live a few seconds, then`);
lines.push('sends SIGINT. Go live: command start → the first coded video frame at nginx (read from the FLV nginx');
lines.push('records for every published stream). End: SIGINT → process exit, and → all clean (the relay holds the');
lines.push('`ended` 30311, nginx has no publisher, the Cloudinary stand-in\'s stream is idle; this includes the');
lines.push('check\'s own queries, polled every 20 ms after the exit). Targets: go live < 1 s, end < 2 s.', '');
lines.push('| provider | rounds | go live median | go live max | "live" line median | end: exit median | end: exit max | end: all clean median | end: all clean max | targets |');
lines.push('|---|---|---|---|---|---|---|---|---|---|');
const providers = [...new Set(rows.map((r) => r.provider))];
for (const p of providers) {
  const r = rows.filter((x) => x.provider === p);
  const go = r.map((x) => x.goLiveMs);
  const clean = r.map((x) => x.cleanMs);
  const met = Math.max(...go) < 1000 && Math.max(...clean) < 2000 ? 'met' : `missed (${Math.max(...go) >= 1000 ? 'go live' : ''}${Math.max(...go) >= 1000 && Math.max(...clean) >= 2000 ? ', ' : ''}${Math.max(...clean) >= 2000 ? 'end' : ''})`;
  lines.push(`| ${p} | ${r.length} | ${ms(median(go))} | ${ms(Math.max(...go))} | ${ms(median(r.map((x) => x.liveLineMs)))} | ${ms(median(r.map((x) => x.exitMs)))} | ${ms(Math.max(...r.map((x) => x.exitMs)))} | ${ms(median(clean))} | ${ms(Math.max(...clean))} | ${met} |`);
}
lines.push('', 'Where the go-live time goes: the median time from the command\'s start to the first line of each step.', '');
const steps = [...new Set(rows.flatMap((r) => Object.keys(r.steps)))].sort((a, b) => a - b);
lines.push(`| provider | ${steps.map((s) => `step ${s}`).join(' | ')} | first video frame at nginx |`);
lines.push(`|---|${steps.map(() => '---').join('|')}|---|`);
for (const p of providers) {
  const r = rows.filter((x) => x.provider === p);
  const cells = steps.map((s) => {
    const values = r.map((x) => x.steps[s]?.ms).filter((v) => v !== undefined);
    const text = r.find((x) => x.steps[s])?.steps[s].text ?? '';
    return values.length ? `${ms(median(values))} (${text})` : '–';
  });
  lines.push(`| ${p} | ${cells.join(' | ')} | ${ms(median(r.map((x) => x.goLiveMs)))} |`);
}
lines.push('', 'Every round (ms):', '', '| provider | go live | "live" line | end: exit | end: all clean |', '|---|---|---|---|---|');
for (const r of rows) lines.push(`| ${r.provider} | ${r.goLiveMs} | ${r.liveLineMs} | ${r.exitMs} | ${r.cleanMs} |`);
fs.writeFileSync(results, `${lines.join('\n')}\n`);
process.stdout.write(`${lines.join('\n')}\n`);
EOF
log "results written to $results"
