#!/usr/bin/env bash
# Fault: the Nostr relay is down at Go Live. The session goes live degraded and says which relay;
# when the relay starts later on the same port, the live 30311 is published there.
# The relay is a private one on a free port; the ingest is the shared stack's.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/../lib.sh"
# shellcheck source=tests/integration/session/session_lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/session_lib.sh"
: "${HOSTSTUDIO_BIN:?HOSTSTUDIO_BIN must name the hoststudio executable}"

hs_load_stack_env
hs_session_setup
relay_port=$(hs_free_ports 1)
relay=ws://127.0.0.1:$relay_port
config=$tmp/hoststudio.ini
cat >"$config" <<INI
[ingest]
provider=custom
rtmpUrl=$HOSTSTUDIO_RTMP_URL
hlsBaseUrl=$HOSTSTUDIO_HLS_BASE_URL

[nostr]
relays=$relay

[chat]
url=
INI
event=$(hs_unique session-relay-down)
title="Relay down $event"

hs_start_live "$config" "$event" "$title" --retry-interval 2
hs_expect_degraded "nostr: no relay accepted the live event ($relay" "the relay"
hs_log "ok: live, degraded, $relay named"
hs_plays "$hls" # the stream itself is up

# The relay comes back on the same port: the next retry publishes the live event there.
mkdir -p "$tmp/relay-stack"
HOSTSTUDIO_RELAY_PORT=$relay_port hs_private_services "$tmp/relay-stack" relay
says_back() { grep -q 'live: back: nostr: published to 1 relays' "$tmp/err.txt"; }
HS_WAIT_SECONDS=20 hs_wait_for says_back || hs_fail "the event was not published after the relay came back: $(tail -n 5 "$tmp/err.txt")"
hs_query_activity "$relay" "$event" "$tmp/live.json" || hs_fail "the relay that came back has no activity"
hs_assert_eq "$(hs_check_live_activity "$tmp/live.json" "$hls" "$relay" "$title")" ok "the live 30311 on the relay that came back"
grep -q '"degraded":false' <(tail -n 3 "$tmp/out.jsonl") || hs_fail "still degraded: $(tail -n 1 "$tmp/out.jsonl")"

kill -INT "$live"
hs_wait_ended "$live" "$tmp/out.jsonl"
hs_assert_eq "$exit_status" 0 "exit status after SIGINT"
hs_query_activity "$relay" "$event" "$tmp/ended.json" || hs_fail "no activity after the end"
hs_assert_eq "$(hs_check_ended_activity "$tmp/ended.json")" ok "the ended 30311"
hs_no_journal
