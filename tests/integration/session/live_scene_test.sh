#!/usr/bin/env bash
# Integration: `hoststudio live` in session mode (without --to) takes the scene options of the
# media-only mode. Bad values are refused (exit 2, a clear message) before anything starts: no
# journal is written. A session with `--source image:red.png --layout screen` puts that picture in
# the stream: a frame read back from the printed HLS URL is red (the default test pattern is not).
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/../lib.sh"
: "${HOSTSTUDIO_BIN:?HOSTSTUDIO_BIN must name the hoststudio executable}"

hs_load_stack_env
tmp=
hs_make_tmpdir tmp
export XDG_STATE_HOME=$tmp/state XDG_CONFIG_HOME=$tmp/config XDG_DATA_HOME=$tmp/data
"$HOSTSTUDIO_BIN" nostr keygen --save --key-file "$tmp/host.key" >/dev/null 2>&1 || hs_fail "nostr keygen failed"
config=$HOSTSTUDIO_STACK_DIR/hoststudio.ini

# Refused before anything starts.
refused() { # expected-fragment args...
  local fragment=$1 rc=0
  shift
  "$HOSTSTUDIO_BIN" --config "$config" live --provider custom --key-file "$tmp/host.key" "$@" \
    >"$tmp/refused.out" 2>"$tmp/refused.err" || rc=$?
  hs_assert_eq "$rc" 2 "exit status of live $*"
  grep -q -- "$fragment" "$tmp/refused.err" || hs_fail "live $*: no '$fragment' in: $(cat "$tmp/refused.err")"
  [[ ! -e $XDG_STATE_HOME/hoststudio/session.json ]] || hs_fail "live $*: a journal was written"
  [[ ! -s $tmp/refused.out ]] || hs_fail "live $*: printed $(cat "$tmp/refused.out")"
}
refused "layout" --title "Bad layout" --layout diagonal
refused "needs a second source" --layout pip
refused "--source" --source nosuch:thing
refused "invalid value for --pip-size" --camera synthetic-camera --pip-size 0.9
refused "--mic-gain needs a value" --title T --mic-gain
refused "unknown option --frobnicate" --source testpattern --frobnicate

# A solid red picture as the main source, in session mode.
ffmpeg -v error -f lavfi -i color=c=red:s=320x180 -frames:v 1 -y "$tmp/red.png" || hs_fail "ffmpeg could not make the picture"
event=$(hs_unique session-scene)
"$HOSTSTUDIO_BIN" --config "$config" live --provider custom --event "$event" --title "Scene options" \
  --source "image:$tmp/red.png" --layout screen --key-file "$tmp/host.key" --duration 8 \
  >"$tmp/out.jsonl" 2>"$tmp/err.txt" &
live=$!
hs_reap_on_exit "$live"
is_live() { grep -q '"event":"live"' "$tmp/out.jsonl"; }
HS_WAIT_SECONDS=30 hs_wait_for is_live || hs_fail "not live: $(tail -n 5 "$tmp/err.txt")"
hls=$(node -e 'console.log(JSON.parse(process.argv[1]).hlsPlaybackUrl)' "$(grep -m1 '"event":"live"' "$tmp/out.jsonl")")

# The average colour of one frame of the stream, as "R G B".
frame_colour() {
  timeout 20 ffmpeg -v error -rw_timeout 10000000 -i "$hls" -frames:v 1 -vf scale=1:1 -f rawvideo -pix_fmt rgb24 - 2>/dev/null |
    od -An -tu1 | tr -s ' ' | sed 's/^ //'
}
has_frame() { colour=$(frame_colour) && [[ $colour =~ ^[0-9]+\ [0-9]+\ [0-9]+$ ]]; }
colour=
HS_WAIT_SECONDS=20 hs_wait_for has_frame || hs_fail "no frame from $hls"
read -r red green blue <<<"$colour"
hs_log "a frame of $hls averages R=$red G=$green B=$blue"
hs_assert_between "$red" 200 255 "red of the streamed picture"
hs_assert_between "$green" 0 60 "green of the streamed picture"
hs_assert_between "$blue" 0 60 "blue of the streamed picture"

status=0
wait "$live" || status=$?
hs_assert_eq "$status" 0 "exit status after --duration"
tail -n 1 "$tmp/out.jsonl" | grep -q '"event":"ended","state":"ended"' || hs_fail "no ended line: $(tail -n 1 "$tmp/out.jsonl")"
hs_log "ok: the scene options reach the session's stream"
