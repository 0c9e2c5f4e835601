#!/usr/bin/env node
// SPDX-License-Identifier: GPL-2.0-or-later
//
// A TCP proxy on loopback that makes what a client sends close together arrive at the server in one
// read: with --batch-ms N it holds the client's bytes and forwards them in a single write every N ms
// (as a busy link, Nagle's algorithm or a TLS record may deliver them). The server's bytes go back at
// once. With --batch-ms 0 it forwards as it reads.
//
// Usage: node coalescing-proxy.mjs --target HOST:PORT [--port 0] [--batch-ms 300]
// The first stdout line says "coalescing proxy listening on 127.0.0.1:PORT". Stops on SIGTERM/SIGINT.

import net from 'node:net';

const options = { port: '0', 'batch-ms': '300' };
const argv = process.argv.slice(2);
for (let index = 0; index < argv.length; index += 2) {
  if (!argv[index].startsWith('--') || argv[index + 1] === undefined) {
    console.error(`usage: node coalescing-proxy.mjs --target HOST:PORT [--port 0] [--batch-ms 300] (at ${argv[index]})`);
    process.exit(2);
  }
  options[argv[index].slice(2)] = argv[index + 1];
}
const target = /^(127\.0\.0\.1|localhost):(\d+)$/.exec(options.target ?? '');
if (!target) {
  console.error('--target must be a loopback HOST:PORT');
  process.exit(2);
}
const batchMs = Number(options['batch-ms']);
if (!Number.isFinite(batchMs) || batchMs < 0) {
  console.error('--batch-ms must be a number of milliseconds ≥ 0');
  process.exit(2);
}

const connections = new Set();
const server = net.createServer((client) => {
  const upstream = net.connect(Number(target[2]), target[1]);
  upstream.setNoDelay(true);
  connections.add(client);
  connections.add(upstream);
  let held = [];
  let timer = null;
  const flush = () => {
    timer = null;
    if (held.length > 0 && !upstream.destroyed) {
      upstream.write(Buffer.concat(held)); // one write: one segment on loopback, one read at the server
    }
    held = [];
  };
  client.on('data', (bytes) => {
    if (batchMs === 0) {
      upstream.write(bytes);
      return;
    }
    held.push(bytes);
    timer ??= setTimeout(flush, batchMs);
  });
  upstream.on('data', (bytes) => client.write(bytes));
  const close = () => {
    if (timer) {
      clearTimeout(timer);
      flush();
    }
    upstream.end();
    client.end();
  };
  client.on('end', close);
  upstream.on('end', () => client.end());
  for (const socket of [client, upstream]) {
    socket.on('error', () => {
      client.destroy();
      upstream.destroy();
    });
    socket.on('close', () => connections.delete(socket));
  }
});

server.listen(Number(options.port), '127.0.0.1', () => {
  console.log(`coalescing proxy listening on 127.0.0.1:${server.address().port}`);
});

const stop = () => {
  server.close();
  for (const socket of connections) {
    socket.destroy();
  }
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
