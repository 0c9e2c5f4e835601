# Helpers for the scene tests (sources, layouts, mixer): a private X server, a private PulseAudio
# with a sine-wave microphone, and pixel / audio measurements of what the ingest received.
# Source after media_lib.sh.
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash

# Starts Xvfb on a free display (1280x720x24, no TCP, no reset when clients leave) and paints its
# root window with $2 (an X colour). Sets HS_DISPLAY; the server is stopped by its pid on exit.
hs_start_xvfb() { # tmpdir colour
  command -v Xvfb >/dev/null || hs_fail "needs Xvfb (apt-get install xvfb)"
  command -v xsetroot >/dev/null || hs_fail "needs xsetroot (apt-get install x11-xserver-utils)"
  local n
  for ((n = 90 + RANDOM % 100; ; n++)); do
    [[ -e /tmp/.X$n-lock || -e /tmp/.X11-unix/X$n ]] || break
  done
  Xvfb ":$n" -screen 0 1280x720x24 -nolisten tcp -noreset >"$1/xvfb.log" 2>&1 &
  HS_XVFB_PID=$!
  hs_reap_on_exit "$HS_XVFB_PID"
  HS_DISPLAY=:$n
  x_ready() { DISPLAY=$HS_DISPLAY xsetroot -solid "$1" 2>/dev/null; }
  hs_wait_for x_ready "$2" || hs_fail "Xvfb $HS_DISPLAY did not start: $(tail -n 3 "$1/xvfb.log")"
  hs_log "Xvfb on $HS_DISPLAY (pid $HS_XVFB_PID), root window $2"
}

# Starts a private PulseAudio (its own XDG_RUNTIME_DIR) with a 440 Hz sine source "sinemic" as the
# default microphone. Exports XDG_RUNTIME_DIR for the studio; sets HS_PULSE_PID.
hs_start_pulse() { # tmpdir
  command -v pulseaudio >/dev/null || hs_fail "needs pulseaudio (apt-get install pulseaudio pulseaudio-utils)"
  export XDG_RUNTIME_DIR=$1/runtime
  mkdir -p -m 700 "$XDG_RUNTIME_DIR"
  pulseaudio --daemonize=no --exit-idle-time=-1 --disallow-exit --log-target=stderr >"$1/pulse.log" 2>&1 &
  HS_PULSE_PID=$!
  hs_reap_on_exit "$HS_PULSE_PID"
  pulse_ready() { pactl info >/dev/null 2>&1; }
  hs_wait_for pulse_ready || hs_fail "PulseAudio did not start: $(tail -n 3 "$1/pulse.log")"
  pactl load-module module-sine-source source_name=sinemic rate=48000 frequency=440 >/dev/null
  pactl set-default-source sinemic
  hs_log "PulseAudio (pid $HS_PULSE_PID) with the 440 Hz source sinemic"
}

# The ingest's recording of a stream key, once nginx has finished it.
hs_wait_recording() { # key
  recording_done() { [[ -n $(hs_ingest_recordings "$1") ]]; }
  hs_wait_for recording_done "$1" || hs_fail "nginx recorded nothing for the stream"
  hs_ingest_recordings "$1" | head -n 1
}

# "R G B": the mean colour of the 8×8 block at X,Y of the picture decoded at TIME seconds.
hs_pixel() { # file time x y
  ffmpeg -v error -nostdin -ss "$2" -i "$1" -frames:v 1 -vf "crop=8:8:$3:$4" -f rawvideo -pix_fmt rgb24 - |
    od -An -v -tu1 | awk '{ for (i = 1; i <= NF; i++) { s[n % 3] += $i; n++ } }
      END { if (n == 0) exit 1; printf "%d %d %d\n", s[0] / (n / 3), s[1] / (n / 3), s[2] / (n / 3) }'
}

# Asserts the colour at X,Y is within 40 of R G B per channel.
hs_assert_colour() { # file time x y r g b what
  local got
  got=$(hs_pixel "$1" "$2" "$3" "$4") || hs_fail "$8: no picture at $2 s"
  awk -v got="$got" -v r="$5" -v g="$6" -v b="$7" 'BEGIN { split(got, c, " ");
      d1 = c[1] - r; d2 = c[2] - g; d3 = c[3] - b
      exit !(d1 * d1 < 1600 && d2 * d2 < 1600 && d3 * d3 < 1600) }' ||
    hs_fail "$8: pixel ($3,$4) at $2 s is ($got), expected about ($5 $6 $7)"
  hs_log "ok: $8: ($got) at ($3,$4), $2 s"
}

# "RMS_DBFS FREQUENCY_HZ" of the audio from START for DURATION seconds (mono mix; the frequency
# from zero crossings).
hs_audio_stats() { # file start duration
  ffmpeg -v error -nostdin -ss "$2" -t "$3" -i "$1" -vn -ac 1 -ar 48000 -f s16le - | node -e '
    const b = require("fs").readFileSync(0);
    const n = Math.floor(b.length / 2);
    let sum = 0, crossings = 0, previous = 0;
    for (let i = 0; i < n; i++) {
      const v = b.readInt16LE(2 * i) / 32768;
      sum += v * v;
      if (i > 0 && ((previous < 0 && v >= 0) || (previous >= 0 && v < 0))) crossings++;
      previous = v;
    }
    const rms = n ? Math.sqrt(sum / n) : 0;
    const db = rms > 1e-6 ? 20 * Math.log10(rms) : -120;
    console.log(db.toFixed(1), n ? (crossings / 2 / (n / 48000)).toFixed(1) : 0);'
}
