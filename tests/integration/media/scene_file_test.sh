#!/usr/bin/env bash
# Integration: a media file as the source. A 2 s clip (44.1 kHz audio, so it is resampled) with a
# white flash and a 1 kHz beep together at its start loops three times and more: at the ingest,
# every flash and its beep stay together (no a/v drift over the loops). Without looping the file
# ends mid-stream: its last picture is held about a second, then the slate shows, and the stream
# runs on to the end with its audio track.
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

clip=$tmp/clip.mp4
ffmpeg -v error -nostdin \
  -f lavfi -i "color=black:s=320x240:r=30:d=2,drawbox=c=white:t=fill:enable='lt(t,0.1)'" \
  -f lavfi -i "sine=f=1000:sample_rate=44100:d=2,volume=volume=0:enable='gte(t,0.1)'" \
  -c:v libx264 -pix_fmt yuv420p -g 30 -c:a aac -b:a 96k -t 2 "$clip"
hs_log "clip: $(ffprobe -v error -show_entries format=duration -of csv=p=0 "$clip") s, flash + beep at 0"

# Flash onsets (video) and beep onsets (audio) at the ingest, in seconds of the recording.
onsets() { # file
  local file=$1 start_v start_a
  start_v=$(hs_stream_value "$file" v start_time)
  start_a=$(hs_stream_value "$file" a start_time)
  ffmpeg -v error -nostdin -i "$file" -an -vf scale=16:16 -pix_fmt gray -f rawvideo "$tmp/luma.raw"
  ffmpeg -v error -nostdin -i "$file" -vn -ac 1 -ar 48000 -f s16le "$tmp/audio.raw"
  node -e '
    const fs = require("fs");
    const [lumaPath, audioPath, startV, startA] = process.argv.slice(1);
    const luma = fs.readFileSync(lumaPath), audio = fs.readFileSync(audioPath);
    const flashes = [], beeps = [];
    let lit = false;
    for (let f = 0; f * 256 < luma.length; f++) {
      let sum = 0;
      for (let i = 0; i < 256; i++) sum += luma[f * 256 + i];
      const on = sum / 256 > 128;
      if (on && !lit) flashes.push(Number(startV) + f / 30);
      lit = on;
    }
    const window = 240; // 5 ms
    let loud = false;
    for (let w = 0; (w + 1) * window * 2 <= audio.length; w++) {
      let sum = 0;
      for (let i = 0; i < window; i++) { const v = audio.readInt16LE(2 * (w * window + i)) / 32768; sum += v * v; }
      const on = Math.sqrt(sum / window) > 0.05;
      if (on && !loud) beeps.push(Number(startA) + (w * window) / 48000);
      loud = on;
    }
    console.log("flashes " + flashes.map((t) => t.toFixed(3)).join(" "));
    console.log("beeps " + beeps.map((t) => t.toFixed(3)).join(" "));' "$tmp/luma.raw" "$tmp/audio.raw" "$start_v" "$start_a"
}

hs_log "looping: 8 s of a 2 s clip"
key=$(hs_unique scene-file-loop)
status=0
timeout 60 "$HOSTSTUDIO_BIN" live --source "file:$clip" --to "$HOSTSTUDIO_RTMP_URL/$key" --duration 8 \
  >"$tmp/loop.jsonl" 2>"$tmp/loop.err" || status=$?
((status == 0)) || hs_fail "live exited with $status: $(tail -n 5 "$tmp/loop.err")"
hs_assert_eq "$(hs_last_stat "$tmp/loop.jsonl" 's.scene.sources[0].state')" live "file source state at the end"
recording=$(hs_wait_recording "$key")
onsets "$recording" >"$tmp/onsets.txt"
cat "$tmp/onsets.txt"
read -r -a flashes < <(sed -n 's/^flashes //p' "$tmp/onsets.txt")
read -r -a beeps < <(sed -n 's/^beeps //p' "$tmp/onsets.txt")
((${#flashes[@]} >= 4)) || hs_fail "expected the flash of 4 passes (3 loops), saw ${#flashes[@]}"
hs_assert_eq "${#beeps[@]}" "${#flashes[@]}" "beeps as many as flashes"
hs_assert_between "$(awk -v a="${flashes[1]}" -v b="${flashes[0]}" 'BEGIN { print a - b }')" 1.95 2.05 "loop period (s)"
diffs=()
for i in "${!flashes[@]}"; do
  diffs+=("$(awk -v a="${beeps[i]}" -v v="${flashes[i]}" 'BEGIN { printf "%.3f", a - v }')")
  hs_assert_between "${diffs[i]}" -0.045 0.045 "pass $i: beep minus flash (s)"
done
drift=$(printf '%s\n' "${diffs[@]}" | awk 'NR == 1 { lo = hi = $1 } { if ($1 < lo) lo = $1; if ($1 > hi) hi = $1 } END { printf "%.3f", hi - lo }')
# Pictures sit on the 1/30 s output grid and beeps are found in 5 ms windows: the offset may move
# by up to one frame plus one window between passes, but must not grow with the loops.
hs_assert_between "$drift" 0 0.039 "a/v offset spread over the loops (s)"
hs_assert_between "$(awk -v a="${diffs[0]}" -v b="${diffs[${#diffs[@]} - 1]}" 'BEGIN { d = b - a; if (d < 0) d = -d; print d }')" \
  0 0.039 "a/v offset change from the first to the last pass (s)"
last_v=$(hs_packets "$recording" v | tail -n 1 | cut -d' ' -f1)
last_a=$(hs_packets "$recording" a | tail -n 1 | cut -d' ' -f1)
hs_assert_between "$(awk -v v="$last_v" -v a="$last_a" 'BEGIN { d = v - a; if (d < 0) d = -d; print d }')" 0 0.1 \
  "audio and video end together (s)"

hs_log "without looping: the file ends after 2 s of a 6 s stream"
key=$(hs_unique scene-file-end)
status=0
timeout 60 "$HOSTSTUDIO_BIN" live --source "file:$clip" --no-loop --to "$HOSTSTUDIO_RTMP_URL/$key" --duration 6 \
  >"$tmp/end.jsonl" 2>"$tmp/end.err" || status=$?
((status == 0)) || hs_fail "live exited with $status: $(tail -n 5 "$tmp/end.err")"
hs_assert_eq "$(hs_last_stat "$tmp/end.jsonl" 's.scene.sources[0].state')" lost "file source state after its end"
hs_assert_between "$(hs_last_stat "$tmp/end.jsonl" 's.framesSkipped')" 0 15 "frames skipped (a few on a loaded machine)"
recording=$(hs_wait_recording "$key")
duration=$(ffprobe -v error -show_entries format=duration -of default=noprint_wrappers=1:nokey=1 "$recording")
hs_assert_between "$duration" 5.5 6.6 "the stream ran to its end (s)"
hs_assert_between "$(hs_max_gap "$recording" v)" 0 0.1 "largest video gap (s)"
hs_assert_between "$(hs_max_gap "$recording" a)" 0 0.1 "largest audio gap (s)"
hs_assert_colour "$recording" 1.0 640 360 0 0 0 "the file's own (black) picture while it plays"
hs_assert_colour "$recording" 2.5 640 360 0 0 0 "its last picture held just after its end"
hs_assert_colour "$recording" 4.5 640 360 102 110 127 "the slate's band once the hold is over"
hs_assert_colour "$recording" 4.5 640 100 21 28 45 "the slate's background"

hs_log "a missing file is a clear error before going live"
status=0
"$HOSTSTUDIO_BIN" live --source "file:$tmp/none.mp4" --to "$HOSTSTUDIO_RTMP_URL/x" --duration 1 \
  >/dev/null 2>"$tmp/missing.err" || status=$?
hs_assert_eq "$status" 1 "exit status for a missing file"
grep -q 'check the path' "$tmp/missing.err" || hs_fail "unclear message: $(cat "$tmp/missing.err")"
