#!/usr/bin/env node
// The chat storm's two sources on 127.0.0.1: a socket.io 4 server that emits channel-message to
// the room "general", and a minimal Nostr relay that streams kind-1311 events of one activity to
// every subscription asking for them (kind-0 requests get EOSE; HTTP GETs, such as NIP-11, 404).
// The 1311 events are signed with nostr-tools before the servers start (AUTHORS keys in turn).
// SPDX-License-Identifier: GPL-2.0-or-later
//
// Usage: node storm-peers.mjs --address 30311:<hex>:<d> [--rate N] [--seconds S] [--authors K]
//
// Prints "socketio on http://127.0.0.1:<port>" and "relay on ws://127.0.0.1:<port>", then
// "ready". The storm starts 500 ms after a socket.io client connected and a 1311 subscription
// arrived: N messages per second from each source (in 10 ms ticks) for S seconds; then it prints
// "storm done {json}" with the counts sent. Exits on SIGTERM or SIGINT.

import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import process from 'node:process';
import { parseArgs } from 'node:util';

import { WebSocketServer, nostrPure } from '../../tests/peers/modules.mjs';

const require = createRequire(new URL('../../tests/peers/package.json', import.meta.url));
const { Server } = require('socket.io');

const { values: args } = parseArgs({
  options: {
    address: { type: 'string' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '10' },
    authors: { type: 'string', default: '50' },
  },
});
const rate = Number(args.rate);
const seconds = Number(args.seconds);
const authorCount = Number(args.authors);
if (!args.address || !/^30311:[0-9a-f]{64}:.+$/.test(args.address) || !(rate > 0) || !(seconds > 0) ||
    !(authorCount > 0)) {
  process.stderr.write('usage: node storm-peers.mjs --address 30311:<hex>:<d> [--rate N] [--seconds S] [--authors K]\n');
  process.exit(2);
}
const log = (line) => process.stdout.write(`${line}\n`);

// Pre-signed chat: signing during the storm would slow the source, not the hub.
const total = Math.ceil(rate * seconds);
const keys = Array.from({ length: authorCount }, () => nostrPure.generateSecretKey());
const base = Math.floor(Date.now() / 1000);
const events = [];
for (let index = 0; index < total; index += 1) {
  events.push(nostrPure.finalizeEvent({
    kind: 1311,
    created_at: base + Math.floor(index / rate),
    tags: [['a', args.address, '', 'root']],
    content: `relay storm ${index} <b>not bold</b>`,
  }, keys[index % authorCount]));
}

const httpServer = createServer();
const io = new Server(httpServer, { transports: ['websocket'] });
let socketReady = false;
io.on('connection', (socket) => {
  socket.join('general');
  socketReady = true;
  maybeStart();
});

const relayHttp = createServer((req, res) => {
  res.writeHead(404, { 'Content-Type': 'text/plain' });
  res.end('no NIP-11 here\n');
});
const relay = new WebSocketServer({ server: relayHttp });
const chatSubscribers = new Set(); // [ws, subscription id]
relay.on('connection', (ws) => {
  ws.on('message', (data) => {
    let message;
    try {
      message = JSON.parse(String(data));
    } catch {
      return;
    }
    if (message[0] === 'REQ') {
      const filters = message.slice(2);
      if (filters.some((filter) => Array.isArray(filter.kinds) && filter.kinds.includes(1311))) {
        chatSubscribers.add([ws, message[1]]);
        maybeStart();
      }
      ws.send(JSON.stringify(['EOSE', message[1]]));
    } else if (message[0] === 'CLOSE') {
      for (const entry of chatSubscribers) if (entry[0] === ws && entry[1] === message[1]) chatSubscribers.delete(entry);
    } else if (message[0] === 'EVENT') {
      ws.send(JSON.stringify(['OK', message[1].id, true, '']));
    }
  });
  ws.on('close', () => {
    for (const entry of chatSubscribers) if (entry[0] === ws) chatSubscribers.delete(entry);
  });
});

let started = false;
function maybeStart() {
  if (started || !socketReady || chatSubscribers.size === 0) return;
  started = true;
  setTimeout(storm, 500);
}

function storm() {
  const perTick = rate / 100;
  let socketSent = 0;
  let relaySent = 0;
  const startedAt = Date.now();
  const timer = setInterval(() => {
    // Catch up to where the clock says we should be, so a slow tick does not lower the rate.
    const due = Math.min(total, Math.floor(((Date.now() - startedAt) / 10 + 1) * perTick));
    while (socketSent < due) {
      io.to('general').emit('channel-message',
        { channel: 'general', content: `socket storm ${socketSent} <img src=x>`, sender: `viewer-${socketSent % 97}` });
      socketSent += 1;
    }
    while (relaySent < due) {
      const frame = JSON.stringify(['EVENT', null, events[relaySent]]);
      for (const [ws, id] of chatSubscribers) ws.send(frame.replace('null', JSON.stringify(id)));
      relaySent += 1;
    }
    if (socketSent >= total && relaySent >= total) {
      clearInterval(timer);
      log(`storm done ${JSON.stringify({ socketSent, relaySent, ms: Date.now() - startedAt })}`);
    }
  }, 10);
}

httpServer.listen(0, '127.0.0.1', () => {
  log(`socketio on http://127.0.0.1:${httpServer.address().port}`);
  relayHttp.listen(0, '127.0.0.1', () => {
    log(`relay on ws://127.0.0.1:${relayHttp.address().port}`);
    log('ready');
  });
});

const stop = () => {
  io.close();
  relay.close();
  relayHttp.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
