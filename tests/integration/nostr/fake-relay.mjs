#!/usr/bin/env node
// A misbehaving Nostr relay for the relay pool tests, on a free 127.0.0.1 port.
// SPDX-License-Identifier: GPL-2.0-or-later
//
// Usage: node fake-relay.mjs --mode accept|reject|notice|forge [--nip11 none|hang]
//
//   accept  answers every EVENT with ["OK",id,true,""]
//   reject  answers every EVENT with ["OK",id,false,"blocked: this relay refuses everything"]
//   notice  answers every EVENT with a NOTICE only (never OK)
//   forge   answers every REQ with three kind-1 events: one valid, one whose content was changed
//           after signing (id mismatch), one with another event's signature
// Every REQ then gets EOSE. It has no NIP-11 document: a plain HTTP GET gets 404 (--nip11 none,
// the default) or no answer at all (--nip11 hang). Prints "listening on ws://127.0.0.1:<port>" once ready;
// exits on SIGTERM or when stdin closes.

import http from 'node:http';
import process from 'node:process';
import { parseArgs } from 'node:util';

import { WebSocketServer, nostrPure } from '../../peers/modules.mjs';

const { values: args } = parseArgs({
  options: { mode: { type: 'string', default: 'reject' }, nip11: { type: 'string', default: 'none' } },
});
if (!['accept', 'reject', 'notice', 'forge'].includes(args.mode)) {
  process.stderr.write(`fake-relay.mjs: unknown --mode ${args.mode}\n`);
  process.exit(2);
}
if (!['none', 'hang'].includes(args.nip11)) {
  process.stderr.write(`fake-relay.mjs: unknown --nip11 ${args.nip11}\n`);
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

const hanging = new Set();
const httpServer = http.createServer((req, res) => {
  if (args.nip11 === 'hang') {
    hanging.add(res); // never answered; closed on exit
    return;
  }
  res.writeHead(404, { 'Content-Type': 'text/plain' });
  res.end('no NIP-11 here\n');
});
const server = new WebSocketServer({ server: httpServer });
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
      if (args.mode === 'accept') {
        ws.send(JSON.stringify(['OK', message[1]?.id ?? '', true, '']));
      } else if (args.mode === 'reject') {
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
httpServer.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening on ws://127.0.0.1:${httpServer.address().port} mode=${args.mode} nip11=${args.nip11}\n`);
});

const stop = () => {
  for (const res of hanging) res.socket?.destroy();
  for (const ws of server.clients) ws.terminate();
  server.close(() => httpServer.close(() => process.exit(0)));
};
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
