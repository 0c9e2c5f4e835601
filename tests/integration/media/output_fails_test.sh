#!/usr/bin/env bash
# Integration: two outputs and a recording; one output's ingest disappears for good. After its
# reconnect attempts (from the settings) are used up, that output is reported failed and the other
# output and the recording run to the end; the exit status says a part failed.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
# shellcheck source=tests/integration/media/media_lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/media_lib.sh"

hs_load_stack_env
tmp=
hs_make_tmpdir tmp
kept=$(hs_unique media-kept)
lost=$(hs_unique media-lost)
hs_start_proxy "$tmp"
cat >"$tmp/hoststudio.ini" <<'INI'
[reconnect]
initialDelayMs=300
maxRetries=1
INI

"$HOSTSTUDIO_BIN" --config "$tmp/hoststudio.ini" live --source testpattern \
  --to "rtmp://127.0.0.1:$HOSTSTUDIO_RTMP_PORT/live/$kept" --to "rtmp://127.0.0.1:$HS_PROXY_PORT/live/$lost" \
  --record "$tmp/local.mkv" --duration 12 >"$tmp/out.jsonl" 2>"$tmp/err.txt" &
live=$!
hs_reap_on_exit "$live"
started() { grep -q '"event":"started"' "$tmp/out.jsonl"; }
hs_wait_for started || hs_fail "live did not start: $(tail -n 3 "$tmp/err.txt")"
sleep 3
hs_proxy down
status=0
wait "$live" || status=$?
hs_log "stderr: $(tr '\n' '|' <"$tmp/err.txt")"
hs_assert_eq "$status" 1 "exit status when one output failed"
grep -q '"event":"outputFailed","output":1' "$tmp/out.jsonl" || hs_fail "output 1 was not reported failed"
grep -q '"event":"outputReconnecting".*"maxAttempts":1' "$tmp/out.jsonl" ||
  grep -q '"maxAttempts":1.*"event":"outputReconnecting"' "$tmp/out.jsonl" ||
  hs_fail "the reconnect settings (1 attempt) were not used"
grep -q 'continuing with the other outputs' "$tmp/err.txt" || hs_fail "no word that the others continue"
hs_assert_eq "$(hs_last_stat "$tmp/out.jsonl" 's.outputs[0].state')" stopped "state of the output that kept going"
hs_assert_eq "$(hs_last_stat "$tmp/out.jsonl" 's.outputs[1].state')" failed "state of the output that failed"
tail -n 1 "$tmp/out.jsonl" | grep -q '"event":"stopped","exitCode":1' || hs_fail "no final stopped line with exit code 1"

# The surviving output and the recording cover the whole run.
recorded() { [[ -n $(hs_ingest_recordings "$kept") ]]; }
hs_wait_for recorded || hs_fail "nginx recorded nothing for the output that kept going"
ingest=$(hs_ingest_recordings "$kept" | head -n 1)
hs_assert_between "$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$ingest")" 11 13 \
  "duration at the ingest of the output that kept going (s)"
hs_assert_between "$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$tmp/local.mkv")" 11 13 \
  "local recording duration (s)"
