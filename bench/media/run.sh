#!/usr/bin/env bash
# Media-out benchmark: `hoststudio live` against the ffmpeg CLI doing the same job with identical
# settings, in the same run, on the local stack (nginx-rtmp on 127.0.0.1).
#
#   bench/media/run.sh [HOSTSTUDIO_BIN]
#
# Measures, and writes to bench/results/media-live.md:
#   - whole-process CPU seconds (user + sys) per minute streamed and max RSS, for 720p30 and 1080p30
#     with zerolatency and 720p30 without a tune (x264 veryfast, CBR, keyint 2 s, scenecut 0,
#     nal-hrd=cbr, AAC-LC 128/160 kbps 48 kHz stereo), each side by side with the ffmpeg CLI;
#   - capture → ingest → player latency: frames pulled back from nginx by an ffmpeg reader, the
#     burned-in capture time read from each (720p30 zerolatency);
#   - frames dropped and skipped over a long run (LONG_SECONDS, default 300).
# Environment: SECONDS_PER_RUN (30), LONG_SECONDS (300; 0 skips), LATENCY_SECONDS (20),
# BUILD_NOTE (how the binary was built, for the report),
# HOSTSTUDIO_STACK_DIR (a running stack; when absent a private one is started and stopped).
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd -- "$here/../.." && pwd -P)
bin=${1:-${HOSTSTUDIO_BIN:-$repo/build/dev/bin/hoststudio}}
run_seconds=${SECONDS_PER_RUN:-30}
long_seconds=${LONG_SECONDS:-300}
latency_seconds=${LATENCY_SECONDS:-20}
results=$repo/bench/results/media-live.md
[[ -x $bin ]] || { echo "no hoststudio executable at $bin (build it, or pass its path)" >&2; exit 1; }
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/hoststudio-bench-media.XXXXXX")
own_stack=0
cleanup() {
  if ((own_stack)); then HOSTSTUDIO_STACK_DIR=$work/stack "$repo/scripts/stack.sh" stop >/dev/null 2>&1 || true; fi
  rm -rf -- "$work"
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

# run_measured NAME -- command...: prints "cpu_seconds max_rss_mib"
run_measured() {
  local name=$1
  shift 2
  /usr/bin/time -f '%U %S %M' -o "$work/$name.time" "$@" >"$work/$name.out" 2>"$work/$name.err" ||
    { log "$name failed: $(tail -n 3 "$work/$name.err")"; echo "- -"; return; }
  awk '{ printf "%.2f %.0f\n", $1 + $2, $3 / 1024 }' "$work/$name.time"
}

# ffmpeg_args size fps kbps audio_kbps tune url seconds: the CLI's arguments for the same job, in FFARGS.
ffmpeg_args() {
  local tune_args=()
  [[ $5 == none ]] || tune_args=(-tune "$5")
  FFARGS=(-hide_banner -nostdin -loglevel error -re
    -f lavfi -i "testsrc2=size=$1:rate=$2" -f lavfi -i "sine=frequency=440:sample_rate=48000" -t "$7"
    -c:v libx264 -preset veryfast "${tune_args[@]}" -profile:v high -pix_fmt yuv420p
    -b:v "${3}k" -maxrate "${3}k" -bufsize "${3}k" -g $(($2 * 2)) -sc_threshold 0
    -x264-params nal-hrd=cbr:force-cfr=1
    -c:a aac -b:a "${4}k" -ar 48000 -ac 2 -f flv -flvflags no_duration_filesize "$6")
}

rows=()
for config in "720p30 zerolatency 1280x720 2500 128" "1080p30 zerolatency 1920x1080 4500 160" "720p30 none 1280x720 2500 128"; do
  read -r preset tune size kbps akbps <<<"$config"
  log "$preset $tune: hoststudio live, $run_seconds s"
  ours=$(run_measured "ours-$preset-$tune" -- "$bin" live --source testpattern --preset "$preset" --tune "$tune" \
    --to "$HOSTSTUDIO_RTMP_URL/bench-ours-$preset-$tune-$$" --duration "$run_seconds")
  dropped=$(grep '"event":"stats"' "$work/ours-$preset-$tune.out" | tail -n 1 |
    node -e 'const s = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log(`${s.outputs[0].droppedFrames}/${s.framesSkipped}`)' 2>/dev/null || echo '?')
  log "$preset $tune: ffmpeg CLI, $run_seconds s"
  ffmpeg_args "$size" 30 "$kbps" "$akbps" "$tune" "$HOSTSTUDIO_RTMP_URL/bench-ffmpeg-$preset-$tune-$$" "$run_seconds"
  theirs=$(run_measured "ffmpeg-$preset-$tune" -- ffmpeg "${FFARGS[@]}")
  read -r ours_cpu ours_rss <<<"$ours"
  read -r their_cpu their_rss <<<"$theirs"
  per_minute() { awk -v c="$1" -v s="$run_seconds" 'BEGIN { if (c == "-") print "-"; else printf "%.1f", c * 60 / s }'; }
  ratio=$(awk -v a="$ours_cpu" -v b="$their_cpu" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%+.0f %%", (a / b - 1) * 100 }')
  rows+=("| $preset, ${tune} | $(per_minute "$ours_cpu") | $(per_minute "$their_cpu") | $ratio | $ours_rss | $their_rss | $dropped |")
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
  printf 'bitrate, nal-hrd=cbr), keyint 2 s, scenecut 0, profile high, AAC-LC 48 kHz stereo. Sources differ: the\n'
  printf 'studio renders its own test pattern (with the burned-in stamp), the CLI uses lavfi testsrc2 + sine.\n'
  printf 'hoststudio build: %s.\n\n' "${BUILD_NOTE:-as given (see the command line)}"
  printf '| job | hoststudio CPU s/min | ffmpeg CLI CPU s/min | difference | hoststudio max RSS MiB | ffmpeg max RSS MiB | hoststudio dropped/skipped |\n'
  printf '|---|---|---|---|---|---|---|\n'
  printf '%s\n' "${rows[@]}"
  printf '\nCapture → ingest → player latency (720p30 zerolatency, loopback; read from the burned-in capture time of\n'
  printf 'frames an ffmpeg reader pulled back from nginx, first 3 s excluded; includes the reader'"'"'s decode):\n\n'
  printf '```json\n%s\n```\n\n' "$latency"
  printf 'Long run (%s s, 720p30 zerolatency): %s\n' "$long_seconds" "$long_row"
} >"$results"
log "wrote $results"
cat "$results"
