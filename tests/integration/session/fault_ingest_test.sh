#!/usr/bin/env bash
# Fault: the ingest is unreachable. Go Live fails within its timeout, exits 1 with a message that says
# what to do, and leaves nothing behind: no live 30311 on the relay, no journal, and the Cloudinary
# stand-in's stream not left active. Three cases: a custom RTMP server on a closed port; the
# stand-in answering but its ingest (RTMP) closed; the stand-in's API stopped.
# Private services on free ports; the relay is the shared stack's (only read).
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/../lib.sh"
# shellcheck source=tests/integration/session/session_lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/session_lib.sh"
: "${HOSTSTUDIO_BIN:?HOSTSTUDIO_BIN must name the hoststudio executable}"

hs_load_stack_env
hs_session_setup
relay=$HOSTSTUDIO_RELAY_URL
mapfile -t ports < <(hs_free_ports 3)
closed_rtmp=${ports[0]} cloud_port=${ports[1]} closed_api=${ports[2]}

# go_live_fails NAME PROVIDER CONFIG: runs Go Live, which must fail within 45 s; sets $event.
go_live_fails() {
  local name=$1 provider=$2 config=$3
  event=$(hs_unique "session-$name")
  local started=$SECONDS status=0
  timeout 90 "$HOSTSTUDIO_BIN" --config "$config" live --provider "$provider" --event "$event" \
    --title "Unreachable $event" --key-file "$host_key_file" >"$tmp/$name.jsonl" 2>"$tmp/$name.txt" || status=$?
  local took=$((SECONDS - started))
  hs_assert_eq "$status" 1 "$name: exit status"
  hs_assert_between "$took" 0 45 "$name: seconds until Go Live gave up"
  grep -q '"event":"live"' "$tmp/$name.jsonl" && hs_fail "$name: it said live"
  local ended
  ended=$(hs_first_line "$tmp/$name.jsonl" ended)
  hs_assert_eq "$(hs_json_field "$ended" state)" failed "$name: the ended line"
  hs_assert_eq "$(hs_json_field "$ended" leftovers)" "[]" "$name: nothing left behind"
  hs_no_journal
  if hs_query_activity "$relay" "$event" "$tmp/$name-activity.json"; then
    hs_assert_eq "$(hs_activity_field "$tmp/$name-activity.json" status)" ended "$name: the relay's 30311"
  else
    hs_log "ok: $name: no 30311 on the relay"
  fi
}

# 0. An interval that is not a number of seconds is a usage error that says what to give.
usage=0
"$HOSTSTUDIO_BIN" live --republish-interval 0 >/dev/null 2>"$tmp/usage.txt" || usage=$?
hs_assert_eq "$usage" 2 "exit status for --republish-interval 0"
grep -q 'invalid value for --republish-interval: 0 (give seconds, from 0.1 to 3600)' "$tmp/usage.txt" ||
  hs_fail "the usage error does not say what to give: $(cat "$tmp/usage.txt")"

# 1. A custom RTMP server that is not there.
cat >"$tmp/custom.ini" <<INI
[ingest]
provider=custom
rtmpUrl=rtmp://127.0.0.1:$closed_rtmp/live
hlsBaseUrl=http://127.0.0.1:$closed_rtmp/hls

[nostr]
relays=$relay

[chat]
url=
INI
go_live_fails custom custom "$tmp/custom.ini"
grep -q "live: .*check the ingest address\|live: .*127.0.0.1:$closed_rtmp" "$tmp/custom.txt" ||
  hs_fail "custom: the message does not say what to check: $(tail -n 3 "$tmp/custom.txt")"
hs_log "custom: $(grep -m1 '^live: ' "$tmp/custom.txt")"

# 2. The stand-in creates and activates the stream, but its ingest does not answer: the stream is
#    idled again.
mkdir -p "$tmp/cloud-stack"
HOSTSTUDIO_CLOUD_PORT=$cloud_port HOSTSTUDIO_RTMP_PORT=$closed_rtmp \
  hs_private_services "$tmp/cloud-stack" cloud
cloud=http://127.0.0.1:$cloud_port
cat >"$tmp/cloud.ini" <<INI
[nostr]
relays=$relay

[cloudinary]
apiBaseUrl=$cloud

[chat]
url=
INI
go_live_fails cloud-ingest cloudinary "$tmp/cloud.ini"
hs_assert_eq "$(hs_cloud_stream_status "$cloud" "Unreachable $event")" idle "cloud-ingest: the stand-in's stream"
grep -q 'check the ingest address\|media' "$tmp/cloud-ingest.txt" ||
  hs_fail "cloud-ingest: the message does not say what failed: $(tail -n 3 "$tmp/cloud-ingest.txt")"
hs_log "cloud-ingest: $(grep -m1 '^live: ' "$tmp/cloud-ingest.txt")"

# 3. The stand-in's API is not there.
cat >"$tmp/api.ini" <<INI
[nostr]
relays=$relay

[cloudinary]
apiBaseUrl=http://127.0.0.1:$closed_api

[chat]
url=
INI
go_live_fails cloud-api cloudinary "$tmp/api.ini"
grep -q "127.0.0.1:$closed_api\|connection refused\|Cloudinary" "$tmp/cloud-api.txt" ||
  hs_fail "cloud-api: the message does not say what failed: $(tail -n 3 "$tmp/cloud-api.txt")"
hs_log "cloud-api: $(grep -m1 '^live: ' "$tmp/cloud-api.txt")"
