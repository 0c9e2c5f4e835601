#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Cross-checks our NIP-01 events against nostr-tools, both ways:
#   1. we sign N events with hostile random content; nostr-tools must verify every one (and
#      reject a tampered copy of each);
#   2. nostr-tools signs N events; we must verify every one, and reject tampered copies.
# Usage: crosscheck.sh <nostr_crosscheck_tool> <crosscheck.mjs> <tests/peers dir> [count]
# The seed is printed; set HOSTSTUDIO_CROSSCHECK_SEED to replay a run.
# Exit 77 (skipped) when node or nostr-tools is missing: install with
#   scripts/dev setup   (or: cd tests/peers && npm_config_nodedir=/usr npm ci)
set -euo pipefail

tool=$1
script=$2
peers=$3
count=${4:-300}
node_program=${NODE:-node}

if ! command -v "$node_program" >/dev/null 2>&1; then
  echo "crosscheck: node not found, skipping"
  exit 77
fi
if [[ ! -f "$peers/node_modules/nostr-tools/package.json" ]]; then
  echo "crosscheck: nostr-tools not installed in $peers, skipping"
  exit 77
fi

seed=${HOSTSTUDIO_CROSSCHECK_SEED:-$(( (RANDOM << 15) | RANDOM ))}
echo "crosscheck: $count events each way, seed $seed"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "crosscheck: ours -> nostr-tools"
"$tool" sign "$count" "$seed" > "$work/ours.jsonl"
"$node_program" "$script" verify < "$work/ours.jsonl"

echo "crosscheck: nostr-tools -> ours"
"$node_program" "$script" generate "$count" "$seed" > "$work/theirs.jsonl"
"$tool" verify < "$work/theirs.jsonl"

echo "crosscheck: tampered nostr-tools events must fail here"
"$node_program" "$script" tamper < "$work/theirs.jsonl" > "$work/tampered.jsonl"
"$tool" verify --expect-invalid < "$work/tampered.jsonl"

echo "crosscheck: passed"
