#!/usr/bin/env bash
# Fault: the seed backend's Socket.IO server is down at Go Live, with a provider that does not need
# it for the media (custom RTMP, chat/url set). The session goes live degraded and says so; when the
# server starts on the same port, the channel connects in the background and the output says so.
# The backend is a private one on a free port; the ingest and the relay are the shared stack's.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/../lib.sh"
# shellcheck source=tests/integration/session/session_lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/session_lib.sh"
: "${HOSTSTUDIO_BIN:?HOSTSTUDIO_BIN must name the hoststudio executable}"

hs_load_stack_env
hs_session_setup
backend_port=$(hs_free_ports 1)
backend=http://127.0.0.1:$backend_port
relay=$HOSTSTUDIO_RELAY_URL
config=$tmp/hoststudio.ini
cat >"$config" <<INI
[ingest]
provider=custom
rtmpUrl=$HOSTSTUDIO_RTMP_URL
hlsBaseUrl=$HOSTSTUDIO_HLS_BASE_URL

[nostr]
relays=$relay

[backend]
url=$backend

[chat]
url=$backend
INI
event=$(hs_unique session-channel-down)
title="Channel down $event"

hs_start_live "$config" "$event" "$title" --retry-interval 2
hs_expect_degraded "channel: " "the channel"
hs_log "ok: live degraded: $(grep -m1 'live: degraded: channel: ' "$tmp/err.txt")"
hs_plays "$hls"
hs_query_activity "$relay" "$event" "$tmp/live.json" || hs_fail "no activity on $relay"
hs_assert_eq "$(hs_check_live_activity "$tmp/live.json" "$hls" "$relay" "$title")" ok "the live 30311 while the channel is down"

# The server starts on the same port: the channel connects in the background.
mkdir -p "$tmp/backend-stack"
HOSTSTUDIO_BACKEND_PORT=$backend_port HOSTSTUDIO_CHAT_PORT=$backend_port \
  hs_private_services "$tmp/backend-stack" backend
says_back() { grep -q 'live: back: channel: reconnected' "$tmp/err.txt"; }
HS_WAIT_SECONDS=20 hs_wait_for says_back || hs_fail "the channel did not reconnect: $(tail -n 5 "$tmp/err.txt")"
connected() {
  curl -fsS "$backend/__events" | node -e 'process.exit(JSON.parse(require("fs").readFileSync(0, "utf8")).some((e) => e.kind === "connect") ? 0 : 1)'
}
hs_wait_for connected || hs_fail "the backend saw no Socket.IO connection"
hs_log "ok: the channel reconnected when the server came up"
grep -q '"degraded":false' <(tail -n 3 "$tmp/out.jsonl") || hs_fail "still degraded: $(tail -n 1 "$tmp/out.jsonl")"

kill -INT "$live"
hs_wait_ended "$live" "$tmp/out.jsonl"
hs_assert_eq "$exit_status" 0 "exit status after SIGINT"
hs_query_activity "$relay" "$event" "$tmp/ended.json" || hs_fail "no activity after the end"
hs_assert_eq "$(hs_check_ended_activity "$tmp/ended.json")" ok "the ended 30311"
hs_no_journal
