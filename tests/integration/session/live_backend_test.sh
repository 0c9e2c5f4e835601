#!/usr/bin/env bash
# `hoststudio live --provider backend`: the media goes to the seed backend as Matroska chunks over
# Socket.IO `stream-data`; the backend's own HLS (made by its ffmpeg from those chunks) plays; the
# relay holds a valid live 30311 with that HLS URL; SIGTERM ends it: the backend reports the stream
# stopped and no longer broadcasting, the 30311 is `ended`.
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
backend=$HOSTSTUDIO_BACKEND_URL
event=$(hs_unique session-backend)
title="Backend town hall $event"

hs_start_live "$config" "$event" "$title" --provider backend
hs_assert_eq "$(hs_json_field "$live_line" provider)" backend "provider"
hs_assert_eq "$hls" "$backend/livestream/$event/stream.m3u8" "the backend's HLS URL is printed"

# The chunks arrive over Socket.IO: the backend announces the stream and its ffmpeg makes HLS.
started() { grep -q '"health":"ok","detail":"stream confirmed by the server"' "$tmp/out.jsonl"; }
HS_WAIT_SECONDS=20 hs_wait_for started || hs_fail "the backend did not confirm the stream: $(tail -n 5 "$tmp/err.txt")"
hs_plays "$hls"
probe=$(hs_probe_streams "$hls")
grep -q '^video h264 ' <<<"$probe" || hs_fail "no H.264 video in the backend's HLS: $probe"
grep -q '^audio ' <<<"$probe" || hs_fail "no audio in the backend's HLS: $probe"
hs_log "ok: the backend's HLS has video and audio"
chunks=$(curl -fsS "$backend/livestream/$event/status" |
  node -e 'const s = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log(s.local.streamData.chunks ?? 0)')
((chunks > 10)) || hs_fail "the backend counted only $chunks stream-data chunks"
hs_log "ok: $chunks chunks arrived over Socket.IO"

hs_query_activity "$relay" "$event" "$tmp/live.json" || hs_fail "no activity on $relay"
hs_assert_eq "$(hs_check_live_activity "$tmp/live.json" "$hls" "$relay" "$title")" ok "the live 30311 on the relay"

kill -TERM "$live"
hs_wait_ended "$live" "$tmp/out.jsonl"
hs_assert_eq "$exit_status" 0 "exit status after SIGTERM"
hs_assert_eq "$(hs_json_field "$ended_line" state)" ended "the ended line"

status=$(curl -fsS "$backend/livestream/$event/status")
# (Asking for the status creates local state in the backend, so local.isActive means nothing there.)
# shellcheck disable=SC2016 # JavaScript template literals
hs_assert_eq "$(node -e 'const s = JSON.parse(process.argv[1]); console.log(`${s.cloudinary.status} ${s.local.streamData.broadcasting}`)' "$status")" \
  "stopped false" "the backend's view after the end (stream status, broadcasting)"
events=$(curl -fsS "$backend/__events")
node -e '
  const events = JSON.parse(process.argv[1]);
  const ended = events.some((e) => e.kind === "event" && e.event === "end-stream" && e.payload && e.payload.streamKey === process.argv[2]);
  process.exit(ended ? 0 : 1);' "$events" "$event" || hs_fail "no end-stream for $event on the backend"
hs_log "ok: end-stream reached the backend"

hs_query_activity "$relay" "$event" "$tmp/ended.json" || hs_fail "no activity after the end"
hs_assert_eq "$(hs_check_ended_activity "$tmp/ended.json")" ok "the ended 30311 replaced the live one"
hs_no_journal
