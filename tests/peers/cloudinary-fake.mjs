#!/usr/bin/env node
// SPDX-License-Identifier: GPL-2.0-or-later
//
// A local stand-in for Cloudinary's Live Streaming API, for tests and for trying the studio without
// an account. It follows the shapes the studio relies on exactly: the paths (both the documented
// /v2/video/{cloud}/live_streams and the SDKs' /v2/{cloud}/video/live_streams), HTTP Basic
// authentication, the {request_id, data} / {request_id, error} envelopes, 200 on create, 32-hex ids,
// millisecond timestamps, permanent stream keys, hls + archive outputs. Its ingest URI and HLS URI
// point at the local nginx-rtmp, so a stream created here really plays.
//
// Faults for tests, applied to the next API requests (POST /__faults, JSON):
//   {"mode":"delay","delayMs":3000,"count":1}      answer late
//   {"mode":"status500","count":2}                  500 with an error envelope
//   {"mode":"status503","count":1}                  503 with an error envelope
//   {"mode":"rateLimit","resetSeconds":7,"count":1} 429 with X-FeatureRateLimit-* and Retry-After
//   {"mode":"rateLimit420","resetSeconds":7}        420, as Cloudinary's Admin API does
//   {"mode":"malformed","count":1}                  200 with a body that is not JSON
//   {"mode":"truncated","count":1}                  200, Content-Length larger than the body, then close
//   {"mode":"wrongTypes","count":1}                 200 with a stream whose fields have the wrong types
//   {"mode":"hang","count":1}                       never answer
//   {"mode":"status","status":403,"count":1}        that status with an error envelope (e.g. 403)
// DELETE /__faults clears them; GET /__requests lists what was asked (method, path, auth ok?);
// GET /__health answers "ok". These control paths need no authentication.
//
// Usage: node cloudinary-fake.mjs --host 127.0.0.1 --port 3002 [--cloud demo] [--api-key K]
//          [--api-secret S] [--ingest-uri rtmp://127.0.0.1:1935/live] [--hls-base http://127.0.0.1:8080/hls]
//          [--tls-cert FILE --tls-key FILE] [--activate-after-ms N] [--request-log FILE]
// --request-log appends one JSON line per API request (time, method, path, authorised, status) to FILE.
// The credentials default to the environment (CLOUDINARY_URL, or CLOUDINARY_CLOUD_NAME /
// CLOUDINARY_API_KEY / CLOUDINARY_API_SECRET), then to demo / 123456789012345 / local-fake-secret.

import { randomBytes } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';

function parseArguments(argv) {
  const options = {};
  for (let index = 0; index < argv.length; index += 1) {
    const name = argv[index];
    if (!name.startsWith('--')) {
      throw new Error(`unexpected argument ${name}`);
    }
    const value = argv[index + 1];
    if (value === undefined || value.startsWith('--')) {
      throw new Error(`${name} needs a value`);
    }
    options[name.slice(2)] = value;
    index += 1;
  }
  return options;
}

function credentialsFromEnvironment() {
  const url = process.env.CLOUDINARY_URL;
  if (url) {
    const match = /^cloudinary:\/\/([^:@]+):([^@]+)@(.+)$/.exec(url);
    if (!match) {
      throw new Error('CLOUDINARY_URL must look like cloudinary://API_KEY:API_SECRET@CLOUD_NAME');
    }
    return { apiKey: match[1], apiSecret: match[2], cloud: match[3] };
  }
  return {
    cloud: process.env.CLOUDINARY_CLOUD_NAME,
    apiKey: process.env.CLOUDINARY_API_KEY,
    apiSecret: process.env.CLOUDINARY_API_SECRET,
  };
}

const options = parseArguments(process.argv.slice(2));
const fromEnvironment = credentialsFromEnvironment();
const config = {
  host: options.host ?? '127.0.0.1',
  port: Number(options.port ?? 3002),
  cloud: options.cloud ?? fromEnvironment.cloud ?? 'demo',
  apiKey: options['api-key'] ?? fromEnvironment.apiKey ?? '123456789012345',
  apiSecret: options['api-secret'] ?? fromEnvironment.apiSecret ?? 'local-fake-secret',
  ingestUri: options['ingest-uri'] ?? 'rtmp://127.0.0.1:1935/live',
  hlsBase: (options['hls-base'] ?? 'http://127.0.0.1:8080/hls').replace(/\/+$/, ''),
  activateAfterMs: Number(options['activate-after-ms'] ?? 0),
  requestLog: options['request-log'],
};
if (config.host !== '127.0.0.1' && config.host !== 'localhost' && config.host !== '::1') {
  throw new Error('the fake binds to loopback only');
}

const hex32 = () => randomBytes(16).toString('hex');
const streamKey = () => {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(20), (byte) => alphabet[byte % alphabet.length]).join('');
};

const streams = new Map(); // id -> stream object
const requests = []; // what was asked, for tests
let faults = []; // pending faults, applied in order

function makeOutputs(stream) {
  const now = Date.now();
  return [
    {
      id: hex32(), name: 'default hls', type: 'hls',
      uri: `${config.hlsBase}/${stream.input.stream_key}.m3u8`,
      created_at: now, updated_at: now,
    },
    {
      id: hex32(), name: 'default archive', type: 'archive',
      public_id: `live_stream_${stream.id}_archive`,
      created_at: now, updated_at: now,
    },
  ];
}

function send(response, status, body, headers = {}) {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

const ok = (response, data) => send(response, 200, { request_id: hex32(), data });
const fail = (response, status, message, headers) =>
  send(response, status, { request_id: hex32(), error: { message } }, headers);

function authorised(request) {
  const header = request.headers.authorization ?? '';
  const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header);
  if (!match) {
    return false;
  }
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  return decoded === `${config.apiKey}:${config.apiSecret}`;
}

async function readBody(request) {
  const chunks = [];
  let size = 0;
  for await (const chunk of request) {
    size += chunk.length;
    if (size > 1024 * 1024) {
      throw new Error('body too large');
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJsonBody(text) {
  if (text.trim() === '') {
    return {};
  }
  const value = JSON.parse(text);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error('the body must be a JSON object');
  }
  return value;
}

function refreshStatus(stream) {
  if (config.activateAfterMs > 0 && stream.status === 'activating' &&
      Date.now() - stream.activation_requested_at >= config.activateAfterMs) {
    stream.status = 'active';
    stream.updated_at = Date.now();
  }
}

function publicStream(stream) {
  refreshStatus(stream);
  const { activation_requested_at: _hidden, ...visible } = stream;
  return visible;
}

// Applies the next pending fault, if any. Returns true when the response has been taken care of.
async function applyFault(response) {
  const fault = faults[0];
  if (!fault) {
    return false;
  }
  fault.count = (fault.count ?? 1) - 1;
  if (fault.count <= 0) {
    faults.shift();
  }
  switch (fault.mode) {
    case 'delay':
      await new Promise((resolve) => setTimeout(resolve, Number(fault.delayMs ?? 3000)));
      return false;
    case 'hang':
      return true; // the socket stays open until the client gives up
    case 'status500':
      fail(response, 500, 'Internal server error');
      return true;
    case 'status503':
      fail(response, 503, 'Service unavailable');
      return true;
    case 'status':
      fail(response, Number(fault.status ?? 500), String(fault.message ?? `Injected status ${fault.status}`));
      return true;
    case 'rateLimit':
    case 'rateLimit420': {
      const resetSeconds = Number(fault.resetSeconds ?? 5);
      const reset = new Date(Date.now() + resetSeconds * 1000).toUTCString();
      fail(response, fault.mode === 'rateLimit' ? 429 : 420, 'Rate limit exceeded', {
        'X-FeatureRateLimit-Limit': '500',
        'X-FeatureRateLimit-Remaining': '0',
        'X-FeatureRateLimit-Reset': reset,
        'Retry-After': String(resetSeconds),
      });
      return true;
    }
    case 'malformed': {
      const text = '{"request_id": "' + hex32() + '", "data": {"id": ';
      response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
      response.end(text);
      return true;
    }
    case 'truncated': {
      const text = JSON.stringify({ request_id: hex32(), data: { id: hex32(), name: 'x' } });
      response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': text.length + 100 });
      response.write(text.slice(0, Math.floor(text.length / 2)));
      response.socket.destroy();
      return true;
    }
    case 'wrongTypes':
      ok(response, { id: 42, name: ['not', 'a', 'string'], input: 'rtmp', status: 7, outputs: { hls: true },
        created_at: 'yesterday' });
      return true;
    default:
      return false;
  }
}

async function handleControl(request, response, path) {
  if (path === '/__health') {
    response.writeHead(200, { 'Content-Type': 'text/plain' });
    response.end('ok');
    return;
  }
  if (path === '/__requests' && request.method === 'GET') {
    send(response, 200, requests);
    return;
  }
  if (path === '/__faults' && request.method === 'DELETE') {
    faults = [];
    send(response, 200, { faults });
    return;
  }
  if (path === '/__faults' && request.method === 'POST') {
    try {
      const fault = parseJsonBody(await readBody(request));
      if (typeof fault.mode !== 'string') {
        throw new Error('a fault needs a mode');
      }
      faults.push(fault);
      send(response, 200, { faults });
    } catch (error) {
      send(response, 400, { error: String(error.message ?? error) });
    }
    return;
  }
  send(response, 404, { error: 'unknown control path' });
}

// Routes /live_streams… below the base path. `rest` is the part after /live_streams.
async function handleApi(request, response, rest) {
  const segments = rest.split('/').filter(Boolean);
  const method = request.method;
  let body = {};
  if (method === 'POST' || method === 'PATCH') {
    const type = request.headers['content-type'] ?? '';
    const text = await readBody(request);
    if (text.trim() !== '' && !type.startsWith('application/json')) {
      fail(response, 400, 'Content-Type must be application/json');
      return;
    }
    try {
      body = parseJsonBody(text);
    } catch (error) {
      fail(response, 400, `Invalid JSON body: ${error.message}`);
      return;
    }
  }

  if (segments.length === 0) {
    if (method === 'GET') {
      ok(response, [...streams.values()].map(publicStream));
      return;
    }
    if (method === 'POST') {
      if (body.input === null || typeof body.input !== 'object' || body.input.type !== 'rtmp') {
        fail(response, 400, 'input.type is required and must be "rtmp"');
        return;
      }
      if (body.name !== undefined && body.name !== null && typeof body.name !== 'string') {
        fail(response, 400, 'name must be a string');
        return;
      }
      for (const field of ['idle_timeout_sec', 'max_runtime_sec']) {
        if (body[field] !== undefined && (!Number.isInteger(body[field]) || body[field] <= 0)) {
          fail(response, 400, `${field} must be a positive integer`);
          return;
        }
      }
      const now = Date.now();
      const stream = {
        id: hex32(),
        name: body.name ?? null,
        input: { type: 'rtmp', uri: config.ingestUri, stream_key: streamKey() },
        status: 'idle',
        outputs: [],
        idle_timeout_sec: body.idle_timeout_sec ?? 60,
        max_runtime_sec: body.max_runtime_sec ?? 10800,
        created_at: now,
        updated_at: now,
      };
      stream.outputs = makeOutputs(stream);
      streams.set(stream.id, stream);
      ok(response, publicStream(stream));
      return;
    }
    fail(response, 405, `${method} is not allowed here`);
    return;
  }

  const stream = streams.get(segments[0]);
  if (!stream) {
    fail(response, 404, `Live stream ${segments[0]} not found`);
    return;
  }
  if (segments.length === 1) {
    if (method === 'GET') {
      ok(response, publicStream(stream));
    } else if (method === 'PATCH') {
      for (const field of ['name', 'idle_timeout_sec', 'max_runtime_sec']) {
        if (body[field] !== undefined) {
          stream[field] = body[field];
        }
      }
      stream.updated_at = Date.now();
      ok(response, publicStream(stream));
    } else if (method === 'DELETE') {
      streams.delete(stream.id);
      ok(response, { message: 'Live stream deleted' });
    } else {
      fail(response, 405, `${method} is not allowed here`);
    }
    return;
  }
  if (segments.length === 2 && (segments[1] === 'activate' || segments[1] === 'idle') && method === 'POST') {
    if (segments[1] === 'activate') {
      stream.status = config.activateAfterMs > 0 ? 'activating' : 'active';
      stream.activation_requested_at = Date.now();
    } else {
      stream.status = 'idle';
    }
    stream.updated_at = Date.now();
    ok(response, { message: segments[1] === 'activate' ? 'Live stream activated' : 'Live stream is idle' });
    return;
  }
  if (segments[1] === 'outputs') {
    if (segments.length === 2 && method === 'GET') {
      ok(response, stream.outputs);
      return;
    }
    if (segments.length === 2 && method === 'POST') {
      if (typeof body.type !== 'string' || body.type === '') {
        fail(response, 400, 'type is required');
        return;
      }
      const now = Date.now();
      const output = { id: hex32(), name: body.name ?? null, type: body.type, created_at: now, updated_at: now };
      for (const field of ['uri', 'stream_key', 'vendor', 'public_id']) {
        if (body[field] !== undefined) {
          output[field] = body[field];
        }
      }
      stream.outputs.push(output);
      ok(response, output);
      return;
    }
    if (segments.length === 3) {
      const index = stream.outputs.findIndex((output) => output.id === segments[2]);
      if (index < 0) {
        fail(response, 404, `Output ${segments[2]} not found`);
        return;
      }
      const output = stream.outputs[index];
      if (method === 'GET') {
        ok(response, output);
      } else if (method === 'PATCH') {
        for (const field of ['name', 'uri', 'stream_key']) {
          if (body[field] !== undefined) {
            output[field] = body[field];
          }
        }
        output.updated_at = Date.now();
        ok(response, output);
      } else if (method === 'DELETE') {
        stream.outputs.splice(index, 1);
        ok(response, { message: 'Output deleted' });
      } else {
        fail(response, 405, `${method} is not allowed here`);
      }
      return;
    }
  }
  fail(response, 404, 'Not found');
}

async function handle(request, response) {
  const url = new URL(request.url, 'http://fake.invalid');
  const path = url.pathname;
  if (path.startsWith('/__')) {
    await handleControl(request, response, path);
    return;
  }
  // /v2/video/{cloud}/live_streams… (documented) or /v2/{cloud}/video/live_streams… (SDKs)
  const match = /^\/v2\/(?:video\/([^/]+)|([^/]+)\/video)\/live_streams(\/.*)?$/.exec(path);
  const record = { method: request.method, path, authorised: authorised(request) };
  requests.push(record);
  if (requests.length > 1000) {
    requests.shift();
  }
  if (config.requestLog) {
    response.on('finish', () => {
      const line = { time: new Date().toISOString(), ...record, status: response.statusCode };
      appendFileSync(config.requestLog, JSON.stringify(line) + '\n');
    });
  }
  if (!match) {
    fail(response, 404, 'Not found');
    return;
  }
  if (!record.authorised) {
    fail(response, 401, 'Invalid credentials', { 'WWW-Authenticate': 'Basic realm="Cloudinary"' });
    return;
  }
  const cloud = match[1] ?? match[2];
  if (cloud !== config.cloud) {
    fail(response, 401, `Invalid cloud_name ${cloud}`);
    return;
  }
  if (await applyFault(response)) {
    return;
  }
  await handleApi(request, response, match[3] ?? '');
}

function onRequest(request, response) {
  handle(request, response).catch((error) => {
    if (!response.headersSent) {
      fail(response, 500, `fake error: ${error.message}`);
    }
  });
}

const server = options['tls-cert']
  ? https.createServer({ cert: readFileSync(options['tls-cert']), key: readFileSync(options['tls-key']) }, onRequest)
  : http.createServer(onRequest);
// Idle keep-alive connections stay open longer than a client's pause between requests (a test may
// push media for several seconds between two calls): with Node's default of 5 s the server could
// close a connection just as the client reuses it.
server.keepAliveTimeout = 65000;
server.headersTimeout = 66000;

server.listen(config.port, config.host, () => {
  const address = server.address();
  const scheme = options['tls-cert'] ? 'https' : 'http';
  console.log(`cloudinary fake listening on ${scheme}://${config.host}:${address.port} (cloud ${config.cloud})`);
});

function shutDown(signal) {
  console.log(`cloudinary fake: ${signal}, closing`);
  server.close(() => process.exit(0));
  server.closeAllConnections?.();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', () => shutDown('SIGTERM'));
process.on('SIGINT', () => shutDown('SIGINT'));
