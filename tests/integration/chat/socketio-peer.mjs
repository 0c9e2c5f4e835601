#!/usr/bin/env node
// A real socket.io 4 server (the npm package in tests/peers) with test behaviours, on 127.0.0.1.
// SPDX-License-Identifier: GPL-2.0-or-later
//
// Usage: node socketio-peer.mjs [--port N] [--ping-interval MS] [--ping-timeout MS] [--mode MODE]
//                               [--tls-dir DIR]
//
//   --tls-dir DIR           serve wss:// with DIR/server.pem and DIR/server-key.pem
//
//   --mode normal (default) a socket.io server on namespace "/" (and "/private", which refuses
//                           every connection with CONNECT_ERROR "not allowed here")
//   --mode mute             accepts the WebSocket upgrade on /socket.io/ and never sends a byte
//
// Client → server events of the normal mode:
//   echo(...args, [ack])        emits "echo" with the same arguments back (binary stays binary) and
//                               acks with them too
//   digest(...args, ack)        acks with [{size, sha256}] of every binary argument
//   whoami(ack)                 acks with the socket id
//   ask-client(question)        emits "question"(question) with an ack request; the client's ack
//                               arguments come back as "answer-received"(...args)
//   send-big(bytes)             emits "big" with a string of that many bytes, then "after-big"
//   broadcast(name, ...args)    emits name(...args) to every connected client
//   drop                        closes the connection under the client (no DISCONNECT packet)
//   kick                        disconnects the client on purpose (a DISCONNECT packet)
// Prints "listening on ws[s]://127.0.0.1:<port>" when ready, "connected <id>" and
// "disconnect <id> <reason>" per client; exits on SIGTERM or when stdin closes.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { createRequire } from 'node:module';
import process from 'node:process';
import { parseArgs } from 'node:util';

const require = createRequire(new URL('../../peers/package.json', import.meta.url));
const { Server } = require('socket.io');
const { WebSocketServer } = require('ws');

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'ping-interval': { type: 'string', default: '300' },
    'ping-timeout': { type: 'string', default: '200' },
    mode: { type: 'string', default: 'normal' },
    'tls-dir': { type: 'string' },
  },
});
if (!['normal', 'mute'].includes(args.mode)) {
  process.stderr.write(`socketio-peer.mjs: unknown --mode ${args.mode}\n`);
  process.exit(2);
}

const log = (line) => process.stdout.write(`${line}\n`);
const tlsDir = args['tls-dir'];
const httpServer = tlsDir
  ? createTlsServer({ cert: readFileSync(`${tlsDir}/server.pem`), key: readFileSync(`${tlsDir}/server-key.pem`) })
  : createServer();

if (args.mode === 'mute') {
  const wss = new WebSocketServer({ server: httpServer, path: '/socket.io/' });
  wss.on('connection', () => log('mute connection'));
} else {
  const io = new Server(httpServer, {
    transports: ['websocket'],
    pingInterval: Number(args['ping-interval']),
    pingTimeout: Number(args['ping-timeout']),
  });
  io.of('/private').use((socket, next) => next(new Error('not allowed here')));
  io.on('connection', (socket) => {
    log(`connected ${socket.id}`);
    socket.on('disconnect', (reason) => log(`disconnect ${socket.id} ${reason}`));
    socket.on('echo', (...received) => {
      const ack = typeof received.at(-1) === 'function' ? received.pop() : undefined;
      socket.emit('echo', ...received);
      if (ack) ack(...received);
    });
    socket.on('digest', (...received) => {
      const ack = received.pop();
      const digests = received
        .filter((value) => Buffer.isBuffer(value))
        .map((value) => ({ size: value.length, sha256: createHash('sha256').update(value).digest('hex') }));
      ack(digests);
    });
    socket.on('whoami', (ack) => ack(socket.id));
    socket.on('ask-client', (question) => {
      socket.timeout(5000).emit('question', question, (error, ...answer) => {
        if (error) {
          socket.emit('answer-received', { error: String(error) });
        } else {
          socket.emit('answer-received', ...answer);
        }
      });
    });
    socket.on('send-big', (bytes) => {
      socket.emit('big', 'x'.repeat(Number(bytes)));
      socket.emit('after-big', Number(bytes));
    });
    socket.on('broadcast', (name, ...rest) => io.emit(String(name), ...rest));
    socket.on('drop', () => socket.conn.close());
    socket.on('kick', () => socket.disconnect(true));
  });
}

httpServer.listen(Number(args.port), '127.0.0.1', () => {
  log(`listening on ${tlsDir ? 'wss' : 'ws'}://127.0.0.1:${httpServer.address().port}`);
});

const stop = () => process.exit(0);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
