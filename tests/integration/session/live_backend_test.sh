#!/usr/bin/env bash
# `hoststudio live --provider backend`: the media goes to the seed backend as Matroska chunks over
# Socket.IO `stream-data` to the faithful stand-in of the seed backend (its 1000-byte gate, its setup
# that drops early chunks, its lost end-stream on disconnect, no viewer-left); the backend's own HLS
# (made by its ffmpeg from those chunks) plays; the session is live only once the playlist lists a
# segment; the relay holds a valid live 30311 with that HLS URL; a viewer's join is counted as "joined
# so far"; SIGTERM ends it: the backend ends its playlist, reports the stream inactive, the 30311 is
# `ended`.
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

# The chunks arrive over Socket.IO: the backend's ffmpeg starts only from a first chunk over 1000 bytes
# (header and media together), says stream-started, and makes HLS.
grep -q '"health":"ok","detail":"stream confirmed by the server"' "$tmp/out.jsonl" ||
  hs_fail "the backend did not confirm the stream before the session was live: $(tail -n 5 "$tmp/err.txt")"
# The session was "starting" (going live, step 4 waiting for the backend's video) until the playlist
# listed a segment, and only then live: the live line's time is after the first segment existed.
grep -q '"state":"goingLive".*waiting for backend to make video' "$tmp/out.jsonl" ||
  hs_fail "no 'waiting for backend to make video' step while going live"
grep -q '^#EXTINF' "$HOSTSTUDIO_STACK_DIR/backend/$event/stream.m3u8" ||
  hs_fail "live before the backend's playlist listed a segment"
hs_log "ok: starting until the backend's playlist listed a segment, then live"
hs_plays "$hls"
probe=$(hs_probe_streams "$hls")
grep -q '^video h264 ' <<<"$probe" || hs_fail "no H.264 video in the backend's HLS: $probe"
grep -q '^audio ' <<<"$probe" || hs_fail "no audio in the backend's HLS: $probe"
hs_log "ok: the backend's HLS has video and audio"
chunks=$(curl -fsS "$backend/livestream/$event/status" |
  node -e 'const s = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log(s.local.streamData.chunks ?? 0)')
((chunks > 10)) || hs_fail "the backend counted only $chunks stream-data chunks"
hs_log "ok: $chunks chunks arrived over Socket.IO"

# A viewer joins and leaves: the backend counts joins only, so the count shown is of viewers who joined.
node -e '
  const { io } = require(process.argv[1]);
  const socket = io(process.argv[2], { transports: ["websocket"] });
  socket.on("connect", () => socket.emit("join-stream", { streamKey: process.argv[3], userId: "viewer-1" }));
  socket.on("stream-joined", () => setTimeout(() => { socket.close(); process.exit(0); }, 300));
  setTimeout(() => process.exit(1), 10000);' "$HS_REPO_ROOT/tests/peers/node_modules/socket.io-client/build/cjs/index.js"   "$backend" "$event" || hs_fail "the test viewer could not join"
joined() { grep -q '"viewerCount":1,"viewerCountJoinedSoFar":true' "$tmp/out.jsonl"; }
HS_WAIT_SECONDS=10 hs_wait_for joined || hs_fail "no viewer count marked 'joined so far': $(tail -n 1 "$tmp/out.jsonl")"
sleep 1
hs_assert_match "$(tail -n 1 "$tmp/out.jsonl")" '"viewerCount":1,"viewerCountJoinedSoFar":true' \
  "the count stays at the joins after the viewer left (no viewer-left from the backend)"

hs_query_activity "$relay" "$event" "$tmp/live.json" || hs_fail "no activity on $relay"
hs_assert_eq "$(hs_check_live_activity "$tmp/live.json" "$hls" "$relay" "$title")" ok "the live 30311 on the relay"

kill -TERM "$live"
hs_wait_ended "$live" "$tmp/out.jsonl"
hs_assert_eq "$exit_status" 0 "exit status after SIGTERM"
hs_assert_eq "$(hs_json_field "$ended_line" state)" ended "the ended line"

status=$(curl -fsS "$backend/livestream/$event/status")
# (Asking for the status creates local state in the backend, so local.isActive means nothing there.)
# shellcheck disable=SC2016 # JavaScript template literals
hs_assert_eq "$(node -e 'const s = JSON.parse(process.argv[1]); console.log(`${s.cloudinary.status} ${s.overall.hasVideoContent}`)' "$status")" \
  "inactive false" "the backend's view after the end (stream status, video content)"
grep -q '^#EXT-X-ENDLIST' "$HOSTSTUDIO_STACK_DIR/backend/$event/stream.m3u8" || hs_fail "the backend's playlist was not ended"
grep -q '"detail":"stream ended by the server, disconnected"' "$tmp/out.jsonl" || hs_fail "End did not await stream-ended"
# (The backend then reports killing its encoder: logged as part of its end, never shown as a fault.)
! grep -q 'the server reported: ffmpeg was killed' "$tmp/err.txt" "$tmp/out.jsonl" ||
  hs_fail "the backend's normal end was shown as an error: $(grep -h 'the server reported' "$tmp/err.txt" "$tmp/out.jsonl")"
events=$(curl -fsS "$backend/__events")
node -e '
  const events = JSON.parse(process.argv[1]);
  const ended = events.some((e) => e.kind === "event" && e.event === "end-stream" && e.payload && e.payload.streamKey === process.argv[2]);
  process.exit(ended ? 0 : 1);' "$events" "$event" || hs_fail "no end-stream for $event on the backend"
hs_log "ok: end-stream reached the backend"

hs_query_activity "$relay" "$event" "$tmp/ended.json" || hs_fail "no activity after the end"
hs_assert_eq "$(hs_check_ended_activity "$tmp/ended.json")" ok "the ended 30311 replaced the live one"
hs_no_journal
