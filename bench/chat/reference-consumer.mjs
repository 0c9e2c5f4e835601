#!/usr/bin/env node
// The reference side of the chat storm benchmark: what a web client does with the same storm.
// socket.io-client on the Socket.IO server and a WebSocket REQ for the activity's 1311 on the
// relay, every message verified with nostr-tools (as the hub's pool does), the newest 1,000 kept.
// A 10 ms setInterval heartbeat measures the longest event-loop block; RSS is sampled on each beat.
// SPDX-License-Identifier: GPL-2.0-or-later
//
// Usage: node reference-consumer.mjs <backend url> <relay url> <a-tag> <seconds>
// Prints one JSON line like hoststudio-chat-storm's.

import { createRequire } from 'node:module';
import process from 'node:process';

import { WebSocket, nostrPure } from '../../tests/peers/modules.mjs';

const require = createRequire(new URL('../../tests/peers/package.json', import.meta.url));
const { io } = require('socket.io-client');

const [backendUrl, relayUrl, aTag, secondsText] = process.argv.slice(2);
const seconds = Number(secondsText);
if (!backendUrl || !relayUrl || !aTag || !(seconds > 0)) {
  process.stderr.write('usage: node reference-consumer.mjs <backend url> <relay url> <a-tag> <seconds>\n');
  process.exit(2);
}

const history = [];
const seenIds = new Set();
let accepted = 0;
let duplicates = 0;
let rejected = 0;
const keep = (entry) => {
  history.push(entry);
  if (history.length > 1000) history.shift();
  accepted += 1;
};

const socket = io(backendUrl, { transports: ['websocket'], reconnection: false });
socket.on('channel-message', (message) => keep({ author: message.sender, text: String(message.content) }));

const ws = new WebSocket(relayUrl);
ws.on('open', () => ws.send(JSON.stringify(['REQ', 'chat', { kinds: [1311], '#a': [aTag] }])));
ws.on('message', (data) => {
  const message = JSON.parse(String(data));
  if (message[0] !== 'EVENT') return;
  const event = message[2];
  if (seenIds.has(event.id)) {
    duplicates += 1;
    return;
  }
  if (!nostrPure.verifyEvent(event)) {
    rejected += 1;
    return;
  }
  seenIds.add(event.id);
  if (seenIds.size > 10000) seenIds.delete(seenIds.values().next().value);
  keep({ author: event.pubkey, text: event.content });
});

const baselineRssKb = Math.round(process.memoryUsage().rss / 1024);
let peakRssKb = baselineRssKb;
let last = -1;
let longestBlockMs = 0;
const started = performance.now();
const beat = setInterval(() => {
  const now = performance.now();
  if (last >= 0) longestBlockMs = Math.max(longestBlockMs, now - last - 10);
  last = now;
  peakRssKb = Math.max(peakRssKb, Math.round(process.memoryUsage().rss / 1024));
}, 10);

setTimeout(() => {
  clearInterval(beat);
  process.stdout.write(`${JSON.stringify({
    accepted, duplicates, rejected, history: history.length, baselineRssKb, peakRssKb,
    longestBlockMs: Math.round(longestBlockMs), heartbeatMs: 10, ms: Math.round(performance.now() - started),
  })}\n`);
  socket.close();
  ws.close();
  process.exit(0);
}, (seconds + 6) * 1000);
