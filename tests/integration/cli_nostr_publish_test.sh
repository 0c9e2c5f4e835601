#!/usr/bin/env bash
# Integration: `hoststudio nostr sign | hoststudio nostr publish` against the stack's real relay;
# per-relay outcomes for a good relay and a dead port; the event is then read back with nostr-tools.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=tests/integration/lib.sh
source "$here/lib.sh"
hoststudio=${1:?usage: cli_nostr_publish_test.sh PATH/TO/hoststudio}
hs_load_stack_env
work=
hs_make_tmpdir work
export HOME=$work XDG_CONFIG_HOME=$work/config
unset HOSTSTUDIO_NOSTR_KEY

"$hoststudio" nostr keygen --save >"$work/key.json"
content="published by the CLI test $(date +%s%N)"
printf '{"kind":1,"tags":[["t","hoststudio"]],"content":"%s"}' "$content" | "$hoststudio" nostr sign >"$work/event.json"
id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$work/event.json")

# A good relay and a port where nothing listens: accepted and unreachable, exit 0.
dead_port=9
"$hoststudio" nostr publish --relay "$HOSTSTUDIO_RELAY_URL" --relay "ws://127.0.0.1:$dead_port" \
  <"$work/event.json" >"$work/out" 2>"$work/err" || hs_fail "publish failed: $(cat "$work/err")"
python3 - "$work/out" "$HOSTSTUDIO_RELAY_URL" "$id" <<'PY' || hs_fail "unexpected outcomes: $(cat "$work/out")"
import json, sys
lines = [json.loads(line) for line in open(sys.argv[1])]
assert len(lines) == 2, lines
assert lines[0]["relay"] == sys.argv[2] and lines[0]["outcome"] == "accepted" and lines[0]["accepted"], lines[0]
assert lines[0]["id"] == sys.argv[3], lines[0]
assert lines[1]["outcome"] == "unreachable" and not lines[1]["accepted"] and lines[1]["reason"], lines[1]
PY
hs_log "ok: accepted by the relay, the dead port reported unreachable"

# The same event again: the relay says duplicate, which still counts as accepted.
"$hoststudio" nostr publish --relay "$HOSTSTUDIO_RELAY_URL" <"$work/event.json" >"$work/again" 2>"$work/err" ||
  hs_fail "second publish failed: $(cat "$work/err")"
grep -q '"accepted":true' "$work/again" || hs_fail "second publish not accepted: $(cat "$work/again")"
hs_log "ok: publishing again is accepted ($(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["outcome"])' "$work/again"))"

# Only a dead relay: exit 1 and a message that says so.
if "$hoststudio" nostr publish --relay "ws://127.0.0.1:$dead_port" <"$work/event.json" >"$work/out" 2>"$work/err"; then
  hs_fail "publishing to no reachable relay must fail"
fi
grep -q 'no relay accepted' "$work/err" || hs_fail "unexpected message: $(cat "$work/err")"
hs_log "ok: no reachable relay: exit 1"

# A tampered event is refused before anything is sent.
python3 -c 'import json,sys; e=json.load(open(sys.argv[1])); e["content"]+="!"; print(json.dumps(e))' \
  "$work/event.json" >"$work/tampered.json"
if "$hoststudio" nostr publish --relay "$HOSTSTUDIO_RELAY_URL" <"$work/tampered.json" >"$work/out" 2>"$work/err"; then
  hs_fail "a tampered event must not be published"
fi
grep -q 'does not verify' "$work/err" || hs_fail "unexpected message: $(cat "$work/err")"
hs_log "ok: a tampered event is refused"

# Read it back from the relay with nostr-tools and verify it there.
node --input-type=module - "$HOSTSTUDIO_RELAY_URL" "$id" "$content" "$here/../peers/modules.mjs" <<'JS' ||
const [url, id, content, modules] = process.argv.slice(2);
const { WebSocket, nostrPure } = await import(modules);
const ws = new WebSocket(url);
const timer = setTimeout(() => { console.error('no answer from the relay'); process.exit(1); }, 5000);
ws.on('open', () => ws.send(JSON.stringify(['REQ', 'readback', { ids: [id] }])));
let found = null;
ws.on('message', (data) => {
  const message = JSON.parse(data.toString());
  if (message[0] === 'EVENT') found = message[2];
  if (message[0] === 'EOSE') {
    clearTimeout(timer);
    ws.close();
    if (!found || found.content !== content || !nostrPure.verifyEvent({ ...found })) {
      console.error('not found or not valid:', JSON.stringify(found));
      process.exit(1);
    }
    process.exit(0);
  }
});
JS
  hs_fail "the relay does not return the published event"
hs_log "ok: the relay returns the event and nostr-tools verifies it"
