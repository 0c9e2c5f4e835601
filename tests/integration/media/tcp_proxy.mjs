// A loopback TCP proxy the media integration tests control line by line on stdin, to play a bad
// network between the studio and the ingest:
//   down             close the listener and reset every connection (the ingest is gone)
//   up               listen again
//   throttle <kbps>  limit studio→ingest to <kbps> kilobits per second
//   unthrottle       no limit
// Usage: node tcp_proxy.mjs LISTEN_PORT TARGET_PORT  (127.0.0.1 only; LISTEN_PORT 0 picks a free one).
// Prints "ready PORT" when listening.
// SPDX-License-Identifier: GPL-2.0-or-later
import net from 'node:net';
import readline from 'node:readline';

const [listenPort, targetPort] = process.argv.slice(2).map(Number);
let server = null;
let port = listenPort;
const connections = new Set();
let rateBytesPerMs = 0; // 0: unlimited
let nextFreeAt = 0;

function forward(client) {
  const upstream = net.connect({ host: '127.0.0.1', port: targetPort });
  const pair = { client, upstream };
  connections.add(pair);
  const close = () => {
    connections.delete(pair);
    client.destroy();
    upstream.destroy();
  };
  client.on('error', close).on('close', close);
  upstream.on('error', close).on('close', close);
  upstream.on('data', (chunk) => client.write(chunk));
  client.on('data', (chunk) => {
    if (rateBytesPerMs === 0) {
      upstream.write(chunk);
      return;
    }
    // Hold the studio's bytes back to the configured rate; pausing pushes back through TCP.
    client.pause();
    const now = Date.now();
    nextFreeAt = Math.max(now, nextFreeAt) + chunk.length / rateBytesPerMs;
    setTimeout(() => {
      if (!upstream.destroyed) upstream.write(chunk);
      client.resume();
    }, Math.max(0, nextFreeAt - now));
  });
}

function listen() {
  if (server) return;
  server = net.createServer({ noDelay: true }, (client) => {
    client.setNoDelay(true);
    forward(client);
  });
  server.listen({ host: '127.0.0.1', port }, () => {
    port = server.address().port;
    console.log(`ready ${port}`);
  });
}

function down() {
  if (server) {
    server.close();
    server = null;
  }
  for (const { client, upstream } of connections) {
    client.resetAndDestroy?.() ?? client.destroy();
    upstream.destroy();
  }
  connections.clear();
  console.log('down');
}

listen();
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const [command, value] = line.trim().split(/\s+/);
  if (command === 'down') down();
  else if (command === 'up') listen();
  else if (command === 'throttle') {
    rateBytesPerMs = Number(value) / 8;
    console.log(`throttled to ${value} kbps`);
  } else if (command === 'unthrottle') {
    rateBytesPerMs = 0;
    console.log('unthrottled');
  }
}).on('close', () => process.exit(0));
