#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# No secret in any output of a whole go-live with debug logging on.
#
# `hoststudio live --provider cloudinary` runs a complete session on the local stack (Cloudinary API
# stand-in -> nginx-rtmp ingest, relay, local recording) with QT_LOGGING_RULES="hoststudio.*.debug=true",
# its secrets in the private secrets file: the host's nsec and the Cloudinary API secret; the stand-in
# (this test's own, with an API secret made up for this run) hands out the stream key. While live the
# crash journal is copied; then the session ends by --duration. Afterwards none of
#   the nsec, the secret key in hex, the API secret, its Basic-authorization form, the stream key
# may appear in stdout, stderr, the crash journal, the settings file, or any file the run wrote
# under its HOME and XDG directories (logs, state, data, config, cache) - the secrets file itself
# excepted, where they belong. The scan is checked first on planted sample lines (it must find a
# secret written in the clear, and must not flag the scrubber's mask).
#
# The local nginx ingest names its HLS playlist after the stream key, so the public playback URL
# (.../hls/<stream key>.m3u8, also in the Nostr event) contains the key; that exact URL is taken out
# before the stream key is looked for. Real services' playback URLs carry no key.
# Usage: golive_secrets_test.sh HOSTSTUDIO_BINARY
set -euo pipefail
# shellcheck source=../lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/../lib.sh"

hoststudio=${1:?usage: golive_secrets_test.sh HOSTSTUDIO_BINARY}
for tool in node python3 ffprobe; do
  command -v "$tool" >/dev/null || hs_fail "$tool is missing (scripts/dev setup installs it)"
done
hs_load_stack_env

tmp=
hs_make_tmpdir tmp
run_home=$tmp/home
mkdir -p "$run_home/.config" "$run_home/.local/share" "$run_home/.local/state" "$run_home/.cache" "$tmp/run" \
  "$tmp/logs" "$tmp/captured"
chmod 700 "$run_home" "$run_home/.config" "$run_home/.local/share" "$run_home/.local/state" "$tmp/run"
export HOME=$run_home XDG_CONFIG_HOME=$run_home/.config XDG_DATA_HOME=$run_home/.local/share \
  XDG_STATE_HOME=$run_home/.local/state XDG_CACHE_HOME=$run_home/.cache XDG_RUNTIME_DIR=$tmp/run \
  QT_QPA_PLATFORM=offscreen QT_LOGGING_RULES="hoststudio.*.debug=true"
# No Secret Service: the file backend, as on a server.
unset DBUS_SESSION_BUS_ADDRESS HOSTSTUDIO_NOSTR_KEY CLOUDINARY_URL CLOUDINARY_CLOUD_NAME CLOUDINARY_API_KEY \
  CLOUDINARY_API_SECRET

# --- this run's Cloudinary stand-in, with its own API secret -----------------------------------------
api_key=$(python3 -c 'import secrets; print(secrets.randbelow(9 * 10**14) + 10**14)')
api_secret=cld_$(python3 -c 'import secrets; print(secrets.token_hex(12))')
cloud=secretsgolive
port=$(hs_free_ports 1)
node "$HS_REPO_ROOT/tests/peers/cloudinary-fake.mjs" --host 127.0.0.1 --port "$port" --cloud "$cloud" \
  --api-key "$api_key" --api-secret "$api_secret" --ingest-uri "$HOSTSTUDIO_RTMP_URL" \
  --hls-base "$HOSTSTUDIO_HLS_BASE_URL" >"$tmp/fake.log" 2>&1 &
fake=$!
hs_reap_on_exit "$fake"
fake_up() { curl -fsS "http://127.0.0.1:$port/__health" >/dev/null 2>&1; }
HS_WAIT_SECONDS=15 hs_wait_for fake_up || hs_fail "the Cloudinary stand-in did not start: $(tail -n 5 "$tmp/fake.log")"

# --- settings: the stack's, with this stand-in and the file backend ----------------------------------
settings=$tmp/studio.ini
python3 - "$HOSTSTUDIO_STACK_DIR/hoststudio.ini" "$settings" "http://127.0.0.1:$port" "$cloud" "$api_key" \
  "$tmp/logs" <<'PYTHON'
import sys
source, target, base, cloud, key, logs = sys.argv[1:]
kept, skip = [], False
for line in open(source, encoding="utf-8").read().splitlines():
    if line.startswith("["):
        skip = line.strip() in ("[cloudinary]", "[log]", "[secrets]")
    if not skip:
        kept.append(line)
kept += ["", "[cloudinary]", f"apiBaseUrl={base}", f"cloudName={cloud}", f"apiKey={key}",
         "", "[log]", f"directory={logs}", "", "[secrets]", "backend=file", ""]
open(target, "w", encoding="utf-8").write("\n".join(kept))
PYTHON

outputs=() # every stdout and stderr of the run
n=0
# run EXPECTED_EXIT STDIN ARGS...: stdout in $out, stderr in $err.
run() {
  local expected=$1 input=$2 status=0
  shift 2
  n=$((n + 1))
  out=$tmp/captured/out.$n err=$tmp/captured/err.$n
  "$hoststudio" --config "$settings" "$@" <"$input" >"$out" 2>"$err" || status=$?
  outputs+=("$out" "$err")
  ((status == expected)) || hs_fail "hoststudio $* exited $status, expected $expected: $(tail -n 5 "$err")"
}

# --- the secrets, stored the way a host stores them ----------------------------------------------------
keygen=$tmp/keygen.json
"$hoststudio" --config "$settings" nostr keygen --show-secret >"$keygen" 2>/dev/null || hs_fail "nostr keygen failed"
nsec=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["nsec"])' "$keygen")
host=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["pubkey"])' "$keygen")
# The same key in hex (NIP-19 bech32 decoded here, independently of the program).
secret_hex=$(python3 - "$nsec" <<'PYTHON'
import sys
alphabet = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
data = [alphabet.index(c) for c in sys.argv[1].split("1", 1)[1][:-6]]
acc, bits, out = 0, 0, bytearray()
for value in data:
    acc, bits = (acc << 5) | value, bits + 5
    while bits >= 8:
        bits -= 8
        out.append((acc >> bits) & 0xFF)
print(out.hex())
PYTHON
)
rm -f -- "$keygen"
[[ $nsec =~ ^nsec1 && $secret_hex =~ ^[0-9a-f]{64}$ && $host =~ ^[0-9a-f]{64}$ ]] ||
  hs_fail "keygen gave no usable key"
printf '%s\n' "$nsec" >"$tmp/value" && chmod 600 "$tmp/value"
run 0 "$tmp/value" secret set nostr/nsec
printf '%s\n' "$api_secret" >"$tmp/value"
run 0 "$tmp/value" secret set cloudinary/apiSecret
rm -f -- "$tmp/value"
secrets_file=$XDG_CONFIG_HOME/HostStudio/secrets.json
[[ -f $secrets_file ]] || hs_fail "the secrets were not stored in $secrets_file"
grep -qF -- "$api_secret" "$secrets_file" || hs_fail "the API secret is not in the secrets file"

# --- the whole go-live, with debug logging --------------------------------------------------------------
event=$(hs_unique secrets-golive)
n=$((n + 1))
live_out=$tmp/captured/out.$n live_err=$tmp/captured/err.$n
outputs+=("$live_out" "$live_err")
"$hoststudio" --config "$settings" live --provider cloudinary --event "$event" --title "Secrets check" \
  --record "$tmp/recording.mkv" --duration 10 </dev/null >"$live_out" 2>"$live_err" &
live=$!
hs_reap_on_exit "$live"
is_live() { grep -q '"event":"live"' "$live_out"; }
HS_WAIT_SECONDS=40 hs_wait_for is_live || hs_fail "not live: $(tail -n 8 "$live_err")"
journal=$XDG_STATE_HOME/hoststudio/session.json
[[ -s $journal ]] || hs_fail "no crash journal while live ($journal)"
cp -- "$journal" "$tmp/captured/journal-while-live.json"
hls=$(python3 -c 'import json, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o.get("event") == "live": print(o["hlsPlaybackUrl"]); break' "$live_out")
hs_log "live at $hls"
status=0
wait "$live" || status=$?
hs_assert_eq "$status" 0 "exit status of the session"
tail -n 1 "$live_out" | grep -q '"event":"ended","state":"ended"' || hs_fail "no clean end: $(tail -n 3 "$live_out")"
[[ -s $tmp/recording.mkv ]] || hs_fail "no local recording"
# Debug lines were logged, through the scrubbing log sink (its format: "<time> D hoststudio.<module>: …").
grep -q '^[0-9T:.-]*Z D hoststudio\.' "$live_err" ||
  hs_fail "no debug line from the log sink on stderr (debug logging off, or lines not scrubbed): $(head -n 3 "$live_err")"

# The stream keys the stand-in handed out (asked with the API credentials, as the studio does).
stream_keys=$(python3 - "http://127.0.0.1:$port/v2/video/$cloud/live_streams" "$api_key" "$api_secret" <<'PYTHON'
import base64, json, sys, urllib.request
request = urllib.request.Request(sys.argv[1])
token = base64.b64encode(f"{sys.argv[2]}:{sys.argv[3]}".encode()).decode()
request.add_header("Authorization", "Basic " + token)
for stream in json.load(urllib.request.urlopen(request, timeout=10))["data"]:
    print(stream["input"]["stream_key"])
PYTHON
)
[[ -n $stream_keys ]] || hs_fail "the stand-in created no stream"
basic=$(printf '%s:%s' "$api_key" "$api_secret" | base64 -w0)

# --- the scan -----------------------------------------------------------------------------------------
secrets=(nsec "$nsec" secret-hex "$secret_hex" api-secret "$api_secret" api-basic-auth "$basic")
while IFS= read -r key; do secrets+=(stream-key "$key"); done <<<"$stream_keys"

# find_secrets FILE...: prints "FILE: NAME" for every secret found in the clear; the public playback
# URL is taken out first (see the top).
find_secrets() {
  python3 - "$hls" "${#secrets[@]}" "${secrets[@]}" "$@" <<'PYTHON'
import sys
public_url, count = sys.argv[1].encode(), int(sys.argv[2])
pairs = sys.argv[3:3 + count]
named = [(pairs[i], pairs[i + 1].encode()) for i in range(0, count, 2)]
for path in sys.argv[3 + count:]:
    try:
        data = open(path, "rb").read()
    except OSError as error:
        print(f"{path}: unreadable ({error})")
        continue
    if public_url:
        data = data.replace(public_url, b"<public playback URL>")
    for name, value in named:
        if value in data:
            print(f"{path}: {name}")
PYTHON
}

# The scan finds a secret written in the clear, and not the scrubber's mask (plant check).
for ((i = 0; i < ${#secrets[@]}; i += 2)); do
  value=${secrets[i + 1]}
  printf '2026-11-24T10:00:00.000Z D hoststudio.cloud: request with %s\n' "$value" >"$tmp/planted.log"
  found=$(find_secrets "$tmp/planted.log")
  [[ $found == *": ${secrets[i]}"* ]] || hs_fail "the scan misses a planted ${secrets[i]}"
  printf '2026-11-24T10:00:00.000Z D hoststudio.cloud: request with ••••%s\n' "${value: -4}" >"$tmp/planted.log"
  [[ -z $(find_secrets "$tmp/planted.log") ]] || hs_fail "the scan flags the masked ${secrets[i]}"
done
rm -f -- "$tmp/planted.log"
hs_log "ok: the scan finds each of the $((${#secrets[@]} / 2)) secrets planted in a log line, and not their masks"

# Every file the run wrote under HOME and the XDG directories, the log directory, the settings file,
# the journal copy and every captured stdout/stderr; only the secrets file is left out.
files=()
while IFS= read -r -d '' file; do
  [[ $file == "$secrets_file" ]] || files+=("$file")
done < <(find "$run_home" "$tmp/logs" -type f -print0)
files+=("$settings" "$tmp/captured/journal-while-live.json" "${outputs[@]}")
((${#files[@]} >= 8)) || hs_fail "too few files to scan (${#files[@]}): the run wrote less than expected"
leaks=$(find_secrets "${files[@]}")
if [[ -n $leaks ]]; then
  printf '%s\n' "$leaks" >&2
  hs_fail "secrets found in the clear (above)"
fi
hs_log "ok: no secret in ${#files[@]} files: $(printf '%s\n' "${files[@]}" | sed "s|^$tmp/||" | tr '\n' ' ')"
