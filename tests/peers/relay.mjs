#!/usr/bin/env node
// HostStudio test peer: a real Nostr relay on loopback, built from @nostr-relay/*.
// SPDX-License-Identifier: GPL-2.0-or-later
//
// Usage: node relay.mjs --host 127.0.0.1 --port 7447 --db relay.db [--auth|--auth-optional]
//
//   --host           address to bind; only loopback (127.0.0.1, ::1, localhost) is accepted
//   --port           TCP port (0 picks a free one; the chosen port is logged)
//   --db             SQLite database file (created if missing); ":memory:" for a throwaway relay
//   --auth           NIP-42: send an AUTH challenge on connect and refuse EVENT/REQ from clients
//                    that have not authenticated ("auth-required:" OK false / CLOSED)
//   --auth-optional  NIP-42: send the AUTH challenge but require nothing
//   --name           relay name for NIP-11 (default "HostStudio test relay")
//   --max-message-length N  NIP-11 max_message_length and the largest frame accepted (default 524288)
//   --max-subscriptions N   NIP-11 max_subscriptions and the per-connection limit (default 20; the
//                           relay then silently drops the oldest subscription, as @nostr-relay does)
//   --max-filters N         NIP-11 max_filters: a REQ with more filters gets CLOSED "invalid:"
//   --max-limit N           NIP-11 max_limit: a filter asking for more gets CLOSED "invalid:"
//   --ok-delay-ms N         wait N ms before handling each EVENT (a slow relay, for benchmarks)
//   --tls-cert FILE --tls-key FILE
//                    serve wss:// and https:// (NIP-11) with this PEM certificate and key
//
// NIP-11 is answered on an HTTP GET carrying "Accept: application/nostr+json".
// Logs go to stdout. SIGTERM/SIGINT close every connection, the server and the database.

import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import process from 'node:process';
import { parseArgs } from 'node:util';

import { LogLevel, MessageType } from '@nostr-relay/common';
import { NostrRelay } from '@nostr-relay/core';
import { EventRepositorySqlite } from '@nostr-relay/event-repository-sqlite';
import { Validator } from '@nostr-relay/validator';
import { WebSocketServer } from 'ws';

const SOFTWARE = 'https://github.com/CodyTseng/nostr-relay';
const SOFTWARE_VERSION = '0.0.40';
const MAX_MESSAGE_LENGTH = 512 * 1024;
const MAX_SUBSCRIPTIONS = 20;
const MAX_CONTENT_LENGTH = 102400;
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

function log(...parts) {
  const line = [new Date().toISOString(), 'relay:', ...parts].join(' ');
  process.stdout.write(line + '\n');
}

function usageError(message) {
  process.stderr.write(`relay.mjs: ${message}\n`);
  process.stderr.write('usage: node relay.mjs --host 127.0.0.1 --port PORT --db FILE [--auth|--auth-optional] [--name NAME]\n');
  process.exit(2);
}

let args;
try {
  ({ values: args } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '7447' },
      db: { type: 'string', default: ':memory:' },
      auth: { type: 'boolean', default: false },
      'auth-optional': { type: 'boolean', default: false },
      name: { type: 'string', default: 'HostStudio test relay' },
      'max-message-length': { type: 'string' },
      'max-subscriptions': { type: 'string' },
      'max-filters': { type: 'string' },
      'max-limit': { type: 'string' },
      'ok-delay-ms': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  }));
} catch (error) {
  usageError(error.message);
}

if (!LOOPBACK.has(args.host)) {
  usageError(`refusing to bind ${args.host}: the test relay listens on loopback only`);
}
const port = Number.parseInt(args.port, 10);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  usageError(`bad --port ${args.port}`);
}
function positiveOption(name, fallback) {
  if (args[name] === undefined) return fallback;
  const value = Number.parseInt(args[name], 10);
  if (!Number.isInteger(value) || value < 0 || String(value) !== args[name]) usageError(`bad --${name} ${args[name]}`);
  return value;
}
const maxMessageLength = positiveOption('max-message-length', MAX_MESSAGE_LENGTH);
const maxSubscriptions = positiveOption('max-subscriptions', MAX_SUBSCRIPTIONS);
const maxFilters = positiveOption('max-filters', undefined);
const maxLimit = positiveOption('max-limit', undefined);
const okDelayMs = positiveOption('ok-delay-ms', 0);
if (Boolean(args['tls-cert']) !== Boolean(args['tls-key'])) {
  usageError('--tls-cert and --tls-key go together');
}
const tls = args['tls-cert'] ? { cert: fs.readFileSync(args['tls-cert']), key: fs.readFileSync(args['tls-key']) } : null;
const authRequired = args.auth;
const authEnabled = args.auth || args['auth-optional'];

// NIP-42 in @nostr-relay/core is on when a hostname is given; the AUTH event's
// relay tag must then name this host.
const authHostname = args.host === '::1' ? '[::1]' : args.host;

const repository = new EventRepositorySqlite(args.db);
await repository.init();

const relay = new NostrRelay(repository, {
  hostname: authEnabled ? authHostname : undefined,
  logLevel: LogLevel.INFO,
  maxSubscriptionsPerClient: maxSubscriptions,
  // No caching: identical REQs and re-sent EVENTs must hit the database every time.
  filterResultCacheTtl: 0,
  eventHandlingResultCacheTtl: 0,
});

if (authRequired) {
  // Refuse EVENT and REQ until the client has answered the AUTH challenge.
  relay.register({
    async handleMessage(ctx, message, next) {
      if (ctx.pubkey) {
        return next();
      }
      if (message[0] === MessageType.EVENT) {
        const event = message[1];
        ctx.sendMessage(['OK', event.id, false, 'auth-required: authenticate with NIP-42 first']);
        ctx.sendMessage(['AUTH', ctx.id]);
        return { messageType: MessageType.EVENT, success: false, message: 'auth-required' };
      }
      if (message[0] === MessageType.REQ) {
        ctx.sendMessage(['CLOSED', message[1], 'auth-required: authenticate with NIP-42 first']);
        ctx.sendMessage(['AUTH', ctx.id]);
        return { messageType: MessageType.REQ, events: [] };
      }
      return next();
    },
  });
}

if (maxFilters !== undefined || maxLimit !== undefined) {
  // Refuse REQs beyond the advertised max_filters / max_limit.
  relay.register({
    async handleMessage(ctx, message, next) {
      if (message[0] === MessageType.REQ) {
        const filters = message.slice(2);
        let why;
        if (maxFilters !== undefined && filters.length > maxFilters) why = `invalid: more than ${maxFilters} filters`;
        if (maxLimit !== undefined && filters.some((filter) => typeof filter?.limit === 'number' && filter.limit > maxLimit)) {
          why = `invalid: limit above ${maxLimit}`;
        }
        if (why) {
          ctx.sendMessage(['CLOSED', message[1], why]);
          return { messageType: MessageType.REQ, events: [] };
        }
      }
      return next();
    },
  });
}

const validator = new Validator({ maxContentLength: MAX_CONTENT_LENGTH });

function relayInformation() {
  return {
    name: args.name,
    description: 'A local Nostr relay for HostStudio tests',
    supported_nips: authEnabled ? [1, 2, 4, 9, 11, 13, 22, 26, 28, 40, 42] : [1, 2, 4, 9, 11, 13, 22, 26, 28, 40],
    software: SOFTWARE,
    version: SOFTWARE_VERSION,
    limitation: {
      max_message_length: maxMessageLength,
      max_subscriptions: maxSubscriptions,
      ...(maxFilters !== undefined ? { max_filters: maxFilters } : {}),
      ...(maxLimit !== undefined ? { max_limit: maxLimit } : {}),
      max_content_length: MAX_CONTENT_LENGTH,
      auth_required: authRequired,
      restricted_writes: authRequired,
    },
  };
}

const server = (tls ? https.createServer.bind(null, tls) : http.createServer)((req, res) => {
  const cors = {
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Headers': '*',
    'Access-Control-Allow-Methods': 'GET, OPTIONS',
  };
  if (req.method === 'OPTIONS') {
    res.writeHead(204, cors);
    res.end();
    return;
  }
  const accept = String(req.headers.accept ?? '');
  if (req.method === 'GET' && accept.includes('application/nostr+json')) {
    const body = JSON.stringify(relayInformation());
    res.writeHead(200, { ...cors, 'Content-Type': 'application/nostr+json' });
    res.end(body);
    return;
  }
  res.writeHead(200, { ...cors, 'Content-Type': 'text/plain; charset=utf-8' });
  res.end('Nostr relay: connect with a WebSocket, or GET with "Accept: application/nostr+json" for NIP-11.\n');
});

const wss = new WebSocketServer({ server, maxPayload: maxMessageLength });
let nextClientNumber = 1;

wss.on('connection', (ws, req) => {
  const ip = req.socket.remoteAddress;
  const clientName = `client#${nextClientNumber++}`;
  log(clientName, 'connected from', ip);
  relay.handleConnection(ws, ip);

  ws.on('message', async (data) => {
    let message;
    try {
      message = await validator.validateIncomingMessage(data);
    } catch (error) {
      // A malformed EVENT still gets an OK false when its id can be read.
      let raw;
      try {
        raw = JSON.parse(data.toString());
      } catch {
        raw = undefined;
      }
      const text = String(error?.message ?? error);
      if (Array.isArray(raw) && raw[0] === 'EVENT' && typeof raw[1]?.id === 'string') {
        ws.send(JSON.stringify(['OK', raw[1].id, false, text.startsWith('invalid') ? text : `invalid: ${text}`]));
      } else if (Array.isArray(raw) && raw[0] === 'REQ' && typeof raw[1] === 'string') {
        ws.send(JSON.stringify(['CLOSED', raw[1], text.startsWith('invalid') ? text : `invalid: ${text}`]));
      } else {
        ws.send(JSON.stringify(['NOTICE', text]));
      }
      log(clientName, 'rejected message:', text);
      return;
    }
    if (okDelayMs > 0 && message[0] === MessageType.EVENT) {
      await new Promise((resolve) => setTimeout(resolve, okDelayMs));
    }
    try {
      const result = await relay.handleMessage(ws, message);
      if (message[0] === MessageType.EVENT) {
        log(clientName, 'EVENT', message[1].id, 'kind', message[1].kind, '->', result?.success ? 'ok' : 'refused', result?.message ?? '');
      } else if (message[0] === MessageType.REQ) {
        log(clientName, 'REQ', message[1], '->', result?.events?.length ?? 0, 'stored events');
      } else {
        log(clientName, message[0]);
      }
    } catch (error) {
      log(clientName, 'error handling message:', error?.stack ?? error);
      ws.send(JSON.stringify(['NOTICE', `error: ${error?.message ?? error}`]));
    }
  });

  ws.on('close', () => {
    relay.handleDisconnect(ws);
    log(clientName, 'disconnected');
  });
  ws.on('error', (error) => log(clientName, 'socket error:', error.message));
});

server.on('error', (error) => {
  log('server error:', error.message);
  process.exit(1);
});

server.listen(port, args.host, () => {
  const address = server.address();
  log(`listening on ${tls ? 'wss' : 'ws'}://${args.host === '::1' ? '[::1]' : args.host}:${address.port}`,
    `db=${args.db}`, `auth=${authRequired ? 'required' : authEnabled ? 'optional' : 'off'}`, `pid=${process.pid}`);
});

let stopping = false;
async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  log(`${signal}: shutting down`);
  const forced = setTimeout(() => {
    log('shutdown timed out, exiting');
    process.exit(1);
  }, 3000);
  forced.unref();
  for (const ws of wss.clients) {
    ws.terminate();
  }
  await new Promise((resolve) => wss.close(() => resolve()));
  await new Promise((resolve) => server.close(() => resolve()));
  await relay.destroy();
  await repository.destroy();
  log('stopped');
  process.exit(0);
}

process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
