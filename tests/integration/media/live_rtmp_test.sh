#!/usr/bin/env bash
# Integration: `hoststudio live` pushes the 720p30 preset to the local ingest over RTMP and records
# locally at the same time; ffprobe judges both what nginx-rtmp received and the local file.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
# shellcheck source=tests/integration/media/media_lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/media_lib.sh"

hs_load_stack_env
tmp=
hs_make_tmpdir tmp
key=$(hs_unique media-rtmp)

hs_log "streaming 12 s of the test pattern to $HOSTSTUDIO_RTMP_URL/<key> and recording to $tmp/local.mkv"
status=0
timeout 60 "$HOSTSTUDIO_BIN" live --source testpattern --to "$HOSTSTUDIO_RTMP_URL/$key" --preset 720p30 \
  --record "$tmp/local.mkv" --duration 12 >"$tmp/out.jsonl" 2>"$tmp/err.txt" || status=$?
((status == 0)) || hs_fail "live exited with $status: $(tail -n 5 "$tmp/err.txt")"
hs_log "ok: live exited 0"

# The JSON lines: started, a stats line a second, nothing dropped or skipped, the key never printed.
grep -q '"event":"started"' "$tmp/out.jsonl" || hs_fail "no started event"
stats_lines=$(grep -c '"event":"stats"' "$tmp/out.jsonl")
hs_assert_between "$stats_lines" 11 14 "stats lines"
hs_assert_eq "$(hs_last_stat "$tmp/out.jsonl" 's.outputs[0].droppedFrames')" 0 "frames dropped (network)"
hs_assert_eq "$(hs_last_stat "$tmp/out.jsonl" 's.framesSkipped')" 0 "frames skipped (encoder)"
! grep -q -- "$key" "$tmp/out.jsonl" "$tmp/err.txt" || hs_fail "the stream key appears in the output"
hs_log "ok: the stream key is masked in every line"

recording_done() { [[ -n $(hs_ingest_recordings "$key") ]]; }
hs_wait_for recording_done || hs_fail "nginx recorded nothing for the stream"
ingest=$(hs_ingest_recordings "$key" | head -n 1)
hs_log "what the ingest received ($(basename -- "$ingest")):"
hs_check_720p30 "$ingest" bitrate
duration=$(ffprobe -v error -show_entries format=duration -of default=noprint_wrappers=1:nokey=1 "$ingest")
hs_assert_between "$duration" 11 13 "ingest duration (s)"

hs_log "the local recording:"
hs_check_720p30 "$tmp/local.mkv"
duration=$(ffprobe -v error -show_entries format=duration -of default=noprint_wrappers=1:nokey=1 "$tmp/local.mkv")
hs_assert_between "$duration" 11 13 "local recording duration (s)"
ffmpeg -v error -nostdin -i "$tmp/local.mkv" -f null - 2>"$tmp/decode.txt" || hs_fail "the recording does not decode"
[[ ! -s $tmp/decode.txt ]] || hs_fail "decode errors: $(head -n 3 "$tmp/decode.txt")"
hs_log "ok: the recording decodes without errors"
