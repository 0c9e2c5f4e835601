#!/usr/bin/env node
// Reads the current version of a live activity (kind 30311) from a relay, as a viewer's client
// would: REQ by author AND `#d`, the newest event, its signature checked with nostr-tools.
// SPDX-License-Identifier: GPL-2.0-or-later
//
// Usage: node query-activity.mjs <relay-url> <author-pubkey-hex> <d>
// Prints {"event": <the event>, "valid": true|false, "count": N} as one JSON line; exit 1 when the
// relay has none or does not answer within 10 s.

import process from 'node:process';

import { WebSocket, nostrPure } from '../../peers/modules.mjs';

const [relayUrl, author, identifier] = process.argv.slice(2);
if (!relayUrl || !author || !identifier) {
  process.stderr.write('usage: node query-activity.mjs <relay-url> <author-pubkey-hex> <d>\n');
  process.exit(2);
}

const events = [];
const socket = new WebSocket(relayUrl);
const timer = setTimeout(() => {
  process.stderr.write('query-activity.mjs: no EOSE within 10 s\n');
  process.exit(1);
}, 10000);
socket.on('open', () => {
  socket.send(JSON.stringify(['REQ', 'q', { kinds: [30311], authors: [author], '#d': [identifier] }]));
});
socket.on('message', (data) => {
  const message = JSON.parse(data.toString());
  if (message[0] === 'EVENT' && message[1] === 'q') {
    events.push(message[2]);
  } else if (message[0] === 'EOSE' && message[1] === 'q') {
    clearTimeout(timer);
    socket.close();
    if (events.length === 0) {
      process.stderr.write('query-activity.mjs: the relay has no such activity\n');
      process.exit(1);
    }
    events.sort((a, b) => b.created_at - a.created_at);
    const newest = events[0];
    process.stdout.write(`${JSON.stringify({ event: newest, valid: nostrPure.verifyEvent(newest), count: events.length })}\n`);
    process.exit(0);
  }
});
socket.on('error', (error) => {
  process.stderr.write(`query-activity.mjs: ${error.message}\n`);
  process.exit(1);
});
