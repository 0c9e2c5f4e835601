#!/usr/bin/env node
// nostr-tools doing what hoststudio-nostr-bench does, for the comparison in bench/nostr/run.sh:
// sign COUNT kind-1 events (finalizeEvent: id + BIP-340 signature) and verify COUNT signed events
// (verifyEvent on a fresh copy each time, since it caches its verdict on the object).
//
// Usage: node nostr_tools_bench.mjs sign|verify COUNT    → one JSON line on stdout
// SPDX-License-Identifier: GPL-2.0-or-later

import process from 'node:process';

import { nostrPure } from '../../tests/peers/modules.mjs';

const [what, countText] = process.argv.slice(2);
const count = Number.parseInt(countText ?? '', 10);
if (!['sign', 'verify'].includes(what) || !Number.isInteger(count) || count <= 0) {
  process.stderr.write('usage: node nostr_tools_bench.mjs sign|verify COUNT\n');
  process.exit(2);
}

const secretKey = nostrPure.generateSecretKey();
const createdAt = Math.floor(Date.now() / 1000);
const template = (index) => ({
  kind: 1,
  created_at: createdAt,
  tags: [['t', 'bench']],
  content: `benchmark event number ${index}`,
});

let events = 0;
let seconds;
if (what === 'sign') {
  const start = process.hrtime.bigint();
  for (let index = 0; index < count; index++) {
    const event = nostrPure.finalizeEvent(template(index), secretKey);
    if (event.sig.length === 128) events++;
  }
  seconds = Number(process.hrtime.bigint() - start) / 1e9;
} else {
  const signed = [];
  for (let index = 0; index < count; index++) signed.push(nostrPure.finalizeEvent(template(index), secretKey));
  const copies = signed.map((event) => {
    const copy = { ...event };
    delete copy[nostrPure.verifiedSymbol];
    return copy;
  });
  const start = process.hrtime.bigint();
  for (const event of copies) {
    if (nostrPure.verifyEvent(event)) events++;
  }
  seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (events !== count) {
    process.stderr.write(`verify: only ${events} of ${count} events verified\n`);
    process.exit(1);
  }
}
process.stdout.write(JSON.stringify({ what, events, seconds, eventsPerSecond: events / seconds }) + '\n');
