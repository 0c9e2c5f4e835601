#!/usr/bin/env bash
# Integration: the ingest goes away for 5 s mid-stream — a private nginx-rtmp is stopped and started
# again. The stream reconnects by itself on OBS's schedule (reported as events), resumes on a
# keyframe, and the local recording covers the whole time without a gap. Then "retry now" and a stop
# during a reconnect wait end the wait at once (a proxy in front of the shared ingest refuses).
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
# shellcheck source=tests/integration/media/media_lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/media_lib.sh"

hs_load_stack_env
shared_rec_dir=$HOSTSTUDIO_REC_DIR
tmp=
hs_make_tmpdir tmp
key=$(hs_unique media-reconnect)

# A private ingest: only nginx, on free ports, in its own stack directory.
mapfile -t ports < <(hs_free_ports 3)
private_stack() {
  HOSTSTUDIO_STACK_DIR=$tmp/ingest HOSTSTUDIO_STACK_SERVICES=nginx HOSTSTUDIO_RTMP_PORT=${ports[0]} \
    HOSTSTUDIO_RTMPS_PORT=${ports[1]} HOSTSTUDIO_HTTP_PORT=${ports[2]} "$HS_STACK_SH" "$1" >>"$tmp/ingest.log" 2>&1
}
hs_cleanup "$(printf 'HOSTSTUDIO_STACK_DIR=%q HOSTSTUDIO_STACK_SERVICES=nginx %q stop' "$tmp/ingest" "$HS_STACK_SH")"
private_stack start || hs_fail "the private ingest did not start: $(tail -n 5 "$tmp/ingest.log")"
nginx_pid=$(<"$tmp/ingest/run/nginx.pid")
HOSTSTUDIO_REC_DIR=$tmp/ingest/rec

"$HOSTSTUDIO_BIN" live --source testpattern --to "rtmp://127.0.0.1:${ports[0]}/live/$key" \
  --record "$tmp/local.mkv" --duration 20 >"$tmp/out.jsonl" 2>"$tmp/err.txt" &
live=$!
hs_reap_on_exit "$live"
started() { grep -q '"event":"started"' "$tmp/out.jsonl"; }
hs_wait_for started || hs_fail "live did not start: $(tail -n 3 "$tmp/err.txt")"
sleep 5
private_stack stop || hs_fail "the private ingest did not stop: $(tail -n 5 "$tmp/ingest.log")"
hs_pid_alive "$nginx_pid" && hs_fail "nginx (pid $nginx_pid) is still running after stop"
hs_log "nginx stopped"
sleep 5
private_stack start || hs_fail "the private ingest did not start again: $(tail -n 5 "$tmp/ingest.log")"
hs_log "nginx started again (pid $(<"$tmp/ingest/run/nginx.pid"))"
status=0
wait "$live" || status=$?
((status == 0)) || hs_fail "live exited with $status: $(tail -n 5 "$tmp/err.txt")"
hs_log "ok: live ran to the end and exited 0"

events=$(grep -v '"event":"stats"' "$tmp/out.jsonl")
hs_log "events: $(tr '\n' ' ' <<<"$events")"
grep -q '"event":"outputDropped"' <<<"$events" || hs_fail "the drop was not reported"
grep -q '"event":"outputReconnecting".*"attempt":1.*"retryInMs":2000' <<<"$events" ||
  grep -q '"attempt":1.*"event":"outputReconnecting".*"retryInMs":2000' <<<"$events" ||
  hs_fail "the first retry was not announced 2 s ahead"
grep -q '"event":"outputReconnected"' <<<"$events" || hs_fail "the stream did not reconnect"
hs_log "ok: drop, reconnect schedule and reconnect reported"
grep -q 'reconnecting in 2 s (attempt 1 of 25)' "$tmp/err.txt" || hs_fail "no human reconnect countdown on stderr"
hs_assert_eq "$(hs_last_stat "$tmp/out.jsonl" 's.outputs[0].reconnects')" 1 "reconnects in the last stats"
hs_assert_eq "$(hs_last_stat "$tmp/out.jsonl" 's.outputs[0].state')" stopped "final output state"

# The ingest saw two publishes; the second starts on a keyframe.
recordings_done() { (($(hs_ingest_recordings "$key" | wc -l) >= 2)); }
hs_wait_for recordings_done || hs_fail "nginx did not record a second publish: $(hs_ingest_recordings "$key")"
second=$(hs_ingest_recordings "$key" | sed -n 2p)
hs_assert_match "$(hs_packets "$second" v | head -n 1)" ' K' "the resumed stream starts on a keyframe"
hs_assert_eq "$(hs_stream_value "$second" v codec_name)" h264 "resumed video codec"
hs_assert_eq "$(hs_stream_value "$second" a codec_name)" aac "resumed audio codec"

# The local recording never stopped: full length, no hole in video or audio.
duration=$(ffprobe -v error -show_entries format=duration -of default=noprint_wrappers=1:nokey=1 "$tmp/local.mkv")
hs_assert_between "$duration" 19 21 "local recording duration (s)"
# The outage lasts over 5 s; a few frames skipped by a busy 2-core machine (reported as framesSkipped,
# at most a few hundred milliseconds) are no gap in that sense.
hs_log "frames skipped by the encoder: $(hs_last_stat "$tmp/out.jsonl" 's.framesSkipped')"
hs_assert_between "$(hs_max_gap "$tmp/local.mkv" v)" 0 0.300 "largest video gap in the recording (s)"
hs_assert_between "$(hs_max_gap "$tmp/local.mkv" a)" 0 0.030 "largest audio gap in the recording (s)"

# "Retry now" (SIGUSR1) ends the reconnect wait at once, and a stop (SIGINT) during a wait ends the
# process at once and cleanly.
HOSTSTUDIO_REC_DIR=$shared_rec_dir
hs_start_proxy "$tmp"
key=$(hs_unique media-cancel)
"$HOSTSTUDIO_BIN" live --source testpattern --to "rtmp://127.0.0.1:$HS_PROXY_PORT/live/$key" \
  --record "$tmp/cancel.mkv" --duration 60 >"$tmp/cancel.jsonl" 2>"$tmp/cancel.txt" &
live=$!
hs_reap_on_exit "$live"
started() { grep -q '"event":"started"' "$tmp/cancel.jsonl"; }
hs_wait_for started || hs_fail "live did not start: $(tail -n 3 "$tmp/cancel.txt")"
sleep 2
hs_proxy down
waiting() { grep -q '"event":"outputReconnecting"' "$tmp/cancel.jsonl"; }
hs_wait_for waiting || hs_fail "no reconnect wait after the drop"
# Without "retry now" attempt 1 would be dialled 2 s after the drop, attempt 2 announced after that.
retry_started=$(date +%s%N)
kill -USR1 "$live"
second_attempt() { grep -q '"attempt":2' "$tmp/cancel.jsonl"; }
HS_WAIT_SECONDS=3 hs_wait_for second_attempt || hs_fail "no second attempt after retry now"
retry_ms=$((($(date +%s%N) - retry_started) / 1000000))
hs_assert_between "$retry_ms" 0 1000 "retry now → attempt 1 dialled and failed (ms)"
stop_started=$(date +%s%N)
kill -INT "$live"
status=0
wait "$live" || status=$?
stop_ms=$((($(date +%s%N) - stop_started) / 1000000))
hs_proxy up
hs_assert_eq "$status" 0 "exit status after SIGINT during a reconnect wait"
hs_assert_between "$stop_ms" 0 1500 "time from SIGINT to exit (ms)"
grep -q '"event":"stopped","exitCode":0' "$tmp/cancel.jsonl" || hs_fail "no final stopped line"
duration=$(ffprobe -v error -show_entries format=duration -of default=noprint_wrappers=1:nokey=1 "$tmp/cancel.mkv")
hs_assert_between "$duration" 2 8 "recording closed cleanly on SIGINT, duration (s)"
