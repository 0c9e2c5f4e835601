#!/usr/bin/env bash
# Fault: no Nostr relay is reachable at all. The session goes live degraded (the stream itself is up and
# says why the event is not announced), ends cleanly, and leaves nothing behind: the next
# `hoststudio live` starts without any manual step. A session killed meanwhile is ended by
# `hoststudio recover --key-file` (another key is refused, naming the one it needs), which clears the
# journal of an event no relay ever took.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/../lib.sh"
# shellcheck source=tests/integration/session/session_lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/session_lib.sh"
: "${HOSTSTUDIO_BIN:?HOSTSTUDIO_BIN must name the hoststudio executable}"

hs_load_stack_env
hs_session_setup
mapfile -t ports < <(hs_free_ports 2)
port_a=${ports[0]} port_b=${ports[1]}
config=$tmp/hoststudio.ini
cat >"$config" <<INI
[ingest]
provider=custom
rtmpUrl=$HOSTSTUDIO_RTMP_URL
hlsBaseUrl=$HOSTSTUDIO_HLS_BASE_URL

[nostr]
relays=ws://127.0.0.1:$port_a, ws://127.0.0.1:$port_b

[chat]
url=
INI

# 1. Live without any relay: degraded, and said.
event=$(hs_unique session-no-relay)
hs_start_live "$config" "$event" "No relay $event" --retry-interval 2
hs_expect_degraded "nostr: no relay accepted the live event" "Nostr"
hs_plays "$hls"
kill -INT "$live"
hs_wait_ended "$live" "$tmp/out.jsonl"
hs_assert_eq "$exit_status" 0 "exit status of a relay-less session"
hs_assert_eq "$(hs_json_field "$ended_line" state)" ended "the ended line"
hs_assert_eq "$(hs_json_field "$ended_line" leftovers)" "[]" "nothing left behind"
grep -q 'no relay had the live event' "$tmp/out.jsonl" || hs_fail "the end does not say why no ended was needed"
hs_no_journal
hs_log "ok: live degraded without relays, ended cleanly, no journal"

# 2. The next session starts without any manual step; killed, it leaves a journal.
event2=$(hs_unique session-no-relay-2)
hs_start_live "$config" "$event2" "No relay again $event2"
hs_log "ok: the next session started at once"
kill -9 "$live"
wait "$live" 2>/dev/null || true
[[ -s $XDG_STATE_HOME/hoststudio/session.json ]] || hs_fail "no journal after kill -9"

# 2b. The dead session's process id now belongs to another process: `hoststudio end` must not signal
#     it (the journal names the process by its id and start time); it goes on to recover, which here
#     refuses the other key it was given and keeps the journal.
other_key=$tmp/other.key
"$HOSTSTUDIO_BIN" nostr keygen --save --key-file "$other_key" >/dev/null 2>&1 || hs_fail "keygen failed"
sleep 120 &
bystander=$!
hs_cleanup "kill $bystander"
node -e '
  const fs = require("fs");
  const file = process.argv[1];
  const journal = JSON.parse(fs.readFileSync(file, "utf8"));
  journal.processId = Number(process.argv[2]);
  fs.writeFileSync(file, JSON.stringify(journal));' "$XDG_STATE_HOME/hoststudio/session.json" "$bystander"
refused=0
"$HOSTSTUDIO_BIN" --config "$config" end --key-file "$other_key" >"$tmp/end-recycled.jsonl" 2>"$tmp/end-recycled.txt" ||
  refused=$?
hs_assert_eq "$refused" 1 "end (then recover) with another key"
hs_pid_alive "$bystander" || hs_fail "hoststudio end signalled a process that only got the dead session's id"
! grep -q "asking process $bystander" "$tmp/end-recycled.txt" || hs_fail "end asked the wrong process: $(cat "$tmp/end-recycled.txt")"
grep -q "announced with the key npub1" "$tmp/end-recycled.txt" || hs_fail "end did not go on to recover: $(cat "$tmp/end-recycled.txt")"
hs_log "ok: end left the process that got the dead session's id alone"

# 3. recover with another key is refused and keeps the journal; with the host's key it ends the session.
refused=0
"$HOSTSTUDIO_BIN" --config "$config" recover --key-file "$other_key" >"$tmp/refused.jsonl" 2>"$tmp/refused.txt" ||
  refused=$?
hs_assert_eq "$refused" 1 "recover with another key"
grep -q "announced with the key npub1" "$tmp/refused.txt" || hs_fail "the refusal does not name the key: $(cat "$tmp/refused.txt")"
[[ -s $XDG_STATE_HOME/hoststudio/session.json ]] || hs_fail "the refused recover removed the journal"

"$HOSTSTUDIO_BIN" --config "$config" recover --key-file="$host_key_file" >"$tmp/recover.jsonl" 2>"$tmp/recover.txt" ||
  hs_fail "recover failed: $(tail -n 5 "$tmp/recover.txt")"
recovered=$(hs_first_line "$tmp/recover.jsonl" ended)
hs_assert_eq "$(hs_json_field "$recovered" state)" ended "recover's ended line"
hs_assert_eq "$(hs_json_field "$recovered" leftovers)" "[]" "recover leaves nothing"
hs_no_journal

# 4. And live again.
hs_start_live "$config" "$(hs_unique session-no-relay-3)" "No relay, third"
kill -INT "$live"
hs_wait_ended "$live" "$tmp/out.jsonl"
hs_assert_eq "$exit_status" 0 "exit status of the third session"
hs_no_journal
hs_log "ok: recover --key-file cleared the killed session; the next one ran"
