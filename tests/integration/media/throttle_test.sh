#!/usr/bin/env bash
# Integration: a throttled link (a loopback proxy limiting the studio→ingest direction below the
# stream's bitrate for 7 s). The send queue drops only non-keyframe video, audio arrives whole, the
# queued delay stays bounded, and everything recovers when the limit lifts.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
# shellcheck source=tests/integration/media/media_lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/media_lib.sh"

hs_load_stack_env
tmp=
hs_make_tmpdir tmp
key=$(hs_unique media-throttle)
hs_start_proxy "$tmp"

"$HOSTSTUDIO_BIN" live --source testpattern --to "rtmp://127.0.0.1:$HS_PROXY_PORT/live/$key" \
  --send-buffer-kb 64 --duration 20 >"$tmp/out.jsonl" 2>"$tmp/err.txt" &
live=$!
hs_reap_on_exit "$live"
started() { grep -q '"event":"started"' "$tmp/out.jsonl"; }
hs_wait_for started || hs_fail "live did not start: $(tail -n 3 "$tmp/err.txt")"
sleep 4
hs_proxy throttle 1000
sleep 7
hs_proxy unthrottle
status=0
wait "$live" || status=$?
((status == 0)) || hs_fail "live exited with $status: $(tail -n 5 "$tmp/err.txt")"

node -e '
  const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => JSON.parse(l));
  for (const s of lines.filter((l) => l.event === "stats")) {
    const o = s.outputs[0];
    console.log(`t=${s.elapsedSeconds} kbps=${o.bitrateKbps} queueMs=${o.queueMs} congestion=${o.congestion.toFixed(2)} dropped=${o.droppedFrames} health=${o.health}`);
  }' "$tmp/out.jsonl" | while read -r line; do hs_log "$line"; done

dropped=$(hs_last_stat "$tmp/out.jsonl" 's.outputs[0].droppedFrames')
((dropped > 0)) || hs_fail "nothing was dropped on a link below the stream's bitrate"
hs_log "ok: $dropped video frames dropped while throttled"
max_queue=$(node -e '
  const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => JSON.parse(l));
  console.log(Math.max(...lines.filter((l) => l.event === "stats").map((s) => s.outputs[0].queueMs)));' "$tmp/out.jsonl")
hs_assert_between "$max_queue" 0 2500 "largest queued delay (ms)"
# Recovered: the last 4 samples send at full rate with an empty queue and no further drops.
tail_ok=$(node -e '
  const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => JSON.parse(l));
  const stats = lines.filter((l) => l.event === "stats").slice(-5, -1);
  const ok = stats.every((s) => s.outputs[0].queueMs < 300) && stats[0].outputs[0].droppedFrames === stats[stats.length - 1].outputs[0].droppedFrames;
  console.log(ok ? "yes" : "no");' "$tmp/out.jsonl")
hs_assert_eq "$tail_ok" yes "recovered after the limit lifted (small queue, no new drops)"

recording_done() { [[ -n $(hs_ingest_recordings "$key") ]]; }
hs_wait_for recording_done || hs_fail "nginx recorded nothing"
ingest=$(hs_ingest_recordings "$key" | head -n 1)
# Audio intact: continuous, and as long as the stream.
hs_assert_between "$(hs_max_gap "$ingest" a)" 0 0.030 "largest audio gap at the ingest (s)"
audio_span=$(hs_packets "$ingest" a | awk 'NR == 1 { f = $1 } { l = $1 } END { print l - f }')
hs_assert_between "$audio_span" 18.5 20.5 "audio span at the ingest (s)"
# Every keyframe arrived (one per 2 s), only non-keyframes are missing.
keyframes=$(hs_packets "$ingest" v | awk '$3 ~ /K/' | wc -l)
hs_assert_between "$keyframes" 9 11 "keyframes at the ingest"
hs_assert_between "$(hs_packets "$ingest" v | awk '$3 ~ /K/ { t[n++] = $1 } END { m = 0; for (i = 1; i < n; i++) if (t[i] - t[i-1] > m) m = t[i] - t[i-1]; printf "%.2f", m }')" 1.98 2.02 "largest keyframe spacing (s)"
