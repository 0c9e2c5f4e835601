# Helpers for the media integration tests. Source after "set -euo pipefail"; needs HOSTSTUDIO_BIN
# (the hoststudio executable, passed by CMake) and the running stack.
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash

# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/../lib.sh"

: "${HOSTSTUDIO_BIN:?HOSTSTUDIO_BIN must name the hoststudio executable}"
HS_MEDIA_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)

# The finished nginx-rtmp recordings of a stream key, oldest first.
hs_ingest_recordings() {
  find "$HOSTSTUDIO_REC_DIR" -maxdepth 1 -type f -name "$1-*.flv" -size +0 2>/dev/null | sort
}

# "pts_time size flags" per packet of one stream type (v or a).
hs_packets() { # file v|a
  ffprobe -v error -select_streams "$2" -show_entries packet=pts_time,size,flags -of csv=p=0 "$1" |
    tr ',' ' ' | sort -g -k1,1
}

# A stream property: hs_stream_value FILE v|a ENTRY
hs_stream_value() {
  ffprobe -v error -select_streams "$2" -show_entries "stream=$3" -of default=noprint_wrappers=1:nokey=1 "$1" | head -n 1
}

# Checks what ffprobe sees in FILE against the 720p30 preset: codecs, size, rate, keyframes every
# 2 s, audio 48 kHz stereo, a/v start within one frame, and video bitrate within ±10 % of 2500 kbps
# when $2 is "bitrate".
hs_check_720p30() { # file [bitrate]
  local file=$1 packets_v packets_a
  hs_assert_eq "$(hs_stream_value "$file" v codec_name)" h264 "video codec"
  hs_assert_eq "$(hs_stream_value "$file" v width)x$(hs_stream_value "$file" v height)" 1280x720 "video size"
  hs_assert_eq "$(hs_stream_value "$file" v r_frame_rate)" 30/1 "frame rate"
  hs_assert_eq "$(hs_stream_value "$file" a codec_name)" aac "audio codec"
  hs_assert_eq "$(hs_stream_value "$file" a profile)" LC "audio profile"
  hs_assert_eq "$(hs_stream_value "$file" a sample_rate)" 48000 "audio sample rate"
  hs_assert_eq "$(hs_stream_value "$file" a channels)" 2 "audio channels"
  packets_v=$(hs_packets "$file" v)
  packets_a=$(hs_packets "$file" a)
  # Keyframes exactly every 2 s (60 frames), none in between.
  local keyframes
  keyframes=$(awk '$3 ~ /K/ { printf "%.2f ", $1 }' <<<"$packets_v")
  hs_log "keyframes at: $keyframes"
  awk '$3 ~ /K/ { t[n++] = $1 } END {
         if (n < 3) exit 1
         for (i = 1; i < n; i++) { d = t[i] - t[i-1]; if (d < 1.98 || d > 2.02) exit 1 }
       }' <<<"$packets_v" || hs_fail "keyframes are not every 2 s: $keyframes"
  hs_log "ok: a keyframe every 2 s"
  # Frame rate from the packets: consecutive video timestamps 1/30 s apart.
  local frames span
  frames=$(wc -l <<<"$packets_v")
  span=$(awk 'NR == 1 { first = $1 } { last = $1 } END { print last - first }' <<<"$packets_v")
  hs_assert_between "$(awk -v f="$frames" -v s="$span" 'BEGIN { printf "%.2f", (f - 1) / s }')" 29.7 30.3 "measured fps"
  # Audio and video start together (within one frame).
  local first_v first_a
  first_v=$(head -n 1 <<<"$packets_v" | cut -d' ' -f1)
  first_a=$(head -n 1 <<<"$packets_a" | cut -d' ' -f1)
  hs_assert_between "$(awk -v v="$first_v" -v a="$first_a" 'BEGIN { d = v - a; if (d < 0) d = -d; printf "%.3f", d }')" 0 0.034 "a/v start difference (s)"
  if [[ ${2:-} == bitrate ]]; then
    # Whole seconds of video from the first keyframe: CBR with HRD filler at 2500 kbps.
    local kbps
    kbps=$(awk 'NR == 1 { first = $1 } { last = $1; bytes += $2 } END { printf "%.0f", bytes * 8 / 1000 / (last - first + 1/30) }' <<<"$packets_v")
    hs_assert_between "$kbps" 2250 2750 "video bitrate (kbps, 2500 ± 10 %)"
  fi
}

# The largest gap between consecutive packets of a stream, in seconds.
hs_max_gap() { # file v|a
  hs_packets "$1" "$2" | awk 'NR > 1 { d = $1 - p; if (d > m) m = d } { p = $1 } END { printf "%.3f", m }'
}

# The value of a numeric field in the last "stats" JSON line of a file.
hs_last_stat() { # jsonl expression(on s)
  node -e '
    const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const stats = lines.filter((l) => l.event === "stats");
    const s = stats[stats.length - 1];
    console.log(eval(process.argv[2]));' "$1" "$2"
}

# Starts the control-by-stdin TCP proxy (tcp_proxy.mjs) in front of the ingest's RTMP port.
# Sets HS_PROXY_PORT; send commands with hs_proxy down|up|throttle KBPS|unthrottle.
hs_start_proxy() { # tmpdir
  mkfifo "$1/proxy.in"
  node "$HS_MEDIA_DIR/tcp_proxy.mjs" 0 "$HOSTSTUDIO_RTMP_PORT" <"$1/proxy.in" >"$1/proxy.out" 2>&1 &
  HS_PROXY_PID=$!
  exec {HS_PROXY_FD}>"$1/proxy.in"
  hs_reap_on_exit "$HS_PROXY_PID"
  proxy_ready() { grep -q '^ready ' "$1/proxy.out"; }
  hs_wait_for proxy_ready "$1" || hs_fail "the proxy did not start: $(cat "$1/proxy.out")"
  HS_PROXY_PORT=$(awk '/^ready / { print $2; exit }' "$1/proxy.out")
  hs_log "proxy on 127.0.0.1:$HS_PROXY_PORT → ingest :$HOSTSTUDIO_RTMP_PORT"
}
hs_proxy() { printf '%s\n' "$*" >&"$HS_PROXY_FD"; hs_log "proxy: $*"; }
