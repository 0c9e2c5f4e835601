#!/usr/bin/env bash
# Composition benchmark: the CPU the picture-in-picture scene costs on top of the test-pattern-only
# pipeline, in the same run, at 720p30 and 1080p30 (x264 veryfast zerolatency, local recording to
# a file in RAM and streaming to the local stack's RTMP ingest on 127.0.0.1).
#
#   bench/media/compose.sh [HOSTSTUDIO_BIN]
#
# Give it an optimised build (the release preset: cmake --preset release && cmake --build
# build/release --target hoststudio); a Debug build's numbers say little. BUILD_NOTE (one line)
# goes into the results, e.g. which build ran.
#
# Scenes, each run SECONDS_PER_RUN (20) seconds, REPEATS (3) times in alternation:
#   - testpattern: the test pattern drawn straight into the encoder's frame, the test tone;
#   - pip: the screen of a private Xvfb (1920x1080, a photo-like picture drawn on its root window)
#     captured with x11grab, scaled and converted to the output, with the synthetic camera
#     (640x360 RGB) scaled into the bottom-right corner, and a silent track. The picture stays
#     still, as a slide does: the X server says nothing changed, the compositor copies its last result;
#   - pip-moving: the same, with the whole screen scrolling 8 rows every frame
#     (hoststudio-scroll-screen, beside HOSTSTUDIO_BIN): every picture converted whole.
# Measured: whole-process CPU seconds (user + sys, /usr/bin/time) per run, as percent of one core;
# the mean per scene and the pip overhead relative to testpattern. Writes
# bench/results/media-compose.md. Environment: SECONDS_PER_RUN, REPEATS, BUILD_NOTE.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd -- "$here/../.." && pwd -P)
bin=${1:-${HOSTSTUDIO_BIN:-$repo/build/dev/bin/hoststudio}}
run_seconds=${SECONDS_PER_RUN:-20}
repeats=${REPEATS:-3}
results=$repo/bench/results/media-compose.md
[[ -x $bin ]] || { echo "no hoststudio executable at $bin (build it, or pass its path)" >&2; exit 1; }
scroller=$(dirname -- "$bin")/hoststudio-scroll-screen
[[ -x $scroller ]] || { echo "no $scroller (build the target hoststudio-scroll-screen)" >&2; exit 1; }
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
command -v Xvfb >/dev/null || { echo "needs Xvfb (apt-get install xvfb)" >&2; exit 1; }
command -v convert >/dev/null && command -v display >/dev/null ||
  { echo "needs imagemagick (convert, display)" >&2; exit 1; }

# The build type of the binary's build tree, for the results.
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$(dirname -- "$bin")/../CMakeCache.txt" 2>/dev/null || true)

work=$(mktemp -d "${TMPDIR:-/tmp}/hoststudio-bench-compose.XXXXXX")
out_dir=$work
[[ -d /dev/shm && -w /dev/shm ]] && out_dir=$(mktemp -d /dev/shm/hoststudio-bench-compose.XXXXXX)
xvfb_pid=
painter_pid=
scroller_pid=
own_stack=0
cleanup() {
  [[ -z $scroller_pid ]] || kill "$scroller_pid" 2>/dev/null || true
  [[ -z $painter_pid ]] || kill "$painter_pid" 2>/dev/null || true
  [[ -z $xvfb_pid ]] || kill "$xvfb_pid" 2>/dev/null || true
  if ((own_stack)); then HOSTSTUDIO_STACK_DIR=$work/stack "$repo/scripts/stack.sh" stop >/dev/null 2>&1 || true; fi
  rm -rf -- "$work" "$out_dir"
}
trap cleanup EXIT
log() { printf '[bench-compose] %s\n' "$*" >&2; }

# `hoststudio live` streams media only when given --to: a local RTMP ingest (the local stack's
# nginx on 127.0.0.1; a running stack from HOSTSTUDIO_STACK_DIR, else a private one on its own ports).
if [[ -z ${HOSTSTUDIO_STACK_DIR:-} || ! -r ${HOSTSTUDIO_STACK_DIR:-}/stack.env ]]; then
  export HOSTSTUDIO_STACK_DIR=$work/stack HOSTSTUDIO_RTMP_PORT=42935 HOSTSTUDIO_RTMPS_PORT=42936 \
    HOSTSTUDIO_HTTP_PORT=49080 HOSTSTUDIO_RELAY_PORT=47448 HOSTSTUDIO_CHAT_PORT=43011 HOSTSTUDIO_CLOUD_PORT=43012
  own_stack=1
  "$repo/scripts/stack.sh" start >/dev/null
fi
set -a
# shellcheck source=/dev/null
source "$HOSTSTUDIO_STACK_DIR/stack.env"
set +a

export XDG_RUNTIME_DIR=$work/runtime
mkdir -p -m 700 "$XDG_RUNTIME_DIR"
for ((n = 150 + RANDOM % 50; ; n++)); do [[ -e /tmp/.X$n-lock ]] || break; done
display_name=:$n
Xvfb "$display_name" -screen 0 1920x1080x24 -nolisten tcp -noreset >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 50); do DISPLAY=$display_name xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
# A busy, photo-like picture on the screen (gradients and noise), so the capture and the encoder
# see realistic content rather than one flat colour.
convert -size 1920x1080 plasma:fractal -blur 0x1 "$work/screen.png"
DISPLAY=$display_name display -window root "$work/screen.png" >/dev/null 2>&1 &
painter_pid=$!
sleep 2

scene_args() { # scene
  case $1 in
    testpattern) echo "--source testpattern" ;;
    pip | pip-moving) echo "--source screen --display $display_name --cursor off --camera synthetic-camera --layout pip" ;;
  esac
}
scenes=(testpattern pip pip-moving)

declare -A total skips compose
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for preset in 720p30 1080p30; do
  for scene in "${scenes[@]}"; do total[$preset.$scene]=0; skips[$preset.$scene]=0; compose[$preset.$scene]=0; done
  for ((r = 1; r <= repeats; r++)); do
    for scene in "${scenes[@]}"; do
      name=$preset.$scene.$r
      if [[ $scene == pip-moving ]]; then
        DISPLAY=$display_name "$scroller" 30 8 &
        scroller_pid=$!
      fi
      # shellcheck disable=SC2046
      /usr/bin/time -f '%U %S' -o "$work/$name.time" "$bin" live $(scene_args "$scene") --preset "$preset" \
        --to "$HOSTSTUDIO_RTMP_URL/bench-compose-$name-$$" --record "$out_dir/$name.mkv" --duration "$run_seconds" \
        >"$work/$name.jsonl" 2>"$work/$name.err" ||
        { log "$name failed: $(tail -n 3 "$work/$name.err")"; exit 1; }
      skipped=$(grep '"event":"stats"' "$work/$name.jsonl" | tail -n 1 | sed -n 's/.*"framesSkipped":\([0-9]*\).*/\1/p')
      percent=$(awk -v s="$run_seconds" '{ printf "%.1f", ($1 + $2) * 100 / s }' "$work/$name.time")
      log "$name: ${percent} % of one core, ${skipped:-?} frames skipped"
      total[$preset.$scene]=$(awk -v a="${total[$preset.$scene]}" -v b="$percent" 'BEGIN { print a + b }')
      skips[$preset.$scene]=$((skips[$preset.$scene] + ${skipped:-0}))
      # The compositor's own time (scene.composeMsPerFrame), mean over the stats lines after the first two.
      ms=$(grep '"event":"stats"' "$work/$name.jsonl" | sed -n 's/.*"composeMsPerFrame":\([0-9.]*\).*/\1/p' |
        awk 'NR > 2 { s += $1; n++ } END { printf "%.3f", n ? s / n : 0 }')
      log "$name: compose ${ms} ms per frame"
      compose[$preset.$scene]=$(awk -v a="${compose[$preset.$scene]}" -v b="$ms" 'BEGIN { print a + b }')
      rm -f -- "$out_dir/$name.mkv"
      if [[ -n $scroller_pid ]]; then
        kill "$scroller_pid" 2>/dev/null || true
        wait "$scroller_pid" 2>/dev/null || true
        scroller_pid=
      fi
    done
  done
done

{
  echo "# Composition cost: picture-in-picture vs the test pattern"
  echo
  echo "Produced by \`bench/media/compose.sh\` on $(date -u +%Y-%m-%d) ($(nproc) cores, load before: $load_before)."
  echo "Build: ${build_type:-unknown build type} (\`${bin#"$repo"/}\`). ${BUILD_NOTE:-}"
  echo
  echo "Each scene ran ${run_seconds} s, ${repeats} times in alternation, streaming to the local nginx-rtmp on"
  echo "127.0.0.1 and recording to a file in RAM"
  echo "(x264 veryfast, zerolatency, CBR, AAC-LC). CPU is the whole process (user + sys) in percent of one"
  echo "core, the mean of the runs. The pip scenes capture a 1920x1080 Xvfb screen showing a photo-like"
  echo "picture with x11grab, scale it to the output (at 720p: two thirds, bilinear, fused with the"
  echo "conversion; libyuv bilinear otherwise) and convert it to YUV 4:2:0 (the compositor's own SIMD"
  echo "BT.709 conversion), and put the synthetic camera (640x360 RGB) picture-in-picture the same way."
  echo "In *pip* the screen stays still, as a slide does: the X server's damage says no row changed and the"
  echo "compositor copies its last result. In *pip-moving* the whole screen scrolls 8 rows every frame"
  echo "(the X server copies it; hoststudio-scroll-screen only asks): every picture is converted whole."
  echo "The Xvfb server's own work is not counted."
  echo
  echo "Whole process:"
  echo
  echo "| preset | testpattern CPU % | pip CPU % | vs testpattern | pip-moving CPU % | vs testpattern | frames skipped (testpattern / pip / pip-moving) |"
  echo "|---|---|---|---|---|---|---|"
  for preset in 720p30 1080p30; do
    awk -v p="$preset" -v a="${total[$preset.testpattern]}" -v b="${total[$preset.pip]}" \
      -v m="${total[$preset.pip-moving]}" -v n="$repeats" -v s1="${skips[$preset.testpattern]}" \
      -v s2="${skips[$preset.pip]}" -v s3="${skips[$preset.pip-moving]}" \
      'BEGIN { t = a / n; c = b / n; d = m / n
        printf "| %s | %.1f | %.1f | %+.1f %% | %.1f | %+.1f %% | %d / %d / %d |\n", p, t, c, (c - t) * 100 / t, d, (d - t) * 100 / t, s1, s2, s3 }'
  done
  echo
  echo 'The composition itself (CPU time of the encoder thread getting the pictures and composing them,'
  echo 'from `scene.composeMsPerFrame`; for testpattern: drawing the pattern), and what it adds at 30 fps'
  echo "relative to the testpattern pipeline's whole CPU:"
  echo
  echo "| preset | testpattern draw ms/frame | pip compose ms/frame | adds | pip-moving compose ms/frame | adds |"
  echo "|---|---|---|---|---|---|"
  for preset in 720p30 1080p30; do
    awk -v p="$preset" -v a="${compose[$preset.testpattern]}" -v b="${compose[$preset.pip]}" \
      -v m="${compose[$preset.pip-moving]}" -v n="$repeats" -v t="${total[$preset.testpattern]}" \
      'BEGIN { d = a / n; c = b / n; e = m / n; base = t / n
        printf "| %s | %.2f | %.2f | %+.1f %% | %.2f | %+.1f %% |\n", p, d, c, (c - d) * 300 / base, e, (e - d) * 300 / base }'
  done
  echo
  echo "Frames skipped mean the encoder thread fell behind (on a shared, loaded machine): a run with"
  echo "skipped frames did less work than asked and its CPU figure is too low."
  echo
  echo "Target: composition adds under 15 % CPU. The whole-process difference also holds what is not"
  echo "composition: the screen capture thread (x11grab and the X server's damage, every frame) and x264"
  echo "encoding different content (a busy photo-like picture costs x264 more than the scrolling pattern)."
} >"$results"
log "wrote $results"
cat "$results"
