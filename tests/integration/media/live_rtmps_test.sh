#!/usr/bin/env bash
# Integration: RTMPS with certificate verification: accepted with the stack's CA (--ca-file),
# refused with a clear error against the system CAs (the stack's certificate is private).
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
# shellcheck source=tests/integration/media/media_lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/media_lib.sh"

hs_load_stack_env
tmp=
hs_make_tmpdir tmp

key=$(hs_unique media-rtmps)
hs_log "streaming 8 s over RTMPS, verifying against the stack's CA"
status=0
timeout 60 "$HOSTSTUDIO_BIN" live --source testpattern --to "$HOSTSTUDIO_RTMPS_URL/$key" \
  --ca-file "$HOSTSTUDIO_CA_FILE" --duration 8 >"$tmp/out.jsonl" 2>"$tmp/err.txt" || status=$?
((status == 0)) || hs_fail "verified RTMPS live exited with $status: $(tail -n 5 "$tmp/err.txt")"
hs_log "ok: verified RTMPS stream ended cleanly"
recording_done() { [[ -n $(hs_ingest_recordings "$key") ]]; }
hs_wait_for recording_done || hs_fail "nginx recorded nothing for the RTMPS stream"
hs_check_720p30 "$(hs_ingest_recordings "$key" | head -n 1)" bitrate

key_untrusted=$(hs_unique media-rtmps-untrusted)
hs_log "streaming over RTMPS without the stack's CA: must be refused"
status=0
started=$SECONDS
timeout 60 "$HOSTSTUDIO_BIN" live --source testpattern --to "$HOSTSTUDIO_RTMPS_URL/$key_untrusted" \
  --duration 8 >"$tmp/untrusted.jsonl" 2>"$tmp/untrusted.txt" || status=$?
hs_assert_eq "$status" 1 "exit status of the refused stream"
((SECONDS - started <= 4)) || hs_fail "the refusal took $((SECONDS - started)) s (no retries expected)"
hs_assert_match "$(<"$tmp/untrusted.txt")" "certificate is not trusted" "the error names the untrusted certificate"
hs_assert_match "$(<"$tmp/untrusted.txt")" "--ca-file" "the error says what to do"
grep -q '"event":"startFailed"' "$tmp/untrusted.jsonl" || hs_fail "no startFailed event"
! grep -q outputReconnecting "$tmp/untrusted.jsonl" || hs_fail "a first-connect failure was retried"
sleep 0.5
[[ -z $(find "$HOSTSTUDIO_REC_DIR" -maxdepth 1 -name "$key_untrusted-*") ]] ||
  hs_fail "the ingest recorded the refused stream"
hs_log "ok: nothing reached the ingest"
