#!/usr/bin/env bash
# Fault: a Cloudinary session killed with -9 while live. The journal stays; a new session is refused
# until `hoststudio recover` has ended it: the stand-in's stream idle, the relay's 30311 `ended`.
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
event=$(hs_unique session-kill)
title="Killed town hall $event"

hs_start_live "$config" "$event" "$title" --provider cloudinary
hs_query_activity "$relay" "$event" "$tmp/live.json" || hs_fail "no activity on $relay"
hs_assert_eq "$(hs_activity_field "$tmp/live.json" status)" live "the 30311 before the kill"
hs_assert_eq "$(hs_cloud_stream_status "$HOSTSTUDIO_CLOUD_URL" "$title")" active "the stand-in's stream before the kill"

kill -9 "$live"
wait "$live" 2>/dev/null || true
[[ -s $XDG_STATE_HOME/hoststudio/session.json ]] || hs_fail "no journal after kill -9"
grep -q '"provider": *"cloudinary"' "$XDG_STATE_HOME/hoststudio/session.json" || hs_fail "the journal does not name the provider"

refused=0
"$HOSTSTUDIO_BIN" --config "$config" live --provider cloudinary --key-file "$host_key_file" --duration 1 \
  >"$tmp/refused.jsonl" 2>"$tmp/refused.txt" || refused=$?
hs_assert_eq "$refused" 1 "a new session while the killed one is not recovered"
grep -q 'hoststudio recover' "$tmp/refused.txt" || hs_fail "the refusal does not say to recover: $(cat "$tmp/refused.txt")"

HOSTSTUDIO_NOSTR_KEY=$(cat "$host_key_file") "$HOSTSTUDIO_BIN" --config "$config" recover \
  >"$tmp/recover.jsonl" 2>"$tmp/recover.txt" || hs_fail "recover failed: $(tail -n 5 "$tmp/recover.txt")"
hs_assert_eq "$(hs_json_field "$(hs_first_line "$tmp/recover.jsonl" ended)" state)" ended "recover's ended line"
hs_assert_eq "$(hs_cloud_stream_status "$HOSTSTUDIO_CLOUD_URL" "$title")" idle "the stand-in's stream after recover"
hs_query_activity "$relay" "$event" "$tmp/recovered.json" || hs_fail "no activity after recover"
hs_assert_eq "$(hs_check_ended_activity "$tmp/recovered.json")" ok "the 30311 after recover"
hs_assert_eq "$(hs_activity_field "$tmp/recovered.json" title)" "$title" "the ended 30311 keeps the title"
hs_no_journal
