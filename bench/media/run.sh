#!/usr/bin/env bash
# Media-out benchmark: `hoststudio live` against the ffmpeg CLI doing the same job with identical
# settings, in the same run, on the local stack (nginx-rtmp on 127.0.0.1).
#
#   bench/media/run.sh [HOSTSTUDIO_BIN]
#
# Both sides encode the same pictures: the studio renders its test pattern, and the CLI reads the
# very same frames (written beforehand by hoststudio-render-pattern, next to the executable) from a
# file in RAM, paced with -re. The CLI is not charged for drawing them, the studio is.
#
# Measures, and writes to bench/results/media-live.md:
#   - whole-process CPU seconds (user + sys) per minute streamed and max RSS, for 720p30 and 1080p30
#     with zerolatency and 720p30 without a tune (x264 veryfast, CBR, keyint 2 s, scenecut 0,
#     nal-hrd=cbr, AAC-LC 128/160 kbps 48 kHz stereo), each side by side with the ffmpeg CLI,
#     REPEATS times in alternation (ours, CLI, ours, CLI, …), the mean of each side reported;
#   - capture → ingest → player latency: frames pulled back from nginx by an ffmpeg reader, the
#     burned-in capture time read from each (720p30 zerolatency);
#   - frames dropped and skipped over a long run (LONG_SECONDS, default 300).
# Environment: SECONDS_PER_RUN (30), REPEATS (2), LONG_SECONDS (300; 0 skips), LATENCY_SECONDS (20),
# FRAMES_DIR (where the CLI's input frames are written: /dev/shm when it exists, else TMPDIR),
# BUILD_NOTE (how the binary was built, for the report),
# HOSTSTUDIO_STACK_DIR (a running stack; when absent a private one is started and stopped).
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd -- "$here/../.." && pwd -P)
bin=${1:-${HOSTSTUDIO_BIN:-$repo/build/dev/bin/hoststudio}}
run_seconds=${SECONDS_PER_RUN:-30}
repeats=${REPEATS:-2}
render=${RENDER_PATTERN_BIN:-$(dirname -- "$bin")/hoststudio-render-pattern}
long_seconds=${LONG_SECONDS:-300}
latency_seconds=${LATENCY_SECONDS:-20}
results=$repo/bench/results/media-live.md
[[ -x $bin ]] || { echo "no hoststudio executable at $bin (build it, or pass its path)" >&2; exit 1; }
[[ -x $render ]] || { echo "no hoststudio-render-pattern at $render (build the bench tools)" >&2; exit 1; }
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/hoststudio-bench-media.XXXXXX")
frames_root=${FRAMES_DIR:-}
[[ -n $frames_root ]] || { [[ -d /dev/shm && -w /dev/shm ]] && frames_root=/dev/shm || frames_root=$work; }
frames_dir=$(mktemp -d "$frames_root/hoststudio-bench-frames.XXXXXX")
own_stack=0
cleanup() {
  if ((own_stack)); then HOSTSTUDIO_STACK_DIR=$work/stack "$repo/scripts/stack.sh" stop >/dev/null 2>&1 || true; fi
  rm -rf -- "$work" "$frames_dir"
}
trap cleanup EXIT
if [[ -z ${HOSTSTUDIO_STACK_DIR:-} || ! -r ${HOSTSTUDIO_STACK_DIR:-}/stack.env ]]; then
  export HOSTSTUDIO_STACK_DIR=$work/stack HOSTSTUDIO_RTMP_PORT=41935 HOSTSTUDIO_RTMPS_PORT=41936 \
    HOSTSTUDIO_HTTP_PORT=48080 HOSTSTUDIO_RELAY_PORT=47447 HOSTSTUDIO_CHAT_PORT=43001 HOSTSTUDIO_CLOUD_PORT=43002
  "$repo/scripts/stack.sh" start >/dev/null
  own_stack=1
fi
set -a
# shellcheck source=/dev/null
source "$HOSTSTUDIO_STACK_DIR/stack.env"
set +a

log() { printf '[bench-media] %s\n' "$*" >&2; }
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# run_measured NAME -- command...: prints "cpu_seconds max_rss_mib"
run_measured() {
  local name=$1
  shift 2
  /usr/bin/time -f '%U %S %M' -o "$work/$name.time" "$@" >"$work/$name.out" 2>"$work/$name.err" ||
    { log "$name failed: $(tail -n 3 "$work/$name.err")"; echo "- -"; return; }
  awk '{ printf "%.2f %.0f\n", $1 + $2, $3 / 1024 }' "$work/$name.time"
}

# ffmpeg_args frames.y4m fps kbps audio_kbps tune url seconds: the CLI's arguments for the same job, in FFARGS.
ffmpeg_args() {
  local tune_args=()
  [[ $5 == none ]] || tune_args=(-tune "$5")
  FFARGS=(-hide_banner -nostdin -loglevel error
    -re -f yuv4mpegpipe -i "$1" -re -f lavfi -i "sine=frequency=440:sample_rate=48000" -t "$7"
    -c:v libx264 -preset veryfast "${tune_args[@]}" -profile:v high -pix_fmt yuv420p
    -b:v "${3}k" -maxrate "${3}k" -bufsize "${3}k" -g $(($2 * 2)) -sc_threshold 0
    -x264-params nal-hrd=cbr:force-cfr=1
    -c:a aac -b:a "${4}k" -ar 48000 -ac 2 -f flv -flvflags no_duration_filesize "$6")
}

rows=()
mean() { awk '{ if ($1 == "-") bad = 1; sum += $1; n++ } END { if (bad || n == 0) print "-"; else printf "%.2f", sum / n }'; }
maximum() { awk '{ if ($1 == "-") bad = 1; if ($1 > m) m = $1 } END { if (bad) print "-"; else printf "%.0f", m }'; }
per_minute() { awk -v c="$1" -v s="$run_seconds" 'BEGIN { if (c == "-") print "-"; else printf "%.1f", c * 60 / s }'; }
for config in "720p30 zerolatency 1280 720 2500 128" "1080p30 zerolatency 1920 1080 4500 160" "720p30 none 1280 720 2500 128"; do
  read -r preset tune width height kbps akbps <<<"$config"
  frames=$frames_dir/${width}x${height}.y4m
  if [[ ! -s $frames ]]; then
    log "rendering $((run_seconds * 30 + 30)) frames of the test pattern at ${width}x${height} for the CLI"
    "$render" "$width" "$height" 30 $((run_seconds * 30 + 30)) >"$frames"
  fi
  ours_runs=() their_runs=() dropped_runs=()
  for ((round = 1; round <= repeats; round++)); do
    log "$preset $tune, round $round/$repeats: hoststudio live, $run_seconds s"
    ours_runs+=("$(run_measured "ours-$preset-$tune-$round" -- "$bin" live --source testpattern --preset "$preset" \
      --tune "$tune" --to "$HOSTSTUDIO_RTMP_URL/bench-ours-$preset-$tune-$round-$$" --duration "$run_seconds")")
    dropped_runs+=("$(grep '"event":"stats"' "$work/ours-$preset-$tune-$round.out" | tail -n 1 |
      node -e 'const s = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log(`${s.outputs[0].droppedFrames}/${s.framesSkipped}`)' 2>/dev/null || echo '?')")
    log "$preset $tune, round $round/$repeats: ffmpeg CLI, $run_seconds s"
    ffmpeg_args "$frames" 30 "$kbps" "$akbps" "$tune" "$HOSTSTUDIO_RTMP_URL/bench-ffmpeg-$preset-$tune-$round-$$" "$run_seconds"
    their_runs+=("$(run_measured "ffmpeg-$preset-$tune-$round" -- ffmpeg "${FFARGS[@]}")")
  done
  ours_cpu=$(printf '%s\n' "${ours_runs[@]}" | cut -d' ' -f1 | mean)
  their_cpu=$(printf '%s\n' "${their_runs[@]}" | cut -d' ' -f1 | mean)
  ours_rss=$(printf '%s\n' "${ours_runs[@]}" | cut -d' ' -f2 | maximum)
  their_rss=$(printf '%s\n' "${their_runs[@]}" | cut -d' ' -f2 | maximum)
  each=$(for ((i = 0; i < repeats; i++)); do
    printf '%s/%s ' "$(per_minute "${ours_runs[i]% *}")" "$(per_minute "${their_runs[i]% *}")"
  done)
  ratio=$(awk -v a="$ours_cpu" -v b="$their_cpu" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%+.0f %%", (a / b - 1) * 100 }')
  rows+=("| $preset, ${tune} | $(per_minute "$ours_cpu") | $(per_minute "$their_cpu") | $ratio | ${each% } | $ours_rss | $their_rss | ${dropped_runs[*]} |")
done

log "latency: hoststudio live 720p30 zerolatency, $latency_seconds s, frames pulled back from nginx"
key=bench-latency-$$
"$bin" live --source testpattern --preset 720p30 --to "$HOSTSTUDIO_RTMP_URL/$key" --duration "$((latency_seconds + 4))" \
  >"$work/latency-live.out" 2>"$work/latency-live.err" &
live=$!
until grep -q '"event":"started"' "$work/latency-live.out" 2>/dev/null; do sleep 0.1; done
timeout "$((latency_seconds + 2))" ffmpeg -hide_banner -nostdin -loglevel error -fflags nobuffer -flags low_delay \
  -probesize 32768 -analyzeduration 0 -i "$HOSTSTUDIO_RTMP_URL/$key" \
  -an -fps_mode passthrough -vf "crop=1280:80:0:0,format=gray" -f rawvideo - 2>"$work/latency-reader.err" |
  node "$here/stamp_latency.mjs" 1280 3 >"$work/latency.json" || true
wait "$live" || true
latency=$(cat "$work/latency.json")
log "latency: $latency"

long_row="(skipped: LONG_SECONDS=0)"
if ((long_seconds > 0)); then
  log "long run: $long_seconds s at 720p30 zerolatency"
  long=$(run_measured long -- "$bin" live --source testpattern --preset 720p30 \
    --to "$HOSTSTUDIO_RTMP_URL/bench-long-$$" --duration "$long_seconds")
  long_row=$(grep '"event":"stats"' "$work/long.out" | tail -n 1 | node -e '
    const s = JSON.parse(require("fs").readFileSync(0, "utf8"));
    console.log(`${s.framesEncoded} frames encoded, ${s.outputs[0].droppedFrames} dropped (network), ${s.framesSkipped} skipped (encoder), reconnects ${s.outputs[0].reconnects}`);')
  long_row="$long_row; CPU ${long% *} s, max RSS ${long#* } MiB"
fi

{
  printf '# Media out: hoststudio live vs the ffmpeg CLI\n\n'
  printf 'Produced by `bench/media/run.sh` on %s (%s, %s cores), %s s per run, both sides in the same run,\n' \
    "$(date -u +%Y-%m-%d)" "$(uname -m)" "$(nproc)" "$run_seconds"
  printf 'pushing to nginx-rtmp on 127.0.0.1. Same settings on both sides: x264 veryfast, CBR (maxrate = bufsize =\n'
  printf 'bitrate, nal-hrd=cbr), keyint 2 s, scenecut 0, profile high, AAC-LC 48 kHz stereo. The same pictures: the\n'
  printf 'studio renders its test pattern, the CLI reads the same frames (hoststudio-render-pattern) from RAM with -re,\n'
  printf 'plus lavfi sine. %s rounds per job in alternation; CPU is the mean (user + sys of the whole process).\n' "$repeats"
  printf 'hoststudio build: %s. Load average before the run: %s.\n\n' "${BUILD_NOTE:-as given (see the command line)}" "$load_before"
  printf '| job | hoststudio CPU s/min | ffmpeg CLI CPU s/min | difference | each round (ours/CLI) | hoststudio max RSS MiB | ffmpeg max RSS MiB | hoststudio dropped/skipped per round |\n'
  printf '|---|---|---|---|---|---|---|---|\n'
  printf '%s\n' "${rows[@]}"
  printf '\nCapture → ingest → player latency (720p30 zerolatency, loopback; read from the burned-in capture time of\n'
  printf 'frames an ffmpeg reader pulled back from nginx, first 3 s excluded; includes the reader'"'"'s decode):\n\n'
  printf '```json\n%s\n```\n\n' "$latency"
  printf 'Long run (%s s, 720p30 zerolatency): %s\n' "$long_seconds" "$long_row"
} >"$results"
log "wrote $results"
cat "$results"
