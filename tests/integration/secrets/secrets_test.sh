#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Secrets with a real Secret Service and without one.
#   1. A private D-Bus session bus (no service activation) and gnome-keyring-daemon with an unlocked
#      login keyring on it: core::SecretStore (SecretStoreKeyringTest) and `hoststudio secret …` use
#      the keyring; `hoststudio nostr pubkey` finds the nsec there; nothing reaches a file.
#   2. The keyring stopped, the bus still up: the file backend is chosen and says why.
#   3. No bus at all: the same, and --backend keyring is refused with what to do.
# Every command runs with debug logging on; no secret value may appear on stdout (except
# `get --reveal`), stderr, a log file or the settings file. The bus and the keyring are this test's
# own and are stopped by pid.
# Usage: secrets_test.sh HOSTSTUDIO_BINARY SECRET_STORE_TEST_BINARY
set -euo pipefail
# shellcheck source=../lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/../lib.sh"

hoststudio=$1
store_test=$2
for tool in dbus-daemon dbus-send gnome-keyring-daemon python3; do
  command -v "$tool" >/dev/null || hs_fail "$tool is missing (scripts/dev setup installs it)"
done

work=$(mktemp -d)
hs_cleanup "rm -rf '$work'"
mkdir -m 700 "$work/run" "$work/home" "$work/home/.config" "$work/home/.local" "$work/home/.local/share" \
  "$work/no-bus"
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_DATA_HOME="$work/home/.local/share" \
  XDG_RUNTIME_DIR="$work/run" QT_QPA_PLATFORM=offscreen QT_LOGGING_RULES="hoststudio.*.debug=true"
unset HOSTSTUDIO_NOSTR_KEY CLOUDINARY_URL CLOUDINARY_API_SECRET DBUS_SESSION_BUS_ADDRESS

# The secrets of this test; none may leak.
stream_key="live_cli_5b9e27d4c1f08a63"
nsec="nsec1vl029mgpspedva04g90vltkh6fvh240zqtv9k0t9af8935ke9laqsnlfe5"
file_secret="file_only_secret_0c7d1e9b"
argv_secret="argv_secret_4e8a2f6b"

settings="$work/studio.ini"
printf '[log]\ndirectory=%s\n' "$work/logs" >"$settings"

outputs=() # every stdout/stderr captured, checked for leaks at the end
n=0
# run EXPECTED_EXIT [STDIN_FILE|-] ARGS... : stdout in $out, stderr in $err.
run() {
  local expected=$1 input=$2 status=0
  shift 2
  n=$((n + 1))
  out="$work/out.$n" err="$work/err.$n"
  if [[ $input == - ]]; then
    "$hoststudio" --config "$settings" "$@" </dev/null >"$out" 2>"$err" || status=$?
  else
    "$hoststudio" --config "$settings" "$@" <"$input" >"$out" 2>"$err" || status=$?
  fi
  if [[ $status -ne $expected ]]; then
    echo "--- stdout" >&2; cat "$out" >&2; echo "--- stderr" >&2; cat "$err" >&2
    hs_fail "hoststudio $* exited $status, expected $expected"
  fi
  outputs+=("$err")
}
keep_stdout() { outputs+=("$out"); } # stdout that must hold no secret
field() { python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())[sys.argv[1]])' "$1" <"$out"; }
expect_in() { grep -qF -- "$2" "$1" || { cat "$1" >&2; hs_fail "expected '$2' in $1"; }; }
expect_not_in() { ! grep -qF -- "$2" "$1" || { cat "$1" >&2; hs_fail "did not expect '$2' in $1"; }; }
# stop PID: TERM, then waits up to 5 s until it is gone (a zombie waiting for its reaper counts as gone).
stop() {
  kill "$1" 2>/dev/null || true
  local _
  for _ in $(seq 1 50); do
    if ! kill -0 "$1" 2>/dev/null || [[ $(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) == Z ]]; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}
write_value() { printf '%s\n' "$1" >"$work/value"; chmod 600 "$work/value"; }

# --- the bus and the keyring ------------------------------------------------------------------------
cat >"$work/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=$work/run</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
EOF
dbus-daemon --config-file="$work/bus.conf" --fork --print-address=3 --print-pid=4 \
  3>"$work/bus.address" 4>"$work/bus.pid"
bus_pid=$(head -n1 "$work/bus.pid")
hs_cleanup "kill $bus_pid"
DBUS_SESSION_BUS_ADDRESS=$(head -n1 "$work/bus.address")
export DBUS_SESSION_BUS_ADDRESS
hs_log "private session bus pid $bus_pid"

secret_service_owned() {
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'
}

# The login keyring is created (or unlocked) with the password on stdin.
printf 'hoststudio-test-password' |
  gnome-keyring-daemon --foreground --unlock --components=secrets >"$work/keyring.out" 2>"$work/keyring.err" &
keyring_pid=$!
hs_cleanup "kill $keyring_pid"
for _ in $(seq 1 100); do
  secret_service_owned && break
  kill -0 "$keyring_pid" 2>/dev/null || { cat "$work/keyring.err" >&2; hs_fail "gnome-keyring-daemon exited"; }
  sleep 0.1
done
secret_service_owned || hs_fail "gnome-keyring-daemon did not take org.freedesktop.secrets within 10 s"
hs_log "gnome-keyring-daemon pid $keyring_pid owns org.freedesktop.secrets"

# --- 1. with the Secret Service -------------------------------------------------------------------
HOSTSTUDIO_EXPECT_SECRET_SERVICE=yes "$store_test" || hs_fail "SecretStore against the keyring"

write_value "$stream_key"
run 0 "$work/value" secret set ingest/streamKey
keep_stdout
[[ $(field backend) == keyring ]] || hs_fail "set did not use the keyring: $(cat "$out")"
[[ $(field event) == secret-stored ]] || hs_fail "set printed $(cat "$out")"

write_value "$nsec"
run 0 "$work/value" secret set nostr/nsec
keep_stdout

run 0 - secret list
keep_stdout
[[ $(field backend) == keyring ]] || hs_fail "list: $(cat "$out")"
expect_in "$out" '"names":["ingest/streamKey","nostr/nsec"]'
expect_in "$out" 'answered on the D-Bus session bus'

run 2 - secret get ingest/streamKey
keep_stdout
expect_in "$err" "--reveal"
run 0 - secret get ingest/streamKey --reveal
[[ $(field value) == "$stream_key" ]] || hs_fail "get --reveal printed $(cat "$out")"

# The host's Nostr key, found in the keyring as the last source (the same key as from the environment).
HOSTSTUDIO_NOSTR_KEY=$nsec run 0 - nostr pubkey
keep_stdout
npub=$(field npub)
[[ $npub == npub1* ]] || hs_fail "nostr pubkey printed $(cat "$out")"
run 0 - nostr pubkey
keep_stdout
[[ $(field npub) == "$npub" ]] || hs_fail "the key from the keyring differs: $(cat "$out")"
expect_in "$out" '"source":"secret-store"'

# A value on the command line is refused and not echoed.
run 2 - secret set ingest/streamKey "$argv_secret"
keep_stdout
expect_in "$err" "stdin"
expect_not_in "$err" "$argv_secret"

# Not a valid nsec: refused before anything is stored.
write_value "nsec1notakey"
run 1 "$work/value" secret set nostr/nsec
keep_stdout

# Nothing went to a file.
[[ ! -e $XDG_CONFIG_HOME/HostStudio/secrets.json ]] || hs_fail "the keyring pass wrote the secrets file"
! grep -rqF -- "$stream_key" "$XDG_CONFIG_HOME" || hs_fail "the stream key reached a file under XDG_CONFIG_HOME"

run 0 - secret delete ingest/streamKey
keep_stdout
[[ $(field event) == secret-deleted ]] || hs_fail "delete printed $(cat "$out")"
run 1 - secret get ingest/streamKey --reveal
keep_stdout
expect_in "$err" "there is no secret ingest/streamKey in the keyring"
run 1 - secret delete ingest/streamKey
keep_stdout
run 0 - secret delete nostr/nsec
keep_stdout
run 0 - secret list
keep_stdout
expect_in "$out" '"names":[]'

# --- 2. the keyring stopped, the bus still up ------------------------------------------------------
stop "$keyring_pid" || hs_fail "gnome-keyring-daemon did not stop"
secret_service_owned && hs_fail "org.freedesktop.secrets is still owned"
hs_log "keyring stopped; bus still running"

HOSTSTUDIO_EXPECT_SECRET_SERVICE=no "$store_test" || hs_fail "SecretStore without a Secret Service"

run 0 - secret list
keep_stdout
[[ $(field backend) == file ]] || hs_fail "list without a Secret Service: $(cat "$out")"
expect_in "$out" 'no Secret Service answered'
[[ $(field location) == "$XDG_CONFIG_HOME/HostStudio/secrets.json" ]] || hs_fail "location: $(cat "$out")"

write_value "$file_secret"
run 0 "$work/value" secret set cloudinary/apiSecret
keep_stdout
[[ $(field backend) == file ]] || hs_fail "set without a Secret Service: $(cat "$out")"
secrets_file="$XDG_CONFIG_HOME/HostStudio/secrets.json"
[[ $(stat -c %a "$secrets_file") == 600 ]] || hs_fail "secrets file mode $(stat -c %a "$secrets_file")"
[[ $(stat -c %a "$(dirname "$secrets_file")") == 700 ]] || hs_fail "secrets directory is not 0700"
run 0 - secret get cloudinary/apiSecret --reveal
[[ $(field value) == "$file_secret" ]] || hs_fail "get --reveal from the file printed $(cat "$out")"

# A secrets file others can read is refused, like ssh does.
chmod 644 "$secrets_file"
run 1 - secret get cloudinary/apiSecret --reveal
keep_stdout
expect_in "$err" "chmod 600 $secrets_file"
chmod 600 "$secrets_file"

run 1 - secret list --backend keyring
keep_stdout
expect_in "$err" "set secrets/backend to auto or file"

# --- 3. no session bus at all ---------------------------------------------------------------------
stop "$bus_pid" || hs_fail "the private bus did not stop"
(
  unset DBUS_SESSION_BUS_ADDRESS
  export XDG_RUNTIME_DIR="$work/no-bus"
  run 0 - secret list
  keep_stdout
  [[ $(field backend) == file ]] || hs_fail "list without a bus: $(cat "$out")"
  expect_in "$out" 'no D-Bus session bus'
  expect_in "$out" '"names":["cloudinary/apiSecret"]'
  run 0 - secret delete cloudinary/apiSecret
  keep_stdout
  # Usage errors say what to do; an empty stdin stores nothing.
  run 2 - secret
  expect_in "$err" "set, get, delete or list"
  run 2 - secret frob
  run 2 - secret set
  expect_in "$err" "NAME"
  run 2 - secret get "no slash" --reveal
  expect_in "$err" "group/name"
  run 2 - secret list --reveal
  run 2 - secret list --backend plaintext
  expect_in "$err" "auto, keyring or file"
  run 1 - secret set ingest/streamKey
  expect_in "$err" "no value on stdin"
  run 0 - secret list
  expect_in "$out" '"names":[]'
  printf '%s\n' "${outputs[@]}" >"$work/outputs.sub"
)
mapfile -t outputs <"$work/outputs.sub"

# --- no secret anywhere it must not be ------------------------------------------------------------
# The debug lines did reach stderr (so the check below looked at a real log).
grep -qF "secrets: stored ingest/streamKey in the keyring" "$work"/err.* || hs_fail "no debug log on stderr"
leak_files=("${outputs[@]}" "$settings")
if [[ -d $work/logs ]]; then
  while IFS= read -r -d '' log_file; do leak_files+=("$log_file"); done < <(find "$work/logs" -type f -print0)
fi
[[ -e $XDG_CONFIG_HOME/HostStudio/hoststudio.conf ]] && leak_files+=("$XDG_CONFIG_HOME/HostStudio/hoststudio.conf")
for secret in "$stream_key" "$nsec" "$file_secret" "$argv_secret"; do
  for file in "${leak_files[@]}"; do
    ! grep -qF -- "$secret" "$file" || { cat "$file" >&2; hs_fail "a secret value appears in $file"; }
  done
done
hs_log "checked ${#leak_files[@]} outputs and files for leaks"
