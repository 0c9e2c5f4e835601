#!/usr/bin/env bash
# Integration: `hoststudio live` runs the whole session on the local stack with the custom RTMP
# ingest (nginx-rtmp): the stream plays from the printed HLS URL (ffprobe), the relay holds a valid
# 30311 (nostr-tools) with status=live, the HLS URL as `streaming`, `starts`, the host's `p` first and
# `relays`; the end (--duration) replaces it with `ended` (with `ends`, without `streaming`), the
# recording plays, and the journal is gone. Then a session killed with -9 is ended by
# `hoststudio recover`.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/../lib.sh"
: "${HOSTSTUDIO_BIN:?HOSTSTUDIO_BIN must name the hoststudio executable}"
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)

hs_load_stack_env
tmp=
hs_make_tmpdir tmp
export XDG_STATE_HOME=$tmp/state XDG_CONFIG_HOME=$tmp/config XDG_DATA_HOME=$tmp/data
"$HOSTSTUDIO_BIN" nostr keygen --save --key-file "$tmp/host.key" >"$tmp/keygen.json" 2>/dev/null ||
  hs_fail "nostr keygen failed"
host=$(node -e 'const l = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(l.pubkey)' "$tmp/keygen.json")
[[ $host =~ ^[0-9a-f]{64}$ ]] || hs_fail "no host public key in: $(cat "$tmp/keygen.json")"
event=$(hs_unique session-live)
config=$HOSTSTUDIO_STACK_DIR/hoststudio.ini
relay=$(grep -m1 '^relays=' "$config" | cut -d= -f2 | cut -d, -f1)

"$HOSTSTUDIO_BIN" --config "$config" live --provider custom --event "$event" --title "Integration town hall" \
  --key-file "$tmp/host.key" --record "$tmp/local.mkv" --duration 8 >"$tmp/out.jsonl" 2>"$tmp/err.txt" &
live=$!
hs_reap_on_exit "$live"
is_live() { grep -q '"event":"live"' "$tmp/out.jsonl"; }
HS_WAIT_SECONDS=30 hs_wait_for is_live || hs_fail "not live: $(tail -n 5 "$tmp/err.txt")"
line=$(grep -m1 '"event":"live"' "$tmp/out.jsonl")
hls=$(node -e 'console.log(JSON.parse(process.argv[1]).hlsPlaybackUrl)' "$line")
naddr=$(node -e 'console.log(JSON.parse(process.argv[1]).naddr)' "$line")
hs_assert_match "$naddr" '^naddr1' "naddr printed"
hs_log "live at $hls"

# The steps were reported in order, 1 to 6.
steps=$(node -e '
  const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => JSON.parse(l));
  const seen = [];
  for (const l of lines) if (l.event === "session" && l.step > 0 && seen[seen.length - 1] !== l.step) seen.push(l.step);
  console.log(seen.join(","));' "$tmp/out.jsonl")
hs_assert_eq "$steps" "1,2,3,4,5,6" "go-live steps reported"

# The stream plays from the printed URL.
playable() { ffprobe -v error -show_entries stream=codec_name -of csv=p=0 "$hls" 2>/dev/null | grep -q h264; }
HS_WAIT_SECONDS=20 hs_wait_for playable || hs_fail "the HLS URL does not play: $hls"
hs_log "ok: $hls plays (h264)"

# The relay holds the live version, valid for nostr-tools.
node "$here/query-activity.mjs" "$relay" "$host" "$event" >"$tmp/live-event.json" || hs_fail "no activity on $relay"
check_live=$(node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const tag = (n) => (r.event.tags.find((t) => t[0] === n) || [])[1];
  const problems = [];
  if (!r.valid) problems.push("invalid signature");
  if (tag("status") !== "live") problems.push(`status ${tag("status")}`);
  if (tag("streaming") !== process.argv[2]) problems.push(`streaming ${tag("streaming")}`);
  if (!/^[0-9]+$/.test(tag("starts") || "")) problems.push("no starts");
  if (tag("ends") !== undefined) problems.push("ends while live");
  const p = r.event.tags.find((t) => t[0] === "p");
  if (!p || p[1] !== process.argv[3] || (p[3] || "").toLowerCase() !== "host") problems.push(`first p ${JSON.stringify(p)}`);
  const relays = r.event.tags.find((t) => t[0] === "relays");
  if (!relays || relays[1] !== process.argv[4]) problems.push(`relays ${JSON.stringify(relays)}`);
  if (tag("title") !== "Integration town hall") problems.push("title");
  console.log(problems.length ? problems.join("; ") : "ok");' "$tmp/live-event.json" "$hls" "$host" "$relay")
hs_assert_eq "$check_live" ok "the live 30311 on the relay"

status=0
wait "$live" || status=$?
hs_assert_eq "$status" 0 "exit status after --duration"
tail -n 1 "$tmp/out.jsonl" | grep -q '"event":"ended","state":"ended"' || hs_fail "no ended line: $(tail -n 1 "$tmp/out.jsonl")"

node "$here/query-activity.mjs" "$relay" "$host" "$event" >"$tmp/ended-event.json" || hs_fail "no activity after the end"
check_ended=$(node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const tag = (n) => (r.event.tags.find((t) => t[0] === n) || [])[1];
  const problems = [];
  if (!r.valid) problems.push("invalid signature");
  if (tag("status") !== "ended") problems.push(`status ${tag("status")}`);
  if (tag("streaming") !== undefined) problems.push("streaming still set");
  if (!/^[0-9]+$/.test(tag("ends") || "")) problems.push("no ends");
  console.log(problems.length ? problems.join("; ") : "ok");' "$tmp/ended-event.json")
hs_assert_eq "$check_ended" ok "the ended 30311 replaced the live one"
[[ ! -e $XDG_STATE_HOME/hoststudio/session.json ]] || hs_fail "the journal is left after a clean end"
duration=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$tmp/local.mkv")
hs_assert_between "$duration" 7 12 "local recording duration (s)"

# kill -9 while live, then recover.
event=$(hs_unique session-crash)
"$HOSTSTUDIO_BIN" --config "$config" live --provider custom --event "$event" --key-file "$tmp/host.key" \
  >"$tmp/crash.jsonl" 2>"$tmp/crash.txt" &
crashed=$!
hs_reap_on_exit "$crashed"
is_live() { grep -q '"event":"live"' "$tmp/crash.jsonl"; }
HS_WAIT_SECONDS=30 hs_wait_for is_live || hs_fail "second session not live: $(tail -n 5 "$tmp/crash.txt")"
kill -9 "$crashed"
wait "$crashed" 2>/dev/null || true
[[ -s $XDG_STATE_HOME/hoststudio/session.json ]] || hs_fail "no journal after kill -9"
refused=0
"$HOSTSTUDIO_BIN" --config "$config" live --provider custom --key-file "$tmp/host.key" --duration 1 \
  >"$tmp/refused.jsonl" 2>"$tmp/refused.txt" || refused=$?
hs_assert_eq "$refused" 1 "a new session while a crashed one is not recovered"
grep -q 'hoststudio recover' "$tmp/refused.txt" || hs_fail "the refusal does not say to recover: $(cat "$tmp/refused.txt")"
HOSTSTUDIO_NOSTR_KEY=$(cat "$tmp/host.key") "$HOSTSTUDIO_BIN" --config "$config" recover \
  >"$tmp/recover.jsonl" 2>"$tmp/recover.txt" || hs_fail "recover failed: $(tail -n 5 "$tmp/recover.txt")"
node "$here/query-activity.mjs" "$relay" "$host" "$event" >"$tmp/recovered.json" || hs_fail "no activity after recover"
hs_assert_eq "$(node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log((r.event.tags.find((t) => t[0] === "status") || [])[1])' "$tmp/recovered.json")" ended "status after recover"
[[ ! -e $XDG_STATE_HOME/hoststudio/session.json ]] || hs_fail "the journal is left after recover"
hs_log "ok: recover ended the crashed session"
