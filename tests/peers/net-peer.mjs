// A small HTTP/HTTPS/WebSocket peer for the net module's integration tests.
// SPDX-License-Identifier: GPL-2.0-or-later
//
//   node net-peer.mjs --certs DIR [--exit-with-stdin]
//
// DIR holds ca.pem, server.pem + server-key.pem (signed by the CA for 127.0.0.1 and localhost),
// self.pem + self-key.pem (self-signed), other.pem + other-key.pem (signed by the CA for another
// host name). Listens on 127.0.0.1, each server on a free port, and prints one JSON line:
//   {"http":P,"https":P,"selfSigned":P,"wrongHost":P}
// Every server answers the same paths:
//   /echo            JSON {method, url, headers, body} of the request
//   /json            {"hello":"world","n":42}; POST: {"received": <the JSON body>}
//   /slow?ms=N       answers after N ms;  /never: never answers
//   /huge?bytes=N    N bytes with Content-Length; /huge-chunked?bytes=N: the same, chunked
//   /truncated       promises 1000 bytes, sends 10, closes
//   /close-after     answers (keep-alive), then closes the idle connection 50 ms later
//   /drop-next       answers, then drops the next request on the same connection unanswered
//   /connections     {"connections": TCP connections this server accepted so far}
//   /status?code=N   an empty answer with that status
//   WebSocket /ws    echoes text and binary; text commands: "close:CODE:REASON" (server closes),
//                    "big:N" (sends N bytes of text), "drop" (TCP reset, no close frame),
//                    "pause" (stops reading); ?ping=MS makes the server ping every MS
//   WebSocket /ws-silent  never sends anything and does not answer pings
//   WebSocket /ws-hang    never answers the upgrade request
// Stops on SIGTERM/SIGINT, and with --exit-with-stdin also when stdin closes.

import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { WebSocketServer } from 'ws';

const args = process.argv.slice(2);
const certsAt = args.indexOf('--certs');
if (certsAt < 0 || !args[certsAt + 1]) {
  console.error('usage: node net-peer.mjs --certs DIR');
  process.exit(2);
}
const dir = args[certsAt + 1];
const read = (name) => readFileSync(`${dir}/${name}`);

function handle(request, response, counters) {
  if (request.socket.dropNext) {
    request.socket.destroy();
    return;
  }
  const url = new URL(request.url, 'http://peer');
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const json = (status, value) => {
      const text = JSON.stringify(value);
      response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
      response.end(text);
    };
    switch (url.pathname) {
      case '/echo':
        return json(200, { method: request.method, url: request.url, headers: request.headers, body });
      case '/json':
        if (request.method === 'POST') {
          try {
            return json(200, { received: JSON.parse(body) });
          } catch {
            return json(400, { error: 'not JSON' });
          }
        }
        return json(200, { hello: 'world', n: 42 });
      case '/slow':
        return setTimeout(() => json(200, { slow: true }), Number(url.searchParams.get('ms') ?? 1000));
      case '/never':
        return undefined;
      case '/huge': {
        const size = Number(url.searchParams.get('bytes') ?? 1024);
        response.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': size });
        return response.end(Buffer.alloc(size, 0x61));
      }
      case '/huge-chunked': {
        const size = Number(url.searchParams.get('bytes') ?? 1024);
        response.writeHead(200, { 'Content-Type': 'application/octet-stream' });
        const piece = Buffer.alloc(64 * 1024, 0x62);
        let left = size;
        while (left > 0) {
          const now = Math.min(left, piece.length);
          response.write(piece.subarray(0, now));
          left -= now;
        }
        return response.end();
      }
      case '/truncated':
        response.writeHead(200, { 'Content-Length': 1000 });
        response.write('0123456789');
        return setTimeout(() => request.socket.destroy(), 50);
      case '/close-after':
        response.on('finish', () => setTimeout(() => request.socket.destroy(), 50));
        return json(200, { closing: true });
      case '/drop-next':
        // The next request on this kept-alive connection is dropped unanswered.
        request.socket.dropNext = true;
        return json(200, { dropNext: true });
      case '/connections':
        return json(200, { connections: counters.connections });
      case '/status':
        response.writeHead(Number(url.searchParams.get('code') ?? 500), { 'Content-Length': 0 });
        return response.end();
      default:
        return json(404, { error: `no ${url.pathname}` });
    }
  });
}

function attachWebSockets(server) {
  const echo = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024 });
  const silent = new WebSocketServer({ noServer: true, autoPong: false });
  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url, 'http://peer');
    if (url.pathname === '/ws') {
      echo.handleUpgrade(request, socket, head, (ws) => {
        const pingMs = Number(url.searchParams.get('ping') ?? 0);
        const timer = pingMs > 0 ? setInterval(() => ws.ping(), pingMs) : undefined;
        ws.on('close', () => clearInterval(timer));
        ws.on('message', (data, isBinary) => {
          if (!isBinary) {
            const text = data.toString('utf8');
            if (text.startsWith('close:')) {
              const [, code, ...reason] = text.split(':');
              return ws.close(Number(code), reason.join(':'));
            }
            if (text.startsWith('big:')) {
              return ws.send('x'.repeat(Number(text.slice(4))));
            }
            if (text === 'drop') {
              return ws.terminate();
            }
            if (text === 'pause') {
              return ws.pause();
            }
          }
          return ws.send(data, { binary: isBinary });
        });
      });
    } else if (url.pathname === '/ws-hang') {
      // never answers the upgrade
    } else if (url.pathname === '/ws-silent') {
      silent.handleUpgrade(request, socket, head, () => {});
    } else {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
    }
  });
}

function serve(server) {
  const counters = { connections: 0 };
  server.on('connection', () => {
    counters.connections += 1;
  });
  server.on('request', (request, response) => handle(request, response, counters));
  server.keepAliveTimeout = 30000;
  attachWebSockets(server);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
}

const tls = (cert, key) => ({ cert: read(cert), key: read(key) });
const servers = {
  http: http.createServer(),
  https: https.createServer(tls('server.pem', 'server-key.pem')),
  selfSigned: https.createServer(tls('self.pem', 'self-key.pem')),
  wrongHost: https.createServer(tls('other.pem', 'other-key.pem')),
};
const ports = {};
for (const [name, server] of Object.entries(servers)) {
  ports[name] = await serve(server);
}
process.stdout.write(`${JSON.stringify(ports)}\n`);

const stop = () => process.exit(0);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
if (args.includes('--exit-with-stdin')) {
  // The test holds the other end of stdin: if it dies, the peer goes too.
  process.stdin.on('end', stop);
  process.stdin.resume();
}
