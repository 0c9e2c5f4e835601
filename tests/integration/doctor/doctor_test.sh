#!/usr/bin/env bash
# Integration: `hoststudio doctor` on the local stack.
#   all_ok    the stack's settings: every configured service (backend, Cloudinary stand-in, relay with
#             its NIP-11 document, RTMP ingest, Socket.IO channel), the key, the secret store, the
#             encoders and the recording folder are ok; exit status 0; the key is never printed.
#   failures  closed ports, a server that accepts TCP and never answers, no Nostr key and a wrong
#             Cloudinary secret in the secret store (the stand-in answers 401): each of those checks
#             fails and says what to do, the secret is never printed, the exit status is 1, and the
#             run ends within its bound although a host never answers.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/../lib.sh"
: "${HOSTSTUDIO_BIN:?HOSTSTUDIO_BIN must name the hoststudio executable}"
case_name=${1:?usage: doctor_test.sh all_ok|failures}
HS_TEST_NAME=doctor_$case_name

hs_load_stack_env
tmp=
hs_make_tmpdir tmp
export XDG_STATE_HOME=$tmp/state XDG_CONFIG_HOME=$tmp/config XDG_DATA_HOME=$tmp/data
unset HOSTSTUDIO_NOSTR_KEY CLOUDINARY_URL CLOUDINARY_CLOUD_NAME CLOUDINARY_API_KEY CLOUDINARY_API_SECRET
mkdir -p "$XDG_CONFIG_HOME"

# status_of FILE CHECK: the statuses of that check in the JSON lines, space-separated.
status_of() {
  node -e '
    const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => JSON.parse(l));
    console.log(lines.filter((l) => l.check === process.argv[2]).map((l) => l.status).join(" "));' "$1" "$2"
}
# field_of FILE CHECK FIELD: that field of the first line of that check.
field_of() {
  node -e '
    const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const line = lines.find((l) => l.check === process.argv[2]) || {};
    const value = process.argv[3].split(".").reduce((o, k) => (o == null ? undefined : o[k]), line);
    console.log(typeof value === "object" ? JSON.stringify(value) : String(value));' "$1" "$2" "$3"
}

run_doctor() { # config out err [args...] → sets $rc and $elapsed_ms
  local config=$1 out=$2 err=$3 start
  shift 3
  start=$(date +%s%N)
  rc=0
  timeout 30 "$HOSTSTUDIO_BIN" --config "$config" doctor "$@" >"$out" 2>"$err" || rc=$?
  elapsed_ms=$((($(date +%s%N) - start) / 1000000))
}

case $case_name in
all_ok)
  "$HOSTSTUDIO_BIN" nostr keygen --save --key-file "$tmp/host.key" >"$tmp/keygen.json" 2>/dev/null ||
    hs_fail "nostr keygen failed"
  nsec=$(tr -d '[:space:]' <"$tmp/host.key")
  config=$tmp/hoststudio.ini
  cp "$HOSTSTUDIO_STACK_DIR/hoststudio.ini" "$config"
  printf '\n[secrets]\nbackend=file\n\n[recording]\ndirectory=%s\n' "$tmp/recordings" >>"$config"

  run_doctor "$config" "$tmp/out.jsonl" "$tmp/err.txt" --json --key-file "$tmp/host.key"
  hs_assert_eq "$rc" 0 "exit status with the stack running (stderr: $(tail -n 3 "$tmp/err.txt"))"
  for check in nostr-key secret-store backend cloudinary relay rtmp-ingest channel encoders outputs recording-folder; do
    hs_assert_eq "$(status_of "$tmp/out.jsonl" "$check")" ok "$check"
  done
  hs_assert_eq "$(field_of "$tmp/out.jsonl" nostr-key data.origin)" key-file "where the key comes from"
  hs_assert_eq "$(field_of "$tmp/out.jsonl" secret-store data.backend)" file "the secret store in use"
  hs_assert_match "$(field_of "$tmp/out.jsonl" relay data.limitation.auth_required)" '^(true|false)$' \
    "the relay's NIP-11 limitation is reported"
  hs_assert_match "$(field_of "$tmp/out.jsonl" relay data.supported_nips)" '^\[.*1.*\]$' "the relay's NIP-11 nips"
  hs_assert_match "$(field_of "$tmp/out.jsonl" cloudinary data.secretFrom)" 'stand-in' "where the Cloudinary secret comes from"
  for check in screen microphone camera; do
    hs_assert_match "$(status_of "$tmp/out.jsonl" "$check")" '^(ok|warn)$' "$check is ok or a warning, never a failure"
  done
  grep -q "$nsec" "$tmp/out.jsonl" "$tmp/err.txt" && hs_fail "the nsec was printed"
  hs_assert_eq "$(grep -c '' "$tmp/out.jsonl")" "$(grep -c '"status":' "$tmp/out.jsonl")" "every line is a check"
  grep -q '^doctor: [0-9]* checks: [0-9]* ok, [0-9]* warn, 0 fail$' "$tmp/err.txt" ||
    hs_fail "no summary on stderr: $(cat "$tmp/err.txt")"

  # The same as text: one line per check, starting with its status.
  run_doctor "$config" "$tmp/out.txt" "$tmp/err2.txt" --key-file "$tmp/host.key"
  hs_assert_eq "$rc" 0 "exit status of the text form"
  hs_assert_eq "$(grep -c '' "$tmp/out.txt")" "$(grep -c '' "$tmp/out.jsonl")" "as many text lines as JSON lines"
  grep -qE '^ok    relay ws://127\.0\.0\.1:[0-9]+: reachable .*NIP-11: name ' "$tmp/out.txt" ||
    hs_fail "no relay line in: $(cat "$tmp/out.txt")"
  grep -vqE '^(ok|warn|fail) ' "$tmp/out.txt" && hs_fail "a line without a status: $(grep -vE '^(ok|warn|fail) ' "$tmp/out.txt")"
  grep -q "$nsec" "$tmp/out.txt" && hs_fail "the nsec was printed"
  hs_log "ok: every configured service is ok"
  ;;

failures)
  usage=0
  "$HOSTSTUDIO_BIN" doctor --frobnicate >/dev/null 2>"$tmp/usage.txt" || usage=$?
  hs_assert_eq "$usage" 2 "exit status of a usage error"
  grep -q 'usage: doctor' "$tmp/usage.txt" || hs_fail "the usage error does not show the usage"

  # A server that accepts TCP connections and never says a word.
  node -e '
    const server = require("net").createServer((c) => c.on("error", () => {}));
    server.listen(0, "127.0.0.1", () => console.log(server.address().port));' >"$tmp/silent.port" &
  silent_pid=$!
  hs_reap_on_exit "$silent_pid"
  has_port() { [[ -s $tmp/silent.port ]]; }
  hs_wait_for has_port || hs_fail "the silent server did not start"
  silent=$(cat "$tmp/silent.port")
  mapfile -t closed < <(hs_free_ports 2)
  config=$tmp/hoststudio.ini
  cat >"$config" <<EOF
[ingest]
provider=custom
rtmpUrl=rtmp://127.0.0.1:${closed[0]}/live

[nostr]
relays=ws://127.0.0.1:${closed[1]}, ws://127.0.0.1:$silent

[backend]
url=http://127.0.0.1:$silent

[chat]
url=http://127.0.0.1:${closed[1]}

[cloudinary]
apiBaseUrl=http://127.0.0.1:$HOSTSTUDIO_CLOUD_PORT
cloudName=demo
apiKey=123456789012345

[secrets]
backend=file

[recording]
directory=$tmp/recordings
EOF
  wrong=doctor-wrong-secret-$RANDOM$RANDOM
  printf '%s' "$wrong" | "$HOSTSTUDIO_BIN" --config "$config" secret set cloudinary/apiSecret >/dev/null 2>"$tmp/set.txt" ||
    hs_fail "secret set failed: $(cat "$tmp/set.txt")"

  run_doctor "$config" "$tmp/out.jsonl" "$tmp/err.txt" --json
  hs_assert_eq "$rc" 1 "exit status with failing checks"
  # Every network check gives up after a few seconds, and they run side by side.
  hs_assert_between "$elapsed_ms" 0 12000 "doctor run time with a silent host (ms)"
  hs_assert_eq "$(status_of "$tmp/out.jsonl" relay)" "fail fail" "both relays"
  for check in nostr-key backend cloudinary rtmp-ingest channel; do
    hs_assert_eq "$(status_of "$tmp/out.jsonl" "$check")" fail "$check"
    hs_assert_match "$(field_of "$tmp/out.jsonl" "$check" fix)" '.{10,}' "$check says what to do"
  done
  hs_assert_match "$(field_of "$tmp/out.jsonl" cloudinary detail)" '401' "Cloudinary rejected the secret"
  hs_assert_match "$(field_of "$tmp/out.jsonl" cloudinary fix)" 'check the API key/secret' "the Cloudinary advice"
  hs_assert_match "$(field_of "$tmp/out.jsonl" cloudinary fix)" 'cloudinary/apiSecret in the secret store \(file' \
    "where the Cloudinary secret is read from"
  hs_assert_match "$(field_of "$tmp/out.jsonl" nostr-key fix)" 'nostr keygen --save' "how to make a key"
  hs_assert_match "$(field_of "$tmp/out.jsonl" rtmp-ingest detail)" "127.0.0.1:${closed[0]}" "the ingest's address"
  hs_assert_match "$(field_of "$tmp/out.jsonl" backend detail)" 'timed out|no answer in time|timeout' "the silent backend timed out"
  for check in secret-store encoders outputs recording-folder; do
    hs_assert_eq "$(status_of "$tmp/out.jsonl" "$check")" ok "$check (unaffected)"
  done
  grep -q "$wrong" "$tmp/out.jsonl" "$tmp/err.txt" && hs_fail "the Cloudinary secret was printed"

  run_doctor "$config" "$tmp/out.txt" "$tmp/err2.txt"
  hs_assert_eq "$rc" 1 "exit status of the text form"
  while IFS= read -r line; do
    [[ $line == 'fail  '* ]] || continue
    [[ $line == *'. To fix: '* ]] || hs_fail "a failing line without what to do: $line"
  done <"$tmp/out.txt"
  grep -q "$wrong" "$tmp/out.txt" "$tmp/err2.txt" && hs_fail "the Cloudinary secret was printed"
  grep -q '^doctor: .* [1-9][0-9]* fail$' "$tmp/err2.txt" || hs_fail "no summary: $(cat "$tmp/err2.txt")"
  hs_log "ok: every failing check says what to do"
  ;;
*) hs_fail "unknown case $case_name" ;;
esac
