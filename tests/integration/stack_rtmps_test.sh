#!/usr/bin/env bash
# Integration: RTMPS to the local ingest works when the client trusts the stack's CA, and is refused
# by a verifying client that does not.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

hs_load_stack_env
tmp=
hs_make_tmpdir tmp

push() { # url seconds log [ffmpeg tls options...]
  local url=$1 seconds=$2 log=$3
  shift 3
  timeout 40 ffmpeg -hide_banner -nostdin -loglevel error -re \
    -f lavfi -i testsrc2=size=640x360:rate=30 \
    -f lavfi -i sine=frequency=440:sample_rate=48000 \
    -t "$seconds" -c:v libx264 -preset veryfast -g 60 -c:a aac \
    -f flv "$@" "$url" 2>"$log"
}

recordings_of() { # key -> the finished recordings of that stream key
  find "$HOSTSTUDIO_REC_DIR" -maxdepth 1 -type f -name "$1-*.flv" -size +0 2>/dev/null
}

# 1. Verified TLS with the stack's CA: the push succeeds and the stream arrives.
key=$(hs_unique rtmps)
hs_log "publishing 3 s over RTMPS with certificate verification against $HOSTSTUDIO_CA_FILE"
status=0
push "$HOSTSTUDIO_RTMPS_URL/$key" 3 "$tmp/verified.log" -tls_verify 1 -ca_file "$HOSTSTUDIO_CA_FILE" || status=$?
((status == 0)) || hs_fail "verified RTMPS push failed with $status: $(tail -n 5 "$tmp/verified.log")"
hs_log "ok: verified RTMPS push succeeded"

# nginx-rtmp closes the recording when the publisher disconnects.
recording_done() { [[ -n $(recordings_of "$key") ]]; }
hs_wait_for recording_done || hs_fail "no recording of $key in $HOSTSTUDIO_REC_DIR"
recording=$(recordings_of "$key" | head -n 1)
streams=$(hs_probe_streams "$recording")
hs_log "recording $(basename -- "$recording"): $(tr '\n' ';' <<<"$streams")"
read -r _ vcodec width height _ <<<"$(grep '^video ' <<<"$streams" || echo '- - - -')"
read -r _ acodec _ _ rate <<<"$(grep '^audio ' <<<"$streams" || echo '- - - - -')"
hs_assert_eq "$vcodec" h264 "recorded video codec"
hs_assert_eq "${width}x${height}" 640x360 "recorded video size"
hs_assert_eq "$acodec" aac "recorded audio codec"
hs_assert_eq "$rate" 48000 "recorded audio sample rate"
duration=$(ffprobe -v error -show_entries format=duration -of default=noprint_wrappers=1:nokey=1 "$recording")
awk -v d="$duration" 'BEGIN { exit !(d >= 2.0) }' || hs_fail "recording lasts $duration s, expected about 3 s"
hs_log "ok: recording lasts $duration s"

# 2. The certificate also names "localhost" (subjectAltName DNS).
key_localhost=$(hs_unique rtmps-localhost)
status=0
push "rtmps://localhost:$HOSTSTUDIO_RTMPS_PORT/live/$key_localhost" 1 "$tmp/localhost.log" \
  -tls_verify 1 -ca_file "$HOSTSTUDIO_CA_FILE" || status=$?
((status == 0)) || hs_fail "verified RTMPS push to localhost failed with $status: $(tail -n 5 "$tmp/localhost.log")"
hs_log "ok: verified RTMPS push to localhost succeeded"

# 3. A verifying client without the stack's CA must refuse the server.
key_untrusted=$(hs_unique rtmps-untrusted)
status=0
push "$HOSTSTUDIO_RTMPS_URL/$key_untrusted" 3 "$tmp/untrusted.log" -tls_verify 1 || status=$?
((status != 0)) || hs_fail "RTMPS push with verification but without the CA succeeded"
hs_log "ok: unverified push failed with exit status $status"
errors=$(<"$tmp/untrusted.log")
hs_assert_match "$errors" '[Cc]ertificate|[Vv]erif' "ffmpeg reports a certificate verification error"
sleep 0.5
[[ -z $(find "$HOSTSTUDIO_REC_DIR" -maxdepth 1 -name "$key_untrusted-*") ]] ||
  hs_fail "a recording exists for the refused stream $key_untrusted"
hs_log "ok: nothing was recorded for the refused stream"
