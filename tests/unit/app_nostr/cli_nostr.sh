#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The `hoststudio nostr …` commands as a host or a script runs them: real binary, real pipes.
# Usage: cli_nostr.sh HOSTSTUDIO_BINARY CASE [VECTORS_JSON]
# Every case runs with its own empty HOME/XDG_CONFIG_HOME and without HOSTSTUDIO_NOSTR_KEY.
set -euo pipefail

hoststudio=$1
case_name=$2
vectors=${3:-}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" QT_QPA_PLATFORM=offscreen
mkdir -p "$XDG_CONFIG_HOME"
unset HOSTSTUDIO_NOSTR_KEY
default_key="$XDG_CONFIG_HOME/HostStudio/nostr.key"

fail() { echo "FAIL: $*" >&2; exit 1; }

# field NAME < one JSON line: prints the value (null as "null", booleans as true/false).
field() {
  python3 -c '
import json, sys
value = json.loads(sys.stdin.readline())
for name in sys.argv[1].split("."):
    value = value[int(name)] if isinstance(value, list) else value[name]
print(json.dumps(value) if not isinstance(value, str) else value)' "$1"
}

# run EXPECTED_EXIT ARGS... : runs hoststudio, keeps stdout/stderr in $work/out, $work/err.
run() {
  local expected=$1; shift
  local status=0
  "$hoststudio" "$@" >"$work/out" 2>"$work/err" || status=$?
  if [[ $status -ne $expected ]]; then
    echo "--- stdout" >&2; cat "$work/out" >&2; echo "--- stderr" >&2; cat "$work/err" >&2
    fail "hoststudio $* exited $status, expected $expected"
  fi
}

# run_stdin EXPECTED_EXIT INPUT_FILE ARGS...
run_stdin() {
  local expected=$1 input=$2; shift 2
  local status=0
  "$hoststudio" "$@" <"$input" >"$work/out" 2>"$work/err" || status=$?
  if [[ $status -ne $expected ]]; then
    echo "--- stdout" >&2; cat "$work/out" >&2; echo "--- stderr" >&2; cat "$work/err" >&2
    fail "hoststudio $* < $input exited $status, expected $expected"
  fi
}

expect_in() { grep -qF -- "$2" "$1" || { cat "$1" >&2; fail "expected '$2' in $(basename "$1")"; }; }
expect_not_in() { ! grep -qF -- "$2" "$1" || { cat "$1" >&2; fail "did not expect '$2' in $(basename "$1")"; }; }

case $case_name in

keygen_pubkey)
  run 0 nostr keygen --save
  keygen=$(cat "$work/out")
  expect_in "$work/err" "$default_key"
  [[ $(stat -c %a "$default_key") == 600 ]] || fail "key file mode is $(stat -c %a "$default_key"), not 600"
  run 0 nostr pubkey
  [[ $(field pubkey <"$work/out") == $(field pubkey <<<"$keygen") ]] || fail "pubkey differs from keygen"
  [[ $(field npub <"$work/out") == $(field npub <<<"$keygen") ]] || fail "npub differs from keygen"
  [[ $(field source <"$work/out") == default-file ]] || fail "source is not the default file"
  # The same key through --key-file and through the environment variable.
  cp -p "$default_key" "$work/copy.key"
  run 0 nostr pubkey --key-file "$work/copy.key"
  [[ $(field pubkey <"$work/out") == $(field pubkey <<<"$keygen") ]] || fail "--key-file gives another key"
  HOSTSTUDIO_NOSTR_KEY=$(cat "$default_key") run 0 nostr pubkey
  [[ $(field source <"$work/out") == environment ]] || fail "the environment variable was not used"
  [[ $(field pubkey <"$work/out") == $(field pubkey <<<"$keygen") ]] || fail "environment gives another key"
  # Never overwritten without --force.
  before=$(cat "$default_key")
  run 1 nostr keygen --save
  expect_in "$work/err" "--force"
  [[ $(cat "$default_key") == "$before" ]] || fail "keygen --save overwrote the key file"
  run 0 nostr keygen --save --force
  [[ $(cat "$default_key") != "$before" ]] || fail "keygen --save --force did not replace the key"
  [[ $(stat -c %a "$default_key") == 600 ]] || fail "replaced key file is not mode 600"
  run 0 nostr pubkey
  [[ $(field pubkey <"$work/out") != $(field pubkey <<<"$keygen") ]] || fail "pubkey did not change after --force"
  ;;

key_sources)
  run 1 nostr pubkey
  expect_in "$work/err" "--key-file"
  expect_in "$work/err" "HOSTSTUDIO_NOSTR_KEY"
  expect_in "$work/err" "$default_key"
  printf '%s\n' 0000000000000000000000000000000000000000000000000000000000000003 >"$work/loose.key"
  chmod 644 "$work/loose.key"
  run 1 nostr pubkey --key-file "$work/loose.key"
  expect_in "$work/err" "chmod 600 $work/loose.key"
  chmod 600 "$work/loose.key"
  run 0 nostr pubkey --key-file "$work/loose.key"
  [[ $(field pubkey <"$work/out") == f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9 ]] ||
    fail "wrong public key for secret key 3"
  HOSTSTUDIO_NOSTR_KEY=garbage run 1 nostr pubkey
  expect_in "$work/err" "HOSTSTUDIO_NOSTR_KEY"
  ;;

secret_hidden)
  run 0 nostr keygen --save
  nsec_count=$(grep -c nsec1 "$work/out" || true)
  [[ $nsec_count == 0 ]] || fail "keygen printed an nsec without --show-secret"
  secret=$(tr -d '\n' <"$default_key")
  [[ $secret == nsec1* ]] || fail "the key file does not hold an nsec"
  secret_hex=$("$hoststudio" nostr decode "$secret" --show-secret | field seckey)
  for args in "nostr pubkey" "nostr keygen" "nostr decode $secret"; do
    # shellcheck disable=SC2086
    run 0 $args
    expect_not_in "$work/out" "$secret"
    expect_not_in "$work/out" "$secret_hex"
    expect_not_in "$work/err" "$secret"
    expect_not_in "$work/err" "$secret_hex"
  done
  echo '{"kind":1,"tags":[],"content":"hello"}' >"$work/template.json"
  run_stdin 0 "$work/template.json" nostr sign
  expect_not_in "$work/out" "$secret"
  expect_not_in "$work/out" "$secret_hex"
  # Asked for explicitly, it is printed.
  run 0 nostr pubkey --show-secret
  [[ $(field nsec <"$work/out") == "$secret" ]] || fail "pubkey --show-secret does not print the nsec"
  run 0 nostr keygen --show-secret
  shown=$(field nsec <"$work/out")
  [[ $shown == nsec1* ]] || fail "keygen --show-secret does not print an nsec"
  [[ $("$hoststudio" nostr decode "$shown" | field pubkey) == $(field pubkey <"$work/out") ]] ||
    fail "keygen --show-secret: nsec and pubkey disagree"
  ;;

roundtrip_npub)
  hex=f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9
  run 0 nostr encode npub "$hex"
  bech=$(field bech32 <"$work/out")
  [[ $bech == npub1* ]] || fail "not an npub: $bech"
  run 0 nostr decode "$bech"
  [[ $(field type <"$work/out") == npub && $(field pubkey <"$work/out") == "$hex" ]] || fail "npub round trip"
  run 0 nostr decode "nostr:$bech"
  [[ $(field pubkey <"$work/out") == "$hex" ]] || fail "nostr: URI not decoded"
  run 1 nostr encode npub 0000000000000000000000000000000000000000000000000000000000000000
  ;;

roundtrip_note)
  id=dc90c95f09947507c1044e8f48bcf6350aa6bff1507dd4acfc755b9239b5c962
  run 0 nostr encode note "$id"
  bech=$(field bech32 <"$work/out")
  [[ $bech == note1* ]] || fail "not a note: $bech"
  run 0 nostr decode "$bech"
  [[ $(field type <"$work/out") == note && $(field id <"$work/out") == "$id" ]] || fail "note round trip"
  run 1 nostr encode note "${id:0:62}"
  ;;

roundtrip_nevent)
  id=dc90c95f09947507c1044e8f48bcf6350aa6bff1507dd4acfc755b9239b5c962
  author=3bf0c63fcb93463407af97a5e5ee64fa883d107ef9e558472c4eb9aaaefa459d
  run 0 nostr encode nevent "$id" --relay wss://relay.one --relay=ws://127.0.0.1:7777 --author "$author" --kind 1
  bech=$(field bech32 <"$work/out")
  [[ $bech == nevent1* ]] || fail "not an nevent: $bech"
  run 0 nostr decode "$bech"
  [[ $(field type <"$work/out") == nevent ]] || fail "type"
  [[ $(field id <"$work/out") == "$id" ]] || fail "id"
  [[ $(field author <"$work/out") == "$author" ]] || fail "author"
  [[ $(field kind <"$work/out") == 1 ]] || fail "kind"
  [[ $(field relays <"$work/out") == '["wss://relay.one", "ws://127.0.0.1:7777"]' ]] || fail "relays"
  # Without the optional fields.
  run 0 nostr encode nevent "$id"
  run 0 nostr decode "$(field bech32 <"$work/out")"
  [[ $(field author <"$work/out") == null && $(field kind <"$work/out") == null ]] || fail "optional fields"
  ;;

roundtrip_naddr)
  author=3bf0c63fcb93463407af97a5e5ee64fa883d107ef9e558472c4eb9aaaefa459d
  run 0 nostr encode naddr --kind 30311 --author "$author" --identifier "stream-2026 ünï" --relay wss://relay.one
  bech=$(field bech32 <"$work/out")
  [[ $bech == naddr1* ]] || fail "not an naddr: $bech"
  run 0 nostr decode "$bech"
  [[ $(field type <"$work/out") == naddr ]] || fail "type"
  [[ $(field kind <"$work/out") == 30311 ]] || fail "kind"
  [[ $(field author <"$work/out") == "$author" ]] || fail "author"
  [[ $(field identifier <"$work/out") == "stream-2026 ünï" ]] || fail "identifier"
  [[ $(field relays.0 <"$work/out") == wss://relay.one ]] || fail "relay"
  [[ $(field coordinate <"$work/out") == "30311:$author:stream-2026 ünï" ]] || fail "coordinate"
  # An empty identifier is allowed by NIP-19.
  run 0 nostr encode naddr --kind 30311 --author "$author" --identifier ""
  run 0 nostr decode "$(field bech32 <"$work/out")"
  [[ $(field identifier <"$work/out") == "" ]] || fail "empty identifier"
  ;;

decode_invalid)
  run 1 nostr decode npub1notvalidatall
  expect_in "$work/err" "cannot decode"
  good=$("$hoststudio" nostr encode note dc90c95f09947507c1044e8f48bcf6350aa6bff1507dd4acfc755b9239b5c962 | field bech32)
  # Flip the last character: the checksum fails.
  last=${good: -1}; [[ $last == q ]] && repl=p || repl=q
  run 1 nostr decode "${good:0:${#good}-1}$repl"
  expect_in "$work/err" "cannot decode"
  run 1 nostr decode "${good:0:20}"
  ;;

usage_errors)
  run 2 nostr
  run 2 nostr frobnicate
  expect_in "$work/err" "hoststudio nostr keygen|pubkey|decode|encode|sign|verify|publish"
  run 2 nostr decode
  expect_in "$work/err" "Usage: hoststudio nostr decode"
  run 2 nostr encode
  run 2 nostr encode nfoo abc
  run 2 nostr encode note
  run 2 nostr encode nevent dc90c95f09947507c1044e8f48bcf6350aa6bff1507dd4acfc755b9239b5c962 --kind twelve
  expect_in "$work/err" "--kind needs a number"
  run 2 nostr encode naddr --kind 30311 --identifier x
  run 2 nostr encode naddr --kind -1 --author 3bf0c63fcb93463407af97a5e5ee64fa883d107ef9e558472c4eb9aaaefa459d --identifier x
  run 2 nostr encode npub --relay wss://x 3bf0c63fcb93463407af97a5e5ee64fa883d107ef9e558472c4eb9aaaefa459d
  run 2 nostr keygen --force
  run 2 nostr pubkey --key-file
  run 2 nostr verify --bogus
  run 2 nostr publish
  run 0 nostr --help
  expect_in "$work/out" "HOSTSTUDIO_NOSTR_KEY"
  run 0 --help
  expect_in "$work/out" "nostr keygen|pubkey"
  ;;

publish_refuses_bad_input)
  # Nothing is sent for an empty stdin, a non-event or an event that does not verify.
  printf '' >"$work/empty.json"
  run_stdin 1 "$work/empty.json" nostr publish --relay ws://127.0.0.1:9
  expect_in "$work/err" "no event on stdin"
  printf '%s' '{"kind":1}' >"$work/partial.json"
  run_stdin 1 "$work/partial.json" nostr publish --relay ws://127.0.0.1:9
  expect_in "$work/err" "invalid event"
  expect_in "$work/err" "Nothing was sent"
  run 2 nostr publish --relay https://relay.example
  expect_in "$work/err" "ws:// or wss://"
  ;;

sign_verify)
  run 0 nostr keygen --save
  pubkey=$(field pubkey <"$work/out")
  printf '%s' '{"kind":30311,"tags":[["d","show-1"],["title","Ünïcode \"quotes\" and\nnewlines"],["status","live"]],"content":"tab\there \u0001","created_at":1700000000}' >"$work/template.json"
  run_stdin 0 "$work/template.json" nostr sign
  cp "$work/out" "$work/signed.jsonl"
  [[ $(field pubkey <"$work/signed.jsonl") == "$pubkey" ]] || fail "signed with another key"
  [[ $(field created_at <"$work/signed.jsonl") == 1700000000 ]] || fail "created_at not kept"
  [[ $(field kind <"$work/signed.jsonl") == 30311 ]] || fail "kind not kept"
  run_stdin 0 "$work/signed.jsonl" nostr verify
  [[ $(field valid <"$work/out") == true ]] || fail "verify did not accept our event"
  [[ $(field id <"$work/out") == $(field id <"$work/signed.jsonl") ]] || fail "verdict names another id"
  # Templates as JSON lines, created_at defaulted to now; piped straight into verify.
  printf '%s\n' '{"kind":1,"content":"one"}' '{"kind":1311,"tags":[["a","30311:'"$pubkey"':show-1"]],"content":"two"}' \
    >"$work/templates.jsonl"
  "$hoststudio" nostr sign <"$work/templates.jsonl" | "$hoststudio" nostr verify >"$work/out" ||
    fail "sign | verify failed"
  [[ $(grep -c '"valid":true' "$work/out") == 2 ]] || fail "expected two valid verdicts"
  now=$(date +%s)
  created=$("$hoststudio" nostr sign <<<'{"kind":1,"content":"now"}' | field created_at)
  (( created >= now - 60 && created <= now + 60 )) || fail "created_at $created is not now ($now)"
  # Bad templates are refused with the reason.
  for template in '{"tags":[],"content":"no kind"}' '{"kind":70000,"content":"x"}' '{"kind":1,"tags":[[1]]}' \
                  '{"kind":1,"pubkey":"ab"}' 'not json' '[1,2]' '{"kind":1.5}'; do
    printf '%s' "$template" >"$work/bad.json"
    run_stdin 1 "$work/bad.json" nostr sign
    expect_in "$work/err" "template"
  done
  : >"$work/empty"
  run_stdin 1 "$work/empty" nostr sign
  expect_in "$work/err" "no event template on stdin"
  ;;

verify_tampered)
  HOSTSTUDIO_NOSTR_KEY=0000000000000000000000000000000000000000000000000000000000000003
  export HOSTSTUDIO_NOSTR_KEY
  "$hoststudio" nostr sign <<<'{"kind":1,"tags":[],"content":"original","created_at":1700000000}' >"$work/signed.jsonl"
  python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
event = json.loads(open(f"{work}/signed.jsonl").readline())
content = dict(event, content="tampered")
sig = dict(event, sig=("0" if event["sig"][0] != "0" else "1") + event["sig"][1:])
with open(f"{work}/tampered.jsonl", "w") as out:
    out.write(json.dumps(content, separators=(",", ":")) + "\n")
    out.write(json.dumps(event, separators=(",", ":")) + "\n")
    out.write(json.dumps(sig, separators=(",", ":")) + "\n")
    out.write("this is not json\n")
    out.write(json.dumps(dict(event, id="XYZ")) + "\n")
PY
  run_stdin 1 "$work/tampered.jsonl" nostr verify
  [[ $(wc -l <"$work/out") == 5 ]] || fail "expected 5 verdicts"
  sed -n 1p "$work/out" >"$work/v1"; sed -n 2p "$work/out" >"$work/v2"; sed -n 3p "$work/out" >"$work/v3"
  sed -n 4p "$work/out" >"$work/v4"; sed -n 5p "$work/out" >"$work/v5"
  [[ $(field valid <"$work/v1") == false ]] || fail "tampered content accepted"
  expect_in "$work/v1" "id mismatch"
  [[ $(field valid <"$work/v2") == true ]] || fail "the untouched event was refused"
  [[ $(field valid <"$work/v3") == false ]] || fail "tampered signature accepted"
  expect_in "$work/v3" "signature"
  [[ $(field id <"$work/v4") == null && $(field valid <"$work/v4") == false ]] || fail "unparsable line"
  [[ $(field reason <"$work/v4") != null ]] || fail "unparsable line has no reason"
  [[ $(field id <"$work/v5") == XYZ && $(field valid <"$work/v5") == false ]] || fail "bad id line"
  expect_in "$work/err" "invalid"
  : >"$work/empty"
  run_stdin 1 "$work/empty" nostr verify
  ;;

verify_vectors)
  [[ -f $vectors ]] || fail "no vectors file"
  python3 - "$vectors" "$work" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
events = [entry["event"] for entry in data["real"] + data["synthetic"]]
with open(f"{sys.argv[2]}/vectors.jsonl", "w", encoding="utf-8") as good, \
     open(f"{sys.argv[2]}/broken.jsonl", "w", encoding="utf-8") as bad:
    for event in events:
        good.write(json.dumps(event, ensure_ascii=False, separators=(",", ":")) + "\n")
        broken = dict(event, created_at=event["created_at"] + 1)
        bad.write(json.dumps(broken, ensure_ascii=False, separators=(",", ":")) + "\n")
print(len(events))
PY
  count=$(wc -l <"$work/vectors.jsonl")
  (( count >= 10 )) || fail "only $count vectors"
  run_stdin 0 "$work/vectors.jsonl" nostr verify
  [[ $(grep -c '"valid":true' "$work/out") == "$count" ]] || fail "not every vector verified"
  run_stdin 1 "$work/broken.jsonl" nostr verify
  [[ $(grep -c '"valid":false' "$work/out") == "$count" ]] || fail "a broken vector verified"
  ;;

*)
  fail "unknown case $case_name"
  ;;
esac
echo "ok: $case_name"
