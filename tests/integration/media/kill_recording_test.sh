#!/usr/bin/env bash
# Integration: kill -9 while streaming and recording leaves a local file that ffprobe reads and
# ffmpeg decodes up to the last second or two.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
# shellcheck source=tests/integration/media/media_lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/media_lib.sh"

hs_load_stack_env
tmp=
hs_make_tmpdir tmp
key=$(hs_unique media-kill)

"$HOSTSTUDIO_BIN" live --source testpattern --to "$HOSTSTUDIO_RTMP_URL/$key" --record "$tmp/crash.mkv" \
  --duration 60 >"$tmp/out.jsonl" 2>"$tmp/err.txt" &
live=$!
hs_reap_on_exit "$live"
started() { grep -q '"event":"started"' "$tmp/out.jsonl"; }
hs_wait_for started || hs_fail "live did not start: $(tail -n 3 "$tmp/err.txt")"
sleep 8
kill -KILL "$live"
wait "$live" 2>/dev/null || true
hs_log "killed live with SIGKILL after about 8 s"

[[ -s $tmp/crash.mkv ]] || hs_fail "no recording left"
duration=$(ffprobe -v error -show_entries format=duration -of default=noprint_wrappers=1:nokey=1 "$tmp/crash.mkv" || true)
hs_log "ffprobe reads the file: duration ${duration:-none}"
last_video=$(hs_packets "$tmp/crash.mkv" v | tail -n 1 | cut -d' ' -f1)
hs_assert_between "$last_video" 6 9 "last video packet time (s) of the killed recording"
hs_assert_eq "$(hs_stream_value "$tmp/crash.mkv" v codec_name)" h264 "video codec"
hs_assert_eq "$(hs_stream_value "$tmp/crash.mkv" a codec_name)" aac "audio codec"
frames=$(ffmpeg -v error -nostdin -i "$tmp/crash.mkv" -map 0:v -f framecrc - 2>"$tmp/decode.txt" | grep -vc '^#' || true)
hs_assert_between "$frames" 180 270 "decodable video frames"
hs_log "decode messages: $(wc -l <"$tmp/decode.txt") line(s)"
