#!/usr/bin/env bash
# Integration: the live chat of `hoststudio live` both ways, on the local stack. A nostr-tools
# viewer's kind-1311 message (with a kind-0 profile) and a socket.io-client viewer's channel-message
# appear as {"event":"chat"} lines, the profile's name as the author; a line the host writes to
# stdin (--chat-stdin) reaches the socket.io viewer as a channel-message and the relay as a 1311
# that nostr-tools verifies, with the activity's `a` tag; the host's entry reports its delivery.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/../lib.sh"
# shellcheck source=tests/integration/session/session_lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/session_lib.sh"
: "${HOSTSTUDIO_BIN:?HOSTSTUDIO_BIN must name the hoststudio executable}"
viewer=$HS_SESSION_DIR/../chat/chathub-viewer.mjs

hs_load_stack_env
hs_session_setup
config=$HOSTSTUDIO_STACK_DIR/hoststudio.ini
relay=$(grep -m1 '^relays=' "$config" | cut -d= -f2 | cut -d, -f1)
backend=$(grep -m1 '^url=http' "$config" | cut -d= -f2)
[[ -n $backend ]] || hs_fail "the stack's settings name no backend"
event=$(hs_unique session-chat)
a_tag="30311:$host:$event"

mkfifo "$tmp/chat.in"
exec 3<>"$tmp/chat.in" # held open for writing: the studio sees no end of input until the test ends
HS_LIVE_STDIN=$tmp/chat.in hs_start_live "$config" "$event" "Chat both ways" --provider custom --chat-stdin --duration 40

chat_line_with() { grep '"event":"chat"' "$tmp/out.jsonl" | grep -F -- "$1" | tail -n 1; }
has_chat() { [[ -n $(chat_line_with "$1") ]]; }

# Nostr → the studio, the author named by its profile.
node "$viewer" nostr-say "$relay" "$a_tag" "hello from nostr" "Nostr Viewer" >"$tmp/nostr-say.json" ||
  hs_fail "the nostr viewer could not post"
HS_WAIT_SECONDS=15 hs_wait_for has_chat "hello from nostr" || hs_fail "the 1311 did not reach the studio: $(tail -n 3 "$tmp/out.jsonl")"
named() { chat_line_with "hello from nostr" | grep -q '"author":"Nostr Viewer"'; }
HS_WAIT_SECONDS=15 hs_wait_for named || hs_fail "the author is not named by its profile: $(chat_line_with "hello from nostr")"
hs_assert_eq "$(hs_json_field "$(chat_line_with "hello from nostr")" source)" nostr "source of the 1311"
hs_log "ok: a 1311 reached the studio, named by the viewer's profile"

# The backend's channel → the studio; the studio's reply → the socket.io viewer.
node "$viewer" socketio-chat "$backend" general viewer "hello from socket" "reply from host" >"$tmp/socket.out" 2>&1 &
socket_viewer=$!
hs_reap_on_exit "$socket_viewer"
HS_WAIT_SECONDS=15 hs_wait_for has_chat "hello from socket" || hs_fail "the channel-message did not reach the studio: $(cat "$tmp/socket.out")"
hs_assert_eq "$(hs_json_field "$(chat_line_with "hello from socket")" source)" backend "source of the channel-message"
printf 'reply from host\n' >&3
wait "$socket_viewer" || hs_fail "the socket.io viewer did not get the host's reply: $(cat "$tmp/socket.out")"
grep -q '^received ' "$tmp/socket.out" || hs_fail "no reply received: $(cat "$tmp/socket.out")"
hs_log "ok: channel-message both ways"

# The same reply is a valid 1311 on the relay, with the activity's a tag; the studio reports it sent.
node "$viewer" nostr-verify "$relay" "$a_tag" "$host" "reply from host" >"$tmp/verify.json" ||
  hs_fail "the host's 1311 is not on the relay or does not verify"
delivered() { chat_line_with "reply from host" | grep -q '"nostr":{"state":"sent"'; }
HS_WAIT_SECONDS=15 hs_wait_for delivered || hs_fail "the host's entry does not report its delivery: $(chat_line_with "reply from host")"
hs_log "ok: the host's reply is a verified 1311 with the right a tag, reported sent"

kill -INT "$live"
status=0
wait "$live" || status=$?
hs_assert_eq "$status" 0 "exit status after SIGINT"
exec 3>&-
