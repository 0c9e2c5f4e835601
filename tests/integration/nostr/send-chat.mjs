#!/usr/bin/env node
// Sends one kind-1311 live chat message with nostr-tools (a fresh key), as a web client would.
// SPDX-License-Identifier: GPL-2.0-or-later
//
// Usage: node send-chat.mjs <relay-url> <a-tag> <content>
// Prints the signed event as one JSON line once the relay answered OK true; exit 1 otherwise.

import process from 'node:process';

import { WebSocket, nostrPure } from '../../peers/modules.mjs';

const [relayUrl, aTag, content] = process.argv.slice(2);
if (!relayUrl || !aTag || content === undefined) {
  process.stderr.write('usage: node send-chat.mjs <relay-url> <a-tag> <content>\n');
  process.exit(2);
}

const secretKey = nostrPure.generateSecretKey();
const event = nostrPure.finalizeEvent(
  {
    kind: 1311,
    created_at: Math.floor(Date.now() / 1000),
    tags: [['a', aTag, relayUrl, 'root']],
    content,
  },
  secretKey,
);

const timer = setTimeout(() => {
  process.stderr.write('send-chat.mjs: no OK within 10 s\n');
  process.exit(1);
}, 10000);

const ws = new WebSocket(relayUrl);
ws.on('open', () => ws.send(JSON.stringify(['EVENT', event])));
ws.on('message', (data) => {
  const message = JSON.parse(String(data));
  if (message[0] === 'OK' && message[1] === event.id) {
    clearTimeout(timer);
    if (message[2] !== true) {
      process.stderr.write(`send-chat.mjs: refused: ${message[3]}\n`);
      process.exit(1);
    }
    process.stdout.write(JSON.stringify(event) + '\n');
    ws.close();
    process.exit(0);
  }
});
ws.on('error', (error) => {
  process.stderr.write(`send-chat.mjs: ${error.message}\n`);
  process.exit(1);
});
