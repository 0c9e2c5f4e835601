#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Soak run (not part of CI): `hoststudio live` for MINUTES on a private local stack while faults are
# injected every few minutes, then the checks, and a results section appended to
# bench/results/soak.md.
#
#   scripts/soak.sh [MINUTES]          (also: scripts/dev soak [MINUTES]; default 30)
#
# The session: custom RTMP ingest (nginx-rtmp, reached through a throttleable TCP proxy,
# tests/integration/media/tcp_proxy.mjs), the Nostr relay, the backend's Socket.IO channel, a local
# recording. Each service runs as its own one-service stack (scripts/stack.sh with
# HOSTSTUDIO_STACK_SERVICES) under build/soak/, so one can be restarted alone. The faults, in turn,
# every HOSTSTUDIO_SOAK_FAULT_INTERVAL seconds (default: a sixth of the run, within 45..180 s):
#   nginx restart | relay restart | Socket.IO (backend) server restart | throttled link (30 s at
#   HOSTSTUDIO_SOAK_THROTTLE_KBPS, default 1000 kbit/s)
# Checks afterwards:
#   - the session went live and ended with exit status 0;
#   - the local recording covers the whole time: its duration >= 95 % of the live wall time;
#   - the relay's history of the activity (every version a watching client saw, bench/soak/
#     watch-relay.mjs): valid signatures, created_at strictly increasing, the last one `ended`,
#     and that is what the relay holds at the end;
#   - resident memory (VmRSS, sampled every 5 s) grew less than 5 % from the first sample after
#     the warm-up (a fifth of the run, at least 30 s) to the median of the last five samples;
#   - no sanitizer report (AddressSanitizer, LeakSanitizer, UndefinedBehaviorSanitizer) when the
#     binary is a sanitized one (HOSTSTUDIO_PRESET=asan).
# Environment: HOSTSTUDIO_PRESET (which build's binary: dev by default; asan for the sanitized run),
# HOSTSTUDIO_SOAK_BIN (a binary instead), HOSTSTUDIO_SOAK_DIR [build/soak], HOSTSTUDIO_SOAK_RESULTS
# [bench/results/soak.md], HOSTSTUDIO_SOAK_PORT_BASE [29100] (the stack uses the ten ports from it).
# Exit status: 0 when every check passed, 1 otherwise; everything started is stopped by its pid.
set -euo pipefail
unset HOSTSTUDIO_CHAT_PORT # the soak sets HOSTSTUDIO_BACKEND_PORT itself

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
REPO_ROOT=$(cd -- "$SCRIPT_DIR/.." && pwd -P)
STACK_SH=$SCRIPT_DIR/stack.sh

msg() { printf 'soak: %s\n' "$*" >&2; }
die() { msg "error: $*"; exit 1; }

minutes=${1:-30}
[[ $minutes =~ ^[0-9]+$ && $minutes -ge 1 ]] || die "MINUTES must be a whole number of minutes >= 1, not '$minutes'"
duration=$((minutes * 60))
preset=${HOSTSTUDIO_PRESET:-dev}
binary=${HOSTSTUDIO_SOAK_BIN:-$REPO_ROOT/build/$preset/bin/hoststudio}
[[ -x $binary ]] || die "no studio binary at $binary (build it: cmake --build --preset $preset, or set HOSTSTUDIO_SOAK_BIN)"
soak=${HOSTSTUDIO_SOAK_DIR:-$REPO_ROOT/build/soak}
results=${HOSTSTUDIO_SOAK_RESULTS:-$REPO_ROOT/bench/results/soak.md}
base=${HOSTSTUDIO_SOAK_PORT_BASE:-29100}
[[ $base =~ ^[0-9]+$ && $base -ge 1024 && $base -le 65000 ]] || die "HOSTSTUDIO_SOAK_PORT_BASE must be a port in 1024..65000"
interval=${HOSTSTUDIO_SOAK_FAULT_INTERVAL:-$((duration / 6 < 45 ? 45 : (duration / 6 > 180 ? 180 : duration / 6)))}
[[ $interval =~ ^[0-9]+$ && $interval -ge 10 ]] || die "HOSTSTUDIO_SOAK_FAULT_INTERVAL must be >= 10 seconds"
throttle_kbps=${HOSTSTUDIO_SOAK_THROTTLE_KBPS:-1000}
for tool in node python3 ffprobe curl; do
  command -v "$tool" >/dev/null || die "$tool is missing (run: scripts/dev setup)"
done
sanitized=0
# The commit the run starts from (the tree may move on while it runs), and the load before it.
commit=$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# grep reads all of nm's output: with pipefail, grep -q stopping early would fail the pipeline (SIGPIPE).
if nm -D "$binary" 2>/dev/null | grep '__asan_init' >/dev/null; then sanitized=1; fi

rtmp_port=$base rtmps_port=$((base + 1)) http_port=$((base + 2)) relay_port=$((base + 3))
backend_port=$((base + 4)) cloud_port=$((base + 5)) proxy_port=$((base + 6))

rm -rf -- "$soak"
mkdir -p -- "$soak"/{home,logs,run}
chmod 700 -- "$soak/home" "$soak/run"

# --- clean-up: everything started here, stopped by pid or by its stack --------------------------------
pids=()
stacks=()
cleanup() {
  local rc=$? pid dir
  trap '' INT TERM HUP
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  for dir in "${stacks[@]}"; do
    HOSTSTUDIO_STACK_DIR=$dir "$STACK_SH" stop >/dev/null 2>&1 || true
  done
  exec 7>&- 2>/dev/null || true
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# One stack per service, so that each can be restarted alone.
stack_env() {
  printf '%s\n' "HOSTSTUDIO_STACK_DIR=$soak/stack-$1" "HOSTSTUDIO_STACK_SERVICES=$1" \
    "HOSTSTUDIO_RTMP_PORT=$rtmp_port" "HOSTSTUDIO_RTMPS_PORT=$rtmps_port" "HOSTSTUDIO_HTTP_PORT=$http_port" \
    "HOSTSTUDIO_RELAY_PORT=$relay_port" "HOSTSTUDIO_BACKEND_PORT=$backend_port" "HOSTSTUDIO_CLOUD_PORT=$cloud_port"
}
service() { # service start|stop NAME
  local -a environment
  mapfile -t environment < <(stack_env "$2")
  env "${environment[@]}" "$STACK_SH" "$1" >>"$soak/logs/stack.log" 2>&1
}
for name in nginx relay backend; do
  stacks+=("$soak/stack-$name")
  service start "$name" || die "the $name service did not start (log: $soak/logs/stack.log)"
done
msg "stack up in $soak (rtmp $rtmp_port, http $http_port, relay $relay_port, backend $backend_port)"

# The throttleable link between the studio and the ingest, controlled through a FIFO.
mkfifo "$soak/run/proxy.in"
node "$REPO_ROOT/tests/integration/media/tcp_proxy.mjs" "$proxy_port" "$rtmp_port" \
  <"$soak/run/proxy.in" >"$soak/logs/proxy.log" 2>&1 &
pids+=($!)
exec 7>"$soak/run/proxy.in"
proxy() { printf '%s\n' "$*" >&7; }
for _ in $(seq 1 50); do grep -q '^ready' "$soak/logs/proxy.log" && break; sleep 0.1; done
grep -q '^ready' "$soak/logs/proxy.log" || die "the TCP proxy did not start: $(cat "$soak/logs/proxy.log")"

settings=$soak/studio.ini
cat >"$settings" <<EOF
[ingest]
provider=custom
rtmpUrl=rtmp://127.0.0.1:$proxy_port/live
hlsBaseUrl=http://127.0.0.1:$http_port/hls

[nostr]
relays=ws://127.0.0.1:$relay_port

[chat]
url=http://127.0.0.1:$backend_port

[backend]
url=http://127.0.0.1:$backend_port

[reconnect]
enabled=true
initialDelayMs=1000
maxDelayMs=10000
maxRetries=1000

[log]
directory=$soak/logs/studio

[secrets]
backend=file
EOF

export HOME=$soak/home XDG_CONFIG_HOME=$soak/home/.config XDG_DATA_HOME=$soak/home/.local/share \
  XDG_STATE_HOME=$soak/home/.local/state XDG_RUNTIME_DIR=$soak/run QT_QPA_PLATFORM=offscreen
unset DBUS_SESSION_BUS_ADDRESS HOSTSTUDIO_NOSTR_KEY
mkdir -p -- "$soak/sanitizer"
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:log_path=$soak/sanitizer/asan"
export LSAN_OPTIONS="suppressions=$REPO_ROOT/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$soak/sanitizer/ubsan"

"$binary" --config "$settings" nostr keygen --save --key-file "$soak/home/host.key" >"$soak/keygen.json" 2>/dev/null ||
  die "nostr keygen failed"
host=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["pubkey"])' "$soak/keygen.json")
event=soak-$(date -u +%Y%m%dT%H%M%S)

node "$REPO_ROOT/bench/soak/watch-relay.mjs" "ws://127.0.0.1:$relay_port" "$host" "$event" \
  "$soak/versions.jsonl" 2>"$soak/logs/watch-relay.log" &
pids+=($!)

msg "live for $minutes min ($binary), a fault every $interval s"
started=$(date +%s)
"$binary" --config "$settings" live --provider custom --event "$event" --title "Soak $minutes min" \
  --key-file "$soak/home/host.key" --record "$soak/recording.mkv" --duration "$duration" \
  --republish-interval 30 --retry-interval 5 </dev/null >"$soak/live.jsonl" 2>"$soak/logs/live.err" &
live=$!
pids+=("$live")

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || true; }
faults=(nginx relay backend throttle)
fault_log=()
next_fault=$interval fault_index=0 throttled_until=0 live_at=
: >"$soak/rss.tsv"
while kill -0 "$live" 2>/dev/null; do
  now=$(date +%s)
  elapsed=$((now - started))
  if [[ -z $live_at ]] && grep -q '"event":"live"' "$soak/live.jsonl" 2>/dev/null; then
    live_at=$now
    msg "live after $elapsed s"
  fi
  rss=$(rss_kib "$live")
  [[ -n $rss ]] && printf '%s\t%s\n' "$elapsed" "$rss" >>"$soak/rss.tsv"
  if ((throttled_until > 0 && now >= throttled_until)); then
    proxy unthrottle
    throttled_until=0
    msg "t=${elapsed}s link unthrottled"
  fi
  if [[ -n $live_at ]] && ((elapsed >= next_fault && elapsed < duration - 20)); then
    fault=${faults[fault_index % ${#faults[@]}]}
    fault_index=$((fault_index + 1))
    next_fault=$((next_fault + interval))
    case $fault in
      throttle)
        proxy throttle "$throttle_kbps"
        throttled_until=$((now + 30))
        fault_log+=("t=${elapsed}s link throttled to $throttle_kbps kbit/s for 30 s")
        ;;
      *)
        if service stop "$fault" && service start "$fault"; then
          fault_log+=("t=${elapsed}s $fault restarted ($(($(date +%s) - now)) s)")
        else
          fault_log+=("t=${elapsed}s $fault restart FAILED (log: $soak/logs/stack.log)")
        fi
        ;;
    esac
    msg "${fault_log[-1]}"
  fi
  sleep 5
done
live_status=0
wait "$live" || live_status=$?
ended=$(date +%s)
((throttled_until == 0)) || proxy unthrottle
sleep 3 # the watcher sees the last version

# --- checks ---------------------------------------------------------------------------------------------
failures=()
check() { # check OK|FAIL TEXT
  if [[ $1 == OK ]]; then msg "ok: $2"; else msg "FAIL: $2"; failures+=("$2"); fi
  report+=("- $1: $2")
}
report=()

if ((live_status == 0)) && tail -n 1 "$soak/live.jsonl" | grep -q '"event":"ended","state":"ended"'; then
  check OK "the session went live and ended cleanly (exit 0)"
else
  check FAIL "the session exited $live_status: $(tail -n 3 "$soak/logs/live.err" | tr '\n' ' ')"
fi

wall=$((ended - ${live_at:-$ended}))
recorded=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$soak/recording.mkv" 2>/dev/null || echo 0)
if awk -v r="$recorded" -v w="$wall" 'BEGIN { exit !(w > 0 && r >= 0.95 * w) }'; then
  check OK "the recording covers the whole time: $recorded s recorded, $wall s live (wall clock)"
else
  check FAIL "the recording does not cover the live time: $recorded s recorded, $wall s live"
fi

relay_verdict=$(node "$REPO_ROOT/tests/integration/session/query-activity.mjs" "ws://127.0.0.1:$relay_port" \
  "$host" "$event" 2>/dev/null | python3 -c '
import json, sys
final = json.loads(sys.stdin.readline() or "null")
versions = [json.loads(line) for line in open(sys.argv[1])] if sys.argv[1] else []
problems = []
if len(versions) < 2: problems.append(f"only {len(versions)} versions seen")
if not all(v["valid"] for v in versions): problems.append("a version with a bad signature")
times = [v["created_at"] for v in versions]
if any(b <= a for a, b in zip(times, times[1:])): problems.append(f"created_at not strictly increasing: {times}")
if versions and versions[-1]["status"] != "ended": problems.append(f"last version seen is {versions[-1]['status']}")
if not final: problems.append("the relay holds no version at the end")
elif versions and final["event"]["id"] != versions[-1]["id"]: problems.append("the relay holds another version than the last one seen")
print(("ok " if not problems else "bad ") + f"{len(versions)} versions, " + ("; ".join(problems) or "created_at strictly increasing, the last one ended and held by the relay"))
' "$( [[ -s $soak/versions.jsonl ]] && echo "$soak/versions.jsonl")")
if [[ $relay_verdict == ok* ]]; then check OK "relay history: ${relay_verdict#ok }"; else check FAIL "relay history: ${relay_verdict#bad }"; fi

rss_verdict=$(python3 - "$soak/rss.tsv" "$duration" <<'PYTHON'
import statistics, sys
samples = [tuple(map(int, line.split())) for line in open(sys.argv[1]) if line.strip()]
warm = max(30, int(sys.argv[2]) // 5)
after = [rss for t, rss in samples if t >= warm]
if len(after) < 6:
    print(f"bad too few samples after the warm-up ({len(after)})")
    sys.exit()
first, last = after[0], statistics.median(after[-5:])
growth = (last - first) / first * 100
print(f"{'ok' if growth < 5 else 'bad'} {growth:+.1f} % ({first / 1024:.1f} MiB at {warm} s -> {last / 1024:.1f} MiB at the end, {len(samples)} samples, peak {max(r for _, r in samples) / 1024:.1f} MiB)")
PYTHON
)
if [[ $rss_verdict == ok* ]]; then check OK "memory grew ${rss_verdict#ok }"; else check FAIL "memory: ${rss_verdict#bad }"; fi

if ((sanitized)); then
  reports=$(find "$soak/sanitizer" -type f | wc -l)
  if ((reports == 0)) && ! grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$soak/logs/live.err"; then
    check OK "no sanitizer report (AddressSanitizer, LeakSanitizer, UBSan)"
  else
    check FAIL "sanitizer reports: $(find "$soak/sanitizer" -type f | tr '\n' ' ')"
  fi
else
  report+=("- n/a: sanitizer reports (not a sanitized binary; run with HOSTSTUDIO_PRESET=asan)")
fi

# --- results --------------------------------------------------------------------------------------------
verdict=PASS
((${#failures[@]} == 0)) || verdict=FAIL
{
  [[ -s $results ]] || printf '# Soak runs\n\n`scripts/dev soak [MINUTES]` (scripts/soak.sh): live on a private local stack with faults injected\nevery few minutes; newest run last.\n'
  printf '\n## %s: %s min, %s\n\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$minutes" "$verdict"
  if [[ -n ${HOSTSTUDIO_SOAK_BIN:-} ]]; then
    printf -- '- binary: %s given with HOSTSTUDIO_SOAK_BIN' "$(basename -- "$binary")"
  else
    printf -- '- binary: build/%s/bin/hoststudio' "$preset"
  fi
  printf ' (%s), commit %s when the run started\n' "$( ((sanitized)) && echo 'ASan+UBSan' || echo 'not sanitized')" \
    "$commit"
  printf -- '- machine: %s cores, %s; load average before: %s, after: %s\n' "$(nproc)" "$(uname -sr)" \
    "$load_before" "$(cut -d' ' -f1-3 /proc/loadavg)"
  printf -- '- faults (one every %s s):\n' "$interval"
  for line in "${fault_log[@]}"; do printf -- '  - %s\n' "$line"; done
  printf '%s\n' "${report[@]}"
} >>"$results"
msg "results appended to $results"
((${#failures[@]} == 0)) || { msg "FAILED: ${failures[*]}"; exit 1; }
msg "all checks passed"
