#!/usr/bin/env node
// A misbehaving Nostr relay for the relay pool tests, on a free 127.0.0.1 port.
// SPDX-License-Identifier: GPL-2.0-or-later
//
// Usage: node fake-relay.mjs --mode reject|notice|forge
//
//   reject  answers every EVENT with ["OK",id,false,"blocked: this relay refuses everything"]
//   notice  answers every EVENT with a NOTICE only (never OK)
//   forge   answers every REQ with three kind-1 events: one valid, one whose content was changed
//           after signing (id mismatch), one with another event's signature
// Every REQ then gets EOSE. Prints "listening on ws://127.0.0.1:<port>" once ready;
// exits on SIGTERM or when stdin closes.

import process from 'node:process';
import { parseArgs } from 'node:util';

import { WebSocketServer, nostrPure } from '../../peers/modules.mjs';

const { values: args } = parseArgs({ options: { mode: { type: 'string', default: 'reject' } } });
if (!['reject', 'notice', 'forge'].includes(args.mode)) {
  process.stderr.write(`fake-relay.mjs: unknown --mode ${args.mode}\n`);
  process.exit(2);
}

function forgedEvents() {
  const secretKey = nostrPure.generateSecretKey();
  const now = Math.floor(Date.now() / 1000);
  const sign = (content) => nostrPure.finalizeEvent({ kind: 1, created_at: now, tags: [], content }, secretKey);
  const valid = sign('valid');
  const tampered = { ...sign('signed text'), content: 'changed text' };
  const other = sign('other');
  const wrongSignature = { ...sign('wrong signature'), sig: other.sig };
  return [tampered, wrongSignature, valid];
}

const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
server.on('connection', (ws) => {
  ws.on('message', (data) => {
    let message;
    try {
      message = JSON.parse(String(data));
    } catch {
      ws.send(JSON.stringify(['NOTICE', 'invalid: not JSON']));
      return;
    }
    if (!Array.isArray(message)) return;
    if (message[0] === 'EVENT') {
      if (args.mode === 'reject') {
        ws.send(JSON.stringify(['OK', message[1]?.id ?? '', false, 'blocked: this relay refuses everything']));
      } else {
        ws.send(JSON.stringify(['NOTICE', 'thanks, maybe later']));
      }
    } else if (message[0] === 'REQ') {
      if (args.mode === 'forge') {
        for (const event of forgedEvents()) {
          ws.send(JSON.stringify(['EVENT', message[1], event]));
        }
      }
      ws.send(JSON.stringify(['EOSE', message[1]]));
    }
  });
});
server.on('listening', () => {
  process.stdout.write(`listening on ws://127.0.0.1:${server.address().port} mode=${args.mode}\n`);
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
