#!/usr/bin/env node
// A viewer of the host's live chat, as web clients are: nostr-tools on the relays, socket.io-client
// on the backend's channel. For the ChatHub integration tests; talks to 127.0.0.1 only.
// SPDX-License-Identifier: GPL-2.0-or-later
//
// Usage:
//   node chathub-viewer.mjs nostr-say <relay-urls> <a-tag> <content> [<display name>]
//       A fresh key; with a display name it first publishes a kind-0 profile {name, display_name};
//       then one kind-1311 message with ["a", <a-tag>, <first relay>, "root"]. Each event goes to
//       every relay (comma-separated URLs) and must be accepted by all. Prints the 1311 as JSON.
//   node chathub-viewer.mjs nostr-verify <relay-url> <a-tag> <host pubkey> <content>
//       Asks the relay for the host's 1311 of that activity with that content, checks its id and
//       signature with nostr-tools' verifyEvent and its a tag, prints {"verified":true,"event":…}.
//   node chathub-viewer.mjs socketio-chat <backend url> <channel> <sender> <content> <expected>
//       Connects with socket.io-client, prints "connected", sends channel-message
//       {channel, content, sender}, prints "sent", then waits for a channel-message whose content
//       is <expected> from another sender and prints "received <json>".
// Exits 0 on success, 1 on a failure or after 15 s, 2 on a usage error.

import { createRequire } from 'node:module';
import process from 'node:process';

import { WebSocket, nostrPure } from '../../peers/modules.mjs';

const require = createRequire(new URL('../../peers/package.json', import.meta.url));
const { io } = require('socket.io-client');

const fail = (message) => {
  process.stderr.write(`chathub-viewer.mjs: ${message}\n`);
  process.exit(1);
};
setTimeout(() => fail('no result within 15 s'), 15000).unref();

// Sends one EVENT and resolves when the relay answered OK true.
function publish(relayUrl, event) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(relayUrl);
    ws.on('open', () => ws.send(JSON.stringify(['EVENT', event])));
    ws.on('message', (data) => {
      const message = JSON.parse(String(data));
      if (message[0] === 'OK' && message[1] === event.id) {
        ws.close();
        if (message[2] === true) resolve();
        else reject(new Error(`${relayUrl} refused ${event.kind}: ${message[3]}`));
      }
    });
    ws.on('error', (error) => reject(new Error(`${relayUrl}: ${error.message}`)));
  });
}

async function nostrSay([relayList, aTag, content, displayName]) {
  if (!relayList || !aTag || content === undefined) usage();
  const relays = relayList.split(',');
  const secretKey = nostrPure.generateSecretKey();
  const now = Math.floor(Date.now() / 1000);
  if (displayName) {
    const profile = nostrPure.finalizeEvent(
      { kind: 0, created_at: now, tags: [], content: JSON.stringify({ name: 'viewer', display_name: displayName }) },
      secretKey,
    );
    await Promise.all(relays.map((relay) => publish(relay, profile)));
  }
  const chat = nostrPure.finalizeEvent(
    { kind: 1311, created_at: now, tags: [['a', aTag, relays[0], 'root']], content },
    secretKey,
  );
  await Promise.all(relays.map((relay) => publish(relay, chat)));
  process.stdout.write(`${JSON.stringify(chat)}\n`);
  process.exit(0);
}

function nostrVerify([relayUrl, aTag, hostPubkey, content]) {
  if (!relayUrl || !aTag || !hostPubkey || content === undefined) usage();
  const ws = new WebSocket(relayUrl);
  ws.on('open', () =>
    ws.send(JSON.stringify(['REQ', 'verify', { kinds: [1311], '#a': [aTag], authors: [hostPubkey] }])),
  );
  ws.on('message', (data) => {
    const message = JSON.parse(String(data));
    if (message[0] === 'EVENT' && message[2].content === content) {
      const event = message[2];
      if (!nostrPure.verifyEvent(event)) fail(`the host's event ${event.id} does not verify`);
      const aTags = event.tags.filter((tag) => tag[0] === 'a');
      if (aTags.length !== 1 || aTags[0][1] !== aTag || aTags[0][3] !== 'root') {
        fail(`wrong a tag: ${JSON.stringify(event.tags)}`);
      }
      process.stdout.write(`${JSON.stringify({ verified: true, event })}\n`);
      process.exit(0);
    }
    if (message[0] === 'EOSE') fail('the relay has no such message from the host');
  });
  ws.on('error', (error) => fail(`${relayUrl}: ${error.message}`));
}

function socketioChat([url, channel, sender, content, expected]) {
  if (!url || !channel || !sender || content === undefined || expected === undefined) usage();
  const socket = io(url, { transports: ['websocket'], reconnection: false, timeout: 5000 });
  socket.on('connect', () => {
    process.stdout.write('connected\n');
    socket.emit('channel-message', { channel, content, sender });
    process.stdout.write('sent\n');
  });
  socket.on('channel-message', (message) => {
    if (message && message.content === expected && message.sender !== sender) {
      process.stdout.write(`received ${JSON.stringify(message)}\n`);
      socket.close();
      process.exit(0);
    }
  });
  socket.on('connect_error', (error) => fail(`${url}: ${error.message}`));
}

function usage() {
  process.stderr.write('usage: chathub-viewer.mjs nostr-say|nostr-verify|socketio-chat … (see the header)\n');
  process.exit(2);
}

const [command, ...rest] = process.argv.slice(2);
if (command === 'nostr-say') {
  nostrSay(rest).catch((error) => fail(error.message));
} else if (command === 'nostr-verify') {
  nostrVerify(rest);
} else if (command === 'socketio-chat') {
  socketioChat(rest);
} else {
  usage();
}
