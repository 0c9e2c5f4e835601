#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `hoststudio ingest …` as a host runs it, against the Cloudinary API stand-in started here on a
# free 127.0.0.1 port (stopped by its pid on exit).
# Usage: cli_ingest_test.sh HOSTSTUDIO_BINARY CASE
set -euo pipefail

hoststudio=$1
case_name=$2
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
fake_script=$here/../../peers/cloudinary-fake.mjs

[[ -z ${TMPDIR:-} ]] || mkdir -p -- "$TMPDIR"
work=$(mktemp -d "${TMPDIR:-/tmp}/hoststudio-cli-ingest.XXXXXX")
fake_pid=
cleanup() {
  if [[ -n $fake_pid ]]; then
    kill -TERM "$fake_pid" 2>/dev/null || true
    wait "$fake_pid" 2>/dev/null || true
  fi
  rm -rf -- "$work"
}
trap cleanup EXIT
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" QT_QPA_PLATFORM=offscreen
mkdir -p "$XDG_CONFIG_HOME"
unset CLOUDINARY_URL CLOUDINARY_CLOUD_NAME CLOUDINARY_API_KEY CLOUDINARY_API_SECRET

cloud=clicloud
api_key=555666777888999
api_secret=cli-test-secret-9f8e7d6c5b4a

fail() { echo "FAIL: $*" >&2; exit 1; }

start_fake() {
  : >"$work/fake.log" # exists before the background job opens it
  node "$fake_script" --host 127.0.0.1 --port 0 --cloud "$cloud" --api-key "$api_key" \
    --api-secret "$api_secret" >>"$work/fake.log" 2>&1 &
  fake_pid=$!
  local i
  for ((i = 0; i < 100; i++)); do
    port=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/fake.log")
    [[ -n $port ]] && break
    sleep 0.1
  done
  [[ -n $port ]] || fail "the fake did not start: $(cat "$work/fake.log")"
  printf '[cloudinary]\napiBaseUrl=http://127.0.0.1:%s\n' "$port" >"$work/hoststudio.ini"
}

# run EXPECTED_EXIT ARGS... : stdout in $work/out, stderr in $work/err.
run() {
  local expected=$1; shift
  local status=0
  "$hoststudio" --config "$work/hoststudio.ini" "$@" >"$work/out" 2>"$work/err" || status=$?
  if [[ $status -ne $expected ]]; then
    echo "--- stdout" >&2; cat "$work/out" >&2; echo "--- stderr" >&2; cat "$work/err" >&2
    fail "hoststudio $* exited $status, expected $expected"
  fi
  # The API secret never shows, whatever happened.
  ! grep -qF -- "$api_secret" "$work/out" "$work/err" || fail "the API secret was printed by hoststudio $*"
}

# field NAME < one JSON line
field() {
  python3 -c '
import json, sys
value = json.loads(sys.stdin.readline())
print(json.dumps(value[sys.argv[1]]) if not isinstance(value[sys.argv[1]], str) else value[sys.argv[1]])' "$1"
}

expect_in() { grep -qF -- "$2" "$1" || { cat "$1" >&2; fail "expected '$2' in $(basename "$1")"; }; }

case $case_name in

lifecycle)
  start_fake
  export CLOUDINARY_URL="cloudinary://$api_key:$api_secret@$cloud"
  run 0 ingest list
  [[ ! -s $work/out ]] || fail "a new account lists streams: $(cat "$work/out")"
  run 0 ingest create --name "Town hall" --idle-timeout 90
  id=$(field id <"$work/out")
  [[ $id =~ ^[0-9a-f]{32}$ ]] || fail "create printed no stream id: $(cat "$work/out")"
  [[ $(field status <"$work/out") == idle ]] || fail "a new stream is not idle"
  [[ $(field idle_timeout_sec <"$work/out") == 90 ]] || fail "--idle-timeout was not sent"
  [[ $(field stream_key <"$work/out") == ••••* ]] || fail "the stream key is shown without --show-key"
  run 0 ingest list
  [[ $(wc -l <"$work/out") -eq 1 && $(field id <"$work/out") == "$id" ]] || fail "list: $(cat "$work/out")"
  run 0 ingest show --id "$id" --show-key
  [[ $(field name <"$work/out") == "Town hall" ]] || fail "show: wrong name"
  key=$(field stream_key <"$work/out")
  [[ $key =~ ^[a-z0-9]{20}$ ]] || fail "show --show-key: no stream key: $key"
  [[ $(field publish_url <"$work/out") == */$key ]] || fail "the publish URL does not end with the key"
  [[ $(field hls_url <"$work/out") == http*.m3u8 ]] || fail "no HLS URL"
  run 0 ingest activate --id "$id"
  [[ $(field result <"$work/out") == activated ]] || fail "activate: $(cat "$work/out")"
  run 0 ingest show --id "$id"
  [[ $(field status <"$work/out") == active ]] || fail "the stream is not active after activate"
  run 0 ingest idle --id "$id"
  run 0 ingest show --id "$id"
  [[ $(field status <"$work/out") == idle ]] || fail "the stream is not idle after idle"
  run 0 ingest delete --id "$id"
  [[ $(field result <"$work/out") == deleted ]] || fail "delete: $(cat "$work/out")"
  run 0 ingest list
  [[ ! -s $work/out ]] || fail "the deleted stream is still listed"
  run 1 ingest show --id "$id"
  expect_in "$work/err" "live stream not found"
  expect_in "$work/err" "create a new one"
  # The same through the three separate variables, the cloud name and key from the settings.
  unset CLOUDINARY_URL
  printf 'cloudName=%s\napiKey=%s\n' "$cloud" "$api_key" >>"$work/hoststudio.ini"
  CLOUDINARY_API_SECRET=$api_secret run 0 ingest list
  ;;

bad_credentials)
  start_fake
  CLOUDINARY_URL="cloudinary://$api_key:wrong-secret-123456@$cloud" run 1 ingest list
  expect_in "$work/err" "credentials rejected"
  expect_in "$work/err" "API secret"
  ! grep -qF "wrong-secret-123456" "$work/err" || fail "the wrong secret was printed"
  [[ $(grep -c '"GET"' <(curl -fsS "http://127.0.0.1:$port/__requests" | python3 -c '
import json, sys
for r in json.load(sys.stdin): print(json.dumps(r["method"]))')) -eq 1 ]] || fail "a 401 was retried"
  CLOUDINARY_URL="cloudinary://$api_key:$api_secret@othercloud" run 1 ingest create --name x
  expect_in "$work/err" "credentials rejected"
  CLOUDINARY_URL="https://$api_key:$api_secret@$cloud" run 1 ingest list
  expect_in "$work/err" "cloudinary://API_KEY:API_SECRET@CLOUD_NAME"
  CLOUDINARY_API_KEY=$api_key run 1 ingest list
  expect_in "$work/err" "missing cloud name, API secret"
  ;;

secret_store)
  # Cloud name and key in the settings, the API secret in the secret store (the private file here).
  start_fake
  printf 'cloudName=%s\napiKey=%s\n[secrets]\nbackend=file\n' "$cloud" "$api_key" >>"$work/hoststudio.ini"
  run 1 ingest list
  expect_in "$work/err" "missing API secret"
  expect_in "$work/err" "hoststudio secret set cloudinary/apiSecret"
  printf '%s\n' "$api_secret" >"$work/secret.txt"
  run 0 secret set cloudinary/apiSecret <"$work/secret.txt"
  run 0 ingest list
  run 0 ingest create --name "From the store"
  [[ $(field name <"$work/out") == "From the store" ]] || fail "create with the stored secret: $(cat "$work/out")"
  # A wrong stored secret is rejected by the API, and never printed.
  printf 'wrong-stored-secret-0000\n' >"$work/secret.txt"
  run 0 secret set cloudinary/apiSecret <"$work/secret.txt"
  run 1 ingest list
  expect_in "$work/err" "credentials rejected"
  ! grep -qF "wrong-stored-secret-0000" "$work/out" "$work/err" || fail "the stored secret was printed"
  # The environment still wins over the store.
  CLOUDINARY_API_SECRET=$api_secret run 0 ingest list
  ;;

not_configured)
  printf '[cloudinary]\napiBaseUrl=https://api.cloudinary.com\n' >"$work/hoststudio.ini"
  run 1 ingest list
  expect_in "$work/err" "not configured"
  expect_in "$work/err" "CLOUDINARY_URL"
  printf '[cloudinary]\napiBaseUrl=http://cloudinary.example.com\n' >"$work/hoststudio.ini"
  CLOUDINARY_URL="cloudinary://$api_key:$api_secret@$cloud" run 1 ingest list
  expect_in "$work/err" "must use https://"
  # Nothing listens: a clear error, no hang.
  printf '[cloudinary]\napiBaseUrl=http://127.0.0.1:9\n' >"$work/hoststudio.ini"
  CLOUDINARY_URL="cloudinary://$api_key:$api_secret@$cloud" run 1 ingest list
  expect_in "$work/err" "could not be reached"
  ;;

usage_errors)
  printf '[cloudinary]\napiBaseUrl=http://127.0.0.1:9\n' >"$work/hoststudio.ini"
  run 2 ingest
  expect_in "$work/err" "which command"
  run 2 ingest launch
  expect_in "$work/err" "unknown command 'launch'"
  run 2 ingest show
  expect_in "$work/err" "show needs --id ID"
  run 2 ingest delete --id
  expect_in "$work/err" "--id needs a value"
  run 2 ingest list --name x
  expect_in "$work/err" "unknown option '--name'"
  run 2 ingest create --idle-timeout soon
  expect_in "$work/err" "whole number of seconds"
  run 2 ingest create stray
  expect_in "$work/err" "unexpected argument 'stray'"
  run 0 ingest --help
  expect_in "$work/out" "CLOUDINARY_URL"
  ;;

*)
  fail "unknown case $case_name"
  ;;
esac
echo "PASS: $case_name"
