#!/usr/bin/env bash
# Integration: an RTMP push to the local ingest comes out as HLS over HTTP, with the right codecs,
# sizes, MIME types and CORS headers.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

hs_load_stack_env
tmp=
hs_make_tmpdir tmp
key=$(hs_unique hls)
playlist_url=$HOSTSTUDIO_HLS_BASE_URL/$key.m3u8

hs_log "publishing 6 s of 1280x720 H.264 + 48 kHz AAC to $HOSTSTUDIO_RTMP_URL/$key"
timeout 40 ffmpeg -hide_banner -nostdin -loglevel error -re \
  -f lavfi -i testsrc2=size=1280x720:rate=30 \
  -f lavfi -i sine=frequency=440:sample_rate=48000 \
  -t 6 -c:v libx264 -preset veryfast -g 60 -c:a aac \
  -f flv "$HOSTSTUDIO_RTMP_URL/$key" 2>"$tmp/ffmpeg.log" &
publisher=$!
hs_reap_on_exit "$publisher"

playlist_has_segments() {
  curl -fsS --max-time 2 -o "$tmp/playlist.m3u8" "$playlist_url" 2>/dev/null &&
    (($(grep -c '\.ts$' "$tmp/playlist.m3u8") >= 2))
}
hs_wait_for playlist_has_segments ||
  hs_fail "no HLS playlist with two segments at $playlist_url within 15 s (ffmpeg: $(tail -n 3 "$tmp/ffmpeg.log"))"
hs_log "ok: live playlist has segments: $(grep -c '\.ts$' "$tmp/playlist.m3u8")"

# What a player sees while the stream is live.
streams=$(hs_probe_streams "$playlist_url")
hs_log "streams: $(tr '\n' ';' <<<"$streams")"
hs_assert_eq "$(grep -c '^video ' <<<"$streams" || true)" 1 "number of video streams"
hs_assert_eq "$(grep -c '^audio ' <<<"$streams" || true)" 1 "number of audio streams"
video=$(grep '^video ' <<<"$streams")
audio=$(grep '^audio ' <<<"$streams")
read -r _ vcodec width height _ <<<"$video"
read -r _ acodec _ _ rate <<<"$audio"
hs_assert_eq "$vcodec" h264 "video codec"
hs_assert_eq "${width}x${height}" 1280x720 "video size"
hs_assert_eq "$acodec" aac "audio codec"
hs_assert_eq "$rate" 48000 "audio sample rate"

# HTTP headers of the playlist: MIME type, no caching, CORS.
curl -fsS --max-time 5 -I "$playlist_url" | tr -d '\r' >"$tmp/headers"
content_type=$(awk -F': ' 'tolower($1) == "content-type" { print $2 }' "$tmp/headers")
allow_origin=$(awk -F': ' 'tolower($1) == "access-control-allow-origin" { print $2 }' "$tmp/headers")
cache_control=$(awk -F': ' 'tolower($1) == "cache-control" { print $2 }' "$tmp/headers")
hs_assert_eq "$content_type" application/vnd.apple.mpegurl "playlist Content-Type"
hs_assert_eq "$allow_origin" "*" "playlist Access-Control-Allow-Origin"
hs_assert_eq "$cache_control" no-cache "playlist Cache-Control"

# A browser player's CORS preflight.
preflight=$(curl -sS --max-time 5 -o /dev/null -w '%{http_code}' -X OPTIONS \
  -H 'Origin: https://viewer.example' -H 'Access-Control-Request-Method: GET' "$playlist_url")
hs_assert_eq "$preflight" 204 "OPTIONS preflight status"

# A media segment.
segment=$(grep -m1 '\.ts$' "$tmp/playlist.m3u8")
segment_type=$(curl -fsS --max-time 5 -o /dev/null -w '%{content_type}' "$HOSTSTUDIO_HLS_BASE_URL/$segment")
hs_assert_eq "$segment_type" video/mp2t "segment Content-Type"

# The ingest's own view: the stream was published (nginx-rtmp statistics).
curl -fsS --max-time 5 "$HOSTSTUDIO_STAT_URL" >"$tmp/stat.xml"
grep -q "<name>$key</name>" "$tmp/stat.xml" || hs_fail "stream $key is not listed in $HOSTSTUDIO_STAT_URL"
hs_log "ok: /stat lists the stream"

publisher_status=0
wait "$publisher" || publisher_status=$?
((publisher_status == 0)) || hs_fail "ffmpeg publisher exited with $publisher_status: $(tail -n 5 "$tmp/ffmpeg.log")"
hs_log "ok: publisher finished cleanly"
