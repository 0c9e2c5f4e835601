#!/usr/bin/env bash
# Integration: a live stream created through our client (hoststudio ingest) on the stack's
# Cloudinary stand-in really carries video: push to the returned ingest with ffmpeg, ffprobe the
# returned HLS URL, then idle and delete it. No credentials are configured: the stack's settings
# point at the stand-in, whose test account the command uses.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/../lib.sh"

hoststudio=${1:?usage: ingest_push_test.sh HOSTSTUDIO_BINARY}
hs_load_stack_env
tmp=
hs_make_tmpdir tmp
unset CLOUDINARY_URL CLOUDINARY_CLOUD_NAME CLOUDINARY_API_KEY CLOUDINARY_API_SECRET
export HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/home/.config" QT_QPA_PLATFORM=offscreen
config=$HOSTSTUDIO_STACK_DIR/hoststudio.ini
[[ -r $config ]] || hs_fail "no $config: is the stack running?"

ingest() { "$hoststudio" --config "$config" ingest "$@" 2>>"$tmp/stderr"; }
json_field() { python3 -c 'import json, sys; print(json.loads(sys.stdin.readline())[sys.argv[1]])' "$1"; }

created=$(ingest create --name "$(hs_unique push)" --show-key) || hs_fail "create failed: $(cat "$tmp/stderr")"
id=$(json_field id <<<"$created")
publish=$(json_field publish_url <<<"$created")
hls=$(json_field hls_url <<<"$created")
hs_cleanup "$(printf '%q ' "$hoststudio" --config "$config" ingest delete --id "$id")"
hs_assert_match "$publish" "^$HOSTSTUDIO_RTMP_URL/[a-z0-9]{20}$" "publish URL on the stack's ingest"
hs_assert_match "$hls" "^$HOSTSTUDIO_HLS_BASE_URL/.*\\.m3u8$" "HLS URL on the stack's HTTP server"

ingest activate --id "$id" >/dev/null || hs_fail "activate failed: $(cat "$tmp/stderr")"
hs_log "pushing 6 s of test video to the returned ingest"
timeout 40 ffmpeg -hide_banner -nostdin -loglevel error -re \
  -f lavfi -i testsrc2=size=640x360:rate=30 -f lavfi -i sine=frequency=440:sample_rate=48000 \
  -t 6 -c:v libx264 -preset veryfast -g 60 -c:a aac -f flv "$publish" 2>"$tmp/ffmpeg.log" &
publisher=$!
hs_reap_on_exit "$publisher"

has_segments() {
  curl -fsS --max-time 2 -o "$tmp/playlist.m3u8" "$hls" 2>/dev/null &&
    (($(grep -c '\.ts$' "$tmp/playlist.m3u8") >= 2))
}
hs_wait_for has_segments || hs_fail "no playable HLS at $hls (ffmpeg: $(tail -n 3 "$tmp/ffmpeg.log"))"
streams=$(ffprobe -v error -show_entries stream=codec_type,codec_name,width,height -of csv=p=0 "$hls")
hs_log "ffprobe: $(tr '\n' ';' <<<"$streams")"
grep -q 'h264' <<<"$streams" || hs_fail "no H.264 video in $hls"
grep -q 'aac' <<<"$streams" || hs_fail "no AAC audio in $hls"
hs_log "ok: the returned HLS URL plays H.264 + AAC"

status=$(ingest show --id "$id" | json_field status)
hs_assert_eq "$status" active "status while live"
wait "$publisher" || hs_fail "ffmpeg failed: $(tail -n 5 "$tmp/ffmpeg.log")"
ingest idle --id "$id" >/dev/null || hs_fail "idle failed: $(cat "$tmp/stderr")"
hs_assert_eq "$(ingest show --id "$id" | json_field status)" idle "status after idle"
ingest delete --id "$id" >/dev/null || hs_fail "delete failed: $(cat "$tmp/stderr")"
if ingest show --id "$id" >/dev/null; then
  hs_fail "the deleted stream still shows"
fi
grep -q "live stream not found" "$tmp/stderr" || hs_fail "no 'not found' after delete: $(cat "$tmp/stderr")"
hs_log "ok: idle and delete"
