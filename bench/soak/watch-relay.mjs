#!/usr/bin/env node
// Watches a live activity (kind 30311) on a relay for the soak run, as a viewer's client would, and
// keeps every version it sees: one JSON line per new event id in OUT_FILE
// ({"receivedAt", "id", "created_at", "status", "valid"}). Reconnects a second after the relay goes
// away (the soak restarts it), asking again for the stored version, so versions published while it
// was down still show up afterwards. Runs until SIGTERM or SIGINT.
// SPDX-License-Identifier: GPL-2.0-or-later
//
// Usage: node watch-relay.mjs <relay-url> <author-pubkey-hex> <d> <out-file>

import { appendFileSync } from 'node:fs';
import process from 'node:process';

import { WebSocket, nostrPure } from '../../tests/peers/modules.mjs';

const [relayUrl, author, identifier, outFile] = process.argv.slice(2);
if (!relayUrl || !author || !identifier || !outFile) {
  process.stderr.write('usage: node watch-relay.mjs <relay-url> <author-pubkey-hex> <d> <out-file>\n');
  process.exit(2);
}

const seen = new Set();
let stopping = false;
let socket = null;

function connect() {
  socket = new WebSocket(relayUrl);
  socket.on('open', () => {
    socket.send(JSON.stringify(['REQ', 'soak', { kinds: [30311], authors: [author], '#d': [identifier] }]));
  });
  socket.on('message', (data) => {
    let message;
    try {
      message = JSON.parse(data.toString());
    } catch {
      return;
    }
    if (message[0] !== 'EVENT' || message[1] !== 'soak' || seen.has(message[2].id)) {
      return;
    }
    const event = message[2];
    seen.add(event.id);
    const status = (event.tags.find((tag) => tag[0] === 'status') || [])[1] ?? null;
    const line = {
      receivedAt: Date.now(),
      id: event.id,
      created_at: event.created_at,
      status,
      valid: nostrPure.verifyEvent(event),
    };
    appendFileSync(outFile, `${JSON.stringify(line)}\n`);
  });
  socket.on('error', () => {});
  socket.on('close', () => {
    if (!stopping) {
      setTimeout(connect, 1000);
    }
  });
}

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    stopping = true;
    if (socket) {
      socket.terminate();
    }
    process.exit(0);
  });
}
connect();
