#!/usr/bin/env bash
# Integration: the microphone through Qt Multimedia, with a private PulseAudio whose default
# source is a 440 Hz sine. The stream's decoded audio carries 440 Hz; muting (SIGUSR2) silences
# it while the level in the stats still shows the microphone; a microphone that dies mid-stream
# (PulseAudio killed) leaves the stream running to its end with a silent track. `hoststudio
# devices` lists the microphone; an unknown one is a clear error.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
# shellcheck source=tests/integration/media/media_lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/media_lib.sh"
# shellcheck source=tests/integration/media/scene_lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/scene_lib.sh"

hs_load_stack_env
tmp=
hs_make_tmpdir tmp
hs_start_pulse "$tmp"
unset DISPLAY

"$HOSTSTUDIO_BIN" devices >"$tmp/devices.jsonl" 2>"$tmp/devices.err" || hs_fail "devices failed: $(cat "$tmp/devices.err")"
cat "$tmp/devices.jsonl"
grep -q '"kind":"microphone".*"id":"sinemic"\|"id":"sinemic".*"kind":"microphone"' "$tmp/devices.jsonl" ||
  hs_fail "devices does not list the microphone sinemic"
grep -q '"kind":"screen"' "$tmp/devices.jsonl" || hs_fail "devices lists no screen line"
! grep -q '"kind":"camera"' "$tmp/devices.jsonl" || hs_fail "a camera listed on a machine without one"
hs_log "ok: devices lists sinemic, a screen line, no camera"

# Streams in the background; runs "$action" $delay seconds after the started event.
stream_with() { # name delay action live-args...
  local name=$1 delay=$2 action=$3 key pid status=0
  shift 3
  key=$(hs_unique "scene-$name")
  "$HOSTSTUDIO_BIN" live --source synthetic-camera --to "$HOSTSTUDIO_RTMP_URL/$key" "$@" \
    >"$tmp/$name.jsonl" 2>"$tmp/$name.err" &
  pid=$!
  hs_reap_on_exit "$pid"
  started() { grep -q '"event":"started"' "$1"; }
  hs_wait_for started "$tmp/$name.jsonl" || hs_fail "$name: not started: $(tail -n 3 "$tmp/$name.err")"
  sleep "$delay"
  eval "$action"
  wait "$pid" || status=$?
  ((status == 0)) || hs_fail "$name: live exited with $status: $(tail -n 5 "$tmp/$name.err")"
  recording=$(hs_wait_recording "$key")
}

hs_log "the microphone, muted after 4 s"
stream_with mute 4 'kill -USR2 $pid' --mic sinemic --duration 8
grep -q 'microphone muted' "$tmp/mute.err" || hs_fail "the mute was not acknowledged"
read -r rms frequency < <(hs_audio_stats "$recording" 1 2.5)
hs_assert_between "$frequency" 435 445 "frequency before the mute (Hz)"
hs_assert_between "$rms" -40 0 "level before the mute (dBFS)"
read -r rms frequency < <(hs_audio_stats "$recording" 5.5 2)
hs_assert_between "$rms" -120 -70 "level after the mute (dBFS)"
level() { # jsonl stats-line-index expression(on a = the microphone's level)
  node -e '
    const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const stats = lines.filter((l) => l.event === "stats");
    const s = stats.at(Number(process.argv[2]));
    const a = s.scene.audio.find((x) => x.source.startsWith("microphone"));
    console.log(eval(process.argv[3]));' "$@"
}
hs_assert_eq "$(level "$tmp/mute.jsonl" 2 'a.muted')" false "microphone not muted in the stats at 3 s"
hs_assert_between "$(level "$tmp/mute.jsonl" 2 'a.rmsDb')" -40 0 "microphone RMS in the stats at 3 s (dBFS)"
hs_assert_between "$(level "$tmp/mute.jsonl" 2 's.scene.audio.find((x) => x.source === "mix").rmsDb')" -40 0 \
  "mix RMS at 3 s (dBFS)"
hs_assert_eq "$(level "$tmp/mute.jsonl" -2 'a.muted')" true "microphone muted in the stats at the end"
hs_assert_between "$(level "$tmp/mute.jsonl" -2 'a.peakDb')" -40 0 "microphone peak while muted (dBFS)"
hs_assert_eq "$(level "$tmp/mute.jsonl" -2 's.scene.audio.find((x) => x.source === "mix").peakDb')" -120 \
  "mix peak while muted (dBFS)"

hs_log "the microphone dies after 3 s (PulseAudio killed)"
stream_with micdies 3 'kill -KILL $HS_PULSE_PID; hs_log "killed PulseAudio"' --mic default --duration 7
duration=$(ffprobe -v error -show_entries format=duration -of default=noprint_wrappers=1:nokey=1 "$recording")
hs_assert_between "$duration" 6.5 7.6 "the stream ran to its end (s)"
hs_assert_between "$(hs_max_gap "$recording" a)" 0 0.1 "largest audio gap (s)"
hs_assert_between "$(hs_max_gap "$recording" v)" 0 0.1 "largest video gap (s)"
read -r rms frequency < <(hs_audio_stats "$recording" 0.5 2)
hs_assert_between "$frequency" 435 445 "frequency while the microphone lived (Hz)"
read -r rms frequency < <(hs_audio_stats "$recording" 4.5 2)
hs_assert_between "$rms" -120 -70 "level after it died (dBFS)"

hs_log "an unknown microphone"
hs_start_pulse "$tmp"
status=0
"$HOSTSTUDIO_BIN" live --source synthetic-camera --mic nosuchmic --to "$HOSTSTUDIO_RTMP_URL/x" --duration 1 \
  >/dev/null 2>"$tmp/unknown.err" || status=$?
hs_assert_eq "$status" 1 "exit status for an unknown microphone"
grep -q "no microphone 'nosuchmic'; available: .*sinemic" "$tmp/unknown.err" ||
  hs_fail "unclear message: $(cat "$tmp/unknown.err")"
hs_log "ok: $(cat "$tmp/unknown.err")"
