#!/usr/bin/env bash
# Integration: the X11 screen as a source, alone, one monitor of it by name, and with the synthetic
# camera picture-in-picture and side by side, on a private Xvfb painted a known blue; decoded frames
# at the ingest are judged pixel by pixel (camera region in the camera's green, the rest in the
# screen's blue).
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
# shellcheck source=tests/integration/media/media_lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/media_lib.sh"
# shellcheck source=tests/integration/media/scene_lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/scene_lib.sh"

hs_load_stack_env
tmp=
hs_make_tmpdir tmp
export XDG_RUNTIME_DIR=$tmp/runtime
mkdir -p -m 700 "$XDG_RUNTIME_DIR"
hs_start_xvfb "$tmp" '#2040c0'
blue=(32 64 192)
green=(16 176 64) # the synthetic camera (kSyntheticCameraRgb)

stream() { # name args...
  local name=$1 key status=0
  shift
  key=$(hs_unique "scene-$name")
  DISPLAY=$HS_DISPLAY timeout 60 "$HOSTSTUDIO_BIN" live --to "$HOSTSTUDIO_RTMP_URL/$key" --duration 5 \
    --cursor off "$@" >"$tmp/$name.jsonl" 2>"$tmp/$name.err" || status=$?
  ((status == 0)) || hs_fail "$name: live exited with $status: $(tail -n 5 "$tmp/$name.err")"
  grep -q '"event":"started"' "$tmp/$name.jsonl" || hs_fail "$name: no started event"
  # A loaded machine may skip a few frames; many would mean the scene cannot keep up.
  hs_assert_between "$(hs_last_stat "$tmp/$name.jsonl" 's.framesSkipped')" 0 15 "$name: frames skipped"
  hs_assert_eq "$(hs_last_stat "$tmp/$name.jsonl" 's.scene.sources[0].state')" live "$name: screen state"
  recording=$(hs_wait_recording "$key")
  hs_assert_eq "$(hs_stream_value "$recording" v width)x$(hs_stream_value "$recording" v height)" 1280x720 \
    "$name: video size"
}

hs_log "the screen alone"
stream screen --source screen
for point in "40 40" "640 360" "1200 680" "100 600"; do
  # shellcheck disable=SC2086
  hs_assert_colour "$recording" 3 $point "${blue[@]}" "screen"
done

hs_log "the screen's monitors (RandR): listed by devices, one captured by name"
"$HOSTSTUDIO_BIN" devices --display "$HS_DISPLAY" >"$tmp/devices.jsonl"
monitor=$(sed -n 's/.*"kind":"monitor".*"id":"\([^"]*\)".*/\1/p; s/.*"id":"\([^"]*\)".*"kind":"monitor".*/\1/p' \
  "$tmp/devices.jsonl" | head -n 1)
[[ -n $monitor ]] || hs_fail "devices lists no monitor: $(cat "$tmp/devices.jsonl")"
grep '"kind":"monitor"' "$tmp/devices.jsonl" | grep -q '"width":1280' || hs_fail "the monitor's size: $(cat "$tmp/devices.jsonl")"
stream monitor --source screen --screen-monitor "$monitor"
hs_assert_colour "$recording" 3 640 200 "${blue[@]}" "monitor $monitor"
status=0
DISPLAY=$HS_DISPLAY "$HOSTSTUDIO_BIN" live --source screen --screen-monitor nope --to "$HOSTSTUDIO_RTMP_URL/x" \
  --duration 1 >/dev/null 2>"$tmp/monitor.err" || status=$?
hs_assert_eq "$status" 1 "exit status for an unknown monitor"
grep -q "no monitor 'nope'.*its monitors: $monitor" "$tmp/monitor.err" || hs_fail "unclear: $(cat "$tmp/monitor.err")"
status=0
"$HOSTSTUDIO_BIN" live --source screen --screen-window abc --to "$HOSTSTUDIO_RTMP_URL/x" >/dev/null \
  2>"$tmp/window.err" || status=$?
hs_assert_eq "$status" 2 "exit status for a window id that is no number"
grep -q 'xwininfo' "$tmp/window.err" || hs_fail "unclear: $(cat "$tmp/window.err")"

hs_log "the synthetic camera picture-in-picture, top-left, 30 % wide, over the screen"
stream pip --source screen --camera synthetic-camera --layout pip --pip-corner top-left --pip-size 0.3
# Margin 32 px; the camera 384×216 at (32,32).
hs_assert_eq "$(hs_last_stat "$tmp/pip.jsonl" 's.scene.sources[1].state')" live "pip: camera state"
for point in "60 60" "200 150" "380 230"; do
  # shellcheck disable=SC2086
  hs_assert_colour "$recording" 3 $point "${green[@]}" "pip: inside the camera region"
done
for point in "8 8" "440 100" "200 300" "1000 600"; do
  # shellcheck disable=SC2086
  hs_assert_colour "$recording" 3 $point "${blue[@]}" "pip: outside the camera region"
done

hs_log "side by side"
stream side --source screen --camera synthetic-camera --layout side
# Each half 640×360 at y 180.
for point in "100 300" "500 400"; do
  # shellcheck disable=SC2086
  hs_assert_colour "$recording" 3 $point "${blue[@]}" "side: left half"
done
for point in "1000 300" "1200 500"; do
  # shellcheck disable=SC2086
  hs_assert_colour "$recording" 3 $point "${green[@]}" "side: right half"
done
hs_assert_colour "$recording" 3 300 60 16 16 16 "side: letterbox above the halves is black"

hs_log "a region of the screen: the left half red, the right half blue; the region is the right half"
command -v convert >/dev/null && command -v display >/dev/null || hs_fail "needs imagemagick (convert, display)"
convert -size 640x720 xc:'#c02020' -size 640x720 xc:'#2040c0' +append "$tmp/halves.png"
DISPLAY=$HS_DISPLAY display -window root "$tmp/halves.png" >/dev/null 2>&1 &
painter=$!
hs_reap_on_exit "$painter"
halves_shown() { hs_pixel_of_screen 100 100 | grep -q '^19[0-9] '; }
hs_pixel_of_screen() { DISPLAY=$HS_DISPLAY import -window root -crop "1x1+$1+$2" -depth 8 rgb:- | od -An -tu1 | xargs; }
hs_wait_for halves_shown || hs_fail "the two-colour picture did not appear on the screen"
stream whole --source screen
hs_assert_colour "$recording" 3 300 360 192 32 32 "whole screen: left half red"
hs_assert_colour "$recording" 3 1000 360 "${blue[@]}" "whole screen: right half blue"
stream region --source screen --screen-region 640x360+640+0
for point in "40 40" "640 360" "1200 680"; do
  # shellcheck disable=SC2086
  hs_assert_colour "$recording" 3 $point "${blue[@]}" "region of the right half, scaled to the frame"
done

hs_log "a region outside the screen, and no display, are clear errors"
status=0
DISPLAY=$HS_DISPLAY "$HOSTSTUDIO_BIN" live --source screen --screen-region 640x360+1000+600 \
  --to "$HOSTSTUDIO_RTMP_URL/x" --duration 1 >/dev/null 2>"$tmp/outside.err" || status=$?
hs_assert_eq "$status" 1 "exit status for a region outside the screen"
grep -q 'outside the screen size 1280x720' "$tmp/outside.err" || hs_fail "unclear message: $(cat "$tmp/outside.err")"
status=0
env -u DISPLAY WAYLAND_DISPLAY=wayland-0 "$HOSTSTUDIO_BIN" live --source screen --to "$HOSTSTUDIO_RTMP_URL/x" \
  --duration 1 >"$tmp/wayland.jsonl" 2>"$tmp/wayland.err" || status=$?
hs_assert_eq "$status" 1 "exit status without an X display"
grep -q 'X11 capture is unavailable' "$tmp/wayland.err" || hs_fail "no clear Wayland message: $(cat "$tmp/wayland.err")"
hs_log "ok: on Wayland without DISPLAY: $(cat "$tmp/wayland.err")"
