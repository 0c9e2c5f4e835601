# Helpers for the session tests (hoststudio live / end / recover). Source it after ../lib.sh.
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Variables set here are read by the tests; JavaScript sits in single quotes; the small functions
# defined inside others are called through hs_wait_for.
# shellcheck disable=SC2034,SC2016,SC2317

HS_SESSION_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)

# hs_session_setup: a private temporary directory ($tmp), private XDG directories (journal, data,
# config) and a fresh host key ($host_key_file, $host).
hs_session_setup() {
  tmp=
  hs_make_tmpdir tmp
  export XDG_STATE_HOME=$tmp/state XDG_CONFIG_HOME=$tmp/config XDG_DATA_HOME=$tmp/data
  host_key_file=$tmp/host.key
  "$HOSTSTUDIO_BIN" nostr keygen --save --key-file "$host_key_file" >"$tmp/keygen.json" 2>/dev/null ||
    hs_fail "nostr keygen failed"
  host=$(hs_json_field "$(cat "$tmp/keygen.json")" pubkey)
  [[ $host =~ ^[0-9a-f]{64}$ ]] || hs_fail "no host public key in: $(cat "$tmp/keygen.json")"
}

# hs_json_field JSON NAME: a top-level field of one JSON object.
hs_json_field() {
  node -e 'const v = JSON.parse(process.argv[1])[process.argv[2]]; console.log(v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : v)' "$1" "$2"
}

# hs_first_line FILE EVENT: the first JSON line of FILE whose "event" is EVENT (empty when none).
hs_first_line() {
  grep -m1 "\"event\":\"$2\"" "$1" || true
}

# hs_wait_live OUT ERR [SECONDS]: waits for the {"event":"live"} line; sets $live_line and $hls.
hs_wait_live() {
  local out=$1 err=$2
  is_live_in() { grep -q '"event":"live"' "$1"; }
  HS_WAIT_SECONDS=${3:-40} hs_wait_for is_live_in "$out" || hs_fail "not live: $(tail -n 8 "$err")"
  live_line=$(hs_first_line "$out" live)
  hls=$(hs_json_field "$live_line" hlsPlaybackUrl)
  [[ -n $hls ]] || hs_fail "no HLS URL printed: $live_line"
}

# hs_wait_ended PID OUT: waits (up to 20 s) for the process to exit; sets $exit_status and $ended_line.
hs_wait_ended() {
  local pid=$1 out=$2
  local deadline=$((SECONDS + 20))
  while hs_pid_alive "$pid"; do
    ((SECONDS < deadline)) || hs_fail "the session did not end within 20 s"
    sleep 0.2
  done
  exit_status=0
  wait "$pid" || exit_status=$?
  ended_line=$(hs_first_line "$out" ended)
}

# hs_plays URL: the HLS URL plays H.264 (ffprobe), waiting up to 25 s for the first segments.
hs_plays() {
  playable_url() { timeout 15 ffprobe -v error -rw_timeout 5000000 -show_entries stream=codec_name -of csv=p=0 "$1" 2>/dev/null | grep -q h264; }
  HS_WAIT_SECONDS=25 hs_wait_for playable_url "$1" || hs_fail "the HLS URL does not play: $1"
  hs_log "ok: $1 plays (h264)"
}

# hs_query_activity RELAY EVENT_ID OUTFILE: the newest 30311 of $host with that `d` (1 when none).
hs_query_activity() {
  node "$HS_SESSION_DIR/query-activity.mjs" "$1" "$host" "$2" >"$3" 2>/dev/null
}

# hs_check_live_activity FILE HLS RELAY TITLE: "ok" or the problems of a live 30311.
hs_check_live_activity() {
  node -e '
    const [file, hls, host, relay, title] = process.argv.slice(1);
    const r = JSON.parse(require("fs").readFileSync(file, "utf8"));
    const tag = (n) => (r.event.tags.find((t) => t[0] === n) || [])[1];
    const problems = [];
    if (!r.valid) problems.push("invalid signature");
    if (r.event.kind !== 30311) problems.push(`kind ${r.event.kind}`);
    if (tag("status") !== "live") problems.push(`status ${tag("status")}`);
    if (tag("streaming") !== hls) problems.push(`streaming ${tag("streaming")}`);
    if (!/^[0-9]+$/.test(tag("starts") || "")) problems.push("no starts");
    if (tag("ends") !== undefined) problems.push("ends while live");
    const p = r.event.tags.find((t) => t[0] === "p");
    if (!p || p[1] !== host || (p[3] || "").toLowerCase() !== "host") problems.push(`first p ${JSON.stringify(p)}`);
    const relays = r.event.tags.find((t) => t[0] === "relays");
    if (!relays || !relays.slice(1).includes(relay)) problems.push(`relays ${JSON.stringify(relays)}`);
    if (tag("title") !== title) problems.push(`title ${tag("title")}`);
    console.log(problems.length ? problems.join("; ") : "ok");' "$1" "$2" "$host" "$3" "$4"
}

# hs_check_ended_activity FILE: "ok" or the problems of an ended 30311.
hs_check_ended_activity() {
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const tag = (n) => (r.event.tags.find((t) => t[0] === n) || [])[1];
    const problems = [];
    if (!r.valid) problems.push("invalid signature");
    if (tag("status") !== "ended") problems.push(`status ${tag("status")}`);
    if (tag("streaming") !== undefined) problems.push("streaming still set");
    if (!/^[0-9]+$/.test(tag("ends") || "")) problems.push("no ends");
    console.log(problems.length ? problems.join("; ") : "ok");' "$1"
}

# hs_activity_field FILE FIELD: created_at, or a tag's value (status, …).
hs_activity_field() {
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const name = process.argv[2];
    if (name === "created_at") console.log(r.event.created_at);
    else console.log((r.event.tags.find((t) => t[0] === name) || [])[1] ?? "");' "$1" "$2"
}

# hs_cloud_stream_status CLOUD_URL NAME: the status of the stand-in's stream named NAME ("" when none).
hs_cloud_stream_status() {
  curl -fsS --max-time 5 -u 123456789012345:local-fake-secret "$1/v2/video/demo/live_streams" 2>/dev/null |
    node -e '
      const body = JSON.parse(require("fs").readFileSync(0, "utf8"));
      const found = (body.data || []).filter((s) => s.name === process.argv[1]);
      console.log(found.map((s) => s.status).join(","));' "$2"
}

# hs_private_services DIR SERVICES…: starts those stack services in their own stack directory DIR
# (ports from the environment: HOSTSTUDIO_*_PORT); they are stopped on exit.
hs_private_services() {
  local dir=$1
  shift
  local services="$*"
  hs_cleanup "HOSTSTUDIO_STACK_DIR=$(printf '%q' "$dir") HOSTSTUDIO_STACK_SERVICES='$services' bash $(printf '%q' "$HS_STACK_SH") stop"
  HOSTSTUDIO_STACK_DIR=$dir HOSTSTUDIO_STACK_SERVICES=$services bash "$HS_STACK_SH" start >"$dir.start.log" 2>&1 ||
    hs_fail "could not start $services: $(tail -n 15 "$dir.start.log")"
}

# hs_no_journal: the journal of a session is gone.
hs_no_journal() {
  [[ ! -e $XDG_STATE_HOME/hoststudio/session.json ]] || hs_fail "the journal is left: $(cat "$XDG_STATE_HOME/hoststudio/session.json")"
}

# hs_start_live CONFIG EVENT TITLE [LIVE ARGS...]: `hoststudio live` of EVENT with the host's key in the
# background (stdout $tmp/out.jsonl, stderr $tmp/err.txt, stdin from $HS_LIVE_STDIN or /dev/null),
# reaped on exit; sets $live and waits for the live line (hs_wait_live: $live_line, $hls).
hs_start_live() {
  local config=$1 event=$2 title=$3
  shift 3
  "$HOSTSTUDIO_BIN" --config "$config" live --event "$event" --title "$title" --key-file "$host_key_file" "$@" \
    <"${HS_LIVE_STDIN:-/dev/null}" >"$tmp/out.jsonl" 2>"$tmp/err.txt" &
  live=$!
  hs_reap_on_exit "$live"
  hs_wait_live "$tmp/out.jsonl" "$tmp/err.txt"
}

# hs_expect_degraded TEXT WHAT: within 10 s stderr says "live: degraded: TEXT…", and a session line is
# degraded; WHAT names the part for the failure message.
hs_expect_degraded() {
  says_degraded() { grep -qF "live: degraded: $1" "$tmp/err.txt"; }
  HS_WAIT_SECONDS=10 hs_wait_for says_degraded "$1" ||
    hs_fail "the output does not say $2 is down: $(tail -n 5 "$tmp/err.txt")"
  grep -q '"degraded":true' "$tmp/out.jsonl" || hs_fail "no degraded session line"
}
