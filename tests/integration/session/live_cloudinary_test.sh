#!/usr/bin/env bash
# `hoststudio live --provider cloudinary` against the Cloudinary stand-in of the stack: live, the
# printed HLS URL plays, the relay holds a valid live 30311 that is republished (newer created_at);
# the ingest's status is polled while live (the stand-in idling the stream shows, and its coming back);
# SIGINT ends it: the 30311 is `ended`, the stand-in's stream idle, the recording plays.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/../lib.sh"
# shellcheck source=tests/integration/session/session_lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/session_lib.sh"
: "${HOSTSTUDIO_BIN:?HOSTSTUDIO_BIN must name the hoststudio executable}"

hs_load_stack_env
hs_session_setup
config=$HOSTSTUDIO_STACK_DIR/hoststudio.ini
relay=$HOSTSTUDIO_RELAY_URL
event=$(hs_unique session-cloudinary)
title="Cloudinary town hall $event"

hs_start_live "$config" "$event" "$title" --provider cloudinary --record "$tmp/local.mkv" --republish-interval 2 \
  --status-interval 1
hs_assert_eq "$(hs_json_field "$live_line" provider)" cloudinary "provider"
hs_log "live at $hls"
hs_plays "$hls"

hs_assert_eq "$(hs_cloud_stream_status "$HOSTSTUDIO_CLOUD_URL" "$title")" active "the stand-in's stream while live"

hs_query_activity "$relay" "$event" "$tmp/live1.json" || hs_fail "no activity on $relay"
hs_assert_eq "$(hs_check_live_activity "$tmp/live1.json" "$hls" "$relay" "$title")" ok "the live 30311 on the relay"
first_created=$(hs_activity_field "$tmp/live1.json" created_at)
newer() {
  hs_query_activity "$relay" "$event" "$tmp/live2.json" &&
    (($(hs_activity_field "$tmp/live2.json" created_at) > first_created))
}
HS_WAIT_SECONDS=10 hs_wait_for newer || hs_fail "the live 30311 was not republished within 10 s"
hs_assert_eq "$(hs_check_live_activity "$tmp/live2.json" "$hls" "$relay" "$title")" ok "the republished 30311"

# The stand-in idles the stream behind the studio's back: the polled status shows it, and recovers.
stream_id=$(curl -fsS -u 123456789012345:local-fake-secret "$HOSTSTUDIO_CLOUD_URL/v2/video/demo/live_streams" |
  node -e 'const b = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log(b.data.find((s) => s.name === process.argv[1]).id)' "$title")
curl -fsS -X POST -u 123456789012345:local-fake-secret \
  "$HOSTSTUDIO_CLOUD_URL/v2/video/demo/live_streams/$stream_id/idle" >/dev/null
shows_idle() { grep -q 'degraded: ingest: cloudinary reports the stream as idle' "$tmp/err.txt"; }
HS_WAIT_SECONDS=10 hs_wait_for shows_idle || hs_fail "the idle stream is not shown: $(tail -n 5 "$tmp/err.txt")"
grep -q '"ingest":{"health":"degraded","detail":"cloudinary reports the stream as idle' "$tmp/out.jsonl" ||
  hs_fail "the session line does not show the idle ingest"
hs_log "ok: the polled status shows the stream idle"
curl -fsS -X POST -u 123456789012345:local-fake-secret \
  "$HOSTSTUDIO_CLOUD_URL/v2/video/demo/live_streams/$stream_id/activate" >/dev/null
shows_back() { grep -q 'back: ingest: cloudinary reports the stream as active' "$tmp/err.txt"; }
HS_WAIT_SECONDS=10 hs_wait_for shows_back || hs_fail "the active stream is not shown again: $(tail -n 5 "$tmp/err.txt")"
hs_log "ok: and active again"

sleep 2 # a few more seconds of recording
kill -INT "$live"
hs_wait_ended "$live" "$tmp/out.jsonl"
hs_assert_eq "$exit_status" 0 "exit status after SIGINT"
hs_assert_eq "$(hs_json_field "$ended_line" state)" ended "the ended line"
hs_assert_eq "$(hs_json_field "$ended_line" leftovers)" "[]" "nothing left behind"

hs_query_activity "$relay" "$event" "$tmp/ended.json" || hs_fail "no activity after the end"
hs_assert_eq "$(hs_check_ended_activity "$tmp/ended.json")" ok "the ended 30311 replaced the live one"
hs_assert_eq "$(hs_cloud_stream_status "$HOSTSTUDIO_CLOUD_URL" "$title")" idle "the stand-in's stream after the end"
hs_no_journal
duration=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$tmp/local.mkv")
hs_assert_between "$duration" 3 120 "local recording duration (s)"
hs_probe_streams "$tmp/local.mkv" | grep -q '^video h264 ' || hs_fail "the recording has no H.264 video"
hs_log "ok: the recording plays"
