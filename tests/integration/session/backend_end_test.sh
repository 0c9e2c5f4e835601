#!/usr/bin/env bash
# End with the seed backend as the ingest, 20 times: each time the backend ends the stream (its playlist
# gets #EXT-X-ENDLIST) within 3 s of the host's End. The backend (the faithful stand-in, which loses an
# `end-stream` that reaches it in the same read as the disconnect, as the real one does) is reached
# directly in half the runs and in the other half through a proxy that forwards what the studio sends in
# one write every 300 ms, so that an `end-stream` and a disconnect sent together arrive together.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/../lib.sh"
# shellcheck source=tests/integration/session/session_lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/session_lib.sh"
: "${HOSTSTUDIO_BIN:?HOSTSTUDIO_BIN must name the hoststudio executable}"
RUNS=${HS_BACKEND_END_RUNS:-20}

hs_load_stack_env
hs_session_setup
mapfile -t ports < <(hs_free_ports 2)
backend_port=${ports[0]} proxy_port=${ports[1]}
mkdir -p "$tmp/backend-stack"
HOSTSTUDIO_BACKEND_PORT=$backend_port HOSTSTUDIO_CHAT_PORT=$backend_port \
  hs_private_services "$tmp/backend-stack" backend
backend=http://127.0.0.1:$backend_port
data=$tmp/backend-stack/backend

node "$HS_REPO_ROOT/tests/peers/coalescing-proxy.mjs" --target "127.0.0.1:$backend_port" --port "$proxy_port" \
  --batch-ms 300 >"$tmp/proxy.log" 2>&1 &
proxy=$!
hs_cleanup "kill $proxy"
HS_WAIT_SECONDS=10 hs_wait_for hs_port_open "$proxy_port" || hs_fail "the proxy did not start: $(cat "$tmp/proxy.log")"

config_for() { # CHANNEL_URL FILE
  cat >"$2" <<INI
[ingest]
provider=backend

[nostr]
relays=$HOSTSTUDIO_RELAY_URL

[backend]
url=$backend

[chat]
url=$1
INI
}
config_for "$backend" "$tmp/direct.ini"
config_for "http://127.0.0.1:$proxy_port" "$tmp/coalesced.ini"

has_endlist() { grep -q '^#EXT-X-ENDLIST' "$1" 2>/dev/null; }
ended_in_time=0
for ((run = 1; run <= RUNS; run++)); do
  if ((run % 2 == 0)); then way=coalesced; else way=direct; fi
  event=$(hs_unique "backend-end-$run")
  hs_start_live "$tmp/$way.ini" "$event" "End test $run" --provider backend
  start=$(date +%s%N)
  kill -TERM "$live"
  playlist=$data/$event/stream.m3u8
  HS_WAIT_SECONDS=3 hs_wait_for has_endlist "$playlist" ||
    hs_fail "run $run ($way): no #EXT-X-ENDLIST within 3 s of End: $(tail -n 3 "$playlist" 2>&1 | tr '\n' ' ')"
  elapsed_ms=$((($(date +%s%N) - start) / 1000000))
  hs_wait_ended "$live" "$tmp/out.jsonl"
  hs_assert_eq "$exit_status" 0 "run $run ($way): exit status"
  hs_assert_match "$ended_line" '"state":"ended"' "run $run ($way): the ended line"
  grep -q '"detail":"stream ended by the server, disconnected"' "$tmp/out.jsonl" ||
    hs_fail "run $run ($way): the server's stream-ended was not awaited: $(grep -o '"channel":{[^}]*}' "$tmp/out.jsonl" | tail -n 1)"
  if grep -q 'the server reported' "$tmp/err.txt"; then
    hs_fail "run $run ($way): the backend's end was reported as an error: $(grep 'the server reported' "$tmp/err.txt" | head -n 1)"
  fi
  ((++ended_in_time))
  hs_log "run $run ($way): ENDLIST ${elapsed_ms} ms after End"
done
hs_assert_eq "$ended_in_time" "$RUNS" "runs whose End the backend heard"
hs_log "ok: $ended_in_time of $RUNS Ends heard by the backend within 3 s"
