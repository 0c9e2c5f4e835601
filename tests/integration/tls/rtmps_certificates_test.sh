#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# RTMPS certificate verification, one case per way a certificate can be wrong. A TLS front
# (tls-front.mjs) in front of the stack's RTMP ingest presents, in turn:
#   1. a self-signed certificate for 127.0.0.1: refused, with the private CA given or not;
#   2. a certificate from the private CA for another host name (other.invalid): refused even with
#      that CA given (--ca-file), and the error names the host-name mismatch;
#   3. a certificate from the private CA for 127.0.0.1: refused without --ca-file (the system store
#      does not know the CA), streams with it.
# Each refusal is an exit status 1 at once (no retry), a startFailed event, and an error that says
# why; nothing of a refused stream reaches the ingest.
# Usage: rtmps_certificates_test.sh   (HOSTSTUDIO_BIN names the hoststudio executable)
set -euo pipefail
# shellcheck source=../lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/../lib.sh"
: "${HOSTSTUDIO_BIN:?HOSTSTUDIO_BIN must name the hoststudio executable}"
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
hs_load_stack_env

tmp=
hs_make_tmpdir tmp
mkdir -p "$tmp/certs"
bash "$HS_REPO_ROOT/tests/integration/net/make-test-certs.sh" "$tmp/certs"

# front NAME CERT KEY: starts a TLS front, sets the variable NAME to its port.
front() {
  local name=$1 log=$tmp/front-$1.log port=
  node "$here/tls-front.mjs" "$2" "$3" "$HOSTSTUDIO_RTMP_PORT" >"$log" 2>&1 &
  hs_reap_on_exit $!
  local _
  for _ in $(seq 1 50); do
    port=$(awk '/^ready / { print $2; exit }' "$log")
    [[ -n $port ]] && break
    sleep 0.1
  done
  [[ -n $port ]] || hs_fail "the $name TLS front did not start: $(cat "$log")"
  printf -v "$name" '%s' "$port"
}
self_signed='' wrong_host='' good=''
front self_signed "$tmp/certs/self.pem" "$tmp/certs/self-key.pem"
front wrong_host "$tmp/certs/other.pem" "$tmp/certs/other-key.pem"
front good "$tmp/certs/server.pem" "$tmp/certs/server-key.pem"

# refused CASE PORT REASON_REGEX [--ca-file FILE]: the stream must be refused at once, saying why.
refused() {
  local case=$1 port=$2 reason=$3 key status=0 started=$SECONDS
  shift 3
  key=$(hs_unique "tls-$case")
  timeout 60 "$HOSTSTUDIO_BIN" live --source testpattern --to "rtmps://127.0.0.1:$port/live/$key" "$@" \
    --duration 5 >"$tmp/$case.jsonl" 2>"$tmp/$case.txt" || status=$?
  hs_assert_eq "$status" 1 "$case: exit status"
  ((SECONDS - started <= 8)) || hs_fail "$case: the refusal took $((SECONDS - started)) s (no retries expected)"
  grep -q '"event":"startFailed"' "$tmp/$case.jsonl" || hs_fail "$case: no startFailed event: $(cat "$tmp/$case.jsonl")"
  ! grep -q outputReconnecting "$tmp/$case.jsonl" || hs_fail "$case: a certificate failure was retried"
  grep -Eiq -- "$reason" "$tmp/$case.txt" || hs_fail "$case: the error does not say why (/$reason/): $(cat "$tmp/$case.txt")"
  hs_log "ok: $case refused: $(grep -Eio -m1 -- "$reason.{0,60}" "$tmp/$case.txt")"
  sleep 0.3
  [[ -z $(find "$HOSTSTUDIO_REC_DIR" -maxdepth 1 -name "$key-*") ]] || hs_fail "$case: the ingest recorded a refused stream"
}

refused self-signed-with-ca "$self_signed" 'certificate is not trusted|self.signed|not trusted' --ca-file "$tmp/certs/ca.pem"
refused self-signed-system "$self_signed" 'certificate is not trusted|self.signed|not trusted'
refused wrong-host "$wrong_host" 'does not match hostname|host name mismatch' --ca-file "$tmp/certs/ca.pem"
refused private-ca-not-given "$good" 'certificate is not trusted|not trusted'

key=$(hs_unique tls-good)
status=0
timeout 60 "$HOSTSTUDIO_BIN" live --source testpattern --to "rtmps://127.0.0.1:$good/live/$key" \
  --ca-file "$tmp/certs/ca.pem" --duration 4 >"$tmp/good.jsonl" 2>"$tmp/good.txt" || status=$?
hs_assert_eq "$status" 0 "the private CA given explicitly: exit status"
recorded() { [[ -n $(find "$HOSTSTUDIO_REC_DIR" -maxdepth 1 -name "$key-*" -size +0) ]]; }
HS_WAIT_SECONDS=15 hs_wait_for recorded || hs_fail "nothing reached the ingest through the verified RTMPS front"
hs_log "ok: with --ca-file the stream reached the ingest through the verified front"
